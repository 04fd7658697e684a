import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { openPtyPair } from '../../simulator/pty-pair.ts';
import {
  type SimulatorProcess,
  startSimulatorProcess,
} from '../../simulator/standalone-process.ts';

const root = join(import.meta.dirname, '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function simulator(args: string[]): Promise<SimulatorProcess> {
  const sim = await startSimulatorProcess(args);
  cleanup.push(() => sim.stop());
  return sim;
}

function diag(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      tsx,
      ['scripts/diag.ts', ...args],
      { cwd: root, timeout: 30_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? (error.code as number) : 0, stdout, stderr }),
    );
  });
}

describe('diag CLI against the standalone simulator', () => {
  it('doors over a pseudo-terminal prints every door', async () => {
    const pty = await openPtyPair();
    cleanup.push(() => pty.close());
    const sim = await simulator(['--port', pty.paths[1], '--board', '1:16']);
    await sim.control.forceOpen(1, 4);
    const run = await diag([
      '--port',
      pty.paths[0],
      '--baud',
      '9600',
      '--board',
      '1',
      '--channels',
      '16',
      'doors',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('board 1: 1 of 16 doors open');
    expect(run.stdout).toMatch(/door {2}4 {2}OPEN/);
    expect(run.stdout).toMatch(/door 16 {2}closed/);
  });

  it('open 3 pulses the lock and reports the door opened', async () => {
    const sim = await simulator(['--tcp', '0', '--board', '2:16', '--spring-ms', '100']);
    const run = await diag(['--tcp', `127.0.0.1:${sim.tcpPort}`, '--board', '2', 'open', '3']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/door 3: unlock confirmed/);
    expect(run.stdout).toMatch(/door 3 OPENED/);
    expect((await sim.control.state(2)).doors[2]).toBe(true);
  });

  it('open on a stuck lock says the door did not open, exit 5', async () => {
    const sim = await simulator(['--tcp', '0', '--board', '1:16']);
    await sim.control.fault(1, { fault: 'stuck-lock', channel: 3, on: true });
    const run = await diag([
      '--tcp',
      `127.0.0.1:${sim.tcpPort}`,
      '--open-within',
      '1',
      'open',
      '3',
    ]);
    expect(run.code).toBe(5);
    expect(run.stdout).toMatch(/door 3 did NOT open within 1 s/);
  });

  it('open on a door already open pulses and says the sensor cannot confirm', async () => {
    const sim = await simulator(['--tcp', '0', '--board', '1:16']);
    await sim.control.forceOpen(1, 2);
    const run = await diag(['--tcp', `127.0.0.1:${sim.tcpPort}`, 'open', '2']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/door 2 was already open; its sensor cannot confirm the lock/);
  });

  it('scan finds the addresses that answer', async () => {
    const sim = await simulator(['--tcp', '0', '--board', '2:8', '--board', '5:8']);
    const run = await diag(['--tcp', `127.0.0.1:${sim.tcpPort}`, '--to', '6', 'scan']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('slave 2 answers');
    expect(run.stdout).toContain('slave 5 answers');
    expect(run.stdout).toContain('2 answering: 2, 5');
  });

  it('watch prints door events live', async () => {
    const sim = await simulator(['--tcp', '0', '--board', '1:16']);
    // node itself rather than the tsx CLI, so Ctrl-C (SIGINT) reaches diag with no relay between.
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'scripts/diag.ts', '--tcp', `127.0.0.1:${sim.tcpPort}`, 'watch'],
      { cwd: root },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    cleanup.push(async () => void child.kill('SIGINT'));
    const lines = createInterface({ input: child.stdout });
    const seen: string[] = [];
    const waitLine = (pattern: RegExp) =>
      new Promise<string>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no line ${pattern} in ${seen.join('|')}; stderr: ${stderr}`)),
          15_000,
        );
        const check = (line: string) => {
          if (!pattern.test(line)) return;
          clearTimeout(timer);
          lines.off('line', check);
          resolve(line);
        };
        for (const line of seen) check(line);
        lines.on('line', check);
      });
    lines.on('line', (line) => seen.push(line));
    await waitLine(/^watching board 1/);
    await sim.control.forceOpen(1, 9);
    expect(await waitLine(/door 9 opened/)).toMatch(/^\d{4}-\d\d-\d\dT.*Z {2}door 9 opened$/);
    await sim.control.closeDoor(1, 9);
    await waitLine(/door 9 closed/);
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    expect(await exited, `stdout: ${seen.join('\n')}\nstderr: ${stderr}`).toBe(0);
  });
});
