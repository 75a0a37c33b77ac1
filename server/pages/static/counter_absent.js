// The counter page's list of today's absent citizens, each called back with one tap while it may still be
// put back in line.
import {clockTime, el} from './staff.js';
import {fill, strings} from './strings.js';

/** List `absent` (GET /counters/<n>/no-shows) in `node`; callBack(ticket) for a tap on "Gọi lại". */
export function renderAbsent(node, absent, callBack) {
  const items = absent.map(ticket => el('li', {'data-ticket': ticket.id},
    el('span', {class: 'chip'}, ticket.number),
    el('span', {class: 'absent-who'}, ticket.name || '',
       el('small', {}, fill(strings.absent_at, {time: clockTime(ticket.finished_at)}))),
    ticket.returnable
      ? el('button', {type: 'button', class: 'secondary call-back', onclick: () => callBack(ticket)}, strings.call_back)
      : el('span', {class: 'muted'}, strings.return_passed)));
  node.replaceChildren(...(items.length ? items : [el('li', {class: 'muted'}, strings.no_absent)]));
}
