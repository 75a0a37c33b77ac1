// The admin console: pages are rendered by the server; every change goes through the JSON API
// with the staff session's CSRF token, and the page is reloaded so it always shows what is stored.
import {shaped} from './admin_setup.js';
import {api} from './api.js';
import {ask, checkForm, quietForms} from './forms.js';
import {connect} from './socket.js';
import {fill, strings} from './strings.js';

const NOTICE_KEY = 'luot-admin-notice';

function notify(text) {
  const notice = document.getElementById('notice');
  notice.textContent = text;
  notice.hidden = !text;
}

function reloadWith(text) {
  // The message survives the reload so the admin sees that the change was stored.
  sessionStorage.setItem(NOTICE_KEY, text);
  location.reload();
}

// Form fields -> the JSON body: data-list checkboxes give arrays, data-type="int" numbers,
// data-optional fields are left out when empty (a blank new password means "unchanged").
function formValue(form) {
  const body = {};
  for (const field of form.elements) {
    if (!field.name || field.disabled) continue;
    const isInt = field.dataset.type === 'int';
    if (field.type === 'checkbox' && 'list' in field.dataset) {
      body[field.name] = body[field.name] || [];
      if (field.checked) body[field.name].push(isInt ? Number(field.value) : field.value);
    } else if (field.type === 'checkbox') {
      body[field.name] = field.checked;
    } else if (field.type === 'radio') {
      if (field.checked) body[field.name] = isInt ? Number(field.value) : field.value;
    } else if (field.value === '' && 'optional' in field.dataset) {
      continue;
    } else {
      body[field.name] = isInt ? (field.value === '' ? null : Number(field.value)) : field.value;
    }
  }
  return body;
}

// The week's hours table -> [{weekday, sessions: {morning: {start, end}, ...}}] for all 7 days;
// a session with both times empty is closed, one with a single time is a mistake to show.
function weekValue(form) {
  return [...form.querySelectorAll('tr[data-weekday]')].map((row) => {
    const sessions = {};
    const times = {};
    row.querySelectorAll('input[data-session]').forEach((input) => {
      times[input.dataset.session] = times[input.dataset.session] || {};
      times[input.dataset.session][input.dataset.edge] = input.value;
    });
    for (const [session, {start, end}] of Object.entries(times)) {
      if (start && end) sessions[session] = {start, end};
      else if (start || end) throw new Error(fill(strings.session_half, {day: row.dataset.dayName}));
    }
    return {weekday: Number(row.dataset.weekday), sessions};
  });
}

// An API answer -> the fields of an edit form (and the [data-fill] labels in its dialog).
function fillForm(form, data) {
  form.reset();
  for (const field of form.elements) {
    if (!field.name || !(field.name in data)) continue;
    const value = data[field.name];
    if (field.type === 'checkbox' && 'list' in field.dataset) field.checked = (value || []).map(String).includes(field.value);
    else if (field.type === 'checkbox') field.checked = Boolean(value);
    else if (field.type === 'radio') field.checked = String(value) === field.value;
    else field.value = value === null || value === undefined ? '' : value;
  }
  form.closest('dialog').querySelectorAll('[data-fill]').forEach((node) => {
    node.textContent = data[node.dataset.fill] ?? '';
  });
}

function errorBox(form) {
  return form.querySelector('.form-error') || document.getElementById('page-error');
}

// An error replaces whatever the page said before: a "Đã lưu." left from an earlier save would contradict it.
function showError(box, text) {
  box.textContent = text;
  if (!text) return;
  notify('');
  box.scrollIntoView({block: 'nearest'});   // the page's own box is at the top, the button may be far below
}

async function submit(form, extra) {
  const box = errorBox(form);
  const button = form.querySelector('[type="submit"]');
  box.textContent = '';
  document.getElementById('page-error').textContent = '';
  const problem = checkForm(form);
  if (problem) return showError(box, problem);
  if (form.dataset.confirmText && !await ask(form.dataset.confirmText)) return;
  button.disabled = true;
  try {
    const body = form.dataset.shape === 'week' ? weekValue(form) : shaped(form, Object.assign(formValue(form), extra));
    const result = await api(form.dataset.method || 'POST', form.dataset.url, body);
    if (form.dataset.then === 'token') showToken(result);
    else if (form.dataset.then === 'stay') saved();
    else if (form.dataset.done && result && 'rows' in result) reloadWith(fill(form.dataset.done, {rows: result.rows}));
    else if (result && result.cancelled && result.cancelled.length && form.dataset.bookings) {
      const done = document.getElementById(form.dataset.bookings).dataset.done;
      reloadWith(fill(done, {count: result.cancelled.length}));
    } else reloadWith(strings.saved);
  } catch (error) {
    if (error.code === 'has_bookings' && form.dataset.bookings) confirmBookings(form, error.details.bookings);
    else showError(box, error.message);
  } finally {
    button.disabled = false;
  }
}

// A holiday on a day with bookings: the server lists them (409 has_bookings); the admin sees them in a
// dialog and only on confirming is the form sent again asking for them to be cancelled.
function confirmBookings(form, bookings) {
  const dialog = document.getElementById(form.dataset.bookings);
  const rows = bookings.map((booking) => {
    const row = document.createElement('tr');
    row.dataset.code = booking.code;
    const day = booking.date.split('-').reverse().join('/');
    for (const text of [booking.code, booking.service_name, day, booking.start + '–' + booking.end, booking.name]) {
      const cell = document.createElement('td');
      cell.textContent = text;
      row.append(cell);
    }
    return row;
  });
  dialog.querySelector('tbody').replaceChildren(...rows);
  dialog.returnValue = '';
  dialog.addEventListener('close', () => {
    if (dialog.returnValue === 'cancel_bookings') submit(form, {cancel_bookings: true});
  }, {once: true});
  dialog.showModal();
}

function saved() {
  notify(strings.saved);
  document.querySelectorAll('img[data-preview]').forEach((img) => {
    const url = new URL(img.src, location.href);
    url.searchParams.set('v', Date.now());
    img.src = url.toString();
  });
}

function openEditor(button) {
  const dialog = document.getElementById(button.dataset.edit);
  const form = dialog.querySelector('form');
  form.dataset.url = button.dataset.url;
  fillForm(form, JSON.parse(button.dataset.row));
  const locked = (button.dataset.lock || '').split(' ');
  for (const field of form.elements) {
    if (field.name) field.disabled = locked.includes(field.name);
  }
  form.dispatchEvent(new Event('filled'));   // admin_setup.js shows the fields of the kind filled in
  errorBox(form).textContent = '';
  dialog.showModal();
}

async function act(button) {
  const question = button.dataset.confirmText || strings[button.dataset.confirm];
  if (question && !await ask(question)) return;
  document.getElementById('page-error').textContent = '';
  button.disabled = true;
  try {
    await api(button.dataset.method, button.dataset.url,
      button.dataset.body ? JSON.parse(button.dataset.body) : undefined);
    reloadWith(strings.saved);
  } catch (error) {
    showError(document.getElementById('page-error'), error.message);
    button.disabled = false;
  }
}

async function copy(button) {
  const input = document.getElementById(button.dataset.copy);
  input.select();
  try {
    await navigator.clipboard.writeText(input.value);
  } catch (error) {
    document.execCommand('copy');  // plain http on the LAN has no clipboard API
  }
  button.textContent = strings.copied;
}

// A new device token is shown once, with the links that pair the device; closing reloads the list.
function showToken(result) {
  const dialog = document.getElementById('token-dialog');
  const pairing = JSON.parse(document.getElementById('pairing').textContent);
  const page = pairing.pages[result.role];
  const board = document.getElementById('pair-board').value;
  const list = document.getElementById('pairing-links');
  list.replaceChildren();
  for (const base of page ? pairing.bases : []) {
    const link = document.createElement('a');
    link.href = base + page + '?token=' + encodeURIComponent(result.token) +
      (result.role === 'display' && board ? '&board=' + board : '');
    link.textContent = link.href;
    link.className = 'url pairing-link';
    link.target = '_blank';
    link.rel = 'noopener';
    const item = document.createElement('li');
    item.append(link);
    list.append(item);
  }
  dialog.querySelector('[data-show-if="pairing"]').hidden = !page;
  dialog.querySelector('[data-fill="name"]').textContent = result.name;
  document.getElementById('new-token').value = result.token;
  dialog.addEventListener('close', () => reloadWith(''), {once: true});
  dialog.showModal();
}

// Show the printer choice for kiosks and desks, the board choice for displays.
function followRole(form) {
  const role = form.elements.role.value;
  form.querySelectorAll('[data-for-roles]').forEach((label) => {
    const shown = label.dataset.forRoles.split(' ').includes(role);
    label.hidden = !shown;
    label.querySelectorAll('select').forEach((select) => { select.disabled = !shown; });
  });
}

// The office's time as the server wrote it ("2026-12-07T03:32:00+07:00" -> "07/12/2026 03:32"), not in the
// browser's own time zone, which a console PC may have wrong.
function officeTime(iso) {
  const [day, time] = iso.split('T');
  return day.split('-').reverse().join('/') + ' ' + time.slice(0, 5);
}

async function printerTimes() {
  const printers = await api('GET', '/api/v1/printers').catch(() => []);
  for (const printer of printers) {
    const cell = document.querySelector(`[data-printer-id="${printer.id}"] [data-status-at]`);
    if (cell && printer.status_at) cell.textContent = officeTime(printer.status_at);
  }
}

// Printer states arrive live from the spooler through the /display namespace (staff room); the time of the
// change is the server's, read back with the printers.
function watchPrinters() {
  if (!document.querySelector('[data-printer-uri]')) return;
  connect('/display', {handlers: {printer_status: (event) => {
    document.querySelectorAll('[data-printer-uri]').forEach((row) => {
      if (row.dataset.printerUri !== event.printer) return;
      const badge = row.querySelector('[data-status]');
      badge.textContent = strings.printer_status[event.status] || event.status;
      badge.className = 'badge status-' + event.status;
      row.querySelector('[data-status-detail]').textContent = event.detail || '';
    });
    printerTimes();
  }}});
}

document.addEventListener('submit', (event) => {
  const form = event.target.closest('form[data-api]');
  if (!form) return;
  event.preventDefault();
  submit(form);
});

document.addEventListener('click', (event) => {
  const button = event.target.closest('button');
  if (!button) return;
  if (button.dataset.edit) openEditor(button);
  else if ('action' in button.dataset) act(button);
  else if (button.dataset.copy) copy(button);
  else if ('close' in button.dataset) button.closest('dialog').close();
});

document.querySelectorAll('select[data-autosubmit]').forEach((select) => {
  select.addEventListener('change', () => select.form.submit());
});

const tokenForm = document.getElementById('add-token');
if (tokenForm) {
  tokenForm.elements.role.addEventListener('change', () => followRole(tokenForm));
  followRole(tokenForm);
}
quietForms();
const stored = sessionStorage.getItem(NOTICE_KEY);
sessionStorage.removeItem(NOTICE_KEY);
if (stored) notify(stored);
watchPrinters();
