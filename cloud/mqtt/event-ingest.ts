import type { Logger } from 'pino';
import {
  type Ack,
  type Clock,
  decodePayload,
  isPostamatError,
  MAX_PAYLOAD_BYTES,
  parseTopic,
} from '../../protocol/index.ts';
import type { EventIngestStore } from '../ports.ts';
import type { MqttCounters } from './mqtt-counters.ts';

export interface IngestDeps {
  readonly store: EventIngestStore;
  readonly clock: Clock;
  readonly counters: MqttCounters;
  readonly logger: Logger;
  readonly topicPrefix: string;
  /** False while a batch is held for its predecessor (early-batch-hold.ts): not yet a gap. */
  readonly reportGap?: boolean;
}

/**
 * One events message from the broker → the ack to publish, or undefined when the message was
 * refused. A refused message is counted and logged with the locker id and changes nothing in the
 * store; the agent retransmits what is not acknowledged. The ack carries the highest seq the
 * store has COMMITTED, and asks for a resend when the batch started past it (a gap).
 */
export async function ingestEventsMessage(
  deps: IngestDeps,
  topic: string,
  payload: Buffer,
): Promise<Ack | undefined> {
  const { counters, logger } = deps;
  let topicLocker: string;
  try {
    topicLocker = parseTopic(topic, deps.topicPrefix).lockerId;
  } catch {
    counters.foreignTopic += 1;
    logger.warn({ event: 'mqtt.events.bad-topic', topic });
    return undefined;
  }
  if (payload.byteLength > MAX_PAYLOAD_BYTES) {
    counters.oversized += 1;
    logger.warn({
      event: 'mqtt.events.oversized',
      lockerId: topicLocker,
      bytes: payload.byteLength,
    });
    return undefined;
  }
  let batch: ReturnType<typeof decodePayload<'events'>>;
  try {
    batch = decodePayload('events', payload);
  } catch (error) {
    counters.malformed += 1;
    const problem = isPostamatError(error) ? error.message : String(error);
    logger.warn({ event: 'mqtt.events.malformed', lockerId: topicLocker, problem });
    return undefined;
  }
  if (batch.lockerId !== topicLocker) {
    // In external-broker mode nothing else stops a locker from posting as another.
    counters.foreignTopic += 1;
    logger.warn({ event: 'mqtt.events.foreign', lockerId: topicLocker, claimed: batch.lockerId });
    return undefined;
  }
  return commit(deps, topicLocker, batch.events);
}

async function commit(
  deps: IngestDeps,
  lockerId: string,
  events: ReturnType<typeof decodePayload<'events'>>['events'],
): Promise<Ack | undefined> {
  const { counters, logger } = deps;
  try {
    const result = await deps.store.ingest(lockerId, events, deps.clock.now());
    counters.batchesCommitted += result.applied > 0 ? 1 : 0;
    counters.eventsCommitted += result.applied;
    const duplicates = result.gap ? 0 : events.length - result.applied;
    counters.duplicateEvents += duplicates;
    if (result.gap) {
      if (deps.reportGap === false)
        return { lockerId, committedSeq: result.committedSeq, resend: true, at: deps.clock.now() };
      counters.gaps += 1;
      logger.warn({
        event: 'mqtt.events.gap',
        lockerId,
        committedSeq: result.committedSeq,
        firstSeq: events[0]?.seq,
      });
      return { lockerId, committedSeq: result.committedSeq, resend: true, at: deps.clock.now() };
    }
    return { lockerId, committedSeq: result.committedSeq, at: deps.clock.now() };
  } catch (error) {
    counters.ingestErrors += 1;
    logger.error({ event: 'mqtt.events.ingest-failed', lockerId, error: String(error) });
    return undefined;
  }
}
