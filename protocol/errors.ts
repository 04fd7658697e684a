/**
 * Every error the project raises deliberately carries a code from this list. The kiosk, the API
 * and the logs map codes to text; nobody parses messages.
 */
export const ERROR_CODES = [
  // Modbus RTU codec and bus
  'crc',
  'truncated',
  'illegal-function',
  'bad-frame',
  'exception',
  'timeout',
  'board-offline',
  'port-unavailable',
  // wire contract
  'bad-topic',
  'bad-payload',
  'payload-too-large',
  'sequence-gap',
  'not-authorized',
  // domain
  'unknown-code',
  'bad-code-format',
  'code-expired',
  'code-used',
  'keypad-locked',
  'unknown-parcel',
  'parcel-for-other-locker',
  'parcel-cancelled',
  'no-free-cell',
  'unknown-cell',
  'cell-out-of-service',
  'door-did-not-open',
  'command-expired',
  'duplicate',
  'not-found',
  'conflict',
  'invalid-state',
  'bad-config',
  'migration-failed',
  'bad-input',
  // payments at the locker
  'payment-required',
  'payment-failed',
  'payments-unavailable',
  'needs-network',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class PostamatError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'PostamatError';
    this.code = code;
    this.details = details;
  }
}

export function isPostamatError(error: unknown, code?: ErrorCode): error is PostamatError {
  return error instanceof PostamatError && (code === undefined || error.code === code);
}
