import { randomUUID } from 'node:crypto';
import type { Clock } from '../../protocol/index.ts';

export interface Session {
  readonly id: string;
  readonly role: 'courier' | 'technician';
  readonly holderId: string;
  readonly tenantId: string | null;
  readonly credentialId: string;
  readonly expiresAt: number;
}

/**
 * Logged-in couriers and technicians at the kiosk. Kept in memory on purpose: after a restart
 * the person logs in again, which is what a kiosk reboot looks like to them anyway.
 */
export class Sessions {
  private readonly byId = new Map<string, Session>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs = 15 * 60_000,
  ) {}

  open(s: Omit<Session, 'id' | 'expiresAt'>): Session {
    const session = { ...s, id: randomUUID(), expiresAt: this.clock.now() + this.ttlMs };
    this.byId.set(session.id, session);
    return session;
  }

  get(id: string, role: Session['role']): Session | undefined {
    const s = this.byId.get(id);
    if (!s || s.role !== role || s.expiresAt <= this.clock.now()) return undefined;
    return s;
  }

  close(id: string): void {
    this.byId.delete(id);
  }
}
