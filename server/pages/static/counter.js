// The counter page: pick a counter, then call, recall, finish and move citizens; live from /display.
import {api} from './api.js';
import {chooseService, clockTime, connectLive, debounce, el, elapsed, maskPhone, printerLine, priorityLabel, say,
        statusLabel} from './staff.js';
import {fill, strings} from './strings.js';

const STORE_KEY = 'luot.counter';
const $ = id => document.getElementById(id);
const message = $('message');
const state = {number: null, counter: null, counters: [], services: [], counts: {}, line: [], busy: false};

// Letters by their key position (event.code), so a Vietnamese input method does not change them;
// no F-keys: F1, F3, F5 and F11 belong to the browser.
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

function serviceName(code) {
  const service = state.services.find(s => s.code === code);
  return service ? service.name : code;
}

function renderPicker() {
  const cards = state.counters.map(counter => {
    const status = !counter.active ? strings.state_closed
      : counter.current ? fill(strings.serving_now, {number: counter.current.number})
      : counter.paused ? strings.state_paused : strings.idle;
    const body = [el('strong', {}, counter.name), el('span', {}, counter.services.map(serviceName).join(', ')),
                  el('span', {class: 'pick-state'}, status)];
    // A closed counter (every evening, by the end of the day) is opened by its staff from its page.
    return el('a', {class: 'pick' + (counter.active ? '' : ' closed'), href: '?counter=' + counter.number,
                    'data-counter': counter.number}, body);
  });
  $('counter-list').replaceChildren(...(cards.length ? cards : [el('p', {}, strings.no_counters)]));
}

function renderHead() {
  const counter = state.counter;
  $('counter-name').textContent = counter.name || fill(strings.counter_title, {number: counter.number});
  const pill = $('counter-state');
  const key = !counter.active ? 'closed' : counter.paused ? 'paused' : 'open';
  pill.textContent = strings['state_' + key];
  pill.className = 'pill state-' + key;
  pill.hidden = false;
  $('change-counter').hidden = false;
  $('pause-label').textContent = !counter.active ? strings.open_counter
    : counter.paused ? strings.resume : strings.pause;
}

function renderCurrent() {
  const ticket = state.counter.current;
  $('current').hidden = !ticket;
  $('current-empty').hidden = !!ticket;
  if (!ticket) return;
  $('cur-number').textContent = ticket.number;
  $('cur-service').textContent = ticket.service_name;
  $('cur-status').textContent = statusLabel(ticket.status);
  $('cur-status').className = 'pill status-' + ticket.status;
  $('cur-priority').textContent = priorityLabel(ticket);
  $('cur-priority').hidden = !ticket.priority;
  $('cur-name').textContent = ticket.name || strings.not_given;
  $('cur-phone').textContent = maskPhone(ticket.phone) || strings.not_given;
  $('cur-called').textContent = clockTime(ticket.called_at);
  $('cur-calls').textContent = fill(strings.calls_n, {n: ticket.call_count});
  tick();
}

function renderButtons() {
  const counter = state.counter, ticket = counter && counter.current;
  const open = !!(counter && counter.active);
  const allowed = {next: open, no_show_next: open && !!ticket, recall: !!ticket,
                   start: !!ticket && ticket.status === 'called', no_show: !!ticket, transfer: !!ticket,
                   complete: !!ticket, pause: !!counter};
  for (const button of document.querySelectorAll('[data-action]')) {
    button.disabled = state.busy || !allowed[button.dataset.action];
  }
}

function renderLines() {
  if (!state.counter) return;
  const items = state.counter.services.map(code => {
    const line = state.line.filter(t => t.service === code);   // already in the order they are called
    const count = state.counts[code] ?? line.length;
    const next = line.slice(0, 6).map(t => el('span', {class: 'chip' + (t.priority ? ' priority' : ''),
                                                      title: priorityLabel(t)}, t.number));
    return el('li', {'data-service': code},
              el('div', {class: 'line-head'}, el('strong', {}, serviceName(code)),
                 el('span', {class: 'count' + (count ? '' : ' zero')}, fill(strings.waiting_n, {n: count}))),
              el('div', {class: 'chips'}, next.length ? next : el('span', {class: 'muted'}, strings.nobody_waiting)));
  });
  $('lines').replaceChildren(...(items.length ? items : [el('li', {class: 'muted'}, strings.no_services)]));
}

function render() {
  const known = !!state.counter;
  $('picker').hidden = known;
  $('work').hidden = !known;
  if (!known) return renderPicker();
  renderHead();
  renderCurrent();
  renderButtons();
  renderLines();
}

function tick() {
  const ticket = state.counter && state.counter.current;
  if (ticket && ticket.called_at) $('cur-timer').textContent = elapsed(ticket.called_at);
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
  render();
}

/** The counter's line in call order and today's counts, as the server counts them (however long the day). */
async function refreshLines() {
  if (!state.counter) return;
  const day = await api('GET', `/api/v1/counters/${state.number}/line?limit=100`);
  if (day.counter !== state.number) return;   // the page moved to another counter meanwhile
  state.line = day.line;
  for (const service of day.services) state.counts[service.code] = service.waiting;
  $('served').textContent = day.served;
  $('no-shows').textContent = day.no_show;
  renderLines();
}

const counterSoon = debounce(guarded(refreshCounter));
const linesSoon = debounce(guarded(refreshLines));

/** A ticket action of this counter: the server refuses it (wrong_counter) for a ticket at another counter. */
const act = (ticket, verb, body = {}) =>
  api('POST', `/api/v1/tickets/${ticket.id}/${verb}`, {...body, counter: state.number});
const callNext = body => api('POST', `/api/v1/counters/${state.number}/call-next`, body);
const ACTIONS = {
  next: async () => fill(strings.called, await callNext()),
  // One tap: the current citizen did not come, call the next; one transaction on the server, and with
  // nobody waiting nothing changes (the citizen stays here).
  no_show_next: async t => {
    try {
      const called = await callNext({finish_current: 'no_show'});
      return fill(strings.no_show_next, {absent: t.number, number: called.number});
    } catch (error) {
      if (error.code === 'queue_empty') error.message = fill(strings.queue_empty_kept, {number: t.number});
      throw error;
    }
  },
  recall: async t => fill(strings.recalled, await act(t, 'recall')),
  start: async t => fill(strings.started, await act(t, 'start')),
  no_show: async t => fill(strings.no_show, await act(t, 'no-show')),
  complete: async t => fill(strings.completed, await act(t, 'complete')),
  transfer: async t => {
    const code = await chooseService(state.services, t);
    if (!code) return null;
    const moved = await act(t, 'transfer', {service: code});
    return fill(strings.transferred, {number: moved.number, service: moved.service_name});
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

/** Do one button's action once (a second press while it runs is ignored), then show the outcome. */
async function run(action) {
  const button = document.querySelector(`[data-action="${action}"]`);
  if (state.busy || !state.counter || button.disabled) return;
  state.busy = true;
  renderButtons();
  try {
    const text = await ACTIONS[action](state.counter.current);
    if (text) say(message, text, text === strings.paused ? 'warn' : 'ok');
  } catch (error) {
    const empty = error.code === 'queue_empty';
    const text = empty && action === 'next' ? strings.queue_empty : error.message;
    say(message, text, empty ? 'warn' : 'error');
  } finally {
    state.busy = false;
    await guarded(refreshCounter)();
    linesSoon();
  }
}

/** Before logging out: finish the current citizen (served or absent) or hand them back to the line at
 * their place, in the logout dialog; false when staff chose to stay. */
function settleBeforeLogout(ticket) {
  const dialog = $('logout-dialog');
  const note = $('logout-message');
  dialog.querySelector('.ticket-number').textContent = ticket.number;
  say(note, '');
  const verbs = {complete: 'complete', no_show: 'no-show', hand_back: 'hand-back'};
  return new Promise(resolve => {
    let settled = false;
    const choices = [...dialog.querySelectorAll('[data-leave]')];
    const choose = async event => {
      choices.forEach(button => { button.disabled = true; });
      try {
        await act(ticket, verbs[event.currentTarget.dataset.leave]);
        settled = true;
        dialog.close();
      } catch (error) {
        say(note, error.message, 'error');   // the citizen stays at the counter; staff may choose again
        guarded(refreshCounter)();
      } finally {
        choices.forEach(button => { button.disabled = false; });
      }
    };
    choices.forEach(button => { button.onclick = choose; });
    dialog.addEventListener('close', () => resolve(settled), {once: true});
    dialog.showModal();
    choices[0].focus();
  });
}

/** The page's logout: settle the current citizen first, then log out with the counter, which the server
 * pauses (pages.logout), so it is not left open with nobody at it. */
function guardLogout() {
  const form = document.querySelector('form[action$="/logout"]');
  if (!form) return;
  form.addEventListener('submit', async event => {
    if (!state.number || !state.counter) return;   // no counter chosen: a plain logout
    event.preventDefault();
    await guarded(refreshCounter)();   // the current citizen as the server has it now
    const ticket = state.counter && state.counter.current;
    if (ticket && !(await settleBeforeLogout(ticket))) return;
    const field = form.querySelector('input[name=counter]') || form.appendChild(
      el('input', {type: 'hidden', name: 'counter'}));
    field.value = String(state.number);
    form.submit();
  });
}

function onKey(event) {
  if (event.ctrlKey || event.altKey || event.metaKey || event.repeat) return;
  if ($('work').hidden || document.querySelector('dialog[open]')) return;
  const action = KEYS[event.code];
  const target = event.target instanceof Element ? event.target : document.body;
  if (!action || target.closest('input, textarea, select, [contenteditable]')) return;
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
  document.querySelectorAll('[data-action]').forEach(button => button.addEventListener('click', () => {
    button.blur();  // so that Space and Enter afterwards are the page's shortcuts again
    run(button.dataset.action);
  }));
  document.addEventListener('keydown', onKey);
  setInterval(tick, 1000);  // the on-screen timer only; data changes come from the live feed
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
    queue_changed: data => { setCounts(data.services); renderLines(); linesSoon(); },
    ticket_called: data => { if (concernsMe(data)) { counterSoon(); linesSoon(); } },
    counter_changed: data => { if (concernsMe(data)) { counterSoon(); linesSoon(); } },
    printer_status: updatePrinter,
  }, $('live'));
}

start();
