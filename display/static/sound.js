// The board's voice. A browser refuses sound until someone presses a key or clicks on the page (unless it
// was started with autoplay allowed: see the console's "Màn hình hiển thị"). When the first silent try is
// refused, a one-time instruction says what to do and why; the calls keep showing meanwhile, only the voice
// waits. body[data-sound] says where it stands: checking, on or blocked (sound_report.js tells the server).
import {Announcer} from './announcer.js';

// Set once the voice was turned on: the big instruction is not shown again in this browser session.
const TURNED_ON = 'luot.board-voice-on';

function remembered() {
  try {
    return sessionStorage.getItem(TURNED_ON) === '1';
  } catch (error) {
    return false;   // storage refused (private mode): ask as if for the first time
  }
}

function remember() {
  try {
    sessionStorage.setItem(TURNED_ON, '1');
  } catch (error) {
    // nothing to keep it in: the browser's own memory of the gesture still lets the voice play
  }
}

/** The board's Announcer, with the instruction shown while the browser blocks its sound. */
export function startVoice(config) {
  const prompt = document.getElementById('sound');
  const state = (value) => { document.body.dataset.sound = value; };
  state('checking');
  const announcer = new Announcer({
    chimeUrl: config.chime_url,
    speechUrl: config.speech_url,
    volume: config.volume,
    onBlocked: () => {
      state('blocked');
      // Turned on earlier in this session (a reload the browser did not trust): a small reminder only.
      prompt.classList.toggle('small', remembered());
      prompt.hidden = false;
    },
    onAllowed: () => {
      state('on');
      prompt.hidden = true;
    },
  });
  const tryUnlock = () => {
    if (!announcer.blocked) return;
    announcer.unlock().then((allowed) => allowed && remember());
  };
  // Any key (a TV box's remote sends keys) or a click anywhere: the instruction need not be aimed at.
  document.addEventListener('keydown', tryUnlock);
  document.addEventListener('click', tryUnlock);
  announcer.probe();
  return announcer;
}
