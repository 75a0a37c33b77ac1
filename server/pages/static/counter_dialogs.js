// The counter page's questions: how the citizen at the counter leaves it before logging out or closing,
// closing the counter for the day, and resuming a paused counter to call.
import {say} from './staff.js';

const VERBS = {complete: 'complete', no_show: 'no-show', hand_back: 'hand-back'};

/** Ask in `dialog` how the citizen at the counter (`ticket`, or null) leaves it; each [data-leave] choice
 * does it with act(ticket, verb) ("none": nothing to do). True once done, false when staff stayed. */
export function settle(dialog, ticket, act, onFailure) {
  const note = dialog.querySelector('.message');
  dialog.querySelectorAll('.ticket-number').forEach(node => { node.textContent = ticket ? ticket.number : ''; });
  dialog.querySelectorAll('.with-citizen').forEach(node => { node.hidden = !ticket; });
  dialog.querySelectorAll('.without-citizen').forEach(node => { node.hidden = !!ticket; });
  say(note, '');
  return new Promise(resolve => {
    let settled = false;
    const choices = [...dialog.querySelectorAll('[data-leave]')];
    const choose = async event => {
      const leave = event.currentTarget.dataset.leave;
      choices.forEach(button => { button.disabled = true; });
      try {
        if (leave !== 'none') await act(ticket, VERBS[leave]);
        settled = true;
        dialog.close();
      } catch (error) {
        say(note, error.message, 'error');   // the citizen stays at the counter; staff may choose again
        onFailure();
      } finally {
        choices.forEach(button => { button.disabled = false; });
      }
    };
    choices.forEach(button => { button.onclick = choose; });
    dialog.addEventListener('close', () => resolve(settled), {once: true});
    dialog.showModal();
    choices.find(button => !button.closest('[hidden]')).focus();
  });
}

/** "The counter is paused: resume and call?"; true when staff chose to. Enter also says yes; the question has
 * the focus, not a button, so the Space that asked to call does not answer it as it is released. */
export function askResume(question) {
  const dialog = document.getElementById('resume-dialog');
  const title = dialog.querySelector('h2');
  title.textContent = question;
  dialog.returnValue = '';
  const onKey = event => {
    if (event.key === 'Enter' && !event.repeat && event.target === title) {
      event.preventDefault();
      event.stopPropagation();   // not also the page's Enter (Hoàn thành)
      dialog.close('resume');
    }
  };
  return new Promise(resolve => {
    dialog.addEventListener('keydown', onKey);
    dialog.addEventListener('close', () => {
      dialog.removeEventListener('keydown', onKey);
      resolve(dialog.returnValue === 'resume');
    }, {once: true});
    dialog.showModal();
    title.focus();
  });
}
