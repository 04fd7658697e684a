import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topicFor } from '../protocol/index.ts';

// A real Mosquitto with the generated password file and ACL, on a unix socket so the test binds
// no TCP port.
let dir: string;
let broker: ChildProcess;
let socketPath: string;
const clients: MqttClient[] = [];

function connect(username: string, password: string): Promise<MqttClient> {
  const client = mqtt.connect({
    protocol: 'mqtt',
    unixSocket: true,
    path: socketPath,
    username,
    password,
    protocolVersion: 5,
    reconnectPeriod: 0,
    connectTimeout: 5000,
  });
  clients.push(client);
  return new Promise((resolve, reject) => {
    client.once('connect', () => resolve(client));
    client.once('error', reject);
  });
}

function nextMessage(client: MqttClient): Promise<{ topic: string; text: string }> {
  return new Promise((resolve) =>
    client.once('message', (topic, payload) => resolve({ topic, text: payload.toString() })),
  );
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mosq-'));
  socketPath = join(dir, 'broker.sock');
  execFileSync(
    process.execPath,
    [
      '--import',
      'tsx',
      'scripts/mosquitto-auth.ts',
      '--out',
      dir,
      '--cloud',
      'cloud:cloud-secret',
      '--locker',
      'L1:secret-one',
      '--locker',
      'L2:secret-two',
    ],
    { cwd: new URL('..', import.meta.url).pathname },
  );
  writeFileSync(
    join(dir, 'mosquitto.conf'),
    [
      `listener 0 ${socketPath}`,
      `password_file ${join(dir, 'passwd')}`,
      `acl_file ${join(dir, 'acl')}`,
      'allow_anonymous false',
      'persistence false',
      // Mosquitto drops root privileges to this user; keep the one that owns the temp dir.
      `user ${userInfo().username}`,
    ].join('\n'),
  );
  broker = spawn('mosquitto', ['-c', join(dir, 'mosquitto.conf')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    let log = '';
    broker.stderr?.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('running')) resolve();
    });
    broker.once('exit', (code) => reject(new Error(`mosquitto exited ${code}: ${log}`)));
  });
});

afterAll(() => {
  for (const client of clients) client.end(true);
  broker?.kill();
  rmSync(dir, { recursive: true, force: true });
});

describe('generated Mosquitto password file and ACL', () => {
  it('keeps the secrets hashed, not in clear', () => {
    const passwd = readFileSync(join(dir, 'passwd'), 'utf8');
    expect(passwd).toMatch(/^L1:\$7\$101\$/m);
    expect(passwd).not.toContain('secret-one');
  });

  it('refuses a locker with a wrong secret', async () => {
    await expect(connect('L1', 'secret-two')).rejects.toThrow(/authori|Bad user/i);
  });

  it('lets a locker publish only its own events', async () => {
    const cloud = await connect('cloud', 'cloud-secret');
    await cloud.subscribeAsync('postamat/v1/lockers/#', { qos: 1 });
    const locker = await connect('L1', 'secret-one');
    const received = nextMessage(cloud);
    // The forbidden publish goes first: if the ACL let it through, it would arrive first.
    await locker
      .publishAsync(topicFor('L2', 'events'), 'forged', { qos: 1 })
      .catch(() => undefined);
    await locker.publishAsync(topicFor('L1', 'events'), 'own', { qos: 1 });
    expect(await received).toEqual({ topic: topicFor('L1', 'events'), text: 'own' });
  });

  it("keeps another locker's commands from a locker that subscribes to them", async () => {
    const cloud = await connect('cloud', 'cloud-secret');
    const locker = await connect('L1', 'secret-one');
    await locker.subscribeAsync(topicFor('L2', 'commands'), { qos: 1 }).catch(() => undefined);
    await locker.subscribeAsync(topicFor('L1', 'commands'), { qos: 1 });
    const received = nextMessage(locker);
    await cloud.publishAsync(topicFor('L2', 'commands'), 'for L2', { qos: 1 });
    await cloud.publishAsync(topicFor('L1', 'commands'), 'for L1', { qos: 1 });
    expect(await received).toEqual({ topic: topicFor('L1', 'commands'), text: 'for L1' });
  });
});
