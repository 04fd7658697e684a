import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { PostamatError } from '../protocol/errors.ts';

/** Two pseudo-terminals wired back to back: bytes written to one come out of the other. */
export interface PtyPair {
  readonly paths: readonly [string, string];
  /** Which program made it. */
  readonly via: 'socat' | 'python3';
  close(): Promise<void>;
}

export interface PtyPairOptions {
  /** Default: socat when it is installed, python3's `pty` module otherwise. */
  readonly via?: 'socat' | 'python3';
  /** How long to wait for the pair to come up; default 10 s. */
  readonly timeoutMs?: number;
  /** Program paths; tests point `socat` at nothing to exercise the fallback. */
  readonly programs?: { readonly socat?: string; readonly python3?: string };
}

// Keeps both slave ends open itself, so a reader or writer coming and going does not end the pair.
const PYTHON_RELAY = `
import os, pty, select, sys, tty
pairs = [pty.openpty() for _ in range(2)]
for master, slave in pairs:
    tty.setraw(slave)
print(os.ttyname(pairs[0][1]), os.ttyname(pairs[1][1]), flush=True)
a, b = pairs[0][0], pairs[1][0]
peer = {a: b, b: a}
while True:
    ready, _, _ = select.select([a, b, sys.stdin], [], [])
    for fd in ready:
        if fd is sys.stdin:
            if not sys.stdin.buffer.read1(1): sys.exit(0)
            continue
        data = os.read(fd, 4096)
        if data: os.write(peer[fd], data)
`;

export async function openPtyPair(options: PtyPairOptions = {}): Promise<PtyPair> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const programs = { socat: 'socat', python3: 'python3', ...options.programs };
  if (options.via === 'python3') return start('python3', programs.python3, timeoutMs);
  try {
    return await start('socat', programs.socat, timeoutMs);
  } catch (error) {
    if (options.via === 'socat' || !isMissingProgram(error)) throw error;
    return start('python3', programs.python3, timeoutMs);
  }
}

function isMissingProgram(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

async function start(
  via: 'socat' | 'python3',
  program: string,
  timeoutMs: number,
): Promise<PtyPair> {
  const child =
    via === 'socat'
      ? spawn(program, ['-d', '-d', 'pty,raw,echo=0', 'pty,raw,echo=0'], {
          stdio: ['ignore', 'ignore', 'pipe'],
        })
      : spawn(program, ['-u', '-c', PYTHON_RELAY], { stdio: ['pipe', 'pipe', 'pipe'] });
  const output = via === 'socat' ? child.stderr! : child.stdout!;
  const pattern = via === 'socat' ? /PTY is (\S+)/g : /(\/dev\/\S+)/g;
  const paths = await readPaths(child, output, pattern, timeoutMs);
  return { paths, via, close: () => stop(child) };
}

function readPaths(
  child: ChildProcess,
  output: NodeJS.ReadableStream,
  pattern: RegExp,
  timeoutMs: number,
): Promise<[string, string]> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onExit = (code: number | null) =>
      fail(new PostamatError('port-unavailable', `pty helper exited ${code}: ${text}`));
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      const found = [...text.matchAll(pattern)].map((m) => m[1]!);
      if (found.length < 2) return;
      done();
      // Keep draining the helper's output so it never blocks on a full pipe.
      output.on('data', () => {});
      resolve([found[0]!, found[1]!]);
    };
    const done = () => {
      clearTimeout(timer);
      child.off('exit', onExit);
      child.off('error', fail);
      output.off('data', onData);
    };
    const fail = (error: Error) => {
      done();
      child.kill('SIGKILL');
      reject(error);
    };
    const timer = setTimeout(
      () => fail(new PostamatError('timeout', `pty pair did not come up: ${text}`)),
      timeoutMs,
    );
    child.once('error', fail);
    child.once('exit', onExit);
    output.on('data', onData);
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}
