// The front desk: issue tickets for citizens; find, reprint, cancel, return and move them; every line live.
import {api} from './api.js';
import {dossiersSoon, startDossiers} from './desk_dossiers.js';
import {chooseService, clockTime, connectLive, debounce, el, maskPhone, printerLine, priorityLabel, say,
        statusLabel} from './staff.js';
import {fill, strings} from './strings.js';
import {isDue, showWait} from './wait_words.js';

const $ = id => document.getElementById(id);
const message = $('message');
const SHOWN = 50;
const state = {services: [], lines: [], counters: new Map(), waiting: [], query: null, issued: null};

function renderServiceChoices() {
  const chosen = new FormData($('issue-form')).get('service');
  $('service-choices').replaceChildren(...state.services.map(service => el(
    'label', {class: 'service-choice' + (service.active ? '' : ' closed')},
    el('input', {type: 'radio', name: 'service', value: service.code, disabled: !service.active,
                 checked: service.code === chosen}),
    el('span', {}, service.name, service.active ? '' : ` (${strings.service_closed})`))));
}

/** What to tell the citizen about the paper ticket, from the API's `printing` answer. */
function printingText(printing) {
  const label = strings.printer_state[printing.status] || printing.status;
  if (printing.status === 'not_requested') return [strings.print_not_requested, 'warn'];
  if (printing.status === 'no_printer') return [strings.print_no_printer, 'warn'];
  if (!printing.queued) return [strings.print_failed, 'error'];
  if (strings.printer_problems.includes(printing.status)) {
    return [fill(strings.print_problem, {state: label}) + (printing.detail ? ` (${printing.detail})` : ''), 'error'];
  }
  return [printing.status === 'unknown' ? strings.print_sent : fill(strings.print_queued, {state: label}), 'ok'];
}

function showIssued(ticket) {
  state.issued = ticket;
  $('issued').hidden = false;
  $('issued-number').textContent = ticket.number;
  $('issued-service').textContent = [ticket.service_name, priorityLabel(ticket)].filter(Boolean).join(' · ');
  if (!ticket.ahead && isDue(ticket)) $('issued-ahead').textContent = strings.first;
  else showWait($('issued-ahead'), ticket, strings.wait,
                (ticket.ahead ? fill(strings.ahead, {n: ticket.ahead}) : strings.nobody_ahead) + ' ');
  showPrinting(ticket.printing);
}

function showPrinting(printing) {
  const [text, kind] = printing ? printingText(printing) : ['', 'ok'];
  $('issued-printing').textContent = text;
  $('issued-printing').className = 'printing ' + kind;
}

async function issue(event) {
  event.preventDefault();
  const form = event.target, data = new FormData(form);
  if (!data.get('service')) return say(message, strings.choose_service, 'error');
  const reason = data.get('priority_reason');
  const body = {service: data.get('service'), name: data.get('name').trim() || null,
                phone: data.get('phone').trim() || null, priority: !!reason, priority_reason: reason || null,
                print: form.elements.print.checked};
  const button = form.querySelector('button[type=submit]');
  button.disabled = true;
  try {
    const ticket = await api('POST', '/api/v1/tickets', body);
    showIssued(ticket);
    const [printed, kind] = printingText(ticket.printing);
    say(message, fill(strings.issued, ticket) + (kind === 'ok' ? '' : ' — ' + printed), kind);
    for (const field of ['name', 'phone', 'priority_reason']) form.elements[field].value = '';
  } catch (error) {
    say(message, error.message, 'error');
    if (/phone/.test(error.code)) form.elements.phone.focus();
  } finally {
    button.disabled = false;
  }
}

async function reprint(ticket) {
  const printing = await api('POST', `/api/v1/tickets/${ticket.id}/reprint`);
  if (state.issued && state.issued.id === ticket.id) showPrinting(printing);
  const [text, kind] = printingText(printing);
  // Nothing was sent to a printer when there is none: the outcome says so, not "sent".
  return [fill(printing.queued ? strings.reprinted : strings.not_reprinted, ticket) + ' ' + text, kind];
}

async function cancel(ticket) {
  if (!confirm(fill(strings.confirm_cancel, ticket))) return null;
  return fill(strings.cancelled, await api('POST', `/api/v1/tickets/${ticket.id}/cancel`));
}

async function giveBack(ticket) {
  return fill(strings.returned, await api('POST', `/api/v1/tickets/${ticket.id}/return`));
}

async function transfer(ticket) {
  const code = await chooseService(state.services, ticket);
  if (!code) return null;
  const moved = await api('POST', `/api/v1/tickets/${ticket.id}/transfer`, {service: code});
  return fill(strings.transferred, {number: moved.number, service: moved.service_name});
}

/** Run a row's action, show its outcome (a text, or [text, kind]), and refresh the results. */
async function act(action, ticket, button) {
  button.disabled = true;
  try {
    const outcome = await action(ticket);
    const [text, kind] = Array.isArray(outcome) ? outcome : [outcome, 'ok'];
    if (text) say(message, text, kind);
  } catch (error) {
    say(message, error.message, 'error');
  } finally {
    button.disabled = false;
    searchSoon();
  }
}

const ROW_ACTIONS = [
  ['reprint', reprint, ['waiting', 'called', 'serving', 'no_show']],
  ['transfer', transfer, ['waiting', 'called', 'serving']],
  ['cancel', cancel, ['waiting', 'called']],
  ['return', giveBack, ['no_show']],
];

function resultRow(ticket) {
  const buttons = ROW_ACTIONS.filter(([, , statuses]) => statuses.includes(ticket.status)).map(([key, action]) =>
    el('button', {type: 'button', class: 'row-action action-' + key, 'data-action': key,
                  onclick: event => act(action, ticket, event.currentTarget)}, strings[key]));
  const status = statusLabel(ticket.status) + (ticket.counter ? ' · ' + fill(strings.at_counter, {n: ticket.counter}) : '');
  return el('tr', {'data-ticket': ticket.id},
            el('td', {class: 'number'}, ticket.number, ticket.priority ? el('span', {class: 'star', title: priorityLabel(ticket)}, ' ★') : ''),
            el('td', {}, ticket.service_name), el('td', {}, ticket.name || ''),
            el('td', {}, maskPhone(ticket.phone)),
            el('td', {}, el('span', {class: 'pill status-' + ticket.status}, status)),
            el('td', {}, clockTime(ticket.issued_at)), el('td', {class: 'row-actions'}, buttons));
}

function renderResults(tickets) {
  const table = $('results');
  table.hidden = tickets.length === 0;
  table.tBodies[0].replaceChildren(...tickets.slice(0, SHOWN).map(resultRow));
  $('search-summary').textContent = !tickets.length ? strings.none_found
    : tickets.length > SHOWN ? fill(strings.shown_n, {shown: SHOWN, n: tickets.length})
    : fill(strings.found_n, {n: tickets.length});
}

/** A phone typed with spaces, dots or +84 is searched the way it is stored (0xxxxxxxxx). */
function normalised(query) {
  const compact = query.replace(/[\s.\-]/g, '');
  if (/^\+?\d{6,}$/.test(compact)) return compact.replace(/^\+84/, '0');
  return query.trim();
}

async function search() {
  if (state.query === null) return;
  renderResults(await api('GET', '/api/v1/tickets?q=' + encodeURIComponent(state.query)));
}

function renderLines() {
  const items = state.lines.filter(line => line.active || line.waiting).map(line => {
    const next = state.waiting.filter(t => t.service === line.code).slice(0, 5)
      .map(t => el('span', {class: 'chip' + (t.priority ? ' priority' : ''), title: priorityLabel(t)}, t.number));
    return el('li', {'data-service': line.code},
              el('div', {class: 'line-head'}, el('strong', {}, line.name),
                 el('span', {class: 'count' + (line.waiting ? '' : ' zero')}, fill(strings.waiting_n, {n: line.waiting}))),
              el('div', {class: 'chips'}, next.length ? next
                 : el('span', {class: 'muted'}, line.waiting ? '…' : strings.nobody_waiting)));
  });
  $('lines').replaceChildren(...items);
}

function renderCounters() {
  const counters = [...state.counters.values()].filter(c => c.active).sort((a, b) => a.number - b.number);
  $('counters').replaceChildren(...counters.map(counter => {
    const key = counter.paused ? 'paused' : 'idle';
    return el('li', {class: 'counter-card' + (counter.paused ? ' paused' : ''), 'data-counter': counter.number},
              el('span', {class: 'counter-title'}, fill(strings.counter_title, {number: counter.number})),
              el('span', {class: 'counter-number'}, counter.current ? counter.current.number : '—'),
              el('span', {class: 'counter-state'},
                 counter.current && !counter.paused ? statusLabel(counter.current.status) : strings['state_' + key]));
  }));
}

async function refreshWaiting() {
  const waiting = await api('GET', '/api/v1/tickets?status=waiting');
  state.waiting = waiting.sort((a, b) => a.ahead - b.ahead);
  renderLines();
}

const guarded = fn => () => fn().catch(error => say(message, error.message, 'error'));
const searchSoon = debounce(guarded(search), 200);
const waitingSoon = debounce(guarded(refreshWaiting));

function setLines(services) {
  if (services) state.lines = services;
  renderLines();
}

function setCounter(counter) {
  state.counters.set(counter.number, {...state.counters.get(counter.number), ...counter});
  renderCounters();
}

async function start() {
  $('issue-form').addEventListener('submit', issue);
  $('search-form').addEventListener('submit', event => {
    event.preventDefault();
    state.query = normalised(new FormData(event.target).get('q'));
    guarded(search)();
  });
  $('issued-reprint').addEventListener('click', event => act(reprint, state.issued, event.currentTarget));
  const updatePrinter = printerLine($('printers'), JSON.parse($('printer-states').textContent));
  try {
    state.services = await api('GET', '/api/v1/services');
    renderServiceChoices();
    startDossiers(state.services);
  } catch (error) {
    say(message, error.message, 'error');
  }
  connectLive({
    snapshot: data => {
      state.counters = new Map(data.counters.map(c => [c.number, c]));
      setLines(data.services);
      renderCounters();
      waitingSoon();
      searchSoon();
      dossiersSoon();   // (re)connected: changes made while away
    },
    queue_changed: data => { setLines(data.services); waitingSoon(); searchSoon(); },
    ticket_called: data => { setCounter({number: data.counter.number, current: data.ticket}); searchSoon(); },
    counter_changed: data => { setCounter(data.counter); searchSoon(); },
    dossiers_changed: () => dossiersSoon(),
    printer_status: updatePrinter,
  }, $('live'));
}

start();
