// The counter page: pick a counter, then call, recall, finish and move citizens; live from /display.
import {api} from './api.js';
import {renderAbsent} from './counter_absent.js';
import {askResume, settle} from './counter_dialogs.js';
import {afterUndoWindow} from './counter_undo.js';
import {render, renderButtons, renderLines, tick} from './counter_view.js';
import {chooseService, connectLive, debounce, el, printerLine, say} from './staff.js';
import {fill, strings} from './strings.js';

const STORE_KEY = 'luot.counter';
const $ = id => document.getElementById(id);
const message = $('message');
const state = {number: null, counter: null, counters: [], services: [], counts: {}, line: [], busy: false};

// Letters by their key position (event.code), so a Vietnamese input method does not change them;
// no F-keys: F1, F3, F5 and F11 belong to the browser. S puts the cursor in "Gọi số".
const KEYS = {Space: 'next', KeyG: 'next', KeyN: 'no_show_next', KeyL: 'recall', KeyB: 'start', KeyV: 'no_show',
              KeyC: 'transfer', Enter: 'complete', NumpadEnter: 'complete', KeyH: 'complete', KeyP: 'pause'};

/** The chosen counter: ?counter=N, else the one this browser used last; ?change=1 forgets it. */
function chosenNumber() {
  const params = new URLSearchParams(location.search);
  if (params.has('change')) {
    localStorage.removeItem(STORE_KEY);
    history.replaceState(null, '', location.pathname);
    return null;
  }
  const number = parseInt(params.get('counter') || localStorage.getItem(STORE_KEY), 10);
  if (!(number > 0)) return null;
  localStorage.setItem(STORE_KEY, String(number));
  if (!params.has('counter')) history.replaceState(null, '', '?counter=' + number);
  return number;
}

/** Run a refresher and show its failure instead of throwing it away. */
function guarded(refresher) {
  return () => refresher().catch(error => say(message, error.message, 'error'));
}

async function refreshCounter() {
  state.counters = await api('GET', '/api/v1/counters');
  const wanted = state.number;
  state.counter = state.counters.find(c => c.number === wanted) || null;
  if (wanted && !state.counter) {
    say(message, fill(strings.unknown_counter, {number: wanted}), 'error');
    localStorage.removeItem(STORE_KEY);
    state.number = null;
  }
  render(state);
}

/** The counter's line in call order, today's counts, as the server counts them (however long the day), and
 * today's absent citizens of its lines. */
async function refreshLines() {
  if (!state.counter) return;
  const number = state.number;
  const [day, absent] = await Promise.all([api('GET', `/api/v1/counters/${number}/line?limit=100`),
                                           api('GET', `/api/v1/counters/${number}/no-shows`)]);
  if (day.counter !== state.number) return;   // the page moved to another counter meanwhile
  state.line = day.line;
  for (const service of day.services) state.counts[service.code] = service.waiting;
  $('served').textContent = day.served;
  $('no-shows').textContent = day.no_show;
  renderLines(state);
  renderAbsent($('absent'), absent, ticket => run('call_back', ticket));
}

const counterSoon = debounce(guarded(refreshCounter));
const linesSoon = debounce(guarded(refreshLines));

/** A ticket action of this counter: the server refuses it (wrong_counter) for a ticket at another counter. */
const act = (ticket, verb, body = {}) =>
  api('POST', `/api/v1/tickets/${ticket.id}/${verb}`, {...body, counter: state.number});
const callNext = body => api('POST', `/api/v1/counters/${state.number}/call-next`, body);
const callNumber = body => api('POST', `/api/v1/counters/${state.number}/call`, body);

/** A call (given the extra body, {} or {resume: true}): a paused counter calls nobody, so staff are asked to
 * resume it first (the server says so too if the page did not know yet). Null when it stays paused. */
async function calling(call, question) {
  let resume = false;
  if (state.counter.paused) {
    if (!(await askResume(question))) return null;
    resume = true;
  }
  try {
    return await call(resume ? {resume: true} : {});
  } catch (error) {
    if (error.code !== 'counter_paused' || resume) throw error;
    if (!(await askResume(question))) return null;
    return call({resume: true});
  }
}

const orPaused = (template, ticket) => (ticket ? fill(template, ticket) : strings.still_paused);
const ACTIONS = {
  next: async () => orPaused(strings.called, await calling(
    extra => callNext(extra.resume ? extra : undefined), strings.resume_next)),
  // One tap: the current citizen did not come, call the next; one transaction on the server, and with
  // nobody waiting nothing changes (the citizen stays here). Sent only after the few seconds to undo it.
  no_show_next: async t => {
    if (!(await afterUndoWindow(strings.no_show_next_soon, {number: t.number}))) return fill(strings.undone, t);
    try {
      const called = await calling(extra => callNext({finish_current: 'no_show', ...extra}), strings.resume_next);
      return called ? fill(strings.no_show_next, {absent: t.number, number: called.number}) : strings.still_paused;
    } catch (error) {
      if (error.code === 'queue_empty') error.message = fill(strings.queue_empty_kept, {number: t.number});
      throw error;
    }
  },
  recall: async t => fill(strings.recalled, await act(t, 'recall')),
  start: async t => fill(strings.started, await act(t, 'start')),
  no_show: async t => {
    if (!(await afterUndoWindow(strings.no_show_soon, {number: t.number}))) return fill(strings.undone, t);
    return fill(strings.no_show, await act(t, 'no-show'));
  },
  complete: async t => fill(strings.completed, await act(t, 'complete')),
  transfer: async t => {
    const note = $('transfer-note');
    note.value = '';
    const code = await chooseService(state.services, t);
    if (!code) return null;
    const written = note.value.trim();
    const moved = await act(t, 'transfer', written ? {service: code, note: written} : {service: code});
    return fill(strings.transferred, {number: moved.number, service: moved.service_name});
  },
  call_number: async () => {
    const input = $('call-number-input');
    const number = input.value.trim().toUpperCase();
    if (!number) {
      input.focus();
      throw new Error(strings.type_number);
    }
    const called = await calling(extra => callNumber({number, ...extra}), fill(strings.resume_number, {number}));
    if (called) {
      input.value = '';
      input.blur();   // the keys are the page's shortcuts again
    }
    return orPaused(strings.called, called);
  },
  // An absent citizen came back: back in line at their place (within the setting's minutes), then called here.
  call_back: async (t, absent) => {
    let returned = false;
    const called = await calling(async extra => {
      if (!returned) await api('POST', `/api/v1/tickets/${absent.id}/return`, {});
      returned = true;
      return callNumber({number: absent.number, ...extra});
    }, fill(strings.resume_number, absent));
    return orPaused(strings.called_back, called);
  },
  // The end of the day at this counter: the citizen at it leaves first (served, absent or back in line).
  close: async () => {
    await refreshCounter();
    const settled = await settle($('close-dialog'), state.counter.current, act, guarded(refreshCounter));
    if (!settled) return null;
    await api('PATCH', `/api/v1/counters/${state.number}`, {active: false});
    return strings.closed_for_day;
  },
  pause: async () => {
    if (!state.counter.active) {   // the morning: the counter was closed at the end of the last day
      await api('PATCH', `/api/v1/counters/${state.number}`, {active: true, paused: false});
      return strings.opened;
    }
    const counter = await api('PATCH', `/api/v1/counters/${state.number}`, {paused: !state.counter.paused});
    return counter.paused ? strings.paused : strings.resumed;
  },
};

/** Do one action once (a second press while it runs is ignored), then show the outcome. */
async function run(action, ...details) {
  const button = document.querySelector(`[data-action="${action}"]`);
  if (state.busy || !state.counter || (button && button.disabled)) return;
  state.busy = true;
  renderButtons(state);
  try {
    const text = await ACTIONS[action](state.counter.current, ...details);
    if (text) say(message, text, [strings.paused, strings.still_paused].includes(text) ? 'warn' : 'ok');
  } catch (error) {
    const empty = error.code === 'queue_empty';
    const text = empty && action === 'next' ? strings.queue_empty : error.message;
    say(message, text, empty ? 'warn' : 'error');
  } finally {
    state.busy = false;
    renderButtons(state);   // the next key works at once, not only once the counter is read again
    await guarded(refreshCounter)();
    linesSoon();
  }
}

/** The page's logout: settle the current citizen first, then log out with the counter, which the server
 * pauses (pages.logout), so it is not left open with nobody at it. */
function guardLogout() {
  const form = document.querySelector('form[action$="/logout"]');
  if (!form) return;
  form.addEventListener('submit', async event => {
    if (!state.number || !state.counter) return;   // no counter chosen: a plain logout
    event.preventDefault();
    if (state.busy) return;   // an absence still being undone, or a call on its way: first that
    await guarded(refreshCounter)();   // the current citizen as the server has it now
    const ticket = state.counter && state.counter.current;
    if (ticket && !(await settle($('logout-dialog'), ticket, act, guarded(refreshCounter)))) return;
    const field = form.querySelector('input[name=counter]') || form.appendChild(
      el('input', {type: 'hidden', name: 'counter'}));
    field.value = String(state.number);
    form.submit();
  });
}

function onKey(event) {
  if (event.ctrlKey || event.altKey || event.metaKey || event.repeat) return;
  if ($('work').hidden || document.querySelector('dialog[open]')) return;
  const target = event.target instanceof Element ? event.target : document.body;
  if (target.closest('input, textarea, select, [contenteditable]')) return;
  if (event.code === 'KeyS') {
    event.preventDefault();
    $('call-number-input').focus();
    return;
  }
  const action = KEYS[event.code];
  if (!action) return;
  // Space and Enter on a focused control keep their own meaning for keyboard users.
  if (/Space|Enter/.test(event.code) && target.closest('button, a, summary')) return;
  event.preventDefault();
  run(action);
}

function setCounts(services) {
  for (const service of services || []) state.counts[service.code] = service.waiting;
}

function concernsMe(data) {
  return !state.counter || (data.counter && data.counter.number === state.number);
}

async function start() {
  state.number = chosenNumber();
  document.querySelectorAll('button[data-action]:not([type=submit])').forEach(button => button.addEventListener(
    'click', () => {
      button.blur();  // so that Space and Enter afterwards are the page's shortcuts again
      run(button.dataset.action);
    }));
  $('call-number').addEventListener('submit', event => {
    event.preventDefault();
    run('call_number');
  });
  $('call-number-input').addEventListener('keydown', event => {
    if (event.key === 'Escape') event.currentTarget.blur();   // back to the page's shortcuts
  });
  $('transfer-note').addEventListener('keydown', event => {
    if (event.key === 'Enter') event.preventDefault();   // Enter would close the dialog without moving anyone
  });
  document.addEventListener('keydown', onKey);
  setInterval(() => tick(state), 1000);  // the on-screen timer only; data changes come from the live feed
  const updatePrinter = printerLine($('printers'), JSON.parse($('printer-states').textContent));
  try {
    state.services = await api('GET', '/api/v1/services');
    await refreshCounter();
  } catch (error) {
    say(message, error.message, 'error');
  }
  guardLogout();
  guarded(refreshLines)();
  connectLive({
    snapshot: data => { setCounts(data.services); counterSoon(); linesSoon(); },
    queue_changed: data => { setCounts(data.services); renderLines(state); linesSoon(); },
    ticket_called: data => { if (concernsMe(data)) { counterSoon(); linesSoon(); } },
    counter_changed: data => { if (concernsMe(data)) { counterSoon(); linesSoon(); } },
    printer_status: updatePrinter,
  }, $('live'));
}

start();
