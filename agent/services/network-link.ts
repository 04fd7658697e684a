/**
 * The cloud link as the Agent sees it, for the technician: whatever carries the events (the MQTT
 * sync client in production) implements this, and agent/main.ts hands it to the Agent, so the
 * Agent never imports a transport.
 */
export interface NetworkLinkState {
  readonly connected: boolean;
  /** When the link last came up (ms since the epoch); null: never since start. */
  readonly lastConnectedAt: number | null;
  /** When the link last went down; null: not since start. */
  readonly lastDisconnectedAt: number | null;
  readonly connects: number;
  readonly connectFailures: number;
  readonly ackTimeouts: number;
  /** Events sent and not yet acknowledged by the cloud. */
  readonly inFlight: number;
}

export interface NetworkLink {
  linkState(): NetworkLinkState;
}

/** What the technician reads: the link, and the locker's own side of the sync. */
export interface NetworkStatus extends Partial<NetworkLinkState> {
  /** False when no cloud link is configured: the locker runs offline by design. */
  readonly configured: boolean;
  readonly outboxDepth: number;
  readonly deliveredSeq: number;
  readonly lastSeq: number;
  readonly syncVersion: number;
}
