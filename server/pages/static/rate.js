// The rating tablet at a counter: idle until the counter finishes a citizen (rating_asked on /display, to this
// counter's tablets only, with the ticket's number and track id, never a name), then the question, the thanks,
// and idle again after a few seconds, or after a minute nobody answers.
import {ratingForm} from './rating_form.js';
import {connect} from './socket.js';
import {fill, strings as S} from './strings.js';

const $ = (id) => document.getElementById(id);
const root = $('tablet');
const thanksMs = Number(root.dataset.thanksSeconds) * 1000;
const answerMs = Number(root.dataset.answerSeconds) * 1000;
let current = null;   // the track id of the ticket asked about
let timer = null;

function show(screen) {
  root.dataset.screen = screen;
  for (const name of ['idle', 'ask', 'thanks']) $('screen-' + name).hidden = name !== screen;
}

function idleAfter(ms) {
  clearTimeout(timer);
  timer = setTimeout(() => { current = null; show('idle'); }, ms);
}

function thank(text) {
  current = null;
  $('thanks-text').textContent = text;
  show('thanks');
  idleAfter(thanksMs);
}

const question = ratingForm(document.querySelector('#screen-ask [data-rating]'), {
  source: 'tablet',
  onRated: (outcome) => thank(outcome === 'already' ? S.already : S.rating_thanks),
  onActivity: () => { if (current) idleAfter(answerMs); },
});

/** The counter finished a citizen: ask them (a newer one replaces a question left unanswered). */
function ask(event) {
  const ticket = event && event.ticket;
  if (!ticket || !ticket.track_id || ticket.track_id === current) return;   // asked again on a reconnect
  current = ticket.track_id;
  $('ask-number').textContent = fill(S.number, {number: ticket.number});
  question.ask(ticket.track_id);
  show('ask');
  idleAfter(answerMs);
}

/** A rating was taken (here, or on the citizen's phone first): nothing more to ask about that ticket. */
function rated(event) {
  if (current && event && event.ticket && event.ticket.track_id === current) thank(S.rating_thanks);
}

show('idle');
connect('/display', {
  auth: {rating_counter: Number(root.dataset.counter)},
  rejoin: true,
  retryRefusedMs: 5000,
  onLink: (up) => { $('offline').hidden = up; },
  handlers: {rating_asked: ask, rating_recorded: rated},
});
