import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { connectAsync } from 'mqtt';
import { rssOf } from './measure.ts';

const WORKER = new URL('./raw-worker.ts', import.meta.url).pathname;

export interface RawFigures {
  readonly connectMs: number;
  readonly messagesPerSecond: number;
  readonly messages: number;
  /** The broker process's RSS growth per connected client, when its pid was given. */
  readonly rssPerClient: number | undefined;
}

/**
 * BENCH SUPPORT — the raw broker's reference with the fleet's number of connections: N plain
 * mqtt.js clients shaped like lockers on the wire (raw-worker.ts; in processes of `perProcess`)
 * connect at once, then each publishes `perClient` QoS 1 messages (one in flight per client) to
 * one plain QoS 1 subscriber, which also takes the statuses as the cloud does.
 */
export async function rawReference(input: {
  readonly url: string;
  readonly clients: number;
  readonly perProcess: number;
  readonly perClient: number;
  readonly brokerPid?: number | undefined;
  /** A full collection in the broker process before each memory reading. */
  readonly collectGarbage?: () => Promise<void>;
}): Promise<RawFigures> {
  const subscriber = await connectAsync(input.url, {
    clientId: `raw-sub-${process.pid}`,
    clean: true,
  });
  let received = 0;
  subscriber.on('message', (topic) => {
    if (topic.endsWith('/events')) received += 1;
  });
  await subscriber.subscribeAsync({ 'raw/+/events': { qos: 1 }, 'raw/+/status': { qos: 1 } });
  const workers: { proc: ChildProcess; lines: string[]; from: number; to: number }[] = [];
  for (let from = 0; from < input.clients; from += input.perProcess) {
    const proc = spawn(process.execPath, ['--import', 'tsx', WORKER], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const lines: string[] = [];
    createInterface({ input: proc.stdout! }).on('line', (line) => lines.push(line));
    workers.push({ proc, lines, from, to: Math.min(input.clients, from + input.perProcess) });
  }
  const said = (event: string) =>
    workers.every((w) => w.lines.some((l) => l.includes(`"${event}"`)));
  // Process start-up (tsx) is not the broker's time: connect only once every process is up.
  await until(() => said('ready'), 'raw processes ready', 120_000);
  await input.collectGarbage?.();
  const rssBefore = input.brokerPid === undefined ? 0 : rssOf(input.brokerPid);
  const started = performance.now();
  for (const w of workers) {
    w.proc.stdin?.write(
      `${JSON.stringify({ cmd: 'connect', url: input.url, from: w.from, to: w.to })}\n`,
    );
  }
  await until(() => said('connected'), 'raw clients connected', 180_000);
  const connectMs = performance.now() - started;
  // Read as the cloud's is: after a full collection.
  await input.collectGarbage?.();
  const rssPerClient =
    input.brokerPid === undefined
      ? undefined
      : (rssOf(input.brokerPid) - rssBefore) / input.clients;
  const total = input.clients * input.perClient;
  const publishing = performance.now();
  for (const w of workers)
    w.proc.stdin?.write(`${JSON.stringify({ cmd: 'publish', perClient: input.perClient })}\n`);
  await until(() => received >= total, `${total} raw messages received`, 300_000);
  const messagesPerSecond = total / ((performance.now() - publishing) / 1000);
  for (const w of workers) w.proc.stdin?.write(`${JSON.stringify({ cmd: 'stop' })}\n`);
  await Promise.all(workers.map((w) => new Promise((resolve) => w.proc.once('exit', resolve))));
  await subscriber.endAsync(true);
  return { connectMs, messagesPerSecond, messages: total, rssPerClient };
}

async function until(condition: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
