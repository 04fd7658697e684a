import { type ErrorCode, isPostamatError } from '../../protocol/index.ts';

/** An answer the API gives on purpose, with its HTTP status. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

const STATUS_OF: Partial<Record<ErrorCode, number>> = {
  'not-found': 404,
  'unknown-cell': 404,
  conflict: 409,
  duplicate: 409,
  'invalid-state': 409,
  'no-free-cell': 409,
  'not-authorized': 403,
  'bad-payload': 400,
};

/** The HTTP status of an error the domain raised; unlisted domain codes are 422. */
export function statusOfDomainError(error: unknown): number | undefined {
  if (!isPostamatError(error)) return undefined;
  return STATUS_OF[error.code] ?? 422;
}

export const unauthorized = () =>
  new HttpError(401, 'unauthorized', 'an API key is required: Authorization: Bearer <key>');
export const forbidden = (what: string) => new HttpError(403, 'forbidden', `not allowed: ${what}`);
export const notFound = (what: string) => new HttpError(404, 'not-found', `${what} not found`);
export const unprocessable = (message: string, details: Record<string, unknown> = {}) =>
  new HttpError(422, 'unprocessable', message, details);
