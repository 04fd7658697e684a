import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { operatorOf } from '../api/auth.ts';
import type { ApiDeps } from '../api/deps.ts';
import { HttpError } from '../api/http-error.ts';
import { errorResponses, security } from '../api/schemas.ts';
import { paymentView, receiptView } from './payment-views.ts';
import {
  checkSbpSignature,
  SBP_SIGNATURE_HEADER,
  sbpCallbackBody,
} from './providers/sbp-callback.ts';

const tags = ['payments'];
const limit = z.coerce.number().int().min(1).max(1000).default(100);

/** Operators' views of payments and receipts, and the SBP provider's callback. */
export const paymentRoutes =
  ({ store, clock, payments }: ApiDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/v1/operator/payments',
      {
        schema: {
          tags,
          security,
          querystring: z.strictObject({
            state: z.enum(['started', 'approved', 'declined', 'refunded']).optional(),
            limit,
          }),
          response: { 200: z.object({ payments: z.array(paymentView) }), ...errorResponses },
        },
      },
      async (request) => ({
        payments: await store.listPayments(
          operatorOf(request),
          request.query.limit,
          request.query.state,
        ),
      }),
    );

    app.get(
      '/v1/operator/receipts',
      {
        schema: {
          tags,
          security,
          querystring: z.strictObject({
            status: z.enum(['pending', 'sent', 'accepted', 'failed']).optional(),
            limit,
          }),
          response: { 200: z.object({ receipts: z.array(receiptView) }), ...errorResponses },
        },
      },
      async (request) => ({
        receipts: await store.listReceipts(
          operatorOf(request),
          request.query.limit,
          request.query.status,
        ),
      }),
    );

    // The callback's signature covers the raw body: this scope keeps it as text.
    app.register(async (scope) => {
      scope.removeContentTypeParser('application/json');
      scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_r, body, done) =>
        done(null, String(body)),
      );
      scope.post(
        '/v1/payments/sbp/callback',
        {
          schema: {
            tags,
            summary: 'The SBP provider’s signed callback (X-Sbp-Signature over the raw body)',
            body: z.string().max(10_000),
            response: {
              200: z.object({ result: z.enum(['confirmed', 'failed', 'duplicate']) }),
              ...errorResponses,
            },
          },
        },
        async (request) => {
          const refuse = (status: number, code: string, message: string) => {
            if (payments !== undefined) payments.counters.callbacksRefused += 1;
            request.log.warn({ event: 'payments.callback-refused', reason: code });
            return new HttpError(status, code, message);
          };
          if (payments?.callbackSecret === undefined) {
            throw refuse(404, 'not-found', 'SBP is not configured on this cloud');
          }
          // Validated as a string by the schema; this scope lost the zod type provider's typing.
          const raw = String(request.body);
          const header = request.headers[SBP_SIGNATURE_HEADER];
          const check = checkSbpSignature(
            payments.callbackSecret,
            typeof header === 'string' ? header : undefined,
            raw,
            clock.now(),
            payments.callbackToleranceMs,
          );
          if (check !== 'ok') throw refuse(401, 'bad-signature', `callback signature: ${check}`);
          let parsed: z.infer<typeof sbpCallbackBody>;
          try {
            parsed = sbpCallbackBody.parse(JSON.parse(raw));
          } catch {
            throw refuse(400, 'bad-request', 'callback body: operationId, status, amountKopecks');
          }
          const outcome =
            parsed.status === 'paid'
              ? {
                  status: 'paid' as const,
                  amountKopecks: parsed.amountKopecks,
                  providerRef: parsed.providerRef ?? parsed.operationId,
                }
              : { status: parsed.status };
          const result = await store.settleSbp(parsed.operationId, outcome);
          if (result === 'unknown') throw refuse(404, 'not-found', 'no payment for this operation');
          if (result === 'amount-mismatch') {
            throw refuse(409, 'amount-mismatch', 'the paid amount differs from the payment');
          }
          payments.counters.callbacksAccepted += 1;
          request.log.info({ event: 'payments.callback', operationId: parsed.operationId, result });
          if (result !== 'duplicate') payments.onSettled();
          return { result };
        },
      );
    });
  };
