// Spoken callouts for the board: a chime, then the server's WAV (voice pack or eSpeak NG),
// else the browser's Vietnamese voice, else the chime alone. One announcement at a time.
import {api} from '../../static/api.js';

const MAX_BACKLOG = 10;      // a burst of calls must not keep the hall listening for minutes
const GAP_MS = 700;          // pause between repeats of one callout
const STUCK_MS = 20000;      // an audio device that never reports "ended" must not stop the queue
const STALE_MS = 60000;      // once sound is turned on, older calls waiting for it are not said any more

const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function blockedError() {
  const error = new Error('autoplay blocked');
  error.name = 'NotAllowedError';
  return error;
}

export class Announcer {
  /** options: {chimeUrl, speechUrl, volume (0-100), onBlocked(), onAllowed()} */
  constructor(options) {
    this.options = options;
    this.volume = Math.max(0, Math.min(100, Number(options.volume) || 0)) / 100;
    this.queue = [];
    this.busy = false;
    this.blocked = false;
    this.serverVoice = true;
    if (window.speechSynthesis) {
      // Chromium fills the voice list asynchronously; asking once starts the loading.
      window.speechSynthesis.getVoices();
    }
  }

  /** Queue {speech, repeat} from a ticket_called event. */
  enqueue(announcement) {
    if (!announcement || !announcement.speech) return;
    this.queue.push(Object.assign({queuedAt: Date.now()}, announcement));
    if (this.queue.length > MAX_BACKLOG) this.queue.splice(0, this.queue.length - MAX_BACKLOG);
    this.next();
  }

  /** After a reconnect the server may have gained a voice: ask it again. */
  reset() {
    this.serverVoice = true;
  }

  /** Called from a key press or a click: a silent try tells whether the browser now lets the page play
   * sound (not every key counts as a gesture); if so, what was waiting is said. Resolves to that answer. */
  unlock() {
    return this.silentTry().then((allowed) => {
      if (allowed) {
        this.blocked = false;
        this.queue = this.queue.filter((item) => Date.now() - item.queuedAt < STALE_MS);
        this.options.onAllowed?.();
        this.next();
      }
      return allowed;
    });
  }

  /** Find out at once whether the browser refuses sound without a click. */
  probe() {
    this.silentTry().then((allowed) => (allowed ? this.options.onAllowed?.() : this.block()));
  }

  /** Play the chime at volume 0: false only when the browser refuses sound without a gesture. */
  silentTry() {
    const audio = new Audio(this.options.chimeUrl);
    audio.volume = 0;
    return audio.play().then(() => { audio.pause(); return true; })
      .catch((error) => error.name !== 'NotAllowedError');
  }

  block() {
    if (!this.blocked) {
      this.blocked = true;
      this.options.onBlocked();
    }
  }

  async next() {
    if (this.busy || this.blocked || !this.queue.length) return;
    this.busy = true;
    try {
      await this.say(this.queue[0]);
      this.queue.shift();
    } catch (error) {
      if (error.name === 'NotAllowedError') this.block();
      else this.queue.shift();
    } finally {
      this.busy = false;
    }
    if (!this.blocked) this.next();
  }

  async say(item) {
    const speech = this.fetchSpeech(item.speech);  // fetched while the chime rings
    let url = null;
    try {
      await this.play(this.options.chimeUrl);
      url = await speech;
      const times = Math.max(1, Math.min(5, Number(item.repeat) || 1));
      for (let i = 0; i < times; i += 1) {
        if (i) await wait(GAP_MS);
        if (url) await this.play(url);
        else await this.speak(item.speech);
      }
    } finally {
      speech.then((made) => made && URL.revokeObjectURL(made));
    }
  }

  async fetchSpeech(text) {
    if (!this.serverVoice) return null;
    try {
      // POSTed: a callout may carry a name, which must not travel in a URL.
      return URL.createObjectURL(await api('POST', this.options.speechUrl, {text}, {blob: true}));
    } catch (error) {
      if (error.code === 'no_voice_engine') this.serverVoice = false;
      return null;  // no voice there, or the server is unreachable: the browser's voice still can speak
    }
  }

  play(url) {
    return new Promise((resolve, reject) => {
      const audio = new Audio(url);
      audio.volume = this.volume;
      let guard = setTimeout(() => finish(), STUCK_MS);
      const finish = () => { clearTimeout(guard); resolve(); };
      audio.onended = finish;
      audio.onerror = finish;
      audio.onloadedmetadata = () => {
        if (Number.isFinite(audio.duration)) {
          clearTimeout(guard);
          guard = setTimeout(finish, audio.duration * 1000 + 1500);
        }
      };
      audio.play().catch((error) => {
        clearTimeout(guard);
        if (error.name === 'NotAllowedError') reject(error);
        else resolve();
      });
    });
  }

  speak(text) {
    const synth = window.speechSynthesis;
    const voice = synth && synth.getVoices().find((v) => /^vi([-_]|$)/i.test(v.lang));
    if (!voice) return Promise.resolve();  // no Vietnamese voice here: the chime was all
    return new Promise((resolve, reject) => {
      const utterance = new SpeechSynthesisUtterance(text);
      utterance.voice = voice;
      utterance.lang = voice.lang;
      utterance.volume = this.volume;
      utterance.rate = 0.9;
      const guard = setTimeout(resolve, STUCK_MS);
      utterance.onend = () => { clearTimeout(guard); resolve(); };
      utterance.onerror = (event) => {
        clearTimeout(guard);
        if (event.error === 'not-allowed') reject(blockedError());
        else resolve();
      };
      synth.speak(utterance);
    });
  }
}
