// The console's printers and SMS gateway: each form shows the fields of the kind of connection chosen, a
// printer's body carries them as "connection" (the server makes the technical address), and the two tests
// (a test ticket, a test SMS) show their result on the page. admin.js sends the forms themselves.
import {api} from './api.js';
import {fill} from './strings.js';

const CONNECTION_FIELDS = ['kind', 'host', 'port', 'vendor', 'product', 'device', 'baudrate', 'printer', 'queue'];

/** Show the chosen kind's fields; the others are disabled, so they are neither checked nor sent. */
function followKind(form) {
  const select = form.querySelector('[data-connection-kind]');
  if (!select) return;
  form.querySelectorAll('[data-for-kind]').forEach((group) => {
    const shown = group.dataset.forKind.split(' ').includes(select.value);
    group.hidden = !shown;
    group.querySelectorAll('input, select, textarea').forEach((field) => { field.disabled = !shown; });
  });
}

/** The body admin.js sends: a printer's connection fields go together under "connection". */
export function shaped(form, body) {
  if (form.dataset.shape !== 'printer') return body;
  const connection = {};
  for (const key of CONNECTION_FIELDS) {
    if (key in body) {
      connection[key] = body[key];
      delete body[key];
    }
  }
  return Object.assign(body, {connection});
}

function show(node, text, good) {
  node.textContent = text;
  node.classList.toggle('good', good);
  node.classList.toggle('bad', !good);
  node.hidden = false;
}

// A test ticket goes to the spooler; the printer's state then arrives live in its row (admin.js).
async function testPrint(button) {
  const error = document.getElementById('page-error');
  const notice = document.getElementById('notice');
  error.textContent = '';
  notice.hidden = true;
  button.disabled = true;
  try {
    await api('POST', button.dataset.url);
    notice.textContent = button.dataset.done;
    notice.hidden = false;
  } catch (failure) {
    error.textContent = failure.message;
  } finally {
    button.disabled = false;
  }
}

// A test SMS is sent at once; a gateway that is down answers "failed" with its reason in words.
async function testSms(form) {
  const result = form.querySelector('[data-test-result]');
  const button = form.querySelector('[type="submit"]');
  const phone = form.elements.phone.value;
  result.hidden = true;
  button.disabled = true;
  try {
    const answer = await api('POST', '/api/v1/sms/test', {phone});
    if (answer.state === 'sent') {
      show(result, fill(form.dataset.sent, {phone}), true);
    } else {
      show(result, form.dataset.failed + ' ' + answer.reason, false);
      const detail = document.createElement('span');
      detail.className = 'tech';
      detail.textContent = answer.detail;
      result.append(' ', detail);
    }
  } catch (failure) {
    show(result, failure.message, false);
  } finally {
    button.disabled = false;
  }
}

document.querySelectorAll('[data-connection-kind]').forEach((select) => {
  const form = select.form;
  select.addEventListener('change', () => followKind(form));
  form.addEventListener('filled', () => followKind(form));   // an edit dialog was filled from its row
  followKind(form);
});

document.addEventListener('click', (event) => {
  const button = event.target.closest('button[data-test-print]');
  if (button) testPrint(button);
});

const smsTest = document.querySelector('form[data-sms-test]');
if (smsTest) {
  smsTest.addEventListener('submit', (event) => {
    event.preventDefault();
    testSms(smsTest);
  });
}
