import type { TerminalStage } from './ecr-messages.ts';

/**
 * A card payment terminal (POS) attached to the locker board. The flows are written against this
 * and nothing else; `EcrTerminal` speaks the documented framed protocol over a serial port, and
 * a bank's own ECR protocol (UPOS, Arcus…) plugs in as another implementation.
 */
export interface PaymentTerminal {
  /** Takes `amountKopecks` for `paymentId` (the locker's id, which the terminal journals). */
  sale(
    paymentId: string,
    amountKopecks: number,
    onStage?: (stage: TerminalStage) => void,
  ): Promise<SaleOutcome>;
  /**
   * What the terminal's own journal says about a payment: how a crash or a lost link is
   * resolved. Rejects (PostamatError `timeout`) when the terminal cannot be reached.
   */
  status(paymentId: string): Promise<TerminalPaymentStatus>;
  /**
   * Cancels a sale still in progress on the terminal (one a crash left waiting for a card). The
   * answer is the sale's final result: approved if the card came first.
   */
  cancel(paymentId: string): Promise<SaleOutcome>;
  /** Gives an approved payment back; idempotent per paymentId on the terminal's side. */
  refund(paymentId: string, amountKopecks: number): Promise<RefundOutcome>;
  connection(): TerminalConnection;
  /** Asks the terminal whether it is there and whether it can approve offline. */
  refreshInfo(): Promise<TerminalConnection>;
  close(): Promise<void>;
}

export type SaleOutcome =
  | { readonly status: 'approved'; readonly providerRef: string }
  | {
      readonly status: 'declined';
      readonly reason: 'declined' | 'timeout' | 'cancelled';
      readonly detail?: string;
    }
  /** The link went silent mid-payment: only `status()` later can tell what happened. */
  | { readonly status: 'unknown'; readonly reason: 'connection-lost' };

export type TerminalPaymentStatus =
  | { readonly state: 'approved'; readonly providerRef: string; readonly amountKopecks?: number }
  | { readonly state: 'declined' | 'cancelled' | 'in-progress' | 'refunded' | 'unknown' };

export type RefundOutcome =
  | { readonly refunded: true; readonly providerRef: string }
  | { readonly refunded: false; readonly detail: string };

export interface TerminalConnection {
  /** The last exchange got an answer (false after a silent timeout or a closed port). */
  readonly connected: boolean;
  /** The terminal can approve without its bank host (it said so in `info`). */
  readonly offlineCapable: boolean;
  readonly timeouts: number;
  readonly crcErrors: number;
}
