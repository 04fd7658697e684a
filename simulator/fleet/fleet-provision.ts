import { type AgentConfig, parseAgentConfig } from '../../agent/config.ts';

/** Cells of every fleet locker: one simulated board on bus `sim`, as a small street locker. */
export const FLEET_CELLS = (['S', 'S', 'M', 'L'] as const).map((size, i) => ({
  cellId: `C${i + 1}`,
  bus: 'sim',
  board: 1,
  channel: i + 1,
  size,
}));

export interface ProvisionedFleet {
  readonly operatorKey: string;
  readonly configs: AgentConfig[];
}

/**
 * Provisions `count` lockers through the operator API, as a field installer's tool would: each
 * answer carries the agent config file with the locker's own MQTT secret and hash key (the cloud
 * keeps only hashes). A fresh operator is created with the admin key unless one is given.
 */
export async function provisionFleet(input: {
  readonly api: string;
  readonly adminKey?: string;
  readonly operatorKey?: string;
  readonly count: number;
  readonly idPrefix: string;
  readonly concurrency?: number;
  readonly onProgress?: (done: number) => void;
}): Promise<ProvisionedFleet> {
  const operatorKey = input.operatorKey ?? (await createOperator(input.api, input.adminKey));
  const configs: AgentConfig[] = new Array(input.count);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < input.count) {
      const i = next;
      next += 1;
      configs[i] = await provisionOne(input.api, operatorKey, lockerIdOf(input.idPrefix, i));
      done += 1;
      if (done % 500 === 0) input.onProgress?.(done);
    }
  };
  await Promise.all(Array.from({ length: input.concurrency ?? 16 }, worker));
  return { operatorKey, configs };
}

export function lockerIdOf(prefix: string, i: number): string {
  return `${prefix}-${String(i).padStart(5, '0')}`;
}

async function createOperator(api: string, adminKey: string | undefined): Promise<string> {
  if (adminKey === undefined) throw new Error('provisioning needs --admin-key or --operator-key');
  const answer = await post<{ apiKey: string }>(api, '/v1/admin/operators', adminKey, {
    name: 'Fleet simulator',
  });
  return answer.apiKey;
}

async function provisionOne(api: string, operatorKey: string, id: string): Promise<AgentConfig> {
  const answer = await post<{ agentConfig: Record<string, unknown> }>(
    api,
    '/v1/operator/lockers',
    operatorKey,
    { id, address: `${id} street`, lat: 55.75, lon: 37.61, cells: FLEET_CELLS },
  );
  // The issued file names /dev/ttyUSB0; the fleet runs the simulator's boards in-process.
  return parseAgentConfig({
    ...answer.agentConfig,
    dataDir: ':memory:',
    boards: { simulated: true, count: 1, channels: FLEET_CELLS.length },
  });
}

async function post<T>(api: string, path: string, key: string, body: unknown): Promise<T> {
  const response = await fetch(`${api}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`POST ${path} answered ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}
