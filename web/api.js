// The dashboard's calls to the controller's JSON API (same origin, session cookie, CSRF header).

let csrfToken = '';

/** Error with the server's message and HTTP status. */
export class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

async function call(method, path, body) {
  const headers = { accept: 'application/json' };
  if (method !== 'GET') {
    headers['content-type'] = 'application/json';
    headers['x-csrf-token'] = csrfToken;
  }
  const res = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  const data = await res.json().catch(() => ({}));
  return { status: res.status, data };
}

/** Login state: `{ authenticated, passwordSet, readOnlyWithoutLogin }`; keeps the CSRF token for later posts. */
export async function session() {
  const { status, data } = await call('GET', '/api/session');
  if (status !== 200) throw new ApiError(status, data.error ?? `HTTP ${status}`, data);
  csrfToken = data.csrfToken;
  return data;
}

/** Logs in; throws ApiError with the server's reason (wrong password, too many attempts, no password set). */
export async function login(password) {
  const { status, data } = await call('POST', '/api/login', { password });
  if (status !== 200) throw new ApiError(status, data.error ?? `HTTP ${status}`, data);
}

export async function logout() {
  await call('POST', '/api/logout', {});
}

/** Every enclosure's view; throws ApiError (401 when the session ended). */
export async function enclosures() {
  const { status, data } = await call('GET', '/api/enclosures');
  if (status !== 200) throw new ApiError(status, data.error ?? `HTTP ${status}`, data);
  return data;
}

/** History points and events of one enclosure for `range` (`24h`, `7d`, `30d`). */
export async function history(id, range) {
  const { status, data } = await call('GET', `/api/enclosures/${encodeURIComponent(id)}/history?range=${range}`);
  if (status !== 200) throw new ApiError(status, data.error ?? `HTTP ${status}`, data);
  return data;
}

/**
 * Sends a command (`path`: `mode`, `setpoint`, `setpoint/clear`, `output/<id>`, `feed`, `acknowledge`)
 * and returns the controller's result document `{ ok, final, outcome, detail?, reason? }`.
 */
export async function command(id, path, payload) {
  const { status, data } = await call('POST', `/api/enclosures/${encodeURIComponent(id)}/commands/${path}`, payload ?? {});
  if (data && typeof data.ok === 'boolean') return data;
  throw new ApiError(status, data.error ?? `HTTP ${status}`, data);
}
