/* The kiosk's "Tìm theo thủ tục": a citizen who knows the procedure ("khai sinh") but not its service types a
   few letters on the on-screen keyboard (no marks needed) and taps the procedure found; the button carries the
   service's code, so kiosk.js takes it exactly as a tap on the service's tile. The names come with the page
   (procedure_index, folded by the server as the SMS parser folds them). */
import * as kiosk from './kiosk.js';

const $ = (id) => document.getElementById(id);
const screen = $('screen-procedures');
const INDEX = JSON.parse($('procedure-index').textContent);
const MAX_LENGTH = 40;
const MAX_HITS = 6;
let query = '';

/** Text as the server folds it: no Vietnamese marks, đ as d, lower case, single spaces. */
export function fold(text) {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[\u0111\u0110]/g, 'd').toLowerCase()
    .split(/\s+/).filter(Boolean).join(' ');
}

/** How well a folded query names one term: whole, its beginning, every word begun, or somewhere inside. */
function termScore(wanted, words, term) {
  if (term === wanted) return 100;
  if (term.startsWith(wanted)) return 90;
  const termWords = term.split(' ');
  if (words.every((word) => termWords.some((part) => part.startsWith(word)))) return 80;
  return term.includes(wanted) ? 60 : 0;
}

/** The best entries for the query, one per procedure, best first (the office's own first among equals). */
export function search(text, index = INDEX) {
  const wanted = fold(text);
  if (!wanted) return [];
  const words = wanted.split(' ');
  const scored = index.map((entry, order) => {
    // a short name matched scores above the same match in the long official name
    const scores = entry.terms.map((term, i) => termScore(wanted, words, term) - (i === 0 ? 5 : 0));
    return {entry, order, score: Math.max(...scores)};
  }).filter((hit) => hit.score > 0);
  scored.sort((a, b) => b.score - a.score || a.order - b.order);
  const seen = new Set();
  return scored.filter(({entry}) => {
    const key = entry.code + '|' + fold(entry.name);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  }).slice(0, MAX_HITS).map((hit) => hit.entry);
}

function hitButton(entry) {
  const tile = document.querySelector(`#services .service[data-code="${CSS.escape(entry.code)}"]`);
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'procedure-hit';
  button.dataset.code = entry.code;
  button.disabled = !tile || tile.disabled;
  const name = document.createElement('span');
  name.className = 'procedure-name';
  name.textContent = entry.name;
  const service = document.createElement('span');   // kiosk.js names the chosen service from .service-name
  service.className = 'service-name';
  service.textContent = tile ? tile.querySelector('.service-name').textContent : entry.code;
  const state = document.createElement('span');
  state.className = 'procedure-state';
  state.textContent = tile && tile.disabled ? tile.querySelector('.service-count').textContent : '';
  button.append(name, service, state);
  const item = document.createElement('li');
  item.append(button);
  return item;
}

function render() {
  $('procedure-query').textContent = query;
  const hits = search(query);
  $('procedure-hits').replaceChildren(...hits.map(hitButton));
  $('procedure-note').textContent = !fold(query) ? screen.dataset.prompt : hits.length ? '' : screen.dataset.none;
}

function open() {
  query = '';
  render();
  kiosk.show('procedures');
}

function press(key) {
  query = kiosk.typed(query, key, MAX_LENGTH);
  render();
}

if (screen) {
  // The letter keys are handled here only; a procedure found goes on to kiosk.js (its data-code).
  screen.addEventListener('click', (event) => {
    const button = event.target.closest('button[data-key]');
    if (!button) return;
    event.stopPropagation();
    press(button.dataset.key);
  });
  $('kiosk').addEventListener('click', (event) => {
    const button = event.target.closest('button[data-action="procedures"]');
    if (button && !button.disabled) open();
  });
}
