// The live connection every page keeps: the vendored Socket.IO client over WebSocket only, with the
// page told each time the link comes or goes.
import {io} from './vendor/socket.io.esm.min.js';

/** Connect to `namespace`. handlers: {event: function}; onLink(up, reason) on every connect and loss.
 * retryRefusedMs: a refused connection (a server restarting, a device not yet accepted) is not retried
 * by Socket.IO itself, so try again after that long; rejoin: come back when the server dropped us.
 * Other options (auth, reconnectionDelay...) go to Socket.IO as they are. */
export function connect(namespace, {handlers = {}, onLink = () => {}, retryRefusedMs = 0, rejoin = false,
                                    ...options} = {}) {
  const socket = io(namespace, {...options, transports: ['websocket']});
  socket.on('connect', () => onLink(true));
  socket.on('disconnect', (reason) => {
    onLink(false, reason);
    if (rejoin && reason === 'io server disconnect') socket.connect();
  });
  socket.on('connect_error', () => {
    onLink(false);
    if (retryRefusedMs && !socket.active) setTimeout(() => socket.connect(), retryRefusedMs);
  });
  for (const [event, handler] of Object.entries(handlers)) socket.on(event, handler);
  return socket;
}
