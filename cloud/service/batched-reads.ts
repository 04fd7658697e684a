import DataLoader from 'dataloader';
import { PostamatError, type SyncMessage } from '../../protocol/index.ts';
import type { LockerCredentialStore } from '../ports.ts';
import { secretMatches } from '../store/ingest-store.ts';
import { MAX_KEYS_PER_QUERY } from '../store/key-batches.ts';

export interface BatchedReadOptions {
  /** At most this many keys in one read. */
  readonly maxBatch?: number;
  /** Reads in flight at once; keys asked for meanwhile wait and go together in the next. */
  readonly concurrency?: number;
}

/**
 * One key's read that goes to the store together with every other key asked for meanwhile
 * (DataLoader, without its cache: each call reads the store as it is now). Nothing waits when the
 * store is idle — the read leaves at the end of the current I/O phase, with whatever else this
 * phase asked for — and batches grow with load: while `concurrency` reads are in flight, new keys
 * gather for the next one. This is group commit for reads; in a connect storm it turns ten
 * thousand one-row round trips into a few dozen (docs/scaling.md).
 */
export function batchedRead<V>(
  readMany: (keys: readonly string[]) => Promise<Map<string, V>>,
  options: BatchedReadOptions = {},
): (key: string) => Promise<V | undefined> {
  const concurrency = options.concurrency ?? 2;
  let active = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    const next = waiting.shift();
    // The slot passes straight to a batch that waited for it.
    if (next === undefined) active -= 1;
    else next();
  };
  const loader = new DataLoader<string, V | undefined>(
    async (keys) => {
      try {
        const found = await readMany(keys);
        return keys.map((key) => found.get(key));
      } finally {
        release();
      }
    },
    {
      cache: false,
      maxBatchSize: options.maxBatch ?? MAX_KEYS_PER_QUERY,
      batchScheduleFn: (dispatch) => {
        if (active < concurrency) {
          active += 1;
          setImmediate(dispatch);
        } else {
          waiting.push(dispatch);
        }
      },
    },
  );
  return (key) => loader.load(key);
}

/** What the store reads for many lockers at once (cloud/store). */
export interface ManyLockerReads {
  committedSeqs(lockerIds: readonly string[]): Promise<Map<string, number>>;
  lockerSecretHashes(lockerIds: readonly string[]): Promise<Map<string, string>>;
  syncVersionsOf(lockerIds: readonly string[]): Promise<Map<string, number>>;
  buildSnapshots(lockerIds: readonly string[]): Promise<Map<string, SyncMessage>>;
}

/** The per-locker reads of a connecting locker, each batched across lockers (batchedRead). */
export interface LockerReads extends LockerCredentialStore {
  committedSeq(lockerId: string): Promise<number>;
  syncVersionOf(lockerId: string): Promise<number | undefined>;
  /** Rejects with not-found for a locker the store does not know. */
  buildSnapshot(lockerId: string): Promise<SyncMessage>;
}

export function batchedLockerReads(
  store: ManyLockerReads,
  options: BatchedReadOptions = {},
): LockerReads {
  const committed = batchedRead((ids) => store.committedSeqs(ids), options);
  const secretHash = batchedRead((ids) => store.lockerSecretHashes(ids), options);
  const syncVersion = batchedRead((ids) => store.syncVersionsOf(ids), options);
  const snapshot = batchedRead((ids) => store.buildSnapshots(ids), options);
  return {
    committedSeq: async (lockerId) => (await committed(lockerId)) ?? 0,
    verifyLockerSecret: async (lockerId, secret) =>
      secretMatches(await secretHash(lockerId), secret),
    syncVersionOf: syncVersion,
    async buildSnapshot(lockerId) {
      const message = await snapshot(lockerId);
      if (message === undefined) {
        throw new PostamatError('not-found', `no locker "${lockerId}"`, { lockerId });
      }
      return message;
    },
  };
}
