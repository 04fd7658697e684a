import { z } from 'zod';

/**
 * What the locker (ECR) and the terminal say to each other inside ECR frames. Every request
 * carries `id`; the terminal echoes it in its answer. A sale also gets `progress` frames
 * (the screen shows "insert card", "enter PIN", "waiting for the bank").
 *
 * - `sale`   → progress*, then `result` (approved with the RRN, or declined with a reason)
 * - `cancel` → `result` of the sale it cancelled (declined `cancelled`, or approved if too late)
 * - `status` → `status` of one payment, from the terminal's own journal (survives our crash)
 * - `refund` → `refund-result`
 * - `info`   → `info`: whether the terminal can approve without its bank host (offline)
 */
const id = z.number().int().nonnegative();
const paymentId = z.string().min(1).max(100);
const amountKopecks = z.number().int().positive();

export const ecrRequestSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('sale'), id, paymentId, amountKopecks }),
  z.strictObject({ type: z.literal('cancel'), id, paymentId }),
  z.strictObject({ type: z.literal('status'), id, paymentId }),
  z.strictObject({ type: z.literal('refund'), id, paymentId, amountKopecks }),
  z.strictObject({ type: z.literal('info'), id }),
]);
export type EcrRequest = z.infer<typeof ecrRequestSchema>;

export const TERMINAL_STAGES = ['insert-card', 'pin', 'authorizing'] as const;
export type TerminalStage = (typeof TERMINAL_STAGES)[number];

export const ecrAnswerSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('progress'),
    id,
    paymentId,
    stage: z.enum(TERMINAL_STAGES),
  }),
  z.strictObject({
    type: z.literal('result'),
    id,
    paymentId,
    approved: z.boolean(),
    rrn: z.string().min(1).optional(),
    reason: z.enum(['declined', 'cancelled']).optional(),
    detail: z.string().max(200).optional(),
  }),
  z.strictObject({
    type: z.literal('status'),
    id,
    paymentId,
    state: z.enum(['approved', 'declined', 'cancelled', 'in-progress', 'refunded', 'unknown']),
    rrn: z.string().min(1).optional(),
    amountKopecks: amountKopecks.optional(),
  }),
  z.strictObject({
    type: z.literal('refund-result'),
    id,
    paymentId,
    refunded: z.boolean(),
    rrn: z.string().min(1).optional(),
  }),
  z.strictObject({ type: z.literal('info'), id, offlineCapable: z.boolean(), model: z.string() }),
]);
export type EcrAnswer = z.infer<typeof ecrAnswerSchema>;
