import type { ActorRole, LockerEvent, OrderKind, StepKind } from '../../protocol/index.ts';
import { statusOf } from '../domain/itinerary.ts';
import type { EventEffect } from '../domain/locker-event-types.ts';
import { applyPaymentEffect } from '../payments/payment-projection.ts';
import { bumpSyncVersion, type Db } from './context.ts';
import { releaseBookings } from './order-changes.ts';
import { retireCodes } from './order-codes.ts';
import { recordStatus } from './order-status.ts';

/**
 * The effects applied one event at a time, each reading what the previous changed; raised alarms
 * and command results are written for a whole ingest group at once (projection-batch.ts).
 */
export type OneByOneEffect = Exclude<
  EventEffect,
  { type: 'none' } | { type: 'alarm-raised' } | { type: 'command-result' }
>;

/**
 * Applies what a locker event means to orders, alarms and cells, inside the ingest transaction.
 * Events about other lockers' steps or unknown orders change nothing: a locker can only report
 * on what happened at itself.
 */
export async function applyEffect(
  trx: Db,
  lockerId: string,
  event: LockerEvent,
  effect: OneByOneEffect,
  now: number,
): Promise<void> {
  const source = `event:${lockerId}:${event.seq}`;
  switch (effect.type) {
    case 'step-done':
      return stepDone(trx, lockerId, effect, event.at, source, now);
    case 'order-expired':
      return orderExpired(trx, lockerId, effect.orderId, event.at, source, now);
    case 'alarm-cleared': {
      let query = trx
        .updateTable('alarms')
        .set({ cleared_at: event.at })
        .where('locker_id', '=', lockerId)
        .where('cleared_at', 'is', null);
      if (effect.alarmId !== null) query = query.where('id', '=', `${lockerId}/${effect.alarmId}`);
      if (effect.kind !== null) query = query.where('kind', '=', effect.kind);
      if (effect.cellId !== null) query = query.where('cell_id', '=', effect.cellId);
      await query.execute();
      return;
    }
    case 'cell-service': {
      const version = await bumpSyncVersion(trx, lockerId);
      await trx
        .updateTable('cells')
        .set({ in_service: effect.inService ? 1 : 0, changed_version: version })
        .where('locker_id', '=', lockerId)
        .where('cell_id', '=', effect.cellId)
        .execute();
      return;
    }
    default:
      return applyPaymentEffect(trx, lockerId, effect, now);
  }
}

async function orderAt(trx: Db, orderId: string) {
  return trx.selectFrom('orders').selectAll().where('id', '=', orderId).executeTakeFirst();
}

/**
 * The step the event names, or — the agent numbers steps its own way — the first pending step
 * of the order at this locker, of the event's kind when given.
 */
async function findStep(trx: Db, lockerId: string, effect: StepDoneEffect) {
  const atLocker = trx
    .selectFrom('steps')
    .selectAll()
    .where('order_id', '=', effect.orderId)
    .where('locker_id', '=', lockerId);
  if (effect.stepId !== null) {
    const named = await atLocker.where('id', '=', effect.stepId).executeTakeFirst();
    if (named !== undefined) return named;
  }
  let pending = atLocker.where('state', '=', 'pending').orderBy('idx').limit(1);
  if (effect.kind !== null) pending = pending.where('kind', '=', effect.kind);
  return pending.executeTakeFirst();
}

type StepDoneEffect = Extract<EventEffect, { type: 'step-done' }>;

async function stepDone(
  trx: Db,
  lockerId: string,
  effect: StepDoneEffect,
  at: number,
  source: string,
  now: number,
): Promise<void> {
  const { orderId } = effect;
  const step = await findStep(trx, lockerId, effect);
  if (step === undefined || step.state === 'done' || step.state === 'cancelled') return;
  const stepId = step.id;
  await trx
    .updateTable('steps')
    .set({ state: 'done', done_at: at })
    .where('id', '=', stepId)
    .execute();
  await retireCodes(trx, { orderId, stepId }, (id) => bumpSyncVersion(trx, id));
  const steps = await liveSteps(trx, orderId);
  // The cell empties when the last step at this locker is a collect that is now done.
  const atLocker = steps.filter((s) => s.locker_id === lockerId);
  if (atLocker.every((s) => s.state === 'done') && step.kind === 'collect') {
    await releaseBookings(trx, orderId, lockerId);
  }
  await refreshStatus(trx, orderId, steps, at, source, now);
}

/** As the agent does: the pending collect stays, its actor becomes the tenant's courier. */
async function orderExpired(
  trx: Db,
  lockerId: string,
  orderId: string,
  at: number,
  source: string,
  now: number,
): Promise<void> {
  const order = await orderAt(trx, orderId);
  if (order === undefined || order.status !== 'ready-for-pickup') return;
  const step = await trx
    .selectFrom('steps')
    .selectAll()
    .where('order_id', '=', orderId)
    .where('locker_id', '=', lockerId)
    .where('state', '=', 'pending')
    .where('kind', '=', 'collect')
    .orderBy('idx')
    .executeTakeFirst();
  if (step === undefined) return;
  await trx.updateTable('steps').set({ role: 'courier' }).where('id', '=', step.id).execute();
  await retireCodes(trx, { orderId, stepId: step.id }, (id) => bumpSyncVersion(trx, id));
  const change = { orderId, tenantId: order.tenant_id, externalRef: order.external_ref, at };
  await recordStatus(trx, { ...change, status: 'expired', source }, now);
}

async function liveSteps(trx: Db, orderId: string) {
  return trx
    .selectFrom('steps')
    .selectAll()
    .where('order_id', '=', orderId)
    .where('state', '!=', 'cancelled')
    .orderBy('idx')
    .execute();
}

async function refreshStatus(
  trx: Db,
  orderId: string,
  steps: readonly { kind: string; role: string; state: string }[],
  at: number,
  source: string,
  now: number,
): Promise<void> {
  const order = await orderAt(trx, orderId);
  if (order === undefined) return;
  const expired = order.status === 'expired';
  const progress = steps.map((s) => ({
    kind: s.kind as StepKind,
    role: s.role as ActorRole,
    done: s.state === 'done',
  }));
  const status = statusOf(order.kind as OrderKind, progress, expired);
  if (status === order.status) return;
  const change = { orderId, tenantId: order.tenant_id, externalRef: order.external_ref, at };
  await recordStatus(trx, { ...change, status, source }, now);
}
