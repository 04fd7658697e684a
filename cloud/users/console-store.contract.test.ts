import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock, TEST_ENGINES, type TestStore } from '../store/test-stores.ts';
import { EMAIL_POLICY, lockedUntil } from './sign-in-throttle.ts';

const LIMITS = { idleMs: 30 * 60_000, absoluteMs: 12 * 3_600_000 };
const MIN = 60_000;

describe.each(TEST_ENGINES)('store contract ($engine): console users and sessions', ({ open }) => {
  let t: TestStore;
  let clock: FakeClock;
  beforeEach(async () => {
    clock = new FakeClock();
    t = await open(clock);
  });
  afterEach(async () => {
    await t.dispose();
  });

  async function user(email = 'Ops@Example.net') {
    const { operator } = await t.store.createOperator('Op');
    return t.store.createUser({
      email,
      name: 'Olga',
      passwordHash: 'scrypt$1024$8$1$AA==$AA==',
      role: 'dispatcher',
      scope: { operatorId: operator.id },
      createdBy: 'admin',
    });
  }

  it('keeps users with a lower-cased unique email, scoped to one operator or tenant', async () => {
    const u = await user();
    expect(u).toMatchObject({ email: 'ops@example.net', role: 'dispatcher', tenantId: null });
    expect((await t.store.userByEmail('OPS@example.net'))?.id).toBe(u.id);
    await expect(user('ops@EXAMPLE.net')).rejects.toMatchObject({ code: 'duplicate' });
    await expect(
      t.store.createUser({
        email: 'x@example.net',
        name: 'X',
        passwordHash: 'h',
        role: 'viewer',
        scope: { tenantId: 'tn_missing' },
        createdBy: 'admin',
      }),
    ).rejects.toMatchObject({ code: 'not-found', details: { field: 'tenantId' } });
  });

  it('sessions end idle, at their absolute end, on revoke', async () => {
    const u = await user();
    const s = await t.store.createSession(u.id, LIMITS);
    expect(await t.store.listUsers(undefined)).toHaveLength(1);
    expect((await t.store.sessionOf(s.token, LIMITS))?.user.id).toBe(u.id);
    expect(await t.store.sessionOf(`${s.token.slice(0, -1)}x`, LIMITS)).toBeUndefined();
    // Active every 20 minutes: the idle limit (30) never bites, the absolute one (12 h) does.
    for (let at = 20; at < 12 * 60; at += 20) {
      clock.advance(20 * MIN);
      expect(await t.store.sessionOf(s.token, LIMITS), `at ${at} min`).toBeDefined();
    }
    clock.advance(20 * MIN);
    expect(await t.store.sessionOf(s.token, LIMITS)).toBeUndefined();

    const idle = await t.store.createSession(u.id, LIMITS);
    clock.advance(30 * MIN);
    expect(await t.store.sessionOf(idle.token, LIMITS)).toBeUndefined();

    const revoked = await t.store.createSession(u.id, LIMITS);
    await t.store.revokeSession(revoked.sessionId);
    expect(await t.store.sessionOf(revoked.token, LIMITS)).toBeUndefined();
  });

  it('disabling a user or resetting its password ends its sessions', async () => {
    const u = await user();
    const a = await t.store.createSession(u.id, LIMITS);
    await t.store.setUserDisabled(u.id, true);
    expect(await t.store.sessionOf(a.token, LIMITS)).toBeUndefined();
    await t.store.setUserDisabled(u.id, false);
    expect(await t.store.sessionOf(a.token, LIMITS)).toBeUndefined();
    const b = await t.store.createSession(u.id, LIMITS);
    expect(await t.store.sessionOf(b.token, LIMITS)).toBeDefined();
    await t.store.resetPassword(u.id, 'scrypt$1024$8$1$BB==$BB==');
    expect(await t.store.sessionOf(b.token, LIMITS)).toBeUndefined();
    expect((await t.store.userByEmail(u.email))?.password_hash).toContain('BB==');
    await expect(t.store.setUserDisabled('us_missing', true)).rejects.toMatchObject({
      code: 'not-found',
    });
  });

  it('counts failed sign-ins in a window and locks a key past the limit, longer each time', async () => {
    const key = 'email:ops@example.net';
    for (let i = 1; i < EMAIL_POLICY.limit; i++)
      await t.store.recordSignInFailure(key, EMAIL_POLICY);
    expect(await t.store.signInLockedUntil([key, 'ip:1.2.3.4'])).toBe(0);
    await t.store.recordSignInFailure(key, EMAIL_POLICY);
    expect(await t.store.signInLockedUntil([key])).toBe(clock.now() + EMAIL_POLICY.lockMs);
    await t.store.recordSignInFailure(key, EMAIL_POLICY);
    expect(await t.store.signInLockedUntil([key])).toBe(clock.now() + 2 * EMAIL_POLICY.lockMs);
    clock.advance(2 * EMAIL_POLICY.lockMs);
    expect(await t.store.signInLockedUntil([key])).toBe(0);
    // Past the window the count starts again.
    clock.advance(EMAIL_POLICY.windowMs);
    await t.store.recordSignInFailure(key, EMAIL_POLICY);
    expect(await t.store.signInLockedUntil([key])).toBe(0);
    await t.store.clearSignInFailures(key);
  });
});

describe('sign-in lock length', () => {
  it('doubles past the limit and stops at the maximum', () => {
    const p = EMAIL_POLICY;
    expect(lockedUntil(p.limit - 1, 0, p)).toBe(0);
    expect(lockedUntil(p.limit, 0, p)).toBe(p.lockMs);
    expect(lockedUntil(p.limit + 3, 0, p)).toBe(8 * p.lockMs);
    expect(lockedUntil(p.limit + 40, 0, p)).toBe(p.maxLockMs);
  });
});
