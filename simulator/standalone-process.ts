import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { PostamatError } from '../protocol/errors.ts';
import { ControlClient } from './control-client.ts';

export interface SimulatorProcess {
  readonly child: ChildProcess;
  /** RTU-over-TCP port when started with `--tcp`. */
  readonly tcpPort: number | undefined;
  readonly controlPort: number;
  /** Connected and subscribed to board events. */
  readonly control: ControlClient;
  /** Everything the process wrote to stderr so far (its pino logs), for failure messages. */
  stderr(): string;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
}

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const TSX = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));

/**
 * Starts `simulator/main.ts` as a real process with the given arguments (as after
 * `npm run simulator --`) and waits, bounded, for its ready line.
 */
export async function startSimulatorProcess(
  args: readonly string[],
  timeoutMs = 20_000,
): Promise<SimulatorProcess> {
  const child = spawn(TSX, [MAIN, '--exit-on-stdin-end', ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const ready = await readyLine(child, timeoutMs, () => stderr);
  const control = await ControlClient.connect(ready.control);
  return {
    child,
    tcpPort: ready.tcp ?? undefined,
    controlPort: ready.control,
    control,
    stderr: () => stderr,
    async stop() {
      control.close();
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function readyLine(
  child: ChildProcess,
  timeoutMs: number,
  stderr: () => string,
): Promise<{ control: number; tcp: number | null }> {
  return new Promise((resolve, reject) => {
    // Keeps reading stdout after the ready line so the child never blocks on a full pipe.
    const lines = createInterface({ input: child.stdout! });
    const onExit = (code: number | null) => fail(`exited with ${code}`);
    const onLine = (line: string) => {
      const message = JSON.parse(line) as { event?: string; control: number; tcp: number | null };
      if (message.event !== 'ready') return;
      done();
      resolve(message);
    };
    const done = () => {
      clearTimeout(timer);
      child.off('exit', onExit);
      lines.off('line', onLine);
    };
    const fail = (why: string) => {
      done();
      child.kill('SIGKILL');
      reject(new PostamatError('timeout', `simulator did not start: ${why}\n${stderr()}`));
    };
    const timer = setTimeout(() => fail(`no ready line in ${timeoutMs} ms`), timeoutMs);
    child.once('exit', onExit);
    lines.on('line', onLine);
  });
}
