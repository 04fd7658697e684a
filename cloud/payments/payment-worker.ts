import type { Logger } from 'pino';
import type { Clock } from '../../protocol/index.ts';
import type { PersonalDataVault } from '../notifications/personal-data-vault.ts';
import { type NudgedLoop, nudgedLoop } from '../service/nudged-loop.ts';
import type { CloudStore } from '../store/store.ts';
import type { FiscalProvider, FiscalReceipt } from './providers/fiscal-provider.ts';
import { type SbpProvider, SbpProviderError } from './providers/sbp-provider.ts';
import { maskContact, type ReceiptKey, validContact } from './receipt-key.ts';
import type { DueReceipt } from './receipt-store.ts';

export interface PaymentWorkerDeps {
  readonly store: CloudStore;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Absent: SBP is not configured; SBP payments started by lockers wait. */
  readonly sbp: SbpProvider | undefined;
  readonly fiscal: FiscalProvider;
  readonly receiptKey: ReceiptKey | undefined;
  readonly vault: PersonalDataVault | undefined;
  readonly settings: {
    /** A receipt waits this long after the payment for the person's contact. */
    readonly contactWaitMs: number;
    /** An unanswered payment command is sent again after this long. */
    readonly commandResendMs: number;
    /** After a QR's payable time, wait this long for the callback before asking the provider. */
    readonly callbackGraceMs: number;
  };
}

export function createPaymentCounters() {
  return {
    qrCreated: 0,
    providerFailures: 0,
    refunds: 0,
    commandResends: 0,
    receiptsAccepted: 0,
    receiptRetries: 0,
    receiptsFailed: 0,
    callbacksAccepted: 0,
    callbacksRefused: 0,
  };
}
export type PaymentCounters = ReturnType<typeof createPaymentCounters>;

/**
 * Everything about payments that calls out of the cloud, outside any transaction: QRs from the
 * SBP provider for started payments, outcomes of QRs whose callback never came, refunds, resends
 * of unanswered commands to lockers, receipt contacts opened, and receipts fiscalized.
 */
export function paymentWorker(deps: PaymentWorkerDeps, counters = createPaymentCounters()) {
  const { store, logger, settings } = deps;

  function providerFailed(paymentId: string, stage: string, error: unknown) {
    counters.providerFailures += 1;
    const permanent = error instanceof SbpProviderError && error.permanent;
    logger.warn({ event: `payments.${stage}-failed`, paymentId, error: String(error), permanent });
    return permanent;
  }

  async function createQrs(sbp: SbpProvider) {
    for (const p of await store.paymentsNeedingQr()) {
      try {
        const qr = await sbp.createQr({
          paymentId: p.id,
          amountKopecks: p.amount_kopecks,
          description: `${p.purpose ?? 'payment'} ${p.order_id}`,
        });
        if (await store.recordQr(p.id, qr)) counters.qrCreated += 1;
        logger.info({ event: 'payments.qr-created', paymentId: p.id, operationId: qr.operationId });
      } catch (error) {
        await store.paymentCallFailed(p.id, 'qr', providerFailed(p.id, 'qr', error));
      }
    }
  }

  /** No callback came (lost, or the cloud was down): the provider's answer settles the QR. */
  async function checkPastDue(sbp: SbpProvider) {
    for (const p of await store.sbpPastDue(settings.callbackGraceMs)) {
      const operationId = p.provider_operation_id as string;
      try {
        const answer = await sbp.state(operationId);
        if (answer.state === 'pending') continue;
        const outcome =
          answer.state === 'paid'
            ? {
                status: 'paid' as const,
                amountKopecks: answer.amountKopecks ?? p.amount_kopecks,
                providerRef: answer.providerRef ?? operationId,
              }
            : { status: answer.state };
        const result = await store.settleSbp(operationId, outcome);
        logger.info({ event: 'payments.settled-by-state', paymentId: p.id, result });
      } catch (error) {
        providerFailed(p.id, 'state', error);
      }
    }
  }

  async function refunds(sbp: SbpProvider) {
    for (const p of await store.refundsRequested()) {
      try {
        const { refundRef } = await sbp.refund({
          paymentId: p.id,
          operationId: p.provider_operation_id ?? p.id,
          amountKopecks: p.refunded_kopecks ?? p.amount_kopecks,
        });
        if (await store.recordProviderRefund(p.id, refundRef)) counters.refunds += 1;
        logger.info({ event: 'payments.refunded', paymentId: p.id });
      } catch (error) {
        await store.paymentCallFailed(p.id, 'refund', providerFailed(p.id, 'refund', error));
      }
    }
  }

  async function openContacts() {
    for (const c of await store.contactsToOpen()) {
      let sealed: string | null = null;
      let masked: string | null = null;
      try {
        const value = deps.receiptKey?.open(c.rsa_sealed as string);
        if (value === undefined) continue;
        if (validContact(c.channel, value)) {
          sealed = deps.vault === undefined ? `rsa:${c.rsa_sealed}` : deps.vault.seal(value);
          masked = maskContact(c.channel, value);
        }
      } catch {
        // A contact that does not open is dropped; the receipt goes without it.
      }
      if (masked === null)
        logger.warn({ event: 'payments.contact-unreadable', paymentId: c.payment_id });
      await store.saveOpenedContact(c.payment_id, sealed, masked);
    }
  }

  function contactOf(r: DueReceipt): FiscalReceipt['contact'] {
    if (r.contactSealed === null || r.contactChannel === null) return null;
    const value = r.contactSealed.startsWith('rsa:')
      ? deps.receiptKey?.open(r.contactSealed.slice(4))
      : deps.vault?.open(r.contactSealed);
    return value === undefined ? null : { channel: r.contactChannel as 'sms' | 'email', value };
  }

  async function sendReceipts() {
    const now = deps.clock.now();
    for (const r of await store.dueReceipts()) {
      // The person may still be giving a contact at the kiosk: wait a little for it.
      if (r.status === 'pending' && !r.contactOpened && now < r.created_at + settings.contactWaitMs)
        continue;
      const result =
        r.status === 'sent' && r.external_id !== null
          ? await deps.fiscal.check(r.external_id)
          : await deps.fiscal.register(receiptOf(r, contactOf(r)));
      const status = await store.receiptResult(r, result);
      if (status === 'accepted') counters.receiptsAccepted += 1;
      else if (status === 'failed') counters.receiptsFailed += 1;
      else if (!result.ok) counters.receiptRetries += 1;
      const error = result.ok ? undefined : result.error;
      logger.info({ event: 'payments.receipt', receiptId: r.id, kind: r.kind, status, error });
    }
  }

  return {
    counters,
    async pass(): Promise<void> {
      if (deps.sbp !== undefined) {
        await createQrs(deps.sbp);
        await checkPastDue(deps.sbp);
        await refunds(deps.sbp);
      }
      counters.commandResends += await store.resendUnansweredPaymentCommands(
        settings.commandResendMs,
      );
      await openContacts();
      await sendReceipts();
    },
  };
}
export type PaymentWorker = ReturnType<typeof paymentWorker>;

function receiptOf(r: DueReceipt, contact: FiscalReceipt['contact']): FiscalReceipt {
  return {
    receiptId: r.id,
    kind: r.kind,
    paymentId: r.payment_id,
    orderId: r.order_id,
    lockerId: r.locker_id,
    purpose: r.purpose,
    method: r.method,
    amountKopecks: r.amount_kopecks,
    contact,
    at: r.created_at,
  };
}

export function paymentLoop(worker: PaymentWorker, pollMs: number, logger: Logger): NudgedLoop {
  return nudgedLoop('payments', () => worker.pass(), { pollMs, debounceMs: 20, logger });
}
