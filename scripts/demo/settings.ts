import { resolve } from 'node:path';

/** Every setting of the demo, its default, and the environment variable that changes it. */
export interface DemoSettings {
  readonly host: string;
  readonly apiPort: number;
  readonly mqttPort: number;
  /** The first locker's kiosk; the others take the next ports. */
  readonly kioskPort: number;
  readonly dataDir: string;
}

export const SETTING_ENV = {
  host: 'POSTAMAT_DEMO_HOST',
  apiPort: 'POSTAMAT_HTTP_PORT',
  mqttPort: 'POSTAMAT_MQTT_PORT',
  kioskPort: 'POSTAMAT_KIOSK_PORT',
  dataDir: 'POSTAMAT_DATA_DIR',
} as const satisfies Record<keyof DemoSettings, string>;

function port(env: NodeJS.ProcessEnv, key: keyof typeof SETTING_ENV, fallback: number): number {
  const raw = env[SETTING_ENV[key]];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new Error(`${SETTING_ENV[key]}=${JSON.stringify(raw)} is not a port number (1–65535)`);
  }
  return value;
}

export function demoSettings(env: NodeJS.ProcessEnv = process.env): DemoSettings {
  return {
    host: env[SETTING_ENV.host] || '127.0.0.1',
    apiPort: port(env, 'apiPort', 8080),
    mqttPort: port(env, 'mqttPort', 1884),
    kioskPort: port(env, 'kioskPort', 8081),
    dataDir: resolve(env[SETTING_ENV.dataDir] || 'data'),
  };
}
