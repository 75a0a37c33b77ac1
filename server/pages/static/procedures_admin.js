// The console's procedures section: a CSV or Excel list goes to the server as it is (all or nothing); the
// server's answer says how many rows were added and updated, or which row and column it refused.
import {api} from './api.js';
import {checkForm, showChosenFiles} from './forms.js';
import {fill} from './strings.js';

const NOTICE_KEY = 'luot-admin-notice';   // admin.js shows it after the reload
const form = document.getElementById('import-procedures');

async function importFile(event) {
  event.preventDefault();
  const box = form.querySelector('.form-error');
  const button = form.querySelector('[type="submit"]');
  box.textContent = '';
  const problem = checkForm(form);
  if (problem) {
    box.textContent = problem;
    return;
  }
  button.disabled = true;
  try {
    const result = await api('POST', '/api/v1/procedures/import', form.elements.file.files[0]);
    sessionStorage.setItem(NOTICE_KEY, fill(form.dataset.done, result));
    location.reload();
  } catch (error) {
    box.textContent = error.message;
    button.disabled = false;
  }
}

if (form) {
  showChosenFiles(form);
  form.addEventListener('submit', importFile);
}
