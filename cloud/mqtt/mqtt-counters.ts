/**
 * What can go wrong on the cloud's MQTT side, counted. One object shared by the broker and the
 * ingest; logged and exported (prom-client) by whoever wires the cloud.
 */
export interface MqttCounters {
  connectionsAccepted: number;
  authFailures: number;
  revokedRefused: number;
  /** Lockers asked to come back later: the cloud was still starting (CONNACK 3, not an auth failure). */
  refusedStarting: number;
  publishDenied: number;
  subscribeDenied: number;
  oversized: number;
  malformed: number;
  foreignTopic: number;
  gaps: number;
  /** External broker: tries of a batch held for its predecessor to commit on another worker. */
  heldEarly: number;
  /** External broker: gaps left unanswered, a resend from that seq having just been asked. */
  gapsQuiet: number;
  batchesCommitted: number;
  eventsCommitted: number;
  duplicateEvents: number;
  ingestErrors: number;
  acksSent: number;
  /** Acks whose publish failed (e.g. the link closing); the locker re-sends, nothing is lost. */
  ackFailures: number;
  statusUpdates: number;
  syncAnswers: number;
  syncAnswerErrors: number;
}

export function createMqttCounters(): MqttCounters {
  return {
    connectionsAccepted: 0,
    authFailures: 0,
    revokedRefused: 0,
    refusedStarting: 0,
    publishDenied: 0,
    subscribeDenied: 0,
    oversized: 0,
    malformed: 0,
    foreignTopic: 0,
    gaps: 0,
    heldEarly: 0,
    gapsQuiet: 0,
    batchesCommitted: 0,
    eventsCommitted: 0,
    duplicateEvents: 0,
    ingestErrors: 0,
    acksSent: 0,
    ackFailures: 0,
    statusUpdates: 0,
    syncAnswers: 0,
    syncAnswerErrors: 0,
  };
}
