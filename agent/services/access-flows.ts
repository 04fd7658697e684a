import { PICKUP_CODE_PATTERN, PostamatError } from '../../protocol/index.ts';
import { isLocked, lockAfterWrongEntry, triesLeftAfter } from '../domain/keypad-lockout.ts';
import type { CredentialRow } from '../store/access-repo.ts';
import type { FlowContext } from './flow-context.ts';
import { fail, type KioskResult } from './kiosk-result.ts';
import type { Session } from './sessions.ts';

const PIN_PATTERN = /^[0-9]{4,8}$/;

/** Refuses keypad entry while locked out. */
export function assertKeypadOpen(ctx: FlowContext): void {
  const until = ctx.store.access.metaNumber('keypad_locked_until');
  if (isLocked(until, ctx.clock.now())) {
    throw new PostamatError('keypad-locked', 'too many wrong codes; try again later', { until });
  }
}

/** What the person is told after a wrong entry: tries left, and the lock end once locked. */
export interface WrongEntry {
  readonly triesLeft: number;
  readonly until?: number;
}

/** A wrong code or PIN: counted, and the fifth in the window locks the keypad (audited). */
export function recordWrongEntry(ctx: FlowContext, kind: string): WrongEntry {
  const now = ctx.clock.now();
  return ctx.store.transaction((): WrongEntry => {
    const recent = ctx.store.access.wrongCodesSince(now - ctx.keypad.windowMs);
    ctx.store.access.addWrongCode(now, kind, now - ctx.keypad.windowMs);
    ctx.store.emit('keypad.wrong-code', { kind });
    const lockUntil = lockAfterWrongEntry(recent, now, ctx.keypad);
    if (lockUntil !== undefined) {
      ctx.store.access.setMetaNumber('keypad_locked_until', lockUntil);
      ctx.store.emit('keypad.locked', { until: lockUntil, kind });
      ctx.doors.raiseAlarm('keypad-locked', null, null, { until: lockUntil });
      return { triesLeft: 0, until: lockUntil };
    }
    return { triesLeft: triesLeftAfter(recent, now, ctx.keypad) };
  });
}

export function assertCodeFormat(code: string): void {
  if (!PICKUP_CODE_PATTERN.test(code)) {
    throw new PostamatError(
      'bad-code-format',
      `code must be 6 digits, got ${code.length} characters`,
      {
        field: 'code',
      },
    );
  }
}

function usable(c: CredentialRow | undefined, role: CredentialRow['role'], now: number) {
  return (
    c !== undefined && c.role === role && !c.revoked && c.validFrom <= now && now < c.validUntil
  );
}

/** Courier login with badge + PIN, or with a PIN (daily code) alone. */
export function courierLogin(
  ctx: FlowContext,
  input: { badge?: string; pin: string },
): KioskResult<{ session: Session }> {
  assertKeypadOpen(ctx);
  if (!PIN_PATTERN.test(input.pin)) return fail('bad-code-format', 'PIN must be 4–8 digits');
  const hash =
    input.badge !== undefined
      ? ctx.hash('courier-badge', input.badge, input.pin)
      : ctx.hash('courier-daily-code', input.pin);
  const cred = ctx.store.access.credentialBySecret(hash);
  if (!usable(cred, 'courier', ctx.clock.now()) || !cred) {
    const wrong = recordWrongEntry(ctx, 'courier-login');
    return fail('not-authorized', 'unknown or expired courier credential', { ...wrong });
  }
  return { ok: true, session: openSession(ctx, cred) };
}

export function technicianLogin(ctx: FlowContext, pin: string): KioskResult<{ session: Session }> {
  assertKeypadOpen(ctx);
  if (!PIN_PATTERN.test(pin)) return fail('bad-code-format', 'PIN must be 4–8 digits');
  const cred = ctx.store.access.credentialBySecret(ctx.hash('technician-pin', pin));
  if (!usable(cred, 'technician', ctx.clock.now()) || !cred) {
    const wrong = recordWrongEntry(ctx, 'technician-login');
    return fail('not-authorized', 'unknown or expired technician PIN', { ...wrong });
  }
  return { ok: true, session: openSession(ctx, cred) };
}

function openSession(ctx: FlowContext, cred: CredentialRow): Session {
  ctx.log.info({ event: 'login', role: cred.role, holderId: cred.holderId });
  return ctx.sessions.open({
    role: cred.role,
    holderId: cred.holderId,
    tenantId: cred.tenantId,
    credentialId: cred.id,
  });
}

export function requireSession(ctx: FlowContext, id: string, role: Session['role']): Session {
  const s = ctx.sessions.get(id, role);
  if (!s) throw new PostamatError('not-authorized', `no ${role} session; log in again`);
  return s;
}
