// What the counter and desk pages share: the live feed's state line, printer states and formatting.
import {serverNow} from './api.js';
import {connect} from './socket.js';
import {strings} from './strings.js';

/** Build an element; children are nodes or text (never HTML: names are typed by people). */
export function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (key === 'class') node.className = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key in node && typeof value !== 'string') node[key] = value;
    else node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}

/** Call fn at most once per `wait` ms however many events arrive in a burst. */
export function debounce(fn, wait = 150) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), wait);
  };
}

/** "09:12" from an ISO time that already carries the office's offset. */
export function clockTime(iso) {
  return iso ? iso.slice(11, 16) : '';
}

/** "3:05" or "1:02:09" since an ISO moment, by the server's clock. */
export function elapsed(iso) {
  const seconds = Math.max(0, Math.floor((serverNow() - Date.parse(iso)) / 1000));
  const two = n => String(n).padStart(2, '0');
  const h = Math.floor(seconds / 3600), m = Math.floor(seconds / 60) % 60, s = seconds % 60;
  return h ? `${h}:${two(m)}:${two(s)}` : `${m}:${two(s)}`;
}

/** "0905 *** 456": enough for staff to confirm, not enough for someone across the counter. */
export function maskPhone(phone) {
  if (!phone) return '';
  return phone.length > 7 ? `${phone.slice(0, 4)} *** ${phone.slice(-3)}` : '***';
}

export function statusLabel(status) {
  return strings.status[status] || status;
}

export function priorityLabel(ticket) {
  if (!ticket.priority) return '';
  return strings.priority[ticket.priority_reason] || strings.priority.other;
}

/** Show a message in a status line; errors stay until the next message. */
export function say(node, text, kind = 'ok') {
  node.textContent = text || '';
  node.className = 'message ' + (text ? kind : '');
}

/** The office printers' states in a small line (those not yet known are left out); problems in red. */
export function printerLine(node, initial) {
  const states = new Map((initial || []).map(state => [state.printer, state]));
  function render() {
    const known = [...states.values()].filter(state => state.status !== 'unknown');
    node.replaceChildren(...known.map(state => {
      const bad = strings.printer_problems.includes(state.status);
      const label = strings.printer_state[state.status] || state.status;
      const name = state.name || `${strings.printer} ${state.printer.replace(/^tcp:\/\//, '')}`;
      return el('span', {class: 'printer ' + (bad ? 'bad' : 'good'), title: state.detail || ''},
                `${name}: ${label}`, state.detail && bad ? ` (${state.detail})` : '');
    }));
    node.hidden = known.length === 0;
  }
  render();
  return function update(event) {
    states.set(event.printer, {...states.get(event.printer), ...event});
    render();
  };
}

/** Connect to the live feed (the staff session authenticates) and show whether it is up; with several
 * server processes, also whether their message queue (Redis) is, without which some boards miss calls. */
export function connectLive(handlers, liveNode) {
  let connected = false;
  let relay = {up: true};
  const render = () => {
    liveNode.textContent = !connected ? strings.offline : relay.up ? strings.live : strings.relay_down;
    liveNode.className = 'live ' + (connected && relay.up ? 'up' : 'down');
    liveNode.title = connected && !relay.up ? (relay.detail || '') : '';
  };
  const onLink = up => {
    connected = up;
    if (!up) relay = {up: true};
    render();
  };
  const onRelay = state => { relay = state; render(); };
  return connect('/display', {handlers: {message_queue_status: onRelay, ...handlers}, onLink});
}

/** Ask which service to move a ticket to, in the page's <dialog id="service-dialog">; null if closed. */
export function chooseService(services, ticket) {
  const dialog = document.getElementById('service-dialog');
  const list = dialog.querySelector('.choices');
  dialog.querySelector('.ticket-number').textContent = ticket.number;
  return new Promise(resolve => {
    let chosen = null;
    list.replaceChildren(...services.filter(s => s.active && s.code !== ticket.service).map(service =>
      el('button', {type: 'button', class: 'choice', 'data-service': service.code,
                    onclick: () => { chosen = service.code; dialog.close(); }},
         el('strong', {}, service.name), el('small', {}, service.code))));
    dialog.addEventListener('close', () => resolve(chosen), {once: true});
    dialog.showModal();
    const first = list.querySelector('button');
    if (first) first.focus();
  });
}
