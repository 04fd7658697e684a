import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';

const root = new URL('../..', import.meta.url).pathname;

/**
 * One part of the demo (the cloud, a locker's agent) as a real process, run by tsx like in
 * production. Its logs go to a file; its stdout lines can be awaited and, for an agent with
 * `control: "stdio"`, its flows called.
 */
export class DemoProcess {
  private readonly child: ChildProcess;
  private readonly lineWaiters = new Set<(line: string) => void>();
  private readonly replies = new Map<
    number,
    (reply: { result?: unknown; error?: string }) => void
  >();
  private nextId = 1;
  readonly exited: Promise<number | null>;

  constructor(
    readonly name: string,
    script: string,
    args: readonly string[],
    logFile: string,
    env: NodeJS.ProcessEnv = {},
  ) {
    this.child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const log = createWriteStream(logFile, { flags: 'a' });
    this.child.stderr?.pipe(log);
    createInterface({ input: this.child.stdout! }).on('line', (line) => this.onLine(line, log));
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  private onLine(line: string, log: NodeJS.WritableStream): void {
    for (const waiter of [...this.lineWaiters]) waiter(line);
    // A control reply is the flow's answer, not a log line: a rental's answer carries its code.
    if (!line.startsWith('{"id":')) {
      log.write(`${line}\n`);
      return;
    }
    const reply = JSON.parse(line) as { id: number; result?: unknown; error?: string };
    this.replies.get(reply.id)?.(reply);
    this.replies.delete(reply.id);
  }

  /** Resolves with the first stdout line that `match` accepts; fails if the process exits first. */
  waitForLine(match: (line: string) => boolean, timeoutMs: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => done(new Error(`${this.name}: not ready in ${timeoutMs} ms`)),
        timeoutMs,
      );
      const waiter = (line: string) => {
        if (match(line)) done(undefined, line);
      };
      const done = (error?: Error, line?: string) => {
        clearTimeout(timer);
        this.lineWaiters.delete(waiter);
        if (error) reject(error);
        else resolve(line ?? '');
      };
      this.lineWaiters.add(waiter);
      void this.exited.then((code) =>
        done(new Error(`${this.name} exited with ${code}; see its log`)),
      );
    });
  }

  /** Calls a flow of the agent over its JSON-lines control channel. */
  call<T = unknown>(method: string, ...args: unknown[]): Promise<T> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.replies.set(id, (reply) =>
        reply.error === undefined ? resolve(reply.result as T) : reject(new Error(reply.error)),
      );
      this.child.stdin?.write(`${JSON.stringify({ id, method, args })}\n`);
    });
  }

  /** SIGTERM, then SIGKILL if it has not stopped within `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}
