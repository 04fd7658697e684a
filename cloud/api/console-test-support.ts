import { expect } from 'vitest';
import { ADMIN_KEY, bearer, seedApi, type TestApi } from './test-api.ts';

export const PASSWORD = 'correct-horse-battery';

/** Headers of a console page's fetch: the session cookie and the CSRF header, same origin. */
export const cookieHeaders = (cookie: string) => ({
  cookie,
  'x-postamat-csrf': '1',
  origin: 'http://localhost:80',
  host: 'localhost:80',
});

/** Signs in through the API and returns the `name=value` of the session cookie. */
export async function signIn(api: TestApi, email: string, password = PASSWORD): Promise<string> {
  const res = await api.app.inject({
    method: 'POST',
    url: '/v1/session',
    payload: { email, password },
  });
  expect(res.statusCode, res.body).toBe(201);
  const setCookie = String(res.headers['set-cookie']);
  return setCookie.split(';')[0] as string;
}

export async function createUser(
  api: TestApi,
  body: { email: string; role: string; operatorId?: string; tenantId?: string },
  headers: Record<string, string> = bearer(ADMIN_KEY),
) {
  const res = await api.app.inject({
    method: 'POST',
    url: '/v1/admin/users',
    headers,
    payload: { name: body.email.split('@')[0], password: PASSWORD, ...body },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; email: string };
}

/**
 * seedApi's network, plus a signed-in console user of each role at the operator and a viewer
 * and a dispatcher at tenants A and B. Returns the ids and every session cookie.
 */
export async function seedConsole(api: TestApi) {
  const keys = await seedApi(api);
  const ids = { operatorId: keys.operatorId, tenantA: keys.tenantAId, tenantB: keys.tenantBId };
  const cookies: Record<string, string> = {};
  for (const role of ['viewer', 'dispatcher', 'admin']) {
    await createUser(api, { email: `${role}@op.example`, role, operatorId: ids.operatorId });
    cookies[role] = await signIn(api, `${role}@op.example`);
  }
  for (const [tenant, tenantId] of [
    ['a', ids.tenantA],
    ['b', ids.tenantB],
  ] as const) {
    for (const role of ['viewer', 'dispatcher']) {
      await createUser(api, { email: `${role}@${tenant}.example`, role, tenantId });
      cookies[`${tenant}-${role}`] = await signIn(api, `${role}@${tenant}.example`);
    }
  }
  return { keys, ids, cookies };
}
