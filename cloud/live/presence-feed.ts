import type { LockerPresence } from '../mqtt/locker-presence.ts';
import type { LiveEventHub } from './event-hub.ts';

/**
 * Presence to the console's live feed: a change of online state goes out once. (The last status
 * itself is stored by the presence recorder, cloud/service/presence-recorder.ts.)
 */
export function feedPresence(presence: LockerPresence, hub: LiveEventHub): () => void {
  const online = new Map<string, boolean>();
  return presence.onChange((lockerId, entry) => {
    if (online.get(lockerId) === entry.online) return;
    online.set(lockerId, entry.online);
    void hub.publish({
      type: entry.online ? 'locker.online' : 'locker.offline',
      at: entry.receivedAt,
      lockerId,
      data: { online: entry.online, lastSeenAt: entry.receivedAt },
    });
  });
}
