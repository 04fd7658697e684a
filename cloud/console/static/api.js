/**
 * The cloud's /v1 API from the page: the session cookie goes with every call (same origin), so
 * the console uses the same API as tenants' systems, with the same checks on the server.
 */

export class ApiError extends Error {
  /** @param {number} status @param {string} code @param {string} message @param {unknown} [details] */
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** @type {(error: ApiError) => void} */
let onUnauthorized = () => {};

/** Where a 401 goes (the app shows the sign-in). @param {(error: ApiError) => void} handler */
export function whenUnauthorized(handler) {
  onUnauthorized = handler;
}

/**
 * @param {string} method @param {string} path @param {unknown} [body]
 * @returns {Promise<any>}
 */
export async function api(method, path, body) {
  /** @type {RequestInit} */
  const init = { method, credentials: 'same-origin', headers: { accept: 'application/json' } };
  // The cloud's CSRF rule: a cookie-signed change must carry this header (a foreign form cannot).
  if (method !== 'GET') init.headers = { ...init.headers, 'x-postamat-csrf': '1' };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { ...init.headers, 'content-type': 'application/json' };
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch {
    throw new ApiError(0, 'network', 'no answer from the cloud');
  }
  const text = await res.text();
  const data = text === '' ? null : parse(text);
  if (res.ok) return data;
  const error = new ApiError(
    res.status,
    String(data?.code ?? `http-${res.status}`),
    String(data?.message ?? res.statusText),
    data?.details,
  );
  if (res.status === 401 && !path.startsWith('/v1/session')) onUnauthorized(error);
  throw error;
}

/** @param {string} text */
function parse(text) {
  try {
    return JSON.parse(text);
  } catch {
    return { code: 'bad-answer', message: text.slice(0, 200) };
  }
}

export const get = (/** @type {string} */ path) => api('GET', path);
export const post = (/** @type {string} */ path, /** @type {unknown} */ body = {}) =>
  api('POST', path, body);

/** @param {Record<string, string | number | undefined | null>} params */
export function query(params) {
  const pairs = Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '');
  if (pairs.length === 0) return '';
  return `?${new URLSearchParams(pairs.map(([k, v]) => [k, String(v)])).toString()}`;
}
