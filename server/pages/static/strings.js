// The page's texts in its language: the server renders them from its translation catalog into
// <script type="application/json" id="strings"> (base.html), and every script reads them from here.

const node = document.getElementById('strings');

export const strings = node ? JSON.parse(node.textContent) : {};

/** Put values into a translated template: fill('Đã gọi số {number}', {number: 'A001'}). */
export function fill(template, values) {
  return String(template).replace(/\{(\w+)\}/g, (whole, key) => (key in values ? values[key] : whole));
}
