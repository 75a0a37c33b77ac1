// The desk's files (hồ sơ): receive one with its promised date, mark it ready (the citizen gets an SMS with a
// pickup code), hand the result over against that code or after checking the CCCD; overdue ones first.
import {api} from './api.js';
import {debounce, el, maskPhone, say} from './staff.js';
import {fill, strings} from './strings.js';

const $ = id => document.getElementById(id);
const message = $('message');
let services = [];

const dayMonthYear = date => date ? date.slice(0, 10).split('-').reverse().join('/') : '';
const serviceName = code => (services.find(s => s.code === code) || {}).name || code || '';

/** Run a row's action and show its outcome; the lists follow through dossiers_changed (and here, at once). */
async function act(action, dossier, button) {
  button.disabled = true;
  try {
    const text = await action(dossier);
    if (text) say(message, text, 'ok');
  } catch (error) {
    say(message, error.message, 'error');
  } finally {
    button.disabled = false;
    dossiersSoon();
  }
}

function rowButton(key, action, dossier) {
  return el('button', {type: 'button', class: 'row-action', 'data-action': key,
                       onclick: event => act(action, dossier, event.currentTarget)}, strings[key]);
}

function readyRow(dossier) {
  return el('tr', {'data-dossier': dossier.code, class: dossier.overdue ? 'overdue' : ''},
            el('td', {class: 'number'}, dossier.code), el('td', {}, dossier.name),
            el('td', {}, maskPhone(dossier.phone)), el('td', {}, serviceName(dossier.service)),
            el('td', {}, dayMonthYear(dossier.ready_at)),
            el('td', {}, dayMonthYear(dossier.pickup_by),
               dossier.overdue ? el('span', {class: 'pill overdue-pill'}, strings.overdue) : ''),
            el('td', {class: 'row-actions'}, rowButton('handover', handOver, dossier)));
}

const late = dossier => dossier.late;   // still processing past its promised date (by the office's day)

function processingRow(dossier) {
  return el('tr', {'data-dossier': dossier.code, class: late(dossier) ? 'overdue' : ''},
            el('td', {class: 'number'}, dossier.code), el('td', {}, dossier.name),
            el('td', {}, maskPhone(dossier.phone)), el('td', {}, serviceName(dossier.service)),
            el('td', {}, dayMonthYear(dossier.received_at)),
            el('td', {}, dayMonthYear(dossier.due_on),
               late(dossier) ? el('span', {class: 'pill overdue-pill'}, strings.late) : ''),
            el('td', {class: 'row-actions'}, rowButton('make_ready', makeReady, dossier)));
}

function fillTable(id, rows, render, countText) {
  $(id).tBodies[0].replaceChildren(...rows.map(render));
  $(id).hidden = !rows.length;
  $(id === 'dossiers' ? 'dossiers-empty' : 'processing-empty').hidden = rows.length > 0;
  $(id === 'dossiers' ? 'dossier-count' : 'processing-count').textContent = rows.length ? countText : '';
}

async function refresh() {
  const [ready, processing] = await Promise.all([api('GET', '/api/v1/dossiers?status=ready'),
                                                 api('GET', '/api/v1/dossiers?status=processing')]);
  ready.sort((a, b) => (b.overdue - a.overdue) || a.pickup_by.localeCompare(b.pickup_by) || a.code.localeCompare(b.code));
  processing.sort((a, b) => (late(b) - late(a)) || (a.due_on || '').localeCompare(b.due_on || '') ||
                            a.code.localeCompare(b.code));
  fillTable('dossiers', ready, readyRow,
            fill(strings.dossiers_n, {n: ready.length, late: ready.filter(d => d.overdue).length}));
  fillTable('processing', processing, processingRow,
            fill(strings.processing_n, {n: processing.length, late: processing.filter(late).length}));
}

/** What to say once a file is ready: the deadline, the SMS, or (no phone) its pickup code for the citizen. */
function readyText(dossier) {
  const note = $('pickup-note');
  note.hidden = !dossier.pickup_code;
  note.textContent = dossier.pickup_code ? fill(strings.pickup_shown, {code: dossier.code, pickup: dossier.pickup_code}) : '';
  return fill(strings.dossier_ready, {code: dossier.code, date: dayMonthYear(dossier.pickup_by)}) +
         (dossier.phone ? ' ' + strings.dossier_sms : '');
}

async function makeReady(dossier) {
  return readyText(await api('POST', `/api/v1/dossiers/${encodeURIComponent(dossier.code)}/ready`));
}

/** The hand-over dialog: the pickup code, or a CCCD check with its reason; resolves to the outcome's text. */
function handOver(dossier) {
  const dialog = $('handover-dialog'), form = $('handover-form'), error = dialog.querySelector('.handover-error');
  dialog.querySelector('.handover-code').textContent = dossier.code;
  dialog.querySelector('.handover-name').textContent = dossier.name;
  form.reset();
  error.hidden = true;
  return new Promise(resolve => {
    let outcome = null;
    form.onsubmit = async event => {
      event.preventDefault();
      const how = event.submitter && event.submitter.value;
      const code = form.elements.pickup_code.value.replace(/\s/g, '');
      const body = how === 'checked_id' ? {checked_id: true, reason: form.elements.reason.value}
        : code ? {pickup_code: code} : {};
      try {
        await api('POST', `/api/v1/dossiers/${encodeURIComponent(dossier.code)}/collected`, body);
        outcome = fill(strings.dossier_collected, dossier);
        dialog.close();
      } catch (refusal) {     // a wrong code changes nothing: say so here and let staff try again or check the CCCD
        error.textContent = refusal.message;
        error.hidden = false;
        form.elements.pickup_code.select();
      }
    };
    dialog.querySelector('.handover-close').onclick = () => dialog.close();
    dialog.addEventListener('close', () => resolve(outcome), {once: true});
    dialog.showModal();
    form.elements.pickup_code.focus();
  });
}

async function submit(event) {
  event.preventDefault();
  const form = event.target, data = new FormData(form);
  const status = event.submitter && event.submitter.value === 'processing' ? 'processing' : 'ready';
  const body = {code: data.get('dossier_code').trim(), name: data.get('dossier_name').trim(),
                phone: data.get('dossier_phone').trim() || null, service: data.get('dossier_service') || null};
  if (status === 'processing') {
    body.status = status;
    body.due_on = data.get('dossier_due_on').trim();
    if (!body.due_on) {
      form.elements.dossier_due_on.focus();
      return say(message, strings.due_required, 'error');
    }
  }
  const buttons = form.querySelectorAll('button[type=submit]');
  buttons.forEach(button => { button.disabled = true; });
  try {
    const dossier = await api('POST', '/api/v1/dossiers', body);
    say(message, status === 'processing'
      ? fill(strings.dossier_received, {code: dossier.code, date: dayMonthYear(dossier.due_on)}) : readyText(dossier), 'ok');
    form.reset();
  } catch (error) {
    say(message, error.message, 'error');
    if (/phone/.test(error.code)) form.elements.dossier_phone.focus();
    if (/due_on|date/.test(error.code)) form.elements.dossier_due_on.focus();
  } finally {
    buttons.forEach(button => { button.disabled = false; });
    dossiersSoon();
  }
}

export const dossiersSoon = debounce(() => refresh().catch(error => say(message, error.message, 'error')));

/** Wire the section once the office's services are known. */
export function startDossiers(known) {
  services = known;
  $('dossier-service').append(...services.map(s => el('option', {value: s.code}, s.name)));
  $('dossier-form').addEventListener('submit', submit);
  dossiersSoon();
  // Other desks' changes arrive as dossiers_changed; this only moves files past their dates.
  setInterval(dossiersSoon, 3600000);
}
