import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface SimProcess {
  readonly child: ChildProcess;
  readonly ready: Record<string, unknown>;
  stop(): Promise<void>;
}

const root = join(import.meta.dirname, '..', '..');

/**
 * The standalone simulator as its own process (so its CPU and event loop are not ours), started
 * with tsx and ready once it printed its JSON ready line.
 */
export async function startSimProcess(
  args: readonly string[],
  timeoutMs = 30_000,
): Promise<SimProcess> {
  const child = spawn(join(root, 'node_modules', '.bin', 'tsx'), ['simulator/main.ts', ...args], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const lines = createInterface({ input: child.stdout! });
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`simulator not ready in ${timeoutMs} ms: ${stderr}`)),
      timeoutMs,
    );
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`simulator exited with ${code}: ${stderr}`));
    });
    lines.once('line', (line) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(line) as Record<string, unknown>);
      } catch {
        reject(new Error(`simulator said: ${line}`));
      }
    });
  });
  child.removeAllListeners('exit');
  return {
    child,
    ready,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}
