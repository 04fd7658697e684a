import { describe, expect, it } from 'vitest';
import { isPostamatError } from './errors.ts';
import { parseTopic, TOPIC_KINDS, topicFor, wildcardTopic } from './mqtt-topics.ts';

describe('topics', () => {
  it.each(TOPIC_KINDS)('builds and parses the %s topic of a locker', (kind) => {
    const topic = topicFor('msk-0042', kind);
    expect(topic).toBe(`postamat/v1/lockers/msk-0042/${kind}`);
    expect(parseTopic(topic)).toEqual({ lockerId: 'msk-0042', kind });
  });

  it('gives the cloud one wildcard filter per kind', () => {
    expect(wildcardTopic('events')).toBe('postamat/v1/lockers/+/events');
  });

  it.each([
    ['another prefix', 'postamat/v2/lockers/a/events'],
    ['missing kind', 'postamat/v1/lockers/a'],
    ['unknown kind', 'postamat/v1/lockers/a/doors'],
    ['extra level', 'postamat/v1/lockers/a/events/x'],
    ['wildcard as locker id', 'postamat/v1/lockers/+/events'],
    ['empty locker id', 'postamat/v1/lockers//events'],
  ])('rejects %s with code bad-topic', (_name, topic) => {
    expect(() => parseTopic(topic)).toThrow(
      expect.objectContaining({ code: 'bad-topic', message: expect.stringContaining(topic) }),
    );
  });

  it.each(['a/b', '#', '+', '', 'x'.repeat(65)])(
    'refuses to build a topic for locker id %j',
    (id) => {
      let caught: unknown;
      try {
        topicFor(id, 'events');
      } catch (error) {
        caught = error;
      }
      expect(isPostamatError(caught, 'bad-topic')).toBe(true);
    },
  );
});
