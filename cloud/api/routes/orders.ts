import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isPostamatError, ORDER_KINDS, ORDER_STATUSES } from '../../../protocol/index.ts';
import { isNotifiedKind, LANGUAGES } from '../../notifications/domain/notification-plan.ts';
import { PHONE_PATTERN } from '../../notifications/personal-data-vault.ts';
import { tenantOf } from '../auth.ts';
import type { ApiDeps } from '../deps.ts';
import { forbidden, HttpError, notFound, unprocessable } from '../http-error.ts';
import {
  epochMs,
  errorResponses,
  idParam,
  issuedCode,
  lockerId,
  orderView,
  security,
  size,
} from '../schemas.ts';

const createBody = z.strictObject({
  kind: z.enum(ORDER_KINDS),
  lockerId,
  toLockerId: lockerId.optional().describe('resident-to-resident only: the recipient’s locker'),
  size,
  barcode: z.string().min(1).max(64),
  refrigerated: z.boolean().optional(),
  storageHours: z.number().int().min(1).max(720).optional(),
  externalRef: z.string().min(1).max(100).optional(),
  window: z.strictObject({ from: epochMs, until: epochMs }).optional(),
  recipient: z
    .strictObject({
      phone: z.string().regex(PHONE_PATTERN, 'phone: +7 and 10 digits'),
      language: z.enum(LANGUAGES).default('ru'),
    })
    .optional()
    .describe('the person the network notifies (resident-to-resident, rental, service round trip)'),
  cashOnDelivery: z
    .strictObject({ amountKopecks: z.number().int().min(1).max(100_000_000) })
    .optional()
    .describe('deliveries only: the recipient pays this at the locker before the cell opens'),
});

const created = z.object({ order: orderView, codes: z.array(issuedCode) });
const tags = ['orders'];

export const orderRoutes =
  ({ store, clock, notifications }: ApiDeps): FastifyPluginAsyncZod =>
  async (app) => {
    async function ownOrder(tenantId: string, orderId: string) {
      const order = await store.getOrder(orderId);
      if (order === undefined) throw notFound(`order "${orderId}"`);
      if (order.tenantId !== tenantId) throw forbidden('another tenant’s order');
      return order;
    }

    /** A full locker answers 409 with the nearest lockers that have room of that size. */
    async function fullLocker(error: unknown, tenantId: string, input: z.infer<typeof createBody>) {
      if (!isPostamatError(error, 'no-free-cell')) return error;
      const full = String(error.details.lockerId ?? input.lockerId);
      const at = await store.lockerPosition(full);
      const now = clock.now();
      const window = input.window ?? { from: now, until: now + 72 * 3_600_000 };
      const alternatives =
        at === undefined ? [] : await store.searchLockers(tenantId, at, 5, input.size, window, 5);
      return new HttpError(409, 'no-free-cell', error.message, { lockerId: full, alternatives });
    }

    app.post(
      '/v1/orders',
      {
        schema: {
          tags,
          security,
          summary: 'Create an order and book capacity for it',
          body: createBody,
          response: { 201: created, ...errorResponses },
        },
      },
      async (request, reply) => {
        const tenantId = tenantOf(request);
        const input = request.body;
        if (input.window !== undefined && input.window.until <= input.window.from) {
          throw unprocessable('window.until must be after window.from', { field: 'window.until' });
        }
        if (input.toLockerId !== undefined && input.kind !== 'resident-to-resident') {
          throw unprocessable('toLockerId is for resident-to-resident orders', {
            field: 'toLockerId',
          });
        }
        if (input.cashOnDelivery !== undefined && input.kind !== 'delivery') {
          throw unprocessable(`cash on delivery is for delivery orders, not ${input.kind}`, {
            field: 'cashOnDelivery',
          });
        }
        const { recipient, cashOnDelivery, ...orderInput } = input;
        if (recipient !== undefined && !isNotifiedKind(input.kind)) {
          throw unprocessable(
            `recipient is not kept for ${input.kind} orders: the tenant notifies`,
            {
              field: 'recipient',
            },
          );
        }
        if (recipient !== undefined && notifications === undefined) {
          throw unprocessable('notifications are not configured on this cloud', {
            field: 'recipient',
          });
        }
        const contact =
          recipient === undefined || notifications === undefined
            ? undefined
            : { ...recipient, ...notifications };
        try {
          const { orderId, codes } = await store.createOrder(tenantId, {
            ...orderInput,
            contact,
            amountDueKopecks: cashOnDelivery?.amountKopecks,
          });
          const order = await ownOrder(tenantId, orderId);
          return reply.code(201).send({ order, codes });
        } catch (error) {
          throw await fullLocker(error, tenantId, input);
        }
      },
    );

    app.get(
      '/v1/orders',
      {
        schema: {
          tags,
          security,
          querystring: z.strictObject({
            status: z.enum(ORDER_STATUSES).optional(),
            limit: z.coerce.number().int().min(1).max(500).default(50),
          }),
          response: { 200: z.object({ orders: z.array(orderView) }), ...errorResponses },
        },
      },
      async (request) => {
        const tenantId = tenantOf(request);
        const { limit, status } = request.query;
        return { orders: await store.listOrders(tenantId, limit, status) };
      },
    );

    app.get(
      '/v1/orders/:id',
      {
        schema: {
          tags,
          security,
          params: idParam,
          response: { 200: orderView, ...errorResponses },
        },
      },
      async (request) => ownOrder(tenantOf(request), request.params.id),
    );

    app.post(
      '/v1/orders/:id/cancel',
      {
        schema: {
          tags,
          security,
          params: idParam,
          response: { 200: orderView, ...errorResponses },
        },
      },
      async (request) => {
        const tenantId = tenantOf(request);
        await ownOrder(tenantId, request.params.id);
        await store.cancelOrder(tenantId, request.params.id);
        return ownOrder(tenantId, request.params.id);
      },
    );

    app.post(
      '/v1/orders/:id/extend',
      {
        schema: {
          tags,
          security,
          params: idParam,
          body: z.strictObject({ hours: z.number().int().min(1).max(720) }),
          response: { 200: orderView, ...errorResponses },
        },
      },
      async (request) => {
        const tenantId = tenantOf(request);
        await ownOrder(tenantId, request.params.id);
        await store.extendOrder(tenantId, request.params.id, request.body.hours);
        return ownOrder(tenantId, request.params.id);
      },
    );

    app.post(
      '/v1/orders/:id/redirect',
      {
        schema: {
          tags,
          security,
          params: idParam,
          body: z.strictObject({ lockerId }),
          response: { 200: created, ...errorResponses },
        },
      },
      async (request) => {
        const tenantId = tenantOf(request);
        await ownOrder(tenantId, request.params.id);
        const { codes } = await store.redirectOrder(
          tenantId,
          request.params.id,
          request.body.lockerId,
        );
        if (notifications !== undefined) {
          await store.resealContactCodes(request.params.id, codes, notifications.vault);
        }
        return { order: await ownOrder(tenantId, request.params.id), codes };
      },
    );
  };
