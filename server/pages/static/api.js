// The one way the pages call the server: same-origin (the staff session or the device's cookie), the
// CSRF token from the page's <meta>, JSON in and out, and every failure an ApiError whose message is
// the server's own or, when it has none, one in the page's language (strings.js).
import {fill, strings} from './strings.js';

const csrf = document.querySelector('meta[name="csrf-token"]');
// The server's refusals in the page's language, not the browser's (an English Chrome on a Vietnamese page).
const language = document.documentElement.lang;
let serverOffset = 0;   // server clock minus ours, so timers agree with the server's call times

export class ApiError extends Error {
  constructor(code, message, status, details = {}) {
    super(message);
    this.code = code;
    this.status = status;
    this.details = details;   // the server's whole error: its code and anything it lists (bookings in the way)
  }
}

/** Now by the server's clock, as its last answer's Date header told it. */
export function serverNow() {
  return Date.now() + serverOffset;
}

/** The message for a refused call: a page with staff logins says plainly that the session ended; a page
 * without a text for a bare HTTP error (strings.http_failed) says the network failed. */
function refusal(response, error) {
  if (response.status === 401 && strings.session_expired) return strings.session_expired;
  if (error.message) return error.message;
  return strings.http_failed ? fill(strings.http_failed, {status: response.status}) : strings.network_error;
}

/** Call the server with a JSON body (or a Blob: a file as it is; or a FormData: a form with files); resolves
 * to its JSON answer (a Blob with {blob: true}); rejects with an ApiError. */
export async function api(method, path, body, {blob = false} = {}) {
  const headers = blob ? {} : {'Accept': 'application/json'};
  if (csrf) headers['X-CSRFToken'] = csrf.content;
  if (language) headers['Accept-Language'] = language;
  const options = {method, headers, credentials: 'same-origin', cache: 'no-store'};
  if (body instanceof FormData) {
    options.body = body;   // a form with files: the browser writes the multipart type and its boundary
  } else if (body instanceof Blob) {   // a file the user chose, sent as it is (the server reads its bytes)
    headers['Content-Type'] = 'application/octet-stream';
    options.body = body;
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    options.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, options);
  } catch (error) {
    throw new ApiError('network', strings.network_error, 0);
  }
  const date = Date.parse(response.headers.get('Date') || '');
  if (!Number.isNaN(date)) serverOffset = date - Date.now();
  if (response.ok && blob) return response.blob();
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    const error = (data && data.error) || {};
    throw new ApiError(error.code || 'http_' + response.status, refusal(response, error), response.status, error);
  }
  return data;
}
