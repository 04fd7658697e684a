import type { FiscalProvider, FiscalReceipt } from './fiscal-provider.ts';

export interface RecordingFiscalProvider extends FiscalProvider {
  /** Every document registered, in order, once per receipt id. */
  readonly recorded: readonly FiscalReceipt[];
}

/** Keeps receipts in memory and accepts them at once: for tests and the demo. */
export function recordingFiscalProvider(): RecordingFiscalProvider {
  const recorded: FiscalReceipt[] = [];
  return {
    name: 'recording',
    recorded,
    async register(receipt) {
      // Like a real service keyed by external id: a retried registration is the same document.
      if (!recorded.some((r) => r.receiptId === receipt.receiptId)) recorded.push(receipt);
      return { ok: true, externalId: `rec-${receipt.receiptId}`, accepted: true };
    },
    async check(externalId) {
      return { ok: true, externalId, accepted: true };
    },
  };
}
