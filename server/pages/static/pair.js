// The /pair page of a new TV or kiosk: show the code the server gives this browser, ask every two seconds
// whether an admin has typed it, and once paired open the device's page (the answer set its device cookie).
import {api} from './api.js';
import {fill, strings} from './strings.js';

const CHECK_MS = 2000;
const $ = (id) => document.getElementById(id);
let expiresAt = 0;

function showCode(code) {
  const node = $('code');
  node.textContent = code.slice(0, 3) + ' ' + code.slice(3);
  node.dataset.code = code;
}

function countdown() {
  if (!expiresAt) return;
  const left = Math.max(0, Math.round((expiresAt - Date.now()) / 1000));
  $('expires').textContent = fill(strings.expires, {time: Math.floor(left / 60) + ':' + String(left % 60).padStart(2, '0')});
}

async function check() {
  try {
    const state = await api('POST', '/pair/check');
    $('problem').hidden = true;
    if (state.paired) {
      $('paired').textContent = strings.paired;
      $('paired').hidden = false;
      location.replace(state.next);
      return;
    }
    showCode(state.code);
    expiresAt = Date.now() + state.expires_in * 1000;
    countdown();
  } catch (error) {
    if (error.code === 'csrf_failed') {
      location.reload();   // the page's form token is stale (a server restored from a backup): take a new one
      return;
    }
    $('problem').textContent = error.code === 'network' ? strings.network_error : error.message;
    $('problem').hidden = false;
  }
  setTimeout(check, CHECK_MS);
}

setInterval(countdown, 1000);
check();
