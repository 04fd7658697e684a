import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Clock, EnvOverrides } from '../../protocol/index.ts';
import type { PersonalDataVault } from '../notifications/personal-data-vault.ts';
import type { NudgedLoop } from '../service/nudged-loop.ts';
import type { CloudStore } from '../store/store.ts';
import {
  createPaymentCounters,
  type PaymentCounters,
  type PaymentWorker,
  paymentLoop,
  paymentWorker,
} from './payment-worker.ts';
import { fiscalHttpConfigSchema, fiscalHttpProvider } from './providers/fiscal-http-provider.ts';
import type { FiscalProvider } from './providers/fiscal-provider.ts';
import { recordingFiscalProvider } from './providers/fiscal-recording-provider.ts';
import { sbpHttpConfigSchema, sbpHttpProvider } from './providers/sbp-http-provider.ts';
import type { SbpProvider } from './providers/sbp-provider.ts';
import {
  type SimulatedSbpProvider,
  simulatedSbpProvider,
} from './providers/sbp-simulated-provider.ts';
import { type ReceiptKey, receiptKey } from './receipt-key.ts';

const sbpSchema = z
  .strictObject({
    provider: z.enum(['simulated', 'http']).default('simulated'),
    /** The shared secret the provider signs callbacks with (HMAC-SHA256). */
    callbackSecret: z.string().min(16, 'callback secret: at least 16 characters'),
    /** A callback signed further than this from now is refused (replay window). */
    callbackToleranceMs: z.number().int().min(1000).max(3_600_000).default(300_000),
    /** How long a QR can be paid. */
    qrTtlMs: z.number().int().min(10_000).max(86_400_000).default(600_000),
    /** After that, how long to wait for the callback before asking the provider. */
    callbackGraceMs: z.number().int().min(0).max(3_600_000).default(60_000),
    http: sbpHttpConfigSchema.optional(),
  })
  .refine((s) => s.provider !== 'http' || s.http !== undefined, {
    message: 'the http SBP provider needs payments.sbp.http (baseUrl, merchantId, …)',
    path: ['http'],
  });

const fiscalSchema = z
  .strictObject({
    provider: z.enum(['recording', 'http']).default('recording'),
    http: fiscalHttpConfigSchema.optional(),
    /** A receipt waits this long for the person's contact from the kiosk. */
    contactWaitMs: z.number().int().min(0).max(3_600_000).default(60_000),
  })
  .refine((f) => f.provider !== 'http' || f.http !== undefined, {
    message: 'the http fiscal provider needs payments.fiscal.http (url, groupCode, companyInn, …)',
    path: ['http'],
  });

/** The `payments` block of the cloud config (cloud/README.md, "Payments"). */
export const paymentConfigSchema = z.strictObject({
  /** Absent: no SBP; lockers' QR payments wait (the kiosk offers the terminal). */
  sbp: sbpSchema.optional(),
  fiscal: fiscalSchema.prefault({}),
  /** PEM of the RSA private key receipt contacts are sealed to; or a file holding it. */
  receiptPrivateKey: z
    .string()
    .includes('PRIVATE KEY', { message: 'a PEM private key' })
    .optional(),
  receiptPrivateKeyFile: z.string().min(1).optional(),
  intervalMs: z.number().int().min(10).max(600_000).default(1000),
  commandResendMs: z.number().int().min(100).max(3_600_000).default(30_000),
});
export type PaymentConfig = z.infer<typeof paymentConfigSchema>;

export const PAYMENT_ENV_OVERRIDES: EnvOverrides = {
  POSTAMAT_SBP_PROVIDER: ['payments', 'sbp', 'provider'],
  POSTAMAT_SBP_CALLBACK_SECRET: ['payments', 'sbp', 'callbackSecret'],
  POSTAMAT_SBP_URL: ['payments', 'sbp', 'http', 'baseUrl'],
  POSTAMAT_SBP_MERCHANT_ID: ['payments', 'sbp', 'http', 'merchantId'],
  POSTAMAT_SBP_TOKEN: ['payments', 'sbp', 'http', 'token'],
  POSTAMAT_FISCAL_PROVIDER: ['payments', 'fiscal', 'provider'],
  POSTAMAT_FISCAL_URL: ['payments', 'fiscal', 'http', 'url'],
  POSTAMAT_FISCAL_TOKEN: ['payments', 'fiscal', 'http', 'token'],
  POSTAMAT_RECEIPT_KEY_FILE: ['payments', 'receiptPrivateKeyFile'],
};

export interface Payments {
  readonly sbp: SbpProvider | undefined;
  /** Set when the simulated provider is configured: tests and the demo "pay" QRs with it. */
  readonly simulatedSbp: SimulatedSbpProvider | undefined;
  readonly fiscal: FiscalProvider;
  readonly worker: PaymentWorker;
  readonly counters: PaymentCounters;
  /** For buildApi's `payments` dependency: the callback's check and what it reports to. */
  readonly api: PaymentsApi;
  /** Starts the worker's loop (every `intervalMs`, and soon after a nudge). */
  start(): void;
  nudge(): void;
  stop(): Promise<void>;
}

export interface PaymentsApi {
  readonly callbackSecret: string | undefined;
  readonly callbackToleranceMs: number;
  readonly counters: PaymentCounters;
  /** A callback changed a payment: the command publisher and the worker should look now. */
  readonly onSettled: () => void;
}

function loadReceiptKey(config: PaymentConfig): ReceiptKey | undefined {
  const pem =
    config.receiptPrivateKey ??
    (config.receiptPrivateKeyFile === undefined
      ? undefined
      : readFileSync(config.receiptPrivateKeyFile, 'utf8'));
  return pem === undefined ? undefined : receiptKey(pem);
}

/** Providers, worker and its loop from the config block: what createCloud wires in. */
export function createPayments(
  config: PaymentConfig,
  deps: {
    readonly store: CloudStore;
    readonly clock: Clock;
    readonly logger: Logger;
    readonly vault: PersonalDataVault | undefined;
    readonly onSettled: () => void;
    /** Tests: a provider of their own (e.g. fiscalization against a local HTTP server). */
    readonly fiscal?: FiscalProvider | undefined;
  },
): Payments {
  const { clock } = deps;
  const s = config.sbp;
  const simulatedSbp =
    s?.provider === 'simulated'
      ? simulatedSbpProvider({ secret: s.callbackSecret, clock, qrTtlMs: s.qrTtlMs })
      : undefined;
  const sbp =
    s?.provider === 'http' && s.http !== undefined
      ? sbpHttpProvider(s.http, { clock, qrTtlMs: s.qrTtlMs })
      : simulatedSbp;
  const fiscal =
    deps.fiscal ??
    (config.fiscal.provider === 'http' && config.fiscal.http !== undefined
      ? fiscalHttpProvider(config.fiscal.http)
      : recordingFiscalProvider());
  const counters = createPaymentCounters();
  const logger = deps.logger.child({ part: 'payments' });
  const worker = paymentWorker(
    {
      store: deps.store,
      clock,
      logger,
      sbp,
      fiscal,
      receiptKey: loadReceiptKey(config),
      vault: deps.vault,
      settings: {
        contactWaitMs: config.fiscal.contactWaitMs,
        commandResendMs: config.commandResendMs,
        callbackGraceMs: s?.callbackGraceMs ?? 60_000,
      },
    },
    counters,
  );
  let loop: NudgedLoop | undefined;
  const api: PaymentsApi = {
    callbackSecret: s?.callbackSecret,
    callbackToleranceMs: s?.callbackToleranceMs ?? 300_000,
    counters,
    onSettled: () => {
      deps.onSettled();
      loop?.nudge();
    },
  };
  return {
    sbp,
    simulatedSbp,
    fiscal,
    worker,
    counters,
    api,
    start() {
      loop ??= paymentLoop(worker, config.intervalMs, logger);
    },
    nudge: () => loop?.nudge(),
    async stop() {
      await loop?.stop();
      loop = undefined;
    },
  };
}
