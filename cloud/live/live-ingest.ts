import type { LockerEvent } from '../../protocol/index.ts';
import { interpretEvent } from '../domain/locker-event-types.ts';
import type { EventIngestStore } from '../ports.ts';
import type { LiveEventHub, LiveEventInput } from './event-hub.ts';

/** What the live feed needs from the store after a commit. */
export interface LiveIngestStore {
  /** Status changes the given event sources (`event:<locker>:<seq>`) wrote, with the tenant. */
  statusChangesFrom(
    sources: readonly string[],
  ): Promise<{ orderId: string; tenantId: string; status: string; at: number; source: string }[]>;
}

/** A locker event as the console's live feed names it, or undefined when it is not shown. */
export function liveEventOf(lockerId: string, event: LockerEvent): LiveEventInput | undefined {
  const body = (event.body ?? {}) as Record<string, unknown>;
  const base = {
    at: event.at,
    lockerId,
    data: { ...body, lockerId, seq: event.seq, eventType: event.type },
  };
  if (event.type.startsWith('door.')) return { ...base, type: 'door' };
  const effect = interpretEvent(event);
  switch (effect.type) {
    case 'alarm-raised':
      return {
        ...base,
        type: 'alarm.raised',
        data: {
          ...base.data,
          alarmId: alarmIdOf(lockerId, effect.alarmId),
          kind: effect.kind,
          cellId: effect.cellId,
        },
      };
    case 'alarm-cleared':
      return {
        ...base,
        type: 'alarm.cleared',
        data: { ...base.data, alarmId: alarmIdOf(lockerId, effect.alarmId) },
      };
    case 'command-result':
      return {
        ...base,
        type: 'command.result',
        data: { lockerId, commandId: effect.commandId, outcome: effect.outcome, code: effect.code },
      };
    case 'cell-service':
      return {
        ...base,
        type: 'cell.service',
        data: { lockerId, cellId: effect.cellId, inService: effect.inService },
      };
    default:
      return undefined;
  }
}

// The projection keys alarms the locker numbered as `<locker>/<its id>` (event-projection.ts).
const alarmIdOf = (lockerId: string, id: string | null) =>
  id === null ? null : `${lockerId}/${id}`;

/**
 * The ingest port, publishing what each commit applied: door, alarm, command and cell events,
 * and the order status changes they caused. Published after the commit, so a stream never shows
 * what the store does not hold.
 */
export function liveIngest(
  inner: EventIngestStore,
  store: LiveIngestStore,
  hub: LiveEventHub,
): EventIngestStore {
  return {
    committedSeq: (lockerId) => inner.committedSeq(lockerId),
    async ingest(lockerId, events, receivedAt) {
      const result = await inner.ingest(lockerId, events, receivedAt);
      if (result.applied > 0) {
        const first = result.committedSeq - result.applied;
        const applied = events
          .filter((e) => e.lockerId === lockerId && e.seq > first && e.seq <= result.committedSeq)
          .sort((a, b) => a.seq - b.seq);
        await publishApplied(lockerId, applied, store, hub).catch(() => {});
      }
      return result;
    },
  };
}

async function publishApplied(
  lockerId: string,
  applied: readonly LockerEvent[],
  store: LiveIngestStore,
  hub: LiveEventHub,
): Promise<void> {
  const seen = new Set<number>();
  for (const event of applied) {
    // A batch may carry an event twice; it was applied once.
    if (seen.has(event.seq)) continue;
    seen.add(event.seq);
    const live = liveEventOf(lockerId, event);
    if (live !== undefined) void hub.publish(live);
  }
  // Only an event with an effect (a step, an expiry, a payment…) can have changed an order.
  if (!applied.some((e) => interpretEvent(e).type !== 'none')) return;
  const sources = [...seen].map((seq) => `event:${lockerId}:${seq}`);
  for (const change of await store.statusChangesFrom(sources)) {
    void hub.publish({
      type: 'order.status',
      at: change.at,
      lockerId,
      tenantId: change.tenantId,
      data: change,
    });
  }
}
