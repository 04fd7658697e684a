import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAgentConfig } from '../../../agent/config.ts';
import { AgentProcess } from '../../../agent/testing/agent-process.ts';
import type { ApiCall } from './cloud-api-client.ts';
import { SimLocker } from './sim-locker.ts';

export interface RunningLocker {
  readonly lockerId: string;
  readonly sim: SimLocker;
  readonly configFile: string;
  agent: AgentProcess;
}

/**
 * TEST SUPPORT — provisions a locker through the operator API and starts the REAL agent process
 * on the config file the cloud returned. Only what a field installer would change is changed:
 * the data directory and the boards (here the simulator over the test bridge instead of
 * /dev/ttyUSB0). Lock id, hash key, MQTT url and secret, and cells are used as issued.
 */
export async function provisionLocker(input: {
  readonly call: ApiCall;
  readonly operatorKey: string;
  readonly lockerId: string;
  readonly dir: string;
  readonly bundle: string;
  readonly channels: number;
  /** What the installer adds to the issued `sync` section (e.g. a CA file for mqtts). */
  readonly syncExtra?: Record<string, unknown>;
  /** Where the locker stands (the console's map and search); a central Moscow street if not said. */
  readonly place?: { readonly address: string; readonly lat: number; readonly lon: number };
  /** Other sections the installer adds (e.g. `payments`). */
  readonly extra?: Record<string, unknown>;
}): Promise<RunningLocker> {
  const cells = Array.from({ length: input.channels }, (_, i) => ({
    cellId: `C${i + 1}`,
    bus: 'sim',
    board: 1,
    channel: i + 1,
    size: 'S',
  }));
  const answer = await input.call<{ agentConfig: Record<string, unknown> }>(
    'POST',
    '/v1/operator/lockers',
    input.operatorKey,
    {
      id: input.lockerId,
      ...(input.place ?? { address: 'Tverskaya 1', lat: 55.76, lon: 37.61 }),
      cells,
    },
  );
  if (answer.status !== 201) throw new Error(`provisioning answered ${answer.status}`);
  // The file as issued must already be a valid agent config.
  parseAgentConfig(answer.body.agentConfig);
  const sim = await SimLocker.start(input.channels);
  const configFile = join(input.dir, `${input.lockerId}.json`);
  writeFileSync(
    configFile,
    JSON.stringify({
      ...answer.body.agentConfig,
      dataDir: join(input.dir, input.lockerId),
      boards: { remoteTest: [{ host: '127.0.0.1', port: sim.port }] },
      sync: { ...(answer.body.agentConfig.sync as object), ...input.syncExtra },
      control: 'stdio',
      logLevel: 'warn',
      timings: { tickMs: 50 },
      ...input.extra,
    }),
  );
  const agent = await AgentProcess.start(input.bundle, configFile);
  return { lockerId: input.lockerId, sim, configFile, agent };
}
