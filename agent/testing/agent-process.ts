import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { buildSync } from 'esbuild';

const root = new URL('../..', import.meta.url).pathname;

/**
 * TEST SUPPORT — bundles agent/main.ts once (packages stay external) so that restarting the real
 * agent hundreds of times costs a Node start, not a TypeScript compile each time.
 */
export function bundleAgentMain(): string {
  const outfile = join(root, '.tmp', `agent-main-${process.pid}.mjs`);
  mkdirSync(dirname(outfile), { recursive: true });
  buildSync({
    entryPoints: [join(root, 'agent/main.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    target: 'node20',
    outfile,
    logLevel: 'silent',
  });
  return outfile;
}

/** The real agent process, driven over its JSON-lines stdio control. */
export class AgentProcess {
  private readonly pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void }
  >();
  private n = 0;
  readonly exited: Promise<void>;
  dead = false;

  private constructor(private readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => child.on('exit', () => resolve()));
    void this.exited.then(() => {
      this.dead = true;
      for (const p of this.pending.values()) p.reject(new Error('agent exited'));
      this.pending.clear();
    });
  }

  /** Starts the agent and resolves once it printed its ready line. */
  static async start(
    bundle: string,
    configFile: string,
    timeoutMs = 15_000,
  ): Promise<AgentProcess> {
    const { proc, ready } = AgentProcess.launch(bundle, configFile, timeoutMs);
    await ready;
    return proc;
  }

  /** Starts the agent; `ready` settles when it printed its ready line (or died first). */
  static launch(
    bundle: string,
    configFile: string,
    timeoutMs = 15_000,
  ): { proc: AgentProcess; ready: Promise<AgentProcess> } {
    const child = spawn(process.execPath, [bundle, '--config', configFile], {
      stdio: ['pipe', 'pipe', 'inherit'],
      cwd: root,
    });
    // A killed agent's stdin is a broken pipe; writes to it are expected to fail.
    child.stdin?.on('error', () => {});
    const proc = new AgentProcess(child);
    const ready = new Promise<AgentProcess>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('agent not ready in time')), timeoutMs);
      const lines = createInterface({ input: child.stdout! });
      lines.on('line', (line) => {
        const msg = JSON.parse(line) as {
          ready?: boolean;
          id?: number;
          result?: unknown;
          error?: string;
        };
        if (msg.ready) {
          clearTimeout(timer);
          resolve(proc);
          return;
        }
        const p = msg.id !== undefined ? proc.pending.get(msg.id) : undefined;
        if (!p || msg.id === undefined) return;
        proc.pending.delete(msg.id);
        if (msg.error !== undefined) p.reject(new Error(msg.error));
        else p.resolve(msg.result);
      });
      child.on('exit', () => {
        clearTimeout(timer);
        reject(new Error('agent exited before ready'));
      });
    });
    return { proc, ready };
  }

  call<T = unknown>(method: string, ...args: unknown[]): Promise<T> {
    if (this.dead) return Promise.reject(new Error('agent exited'));
    const id = ++this.n;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.stdin!.write(`${JSON.stringify({ id, method, args })}\n`);
    });
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!this.dead) this.child.kill(signal);
    return this.exited;
  }
}
