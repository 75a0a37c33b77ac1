// The board tells the server whether its browser lets it play sound (body[data-sound], which sound.js sets),
// so that the console's device list shows a board nobody has clicked on yet as unable to speak the calls.
const REPORTED = {on: 'on', blocked: 'off'};

/** Report the board's sound state on its /display socket now, on each change and after each reconnect. */
export function reportSound(socket) {
  let told = null;
  const tell = () => {
    const sound = REPORTED[document.body.dataset.sound];
    if (!sound || sound === told || !socket.connected) return;
    told = sound;
    socket.emit('sound_state', {sound});
  };
  new MutationObserver(tell).observe(document.body, {attributes: true, attributeFilter: ['data-sound']});
  socket.on('connect', () => { told = null; tell(); });
  tell();
}
