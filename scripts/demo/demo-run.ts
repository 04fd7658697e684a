import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const root = new URL('../..', import.meta.url).pathname;

/** TEST SUPPORT — `npm start` as a real child process, every line it prints kept. */
export interface DemoRun {
  readonly child: ChildProcess;
  readonly stdout: string[];
  readonly stderr: string[];
  readonly exited: Promise<number | null>;
  /** Resolves with the first stdout line (past or future) `match` accepts. */
  waitForLine(match: (line: string) => boolean, timeoutMs: number): Promise<string>;
  stop(): Promise<number | null>;
}

export function startDemo(env: Record<string, string>): DemoRun {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const waiters = new Set<(line: string) => void>();
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  createInterface({ input: child.stdout! }).on('line', (line) => {
    stdout.push(line);
    for (const w of [...waiters]) w(line);
  });
  child.stderr?.on('data', (chunk: Buffer) => void stderr.push(chunk.toString()));
  return {
    child,
    stdout,
    stderr,
    exited,
    waitForLine(match, timeoutMs) {
      const seen = stdout.find(match);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no such line in ${timeoutMs} ms:\n${stdout.join('\n')}`));
        }, timeoutMs);
        const waiter = (line: string) => {
          if (!match(line)) return;
          clearTimeout(timer);
          waiters.delete(waiter);
          resolve(line);
        };
        waiters.add(waiter);
        void exited.then((code) => {
          clearTimeout(timer);
          reject(
            new Error(`the demo exited with ${code}:\n${stdout.join('\n')}\n${stderr.join('')}`),
          );
        });
      });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
      return exited;
    },
  };
}

/** Every file under `dir`, as bytes read as latin1 text (so a digit string is found as is). */
export function filesUnder(dir: string): { file: string; text: string }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return filesUnder(path);
    return [{ file: path, text: readFileSync(path).toString('latin1') }];
  });
}

/** Which of `secrets` stand alone in `text` (six digits inside a hash are not a leak). */
export function leaked(text: string, secrets: readonly string[]): string[] {
  const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return secrets.filter((s) =>
    new RegExp(`(?<![0-9A-Za-z])${literal(s)}(?![0-9A-Za-z])`).test(text),
  );
}

/** A phone in every form a leak could take: +7…, 7…, the ten digits. */
export const phoneForms = (phone: string) => [phone, phone.slice(1), phone.slice(2)];
