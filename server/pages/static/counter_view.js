// The counter page's view: the counter picker, the citizen at the counter, the buttons and the lines.
import {clockTime, el, elapsed, maskPhone, priorityLabel, statusLabel} from './staff.js';
import {fill, strings} from './strings.js';

const $ = id => document.getElementById(id);

function serviceName(state, code) {
  const service = state.services.find(s => s.code === code);
  return service ? service.name : code;
}

function renderPicker(state) {
  const cards = state.counters.map(counter => {
    const status = !counter.active ? strings.state_closed
      : counter.current ? fill(strings.serving_now, {number: counter.current.number})
      : counter.paused ? strings.state_paused : strings.idle;
    const names = counter.services.map(code => serviceName(state, code)).join(', ');
    const body = [el('strong', {}, counter.name), el('span', {}, names),
                  el('span', {class: 'pick-state'}, status)];
    // A closed counter (every evening, by the end of the day) is opened by its staff from its page.
    return el('a', {class: 'pick' + (counter.active ? '' : ' closed'), href: '?counter=' + counter.number,
                    'data-counter': counter.number}, body);
  });
  $('counter-list').replaceChildren(...(cards.length ? cards : [el('p', {}, strings.no_counters)]));
}

function renderHead(state) {
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

function renderCurrent(state) {
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
  $('cur-note').hidden = !ticket.transfer_note;   // what the counter that transferred it wrote
  $('cur-note').querySelector('span').textContent = ticket.transfer_note || '';
  tick(state);
}

export function renderButtons(state) {
  const counter = state.counter, ticket = counter && counter.current;
  const open = !!(counter && counter.active);
  const allowed = {next: open, no_show_next: open && !!ticket, recall: !!ticket,
                   start: !!ticket && ticket.status === 'called', no_show: !!ticket, transfer: !!ticket,
                   complete: !!ticket, pause: !!counter, close: open, call_number: open};
  for (const button of document.querySelectorAll('[data-action]')) {
    button.disabled = state.busy || !allowed[button.dataset.action];
  }
}

export function renderLines(state) {
  if (!state.counter) return;
  const items = state.counter.services.map(code => {
    const line = state.line.filter(t => t.service === code);   // already in the order they are called
    const count = state.counts[code] ?? line.length;
    const next = line.slice(0, 6).map(t => el('span', {class: 'chip' + (t.priority ? ' priority' : ''),
                                                      title: priorityLabel(t)}, t.number));
    return el('li', {'data-service': code},
              el('div', {class: 'line-head'}, el('strong', {}, serviceName(state, code)),
                 el('span', {class: 'count' + (count ? '' : ' zero')}, fill(strings.waiting_n, {n: count}))),
              el('div', {class: 'chips'}, next.length ? next : el('span', {class: 'muted'}, strings.nobody_waiting)));
  });
  $('lines').replaceChildren(...(items.length ? items : [el('li', {class: 'muted'}, strings.no_services)]));
}

export function render(state) {
  const known = !!state.counter;
  $('picker').hidden = known;
  $('work').hidden = !known;
  if (!known) return renderPicker(state);
  renderHead(state);
  renderCurrent(state);
  renderButtons(state);
  renderLines(state);
}

export function tick(state) {
  const ticket = state.counter && state.counter.current;
  if (ticket && ticket.called_at) $('cur-timer').textContent = elapsed(ticket.called_at);
}
