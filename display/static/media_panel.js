// The board's media panel: the office's images and short videos, played in order, in a loop, between calls.
// It is a box of its own in the board's grid (board.css), so it never covers the called number, the counters
// or the lists. Videos are always muted: a call's voice is the only sound a board makes. While a call flashes,
// the panel dims and its video pauses, so nothing in it competes with the number.

const STALL_MS = 15000;   // a video that neither plays on nor fails for this long is skipped
const RETRY_MS = 1000;    // after a file that would not load, the next one

/** Start the panel in its <section>; `onLayout` is called when the panel appears or goes (the grid changed). */
export function startMedia(panel, onLayout) {
  const stage = panel.querySelector('.b-media-stage');
  const caption = panel.querySelector('.b-media-title');
  let items = [];
  let index = -1;
  let timer = null;
  let listed = '';
  let calmTimer = null;

  const wait = (ms, then) => {
    clearTimeout(timer);
    timer = setTimeout(then, ms);
  };

  function next() {
    clearTimeout(timer);
    if (!items.length) {
      stage.replaceChildren();
      caption.textContent = '';
      return;
    }
    index = (index + 1) % items.length;
    play(items[index]);
  }

  function play(item) {
    caption.textContent = item.title;
    if (item.kind === 'video') {
      playVideo(item);
      return;
    }
    const shown = stage.querySelector('img');
    if (shown && shown.dataset.url === item.url) {   // the only image: it stays, no flicker
      wait(item.seconds * 1000, next);
      return;
    }
    const image = new Image();
    image.className = 'b-media-item';
    image.alt = item.title;
    image.dataset.url = item.url;
    image.addEventListener('load', () => {
      stage.replaceChildren(image);
      wait(item.seconds * 1000, next);
    });
    image.addEventListener('error', () => wait(RETRY_MS, next));
    image.src = item.url;
  }

  function playVideo(item) {
    const video = document.createElement('video');
    video.className = 'b-media-item';
    video.muted = true;
    video.defaultMuted = true;
    video.playsInline = true;
    video.autoplay = true;
    video.loop = items.length === 1;
    video.preload = 'auto';
    video.dataset.url = item.url;
    video.addEventListener('timeupdate', () => wait(STALL_MS, next));
    video.addEventListener('ended', next);
    video.addEventListener('error', () => wait(RETRY_MS, next));
    video.src = item.url;
    stage.replaceChildren(video);
    wait(STALL_MS, next);
    if (!panel.classList.contains('calling')) video.play().catch(() => {});   // a refusal: the timer moves on
  }

  /** The board's list (snapshot or media_changed): the panel shows, hides or goes on with the item it plays. */
  function show(list) {
    const key = JSON.stringify(list || []);
    if (key === listed) return;
    listed = key;
    const current = items[index];
    items = list || [];
    const had = !panel.hidden;
    panel.hidden = !items.length;
    document.getElementById('board').classList.toggle('has-media', items.length > 0);
    if (had !== !panel.hidden) onLayout();
    index = current ? items.findIndex((item) => item.url === current.url) : -1;
    if (index >= 0) {
      const video = stage.querySelector('video');
      if (video) video.loop = items.length === 1;
      return;   // the item playing stays on; its timer goes on
    }
    next();
  }

  /** A call is flashing for `ms`: the panel steps back until it is over. */
  function calling(ms) {
    panel.classList.add('calling');
    const video = stage.querySelector('video');
    if (video) {
      video.pause();
      clearTimeout(timer);   // a paused video is not a stalled one
    }
    clearTimeout(calmTimer);
    calmTimer = setTimeout(() => {
      panel.classList.remove('calling');
      const paused = stage.querySelector('video');
      if (!paused) return;
      wait(STALL_MS, next);
      paused.play().catch(() => {});
    }, ms);
  }

  return {show, calling};
}
