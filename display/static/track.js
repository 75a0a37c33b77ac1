// The citizen's phone page: re-rendered from /t/<id>.json once after each /track event.
// No timers: ticket_changed and line_changed say when something moved.
import {api} from '../../static/api.js';
import {connect} from '../../static/socket.js';
import {ratingForm} from '../../static/rating_form.js';
import {fill, strings as S} from '../../static/strings.js';
import {bind, isDue, showWait} from '../../static/wait_words.js';

const $ = (id) => document.getElementById(id);
const data = JSON.parse($('track-data').textContent);
let lastStatus = data.ticket.status;

/** "2026-11-25T08:15:00+07:00" (already office time) -> "08:15 25/11/2026". */
function localTime(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(iso || '');
  return m ? m[4] + ':' + m[5] + ' ' + m[3] + '/' + m[2] + '/' + m[1] : '';
}

function callText(ticket) {
  switch (ticket.status) {
    case 'called': return fill(S.called, {n: ticket.counter});
    case 'serving': return fill(S.serving, {n: ticket.counter});
    case 'done': return S.done;
    case 'no_show': return S.no_show;
    case 'cancelled': return S.cancelled;
    default: return isDue(ticket) ? S.next : '';
  }
}

function render(ticket) {
  const waiting = ticket.status === 'waiting';
  $('track').dataset.status = ticket.status;
  $('number').textContent = ticket.number;
  $('service').textContent = ticket.service_name;
  $('status').textContent = S.status[ticket.status] || ticket.status;
  $('call').textContent = callText(ticket);
  $('ahead').textContent = !waiting ? '' : ticket.ahead > 0 ? bind(fill(S.ahead, {n: ticket.ahead})) : S.ahead_none;
  // Due now: the call line already says the turn is near.
  if (waiting && !isDue(ticket)) showWait($('wait'), ticket, S.wait);
  else $('wait').textContent = '';
  $('issued').textContent = ticket.issued_at ? fill(S.issued, {t: localTime(ticket.issued_at)}) : '';
  document.title = ticket.number + ' · ' + (S.status[ticket.status] || '');
  showRating(ticket.rating);
}

// Once served, the citizen is asked once: 'open' shows the question, 'rated' the thanks (a reload too).
const question = ratingForm(document.querySelector('#rating-ask [data-rating]'), {
  source: 'phone',
  onRated: () => showRating('rated'),
});
question.ask(data.track);

function showRating(state) {
  $('rating-ask').hidden = state !== 'open';
  $('rating-thanks').hidden = state !== 'rated';
}

async function refresh() {
  let ticket;
  try {
    ticket = await api('GET', data.url);
  } catch (error) {
    if (error.code === 'network') live(false);   // a refusal (an old link) leaves the page as it is
    return;
  }
  if (ticket.status === 'called' && lastStatus !== 'called' && navigator.vibrate) {
    navigator.vibrate([300, 150, 300]);  // a phone in a pocket: it is your turn
  }
  lastStatus = ticket.status;
  render(ticket);
}

function live(connected) {
  $('live').textContent = connected ? S.live : S.offline;
  $('live').classList.toggle('offline', !connected);
}

render(data.ticket);
// Every (re)connect fetches once: a phone that slept may have missed events.
connect('/track', {
  auth: {track: data.track},
  reconnectionDelayMax: 5000,
  onLink: (up) => { live(up); if (up) refresh(); },
  handlers: {ticket_changed: refresh, line_changed: refresh},
});
