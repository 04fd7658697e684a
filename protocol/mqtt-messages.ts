import { z } from 'zod';
import { CELL_FEATURES, CELL_SIZES, LOCKER_ID_PATTERN, ORDER_KINDS } from './domain.ts';
import {
  paymentConfirmedCommandBody,
  paymentFailedCommandBody,
  paymentQrCommandBody,
} from './payments.ts';

/**
 * Schemas of every payload that crosses MQTT. Both ends validate with these: the agent what the
 * cloud sends, the cloud what lockers send.
 */

const lockerId = z.string().regex(LOCKER_ID_PATTERN, 'locker id must be topic-safe');
/** Milliseconds since the Unix epoch, as the sender's clock saw it. */
const timestamp = z.number().int().nonnegative();
const eventType = z
  .string()
  .regex(/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/, 'event type like "door.opened"');

/** One outbox event: a change of state on the locker, in the locker's gap-free order. */
export const lockerEventSchema = z.strictObject({
  lockerId,
  seq: z.number().int().positive(),
  /** The locker's clock when the change was committed; the cloud also records receipt time. */
  at: timestamp,
  type: eventType,
  body: z.record(z.string(), z.unknown()),
});
export type LockerEvent = z.infer<typeof lockerEventSchema>;

/** Events in sequence order, consecutive, all from one locker. */
export const eventBatchSchema = z
  .strictObject({
    lockerId,
    events: z.array(lockerEventSchema).min(1).max(1000),
  })
  .superRefine((batch, ctx) => {
    batch.events.forEach((event, i) => {
      if (event.lockerId !== batch.lockerId) {
        ctx.addIssue({
          code: 'custom',
          path: ['events', i, 'lockerId'],
          message: `event of locker "${event.lockerId}" in a batch of "${batch.lockerId}"`,
        });
      }
      const previous = batch.events[i - 1];
      if (previous !== undefined && event.seq !== previous.seq + 1) {
        ctx.addIssue({
          code: 'custom',
          path: ['events', i, 'seq'],
          message: `seq ${event.seq} does not follow ${previous.seq}`,
        });
      }
    });
  });
export type EventBatch = z.infer<typeof eventBatchSchema>;

/** The highest sequence number the cloud has committed to its store (not merely received). */
export const ackSchema = z.strictObject({
  lockerId,
  committedSeq: z.number().int().nonnegative(),
  /** Set when the cloud saw a gap: the agent resends from committedSeq + 1. */
  resend: z.boolean().optional(),
  /**
   * The cloud's clock when it sent the ack. The agent learns its offset to cloud time from it,
   * so command expiry is judged in cloud time, not by a drifting locker clock.
   */
  at: timestamp.optional(),
});
export type Ack = z.infer<typeof ackSchema>;

const remoteOpenBody = z.strictObject({
  cellId: z.string().min(1),
  reason: z.string().min(3).max(500),
  operator: z.string().min(1),
});
const setCellServiceBody = z.strictObject({
  cellId: z.string().min(1),
  inService: z.boolean(),
  reason: z.string().min(3).max(500),
});
const emptyBody = z.strictObject({});

const commandBase = {
  id: z.string().min(1).max(100),
  lockerId,
  /** Cloud time of issue and expiry; see docs on clock drift in the sync module. */
  issuedAt: timestamp,
  expiresAt: timestamp,
};

/** Cloud → locker commands. Each id is applied once; past its expiry a command does nothing. */
export const commandSchema = z.discriminatedUnion('type', [
  z.strictObject({ ...commandBase, type: z.literal('remote-open'), body: remoteOpenBody }),
  z.strictObject({ ...commandBase, type: z.literal('set-cell-service'), body: setCellServiceBody }),
  z.strictObject({ ...commandBase, type: z.literal('refresh-sync'), body: emptyBody }),
  z.strictObject({ ...commandBase, type: z.literal('report-diagnostics'), body: emptyBody }),
  z.strictObject({ ...commandBase, type: z.literal('payment-qr'), body: paymentQrCommandBody }),
  z.strictObject({
    ...commandBase,
    type: z.literal('payment-confirmed'),
    body: paymentConfirmedCommandBody,
  }),
  z.strictObject({
    ...commandBase,
    type: z.literal('payment-failed'),
    body: paymentFailedCommandBody,
  }),
]);
export type Command = z.infer<typeof commandSchema>;
export type CommandType = Command['type'];

export const COMMAND_OUTCOMES = ['applied', 'expired', 'duplicate', 'rejected', 'failed'] as const;

/** The body of the `command.result` event a locker emits for every command it receives. */
export const commandResultSchema = z.strictObject({
  commandId: z.string().min(1),
  type: z.string().min(1),
  outcome: z.enum(COMMAND_OUTCOMES),
  /** An error code when the outcome is not `applied`. */
  code: z.string().optional(),
  detail: z.record(z.string(), z.unknown()).optional(),
});
export type CommandResult = z.infer<typeof commandResultSchema>;

/** Retained per locker; the broker's last will publishes `online: false`. */
export const statusSchema = z.strictObject({
  lockerId,
  online: z.boolean(),
  at: timestamp,
  version: z.string().optional(),
  uptimeS: z.number().nonnegative().optional(),
  outboxDepth: z.number().int().nonnegative().optional(),
  /**
   * Version of the data pushed ahead that the locker holds. A live (not retained) status is also
   * the locker's sync request: the cloud answers with a delta since it, or a snapshot.
   */
  syncVersion: z.number().int().nonnegative().optional(),
  boards: z
    .array(
      z.strictObject({
        bus: z.string(),
        address: z.number().int().min(1).max(247),
        online: z.boolean(),
        /** The bus master's counters for this board since the agent started. */
        counters: z
          .strictObject({
            framesSent: z.number().int().nonnegative(),
            framesReceived: z.number().int().nonnegative(),
            crcErrors: z.number().int().nonnegative(),
            timeouts: z.number().int().nonnegative(),
            retries: z.number().int().nonnegative(),
            exceptions: z.number().int().nonnegative(),
          })
          .optional(),
      }),
    )
    .optional(),
});
export type Status = z.infer<typeof statusSchema>;

const hash = z.string().regex(/^[0-9a-f]{64}$/, 'hex HMAC-SHA256');
const validity = { validFrom: timestamp, validUntil: timestamp };

export const syncCellSchema = z.strictObject({
  cellId: z.string().min(1),
  bus: z.string().min(1),
  board: z.number().int().min(1).max(247),
  channel: z.number().int().min(1),
  size: z.enum(CELL_SIZES),
  features: z.array(z.enum(CELL_FEATURES)),
});

export const syncParcelSchema = z.strictObject({
  orderId: z.string().min(1),
  tenantId: z.string().min(1),
  barcodeHash: hash,
  size: z.enum(CELL_SIZES),
  refrigerated: z.boolean(),
  storageHours: z.number().positive(),
  /** Which itinerary the order follows; absent: a delivery (or a return if it has a return code). */
  orderKind: z.enum(ORDER_KINDS).optional(),
  /**
   * Which part of the itinerary happens at this locker: `first` ends with a courier collecting
   * here (the item goes on to another locker), `last` starts with a courier depositing here.
   */
  leg: z.enum(['whole', 'first', 'last']).optional(),
  /** Cash on delivery: the recipient pays this before the cell opens (never on credit). */
  amountDueKopecks: z.number().int().positive().optional(),
  ...validity,
});

export const syncCodeSchema = z.strictObject({
  orderId: z.string().min(1),
  stepId: z.string().min(1),
  purpose: z.enum(['pickup', 'return', 'rental', 'deposit']),
  codeHash: hash,
  ...validity,
});

export const syncCredentialSchema = z.strictObject({
  credentialId: z.string().min(1),
  role: z.enum(['courier', 'technician']),
  holderId: z.string().min(1),
  tenantId: z.string().optional(),
  kind: z.enum(['badge-pin', 'daily-code', 'pin']),
  secretHash: hash,
  revoked: z.boolean(),
  ...validity,
});

export const syncTariffSchema = z.strictObject({
  size: z.enum(CELL_SIZES),
  firstHourKopecks: z.number().int().nonnegative(),
  nextHourKopecks: z.number().int().nonnegative(),
  dayCapKopecks: z.number().int().nonnegative(),
});

/**
 * A gate pass: the courier may pass the site's access points this locker controls between
 * validFrom and validUntil (their visit, ± the site's window). secretHash is the courier's daily
 * code hashed as a `courier-daily-code` credential, so a gate needs no other credential table.
 */
export const syncPassSchema = z.strictObject({
  passId: z.string().min(1),
  holderId: z.string().min(1),
  tenantId: z.string().min(1),
  secretHash: hash,
  ...validity,
});

/** A parcel on the route of a courier visiting this locker, booked at another locker. */
export const syncRouteParcelSchema = z.strictObject({
  barcodeHash: hash,
  lockerId,
});

/** Data pushed ahead so every flow works offline. A delta upserts and removes by id. */
export const syncMessageSchema = z.strictObject({
  lockerId,
  kind: z.enum(['snapshot', 'delta']),
  version: z.number().int().positive(),
  /** For a delta: the version it applies on top of. */
  baseVersion: z.number().int().nonnegative().optional(),
  issuedAt: timestamp,
  layout: z.array(syncCellSchema).optional(),
  parcels: z.array(syncParcelSchema).optional(),
  codes: z.array(syncCodeSchema).optional(),
  credentials: z.array(syncCredentialSchema).optional(),
  tariffs: z.array(syncTariffSchema).optional(),
  storageHoursByTenant: z.record(z.string(), z.number().positive()).optional(),
  /** Derived from manifests; when present, replaces every pass the locker holds. */
  passes: z.array(syncPassSchema).optional(),
  /** Derived from manifests; when present, replaces the whole list (refusal: "other locker"). */
  routeParcels: z.array(syncRouteParcelSchema).optional(),
  removed: z
    .strictObject({
      parcels: z.array(z.string()).optional(),
      codes: z.array(z.string()).optional(),
      credentials: z.array(z.string()).optional(),
    })
    .optional(),
});
export type SyncMessage = z.infer<typeof syncMessageSchema>;
