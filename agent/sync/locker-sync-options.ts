import type { IClientOptions } from 'mqtt';
import type { Logger } from 'pino';
import type { Clock, Status } from '../../protocol/index.ts';
import type { BackoffPolicy, RandomSource } from './domain/reconnect-backoff.ts';
import type { DrainOptions } from './outbox-drain.ts';
import type { CommandInbox, Outbox, SyncTarget } from './ports.ts';

export interface LockerSyncClientOptions {
  readonly url: string;
  readonly lockerId: string;
  readonly secret: string;
  readonly topicPrefix?: string;
  /** 4 (MQTT 3.1.1, what aedes speaks) or 5. */
  readonly protocolVersion?: 4 | 5;
  readonly tls?: Pick<IClientOptions, 'ca' | 'rejectUnauthorized'>;
  readonly outbox: Outbox;
  readonly inbox: CommandInbox;
  readonly syncTarget: SyncTarget;
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly backoff?: BackoffPolicy;
  /**
   * The first connect after start() waits a random [0, this) ms, so lockers that boot together
   * do not all knock at once (DEFAULT_START_JITTER_MS: what an agent's config gets). 0 or absent:
   * at once.
   */
  readonly startJitterMs?: number;
  readonly drain?: DrainOptions;
  /** No ack progress for this long while events are in flight: resend from the last ack. */
  readonly ackTimeoutMs?: number;
  /** How often a connected locker refreshes its retained status (outbox depth, boards). */
  readonly statusIntervalMs?: number;
  /** Software version and board states for the retained status. */
  readonly describe?: () => Pick<Status, 'version' | 'boards'>;
  readonly logger: Logger;
}

export interface LockerSyncCounters {
  connects: number;
  connectFailures: number;
  commandsHandled: number;
  commandsRefusedBadPayload: number;
  ackTimeouts: number;
}

/** Waits for a promise at most `ms`; its failure or lateness only means we stop waiting. */
export async function bounded(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  await Promise.race([
    promise.then(
      () => {},
      () => {},
    ),
    late,
  ]);
  clearTimeout(timer);
}
