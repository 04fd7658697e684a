import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { type Engine, storeEnv } from '../../cloud/service/testing/cloud-engines.ts';
import { CloudProcess } from '../../cloud/service/testing/cloud-process.ts';
import { freePort } from '../../cloud/service/testing/free-port.ts';
import { TEST_PG_URL } from '../../cloud/store/test-stores.ts';
import { collectGarbage } from './inspector-gc.ts';
import { cpuSecondsOf, rssOf } from './measure.ts';
import { OwnMosquitto } from './mosquitto.ts';

export type BrokerKind = 'embedded' | 'mosquitto';
export const ADMIN_KEY = 'admin-key-for-the-fleet-bench';

/**
 * BENCH SUPPORT — the real cloud process (cloud/main.ts, bundled) on a fresh store, with the
 * embedded broker or as a client of our own Mosquitto (external mode, `$share` consumption).
 * Restartable on the same store and ports, as systemd would.
 */
export class CloudUnderTest {
  private constructor(
    readonly broker: BrokerKind,
    readonly engine: Engine,
    private readonly bundle: string,
    private readonly env: Record<string, string>,
    private readonly execArgv: readonly string[],
    private proc: CloudProcess,
    readonly mosquitto: OwnMosquitto | undefined,
    private readonly dispose: () => Promise<void>,
    readonly dataDir: string,
    readonly mqttUrl: string,
  ) {}

  static async start(
    bundle: string,
    dir: string,
    broker: BrokerKind,
    engine: Engine,
    cpuProfDir?: string,
    heapSnapshotDir?: string,
    nodeFlags: readonly string[] = [],
  ) {
    const store = await storeEnv(engine);
    const dataDir = join(dir, `cloud-${broker}-${engine}`);
    mkdirSync(dataDir, { recursive: true });
    const mqttPort = await freePort();
    const password = randomBytes(16).toString('hex');
    const mosquitto =
      broker === 'mosquitto'
        ? await OwnMosquitto.start(dataDir, mqttPort, { username: 'postamat-cloud', password })
        : undefined;
    const env: Record<string, string> = {
      ...store.env,
      POSTAMAT_DATA_DIR: dataDir,
      POSTAMAT_HTTP_PORT: String(await freePort()),
      POSTAMAT_ADMIN_KEY: ADMIN_KEY,
      // info: the level a production cloud runs at (and the started line the harness waits for).
      POSTAMAT_LOG_LEVEL: 'info',
      POSTAMAT_MQTT_PASSWORD: password,
      ...(mosquitto === undefined
        ? { POSTAMAT_MQTT_PORT: String(mqttPort) }
        : { POSTAMAT_MQTT_MODE: 'external', POSTAMAT_MQTT_URL: mosquitto.url }),
    };
    // The profile is written when the process exits normally: restart with SIGTERM to keep it.
    const execArgv = [
      ...nodeFlags,
      // The bench asks V8 for a full collection through the inspector before reading idle memory.
      '--inspect=127.0.0.1:0',
      ...(cpuProfDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`]),
      // SIGUSR2 writes a heap snapshot there (heapSnapshot()).
      ...(heapSnapshotDir === undefined
        ? []
        : ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${heapSnapshotDir}`]),
    ];
    const proc = await CloudProcess.start(bundle, env, 120_000, execArgv);
    const url = `mqtt://127.0.0.1:${mqttPort}`;
    return new CloudUnderTest(
      broker,
      engine,
      bundle,
      env,
      execArgv,
      proc,
      mosquitto,
      store.dispose,
      dataDir,
      url,
    );
  }

  get httpUrl(): string {
    return this.proc.httpUrl;
  }

  rss(): number {
    return rssOf(this.proc.pid ?? 0);
  }

  /** CPU seconds the current cloud process has used since it started. */
  cpuSeconds(): number {
    return cpuSecondsOf(this.proc.pid ?? 0);
  }

  /** Heap in use, heap committed and memory outside the heap (Buffers), from the cloud's own
   * /metrics (prom-client's default metrics). */
  async memory(): Promise<{
    heapUsed: number;
    heapTotal: number;
    external: number;
    /** Compactions the cloud's HeapCompactor has run. */
    compactions: number;
    /** Per V8 heap space: committed and used bytes. */
    spaces: { space: string; total: number; used: number }[];
  }> {
    const text = await (await fetch(`${this.httpUrl}/metrics`)).text();
    const read = (name: string) => {
      const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
      if (match === null) throw new Error(`the cloud reported no ${name}`);
      return Number(match[1]);
    };
    const spaces = [
      ...text.matchAll(/^nodejs_heap_space_size_total_bytes\{space="([^"]+)"\} (\S+)$/gm),
    ].map(([, space = '', total]) => {
      const used = new RegExp(
        `^nodejs_heap_space_size_used_bytes\\{space="${space}"\\} (\\S+)$`,
        'm',
      ).exec(text);
      return { space, total: Number(total), used: Number(used?.[1] ?? 0) };
    });
    return {
      spaces,
      heapUsed: read('nodejs_heap_size_used_bytes'),
      heapTotal: read('nodejs_heap_size_total_bytes'),
      external: read('nodejs_external_memory_bytes'),
      compactions: read('postamat_heap_compactions_total'),
    };
  }

  /** A full garbage collection in the cloud, through its inspector (inspector-gc.ts). */
  collectGarbage(): Promise<void> {
    return collectGarbage(this.proc.stderr);
  }

  /** Asks the cloud for a heap snapshot (only with a heap snapshot dir given at start). */
  heapSnapshot(): void {
    if (this.execArgv.some((a) => a.startsWith('--heapsnapshot-signal'))) {
      process.kill(this.proc.pid ?? 0, 'SIGUSR2');
    }
  }

  /** Kills the cloud process (SIGKILL: a crash; SIGTERM: systemd's stop) and starts it again. */
  async restart(signal: NodeJS.Signals): Promise<void> {
    await this.proc.kill(signal);
    this.proc = await CloudProcess.start(this.bundle, this.env, 120_000, this.execArgv);
  }

  /** Rows in the cloud's event log and distinct (locker, seq) pairs: equal when nothing repeats. */
  async eventLog(): Promise<{ rows: number; distinct: number }> {
    const sql =
      "SELECT count(*) AS rows, count(DISTINCT locker_id || ':' || seq) AS distinct_rows FROM locker_events";
    if (this.engine === 'sqlite') {
      const db = new Database(join(this.dataDir, 'cloud.sqlite'), { readonly: true });
      const row = db.prepare<[], { rows: number; distinct_rows: number }>(sql).get();
      db.close();
      return { rows: row?.rows ?? 0, distinct: row?.distinct_rows ?? 0 };
    }
    const client = new pg.Client({ connectionString: TEST_PG_URL });
    await client.connect();
    try {
      await client.query(`SET search_path TO ${this.env.POSTAMAT_DATABASE_SCHEMA}`);
      const { rows } = await client.query<{ rows: string; distinct_rows: string }>(sql);
      return { rows: Number(rows[0]?.rows ?? 0), distinct: Number(rows[0]?.distinct_rows ?? 0) };
    } finally {
      await client.end();
    }
  }

  async stop(): Promise<void> {
    await this.proc.kill('SIGTERM');
    this.mosquitto?.stop();
    await this.dispose();
  }
}
