import type { Logger } from 'pino';

export interface PresenceLogOptions {
  /** Per-locker lines at info in one window; past it, a summary. */
  readonly perWindow: number;
  readonly windowMs: number;
}

/**
 * 100 lines per 10 s: a locker dropping off or coming back is a line an operator greps for, while
 * a connect storm (10,000 lockers after a cloud start) would be 10,000 lines in seconds — the
 * whole of journald's default rate limit (10,000 per 30 s per service), so the warnings and
 * errors logged in the same seconds would be dropped with them.
 */
export const DEFAULT_PRESENCE_LOG: PresenceLogOptions = { perWindow: 100, windowMs: 10_000 };

/**
 * Presence changes in the log: a line per locker (`mqtt.locker.presence`) while they are few; past
 * `perWindow` in a window the rest go to debug, and when the window ends one info line
 * (`mqtt.locker.presence.summary`) counts them: how many came online and how many went offline,
 * and how many of them the log did not name.
 */
export class PresenceLog {
  private windowStart = -Infinity;
  private named = 0;
  private unnamed = { online: 0, offline: 0 };
  private summaryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly now: () => number,
    private readonly options: PresenceLogOptions = DEFAULT_PRESENCE_LOG,
  ) {}

  change(lockerId: string, online: boolean): void {
    const line = { event: 'mqtt.locker.presence', lockerId, online, retained: false };
    const now = this.now();
    if (now - this.windowStart >= this.options.windowMs) {
      this.flush();
      this.windowStart = now;
      this.named = 0;
    }
    if (this.named < this.options.perWindow) {
      this.named += 1;
      this.logger.info(line);
      return;
    }
    this.logger.debug(line);
    this.unnamed[online ? 'online' : 'offline'] += 1;
    if (this.summaryTimer === undefined) {
      const left = Math.max(0, this.windowStart + this.options.windowMs - now);
      this.summaryTimer = setTimeout(() => this.flush(), left);
      this.summaryTimer.unref();
    }
  }

  /** Writes the summary of what was not named, if anything was (also on close). */
  flush(): void {
    clearTimeout(this.summaryTimer);
    this.summaryTimer = undefined;
    const { online, offline } = this.unnamed;
    if (online + offline === 0) return;
    this.logger.info({
      event: 'mqtt.locker.presence.summary',
      online,
      offline,
      windowMs: this.options.windowMs,
      note: `${online + offline} presence changes past the first ${this.options.perWindow} of the window are logged at debug only`,
    });
    this.unnamed = { online: 0, offline: 0 };
  }
}
