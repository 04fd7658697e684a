import type { Clock } from '../../protocol/index.ts';
import { dayOf } from '../store/courier-credentials.ts';

/**
 * Courier codes are derived per UTC day and lockers hold today's and tomorrow's; when the day
 * turns, every locker must be sent the new tomorrow's. `check` bumps every locker's sync version
 * once per new day (not at start: a fresh process has nothing to catch up on that a
 * reconnecting locker's own sync request does not bring). With several cloud workers each bumps
 * once: a few empty deltas, no harm.
 */
export function credentialDayWatcher(clock: Clock, bumpAll: () => Promise<void>) {
  let day = dayOf(clock.now());
  return {
    async check(): Promise<boolean> {
      const today = dayOf(clock.now());
      if (today === day) return false;
      await bumpAll();
      day = today;
      return true;
    },
  };
}
