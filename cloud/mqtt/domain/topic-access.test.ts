import { describe, expect, it } from 'vitest';
import { mayPublish, maySubscribe, type Principal } from './topic-access.ts';

const p = 'postamat/v1/lockers';
const a: Principal = { kind: 'locker', lockerId: 'L-A' };
const cloud: Principal = { kind: 'cloud' };

describe('topic access', () => {
  it.each([
    [a, `${p}/L-A/events`, true],
    [a, `${p}/L-A/status`, true],
    [a, `${p}/L-A/acks`, false],
    [a, `${p}/L-A/commands`, false],
    [a, `${p}/L-B/events`, false],
    [a, `${p}/L-B/status`, false],
    [a, `${p}/L-A/events/extra`, false],
    [a, 'elsewhere/L-A/events', false],
    [a, '$SYS/broker', false],
    [cloud, `${p}/L-A/acks`, true],
    [cloud, `${p}/L-B/commands`, true],
    [cloud, `${p}/L-B/sync`, true],
    [cloud, `${p}/L-B/events`, false],
    [cloud, `${p}/L-B/status`, false],
  ])('publish %o on %s: %s', (who, topic, allowed) => {
    expect(mayPublish(who, topic)).toBe(allowed);
  });

  it.each([
    [a, `${p}/L-A/acks`, true],
    [a, `${p}/L-A/sync`, true],
    [a, `${p}/L-A/commands`, true],
    [a, `${p}/L-A/events`, false],
    [a, `${p}/L-B/acks`, false],
    [a, `${p}/L-B/commands`, false],
    [a, `${p}/+/commands`, false],
    [a, `${p}/#`, false],
    [a, '#', false],
    [cloud, `${p}/+/events`, true],
    [cloud, `${p}/+/status`, true],
    [cloud, '#', false],
  ])('subscribe %o to %s: %s', (who, filter, allowed) => {
    expect(maySubscribe(who, filter)).toBe(allowed);
  });

  it('honours another prefix', () => {
    expect(mayPublish(a, 'test-x/L-A/events', 'test-x')).toBe(true);
    expect(mayPublish(a, `${p}/L-A/events`, 'test-x')).toBe(false);
  });
});
