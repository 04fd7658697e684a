import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PresenceLog } from './presence-log.ts';

/** What an operator reads in the journal: info lines only, as the cloud runs in production. */
function journal() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { lines, logger: pino({ level: 'info' }, stream) };
}

describe('PresenceLog', () => {
  let now = 0;
  beforeEach(() => {
    vi.useFakeTimers();
    now = 1_000;
  });
  afterEach(() => vi.useRealTimers());

  const presence = (e: Record<string, unknown>) => e.event === 'mqtt.locker.presence';
  const summary = (e: Record<string, unknown>) => e.event === 'mqtt.locker.presence.summary';

  it('names every locker while changes are few', () => {
    const { lines, logger } = journal();
    const log = new PresenceLog(logger, () => now, { perWindow: 3, windowMs: 10_000 });
    log.change('L1', false);
    now += 4_000;
    log.change('L2', false);
    log.change('L1', true);
    vi.advanceTimersByTime(60_000);
    expect(lines.filter(presence).map((l) => [l.lockerId, l.online])).toEqual([
      ['L1', false],
      ['L2', false],
      ['L1', true],
    ]);
    expect(lines.filter(summary)).toEqual([]);
  });

  it('in a storm names the first of the window and counts the rest in one line when it ends', () => {
    const { lines, logger } = journal();
    const log = new PresenceLog(logger, () => now, { perWindow: 100, windowMs: 10_000 });
    for (let i = 0; i < 10_000; i++) log.change(`L${i}`, i % 10 !== 0);
    expect(lines.filter(presence)).toHaveLength(100);
    expect(lines.filter(summary)).toEqual([]);
    // The window ends with no further change: the summary still comes, on time.
    vi.advanceTimersByTime(10_000);
    const [line] = lines.filter(summary);
    // 10,000 changes, the first 100 named (90 online, 10 offline): 8,910 + 990 counted.
    expect(line).toMatchObject({ online: 8_910, offline: 990, windowMs: 10_000 });
    expect(lines).toHaveLength(101);
    // The next window names lockers again.
    now += 10_000;
    log.change('L-late', false);
    expect(lines.at(-1)).toMatchObject({ event: 'mqtt.locker.presence', lockerId: 'L-late' });
  });

  it('a storm that runs into the next window: the summary comes before the new names', () => {
    const { lines, logger } = journal();
    const log = new PresenceLog(logger, () => now, { perWindow: 2, windowMs: 10_000 });
    for (let i = 0; i < 5; i++) log.change(`A${i}`, true);
    now += 10_000;
    log.change('B0', false);
    expect(lines.map((l) => l.lockerId ?? `summary ${l.online}/${l.offline}`)).toEqual([
      'A0',
      'A1',
      'summary 3/0',
      'B0',
    ]);
  });

  it('writes what it has counted when the link closes', () => {
    const { lines, logger } = journal();
    const log = new PresenceLog(logger, () => now, { perWindow: 1, windowMs: 10_000 });
    log.change('L1', false);
    log.change('L2', false);
    log.flush();
    expect(lines.filter(summary)).toMatchObject([{ online: 0, offline: 1 }]);
    // Nothing left to say: no second summary.
    vi.advanceTimersByTime(60_000);
    log.flush();
    expect(lines.filter(summary)).toHaveLength(1);
  });
});
