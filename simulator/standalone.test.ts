import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { SerialPort } from 'serialport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPtyPair, type PtyPair } from './pty-pair.ts';
import { type SimulatorProcess, startSimulatorProcess } from './standalone-process.ts';
import { RtuTestClient } from './testing/rtu-test-client.ts';

const bits16 = (open: number[]) => Array.from({ length: 16 }, (_, i) => open.includes(i + 1));

describe('standalone simulator on a socat pty pair', () => {
  let pair: PtyPair;
  let sim: SimulatorProcess;
  let port: SerialPort;
  let master: RtuTestClient;
  let dir: string;

  beforeAll(async () => {
    pair = await openPtyPair({ via: 'socat' });
    dir = mkdtempSync(join(tmpdir(), 'postamat-sim-'));
    sim = await startSimulatorProcess([
      ...['--port', pair.paths[1], '--board', '1:16', '--board', '2:16'],
      ...['--spring-ms', '50', '--openings-log', join(dir, 'openings.jsonl')],
    ]);
    port = new SerialPort({ path: pair.paths[0], baudRate: 9600, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
    master = new RtuTestClient(port);
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => (port?.isOpen ? port.close(() => resolve()) : resolve()));
    await sim?.stop();
    await pair?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('unlocks a door that springs open, is seen open, and closes when told', async () => {
    expect(await master.request({ unit: 1, fc: 2, address: 0, quantity: 16 })).toEqual({
      unit: 1,
      fc: 2,
      bits: bits16([]),
    });
    const opened = sim.control.waitForEvent((e) => e.type === 'door' && e.open && e.channel === 5);
    await master.request({ unit: 1, fc: 5, address: 4, value: true });
    await opened;
    await master.request({ unit: 1, fc: 5, address: 4, value: false });
    expect(await master.request({ unit: 1, fc: 2, address: 0, quantity: 16 })).toMatchObject({
      bits: bits16([5]),
    });
    await sim.control.closeDoor(1, 5);
    expect(await master.request({ unit: 1, fc: 2, address: 0, quantity: 16 })).toMatchObject({
      bits: bits16([]),
    });
    expect(await sim.control.openings()).toMatchObject([
      { address: 1, channel: 5, cause: 'unlock' },
    ]);
    const logged = readFileSync(join(dir, 'openings.jsonl'), 'utf8').trim().split('\n');
    expect(logged.map((line) => JSON.parse(line))).toMatchObject([{ address: 1, channel: 5 }]);
  });

  it('keeps board 2 answering while board 1 is silent, and counts it', async () => {
    await sim.control.fault(1, { fault: 'no-answer', on: true });
    // The slave answers in order: if board 1 answered, its frame would come first.
    port.write(Uint8Array.of(0x01, 0x02, 0x00, 0x00, 0x00, 0x10, 0x79, 0xc6));
    const answer = await master.request({ unit: 2, fc: 1, address: 0, quantity: 16 });
    expect(answer).toMatchObject({ unit: 2, fc: 1 });
    await sim.control.fault(1, { fault: 'no-answer', on: false });
    const counters = await sim.control.counters();
    expect(counters.boards[1]?.unanswered).toBe(1);
  });

  it('takes control commands on stdin too, replying on stdout', async () => {
    const lines = createInterface({ input: sim.child.stdout! });
    const reply = once(lines, 'line');
    sim.child.stdin!.write('{"id":"s1","cmd":"boards"}\n');
    const [line] = (await reply) as [string];
    lines.close();
    expect(JSON.parse(line)).toEqual({
      id: 's1',
      ok: true,
      result: [
        { address: 1, channels: 16 },
        { address: 2, channels: 16 },
      ],
    });
  });

  it('reports state, and refuses a bad control command with a code', async () => {
    await sim.control.fault(2, { fault: 'broken-sensor', channel: 3, mode: 'always-open' });
    expect((await sim.control.state(2)).inputs.slice(0, 4)).toEqual([false, false, true, false]);
    await expect(sim.control.command('melt')).rejects.toMatchObject({ code: 'bad-payload' });
    await expect(sim.control.closeDoor(9, 1)).rejects.toMatchObject({ code: 'not-found' });
    await expect(sim.control.closeDoor(1, 17)).rejects.toMatchObject({ code: 'bad-payload' });
  });
});

describe('standalone simulator on RTU over TCP', () => {
  let sim: SimulatorProcess;
  let socket: Socket;

  beforeAll(async () => {
    sim = await startSimulatorProcess(['--tcp', '0', '--board', '7:8', '--spring-ms', '20']);
    socket = connect(sim.tcpPort!, '127.0.0.1');
    await once(socket, 'connect');
  });

  afterAll(async () => {
    socket?.destroy();
    await sim?.stop();
  });

  it('answers RTU frames in a TCP stream and reboots on command', async () => {
    const master = new RtuTestClient(socket);
    await master.request({ unit: 7, fc: 15, address: 0, values: [true, true] });
    await sim.control.waitForEvent((e) => e.type === 'door' && e.open && e.channel === 2);
    const back = sim.control.waitForEvent((e) => e.type === 'answering' && e.answering);
    await sim.control.fault(7, { fault: 'reboot', silenceMs: 200 });
    await back;
    expect(await master.request({ unit: 7, fc: 1, address: 0, quantity: 8 })).toEqual({
      unit: 7,
      fc: 1,
      bits: Array(8).fill(false),
    });
    expect(await master.request({ unit: 7, fc: 4, address: 0, quantity: 2 })).toEqual({
      unit: 7,
      fc: 4,
      registers: [8, 1],
    });
  });
});

describe('standalone simulator lifetime', () => {
  it('exits when its parent goes away (stdin ends)', async () => {
    const sim = await startSimulatorProcess(['--tcp', '0', '--board', '1:1']);
    const exited = once(sim.child, 'exit');
    sim.child.stdin!.end();
    expect(await exited).toEqual([0, null]);
    await sim.stop();
  });
});

describe('standalone simulator command line', () => {
  const run = (args: string[]) =>
    spawnSync(
      join(import.meta.dirname, '../node_modules/.bin/tsx'),
      [join(import.meta.dirname, 'main.ts'), ...args],
      {
        encoding: 'utf8',
        timeout: 20_000,
      },
    );

  it.each([
    [['--port', '/dev/pts/0'], /--board/],
    [['--board', '1:16'], /--port DEVICE or --tcp PORT/],
    [['--tcp', '0', '--board', '1:16', '--parity', 'mark'], /--parity mark/],
    [['--port', '/nonexistent/tty', '--board', '1:16'], /cannot open \/nonexistent\/tty/],
  ])('exits 2 with a one-line reason for %j', (args, reason) => {
    const result = run(args);
    expect(result.status).toBe(2);
    expect(result.stderr.split('\n')[0]).toMatch(reason);
  });
});
