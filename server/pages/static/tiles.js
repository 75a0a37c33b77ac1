/* The kiosk's service tiles: laid out for the screen's shape, and their text made small enough that a
   long field name ("Đất đai - Xây dựng - Môi trường") and its description never clip, on any screen. */

const SMALLEST = 0.5;   // the text shrinks in steps, down to half its size
const STEP = 0.05;

/** Columns for the number of tiles and the screen's shape; a shorter last row is spread over the width. */
export function layoutServices() {
  const buttons = document.querySelectorAll('.service');
  const count = buttons.length;
  const portrait = window.innerHeight > window.innerWidth;
  const cols = portrait ? (count <= 5 ? 1 : 2) : (count <= 4 ? 2 : count <= 9 ? 3 : 4);
  const lastRow = count - (count % cols || cols);
  // A 12-column grid: a shorter last row is spread over the whole width.
  buttons.forEach((button, index) => {
    button.style.gridColumn = 'span ' + 12 / (index < lastRow ? cols : count - lastRow);
  });
}

/** Whether a tile's text runs past its edges: each part is measured, as a centred column overflows upwards too
    (a part's own height is not: two lines of a name measure a pixel over their box, which clips nothing). */
export function overflows(tile) {
  const box = tile.getBoundingClientRect();
  const style = getComputedStyle(tile);
  const inner = {top: box.top + parseFloat(style.paddingTop), bottom: box.bottom - parseFloat(style.paddingBottom),
                 left: box.left + parseFloat(style.paddingLeft), right: box.right - parseFloat(style.paddingRight)};
  if (tile.scrollWidth > tile.clientWidth || tile.scrollHeight > tile.clientHeight) return true;
  return [...tile.children].some((part) => {
    const rect = part.getBoundingClientRect();
    if (!rect.height) return false;
    return rect.top < inner.top - 0.5 || rect.bottom > inner.bottom + 0.5 || rect.left < inner.left - 0.5 ||
      rect.right > inner.right + 0.5 || part.scrollWidth > part.clientWidth;
  });
}

/** Shrink the tiles' text (all alike, so they stay a set) until every tile shows all of its text. */
export function fitServices() {
  const grid = document.getElementById('services');
  if (!grid || grid.offsetParent === null) return;     // hidden: measured again when the start screen shows
  const tiles = [...grid.querySelectorAll('.service')];
  let scale = 1;
  grid.style.setProperty('--tile-text', scale);
  while (scale > SMALLEST && tiles.some(overflows)) {
    scale = Math.round((scale - STEP) * 100) / 100;
    grid.style.setProperty('--tile-text', scale);
  }
}
