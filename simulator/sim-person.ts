import type { SimBoard } from './sim-board.ts';

/**
 * The person in front of a simulated locker, for demos: whoever a door opened for takes or puts
 * the parcel and shuts the door after `closeAfterMs`. Tests close doors themselves instead.
 */
export function simulatePerson(board: SimBoard, closeAfterMs: number): () => void {
  const pending = new Map<number, () => void>();
  const unsubscribe = board.subscribe((event) => {
    if (event.type !== 'door') return;
    pending.get(event.channel)?.();
    pending.delete(event.channel);
    if (event.open && event.cause === 'unlock') {
      const cancel = board.timers.after(closeAfterMs, () => {
        pending.delete(event.channel);
        board.closeDoor(event.channel);
      });
      pending.set(event.channel, cancel);
    }
  });
  return () => {
    unsubscribe();
    for (const cancel of pending.values()) cancel();
    pending.clear();
  };
}
