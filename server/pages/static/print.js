/* A button marked data-print prints the page (a file, not an onclick attribute: the
   Content-Security-Policy runs no inline script). */
document.querySelectorAll('[data-print]').forEach((button) => {
  button.addEventListener('click', () => window.print());
});
