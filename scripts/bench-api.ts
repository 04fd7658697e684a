/**
 * `npm run bench:api`: orders created per second and p99 latency of POST /v1/orders against the
 * running cloud (real HTTP, autocannon), on SQLite and on PostgreSQL, next to a bare fastify
 * hello route measured in the same run — the floor this machine and client allow.
 * Writes the table into docs/benchmarks.md under "## Cloud API".
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import pg from 'pg';
import pino from 'pino';
import { createCloud } from '../cloud/app.ts';
import { parseCloudConfig } from '../cloud/config.ts';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const PG_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const LOCKERS = 50;
const CELLS_PER_LOCKER = 400;
const ADMIN = 'bench-admin-key-0123456789';

interface Row {
  readonly target: string;
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly non2xx: number;
}

async function cannon(target: string, options: autocannon.Options): Promise<Row> {
  const result = await autocannon({ connections: CONNECTIONS, duration: DURATION_S, ...options });
  return {
    target,
    perSecond: Math.round(result['2xx'] / result.duration),
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx + result.errors,
  };
}

async function hello(): Promise<Row> {
  const app = Fastify();
  app.get('/hello', async () => ({ hello: 'world' }));
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    return await cannon('bare fastify GET /hello (floor)', { url: `${url}/hello` });
  } finally {
    await app.close();
  }
}

async function json(url: string, key: string, body?: unknown): Promise<Record<string, string>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${url} → ${res.status} ${text}`);
  return text === '' ? {} : JSON.parse(text);
}

/** Seeds an operator, a tenant and lockers with room for every order the run can make. */
async function seed(base: string): Promise<string> {
  const op = await json(`${base}/v1/admin/operators`, ADMIN, { name: 'Bench operator' });
  const tenant = await json(`${base}/v1/admin/tenants`, ADMIN, {
    name: 'Bench shop',
    kind: 'shop',
  });
  await json(`${base}/v1/operator/tenants/${tenant.tenantId}/access`, op.apiKey as string);
  for (let i = 0; i < LOCKERS; i++) {
    const cells = Array.from({ length: CELLS_PER_LOCKER }, (_, c) => ({
      cellId: `M${c}`,
      bus: 'bus0',
      board: 1 + Math.floor(c / 16),
      channel: 1 + (c % 16),
      size: 'M',
      features: [],
    }));
    const lat = 55.7 + i * 0.001;
    const locker = { id: `B${i}`, address: `bench ${i}`, lat, lon: 37.6, cells };
    await json(`${base}/v1/operator/lockers`, op.apiKey as string, locker);
  }
  return tenant.apiKey as string;
}

async function ordersOn(engine: string, databaseUrl: string | undefined): Promise<Row> {
  const dir = mkdtempSync(join(tmpdir(), 'postamat-bench-'));
  const config = parseCloudConfig(undefined, {
    POSTAMAT_DATA_DIR: dir,
    POSTAMAT_HTTP_PORT: '0',
    POSTAMAT_ADMIN_KEY: ADMIN,
    ...(databaseUrl === undefined ? {} : { DATABASE_URL: databaseUrl }),
  });
  const cloud = await createCloud(config, { logger: pino({ level: 'silent' }) });
  try {
    const base = await cloud.start();
    const key = await seed(base);
    let n = 0;
    return await cannon(`POST /v1/orders, ${engine}`, {
      url: `${base}/v1/orders`,
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      requests: [
        {
          setupRequest: (request) => ({
            ...request,
            body: JSON.stringify({
              kind: 'delivery',
              lockerId: `B${n % LOCKERS}`,
              size: 'M',
              barcode: `P${n++}`,
            }),
          }),
        },
      ],
    });
  } finally {
    await cloud.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A throwaway database per run, dropped afterwards. */
async function withPgDatabase<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const name = `bench_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  try {
    const url = new URL(PG_URL);
    url.pathname = `/${name}`;
    return await fn(url.toString());
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

/** A markdown table already padded the way Biome formats it, so the docs stay lint-clean. */
function table(rows: readonly Row[]): string {
  const header = ['target', '2xx per second', 'p50 ms', 'p99 ms', 'non-2xx + errors'];
  const cells = rows.map((r) => [r.target, ...[r.perSecond, r.p50, r.p99, r.non2xx].map(String)]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (values: readonly string[]) =>
    `| ${values.map((v, i) => (i === 0 ? v.padEnd(widths[i] ?? 0) : v.padStart(widths[i] ?? 0))).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (i === 0 ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)).join(' | ')} |`;
  return [line(header), rule, ...cells.map(line)].join('\n');
}

function writeSection(markdown: string): void {
  const file = join(import.meta.dirname, '..', 'docs', 'benchmarks.md');
  const old = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const section = `## Cloud API\n\n${markdown}\n`;
  const pattern = /## Cloud API\n[\s\S]*?(?=\n## |$)/;
  const next = pattern.test(old) ? old.replace(pattern, section) : `${old.trimEnd()}\n\n${section}`;
  writeFileSync(file, next);
}

async function main(): Promise<void> {
  const rows = [await hello()];
  rows.push(await ordersOn('SQLite', undefined));
  rows.push(await withPgDatabase((url) => ordersOn('PostgreSQL', url)));
  const load = loadavg()[0]?.toFixed(1) ?? '?';
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, load average ${load} at the end`;
  const markdown = [
    `\`npm run bench:api\` — autocannon, ${CONNECTIONS} connections, ${DURATION_S} s per target, ` +
      `${new Date().toISOString().slice(0, 10)}, ${machine}. Client, server and database share the machine ` +
      '(and, when measured, its 2 cores with other work), so read the ratios more than the absolutes.',
    '',
    table(rows),
    '',
    'Each order is one transaction: lock the locker row (PostgreSQL) or take the single SQLite ' +
      'connection, count overlapping bookings, insert the order, its steps, booking, code (drawn ' +
      'unique among the locker’s live codes), timeline and webhook rows.',
  ].join('\n');
  console.log(markdown);
  writeSection(markdown);
}

await main();
