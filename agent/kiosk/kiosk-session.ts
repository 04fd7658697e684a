import type { BackendSession } from './kiosk-backend.ts';

export interface HeldSession {
  readonly id: string;
  readonly role: BackendSession['role'];
  readonly holderId: string;
  lastTouchAt: number;
}

/**
 * The one courier or technician session open at this screen. A kiosk has one screen, so a new
 * login ends the previous one, and a session nobody touched for `idleMs` is ended on the server
 * too: the next person at the screen never inherits it, whatever the page did.
 */
export class KioskSession {
  private held: HeldSession | undefined;

  constructor(
    private readonly idleMs: number,
    private readonly end: (sessionId: string) => void,
  ) {}

  open(session: BackendSession, now: number): void {
    this.close();
    this.held = {
      id: session.id,
      role: session.role,
      holderId: session.holderId,
      lastTouchAt: now,
    };
  }

  /** The session of `role`, touched now; undefined when there is none or it went idle. */
  touch(role: BackendSession['role'], now: number): HeldSession | undefined {
    this.expire(now);
    if (this.held?.role !== role) return undefined;
    this.held.lastTouchAt = now;
    return this.held;
  }

  current(): HeldSession | undefined {
    return this.held;
  }

  /** Ends the session if it went idle; returns true when it did. */
  expire(now: number): boolean {
    if (!this.held || now - this.held.lastTouchAt < this.idleMs) return false;
    this.close();
    return true;
  }

  close(): void {
    if (!this.held) return;
    const { id } = this.held;
    this.held = undefined;
    this.end(id);
  }
}
