import type { IncomingMessage } from 'node:http';
import { PostamatError } from '../../protocol/index.ts';

const MAX_BODY_BYTES = 16 * 1024;

/** Reads a small JSON object body; anything else is a `bad-payload` naming what was wrong. */
export async function readJsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      throw new PostamatError('payload-too-large', `body is over ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(chunk);
  }
  if (size === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new PostamatError('bad-payload', 'body is not JSON', { field: 'body' });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new PostamatError('bad-payload', 'body must be a JSON object', { field: 'body' });
  }
  return parsed as Record<string, unknown>;
}

function bad(field: string, want: string, value: unknown): PostamatError {
  return new PostamatError(
    'bad-payload',
    `${field} must be ${want}, got ${JSON.stringify(value) ?? 'nothing'}`,
    { field },
  );
}

export function str(body: Record<string, unknown>, field: string, maxLength = 128): string {
  const value = body[field];
  if (typeof value !== 'string' || value.length > maxLength) {
    throw bad(field, `a string of at most ${maxLength} characters`, value);
  }
  return value;
}

export function optionalStr(body: Record<string, unknown>, field: string): string | undefined {
  return body[field] === undefined ? undefined : str(body, field);
}

export function int(body: Record<string, unknown>, field: string): number {
  const value = body[field];
  if (typeof value !== 'number' || !Number.isInteger(value)) throw bad(field, 'an integer', value);
  return value;
}

export function bool(body: Record<string, unknown>, field: string): boolean {
  const value = body[field];
  if (typeof value !== 'boolean') throw bad(field, 'true or false', value);
  return value;
}
