import { Aedes, type AedesPublishPacket } from 'aedes';
import { afterEach, describe, expect, it } from 'vitest';
import { localTransport } from './embedded-broker.ts';

describe('the in-process link to aedes', () => {
  let broker: Aedes | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => broker?.close(() => resolve()));
  });

  it('takes a backlog of tens of thousands of messages without overflowing the stack', async () => {
    broker = await Aedes.createBroker();
    const aedes = broker;
    const transport = localTransport(aedes);
    const seen: string[] = [];
    transport.onMessage((topic) => seen.push(topic));
    await transport.subscribe(['lockers/+/status']);
    // A slow subscriber (a locker's socket) holds mqemitter's 100 concurrent deliveries…
    const held: (() => void)[] = [];
    const slow = (_packet: AedesPublishPacket, done: () => void) => void held.push(done);
    await new Promise<void>((resolve) => aedes.subscribe('lockers/+/commands', slow, resolve));
    const publish = (topic: string) =>
      new Promise<void>((resolve, reject) =>
        aedes.publish(
          { cmd: 'publish', topic, payload: Buffer.from('{}'), qos: 0, retain: false, dup: false },
          (error) => (error ? reject(error) : resolve()),
        ),
      );
    const sent: Promise<void>[] = [];
    for (let i = 0; i < 100; i++) sent.push(publish(`lockers/L${i}/commands`));
    // …so the statuses queue up behind them, and are delivered in one go when one is released.
    const statuses = 30_000;
    for (let i = 0; i < statuses; i++) sent.push(publish(`lockers/L${i}/status`));
    while (held.length < 100) await new Promise((r) => setImmediate(r));
    for (const done of held.splice(0)) done();
    await Promise.all(sent);
    expect(seen).toHaveLength(statuses);
    expect(seen[statuses - 1]).toBe(`lockers/L${statuses - 1}/status`);
  });

  it('refuses to publish once closed', async () => {
    broker = await Aedes.createBroker();
    const transport = localTransport(broker);
    expect(transport.connected()).toBe(true);
    await transport.close();
    expect(transport.connected()).toBe(false);
    await expect(transport.publish('lockers/L1/acks', '{}')).rejects.toThrow('closed');
  });
});
