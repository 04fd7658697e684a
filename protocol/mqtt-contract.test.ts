import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPostamatError, PostamatError } from './errors.ts';
import { decodePayload, encodePayload, MAX_PAYLOAD_BYTES } from './mqtt-contract.ts';
import type { EventBatch } from './mqtt-messages.ts';
import { TOPIC_KINDS } from './mqtt-topics.ts';

const batch: EventBatch = {
  lockerId: 'L1',
  events: [
    { lockerId: 'L1', seq: 7, at: 1_764_000_000_000, type: 'door.opened', body: { cell: 'A3' } },
    { lockerId: 'L1', seq: 8, at: 1_764_000_000_500, type: 'door.closed', body: { cell: 'A3' } },
  ],
};

function decodeError(kind: (typeof TOPIC_KINDS)[number], raw: unknown): PostamatError {
  try {
    decodePayload(kind, typeof raw === 'string' ? raw : JSON.stringify(raw));
  } catch (error) {
    if (error instanceof PostamatError) return error;
    throw error;
  }
  throw new Error('expected the payload to be rejected');
}

describe('MQTT contract', () => {
  it('round-trips an event batch', () => {
    expect(decodePayload('events', encodePayload('events', batch))).toEqual(batch);
  });

  it('round-trips a command and keeps its expiry', () => {
    const command = {
      id: 'cmd-1',
      lockerId: 'L1',
      issuedAt: 1000,
      expiresAt: 61_000,
      type: 'remote-open' as const,
      body: { cellId: 'A3', reason: 'resident called support', operator: 'op-7' },
    };
    expect(decodePayload('commands', encodePayload('commands', command))).toEqual(command);
  });

  it.each([
    ['events', { ...batch, events: [{ ...batch.events[0], seq: 0 }] }, 'events.0.seq'],
    [
      'events',
      { ...batch, events: [batch.events[0], { ...batch.events[1], seq: 9 }] },
      'events.1.seq',
    ],
    ['events', { ...batch, events: [{ ...batch.events[0], lockerId: 'L2' }] }, 'events.0.lockerId'],
    ['events', { ...batch, events: [] }, 'events'],
    ['events', { ...batch, extra: 1 }, '(root)'],
    ['acks', { lockerId: 'L1', committedSeq: -1 }, 'committedSeq'],
    ['acks', { lockerId: 'a/b', committedSeq: 1 }, 'lockerId'],
    [
      'commands',
      {
        id: 'c',
        lockerId: 'L1',
        issuedAt: 1,
        expiresAt: 2,
        type: 'remote-open',
        body: { cellId: 'A1', operator: 'o' },
      },
      'body.reason',
    ],
    [
      'commands',
      { id: 'c', lockerId: 'L1', issuedAt: 1, expiresAt: 2, type: 'self-destruct', body: {} },
      'type',
    ],
    ['status', { lockerId: 'L1', online: 'yes', at: 1 }, 'online'],
    [
      'sync',
      { lockerId: 'L1', kind: 'snapshot', version: 1, issuedAt: 1, codes: [{ orderId: 'o' }] },
      'codes.0.stepId',
    ],
  ] as const)('rejects a bad %s payload naming %s', (kind, raw, path) => {
    const error = decodeError(kind, raw);
    expect(error.code).toBe('bad-payload');
    expect(error.message).toContain(path);
  });

  it('refuses to encode a payload that does not fit its topic', () => {
    const bad = { lockerId: 'L1', committedSeq: 1.5 };
    expect(() => encodePayload('acks', bad)).toThrow(
      expect.objectContaining({ code: 'bad-payload' }),
    );
  });

  it('rejects non-JSON, invalid UTF-8 and oversized payloads with their own codes', () => {
    expect(decodeError('acks', '{not json').code).toBe('bad-payload');
    let utf8Error: unknown;
    try {
      decodePayload('acks', new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]));
    } catch (error) {
      utf8Error = error;
    }
    expect(isPostamatError(utf8Error, 'bad-payload')).toBe(true);
    expect(decodeError('events', 'x'.repeat(MAX_PAYLOAD_BYTES + 1)).code).toBe('payload-too-large');
  });

  it('throws only coded PostamatErrors for arbitrary input on every topic', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...TOPIC_KINDS),
        fc.oneof(fc.string(), fc.json()),
        (kind, text) => {
          try {
            decodePayload(kind, text);
          } catch (error) {
            return (
              error instanceof PostamatError &&
              ['bad-payload', 'payload-too-large'].includes(error.code)
            );
          }
          return true;
        },
      ),
      { numRuns: 2000 },
    );
  });
});
