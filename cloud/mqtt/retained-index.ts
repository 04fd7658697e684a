import { Readable } from 'node:stream';
import memoryPersistence, { type Packet } from 'aedes-persistence';

/**
 * aedes' memory persistence, except that a SUBSCRIBE to exact topics (no `+`/`#`) finds their
 * retained messages by key.
 *
 * aedes-persistence 11 answers every SUBSCRIBE by testing each retained message against each
 * requested filter. Every locker keeps one retained status, and every locker subscribes to its
 * three exact topics on each connect, so N lockers connecting cost 3·N² topic matches: at 10,000
 * lockers that was most of a 405 s connect storm (docs/scaling.md). Here the retained messages
 * are mirrored in a Map as they are stored, and a request whose filters are all exact is answered
 * from it; a wildcard request (the cloud's own `…/+/status`) still goes through the library.
 */
export function memoryPersistenceWithRetainedIndex(): ReturnType<typeof memoryPersistence> {
  const persistence = memoryPersistence();
  const retained = new Map<string, Packet>();
  const storeRetained = persistence.storeRetained.bind(persistence) as (
    packet: Packet,
    cb?: (error: unknown) => void,
  ) => Promise<void> | undefined;
  const combi = persistence.createRetainedStreamCombi.bind(persistence);

  // aedes calls storeRetained(packet) for its promise; the callback form stays for other callers.
  persistence.storeRetained = ((packet: Packet, cb?: (error: unknown) => void) => {
    // The same copy and the same rule as the library: an empty payload clears the topic.
    const { topic, payload } = packet as Packet & { topic: string; payload: Buffer | string };
    if (payload.length === 0) retained.delete(topic);
    else retained.set(topic, Object.assign({}, packet));
    return storeRetained(packet, cb);
  }) as typeof persistence.storeRetained;

  persistence.createRetainedStreamCombi = (patterns: string[]) => {
    if (!patterns.every(isExactTopic)) return combi(patterns);
    const found: Packet[] = [];
    for (const topic of new Set(patterns)) {
      const packet = retained.get(topic);
      if (packet !== undefined) found.push(packet);
    }
    return Readable.from(found);
  };
  return persistence;
}

function isExactTopic(filter: string): boolean {
  return !filter.includes('+') && !filter.includes('#');
}
