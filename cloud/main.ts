import { parseArgs } from 'node:util';
import { createSystemdNotifier } from '../agent/drivers/systemd-notify.ts';
import { isPostamatError } from '../protocol/index.ts';
import { ENV_OVERRIDES, loadCloudConfig } from './config.ts';
import { type CloudService, startCloudService } from './service/cloud-service.ts';
import { HeapCompactor } from './service/heap-compactor.ts';

/**
 * Entry point: `tsx cloud/main.ts [--config cloud.yaml]` — the whole cloud in one process:
 * store, HTTP API, webhooks, the embedded MQTT broker (or a link to an external one) and the
 * publishers of sync data and commands. Environment overrides: config.ts (ENV_OVERRIDES).
 * Exit codes: 0 after SIGINT/SIGTERM, 2 bad config, 1 could not start (one line says why).
 */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { config: { type: 'string' } } });
  let config: ReturnType<typeof loadCloudConfig>;
  try {
    config = loadCloudConfig(values.config, process.env);
  } catch (error) {
    if (!isPostamatError(error, 'bad-config')) throw error;
    process.stderr.write(
      `${error.message}\nenvironment overrides: ${Object.keys(ENV_OVERRIDES).join(', ')}\n`,
    );
    process.exit(2);
  }
  let service: CloudService;
  try {
    service = await startCloudService(config);
  } catch (error) {
    const code = isPostamatError(error) ? `[${error.code}] ` : '';
    process.stderr.write(`cloud failed to start: ${code}${(error as Error).message}\n`);
    process.exit(1);
  }
  const notifier = createSystemdNotifier();
  await notifier.ready(`http ${service.httpUrl}, mqtt ${service.brokerUrl}`);
  // The watchdog is fed only while the broker link is up: a cloud cut off from its lockers is
  // restarted by systemd rather than left half-alive.
  const stopWatchdog = notifier.startWatchdog(() => service.brokerConnected());
  // Per process, not per service: gives a connect storm's memory back once it is over.
  const compactor = new HeapCompactor({
    logger: service.cloud.logger,
    registry: service.cloud.metrics.registry,
  });
  compactor.start();
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    service.cloud.logger.info({ event: 'cloud.stopping', signal }, 'stopping');
    stopWatchdog();
    compactor.stop();
    await service.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

await main();
