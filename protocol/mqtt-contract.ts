import type { z } from 'zod';
import { PostamatError } from './errors.ts';
import {
  ackSchema,
  commandSchema,
  eventBatchSchema,
  statusSchema,
  syncMessageSchema,
} from './mqtt-messages.ts';
import type { TopicKind } from './mqtt-topics.ts';

/** The typed map of topic kind to payload: a publisher cannot send the wrong payload to a topic. */
export const TOPIC_SCHEMAS = {
  events: eventBatchSchema,
  acks: ackSchema,
  sync: syncMessageSchema,
  commands: commandSchema,
  status: statusSchema,
} as const satisfies Record<TopicKind, z.ZodType>;

export type TopicPayload<K extends TopicKind> = z.infer<(typeof TOPIC_SCHEMAS)[K]>;

/** Larger payloads are refused before parsing; a 1000-event batch fits well within it. */
export const MAX_PAYLOAD_BYTES = 1024 * 1024;

export function encodePayload<K extends TopicKind>(kind: K, payload: TopicPayload<K>): string {
  // Validate on the way out too: a bug on our side must fail here, not on the other end.
  const parsed = TOPIC_SCHEMAS[kind].safeParse(payload);
  if (!parsed.success) throw badPayload(kind, parsed.error);
  return JSON.stringify(payload);
}

/** Parses bytes received on a topic of `kind`; every failure is a PostamatError with a code. */
export function decodePayload<K extends TopicKind>(
  kind: K,
  bytes: Uint8Array | string,
): TopicPayload<K> {
  const size = typeof bytes === 'string' ? bytes.length : bytes.byteLength;
  if (size > MAX_PAYLOAD_BYTES) {
    throw new PostamatError(
      'payload-too-large',
      `${kind} payload of ${size} bytes exceeds ${MAX_PAYLOAD_BYTES}`,
      { kind, size },
    );
  }
  let json: unknown;
  try {
    const text =
      typeof bytes === 'string' ? bytes : new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    json = JSON.parse(text);
  } catch (error) {
    throw new PostamatError('bad-payload', `${kind} payload is not UTF-8 JSON: ${String(error)}`, {
      kind,
    });
  }
  const parsed = TOPIC_SCHEMAS[kind].safeParse(json);
  if (!parsed.success) throw badPayload(kind, parsed.error);
  return parsed.data as TopicPayload<K>;
}

function badPayload(kind: TopicKind, error: z.ZodError): PostamatError {
  const issues = error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(root)',
    message: issue.message,
  }));
  const text = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  return new PostamatError('bad-payload', `bad ${kind} payload: ${text}`, { kind, issues });
}
