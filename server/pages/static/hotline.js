// The hotline page: phone, service, day, slot, name, Enter. Also the caller's bookings, to move or cancel.
import {api} from './api.js';
import {debounce, el, say} from './staff.js';
import {fill, strings} from './strings.js';

const $ = id => document.getElementById(id);
const form = $('booking-form');
const message = $('message');
const DAYS = 14;
const state = {service: null, day: null, start: null, moving: null, procedures: [], calendar: [], slots: [],
               caller: null, loads: {calendar: 0, slots: 0, caller: 0}};

/** "0905 123 456", "+84 905..." -> "0905123456"; null unless it looks like a whole Vietnamese number. */
function phoneOf(text) {
  const compact = text.replace(/[\s.\-()]/g, '').replace(/^\+84/, '0').replace(/^84(?=\d{9,10}$)/, '0');
  return /^0\d{9,10}$/.test(compact) ? compact : null;
}

function localDate(iso) {
  const [y, m, d] = iso.split('-').map(Number);
  return new Date(y, m - 1, d);
}

/** "Thứ Tư" for "2026-11-25" (the list is Monday first). */
const weekday = iso => strings.weekdays[(localDate(iso).getDay() + 6) % 7];
const dmy = iso => iso.split('-').reverse().join('/');
const when = a => `${weekday(a.date)}, ${dmy(a.date)} · ${a.start}–${a.end}`;

function showError(text, field) {
  $('form-error').textContent = text || '';
  $('form-error').hidden = !text;
  if (text && field) form.elements[field].focus();
}

/** Ignore an answer when a newer request of the same kind was sent after it. */
async function latest(kind, request) {
  const ticket = ++state.loads[kind];
  const answer = await request();
  if (ticket !== state.loads[kind]) throw new Error('stale');
  return answer;
}

const guarded = fn => (...args) => fn(...args).catch(error => {
  if (error.message !== 'stale') say(message, error.message, 'error');
});

// ---- Service, days and slots

function chooseService(code, {day = null} = {}) {
  state.service = code;
  state.day = day;
  state.start = null;
  for (const button of document.querySelectorAll('.service-button')) {
    button.setAttribute('aria-pressed', String(button.dataset.service === code));
  }
  const procedures = state.procedures.filter(p => p.service === code && p.active);
  $('procedure-field').hidden = !procedures.length || !!state.moving;
  form.elements.procedure.replaceChildren(el('option', {value: ''}, '—'),
    ...procedures.map(p => el('option', {value: String(p.id)}, p.name)));
  showError('');
  return loadCalendar();
}

async function loadCalendar() {
  if (!state.service) return;
  const service = encodeURIComponent(state.service);
  state.calendar = await latest('calendar', () => api('GET', `/api/v1/calendar?service=${service}&days=${DAYS}`));
  const usable = state.calendar.filter(day => day.open && !day.holiday && day.left > 0);
  if (!usable.some(day => day.date === state.day)) state.day = usable.length ? usable[0].date : null;
  renderDays();
  await loadSlots();
}

function dayState(day) {
  if (day.holiday) return ['holiday', day.holiday];
  if (!day.open) return ['closed', strings.closed];
  if (day.left <= 0) return ['full', strings.full];
  return ['open', fill(strings.left_n, {n: day.left})];
}

function renderDays() {
  $('days').replaceChildren(...state.calendar.map(day => {
    const [kind, label] = dayState(day);
    return el('button', {type: 'button', class: `day day-${kind}`, 'data-date': day.date,
                         'aria-pressed': String(day.date === state.day), disabled: kind !== 'open',
                         title: `${weekday(day.date)}, ${dmy(day.date)}: ${label}`,
                         onclick: () => { state.day = day.date; state.start = null; renderDays(); guarded(loadSlots)(); }},
              el('span', {class: 'day-name'}, weekday(day.date)), el('span', {class: 'day-date'}, dmy(day.date)),
              el('span', {class: 'day-left'}, label));
  }));
}

async function loadSlots() {
  if (!state.service || !state.day) {
    state.slots = [];
    $('day-title').textContent = '';
    $('slots').replaceChildren(state.service ? el('p', {class: 'muted'}, strings.no_slots) : '');
    return;
  }
  const query = `service=${encodeURIComponent(state.service)}&date=${state.day}`;
  state.slots = await latest('slots', () => api('GET', '/api/v1/slots?' + query));
  if (!state.slots.some(slot => slot.start === state.start && !slot.past && slot.left > 0)) state.start = null;
  renderSlots();
}

function renderSlots() {
  $('day-title').textContent = `${weekday(state.day)}, ${dmy(state.day)}`;
  const open = state.slots.filter(slot => !slot.past);
  if (!open.length) return $('slots').replaceChildren(el('p', {class: 'muted'}, strings.no_slots));
  $('slots').replaceChildren(...state.slots.map(slot => {
    const label = slot.past ? strings.past : slot.left > 0 ? fill(strings.left_n, {n: slot.left}) : strings.full;
    return el('button', {type: 'button', class: 'slot' + (slot.left > 0 && !slot.past ? '' : ' slot-off'),
                         'data-start': slot.start, 'aria-pressed': String(slot.start === state.start),
                         disabled: slot.past || slot.left <= 0, onclick: () => chooseSlot(slot.start)},
              el('strong', {}, `${slot.start}–${slot.end}`), el('span', {}, label));
  }));
}

function chooseSlot(start) {
  state.start = start;
  renderSlots();
  showError('');
  const name = form.elements.name;
  (state.moving || name.value.trim() ? $('confirm') : name).focus();
}

// ---- The caller's bookings

async function lookUpCaller() {
  const phone = phoneOf(form.elements.phone.value);
  state.caller = phone;
  if (!phone) {
    state.loads.caller++;
    $('caller-summary').textContent = strings.type_phone;
    return $('caller-bookings').replaceChildren();
  }
  const bookings = await latest('caller', () => api('GET', '/api/v1/appointments?phone=' + phone));
  $('caller-summary').textContent = bookings.length ? fill(strings.bookings_n, {n: bookings.length})
    : strings.no_bookings;
  $('caller-bookings').replaceChildren(...bookings.map(bookingItem));
  if (bookings.length && !form.elements.name.value.trim() && !state.moving) form.elements.name.value = bookings[0].name;
}

function bookingItem(booking) {
  const open = booking.status === 'booked';
  return el('li', {class: 'caller-booking status-' + booking.status, 'data-code': booking.code},
            el('div', {class: 'caller-head'}, el('strong', {class: 'caller-code'}, booking.code),
               el('span', {class: 'pill status-' + booking.status}, booking.status_label)),
            el('div', {class: 'caller-when'}, `${weekday(booking.date)}, ${dmy(booking.date)} · `,
               el('span', {}, `${booking.start}–${booking.end}`)),
            el('div', {class: 'muted'}, [booking.service_name, booking.procedure, booking.name].filter(Boolean).join(' · ')),
            open ? el('div', {class: 'row-actions'},
                      el('button', {type: 'button', class: 'row-action', 'data-action': 'move',
                                    onclick: () => guarded(startMoving)(booking)}, strings.move),
                      el('button', {type: 'button', class: 'row-action action-cancel', 'data-action': 'cancel',
                                    onclick: event => guarded(cancelBooking)(booking, event.currentTarget)},
                         strings.cancel)) : '');
}

async function cancelBooking(booking, button) {
  if (!confirm(fill(strings.confirm_cancel, {code: booking.code, when: when(booking)}))) return;
  button.disabled = true;
  try {
    await api('POST', `/api/v1/appointments/${booking.code}/cancel`);
    say(message, fill(strings.cancelled, booking), 'ok');
    if (state.moving && state.moving.code === booking.code) stopMoving();
  } finally {
    button.disabled = false;
    await Promise.all([lookUpCaller(), loadCalendar()]);
  }
}

// ---- Moving a booking

async function startMoving(booking) {
  state.moving = booking;
  showBooked(null);
  $('moving').hidden = false;
  $('moving-text').textContent = fill(strings.moving, {code: booking.code, name: booking.name, when: when(booking)});
  form.classList.add('is-moving');
  for (const button of document.querySelectorAll('.service-button')) button.disabled = button.dataset.service !== booking.service;
  for (const field of ['name', 'note']) form.elements[field].disabled = true;
  $('confirm').firstChild.textContent = strings.confirm_move + ' ';
  await chooseService(booking.service, {day: booking.date});
  $('days').scrollIntoView({block: 'nearest'});
}

function stopMoving() {
  state.moving = null;
  $('moving').hidden = true;
  form.classList.remove('is-moving');
  for (const button of document.querySelectorAll('.service-button')) button.disabled = button.hasAttribute('data-off');
  for (const field of ['name', 'note']) form.elements[field].disabled = false;
  $('confirm').firstChild.textContent = strings.confirm_book + ' ';
}

// ---- Confirming

function missing() {
  if (!state.moving && !phoneOf(form.elements.phone.value)) return [strings.choose_phone, 'phone'];
  if (!state.service) return [strings.choose_service, null];
  if (!state.day) return [strings.choose_day, null];
  if (!state.start) return [strings.choose_slot, null];
  if (!state.moving && !form.elements.name.value.trim()) return [strings.choose_name, 'name'];
  return null;
}

async function confirmBooking(event) {
  event.preventDefault();
  const gap = missing();
  if (gap) return showError(...gap);
  const button = $('confirm');
  button.disabled = true;
  try {
    const moving = state.moving;
    const answer = moving
      ? await api('POST', `/api/v1/appointments/${moving.code}/move`, {date: state.day, start: state.start})
      : await api('POST', '/api/v1/appointments', book());
    showError('');
    say(message, fill(moving ? strings.moved : strings.booked, answer), 'ok');
    if (moving) stopMoving();
    showBooked(answer, moving ? strings.title_moved : strings.title_booked);
    guarded(lookUpCaller)();
  } catch (error) {
    showError(error.message, /phone/.test(error.code) ? 'phone' : /name/.test(error.message) ? 'name' : null);
    if (error.status === 409) guarded(loadCalendar)();
  } finally {
    button.disabled = false;
  }
}

function book() {
  const data = new FormData(form);
  const body = {service: state.service, date: state.day, start: state.start, name: data.get('name').trim(),
                phone: phoneOf(data.get('phone')), source: 'hotline'};
  if (data.get('note').trim()) body.note = data.get('note').trim();
  if (data.get('procedure')) body.procedure = Number(data.get('procedure'));
  return body;
}

/** Show the code, large, to read back; null goes back to the form. */
function showBooked(appointment, title) {
  form.hidden = !!appointment;
  $('booked').hidden = !appointment;
  if (!appointment) return;
  $('booked-title').textContent = title;
  $('booked-code').textContent = appointment.code;
  $('booked-when').textContent = when(appointment);
  $('booked-service').textContent = [appointment.service_name, appointment.procedure].filter(Boolean).join(' · ');
  $('booked-name').textContent = appointment.name;
  $('booked-phone').textContent = appointment.phone;
  $('new-booking').focus();
}

function newBooking() {
  if (state.moving) stopMoving();
  form.reset();
  Object.assign(state, {service: null, day: null, start: null, calendar: [], slots: []});
  for (const kind of Object.keys(state.loads)) state.loads[kind]++;
  for (const button of document.querySelectorAll('.service-button')) button.setAttribute('aria-pressed', 'false');
  $('procedure-field').hidden = true;
  $('days').replaceChildren(el('p', {class: 'muted'}, $('days').dataset.empty));
  $('slots').replaceChildren();
  $('day-title').textContent = '';
  $('caller-bookings').replaceChildren();
  $('caller-summary').textContent = strings.type_phone;
  showError('');
  say(message, '');
  showBooked(null);
  form.elements.phone.focus();
}

async function start() {
  $('days').dataset.empty = $('days').textContent.trim();
  for (const button of document.querySelectorAll('.service-button')) {
    if (button.disabled) button.setAttribute('data-off', '');
    button.setAttribute('aria-pressed', 'false');
    button.addEventListener('click', () => guarded(chooseService)(button.dataset.service));
  }
  form.addEventListener('submit', confirmBooking);
  form.elements.phone.addEventListener('input', debounce(guarded(lookUpCaller), 250));
  $('stop-moving').addEventListener('click', () => { stopMoving(); form.elements.phone.focus(); });
  $('new-booking').addEventListener('click', newBooking);
  document.addEventListener('keydown', event => {
    if (event.key === 'Escape' && state.moving) stopMoving();
  });
  // Other operators and SMS book too: places left are refreshed whenever the operator comes back.
  window.addEventListener('focus', () => { if (state.service && form.hidden === false) guarded(loadCalendar)(); });
  try {
    state.procedures = await api('GET', '/api/v1/procedures');
  } catch (error) {
    state.procedures = [];
  }
}

start();
