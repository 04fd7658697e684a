import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { operatorOf } from '../auth.ts';
import type { ApiDeps } from '../deps.ts';
import { errorResponses, security } from '../schemas.ts';
import { delivery, httpUrl } from './webhooks.ts';

const tags = ['operator'];
const tenantParam = z.strictObject({ id: z.string().min(1).max(100) });
const keyShown = z.object({
  keyId: z.string(),
  apiKey: z.string().describe('shown once; only its hash is stored'),
});

/**
 * An operator's admins manage the tenants it serves: create, keys, webhook endpoint and its
 * delivery log — what each tenant does for itself with its own key, done for it.
 */
export const operatorTenantRoutes =
  ({ store }: ApiDeps): FastifyPluginAsyncZod =>
  async (app) => {
    async function servedTenant(request: Parameters<typeof operatorOf>[0], tenantId: string) {
      await store.assertOperatorServes(operatorOf(request), tenantId);
      return tenantId;
    }

    app.get(
      '/v1/operator/tenants',
      {
        schema: {
          tags,
          security,
          summary: 'The tenants this operator serves, with their webhook URL',
          response: {
            200: z.object({
              tenants: z.array(
                z.object({
                  id: z.string(),
                  name: z.string(),
                  kind: z.string(),
                  createdAt: z.number(),
                  webhookUrl: z.string().nullable(),
                }),
              ),
            }),
            ...errorResponses,
          },
        },
      },
      async (request) => ({ tenants: await store.operatorTenants(operatorOf(request)) }),
    );

    app.post(
      '/v1/operator/tenants',
      {
        schema: {
          tags,
          security,
          summary: 'Create a tenant served by this operator; its first key is shown once',
          body: z.strictObject({
            name: z.string().min(1).max(200),
            kind: z.enum(['marketplace', 'shop', 'carrier', 'service-partner']),
          }),
          response: { 201: keyShown.extend({ tenantId: z.string() }), ...errorResponses },
        },
      },
      async (request, reply) => {
        const operatorId = operatorOf(request);
        const { tenant, keyId, apiKey } = await store.createTenant(
          request.body.name,
          request.body.kind,
        );
        await store.grantTenant(operatorId, tenant.id);
        return reply.code(201).send({ tenantId: tenant.id, keyId, apiKey });
      },
    );

    app.get(
      '/v1/operator/tenants/:id/keys',
      {
        schema: {
          tags,
          security,
          params: tenantParam,
          response: {
            200: z.object({
              keys: z.array(
                z.object({
                  keyId: z.string(),
                  label: z.string(),
                  createdAt: z.number(),
                  revokedAt: z.number().nullable(),
                }),
              ),
            }),
            ...errorResponses,
          },
        },
      },
      async (request) => ({
        keys: await store.listKeys('tenant', await servedTenant(request, request.params.id)),
      }),
    );

    app.post(
      '/v1/operator/tenants/:id/keys',
      {
        schema: {
          tags,
          security,
          summary: 'Issue a tenant API key (shown once)',
          params: tenantParam,
          body: z.strictObject({ label: z.string().min(1).max(100) }),
          response: { 201: keyShown, ...errorResponses },
        },
      },
      async (request, reply) => {
        const tenantId = await servedTenant(request, request.params.id);
        return reply.code(201).send(await store.issueKey('tenant', tenantId, request.body.label));
      },
    );

    app.delete(
      '/v1/operator/tenants/:id/keys/:keyId',
      {
        schema: {
          tags,
          security,
          params: tenantParam.extend({ keyId: z.string().min(1).max(100) }),
          response: { 204: z.null(), ...errorResponses },
        },
      },
      async (request, reply) => {
        const tenantId = await servedTenant(request, request.params.id);
        await store.revokeKey('tenant', tenantId, request.params.keyId);
        return reply.code(204).send(null);
      },
    );

    app.put(
      '/v1/operator/tenants/:id/webhooks/endpoint',
      {
        schema: {
          tags,
          security,
          summary: 'Set the tenant’s webhook URL; the signing secret is shown once',
          params: tenantParam,
          body: z.strictObject({ url: httpUrl }),
          response: {
            200: z.object({ id: z.string(), url: z.string(), secret: z.string() }),
            ...errorResponses,
          },
        },
      },
      async (request) =>
        store.setWebhookEndpoint(await servedTenant(request, request.params.id), request.body.url),
    );

    app.get(
      '/v1/operator/tenants/:id/webhooks/deliveries',
      {
        schema: {
          tags,
          security,
          params: tenantParam,
          querystring: z.strictObject({
            limit: z.coerce.number().int().min(1).max(500).default(50),
          }),
          response: { 200: z.object({ deliveries: z.array(delivery) }), ...errorResponses },
        },
      },
      async (request) => ({
        deliveries: await store.listDeliveries(
          await servedTenant(request, request.params.id),
          request.query.limit,
        ),
      }),
    );

    app.post(
      '/v1/operator/tenants/:id/webhooks/deliveries/:deliveryId/replay',
      {
        schema: {
          tags,
          security,
          params: tenantParam.extend({ deliveryId: z.string().min(1).max(100) }),
          response: { 202: z.null(), ...errorResponses },
        },
      },
      async (request, reply) => {
        const tenantId = await servedTenant(request, request.params.id);
        await store.replayDelivery(tenantId, request.params.deliveryId);
        return reply.code(202).send(null);
      },
    );
  };
