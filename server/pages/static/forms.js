// Forms that speak the page's language: the browser's own checks (English bubbles, mm/dd pickers) are off
// (novalidate), and a field's problem is told in the page's words, naming the field as its label does.
// Also the page's own "are you sure?" dialog, instead of the browser's confirm() with its chrome.
import {fill, strings} from './strings.js';

/** The name people see for a field: its aria-label (a cell of a table says which day and session), else
 * its label's text without the "required" star. */
function labelOf(field) {
  if (field.getAttribute('aria-label')) return field.getAttribute('aria-label');
  const label = field.closest('label');
  const shown = label && (label.querySelector('.label') || label.querySelector('span'));
  return (shown ? shown.textContent : field.name).replace('*', '').trim();
}

/** What is wrong with one field, in the page's language, or '' when nothing is. */
function problem(field) {
  const state = field.validity;
  if (!field.willValidate || state.valid) return '';
  const values = {field: labelOf(field), min: field.min || field.minLength, max: field.max,
    format: field.dataset.format || ''};
  if (state.valueMissing) return fill(strings.field_missing, values);
  if (state.rangeUnderflow || state.rangeOverflow) {
    if (field.min !== '' && field.max !== '') return fill(strings.field_range, values);
    return fill(state.rangeUnderflow ? strings.field_min : strings.field_max, values);
  }
  if (state.tooShort) return fill(strings.field_short, values);
  if (values.format) return fill(strings.field_format, values);
  return fill(strings.field_invalid, values);
}

/** Check a form as the browser would, but say it in the page's words: the first problem found, its field
 * focused, or '' when the form may be sent. */
export function checkForm(form) {
  for (const field of form.elements) {
    const message = problem(field);
    if (message) {
      field.focus();
      return message;
    }
  }
  return '';
}

/** Turn the browser's own checks off for every form of the page (they speak the browser's language). */
export function quietForms(root = document) {
  root.querySelectorAll('form').forEach((form) => { form.noValidate = true; });
}

/** Ask before something that cannot simply be taken back; resolves to true when the user agrees. The page's
 * <dialog id="confirm-dialog"> when it has one, else the browser's confirm(). */
export function ask(text) {
  const dialog = document.getElementById('confirm-dialog');
  if (!dialog) return Promise.resolve(window.confirm(text));
  dialog.querySelector('[data-confirm-text]').textContent = text;
  dialog.returnValue = '';
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'yes'), {once: true});
    dialog.showModal();
  });
}

/** File choosers in the page's words (a label.file-pick around a hidden file input, whose own button would say
 * "Choose File" in the browser's language): each shows the name of the file chosen. */
export function showChosenFiles(root = document) {
  root.querySelectorAll('.file-pick input[type=file]').forEach((input) => {
    const shown = input.closest('.file-pick').querySelector('[data-file-name]');
    input.addEventListener('change', () => {
      if (input.files[0]) shown.textContent = input.files[0].name;
    });
  });
}
