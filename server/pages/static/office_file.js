// Copying the set-up to another office (the settings page): the downloaded file is a plain link; importing
// reads the chosen file, asks first, then sends it to POST /api/v1/office-import and says what happened.
import {api} from './api.js';
import {ask, showChosenFiles} from './forms.js';
import {fill, strings} from './strings.js';

const form = document.getElementById('office-import');
const error = document.getElementById('office-import-error');
const done = document.getElementById('office-import-done');

function show(node, text) {
  for (const other of [error, done]) other.hidden = true;
  node.textContent = text;
  node.hidden = false;
}

async function importFile(file) {
  let setup;
  try {
    setup = JSON.parse(await file.text());
  } catch (problem) {
    show(error, fill(strings.office_file_not_json, {name: file.name}));
    return;
  }
  if (!await ask(fill(strings.office_confirm_import, {name: file.name}))) return;
  try {
    await api('POST', '/api/v1/office-import', setup);
    show(done, strings.office_imported);
  } catch (problem) {
    show(error, problem.message);
  }
}

if (form) {
  form.noValidate = true;
  showChosenFiles(form);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const file = form.elements.file.files[0];
    if (!file) show(error, strings.office_file_missing);
    else importFile(file);
  });
}
