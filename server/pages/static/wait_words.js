// The wait forecast in words: the range a citizen can plan by (the server's forecast.wait_range), as the
// kiosk, the phone page and the front desk show it. The words come from the page's strings
// (server/pages/wait_words.py, which chooses them the same way for the phone page's first render).
import {fill} from './strings.js';

/** Whether the forecast says the ticket is due now: both ends of its range are 0. */
export function isDue(ticket) {
  return !(ticket.estimated_wait_high_min > 0);
}

/** Which words fit: due now, "under" for a range from 0, "about" for one number, else the range. */
function waitKey(ticket) {
  if (isDue(ticket)) return 'wait_due';
  if (!(ticket.estimated_wait_low_min > 0)) return 'wait_under';
  return ticket.estimated_wait_low_min === ticket.estimated_wait_high_min ? 'wait_about' : 'wait_range';
}

/** No-break spaces on both sides of the numbers, so "khoảng 20-30 phút" never wraps apart. */
export function bind(text) {
  return String(text).replace(/ (\d)/g, '\u00a0$1').replace(/(\d) /g, '$1\u00a0');
}

/** The ticket's wait in `words`: the page's strings.wait (wait_words.py's wait_strings, or a page's own). */
function waitText(ticket, words) {
  const low = ticket.estimated_wait_low_min || 0, high = ticket.estimated_wait_high_min || 0;
  return bind(fill(words[waitKey(ticket)], {low, high, n: high}));
}

/** Show the ticket's wait in `element` after `before`, its numbers and their words on one line: a browser
 * would otherwise break "20-30" after the dash. */
export function showWait(element, ticket, words, before = '') {
  const text = waitText(ticket, words);
  const bound = /[^ ]*\d[^ ]*/.exec(text);    // "khoảng 20-30 phút", joined by no-break spaces
  if (!bound) {
    element.textContent = before + text;
    return;
  }
  const kept = document.createElement('span');
  kept.style.whiteSpace = 'nowrap';
  kept.textContent = bound[0];
  element.replaceChildren(before + text.slice(0, bound.index), kept, text.slice(bound.index + bound[0].length));
}
