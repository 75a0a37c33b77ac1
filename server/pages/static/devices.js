// The console's devices: each board's and kiosk's link, last sighting and sound follow live (device_changed,
// staff room of /display); the pairing form offers the board choice for a TV, and for a kiosk what it is used
// as (taking tickets, with its printer, or a counter's rating tablet).
import {connect} from './socket.js';
import {strings} from './strings.js';

const LINK_BADGE = {connected: 'on', offline: 'off', waiting: 'pause'};
const SOUND_BADGE = {on: 'on', off: 'off'};

function badge(node, kind, text) {
  node.className = 'badge ' + kind;
  node.textContent = text;
}

function showDevice(device) {
  const row = document.querySelector('tr[data-device="' + Number(device.id) + '"]');
  if (!row) return;   // paired from elsewhere: the list shows it at the next reload
  const link = device.waiting ? 'waiting' : (device.connected ? 'connected' : 'offline');
  badge(row.querySelector('[data-link]'), LINK_BADGE[link], strings.device_link[link]);
  row.querySelector('[data-seen]').textContent = device.seen || '—';
  const sound = device.sound in strings.sound_state ? device.sound : 'unknown';
  badge(row.querySelector('[data-sound]'), SOUND_BADGE[sound] || 'status-unknown', strings.sound_state[sound]);
}

function followRole(form) {
  const role = form.elements.role.value;
  const tablet = role === 'kiosk' && Boolean(form.elements.counter && form.elements.counter.value);
  form.querySelectorAll('[data-pair-role]').forEach((label) => {
    // A kiosk used as a counter's rating tablet prints nothing: no printer to choose.
    const shown = label.dataset.pairRole === role && !(tablet && 'ticketKiosk' in label.dataset);
    label.hidden = !shown;
    label.querySelectorAll('select').forEach((select) => { select.disabled = !shown; });
  });
}

const form = document.getElementById('pair-device');
if (form) {
  form.elements.role.addEventListener('change', () => followRole(form));
  if (form.elements.counter) form.elements.counter.addEventListener('change', () => followRole(form));
  followRole(form);
}
if (document.getElementById('device-list')) {
  connect('/display', {rejoin: true, retryRefusedMs: 5000, handlers: {device_changed: (event) => showDevice(event.device)}});
}
