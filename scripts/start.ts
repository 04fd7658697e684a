// `npm start`: the cloud (embedded MQTT broker, SQLite under ./data) and three simulated lockers,
// each a real agent process with its kiosk page; seeded on the first start, kept afterwards.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ApiClient } from './demo/api-client.ts';
import { banner } from './demo/banner.ts';
import { DemoProcess } from './demo/child-process.ts';
import { ensureConsoleUser } from './demo/console-user.ts';
import { DEMO_LOCKERS } from './demo/layouts.ts';
import { messageFeed } from './demo/message-feed.ts';
import { courierDailyCode } from './demo/orders.ts';
import {
  agentPaymentEnv,
  cloudPaymentEnv,
  type DemoTerminal,
  demoReceiptKey,
  ensureTariffs,
  startTerminals,
  stopTerminals,
} from './demo/payments.ts';
import { notificationEnv } from './demo/personal-data.ts';
import { busyPorts } from './demo/ports.ts';
import { adminKeyFor, type DemoState, loadState, saveState, seedNetwork } from './demo/seed.ts';
import { seedOrders } from './demo/seed-orders.ts';
import { type DemoSettings, demoSettings, SETTING_ENV } from './demo/settings.ts';

const kioskPort = (settings: DemoSettings, i: number) => settings.kioskPort + i;

function agentConfig(settings: DemoSettings, i: number, provisioned: Record<string, unknown>) {
  const locker = DEMO_LOCKERS[i]!;
  const sync = provisioned.sync as Record<string, unknown>;
  return {
    ...provisioned,
    dataDir: join(settings.dataDir, 'lockers', locker.id),
    boards: {
      simulated: true,
      count: locker.boards,
      channels: locker.channels,
      springDelayMs: 300,
      personCloseMs: 4000,
    },
    sync: { ...sync, url: `mqtt://${settings.host}:${settings.mqttPort}` },
    kiosk: { host: settings.host, port: kioskPort(settings, i) },
    control: 'stdio',
    logLevel: 'info',
  };
}

async function checkPorts(settings: DemoSettings): Promise<void> {
  const problems = await busyPorts([
    {
      port: settings.apiPort,
      host: settings.host,
      what: 'the cloud API',
      env: SETTING_ENV.apiPort,
    },
    {
      port: settings.mqttPort,
      host: settings.host,
      what: 'the MQTT broker',
      env: SETTING_ENV.mqttPort,
    },
    ...DEMO_LOCKERS.map((l, i) => ({
      port: kioskPort(settings, i),
      host: settings.host,
      what: `the kiosk of ${l.id}`,
      env: `${SETTING_ENV.kioskPort} (kiosks use ${settings.kioskPort}–${settings.kioskPort + DEMO_LOCKERS.length - 1})`,
    })),
  ]);
  if (problems.length > 0) throw new Error(problems.join('\n'));
}

async function main(): Promise<void> {
  const settings = demoSettings();
  await checkPorts(settings);
  const logs = join(settings.dataDir, 'logs');
  mkdirSync(logs, { recursive: true });
  const adminKey = adminKeyFor(settings.dataDir);
  const api = new ApiClient(`http://${settings.host}:${settings.apiPort}`);
  const parts: DemoProcess[] = [];
  let terminals: DemoTerminal[] = [];
  let feed: ReturnType<typeof messageFeed> | undefined;
  const stopAll = async () => {
    await Promise.all(parts.filter((p) => p.name !== 'cloud').map((p) => p.stop()));
    await Promise.all(parts.filter((p) => p.name === 'cloud').map((p) => p.stop()));
    await stopTerminals(terminals);
  };
  let stopping = false;
  const onSignal = () => {
    if (stopping) return;
    stopping = true;
    feed?.stop();
    console.log('\nstopping the lockers and the cloud…');
    void stopAll().then(() => process.exit(0));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    console.log(`postamat demo: starting the cloud (data in ${settings.dataDir})…`);
    const cloud = new DemoProcess('cloud', 'cloud/main.ts', [], join(logs, 'cloud.log'), {
      POSTAMAT_DATA_DIR: join(settings.dataDir, 'cloud'),
      POSTAMAT_HTTP_HOST: settings.host,
      POSTAMAT_HTTP_PORT: String(settings.apiPort),
      POSTAMAT_MQTT_HOST: settings.host,
      POSTAMAT_MQTT_PORT: String(settings.mqttPort),
      POSTAMAT_PUBLIC_MQTT_URL: `mqtt://${settings.host}:${settings.mqttPort}`,
      POSTAMAT_ADMIN_KEY: adminKey,
      // Notifications on, through the recording provider the console shows (masked).
      ...notificationEnv(settings.dataDir),
      // Payments: the simulated SBP bank, receipts recorded, the receipt key in data/receipt.key.
      ...cloudPaymentEnv(settings.dataDir),
    });
    parts.push(cloud);
    // The cloud logs this line once its broker, store and HTTP server are all up.
    await cloud
      .waitForLine((line) => line.includes('"event":"cloud.service.started"'), 60_000)
      .catch((error: Error) => {
        throw new Error(`${error.message}; see ${logs}/cloud.log`);
      });

    let state: DemoState | undefined = loadState(settings.dataDir);
    const firstStart = state === undefined;
    if (state === undefined) {
      console.log('first start: seeding an operator, six tenants and three lockers…');
      state = await seedNetwork(api, adminKey, settings.dataDir, (i, p) =>
        agentConfig(settings, i, p),
      );
    }
    await ensureTariffs(
      api,
      state.operatorKey,
      state.lockers.map((l) => l.id),
    );
    console.log('starting three locker agents, each with a simulated card terminal…');
    // In this process, on pty pairs: the agents open them as serial ports; Ctrl-C closes them.
    terminals = await startTerminals(state.lockers.length);
    const { publicKeyPem } = demoReceiptKey(settings.dataDir);
    const agents = new Map<string, DemoProcess>();
    for (const [i, locker] of state.lockers.entries()) {
      const agent = new DemoProcess(
        locker.id,
        'agent/main.ts',
        ['--config', locker.configFile],
        join(logs, `${locker.id}.log`),
        agentPaymentEnv(terminals[i]!, publicKeyPem),
      );
      parts.push(agent);
      agents.set(locker.id, agent);
    }
    await Promise.all(
      [...agents.values()].map((a) => a.waitForLine((l) => l.includes('"ready":true'), 60_000)),
    );
    if (firstStart) {
      console.log(
        'booking, depositing and collecting a few orders through the API and the lockers…',
      );
      state.orders = await seedOrders(api, state, agents);
      saveState(settings.dataDir, state);
    }
    const statuses = new Map<string, string>();
    for (const order of state.orders) {
      const tenant = state.tenants.find((t) => t.name === order.tenant)!;
      const view = await api.call<{ status: string }>(
        'GET',
        `/v1/orders/${order.orderId}`,
        tenant.apiKey,
      );
      statuses.set(order.orderId, view.status);
    }
    const courier = await courierDailyCode(api, state, state.tenants[0]!.name);
    const consoleUser = await ensureConsoleUser(api, state, settings.dataDir);
    console.log(
      banner({
        settings,
        state,
        lockers: DEMO_LOCKERS.map((l, i) => ({
          ...l,
          kioskUrl: `http://${settings.host}:${kioskPort(settings, i)}/`,
        })),
        statuses,
        courierCode: courier.code,
        consoleUser,
      }),
    );
    // What the recording provider kept, then each new message as the cloud sends it.
    feed = messageFeed(api, state.operatorKey, (line) => console.log(line));
    feed.start();
    // A part that dies takes the demo down with a pointer to its log, rather than leaving half.
    await Promise.race(parts.map((p) => p.exited.then((code) => ({ p, code })))).then(
      ({ p, code }) => {
        if (!stopping) throw new Error(`${p.name} exited with ${code}; see ${logs}/${p.name}.log`);
      },
    );
  } catch (error) {
    console.error(`postamat demo: ${(error as Error).message}`);
    await stopAll();
    process.exit(1);
  }
}

await main();
