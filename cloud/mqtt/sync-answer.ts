import type { SyncMessage } from '../../protocol/index.ts';

/**
 * What the cloud store provides: the message that brings a locker holding `sinceVersion` up to
 * date — a delta since that version, or a snapshot when the delta would be too old (or
 * sinceVersion is 0). Undefined when the locker is already current.
 */
export type SyncBuilder = (
  lockerId: string,
  sinceVersion: number,
) => SyncMessage | undefined | Promise<SyncMessage | undefined>;

/**
 * Answers a locker's sync request (its live status carries the version it holds). Only a message
 * that moves the locker forward is sent, and a delta must sit on the locker's version: a builder
 * bug must not push a delta the locker would refuse and re-request forever.
 */
export async function answerSyncRequest(
  build: SyncBuilder,
  lockerId: string,
  sinceVersion: number,
): Promise<SyncMessage | undefined> {
  const message = await build(lockerId, sinceVersion);
  if (message === undefined || message.version <= sinceVersion) return undefined;
  if (message.lockerId !== lockerId) {
    throw new Error(`sync builder returned a message for "${message.lockerId}", not "${lockerId}"`);
  }
  if (message.kind === 'delta' && message.baseVersion !== sinceVersion) {
    throw new Error(
      `sync builder returned a delta on base ${String(message.baseVersion)} for a locker at ${sinceVersion}`,
    );
  }
  return message;
}
