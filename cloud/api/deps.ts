import type { Clock } from '../../protocol/index.ts';
import type { LiveEventHub } from '../live/event-hub.ts';
import type { CloudMetrics } from '../metrics.ts';
import type { PersonalDataVault } from '../notifications/personal-data-vault.ts';
import type { PaymentsApi } from '../payments/payment-config.ts';
import type { CloudStore } from '../store/store.ts';
import type { ConsoleSettings } from '../users/console-settings.ts';

/** What the HTTP API is built from; main.ts and tests pass real ones. */
export interface ApiDeps {
  readonly store: CloudStore;
  readonly clock: Clock;
  readonly metrics: CloudMetrics;
  /** Key for /v1/admin (creating operators and tenants); absent disables those routes' use. */
  readonly adminKey?: string | undefined;
  /** The broker URL written into provisioned agents' config files. */
  readonly publicMqttUrl: string;
  /** A topic prefix other than the protocol's default, written into agents' config files too. */
  readonly mqttTopicPrefix?: string | undefined;
  /** Broker health for /health; the MQTT side injects it. */
  readonly brokerHealthy: () => Promise<boolean> | boolean;
  /** Called after every successful non-GET request: the MQTT publishers look for changes. */
  readonly onWrite?: (() => void) | undefined;
  /** Notifications: the vault that seals phones and the channels new orders' messages take. */
  readonly notifications?:
    | { readonly vault: PersonalDataVault; readonly channels: readonly string[] }
    | undefined;
  /** Console sign-in: session lifetimes, cookie flags, password cost (defaults when absent). */
  readonly console?: ConsoleSettings | undefined;
  /** The console's live feed (GET /v1/operator/stream); absent: the stream answers 404. */
  readonly live?: LiveEventHub | undefined;
  /** Payments: the SBP callback's secret and counters; absent: the callback answers 404. */
  readonly payments?: PaymentsApi | undefined;
}
