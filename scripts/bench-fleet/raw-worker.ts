import { createInterface } from 'node:readline';
import { connect, type MqttClient } from 'mqtt';

/**
 * BENCH SUPPORT — plain mqtt.js clients, one connection each, in a process of their own (one
 * socket per client under the per-process file limit): the raw broker's reference for the
 * fleet. Each is shaped like a locker on the wire — a persistent session, a retained last will,
 * three exact subscriptions, one retained status — without anything a locker does above MQTT.
 * Commands on stdin (JSON lines): connect, publish; reports on stdout.
 */
interface Command {
  readonly cmd: 'connect' | 'publish' | 'stop';
  readonly url?: string;
  readonly from?: number;
  readonly to?: number;
  readonly perClient?: number;
}

const clients: MqttClient[] = [];

function report(message: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

function connectAll(url: string, from: number, to: number): void {
  const started = performance.now();
  let connected = 0;
  for (let i = from; i < to; i += 1) {
    const topic = (kind: string) => `raw/${i}/${kind}`;
    const status = (online: boolean) =>
      JSON.stringify({ lockerId: `raw-${i}`, online, at: Date.now(), pad: 'x'.repeat(100) });
    const client = connect(url, {
      clientId: `raw-${process.pid}-${i}`,
      clean: false,
      reconnectPeriod: 1_000,
      connectTimeout: 30_000,
      keepalive: 60,
      will: { topic: topic('status'), payload: Buffer.from(status(false)), qos: 1, retain: true },
    });
    client.once('connect', async () => {
      await client.subscribeAsync({
        [topic('acks')]: { qos: 1 },
        [topic('sync')]: { qos: 1 },
        [topic('commands')]: { qos: 1 },
      });
      await client.publishAsync(topic('status'), status(true), { qos: 1, retain: true });
      connected += 1;
      if (connected === to - from)
        report({ event: 'connected', count: connected, ms: performance.now() - started });
    });
    clients.push(client);
  }
}

async function publishAll(perClient: number): Promise<void> {
  let acked = 0;
  await Promise.all(
    clients.map(async (client, i) => {
      for (let n = 0; n < perClient; n += 1) {
        await client.publishAsync(`raw/${i}/events`, `{"n":${n},"pad":"${'x'.repeat(200)}"}`, {
          qos: 1,
        });
        acked += 1;
      }
    }),
  );
  report({ event: 'published', count: acked });
}

createInterface({ input: process.stdin }).on('line', (line) => {
  const command = JSON.parse(line) as Command;
  if (command.cmd === 'connect') connectAll(command.url ?? '', command.from ?? 0, command.to ?? 0);
  if (command.cmd === 'publish') void publishAll(command.perClient ?? 1);
  if (command.cmd === 'stop') {
    for (const client of clients) client.end(true);
    process.exit(0);
  }
});
process.stdin.on('end', () => process.exit(0));
report({ event: 'ready' });
