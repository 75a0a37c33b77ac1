// What the counter and desk pages share: JSON calls, the live feed, printer states and formatting.
const csrfToken = document.querySelector('meta[name="csrf-token"]').content;
let serverOffset = 0;   // server clock minus ours, so timers agree with the server's call times

function readJSON(id) {
  const node = document.getElementById(id);
  return node ? JSON.parse(node.textContent) : {};
}

export const common = readJSON('common-strings');
export const strings = readJSON('strings');

export class ApiError extends Error {
  constructor(code, message, status) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

/** Call the JSON API with the staff session; throws ApiError carrying the server's message. */
export async function api(method, path, body) {
  const options = {method, credentials: 'same-origin',
                   headers: {'Accept': 'application/json', 'X-CSRFToken': csrfToken}};
  if (body !== undefined) {
    options.headers['Content-Type'] = 'application/json';
    options.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, options);
  } catch (error) {
    throw new ApiError('network', common.network_error, 0);
  }
  const date = Date.parse(response.headers.get('Date') || '');
  if (!Number.isNaN(date)) serverOffset = date - Date.now();
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    const error = (data && data.error) || {};
    const message = response.status === 401 ? common.session_expired : error.message;
    throw new ApiError(error.code || 'http_' + response.status, message || common.network_error,
                       response.status);
  }
  return data;
}

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
  const seconds = Math.max(0, Math.floor((Date.now() + serverOffset - Date.parse(iso)) / 1000));
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
  return common.status[status] || status;
}

export function priorityLabel(ticket) {
  if (!ticket.priority) return '';
  return common.priority[ticket.priority_reason] || common.priority.other;
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
      const bad = common.printer_problems.includes(state.status);
      const label = common.printer_state[state.status] || state.status;
      const name = state.name || `${common.printer} ${state.printer.replace(/^tcp:\/\//, '')}`;
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
  const socket = io('/display', {transports: ['websocket']});
  let connected = false;
  let relay = {up: true};
  const render = () => {
    liveNode.textContent = !connected ? common.offline : relay.up ? common.live : common.relay_down;
    liveNode.className = 'live ' + (connected && relay.up ? 'up' : 'down');
    liveNode.title = connected && !relay.up ? (relay.detail || '') : '';
  };
  const lost = () => { connected = false; relay = {up: true}; render(); };
  socket.on('connect', () => { connected = true; render(); });
  socket.on('disconnect', lost);
  socket.on('connect_error', lost);
  socket.on('message_queue_status', state => { relay = state; render(); });
  for (const [event, handler] of Object.entries(handlers)) socket.on(event, handler);
  return socket;
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

/** Put values into a translated template: fill('Đã gọi số {number}', {number: 'A001'}). */
export function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (whole, key) => (key in values ? values[key] : whole));
}
