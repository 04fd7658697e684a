import type { BoardCounters } from '../lock-board.ts';

/** The master's tally for one slave address; read through a frozen copy. */
export class MutableCounters implements BoardCounters {
  framesSent = 0;
  framesReceived = 0;
  crcErrors = 0;
  timeouts = 0;
  retries = 0;
  exceptions = 0;

  snapshot(): BoardCounters {
    return Object.freeze({ ...this });
  }
}

/** What the line itself suffers, not attributable to one board. */
export interface LineCounters {
  /** Bytes that were not part of any frame we could use (noise, broken frames, leftovers). */
  readonly noiseBytes: number;
  /** Valid frames from a slave address we did not ask (address clash, echoing adapter). */
  readonly wrongAddress: number;
  /** Times the line was lost (adapter unplugged, gateway connection closed). */
  readonly lineLost: number;
}
