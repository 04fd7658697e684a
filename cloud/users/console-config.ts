import type { Logger } from 'pino';
import { z } from 'zod';
import { PostamatError } from '../../protocol/index.ts';
import type { CloudStore } from '../store/store.ts';
import { type ConsoleSettings, DEFAULT_CONSOLE_SETTINGS } from './console-settings.ts';
import { hashPassword } from './password.ts';

const flag = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);

/** The cloud config's `console` section (cloud/config.ts); env overrides in CONSOLE_ENV. */
export const consoleConfigSchema = z.strictObject({
  sessionIdleMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  sessionMaxHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(12),
  /** Behind https: the session cookie gets Secure. */
  secureCookie: flag.default(false),
  /** scrypt cost N as a power of two: 15 (32 MiB, about 0.1 s). Lower only for tests. */
  passwordCostLog2: z.number().int().min(10).max(20).default(15),
  /** Created at start when no user has this email: the first admin of a fresh network. */
  admin: z
    .strictObject({
      email: z.email(),
      password: z.coerce.string().min(10, 'at least 10 characters'),
      name: z.string().min(1).default('Administrator'),
      /** Absent: the only operator, or a new one named `operatorName` when there is none. */
      operatorId: z.string().min(1).optional(),
      operatorName: z.string().min(1).default('Operator'),
    })
    .optional(),
});
export type ConsoleConfig = z.infer<typeof consoleConfigSchema>;

export const CONSOLE_ENV = {
  POSTAMAT_CONSOLE_ADMIN_EMAIL: ['console', 'admin', 'email'],
  POSTAMAT_CONSOLE_ADMIN_PASSWORD: ['console', 'admin', 'password'],
  POSTAMAT_CONSOLE_ADMIN_OPERATOR: ['console', 'admin', 'operatorId'],
  POSTAMAT_CONSOLE_SECURE_COOKIE: ['console', 'secureCookie'],
  POSTAMAT_CONSOLE_IDLE_MINUTES: ['console', 'sessionIdleMinutes'],
  POSTAMAT_CONSOLE_MAX_HOURS: ['console', 'sessionMaxHours'],
} as const;

export function consoleSettings(config: ConsoleConfig | undefined): ConsoleSettings {
  if (config === undefined) return DEFAULT_CONSOLE_SETTINGS;
  return {
    idleMs: config.sessionIdleMinutes * 60_000,
    absoluteMs: config.sessionMaxHours * 3_600_000,
    secureCookie: config.secureCookie,
    passwordCost: { ...DEFAULT_CONSOLE_SETTINGS.passwordCost, N: 2 ** config.passwordCostLog2 },
  };
}

async function adminOperator(store: CloudStore, admin: NonNullable<ConsoleConfig['admin']>) {
  if (admin.operatorId !== undefined) return admin.operatorId;
  const operators = await store.listOperators();
  if (operators.length === 1) return (operators[0] as { id: string }).id;
  if (operators.length === 0) return (await store.createOperator(admin.operatorName)).operator.id;
  throw new PostamatError('bad-config', 'several operators: say console.admin.operatorId', {
    field: 'console.admin.operatorId',
  });
}

/** The configured first admin, created once; later starts leave users as they are. */
export async function bootstrapConsoleAdmin(
  store: CloudStore,
  config: ConsoleConfig | undefined,
  logger: Logger,
): Promise<void> {
  const admin = config?.admin;
  if (admin === undefined || (await store.userByEmail(admin.email)) !== undefined) return;
  const operatorId = await adminOperator(store, admin);
  const settings = consoleSettings(config);
  const user = await store.createUser({
    email: admin.email,
    name: admin.name,
    role: 'admin',
    scope: { operatorId },
    passwordHash: await hashPassword(admin.password, settings.passwordCost),
    createdBy: 'config',
  });
  logger.info({ event: 'console.admin.created', userId: user.id, operatorId });
}
