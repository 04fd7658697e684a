import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EMAIL_POLICY } from '../users/sign-in-throttle.ts';
import { cookieHeaders, createUser, PASSWORD, signIn } from './console-test-support.ts';
import { ADMIN_KEY, bearer, seedApi, type TestApi, testApi } from './test-api.ts';

describe('console sign-in and sessions', () => {
  let api: TestApi;
  let keys: Awaited<ReturnType<typeof seedApi>>;
  beforeEach(async () => {
    api = await testApi();
    keys = await seedApi(api);
    await createUser(api, {
      email: 'Olga@Op.example',
      role: 'viewer',
      operatorId: keys.operatorId,
    });
  });
  afterEach(async () => {
    await api.dispose();
  });

  const session = (headers: Record<string, string>) =>
    api.app.inject({ method: 'GET', url: '/v1/session', headers });

  it('signs in with an HttpOnly SameSite=Strict cookie that the API then accepts', async () => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/v1/session',
      payload: { email: 'olga@op.example', password: PASSWORD },
    });
    expect(res.statusCode).toBe(201);
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(
      /^postamat_session=ps_[^;]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/,
    );
    const body = res.json();
    expect(body.user).toMatchObject({
      email: 'olga@op.example',
      role: 'viewer',
      operatorId: keys.operatorId,
      tenantId: null,
    });
    expect(body.expiresAt).toBe(api.clock.now() + 12 * 3_600_000);
    expect(body.token).toBeUndefined();
    const cookie = setCookie.split(';')[0] as string;
    const me = await session({ cookie });
    expect(me.statusCode).toBe(200);
    expect(me.json().user.email).toBe('olga@op.example');
    // The same API the operator's key opens: the operator's lockers.
    const lockers = await api.app.inject({
      method: 'GET',
      url: '/v1/lockers',
      headers: { cookie },
    });
    expect(lockers.json().lockers.map((l: { id: string }) => l.id)).toEqual(['L1', 'L2']);
  });

  it('gives a Bearer session token instead of a cookie when asked', async () => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/v1/session',
      payload: { email: 'olga@op.example', password: PASSWORD, bearer: true },
    });
    expect(res.headers['set-cookie']).toBeUndefined();
    const { token } = res.json();
    expect((await session(bearer(token))).json().user.role).toBe('viewer');
  });

  it('refuses a wrong password or unknown email alike, and an API key has no session', async () => {
    for (const payload of [
      { email: 'olga@op.example', password: 'wrong-password' },
      { email: 'nobody@op.example', password: PASSWORD },
    ]) {
      const res = await api.app.inject({ method: 'POST', url: '/v1/session', payload });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ error: 'bad-credentials' });
    }
    expect((await session({})).statusCode).toBe(401);
    expect((await session(bearer(keys.operatorKey))).statusCode).toBe(404);
    const bad = await api.app.inject({
      method: 'POST',
      url: '/v1/session',
      payload: { email: 'x' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toContain('body.password');
  });

  it('locks an email after 5 failures (429 with Retry-After), even for the right password', async () => {
    const attempt = (password: string) =>
      api.app.inject({
        method: 'POST',
        url: '/v1/session',
        payload: { email: 'olga@op.example', password },
      });
    for (let i = 0; i < EMAIL_POLICY.limit; i++)
      expect((await attempt('wrong')).statusCode).toBe(401);
    const locked = await attempt(PASSWORD);
    expect(locked.statusCode).toBe(429);
    expect(locked.headers['retry-after']).toBe('60');
    api.clock.advance(60_000);
    expect((await attempt(PASSWORD)).statusCode).toBe(201);
  });

  it('locks an address after 20 failures across emails', async () => {
    for (let i = 0; i < 20; i++) {
      const payload = { email: `guess${i}@op.example`, password: 'wrong' };
      expect(
        (await api.app.inject({ method: 'POST', url: '/v1/session', payload })).statusCode,
      ).toBe(401);
    }
    const res = await api.app.inject({
      method: 'POST',
      url: '/v1/session',
      payload: { email: 'olga@op.example', password: PASSWORD },
    });
    expect(res.statusCode).toBe(429);
  });

  it('sign-out revokes the session; 30 minutes idle end it too', async () => {
    const cookie = await signIn(api, 'olga@op.example');
    const out = await api.app.inject({
      method: 'DELETE',
      url: '/v1/session',
      headers: cookieHeaders(cookie),
    });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toContain('Max-Age=0');
    expect((await session({ cookie })).statusCode).toBe(401);

    const idle = await signIn(api, 'olga@op.example');
    api.clock.advance(29 * 60_000);
    expect((await session({ cookie: idle })).statusCode).toBe(200);
    api.clock.advance(29 * 60_000);
    expect((await session({ cookie: idle })).statusCode).toBe(200);
    api.clock.advance(30 * 60_000);
    expect((await session({ cookie: idle })).statusCode).toBe(401);
  });

  it('CSRF: a cookie-signed change needs the header and a same-origin Origin', async () => {
    const cookie = await signIn(api, 'olga@op.example');
    const del = (headers: Record<string, string>) =>
      api.app.inject({ method: 'DELETE', url: '/v1/session', headers });
    const noHeader = await del({ cookie });
    expect(noHeader.statusCode).toBe(403);
    expect(noHeader.json().error).toBe('csrf');
    const foreign = await del({ ...cookieHeaders(cookie), origin: 'https://evil.example' });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().message).toContain('cross-origin');
    expect((await session({ cookie })).statusCode).toBe(200);
    expect((await del(cookieHeaders(cookie))).statusCode).toBe(204);
  });

  it('admin key, operator key and admin users create, list, disable and reset users in their scope', async () => {
    const admin = await createUser(api, {
      email: 'boss@op.example',
      role: 'admin',
      operatorId: keys.operatorId,
    });
    const bossCookie = await signIn(api, admin.email);
    const asBoss = cookieHeaders(bossCookie);
    const tenantUser = await createUser(
      api,
      { email: 'a@shop.example', role: 'viewer', tenantId: keys.tenantAId },
      asBoss,
    );
    const tenantCookie = await signIn(api, tenantUser.email);
    const list = await api.app.inject({ method: 'GET', url: '/v1/admin/users', headers: asBoss });
    expect(
      list
        .json()
        .users.map((u: { email: string }) => u.email)
        .sort(),
    ).toEqual(['a@shop.example', 'boss@op.example', 'olga@op.example']);
    // A tenant's key sees its own users only, and cannot make operator users.
    const mine = await api.app.inject({
      method: 'GET',
      url: '/v1/admin/users',
      headers: bearer(keys.tenantB),
    });
    expect(mine.json().users).toEqual([]);
    const refused = await api.app.inject({
      method: 'POST',
      url: '/v1/admin/users',
      headers: bearer(keys.tenantB),
      payload: {
        email: 'x@b.example',
        name: 'X',
        password: PASSWORD,
        role: 'admin',
        operatorId: keys.operatorId,
      },
    });
    expect(refused.statusCode).toBe(403);
    // Another operator's admin sees none of them.
    const other = await api.app.inject({
      method: 'POST',
      url: '/v1/admin/operators',
      headers: bearer(ADMIN_KEY),
      payload: { name: 'Other' },
    });
    const foreign = await api.app.inject({
      method: 'POST',
      url: `/v1/admin/users/${tenantUser.id}/disable`,
      headers: bearer(other.json().apiKey),
    });
    expect(foreign.statusCode).toBe(404);

    const disable = await api.app.inject({
      method: 'POST',
      url: `/v1/admin/users/${tenantUser.id}/disable`,
      headers: asBoss,
    });
    expect(disable.json().disabledAt).toBe(api.clock.now());
    expect((await session({ cookie: tenantCookie })).statusCode).toBe(401);
    const reset = await api.app.inject({
      method: 'POST',
      url: `/v1/admin/users/${admin.id}/password`,
      headers: bearer(keys.operatorKey),
      payload: { password: 'short' },
    });
    expect(reset.statusCode).toBe(400);
    const resetOk = await api.app.inject({
      method: 'POST',
      url: `/v1/admin/users/${admin.id}/password`,
      headers: bearer(keys.operatorKey),
      payload: { password: 'a-new-long-password' },
    });
    expect(resetOk.statusCode).toBe(204);
    expect((await session({ cookie: bossCookie })).statusCode).toBe(401);
    expect(await signIn(api, admin.email, 'a-new-long-password')).toMatch(/^postamat_session=/);
  });

  it('a viewer or dispatcher cannot manage users: 403 naming the role needed', async () => {
    const viewer = await signIn(api, 'olga@op.example');
    const res = await api.app.inject({
      method: 'POST',
      url: '/v1/admin/users',
      headers: cookieHeaders(viewer),
      payload: { email: 'x@op.example', name: 'X', password: PASSWORD, role: 'admin' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().message).toBe('not allowed: this needs the admin role');
    const list = await api.app.inject({
      method: 'GET',
      url: '/v1/admin/users',
      headers: { cookie: viewer },
    });
    expect(list.statusCode).toBe(403);
  });
});
