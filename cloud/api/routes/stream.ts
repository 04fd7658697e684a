import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { LIVE_EVENT_TYPES, type LiveEvent, visibleTo } from '../../live/event-hub.ts';
import { callerOf } from '../auth.ts';
import type { ApiDeps } from '../deps.ts';
import { forbidden, notFound } from '../http-error.ts';
import { errorResponses, security } from '../schemas.ts';

const HEARTBEAT_MS = 15_000;

function frame(event: LiveEvent): string {
  const data = { ...event.data, at: event.at, lockerId: event.lockerId };
  return `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * Server-sent events for the console: what happens in the network as it is ingested, filtered
 * for the caller (an operator's lockers; a tenant's own orders). Every 15 s a comment line keeps
 * proxies from closing it and the session is checked again: sign-out or disabling ends it.
 */
export const streamRoutes =
  ({ store, live }: ApiDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const open = new Set<{ end(): void }>();
    // Streams never end on their own: a closing server ends them, or close would wait forever.
    app.addHook('preClose', async () => {
      for (const raw of open) raw.end();
    });

    app.get(
      '/v1/operator/stream',
      {
        schema: {
          tags: ['console'],
          security,
          summary: `Live events (text/event-stream): ${LIVE_EVENT_TYPES.join(', ')}. Last-Event-ID resumes.`,
          response: { ...errorResponses },
        },
      },
      async (request, reply) => {
        const caller = callerOf(request);
        if (caller.kind === 'site') throw forbidden('the stream is for operators and tenants');
        if (live === undefined) throw notFound('live stream on this cloud');
        reply.hijack();
        const raw = reply.raw;
        raw.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-store',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
        });
        raw.write('retry: 3000\n: connected\n\n');
        const send = (event: LiveEvent) => {
          if (visibleTo(event, caller)) raw.write(frame(event));
        };
        const lastId = Number(request.headers['last-event-id']);
        if (Number.isInteger(lastId) && lastId > 0) for (const e of live.since(lastId)) send(e);
        const unsubscribe = live.subscribe(send);
        const sessionId = caller.user?.sessionId;
        const heartbeat = setInterval(() => {
          void (async () => {
            if (sessionId !== undefined && !(await store.sessionLive(sessionId))) {
              raw.end();
              return;
            }
            raw.write(': ping\n\n');
          })().catch(() => raw.end());
        }, HEARTBEAT_MS);
        open.add(raw);
        raw.on('close', () => {
          open.delete(raw);
          clearInterval(heartbeat);
          unsubscribe();
        });
      },
    );
  };
