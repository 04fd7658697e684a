/** The kiosk's own JSON API on the agent; every answer is `{ ok, ... }` or `{ ok: false, code }`. */

/** @param {string} path @param {Record<string, unknown>} [body] */
export async function post(path, body = {}) {
  return call(path, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });
}

/** @param {string} path */
export async function get(path) {
  return call(path, { method: 'GET' });
}

/** @param {string} path @param {RequestInit} init */
async function call(path, init) {
  try {
    const res = await fetch(path, init);
    return await res.json();
  } catch {
    // The agent is on this board: no answer means it is restarting.
    return { ok: false, code: 'timeout', message: 'no answer from the agent' };
  }
}
