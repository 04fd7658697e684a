import type { FastifyInstance } from 'fastify';
import { HttpError } from './http-error.ts';

/**
 * JSON bodies, where an empty body counts as no body: many clients send
 * `Content-Type: application/json` on a body-less POST (cancel, grant), which is not an error.
 */
export function installJsonParser(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text, dropProtoKeys));
    } catch {
      done(new HttpError(400, 'bad-json', 'body is not valid JSON'), undefined);
    }
  });
}

/** Keys that could reach an object's prototype if the body were ever merged into one. */
function dropProtoKeys(key: string, value: unknown): unknown {
  return key === '__proto__' || key === 'constructor' ? undefined : value;
}
