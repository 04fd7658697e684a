import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { Command, Status, SyncMessage } from '../../protocol/index.ts';
import { CommandPusher } from './command-pusher.ts';
import { credentialDayWatcher } from './credential-day.ts';
import { nudgedLoop } from './nudged-loop.ts';
import { SyncPusher } from './sync-pusher.ts';

const logger = pino({ level: 'silent' });

function message(lockerId: string, version: number, since?: number): SyncMessage {
  return since === undefined
    ? { lockerId, kind: 'snapshot', version, issuedAt: 0 }
    : { lockerId, kind: 'delta', version, baseVersion: since, issuedAt: 0 };
}

function online(lockerId: string, syncVersion: number | undefined, isOnline = true) {
  const status: Status = {
    lockerId,
    online: isOnline,
    at: 0,
    ...(syncVersion === undefined ? {} : { syncVersion }),
  };
  return { online: isOnline, lockerAt: 0, receivedAt: 0, status };
}

function syncWorld(versions: Map<string, number>) {
  const sent: SyncMessage[] = [];
  let failNext = false;
  const pusher = new SyncPusher({
    syncVersions: async () => versions,
    buildSyncMessage: async (id, since) => message(id, versions.get(id) ?? 0, since),
    sendSync: async (m) => {
      if (failNext) {
        failNext = false;
        throw new Error('client disconnecting');
      }
      sent.push(m);
    },
    logger,
    maxPerPass: 2,
  });
  return { pusher, sent, failOnce: () => (failNext = true) };
}

describe('SyncPusher', () => {
  it('sends a delta from the version each connected locker holds, once', async () => {
    const versions = new Map([
      ['L1', 5],
      ['L2', 3],
      ['L3', 9],
    ]);
    const { pusher, sent } = syncWorld(versions);
    pusher.onPresence('L1', online('L1', 4));
    pusher.onPresence('L2', online('L2', 3));
    await pusher.pass();
    expect(sent).toEqual([message('L1', 5, 4)]);
    await pusher.pass();
    expect(sent).toHaveLength(1);
    versions.set('L2', 4);
    await pusher.pass();
    expect(sent.at(-1)).toEqual(message('L2', 4, 3));
  });

  it('forgets offline lockers, sends a bounded number per pass, and retries a failed send', async () => {
    const versions = new Map([
      ['L1', 2],
      ['L2', 2],
      ['L3', 2],
    ]);
    const { pusher, sent, failOnce } = syncWorld(versions);
    for (const id of ['L1', 'L2', 'L3']) pusher.onPresence(id, online(id, 1));
    pusher.onPresence('L3', online('L3', 1, false));
    failOnce();
    await pusher.pass();
    expect(sent.map((m) => m.lockerId)).toEqual(['L2']);
    await pusher.pass();
    expect(sent.map((m) => m.lockerId)).toEqual(['L2', 'L1']);
    expect(pusher.counters).toEqual({ pushes: 2, pushFailures: 1 });
  });

  it('as CloudLink’s builder: a snapshot from 0, nothing when current, and remembers what it built', async () => {
    const versions = new Map([['L1', 7]]);
    const { pusher, sent } = syncWorld(versions);
    pusher.onPresence('L1', online('L1', 0));
    expect(await pusher.builder('L1', 0)).toEqual(message('L1', 7));
    expect(await pusher.builder('L1', 7)).toBeUndefined();
    await pusher.pass();
    expect(sent).toEqual([]);
  });
});

describe('CommandPusher', () => {
  const command = (id: string, lockerId: string): Command => ({
    id,
    lockerId,
    type: 'remote-open',
    body: { cellId: 'C1', reason: 'test', operator: 'op' },
    issuedAt: 0,
    expiresAt: 1,
  });

  it('sends pending commands of online lockers and marks them sent only after the broker took them', async () => {
    const pending = [command('c1', 'L1'), command('c2', 'L2'), command('c3', 'L1')];
    const marked: string[] = [];
    const sent: string[] = [];
    let failC3 = true;
    const pusher = new CommandPusher({
      pendingCommands: async () => pending.filter((c) => !marked.includes(c.id)),
      markCommandSent: async (id) => void marked.push(id),
      sendCommand: async (c) => {
        if (c.id === 'c3' && failC3) {
          failC3 = false;
          throw new Error('client disconnecting');
        }
        sent.push(c.id);
      },
      isOnline: (id) => id === 'L1',
      logger,
    });
    await pusher.pass();
    expect(marked).toEqual(['c1']);
    await pusher.pass();
    expect(marked).toEqual(['c1', 'c3']);
    expect(pusher.counters).toEqual({ sent: 2, sendFailures: 1 });
  });
});

describe('nudgedLoop', () => {
  it('coalesces nudges into passes run one at a time, and survives a failing pass', async () => {
    let running = 0;
    let most = 0;
    let passes = 0;
    const loop = nudgedLoop(
      'test',
      async () => {
        running += 1;
        most = Math.max(most, running);
        passes += 1;
        await new Promise((resolve) => setTimeout(resolve, 5));
        running -= 1;
        if (passes === 1) throw new Error('first pass fails');
      },
      { pollMs: 60_000, debounceMs: 1, logger },
    );
    for (let i = 0; i < 50; i++) loop.nudge();
    await loop.idle();
    expect(passes).toBeGreaterThanOrEqual(1);
    for (let i = 0; i < 50; i++) loop.nudge();
    await loop.idle();
    await loop.stop();
    expect(most).toBe(1);
    expect(passes).toBeLessThan(10);
  });
});

describe('nudgedLoop windows', () => {
  it('brings a nudge that may wait long forward when a sooner one comes, never back', async () => {
    let passes = 0;
    const loop = nudgedLoop(
      'test',
      async () => {
        passes += 1;
      },
      { pollMs: 60_000, debounceMs: 1, logger },
    );
    loop.nudge(60_000);
    loop.nudge();
    await loop.idle();
    expect(passes).toBe(1);
    loop.nudge();
    loop.nudge(60_000);
    await loop.idle();
    expect(passes).toBe(2);
    await loop.stop();
  });
});

describe('credentialDayWatcher', () => {
  it('bumps every locker once when the UTC day turns, not at start, and again after a failure', async () => {
    let now = Date.UTC(2026, 10, 25, 23, 59);
    let bumps = 0;
    let fail = false;
    const watcher = credentialDayWatcher({ now: () => now }, async () => {
      if (fail) throw new Error('store down');
      bumps += 1;
    });
    expect(await watcher.check()).toBe(false);
    now += 2 * 60_000;
    fail = true;
    await expect(watcher.check()).rejects.toThrow('store down');
    fail = false;
    expect(await watcher.check()).toBe(true);
    expect(await watcher.check()).toBe(false);
    expect(bumps).toBe(1);
  });
});
