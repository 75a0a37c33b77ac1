/* The kiosk's "Tra cứu hồ sơ": the code on a receipt (digits, letters, dots and dashes, as in
   "000.00.20.H57-231205-0001") typed on a large on-screen keyboard; the file's status shown in large type,
   with no name or phone (GET /api/v1/dossiers/<code>/status). The kiosk's idle reset brings the start
   screen back by itself. */
import {api} from './api.js';
import * as kiosk from './kiosk.js';
import {strings} from './strings.js';

const $ = (id) => document.getElementById(id);
const MAX = 40;
let entry = '';
let asking = false;

function render() {
  $('lookup-display').textContent = entry;
  $('lookup-go').disabled = asking;
}

function open() {
  entry = '';
  render();
  kiosk.showError('lookup-error', '');
  kiosk.show('lookup');
}

function press(key) {
  entry = kiosk.typed(entry, key, MAX);
  render();
  kiosk.showError('lookup-error', '');
}

function showAnswer(answer) {
  const screen = $('screen-lookup-answer');
  screen.dataset.status = answer.status;
  screen.dataset.overdue = String(answer.overdue);
  $('lookup-code').textContent = answer.code;
  $('lookup-service').textContent = answer.service_name || '';
  $('lookup-message').textContent = answer.message;
  kiosk.show('lookup-answer');
}

async function lookUp() {
  if (asking) return;
  if (!entry.replace(/[.\-]/g, '')) {
    kiosk.showError('lookup-error', strings.lookup_empty);
    return;
  }
  asking = true;
  render();
  try {
    showAnswer(await api('GET', '/api/v1/dossiers/' + encodeURIComponent(entry) + '/status'));
  } catch (error) {
    kiosk.showError('lookup-error', error.message);   // unknown code, too many look-ups, or no network
  } finally {
    asking = false;
    render();
  }
}

// Keys and the look-up button are handled here only (kiosk.js types into the phone keypad).
$('screen-lookup').addEventListener('click', (event) => {
  const button = event.target.closest('button');
  if (!button || button.disabled || !(button.dataset.key || button.id === 'lookup-go')) return;
  event.stopPropagation();
  if (button.dataset.key) press(button.dataset.key);
  else lookUp();
});
$('kiosk').addEventListener('click', (event) => {
  const button = event.target.closest('button[data-action="lookup"]');
  if (button && !button.disabled) open();
});
