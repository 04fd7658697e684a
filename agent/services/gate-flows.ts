import { PostamatError } from '../../protocol/index.ts';
import { checkPass } from '../domain/pass-check.ts';
import { assertKeypadOpen, recordWrongEntry } from './access-flows.ts';
import type { FlowContext } from './flow-context.ts';
import { fail, type KioskResult } from './kiosk-result.ts';

/** An access point (gate, barrier, entrance door) this locker drives through a relay channel. */
export interface GateConfig {
  readonly accessPointId: string;
  /** A board of this locker's lock bus, `${bus}:${address}`. */
  readonly boardId: string;
  readonly channel: number;
}

const DAILY_CODE = /^[0-9]{8}$/;

/**
 * A courier types their daily code at the gate's keypad. The pass is checked offline against
 * what the cloud pushed ahead; every attempt, let through or refused, is an audited
 * `gate.passage` event. The relay pulses only after that event is committed.
 */
export async function gateEnter(
  ctx: FlowContext,
  gates: ReadonlyMap<string, GateConfig>,
  input: { accessPointId: string; code: string },
): Promise<KioskResult<{ holderId: string; passId: string }>> {
  const gate = gates.get(input.accessPointId);
  if (gate === undefined) {
    throw new PostamatError('not-found', `no access point "${input.accessPointId}" here`, {
      field: 'accessPointId',
      value: input.accessPointId,
    });
  }
  assertKeypadOpen(ctx);
  if (!DAILY_CODE.test(input.code)) return fail('bad-code-format', 'the code has 8 digits');
  const hash = ctx.hash('courier-daily-code', input.code);
  const cred = ctx.store.access.credentialBySecret(hash);
  const now = ctx.clock.now();
  const decision = checkPass(ctx.store.passes.passesBySecret(hash), cred, now);
  const base = { accessPointId: gate.accessPointId, at: now };
  if (!decision.allowed) {
    ctx.store.transaction(() =>
      ctx.store.emit('gate.passage', {
        ...base,
        outcome: 'refused',
        reason: decision.reason,
        holderId: decision.holderId,
      }),
    );
    if (decision.reason === 'unknown-credential') recordWrongEntry(ctx, 'gate');
    ctx.log.info({
      event: 'gate.refused',
      accessPointId: gate.accessPointId,
      why: decision.reason,
    });
    return fail('not-authorized', `no pass: ${decision.reason}`);
  }
  const { pass } = decision;
  ctx.store.transaction(() =>
    ctx.store.emit('gate.passage', {
      ...base,
      outcome: 'allowed',
      holderId: pass.holderId,
      tenantId: pass.tenantId,
      passId: pass.passId,
    }),
  );
  try {
    const board = ctx.boards.get(gate.boardId);
    if (board === undefined) throw new PostamatError('board-offline', `no board ${gate.boardId}`);
    await board.unlock(gate.channel);
  } catch (error) {
    // The passage was granted but the relay did not answer: the log must say so.
    ctx.store.transaction(() =>
      ctx.store.emit('gate.relay-failed', {
        accessPointId: gate.accessPointId,
        passId: pass.passId,
      }),
    );
    throw error;
  }
  ctx.log.info({
    event: 'gate.opened',
    accessPointId: gate.accessPointId,
    holderId: pass.holderId,
  });
  return { ok: true, holderId: pass.holderId, passId: pass.passId };
}
