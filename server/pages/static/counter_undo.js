// A few seconds to take back what the server cannot undo (marking a citizen absent): the request is sent
// only when the time is up; "Hoàn tác" (or Z, or Esc) means it is never sent.
import {fill} from './strings.js';

export const UNDO_SECONDS = 5;

/** Show `template` (its {seconds} counting down) in the undo bar; true when the time is up, false if undone. */
export function afterUndoWindow(template, values, seconds = UNDO_SECONDS) {
  const bar = document.getElementById('undo-bar');
  const text = document.getElementById('undo-text');
  const button = document.getElementById('undo-button');
  return new Promise(resolve => {
    let left = seconds;
    const show = () => { text.textContent = fill(template, {...values, seconds: left}); };
    const onKey = event => {
      if (event.code !== 'KeyZ' && event.code !== 'Escape') return;
      event.preventDefault();
      event.stopPropagation();   // not also a shortcut of the page
      end(false);
    };
    const timer = setInterval(() => {
      left -= 1;
      if (left <= 0) end(true);
      else show();
    }, 1000);
    function end(done) {
      clearInterval(timer);
      document.removeEventListener('keydown', onKey, true);
      button.onclick = null;
      bar.hidden = true;
      resolve(done);
    }
    show();
    // Not focused: a Space or Enter meant for the page must not press "Hoàn tác" by accident.
    button.onclick = () => end(false);
    document.addEventListener('keydown', onKey, true);
    bar.hidden = false;
  });
}
