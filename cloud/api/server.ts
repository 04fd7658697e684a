import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { consolePlugin } from '../console/console-plugin.ts';
import { notificationRoutes } from '../notifications/notification-routes.ts';
import { paymentRoutes } from '../payments/payment-routes.ts';
import { storageProfileRoutes } from '../payments/storage-profile-routes.ts';
import { installAuth } from './auth.ts';
import type { ApiDeps } from './deps.ts';
import { installErrorHandler } from './error-handler.ts';
import { installIdempotency } from './idempotency.ts';
import { installJsonParser } from './json-parser.ts';
import { accountRoutes } from './routes/accounts.ts';
import { alarmRoutes } from './routes/alarms.ts';
import { courierRoutes } from './routes/couriers.ts';
import { fleetRoutes } from './routes/fleet.ts';
import { healthRoutes } from './routes/health.ts';
import { lockerRoutes } from './routes/lockers.ts';
import { manifestRoutes } from './routes/manifests.ts';
import { operatorRoutes } from './routes/operator.ts';
import { operatorTenantRoutes } from './routes/operator-tenants.ts';
import { orderSearchRoutes } from './routes/order-search.ts';
import { orderRoutes } from './routes/orders.ts';
import { sessionRoutes } from './routes/session.ts';
import { siteRoutes } from './routes/sites.ts';
import { streamRoutes } from './routes/stream.ts';
import { userRoutes } from './routes/users.ts';
import { webhookRoutes } from './routes/webhooks.ts';

/** Never log keys, codes or phones: request logs carry method, route and status only. */
export const LOG_REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
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
  installAuth(app, deps.store, deps.adminKey, deps.console);
  installIdempotency(app, deps.store, deps.notifications?.vault);
  await app.register(swagger, {
    openapi: {
      info: { title: 'postamat cloud API', version: '1.0.0' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          session: { type: 'apiKey', in: 'cookie', name: 'postamat_session' },
        },
      },
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
    sessionRoutes,
    userRoutes,
    fleetRoutes,
    alarmRoutes,
    orderSearchRoutes,
    operatorTenantRoutes,
    streamRoutes,
    storageProfileRoutes,
    paymentRoutes,
  ]) {
    await app.register(routes(deps));
  }
  // The operator console's static page at /console/ (it calls the routes above, nothing else).
  await app.register(consolePlugin());
  await app.ready();
  return app;
}
