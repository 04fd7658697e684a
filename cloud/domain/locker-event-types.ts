import { z } from 'zod';
import { commandResultSchema, type LockerEvent } from '../../protocol/index.ts';
import { PAYMENT_EVENT_TYPES } from '../../protocol/payments.ts';
import { interpretPaymentEvent, type PaymentEffect } from '../payments/domain/payment-events.ts';

/**
 * The locker event types the cloud's projection understands, and the body fields it reads —
 * named as the agent emits them. Any other type is stored and otherwise ignored, and so is a body
 * that lacks what is read here: a newer agent never breaks ingest.
 */
export const LOCKER_EVENT_TYPES = {
  /** { orderId, stepId?, kind?, role? }: door confirmed opened and closed for a step. */
  stepDone: 'step.done',
  /** { orderId }: storage is over; the person's collect passes to the tenant's courier. */
  orderExpired: 'order.expired',
  /** Older name of order.expired, still accepted. */
  parcelExpired: 'parcel.expired',
  doorOpened: 'door.opened',
  /** { alarmId?, kind, cellId? } */
  alarmRaised: 'alarm.raised',
  /** { alarmId } or { kind, cellId? } */
  alarmCleared: 'alarm.cleared',
  /** commandResultSchema */
  commandResult: 'command.result',
  /** { cellId } */
  cellOutOfService: 'cell.out-of-service',
  cellInService: 'cell.in-service',
  /** payment.started, .approved, .declined, .refunded, .refund-requested (protocol/payments.ts) */
  paymentStarted: PAYMENT_EVENT_TYPES.started,
  paymentApproved: PAYMENT_EVENT_TYPES.approved,
  paymentDeclined: PAYMENT_EVENT_TYPES.declined,
  paymentRefunded: PAYMENT_EVENT_TYPES.refunded,
  paymentRefundRequested: PAYMENT_EVENT_TYPES.refundRequested,
  /** { paymentId, channel, sealedContact }: RSA-sealed to the cloud's receipt key */
  receiptContact: PAYMENT_EVENT_TYPES.receiptContact,
} as const;

const stepDoneBody = z.object({
  orderId: z.string().min(1),
  stepId: z.string().min(1).optional(),
  kind: z.enum(['deposit', 'collect']).optional(),
});
const expiredBody = z.object({ orderId: z.string().min(1) });
const alarmId = z.union([z.string().min(1).max(100), z.number().int()]).transform(String);
const alarmRaisedBody = z.object({
  alarmId: alarmId.optional(),
  kind: z.string().min(1).max(100),
  cellId: z.string().min(1).nullish(),
});
const alarmClearedBody = z.object({
  alarmId: alarmId.optional(),
  kind: z.string().min(1).max(100).optional(),
  cellId: z.string().min(1).nullish(),
});
const cellBody = z.object({ cellId: z.string().min(1) });

export type EventEffect =
  | {
      readonly type: 'step-done';
      readonly orderId: string;
      readonly stepId: string | null;
      readonly kind: string | null;
    }
  | { readonly type: 'order-expired'; readonly orderId: string }
  | {
      readonly type: 'alarm-raised';
      readonly alarmId: string | null;
      readonly kind: string;
      readonly cellId: string | null;
    }
  | {
      readonly type: 'alarm-cleared';
      readonly alarmId: string | null;
      readonly kind: string | null;
      readonly cellId: string | null;
    }
  | {
      readonly type: 'command-result';
      readonly commandId: string;
      readonly outcome: string;
      readonly code: string | null;
    }
  | { readonly type: 'cell-service'; readonly cellId: string; readonly inService: boolean }
  | PaymentEffect
  | { readonly type: 'none' };

const none: EventEffect = { type: 'none' };

/** What an event means for the cloud's state; a body that does not parse means nothing. */
export function interpretEvent(event: Pick<LockerEvent, 'type' | 'body'>): EventEffect {
  const T = LOCKER_EVENT_TYPES;
  switch (event.type) {
    case T.stepDone: {
      const b = stepDoneBody.safeParse(event.body);
      if (!b.success) return none;
      return {
        type: 'step-done',
        orderId: b.data.orderId,
        stepId: b.data.stepId ?? null,
        kind: b.data.kind ?? null,
      };
    }
    case T.orderExpired:
    case T.parcelExpired: {
      const b = expiredBody.safeParse(event.body);
      return b.success ? { type: 'order-expired', orderId: b.data.orderId } : none;
    }
    case T.alarmRaised: {
      const b = alarmRaisedBody.safeParse(event.body);
      if (!b.success) return none;
      return {
        type: 'alarm-raised',
        alarmId: b.data.alarmId ?? null,
        kind: b.data.kind,
        cellId: b.data.cellId ?? null,
      };
    }
    case T.alarmCleared: {
      const b = alarmClearedBody.safeParse(event.body);
      if (!b.success || (b.data.alarmId === undefined && b.data.kind === undefined)) return none;
      const { alarmId: id, kind, cellId } = b.data;
      return {
        type: 'alarm-cleared',
        alarmId: id ?? null,
        kind: kind ?? null,
        cellId: cellId ?? null,
      };
    }
    case T.commandResult: {
      const b = commandResultSchema.safeParse(event.body);
      if (!b.success) return none;
      return {
        type: 'command-result',
        commandId: b.data.commandId,
        outcome: b.data.outcome,
        code: b.data.code ?? null,
      };
    }
    case T.cellOutOfService:
    case T.cellInService: {
      const b = cellBody.safeParse(event.body);
      if (!b.success) return none;
      return {
        type: 'cell-service',
        cellId: b.data.cellId,
        inService: event.type === T.cellInService,
      };
    }
    default:
      return interpretPaymentEvent(event.type, event.body) ?? none;
  }
}
