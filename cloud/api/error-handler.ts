import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { isPostamatError } from '../../protocol/index.ts';
import { HttpError, statusOfDomainError } from './http-error.ts';

export interface ErrorBody {
  readonly error: string;
  readonly message: string;
  readonly issues?: readonly { path: string; message: string }[];
  readonly details?: Record<string, unknown>;
}

/**
 * One mapping from errors to answers: validation → 400 listing every bad field, deliberate
 * errors → their status, anything else → 500 (the fuzz test holds that nothing gets there).
 */
export function installErrorHandler(app: FastifyInstance, onBadInput: () => void): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      onBadInput();
      const where = error.validationContext ?? 'request';
      const issues = error.validation.map((v) => ({
        path: [where, ...v.instancePath.split('/').filter((p) => p !== '')].join('.'),
        message: v.message ?? 'invalid',
      }));
      const message = `bad input: ${issues.map((i) => i.path).join(', ')}`;
      return reply.code(400).send({ error: 'bad-request', message, issues } satisfies ErrorBody);
    }
    if (error instanceof HttpError) {
      const body: ErrorBody = { error: error.code, message: error.message, details: error.details };
      return reply.code(error.statusCode).send(body);
    }
    const domainStatus = statusOfDomainError(error);
    if (domainStatus !== undefined && isPostamatError(error)) {
      const body: ErrorBody = {
        error: error.code,
        message: error.message,
        details: { ...error.details },
      };
      return reply.code(domainStatus).send(body);
    }
    const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status >= 400 && status < 500) {
      onBadInput();
      return reply
        .code(status)
        .send({ error: error.code ?? 'bad-request', message: error.message });
    }
    request.log.error({ event: 'api.error', err: error }, 'unhandled error');
    return reply.code(500).send({ error: 'internal', message: 'internal error' });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      error: 'not-found',
      message: `no route ${request.method} ${request.url.split('?')[0]}`,
    }),
  );
}
