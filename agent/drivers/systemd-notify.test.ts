import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { createSystemdNotifier } from './systemd-notify.ts';

// A real AF_UNIX datagram socket standing in for systemd's NOTIFY_SOCKET (python3 can bind one;
// Node cannot). Each datagram it receives is printed as one line.
const LISTENER = `
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print("listening", flush=True)
while True:
    print(s.recv(4096).decode().replace("\\n", "|"), flush=True)
`;

let listener: ChildProcess | undefined;
let dir: string | undefined;

afterEach(() => {
  listener?.kill();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function startListener(): Promise<{ path: string; next: () => Promise<string> }> {
  dir = mkdtempSync(join(tmpdir(), 'notify-'));
  const path = join(dir, 'notify.sock');
  listener = spawn('python3', ['-c', LISTENER, path], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: listener.stdout! })[Symbol.asyncIterator]();
  const next = async () => String((await lines.next()).value);
  expect(await next()).toBe('listening');
  return { path, next };
}

describe('systemd notifier', () => {
  it('tells systemd the service is ready, with a status', async () => {
    const { path, next } = await startListener();
    await createSystemdNotifier({ NOTIFY_SOCKET: path }).ready('serving');
    expect(await next()).toBe('READY=1|STATUS=serving');
  });

  it('pings the watchdog at half of WATCHDOG_USEC while healthy', async () => {
    const { path, next } = await startListener();
    const stop = createSystemdNotifier({
      NOTIFY_SOCKET: path,
      WATCHDOG_USEC: '200000',
    }).startWatchdog();
    try {
      expect(await next()).toBe('WATCHDOG=1');
      expect(await next()).toBe('WATCHDOG=1');
    } finally {
      stop();
    }
  });

  it('does nothing outside systemd', async () => {
    const notifier = createSystemdNotifier({});
    await expect(notifier.ready()).resolves.toBeUndefined();
    const stop = notifier.startWatchdog();
    stop();
  });
});
