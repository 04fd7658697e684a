import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { callerOf, requireAdmin } from '../auth.ts';
import type { ApiDeps } from '../deps.ts';
import { forbidden } from '../http-error.ts';
import { errorResponses, idParam, security } from '../schemas.ts';

const name = z.string().min(1).max(200);
const keyShown = z.object({
  keyId: z.string(),
  apiKey: z.string().describe('shown once; only its hash is stored'),
});
const keyInfo = z.object({
  keyId: z.string(),
  label: z.string(),
  createdAt: z.number(),
  revokedAt: z.number().nullable(),
});

/** Admin creates operators and tenants; every key holder manages its own keys. */
export const accountRoutes =
  ({ store }: ApiDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/v1/admin/operators',
      {
        schema: {
          tags: ['admin'],
          security,
          body: z.strictObject({ name }),
          response: { 201: keyShown.extend({ operatorId: z.string() }), ...errorResponses },
        },
      },
      async (request, reply) => {
        requireAdmin(request);
        const { operator, keyId, apiKey } = await store.createOperator(request.body.name);
        return reply.code(201).send({ operatorId: operator.id, keyId, apiKey });
      },
    );

    app.post(
      '/v1/admin/tenants',
      {
        schema: {
          tags: ['admin'],
          security,
          body: z.strictObject({
            name,
            kind: z.enum(['marketplace', 'shop', 'carrier', 'service-partner']),
          }),
          response: { 201: keyShown.extend({ tenantId: z.string() }), ...errorResponses },
        },
      },
      async (request, reply) => {
        requireAdmin(request);
        const { tenant, keyId, apiKey } = await store.createTenant(
          request.body.name,
          request.body.kind,
        );
        return reply.code(201).send({ tenantId: tenant.id, keyId, apiKey });
      },
    );

    function owner(request: Parameters<typeof callerOf>[0]) {
      const caller = callerOf(request);
      if (caller.kind === 'admin') throw forbidden('the admin key is not managed here');
      return caller;
    }

    app.get(
      '/v1/keys',
      {
        schema: {
          tags: ['keys'],
          security,
          response: { 200: z.object({ keys: z.array(keyInfo) }), ...errorResponses },
        },
      },
      async (request) => {
        const caller = owner(request);
        return { keys: await store.listKeys(caller.kind, caller.id) };
      },
    );

    app.post(
      '/v1/keys',
      {
        schema: {
          tags: ['keys'],
          security,
          body: z.strictObject({ label: z.string().min(1).max(100) }),
          response: { 201: keyShown, ...errorResponses },
        },
      },
      async (request, reply) => {
        const caller = owner(request);
        return reply
          .code(201)
          .send(await store.issueKey(caller.kind, caller.id, request.body.label));
      },
    );

    app.delete(
      '/v1/keys/:id',
      {
        schema: {
          tags: ['keys'],
          security,
          params: idParam,
          response: { 204: z.null(), ...errorResponses },
        },
      },
      async (request, reply) => {
        const caller = owner(request);
        await store.revokeKey(caller.kind, caller.id, request.params.id);
        return reply.code(204).send(null);
      },
    );
  };
