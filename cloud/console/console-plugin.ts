import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { loadConsoleAssets } from './console-assets.ts';

/**
 * Only this origin's scripts, styles and API: no inline script or style, no framing, no form
 * posts elsewhere. The map is SVG built in the page, so nothing is loaded from outside.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Serves the operator console's static page at /console/; the page talks to the same /v1 API
 * as tenants' systems. Files are revalidated on every load (ETag → 304), so a new release is
 * picked up at once and an unchanged one costs a round trip, not the bytes.
 */
export function consolePlugin(): FastifyPluginAsync {
  return async (app) => {
    const assets = loadConsoleAssets();
    const send = (request: FastifyRequest, reply: FastifyReply, path: string) => {
      const asset = assets.get(path);
      if (asset === undefined) {
        return reply.code(404).send({ code: 'not-found', message: `no console file "${path}"` });
      }
      reply
        .header('content-security-policy', CONSOLE_CSP)
        .header('x-content-type-options', 'nosniff')
        .header('referrer-policy', 'no-referrer')
        .header('cache-control', 'no-cache')
        .header('etag', asset.etag)
        .type(asset.contentType);
      if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
      return reply.send(asset.body);
    };
    const hide = { schema: { hide: true } };
    app.get('/console', hide, async (_request, reply) => reply.redirect('/console/'));
    app.get('/console/', hide, async (request, reply) => send(request, reply, ''));
    app.get<{ Params: { '*': string } }>('/console/*', hide, async (request, reply) =>
      send(request, reply, request.params['*']),
    );
  };
}
