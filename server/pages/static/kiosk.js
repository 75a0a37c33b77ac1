/* The touch kiosk: service buttons with live waiting counts, a ticket in at most three taps,
   the CCCD QR greeting (only the name is kept) and an honest word about the printer. */
import {api} from './api.js';
import {listen} from './cccd.js';
import {connect} from './socket.js';
import {fill, strings} from './strings.js';
import {fitServices, layoutServices} from './tiles.js';
import {showWait} from './wait_words.js';

const root = document.getElementById('kiosk');
// Back to Vietnamese and the start screen after this long: a ticket, a half-finished choice, a greeting or
// another language is not left for the next person (KIOSK_RESET_SECONDS in the server's config, 30 by default).
const RESET_SECONDS = Number(root.dataset.resetSeconds) || 30;
const RESULT_SECONDS = Math.min(15, RESET_SECONDS);
const TROUBLE_SECONDS = RESET_SECONDS;  // the number is the citizen's only proof when nothing was printed
const VIETNAMESE = document.documentElement.lang === 'vi';
const DOUBLE_TAP_MS = 1500;     // a second tap on "Lấy số" must not dismiss the number at once
const PROBLEMS = {offline: 'printer_trouble', cover_open: 'printer_trouble', error: 'printer_trouble',
                  paper_out: 'paper_out', no_printer: 'no_printer'};
const NOTICES = {printer_trouble: 'notice_trouble', paper_out: 'notice_paper_out',
                 no_printer: 'notice_no_printer'};
const state = {
  lines: {}, stale: false, connected: false, busy: false, printer: root.dataset.printerStatus, screen: 'start',
  service: null, reason: '', phone: '', citizen: null, ticket: null, shownAt: 0,
};
const timers = {};
const $ = (id) => document.getElementById(id);

/* Screens */

export function show(screen) {
  state.screen = screen;
  document.querySelectorAll('.screen').forEach((el) => { el.hidden = el.id !== 'screen-' + screen; });
  if (screen === 'start') fitServices();
  armIdle();
}

function toStart(keepCitizen) {
  clearInterval(timers.countdown);
  state.ticket = null;
  state.service = null;
  if (!keepCitizen) state.citizen = null;
  // The next citizen is greeted in Vietnamese: the language link sets it and comes back here.
  if (!keepCitizen && !VIETNAMESE) return window.location.assign(root.dataset.vietnamese);
  if (state.stale && !state.citizen) window.location.reload();
  renderGreeting();
  show('start');
}

function armIdle() {
  clearTimeout(timers.idle);
  if (state.screen === 'ticket' || (state.screen === 'start' && !state.citizen && VIETNAMESE)) return;
  timers.idle = setTimeout(() => toStart(false), RESET_SECONDS * 1000);
}

function setBusy(on) {
  state.busy = on;
  $('busy').hidden = !on;
  updateButtons();
}

export function showError(id, message) {
  const el = $(id);
  if (!el) return;
  el.textContent = message || '';
  el.hidden = !message;
}

/* Services (rendered by the server) and the live waiting counts */

function updateButtons() {
  document.querySelectorAll('.service').forEach((button) => {
    const line = state.lines[button.dataset.code];
    const active = line ? line.active : button.dataset.active === 'true';
    // No open counter serves the line: nobody would call the ticket, so it cannot be taken.
    const served = line ? line.served !== false : button.dataset.served !== 'false';
    if (line) button.querySelector('.service-name').textContent = line.name;
    button.querySelector('.service-count').textContent = !active ? strings.paused : !served ? strings.no_counter
      : line ? fill(strings.waiting, {n: line.waiting}) : '';
    button.classList.toggle('paused', !active || !served);
    button.disabled = !active || !served || !state.connected;
  });
  for (const id of ['issue', 'check-in']) {
    if ($(id)) $(id).disabled = state.busy || !state.connected;
  }
  fitServices();   // a count or a name changed: it must still fit
}

function mergeServices(list) {
  if (!Array.isArray(list)) return;
  state.lines = Object.fromEntries(list.map((line) => [line.code, line]));
  const shown = [...document.querySelectorAll('.service')].map((b) => b.dataset.code).sort().join();
  // An admin added or removed a line: reload once nobody is in the middle of taking a number.
  state.stale = state.stale || shown !== list.map((line) => line.code).sort().join();
  if (state.stale && state.screen === 'start' && !state.citizen) window.location.reload();
  updateButtons();
}

function setConnected(on) {
  state.connected = on;
  $('offline').hidden = on;
  updateButtons();
}

let live = null;   // the /display socket, on which the kiosk also says whether it can play sound

function connectLive() {
  // A refused connection is not retried by Socket.IO itself; a dead server is.
  live = connect('/display', {onLink: setConnected, retryRefusedMs: 5000, handlers: {
    snapshot: (data) => mergeServices(data && data.services),
    queue_changed: (data) => mergeServices(data && data.services),
    printer_status: onPrinterStatus,
  }});
}

/* Choosing: priority and the phone number */

function chooseService(button) {
  if (button.disabled || !state.connected) return;
  state.service = {code: button.dataset.code, name: button.querySelector('.service-name').textContent};
  state.phone = '';
  chooseReason(state.citizen && state.citizen.elderly ? 'elderly' : '');
  $('elderly-note').hidden = state.reason !== 'elderly';
  $('options-service').textContent = state.service.name;
  renderEntry('phone');
  showError('options-error', '');
  show('options');
}

function chooseReason(reason) {
  state.reason = reason;
  $('elderly-note').hidden = true;
  document.querySelectorAll('.choice').forEach((el) => {
    el.setAttribute('aria-checked', String(el.dataset.reason === reason));
  });
}

function renderEntry(name) {
  const el = $(name + '-display');
  if (!el) return;
  const value = state[name];
  el.textContent = name === 'phone'
    ? [value.slice(0, 4), value.slice(4, 7), value.slice(7)].filter(Boolean).join(' ') : value;
}

/** A value typed on an on-screen keyboard after one more key: "clear" empties it, "back" takes the last
 * character off, "space" adds a space, any other key adds itself while the value is shorter than max. */
export function typed(value, key, max) {
  if (key === 'clear') return '';
  if (key === 'back') return value.slice(0, -1);
  return value.length < max ? value + (key === 'space' ? ' ' : key) : value;
}

function pressKey(name, key) {
  state[name] = typed(state[name], key, 10);
  renderEntry(name);
  showError('options-error', '');
}

/* Issuing and the answer */

/** POST for the citizen: the busy veil meanwhile; a refusal shown in `errorId`, or the "area full" screen. */
export async function post(url, body, errorId) {
  setBusy(true);
  showError(errorId, '');
  try {
    return await api('POST', url, body);
  } catch (error) {
    if (error.code === 'office_full') return showFull(error.message);
    showError(errorId, error.message);
    if (error.code === 'csrf_failed') setTimeout(() => window.location.reload(), 4000);
  } finally {
    setBusy(false);
  }
  return null;
}

async function issue() {
  if (state.busy || !state.connected || !state.service) return;
  if (state.phone && !/^0\d{9}$/.test(state.phone)) {
    showError('options-error', strings.phone_invalid);
    return;
  }
  const ticket = await post('/api/v1/tickets', {
    service: state.service.code, priority: Boolean(state.reason), priority_reason: state.reason || null,
    phone: state.phone || null, name: state.citizen ? state.citizen.name : null,
  }, 'options-error');
  if (ticket) showTicket(ticket);
}

// The area is full: walk-ins are told kindly, in large type, when to come back (priority and bookings still pass).
function showFull(message) {
  $('full-message').textContent = message;
  show('full');
  return null;
}

function printProblem() {
  const printing = (state.ticket && state.ticket.printing) || {};
  if (printing.status === 'not_requested') return null;
  if (printing.queued === false) return PROBLEMS[printing.status] || 'printer_trouble';
  return PROBLEMS[state.printer] || null;
}

export function showTicket(ticket) {
  state.ticket = ticket;
  const printing = ticket.printing || {};
  if (printing.status && printing.status !== 'unknown') state.printer = printing.status;
  renderPrinterNotice();
  $('ticket-number').textContent = ticket.number;
  $('ticket-service').textContent = ticket.service_name || '';
  $('ticket-ahead').textContent = ticket.ahead > 0 ? fill(strings.ahead, {n: ticket.ahead}) : strings.ahead_none;
  showWait($('ticket-wait'), ticket, strings.wait);
  const chosen = document.querySelector('.choice[data-reason="' + (ticket.priority_reason || '-') + '"]');
  $('ticket-priority').textContent = chosen ? chosen.textContent : '';
  $('ticket-priority').hidden = !chosen;
  renderPrint();
  state.shownAt = performance.now();
  show('ticket');
  countdown(printProblem() ? TROUBLE_SECONDS : RESULT_SECONDS);
}

function renderPrint() {
  const problem = printProblem();
  const el = $('ticket-print');
  el.textContent = problem ? fill(strings[problem], {number: state.ticket.number}) : strings.take_paper;
  el.className = 'banner ' + (problem ? 'banner-error' : 'banner-ok');
}

function countdown(seconds) {
  clearInterval(timers.countdown);
  let left = seconds;
  const tick = () => {
    $('ticket-countdown').textContent = fill(strings.countdown, {n: left});
    if (left-- <= 0) toStart(false);
  };
  tick();
  timers.countdown = setInterval(tick, 1000);
}

function onPrinterStatus(data) {
  if (!data || !root.dataset.printer || data.printer !== root.dataset.printer) return;
  const before = state.ticket && printProblem();
  state.printer = data.status;
  renderPrinterNotice();
  if (state.screen !== 'ticket' || !state.ticket) return;
  renderPrint();
  if (!before && printProblem()) countdown(TROUBLE_SECONDS);
}

function renderPrinterNotice() {
  const key = NOTICES[PROBLEMS[state.printer]];
  $('printer-notice').textContent = key ? strings[key] : '';
  $('printer-notice').hidden = !key;
}

/* The CCCD greeting (cccd.js reads the card) */

function greet(citizen) {
  state.citizen = citizen;
  if (state.screen === 'ticket' || state.screen === 'appointment') toStart(true);
  if (state.screen === 'options' && state.citizen.elderly && !state.reason) {
    chooseReason('elderly');
    $('elderly-note').hidden = false;
  }
  renderGreeting();
  speak(greeting());
  armIdle();
}

function greeting() {
  const citizen = state.citizen;
  return citizen ? fill(strings['hello' + citizen.title], {name: citizen.name}) : '';
}

function renderGreeting() {
  const text = greeting();
  document.querySelectorAll('[data-greeting]').forEach((el) => {
    el.textContent = text;
    el.hidden = !text;
  });
}

function speak(text) {
  if (!root.dataset.speech || !text) return;
  // POSTed: the greeting holds the citizen's name, which must not travel in a URL.
  api('POST', root.dataset.speech, {text}, {blob: true})
    .then((wav) => {
      const url = URL.createObjectURL(wav);
      const audio = new Audio(url);
      audio.onended = () => URL.revokeObjectURL(url);
      return audio.play().then(() => tellSound('on'));
    })
    .catch((error) => {
      // No voice on this server or no sound device: the screen says it. A browser that refuses sound
      // is reported, so that the console's device list shows it.
      if (error.name === 'NotAllowedError') tellSound('off');
    });
}

function tellSound(sound) {
  if (live && live.connected) live.emit('sound_state', {sound});
}

/** Whether a citizen's request may be sent now (the appointment check-in in checkin.js asks too). */
export const ready = () => !state.busy && state.connected;

/* Wiring */

root.addEventListener('click', (event) => {
  const button = event.target.closest('button');
  if (!button || button.disabled) return;
  if (button.dataset.code) chooseService(button);
  else if (button.classList.contains('choice')) chooseReason(button.dataset.reason);
  else if (button.dataset.key) pressKey(button.closest('[data-keypad]').dataset.keypad, button.dataset.key);
  else if (button.id === 'issue') issue();
  else if (button.dataset.action === 'start') {
    if (state.screen === 'ticket' && performance.now() - state.shownAt < DOUBLE_TAP_MS) return;
    toStart(state.screen !== 'ticket');
  }
});
listen(greet);
document.addEventListener('pointerdown', armIdle, true);
window.addEventListener('resize', () => { layoutServices(); fitServices(); });
layoutServices();
renderPrinterNotice();
updateButtons();
armIdle();       // in English or with a greeting, the start screen too goes back after a while
connectLive();
