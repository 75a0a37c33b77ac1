// The TV board: rendered only from the /display events (snapshot on every connect, then
// ticket_called, queue_changed, counter_changed, media_changed). No polling: Socket.IO reconnects by itself.
import {connect} from '../../static/socket.js';
import {reportSound} from './sound_report.js';
import {fill, strings as S} from '../../static/strings.js';
import {startVoice} from './sound.js';
import {startMedia} from './media_panel.js';

const config = JSON.parse(document.getElementById('board-config').textContent);
const FLASH_MS = 6000;
const RECENT = 8;
const RECENT_SHOWN = 6;  // besides the newest, which the big box shows
const $ = (id) => document.getElementById(id);

let state = null;
let flashing = {counter: null, until: 0};
let flashTimer = null;
// The calls this board has shown, newest last. A snapshot after a reconnect may hold newer calls,
// made while the board was away: those of the last minute are announced once, oldest first.
let shown = [];
let firstSnapshot = true;
const SHOWN_KEPT = 50;
const MISSED_WINDOW_MS = 60000;

const pad = (n) => String(n).padStart(2, '0');

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

// Big numbers shrink with their length so "A1025" fits where "A025" does.
function numberNode(tag, className, number) {
  const node = el(tag, className, number || '—');
  node.style.setProperty('--len', Math.max(3, (number || '—').length));
  return node;
}

/** Pick columns so n tiles of the given width:height aspect are as large as the box allows. */
function fitGrid(box, count, aspect) {
  const {width, height} = box.getBoundingClientRect();
  let best = 1;
  let bestSize = -1;
  for (let cols = 1; cols <= Math.max(1, count); cols += 1) {
    const rows = Math.ceil(count / cols) || 1;
    const size = Math.min(width / cols / aspect, height / rows);
    if (size > bestSize) { bestSize = size; best = cols; }
  }
  box.style.setProperty('--cols', best);
  box.style.setProperty('--rows', Math.max(1, Math.ceil(count / best)));
}

function isFlashing(counterNumber) {
  return flashing.counter === counterNumber && Date.now() < flashing.until;
}

// A call the big panel lets go of: its counter has finished with that citizen (or handed them on).
const FINISHED = ['done', 'no_show', 'cancelled', 'waiting'];

/** The call the big "Mời số" panel shows: the newest, until its counter has finished with that citizen. */
function heroCall() {
  const call = state.recent[0];
  if (!call || call.finished || FINISHED.includes(call.ticket.status)) return null;
  const counter = state.counters.find((c) => c.number === call.counter.number);
  // A counter this board has no tile for: its counter_changed still marks the call finished.
  return !counter || (counter.current && counter.current.id === call.ticket.id) ? call : null;
}

function renderHero() {
  const call = heroCall();
  const hero = $('hero');
  const number = $('hero-number');
  number.textContent = call ? call.ticket.number : '—';
  number.style.setProperty('--len', Math.max(3, number.textContent.length));
  $('hero-name').textContent = config.show_names && call && call.ticket.name ? call.ticket.name : '';
  $('hero-counter').textContent = call ? fill(S.to_counter, {n: call.counter.number})
    : (state.recent.length ? S.wait_turn : S.nobody);
  $('hero-counter').classList.toggle('waiting', !call);
  hero.classList.toggle('flash', Boolean(call) && isFlashing(call.counter.number));
}

/** The names of the fields (lĩnh vực) a counter serves that this board knows, in the office's order. */
function fieldsOf(counter) {
  const codes = counter.services || [];
  return state.services.filter((s) => codes.includes(s.code) && (s.active !== false || s.waiting > 0));
}

const overflows = (node) => node.scrollHeight > node.clientHeight + 1 || node.scrollWidth > node.clientWidth + 1;

/** Fit a tile's fields in their box: smaller type down to a floor, then the names' first part
 * ("Đất đai - Xây dựng": "Đất đai"), then the numbers' letters; never cut off. */
function fitFields(node, fields) {
  const floor = Math.max(10, window.innerHeight / 80);
  const texts = [fields.map((s) => s.name), fields.map((s) => s.name.split(/\s[-–]\s|,/)[0]),
    fields.map((s) => s.prefix).sort()];
  for (const names of texts) {
    node.textContent = names.join(' · ');
    node.style.fontSize = '';
    let size = parseFloat(getComputedStyle(node).fontSize);
    while (overflows(node) && size > floor) {
      size = Math.max(floor, size * 0.9);
      node.style.fontSize = size + 'px';
    }
    if (!overflows(node)) return;
  }
}

function renderCounters() {
  const box = $('counters');
  const hero = heroCall();
  const latest = hero ? hero.counter.number : null;
  box.replaceChildren(...state.counters.map((counter) => {
    const current = counter.current;
    const tile = el('article', 'tile');
    tile.classList.toggle('idle', !current);
    tile.classList.toggle('paused', Boolean(counter.paused));
    tile.classList.toggle('latest', counter.number === latest && Boolean(current));
    tile.classList.toggle('flash', isFlashing(counter.number));
    tile.append(el('h3', 't-label', fill(S.counter, {n: counter.number})),
      numberNode('p', 't-number', current ? current.number : ''),
      el('p', 't-fields'), el('p', 't-state', counter.paused ? S.paused : ''));
    return tile;
  }));
  fitGrid(box, state.counters.length, 1.5);
  // Measured once the grid has its columns: each tile's size is known only then.
  state.counters.forEach((counter, index) => {
    const fields = fieldsOf(counter);
    if (fields.length) fitFields(box.children[index].querySelector('.t-fields'), fields);
  });
}

function renderRecent() {
  const list = $('recent');
  const from = heroCall() ? 1 : 0;   // a call the big panel let go of is listed here
  const calls = state.recent.slice(from, from + RECENT_SHOWN);
  list.replaceChildren(...calls.map((call) => {
    const item = el('li');
    item.append(numberNode('span', 'r-number', call.ticket.number),
      el('span', 'r-counter', fill(S.counter, {n: call.counter.number})));
    return item;
  }));
  fitGrid(list, Math.max(calls.length, 4), 4);
}

function renderLines() {
  const list = $('lines');
  const lines = state.services.filter((s) => s.active !== false || s.waiting > 0);
  list.replaceChildren(...lines.map((service) => {
    const item = el('li');
    item.append(el('span', 'l-name', service.name), el('span', 'l-count', service.waiting));
    return item;
  }));
  fitGrid(list, Math.max(lines.length, 2), 3.2);
}

function renderOffice() {
  const office = state.office || {};
  if (office.name) $('office').textContent = office.name;
  const notice = $('notice');
  if (notice.textContent !== (office.notice || '')) {
    notice.textContent = office.notice || '';
    // A steady reading speed whatever the length: about 12% of the screen height per second.
    const seconds = (notice.scrollWidth || 1) / (window.innerHeight * 0.12);
    notice.style.setProperty('--duration', Math.max(8, seconds) + 's');
  }
}

function render() {
  if (!state) return;
  renderOffice();
  renderHero();
  renderCounters();
  renderRecent();
  renderLines();
}

function flash(counterNumber) {
  flashing = {counter: counterNumber, until: Date.now() + FLASH_MS};
  const hero = $('hero');
  hero.classList.remove('flash');
  void hero.offsetWidth;  // a reflow, so a call within the last flash starts its own
  clearTimeout(flashTimer);
  flashTimer = setTimeout(render, FLASH_MS + 50);
  media.calling(FLASH_MS);
}

// ---- events

const callKey = (call) => call.ticket.id + '@' + call.ticket.called_at;

function remember(calls) {
  shown = shown.concat(calls.map(callKey)).slice(-SHOWN_KEPT);
}

/** The snapshot's calls (newest first) after the last one this board showed, not shown yet and of
 * the last minute, oldest first; none on a first connect. */
function missedCalls(recent) {
  if (firstSnapshot) return [];
  const last = shown[shown.length - 1];
  const newer = recent.findIndex((call) => callKey(call) === last);
  const since = Date.now() + skew - MISSED_WINDOW_MS - 1000;  // called_at is to the second
  return recent.slice(0, newer < 0 ? recent.length : newer)
    .filter((call) => !shown.includes(callKey(call)) && Date.parse(call.ticket.called_at) >= since)
    .reverse();
}

function onSnapshot(snapshot) {
  state = snapshot;
  state.recent = state.recent || [];
  announcer.reset();
  const missed = missedCalls(state.recent);
  remember(state.recent.slice().reverse());
  firstSnapshot = false;
  media.show(state.media);
  if (missed.length) flash(missed[missed.length - 1].counter.number);
  render();
  missed.forEach((call) => announcer.enqueue(call.announcement));
}

function onCalled(event) {
  if (!state) return;
  const call = {ticket: event.ticket, counter: event.counter};
  remember([call]);
  state.recent = [call].concat(state.recent.filter((c) => c.ticket.id !== event.ticket.id))
    .slice(0, RECENT);
  const counter = state.counters.find((c) => c.number === event.counter.number);
  if (counter) counter.current = event.ticket;
  flash(event.counter.number);
  render();
  announcer.enqueue(event.announcement);
}

function onQueue(event) {
  if (!state || !Array.isArray(event.services)) return;
  const shown = config.services_shown;
  state.services = event.services.filter((s) => !shown.length || shown.includes(s.code));
  renderLines();
}

function onCounter(event) {
  const counter = event.counter;
  if (!state || !counter) return;
  // The counter finished (or handed on) the citizen it called: the big panel lets that call go.
  state.recent.forEach((call) => {
    if (call.counter.number === counter.number && (!counter.current || counter.current.id !== call.ticket.id)) {
      call.finished = true;
    }
  });
  const shown = config.counters_shown;
  if (!shown.length || shown.includes(counter.number)) {
    const others = state.counters.filter((c) => c.number !== counter.number);
    state.counters = counter.active === false ? others
      : others.concat([counter]).sort((a, b) => a.number - b.number);
  }
  render();
}

// ---- clock: office time from the server's UTC offset, corrected for the TV's own clock error

const skew = config.server_time_ms - Date.now();

function tick() {
  const now = new Date(Date.now() + skew + config.utc_offset_min * 60000);
  $('date').textContent = S.weekdays[now.getUTCDay()] + ', ' + pad(now.getUTCDate()) + '/'
    + pad(now.getUTCMonth() + 1) + '/' + now.getUTCFullYear();
  $('clock').textContent = pad(now.getUTCHours()) + ':' + pad(now.getUTCMinutes()) + ':'
    + pad(now.getUTCSeconds());
  setTimeout(tick, 1000 - ((Date.now() + skew) % 1000) + 10);
}

// ---- sound and connection

const announcer = startVoice(config);
const media = startMedia($('media'), render);   // images and videos between calls, in a box of their own

function offline(isOffline) {
  $('offline').hidden = !isOffline;
}

// The server dropped us: come back. A refusal (e.g. during a restart) stops Socket.IO's own retries: keep
// trying, gently.
const socket = connect('/display', {
  auth: config.board ? {board: config.board} : {},
  reconnectionDelay: 500,
  reconnectionDelayMax: 1500,
  rejoin: true,
  retryRefusedMs: 2000,
  onLink: (up) => offline(!up),
  handlers: {snapshot: onSnapshot, ticket_called: onCalled, queue_changed: onQueue, counter_changed: onCounter,
    media_changed: (event) => media.show(event.media)},
});

// Back on the network: ask for a fresh snapshot in case events were lost while it was down.
window.addEventListener('online', () => socket.connected && socket.emit('snapshot', {board: config.board}));
reportSound(socket);   // the console's device list says whether this board can speak
window.addEventListener('resize', render);
tick();
