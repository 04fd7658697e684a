/** One fiscal document: a sale (income) or its refund (return of income), for one payment. */
export interface FiscalReceipt {
  /** Our receipt id: the provider's external id, so a retried registration is not doubled. */
  readonly receiptId: string;
  readonly kind: 'sale' | 'refund';
  readonly paymentId: string;
  readonly orderId: string;
  readonly lockerId: string;
  readonly purpose: string | null;
  /** pos: card through the terminal; sbp: a transfer — both "electronic" for the receipt. */
  readonly method: string;
  readonly amountKopecks: number;
  /** Where the person asked for the receipt, in clear only in memory on the way out. */
  readonly contact: { readonly channel: 'sms' | 'email'; readonly value: string } | null;
  readonly at: number;
}

/**
 * accepted: fiscalized; `accepted: false` with an id: registered, still being fiscalized (asked
 * again with `check`). Permanent failures (a refused document) are not retried.
 */
export type FiscalResult =
  | { readonly ok: true; readonly externalId: string; readonly accepted: boolean }
  | { readonly ok: false; readonly error: string; readonly permanent?: boolean };

export interface FiscalProvider {
  readonly name: string;
  register(receipt: FiscalReceipt): Promise<FiscalResult>;
  check(externalId: string): Promise<FiscalResult>;
}

export function networkFailure(error: unknown): string {
  const code = (error as { cause?: { code?: unknown } }).cause?.code;
  return `network: ${typeof code === 'string' ? code : error instanceof Error ? error.name : 'failed'}`;
}
