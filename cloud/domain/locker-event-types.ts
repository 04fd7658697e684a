import { z } from 'zod';
import { ALARM_KINDS, commandResultSchema, type LockerEvent } from '../../protocol/index.ts';

/**
 * The locker event types the cloud's projection understands, and the body fields it reads.
 * The agent emits these names; any other type is stored and otherwise ignored, so a newer agent
 * never breaks ingest.
 */
export const LOCKER_EVENT_TYPES = {
  stepDone: 'step.done',
  parcelExpired: 'parcel.expired',
  doorOpened: 'door.opened',
  alarmRaised: 'alarm.raised',
  alarmCleared: 'alarm.cleared',
  commandResult: 'command.result',
  cellServiceChanged: 'cell.service-changed',
} as const;

const stepDoneBody = z.object({ orderId: z.string().min(1), stepId: z.string().min(1) });
const parcelExpiredBody = z.object({ orderId: z.string().min(1) });
const alarmBody = z.object({
  kind: z.enum(ALARM_KINDS),
  cellId: z.string().min(1).optional(),
});
const cellServiceBody = z.object({ cellId: z.string().min(1), inService: z.boolean() });

export type EventEffect =
  | { readonly type: 'step-done'; readonly orderId: string; readonly stepId: string }
  | { readonly type: 'parcel-expired'; readonly orderId: string }
  | { readonly type: 'alarm-raised'; readonly kind: string; readonly cellId: string | null }
  | { readonly type: 'alarm-cleared'; readonly kind: string; readonly cellId: string | null }
  | {
      readonly type: 'command-result';
      readonly commandId: string;
      readonly outcome: string;
      readonly code: string | null;
    }
  | { readonly type: 'cell-service'; readonly cellId: string; readonly inService: boolean }
  | { readonly type: 'none' };

/** What an event means for the cloud's state; a body that does not parse means nothing. */
export function interpretEvent(event: Pick<LockerEvent, 'type' | 'body'>): EventEffect {
  switch (event.type) {
    case LOCKER_EVENT_TYPES.stepDone: {
      const body = stepDoneBody.safeParse(event.body);
      return body.success ? { type: 'step-done', ...body.data } : { type: 'none' };
    }
    case LOCKER_EVENT_TYPES.parcelExpired: {
      const body = parcelExpiredBody.safeParse(event.body);
      return body.success ? { type: 'parcel-expired', orderId: body.data.orderId } : none;
    }
    case LOCKER_EVENT_TYPES.alarmRaised:
    case LOCKER_EVENT_TYPES.alarmCleared: {
      const body = alarmBody.safeParse(event.body);
      if (!body.success) return none;
      const type = event.type === LOCKER_EVENT_TYPES.alarmRaised ? 'alarm-raised' : 'alarm-cleared';
      return { type, kind: body.data.kind, cellId: body.data.cellId ?? null };
    }
    case LOCKER_EVENT_TYPES.commandResult: {
      const body = commandResultSchema.safeParse(event.body);
      if (!body.success) return none;
      const { commandId, outcome, code } = body.data;
      return { type: 'command-result', commandId, outcome, code: code ?? null };
    }
    case LOCKER_EVENT_TYPES.cellServiceChanged: {
      const body = cellServiceBody.safeParse(event.body);
      return body.success ? { type: 'cell-service', ...body.data } : none;
    }
    default:
      return none;
  }
}

const none: EventEffect = { type: 'none' };
