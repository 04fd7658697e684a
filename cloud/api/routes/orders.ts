import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isPostamatError, ORDER_KINDS, ORDER_STATUSES } from '../../../protocol/index.ts';
import { isNotifiedKind, LANGUAGES } from '../../notifications/domain/notification-plan.ts';
import { PHONE_PATTERN } from '../../notifications/personal-data-vault.ts';
import { callerOf, tenantOf } from '../auth.ts';
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
  ({ store, clock, notifications, live }: ApiDeps): FastifyPluginAsyncZod =>
  async (app) => {
    async function ownOrder(tenantId: string, orderId: string) {
      const order = await store.getOrder(orderId);
      if (order === undefined) throw notFound(`order "${orderId}"`);
      if (order.tenantId !== tenantId) throw forbidden('another tenant’s order');
      return order;
    }

    /**
     * A tenant's own order, or (console dispatchers, operator keys) an order at one of the
     * operator's lockers, whatever its tenant. Answers the order; changes act as its tenant.
     */
    async function visibleOrder(request: Parameters<typeof callerOf>[0], orderId: string) {
      const caller = callerOf(request);
      if (caller.kind === 'tenant') return ownOrder(caller.id, orderId);
      if (caller.kind !== 'operator') throw forbidden('orders are for tenants and operators');
      const order = await store.getOrder(orderId);
      if (order === undefined || !(await store.orderVisibleToOperator(caller.id, orderId))) {
        throw notFound(`order "${orderId}"`);
      }
      return order;
    }

    /** The console's live feed: an order changed through the API. */
    async function announce(order: {
      id: string;
      tenantId: string;
      status: string;
      steps: readonly { lockerId: string }[];
    }) {
      await live?.publish({
        type: 'order.status',
        at: clock.now(),
        lockerId: order.steps[0]?.lockerId ?? null,
        tenantId: order.tenantId,
        data: { orderId: order.id, tenantId: order.tenantId, status: order.status, source: 'api' },
      });
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
      async (request) => visibleOrder(request, request.params.id),
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
        const { tenantId } = await visibleOrder(request, request.params.id);
        await store.cancelOrder(tenantId, request.params.id);
        const order = await ownOrder(tenantId, request.params.id);
        await announce(order);
        return order;
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
        const { tenantId } = await visibleOrder(request, request.params.id);
        await store.extendOrder(tenantId, request.params.id, request.body.hours);
        const order = await ownOrder(tenantId, request.params.id);
        await announce(order);
        return order;
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
        const caller = callerOf(request);
        const { tenantId } = await visibleOrder(request, request.params.id);
        // An operator redirects to its own lockers only.
        if (caller.kind === 'operator')
          await store.assertOperatorOwns(caller.id, request.body.lockerId);
        const { codes } = await store.redirectOrder(
          tenantId,
          request.params.id,
          request.body.lockerId,
        );
        if (notifications !== undefined) {
          await store.resealContactCodes(request.params.id, codes, notifications.vault);
        }
        const order = await ownOrder(tenantId, request.params.id);
        await announce(order);
        return { order, codes };
      },
    );
  };
