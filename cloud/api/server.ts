import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { notificationRoutes } from '../notifications/notification-routes.ts';
import { paymentRoutes } from '../payments/payment-routes.ts';
import { storageProfileRoutes } from '../payments/storage-profile-routes.ts';
import { installAuth } from './auth.ts';
import type { ApiDeps } from './deps.ts';
import { installErrorHandler } from './error-handler.ts';
import { installIdempotency } from './idempotency.ts';
import { installJsonParser } from './json-parser.ts';
import { accountRoutes } from './routes/accounts.ts';
import { courierRoutes } from './routes/couriers.ts';
import { healthRoutes } from './routes/health.ts';
import { lockerRoutes } from './routes/lockers.ts';
import { manifestRoutes } from './routes/manifests.ts';
import { operatorRoutes } from './routes/operator.ts';
import { orderRoutes } from './routes/orders.ts';
import { siteRoutes } from './routes/sites.ts';
import { webhookRoutes } from './routes/webhooks.ts';

/** Never log keys, codes or phones: request logs carry method, route and status only. */
export const LOG_REDACT = [
  'req.headers.authorization',
  'req.headers["idempotency-key"]',
  // A safety net: no log line is written with these, and one that was would show no phone.
  'phone',
  '*.phone',
  'recipient',
  '*.recipient',
];

export async function buildApi(
  deps: ApiDeps,
  loggerInstance?: FastifyBaseLogger,
): Promise<FastifyInstance> {
  const app = Fastify({
    ...(loggerInstance === undefined ? { logger: false } : { loggerInstance }),
    bodyLimit: 256 * 1024,
    trustProxy: false,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app, () => deps.metrics.badInput.inc());
  installJsonParser(app);
  // Decorations before any plugin: plugins registered earlier would not see them.
  installAuth(app, deps.store, deps.adminKey);
  installIdempotency(app, deps.store);
  await app.register(swagger, {
    openapi: {
      info: { title: 'postamat cloud API', version: '1.0.0' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const status = String(reply.statusCode);
    deps.metrics.apiLatency.observe(
      { method: request.method, route, status },
      reply.elapsedTime / 1000,
    );
    // A successful write may have changed what some locker must hold or do: tell the publishers.
    if (request.method !== 'GET' && request.method !== 'HEAD' && reply.statusCode < 300) {
      deps.onWrite?.();
    }
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  for (const routes of [
    healthRoutes,
    accountRoutes,
    courierRoutes,
    lockerRoutes,
    orderRoutes,
    webhookRoutes,
    operatorRoutes,
    manifestRoutes,
    siteRoutes,
    notificationRoutes,
    storageProfileRoutes,
    paymentRoutes,
  ]) {
    await app.register(routes(deps));
  }
  await app.ready();
  return app;
}
