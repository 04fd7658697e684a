import { z } from 'zod';
import type { Clock } from '../../../protocol/index.ts';
import { type SbpPaymentState, type SbpProvider, SbpProviderError } from './sbp-provider.ts';

/**
 * An acquirer's SBP QR API over HTTP, by config. The request and answer fields follow the shape
 * of the widely used Russian bank SBP APIs (Raiffeisen's `/api/sbp/v2/qrs` is the model):
 *
 * | cloud                 | request / answer field                                  |
 * |-----------------------|---------------------------------------------------------|
 * | paymentId             | `order`                                                  |
 * | amountKopecks         | `amount` in roubles with 2 decimals, `currency: "RUB"`   |
 * | (QR kind)             | `qrType: "QRDynamic"`, `sbpMerchantId`, `qrExpirationDate` |
 * | operationId           | answer `qrId`                                            |
 * | qrPayload             | answer `payload` (the qr.nspk.ru link)                   |
 * | state                 | `paymentStatus`: SUCCESS → paid, DECLINED → failed, else pending |
 * | refund                | `order`, `refundId`, `amount`                            |
 *
 * Paths and headers (a bearer token, or anything the bank wants) are configurable.
 */
export const sbpHttpConfigSchema = z.strictObject({
  baseUrl: z.url(),
  merchantId: z.string().min(1),
  /** Sent as `Authorization: Bearer <token>`. */
  token: z.string().min(1).optional(),
  headers: z.record(z.string(), z.string()).default({}),
  createPath: z.string().startsWith('/').default('/api/sbp/v2/qrs'),
  refundPath: z.string().startsWith('/').default('/api/sbp/v1/refunds'),
  statePath: z
    .string()
    .startsWith('/')
    .includes('{operationId}')
    .default('/api/sbp/v1/qrs/{operationId}/payment-info'),
  timeoutMs: z.number().int().min(100).max(60_000).default(10_000),
});
export type SbpHttpConfig = z.infer<typeof sbpHttpConfigSchema>;

const createAnswer = z.object({ qrId: z.string().min(1), payload: z.string().min(1) });
const stateAnswer = z.object({
  paymentStatus: z.string(),
  transactionId: z.union([z.string(), z.number()]).optional(),
  amount: z.number().optional(),
});

const STATES: Readonly<Record<string, SbpPaymentState>> = {
  SUCCESS: 'paid',
  DECLINED: 'failed',
  EXPIRED: 'expired',
};
const PERMANENT = new Set([400, 401, 403, 404, 409, 422]);
const roubles = (kopecks: number) => Number((kopecks / 100).toFixed(2));

export function sbpHttpProvider(
  config: SbpHttpConfig,
  options: { readonly clock: Clock; readonly qrTtlMs: number },
): SbpProvider {
  const auth = config.token === undefined ? {} : { authorization: `Bearer ${config.token}` };

  async function call(method: 'GET' | 'POST', path: string, body?: object): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(new URL(path, config.baseUrl), {
        method,
        headers: { 'content-type': 'application/json', ...auth, ...config.headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        redirect: 'manual',
        signal: AbortSignal.timeout(config.timeoutMs),
      });
    } catch (error) {
      const code = (error as { cause?: { code?: unknown } }).cause?.code;
      throw new SbpProviderError(`network: ${typeof code === 'string' ? code : 'failed'}`);
    }
    const text = await response.text();
    if (!response.ok) {
      throw new SbpProviderError(`HTTP ${response.status}`, PERMANENT.has(response.status));
    }
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new SbpProviderError('answer is not JSON');
    }
  }

  function parse<T>(schema: z.ZodType<T>, answer: unknown): T {
    const parsed = schema.safeParse(answer);
    if (!parsed.success) throw new SbpProviderError('answer lacks the expected fields');
    return parsed.data;
  }

  return {
    name: 'http',
    async createQr({ paymentId, amountKopecks, description }) {
      const payableUntil = options.clock.now() + options.qrTtlMs;
      const answer = await call('POST', config.createPath, {
        qrType: 'QRDynamic',
        amount: roubles(amountKopecks),
        currency: 'RUB',
        order: paymentId,
        sbpMerchantId: config.merchantId,
        qrExpirationDate: new Date(payableUntil).toISOString(),
        paymentDetails: description,
      });
      const { qrId, payload } = parse(createAnswer, answer);
      return { operationId: qrId, qrPayload: payload, payableUntil };
    },
    async refund({ paymentId, amountKopecks }) {
      const refundId = `rf-${paymentId}`;
      await call('POST', config.refundPath, {
        order: paymentId,
        refundId,
        amount: roubles(amountKopecks),
        paymentDetails: 'refund',
      });
      return { refundRef: refundId };
    },
    async state(operationId) {
      const path = config.statePath.replace('{operationId}', encodeURIComponent(operationId));
      const answer = parse(stateAnswer, await call('GET', path));
      return {
        state: STATES[answer.paymentStatus] ?? 'pending',
        providerRef: answer.transactionId === undefined ? undefined : String(answer.transactionId),
        amountKopecks: answer.amount === undefined ? undefined : Math.round(answer.amount * 100),
      };
    },
  };
}
