import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { openViaWebhook } from '../../adapters/access-webhook.ts';
import { ACCESS_DRIVERS, ACCESS_KINDS } from '../../store/site-store.ts';
import { operatorOf, siteOf, tenantOf } from '../auth.ts';
import type { ApiDeps } from '../deps.ts';
import { HttpError } from '../http-error.ts';
import { epochMs, errorResponses, lockerId, security } from '../schemas.ts';

const tags = ['sites'];
const siteParam = z.strictObject({ siteId: z.string().min(1).max(100) });
const accessPoint = z.object({
  id: z.string(),
  siteId: z.string(),
  name: z.string(),
  kind: z.string(),
  driver: z.string(),
  lockerId: z.string().nullable(),
  url: z.string().nullable(),
});
const passage = z.object({
  id: z.string(),
  accessPointId: z.string(),
  courierId: z.string().nullable(),
  tenantId: z.string().nullable(),
  at: z.number(),
  outcome: z.string(),
  reason: z.string().nullable(),
  source: z.string(),
});

const accessPointBody = z
  .strictObject({
    name: z.string().min(1).max(200),
    kind: z.enum(ACCESS_KINDS),
    driver: z.enum(ACCESS_DRIVERS),
    lockerId: lockerId.optional(),
    url: z
      .url({ protocol: /^https?$/ })
      .max(500)
      .optional(),
  })
  .superRefine((b, ctx) => {
    if (b.driver === 'webhook' && b.url === undefined) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'a webhook access point needs url' });
    }
    if (b.driver !== 'webhook' && b.lockerId === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['lockerId'],
        message: `a ${b.driver} access point needs the lockerId that drives it`,
      });
    }
  });

/** Closed sites: access points (operator), passes at the gate (tenant), the passage log (site). */
export const siteRoutes =
  ({ store, clock }: ApiDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/v1/operator/sites/:siteId/access-points',
      {
        schema: {
          tags,
          security,
          params: siteParam,
          body: accessPointBody,
          response: {
            201: accessPoint.extend({ secret: z.string().optional() }),
            ...errorResponses,
          },
        },
      },
      async (request, reply) =>
        reply
          .code(201)
          .send(
            await store.createAccessPoint(operatorOf(request), request.params.siteId, request.body),
          ),
    );

    app.post(
      '/v1/operator/sites/:siteId/keys',
      {
        schema: {
          tags,
          security,
          summary: 'An API key for the site’s management: reads its passage log, nothing else',
          params: siteParam,
          body: z.strictObject({ label: z.string().min(1).max(100) }),
          response: { 201: z.object({ keyId: z.string(), apiKey: z.string() }), ...errorResponses },
        },
      },
      async (request, reply) =>
        reply
          .code(201)
          .send(
            await store.issueSiteKey(
              operatorOf(request),
              request.params.siteId,
              request.body.label,
            ),
          ),
    );

    app.post(
      '/v1/sites/:siteId/access-points/:accessPointId/enter',
      {
        schema: {
          tags,
          security,
          summary: 'A courier at a webhook-driven gate: checked now, opened by the complex',
          params: siteParam.extend({ accessPointId: z.string().min(1).max(100) }),
          body: z.strictObject({ courierId: z.string().min(1).max(100) }),
          response: {
            200: z.object({
              passageId: z.string(),
              outcome: z.enum(['allowed', 'refused', 'failed']),
              reason: z.string().nullable(),
            }),
            ...errorResponses,
          },
        },
      },
      async (request) => {
        const tenantId = tenantOf(request);
        const { siteId, accessPointId } = request.params;
        const { courierId } = request.body;
        const ap = await store.accessPoint(siteId, accessPointId);
        if (ap.driver !== 'webhook' || ap.url === null || ap.secret === null) {
          throw new HttpError(
            409,
            'invalid-state',
            'this access point checks passes at its keypad',
          );
        }
        const courier = (await store.listCouriers(tenantId)).find((c) => c.id === courierId);
        if (courier === undefined) {
          throw new HttpError(404, 'not-found', `no courier "${courierId}"`, {
            field: 'courierId',
          });
        }
        const at = clock.now();
        const check = courier.active
          ? await store.checkSitePass(siteId, courierId, at)
          : ({ allowed: false, reason: 'revoked' } as const);
        const base = { siteId, accessPointId, courierId, tenantId, at };
        if (!check.allowed) {
          const passageId = await store.recordPassage({
            ...base,
            outcome: 'refused',
            reason: check.reason,
          });
          return { passageId, outcome: 'refused' as const, reason: check.reason };
        }
        const answer = await openViaWebhook(
          ap.url,
          ap.secret,
          {
            passageId: 'pending',
            siteId,
            accessPointId,
            courierId,
            tenantId,
            validUntil: check.validUntil,
          },
          at,
        );
        const outcome = answer.opened ? ('allowed' as const) : ('failed' as const);
        const reason = answer.opened ? null : answer.reason;
        const passageId = await store.recordPassage({ ...base, outcome, reason });
        return { passageId, outcome, reason };
      },
    );

    app.get(
      '/v1/site',
      {
        schema: {
          tags,
          security,
          summary: 'The site of this site-management key, with its access points',
          response: {
            200: z.object({
              id: z.string(),
              name: z.string(),
              kind: z.string(),
              accessPoints: z.array(accessPoint),
            }),
            ...errorResponses,
          },
        },
      },
      async (request) => store.siteView(siteOf(request)),
    );

    app.get(
      '/v1/site/passages',
      {
        schema: {
          tags,
          security,
          summary: 'Every passage through the site’s access points, allowed or refused',
          querystring: z.strictObject({
            since: z.coerce.number().pipe(epochMs).optional(),
            limit: z.coerce.number().int().min(1).max(1000).optional(),
          }),
          response: { 200: z.object({ passages: z.array(passage) }), ...errorResponses },
        },
      },
      async (request) => ({
        passages: await store.sitePassages(
          siteOf(request),
          request.query.since,
          request.query.limit,
        ),
      }),
    );
  };
