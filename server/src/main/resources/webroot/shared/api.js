// REST calls to this server with a bearer token. Errors carry the server's JSON {error, message} and status,
// so pages can show the message and treat 401 as "log in again". Each answer's Date header feeds the
// estimate of the server's clock.
import { observeDateHeader } from './clock.js';

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message || code || `HTTP ${status}`);
    this.status = status;
    this.code = code;
  }
}

export function createApi(token) {
  async function call(method, path, body) {
    const response = await fetch(path, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const date = response.headers.get('Date');
    if (date) observeDateHeader(Date.parse(date));
    const text = await response.text();
    const json = text ? JSON.parse(text) : null;
    if (!response.ok) {
      throw new ApiError(response.status, json?.error, json?.message);
    }
    return json;
  }
  return {
    token,
    get: (path) => call('GET', path),
    post: (path, body = {}) => call('POST', path, body),
    put: (path, body) => call('PUT', path, body),
    patch: (path, body) => call('PATCH', path, body),
    delete: (path) => call('DELETE', path),
  };
}

/** Agent login: no token yet, so a plain call. */
export async function agentLogin(agentId, pin) {
  const response = await fetch('/api/v1/auth/agent', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ agentId, pin }),
  });
  const json = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new ApiError(response.status, json.error, json.message);
  }
  return json;
}
