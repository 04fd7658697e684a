import { parseArgs } from 'node:util';
import { isPostamatError } from '../protocol/index.ts';
import { createCloud } from './app.ts';
import { ENV_OVERRIDES, loadCloudConfig } from './config.ts';

/**
 * Entry point: `tsx cloud/main.ts [--config cloud.yaml]`. Environment overrides:
 * DATABASE_URL, POSTAMAT_DATA_DIR, POSTAMAT_HTTP_HOST/PORT, POSTAMAT_ADMIN_KEY, … (config.ts).
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
  const cloud = await createCloud(config);
  await cloud.start();
  const stop = async (signal: string) => {
    cloud.logger.info({ event: 'cloud.stopping', signal }, 'stopping');
    await cloud.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

await main();
