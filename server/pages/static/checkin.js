/* The kiosk's appointment check-in: the booking code (6 characters, A-Z without I/O, 2-9) or the phone
   number that booked, typed on a large on-screen keyboard, gives a ticket with appointment priority. */
import * as kiosk from './kiosk.js';
import {strings} from './strings.js';

const screen = document.getElementById('screen-appointment');
const display = document.getElementById('code-display');
const CODE = /^[A-HJ-NP-Z2-9]{6}$/;
const PHONE = /^0\d{9}$/;
const MAX = 10;
let entry = '';

function render() {
  // A phone number is grouped as people say it; a code is shown as typed.
  display.textContent = /^0\d*$/.test(entry)
    ? [entry.slice(0, 4), entry.slice(4, 7), entry.slice(7)].filter(Boolean).join(' ') : entry;
}

function open() {
  entry = '';
  render();
  kiosk.showError('appointment-error', '');
  kiosk.show('appointment');
}

function press(key) {
  entry = kiosk.typed(entry, key, MAX);
  render();
  kiosk.showError('appointment-error', '');
}

async function checkIn() {
  if (!kiosk.ready()) return;
  if (!CODE.test(entry) && !PHONE.test(entry)) {
    kiosk.showError('appointment-error', strings.code_invalid);
    return;
  }
  const ticket = await kiosk.post('/api/v1/appointments/' + encodeURIComponent(entry) + '/check-in', {},
                                  'appointment-error');
  if (!ticket) return;
  kiosk.showTicket(ticket);
  const line = document.getElementById('ticket-priority');
  line.textContent = strings.appointment;
  line.hidden = false;
}

// Keys and the confirm button are handled here only (kiosk.js types into the phone keypad).
screen.addEventListener('click', (event) => {
  const button = event.target.closest('button');
  if (!button || button.disabled || !(button.dataset.key || button.id === 'check-in')) return;
  event.stopPropagation();
  if (button.dataset.key) press(button.dataset.key);
  else checkIn();
});
document.getElementById('kiosk').addEventListener('click', (event) => {
  const button = event.target.closest('button[data-action="appointment"]');
  if (button && !button.disabled) open();
});
