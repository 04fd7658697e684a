import type { FastifyInstance } from 'fastify';
import type { PersonalDataVault } from '../notifications/personal-data-vault.ts';
import { restingAnswer } from '../notifications/resting-answer.ts';
import { sha256Hex } from '../security/secrets.ts';
import type { CloudStore } from '../store/store.ts';
import { HttpError } from './http-error.ts';

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: { principal: string; key: string } | null;
  }
}

const KEY = /^[\x21-\x7e]{1,200}$/;

/**
 * `Idempotency-Key` on POST: the first request with a key runs and its answer (below 500) is
 * kept; a retry with the same key and body gets that answer again, nothing runs twice.
 */
export function installIdempotency(
  app: FastifyInstance,
  store: CloudStore,
  vault?: PersonalDataVault,
): void {
  // The kept answer may carry codes: sealed (or masked) at rest, see resting-answer.ts.
  const rest = restingAnswer(vault);
  app.decorateRequest('idempotency', null);
  app.addHook('preHandler', async (request, reply) => {
    const header = request.headers['idempotency-key'];
    if (request.method !== 'POST' || header === undefined) return;
    if (typeof header !== 'string' || !KEY.test(header)) {
      throw new HttpError(400, 'bad-request', 'Idempotency-Key must be 1-200 printable characters');
    }
    if (request.caller === null) return;
    const principal = `${request.caller.kind}:${request.caller.id}`;
    const requestHash = sha256Hex(
      `${request.method} ${request.url}\n${JSON.stringify(request.body ?? null)}`,
    );
    const claim = await store.claimIdempotencyKey(principal, header, requestHash);
    if (claim.state === 'mismatch') {
      throw new HttpError(
        422,
        'idempotency-mismatch',
        'Idempotency-Key reused with another request',
      );
    }
    if (claim.state === 'in-progress') {
      throw new HttpError(
        409,
        'idempotency-in-progress',
        'a request with this Idempotency-Key is running',
      );
    }
    if (claim.state === 'replay') {
      return reply
        .code(claim.statusCode)
        .header('idempotent-replayed', 'true')
        .type('application/json; charset=utf-8')
        .send(rest.fromRest(claim.body));
    }
    request.idempotency = { principal, key: header };
  });
  app.addHook('onSend', async (request, reply, payload) => {
    const claim = request.idempotency;
    if (claim == null) return payload;
    request.idempotency = null;
    if (reply.statusCode >= 500 || typeof payload !== 'string') {
      await store.releaseIdempotencyKey(claim.principal, claim.key);
    } else {
      const stored = rest.toRest(payload);
      await store.completeIdempotencyKey(claim.principal, claim.key, reply.statusCode, stored);
    }
    return payload;
  });
}
