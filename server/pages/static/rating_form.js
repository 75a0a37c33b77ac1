// The rating question (templates/rating/_question.html), shared by the phone page and the counter's tablet:
// choose one of four answers, maybe write a comment, send it once to POST /api/v1/ratings.
import {api} from './api.js';
import {strings as S} from './strings.js';

/** Wire the form `root`. source: 'phone' or 'tablet'; onRated(outcome) after the server took the rating
 * ('rated') or had one already ('already'); onActivity() at each touch or key (the tablet's idle timer). */
export function ratingForm(root, {source, onRated = () => {}, onActivity = () => {}}) {
  const buttons = [...root.querySelectorAll('[data-score]')];
  const comment = root.querySelector('textarea[name="comment"]');
  const message = root.querySelector('.r-message');
  const send = root.querySelector('.r-send');
  let trackId = null;
  let chosen = null;

  function say(text) {
    message.textContent = text || '';
    message.hidden = !text;
  }

  function choose(score) {
    chosen = score;
    for (const button of buttons) button.setAttribute('aria-pressed', String(Number(button.dataset.score) === score));
    say('');
  }

  for (const button of buttons) {
    button.addEventListener('click', () => { choose(Number(button.dataset.score)); onActivity(); });
  }
  comment.addEventListener('input', () => onActivity());

  root.addEventListener('submit', async (event) => {
    event.preventDefault();
    onActivity();
    if (chosen === null) { say(S.rating_choose); return; }
    if (!trackId || send.disabled) return;
    send.disabled = true;
    try {
      await api('POST', '/api/v1/ratings', {track_id: trackId, score: chosen, comment: comment.value, source});
      onRated('rated');
    } catch (error) {
      if (error.code === 'already_rated') onRated('already');
      else say(error.message);
    } finally {
      send.disabled = false;
    }
  });

  return {
    /** Ask about this ticket from the start: nothing chosen, no comment. */
    ask(id) {
      trackId = id;
      choose(null);
      comment.value = '';
      send.disabled = false;
    },
  };
}
