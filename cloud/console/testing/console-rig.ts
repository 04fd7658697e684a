import { join } from 'node:path';
import pino from 'pino';
import { parseCloudConfig } from '../../config.ts';
import { waitFor } from '../../mqtt/test-support/wait-for.ts';
import { type CloudService, startCloudService } from '../../service/cloud-service.ts';
import { type ApiCall, apiClient } from '../../service/testing/cloud-api-client.ts';
import { provisionLocker, type RunningLocker } from '../../service/testing/locker-rig.ts';

export const ADMIN = 'admin-key-for-the-console-e2e';
export const PASSWORD = 'correct horse battery';
const WAIT = 60_000;

/** Two lockers on two streets, so the map and the search have something to tell apart. */
export const PLACES = {
  'L-north': { address: 'Тверская ул., 7', lat: 55.765, lon: 37.605 },
  'L-south': { address: 'Ленинский пр-т, 30', lat: 55.71, lon: 37.58 },
} as const;

export interface ConsoleRig {
  readonly service: CloudService;
  readonly call: ApiCall;
  readonly url: string;
  readonly operatorKey: string;
  readonly tenants: { readonly a: Tenant; readonly b: Tenant };
  readonly lockers: Record<keyof typeof PLACES, RunningLocker>;
  /** Emails of the console users; all have PASSWORD. */
  readonly users: {
    admin: string;
    dispatcher: string;
    viewer: string;
    tenantA: string;
    tenantB: string;
  };
  close(): Promise<void>;
}

interface Tenant {
  readonly id: string;
  readonly key: string;
}

/**
 * TEST SUPPORT — the REAL cloud service in this process (SQLite, embedded broker, HTTP on port
 * 0), an operator with two real agent processes on simulated boards, two tenants, and console
 * users made through the admin API the way an installer would.
 */
export async function startConsoleRig(dir: string, bundle: string): Promise<ConsoleRig> {
  const config = parseCloudConfig(undefined, {
    POSTAMAT_DATA_DIR: join(dir, 'cloud'),
    POSTAMAT_HTTP_PORT: '0',
    POSTAMAT_MQTT_PORT: '0',
    POSTAMAT_ADMIN_KEY: ADMIN,
  });
  const service = await startCloudService(config, { logger: pino({ level: 'warn' }) });
  const call = apiClient(() => service.httpUrl);
  const made: RunningLocker[] = [];
  try {
    const must = async <T>(status: number, p: Promise<{ status: number; body: T }>) => {
      const answer = await p;
      if (answer.status !== status)
        throw new Error(`setup answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      return answer.body;
    };
    const op = await must(
      201,
      call<{ operatorId: string; apiKey: string }>('POST', '/v1/admin/operators', ADMIN, {
        name: 'City lockers',
      }),
    );
    const tenant = async (name: string) => {
      const t = await must(
        201,
        call<{ tenantId: string; apiKey: string }>('POST', '/v1/admin/tenants', ADMIN, {
          name,
          kind: 'shop',
        }),
      );
      await must(204, call('POST', `/v1/operator/tenants/${t.tenantId}/access`, op.apiKey));
      return { id: t.tenantId, key: t.apiKey };
    };
    const tenants = { a: await tenant('Shop A'), b: await tenant('Shop B') };
    const user = async (email: string, role: string, scope: Record<string, string>) => {
      await must(
        201,
        call('POST', '/v1/admin/users', ADMIN, {
          email,
          name: email.split('@')[0],
          password: PASSWORD,
          role,
          ...scope,
        }),
      );
      return email;
    };
    const users = {
      admin: await user('admin@example.org', 'admin', { operatorId: op.operatorId }),
      dispatcher: await user('dispatcher@example.org', 'dispatcher', { operatorId: op.operatorId }),
      viewer: await user('viewer@example.org', 'viewer', { operatorId: op.operatorId }),
      tenantA: await user('a@shop-a.example', 'admin', { tenantId: tenants.a.id }),
      tenantB: await user('b@shop-b.example', 'admin', { tenantId: tenants.b.id }),
    };
    for (const [lockerId, place] of Object.entries(PLACES)) {
      made.push(
        await provisionLocker({
          call,
          operatorKey: op.apiKey,
          lockerId,
          dir,
          bundle,
          channels: 4,
          place,
        }),
      );
    }
    for (const l of made) {
      await waitFor(
        async () =>
          (await call<{ online: boolean }>('GET', `/v1/lockers/${l.lockerId}`, op.apiKey)).body
            .online,
        `${l.lockerId} online`,
        WAIT,
      );
    }
    const [north, south] = made as [RunningLocker, RunningLocker];
    return {
      service,
      call,
      url: `${service.httpUrl}/console/`,
      operatorKey: op.apiKey,
      tenants,
      lockers: { 'L-north': north, 'L-south': south },
      users,
      close: () => closeAll(service, made),
    };
  } catch (error) {
    await closeAll(service, made);
    throw error;
  }
}

async function closeAll(service: CloudService, lockers: RunningLocker[]): Promise<void> {
  for (const l of lockers) {
    await l.agent.kill();
    await l.sim.close();
  }
  await service.stop();
}
