import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const dir = mkdtempSync(join(tmpdir(), 'diag-cli-'));
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) child.kill();
  rmSync(dir, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function diag(args: string[], asUser?: number): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      tsx,
      ['scripts/diag.ts', ...args],
      {
        cwd: root,
        timeout: 30_000,
        env: { ...process.env, HOME: tmpdir() },
        ...(asUser === undefined ? {} : { uid: asUser, gid: asUser }),
      },
      (error, stdout, stderr) =>
        resolve({ code: error ? (error.code as number) : 0, stdout, stderr }),
    );
  });
}

/** A socat pseudo-terminal pair with nobody on the far end: a line where no board answers. */
async function silentLine(mode = '660'): Promise<string> {
  const link = join(dir, `pty-${children.length}`);
  const child = spawn('socat', [
    `pty,raw,echo=0,link=${link},mode=${mode}`,
    `pty,raw,echo=0,link=${link}-far`,
  ]);
  children.push(child);
  for (let i = 0; i < 200 && !(existsSync(link) && existsSync(`${link}-far`)); i++) {
    await new Promise((r) => setTimeout(r, 25));
  }
  return link;
}

const oneLine = (text: string) => text.trim().split('\n').length === 1;

describe('diag CLI failures: one clear line and a distinct exit code', () => {
  it('a missing port', async () => {
    const run = await diag(['--port', join(dir, 'ttyUSB9'), 'doors']);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^diag: serial port .*ttyUSB9 does not exist/);
    expect(oneLine(run.stderr)).toBe(true);
  });

  it('no permission to open the port', async () => {
    if (process.getuid?.() === 0) {
      // root may open anything: run the CLI as nobody against a root-only pty
      const run = await diag(['--port', await silentLine('600'), 'doors'], 65534);
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/^diag: no permission to open .* dialout/);
      expect(oneLine(run.stderr)).toBe(true);
    } else {
      const path = join(dir, 'locked');
      writeFileSync(path, '', { mode: 0o000 });
      const run = await diag(['--port', path, 'doors']);
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/^diag: no permission to open/);
    }
  });

  it('no answer: wrong baud or address', async () => {
    const run = await diag([
      '--port',
      await silentLine(),
      '--baud',
      '19200',
      '--board',
      '7',
      'doors',
    ]);
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(
      /^diag: no answer from board 7 on .* at 19200 8N1 \(wrong baud rate or address\?/,
    );
    expect(oneLine(run.stderr)).toBe(true);
  });

  it('scan with nobody on the line', async () => {
    const run = await diag(['--port', await silentLine(), '--baud', '115200', '--to', '3', 'scan']);
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/^diag: no slave in 1\.\.3 answered/);
  });

  it('a gateway that refuses the connection', async () => {
    const run = await diag(['--tcp', '127.0.0.1:1', 'doors']);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^diag: cannot connect to 127\.0\.0\.1:1 \(refused\)/);
  });

  it('a usage mistake prints the message and the usage', async () => {
    const run = await diag(['--port', '/dev/ttyUSB0', 'open']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^diag: open needs a channel/);
    expect(run.stderr).toContain('usage: diag');
  });
});
