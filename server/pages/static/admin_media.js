// The console's media page (Trình chiếu): uploading an image or a video with its title, seconds and boards,
// and moving an item up or down the playing order. admin.js sends the edit dialog and the other buttons.
import {api} from './api.js';
import {checkForm} from './forms.js';
import {strings} from './strings.js';

const NOTICE_KEY = 'luot-admin-notice';   // admin.js shows it once the page is back
const TYPES = ['image/jpeg', 'image/png', 'image/webp', 'video/mp4', 'video/webm'];
const SUFFIXES = /\.(jpe?g|png|webp|mp4|webm)$/i;

function reloadWith(text) {
  sessionStorage.setItem(NOTICE_KEY, text);
  location.reload();
}

/** What is wrong with the chosen file before it is sent ('' when nothing): the server checks its content. */
function fileProblem(form, file) {
  if (!file) return strings.media_no_file;
  if (!TYPES.includes(file.type) && !SUFFIXES.test(file.name)) return strings.media_wrong_type;
  const video = file.type.startsWith('video/') || /\.(mp4|webm)$/i.test(file.name);
  return file.size > Number(video ? form.dataset.maxVideo : form.dataset.maxImage) ? strings.media_too_big : '';
}

async function upload(form) {
  const box = form.querySelector('.form-error');
  const button = form.querySelector('[type="submit"]');
  const file = form.elements.file.files[0];
  box.textContent = fileProblem(form, file) || checkForm(form);
  if (box.textContent) return;
  const body = new FormData(form);
  button.disabled = true;
  const label = button.textContent;
  button.textContent = strings.media_uploading;
  try {
    await api('POST', form.dataset.url, body);
    reloadWith(strings.media_uploaded);
  } catch (error) {
    box.textContent = error.message;
    button.disabled = false;
    button.textContent = label;
  }
}

/** Move a row up or down: every item whose place changed gets its new sort_order. */
async function move(button) {
  const row = button.closest('tr');
  const rows = [...row.parentElement.querySelectorAll('tr[data-media]')];
  const from = rows.indexOf(row);
  const to = from + Number(button.dataset.move);
  if (to < 0 || to >= rows.length) return;
  rows.splice(to, 0, rows.splice(from, 1)[0]);
  const error = document.getElementById('page-error');
  error.textContent = '';
  button.disabled = true;
  try {
    for (const [index, item] of rows.entries()) {
      const order = (index + 1) * 10;
      if (Number(item.dataset.sortOrder) !== order) {
        await api('PATCH', '/api/v1/media/' + item.dataset.media, {sort_order: order});
      }
    }
    reloadWith(strings.saved);
  } catch (failure) {
    error.textContent = failure.message;
    button.disabled = false;
  }
}

const form = document.getElementById('add-media');
const fileName = document.getElementById('file-name');
form.elements.file.addEventListener('change', () => {
  const file = form.elements.file.files[0];
  fileName.textContent = file ? file.name : fileName.dataset.none;
});
form.addEventListener('submit', (event) => {
  event.preventDefault();
  upload(form);
});
document.getElementById('media-list').addEventListener('click', (event) => {
  const button = event.target.closest('button[data-move]');
  if (button) move(button);
});
