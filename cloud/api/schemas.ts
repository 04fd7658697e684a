import { z } from 'zod';
import {
  CELL_FEATURES,
  CELL_SIZES,
  LOCKER_ID_PATTERN,
  ORDER_KINDS,
  ORDER_STATUSES,
} from '../../protocol/index.ts';
import { orderPaymentView } from '../payments/payment-views.ts';

/** Shapes shared by several routes; each route file holds its own bodies. */

export const idParam = z.strictObject({ id: z.string().min(1).max(100) });
export const lockerId = z.string().regex(LOCKER_ID_PATTERN, 'locker id: letters, digits, _ and -');
export const size = z.enum(CELL_SIZES);
export const epochMs = z.number().int().nonnegative().max(8_640_000_000_000_000);

export const errorBody = z.object({
  error: z.string(),
  message: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});

/** The error answers every authenticated route can give. */
export const errorResponses = {
  400: errorBody,
  401: errorBody,
  403: errorBody,
  404: errorBody,
  409: errorBody,
  422: errorBody,
};

export const issuedCode = z.object({
  stepId: z.string(),
  lockerId: z.string(),
  purpose: z.enum(['pickup', 'return', 'rental', 'deposit']),
  code: z.string().describe('6 digits, single use; shown in this answer only'),
  validUntil: z.number(),
});

export const orderView = z.object({
  id: z.string(),
  tenantId: z.string(),
  kind: z.enum(ORDER_KINDS),
  status: z.enum(ORDER_STATUSES),
  size,
  refrigerated: z.boolean(),
  storageHours: z.number(),
  externalRef: z.string().nullable(),
  createdAt: z.number(),
  steps: z.array(
    z.object({
      id: z.string(),
      kind: z.string(),
      role: z.string(),
      lockerId: z.string(),
      state: z.string(),
      doneAt: z.number().nullable(),
    }),
  ),
  bookings: z.array(
    z.object({ lockerId: z.string(), size, validFrom: z.number(), validUntil: z.number() }),
  ),
  timeline: z.array(z.object({ status: z.string(), at: z.number(), source: z.string() })),
  recipient: z
    .object({ phone: z.string().nullable(), language: z.enum(['ru', 'en']), erased: z.boolean() })
    .nullable()
    .describe('the person notified; the phone only masked, null once erased'),
  notifications: z.array(
    z.object({
      event: z.string(),
      channel: z.string(),
      status: z.enum(['pending', 'sent', 'failed']),
      attempts: z.number(),
      lastError: z.string().nullable(),
      sentAt: z.number().nullable(),
    }),
  ),
  payment: orderPaymentView,
});

export const lockerView = z.object({
  id: z.string(),
  operatorId: z.string(),
  siteId: z.string().nullable(),
  address: z.string(),
  lat: z.number(),
  lon: z.number(),
  online: z.boolean(),
  lastSeenAt: z.number().nullable(),
  openAlarms: z.number(),
  cells: z.array(
    z.object({
      cellId: z.string(),
      size,
      features: z.array(z.enum(CELL_FEATURES)),
      inService: z.boolean(),
    }),
  ),
});

/** A key or session token as Bearer, or the console's session cookie. */
export const security = [{ bearer: [] }, { session: [] }];
