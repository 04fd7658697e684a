import { describe, expect, it } from 'vitest';
import type { SyncMessage } from '../../protocol/index.ts';
import { answerSyncRequest } from './sync-answer.ts';

const delta = (base: number, version: number): SyncMessage => ({
  lockerId: 'L1',
  kind: 'delta',
  baseVersion: base,
  version,
  issuedAt: 1,
});
const snapshot = (version: number): SyncMessage => ({
  lockerId: 'L1',
  kind: 'snapshot',
  version,
  issuedAt: 1,
});

describe('answerSyncRequest', () => {
  it('passes a delta on the locker version and a snapshot when the builder chooses one', async () => {
    expect(await answerSyncRequest(() => delta(7, 9), 'L1', 7)).toEqual(delta(7, 9));
    expect(await answerSyncRequest(async () => snapshot(9), 'L1', 2)).toEqual(snapshot(9));
  });

  it('sends nothing to a locker that is current', async () => {
    expect(await answerSyncRequest(() => undefined, 'L1', 9)).toBeUndefined();
    expect(await answerSyncRequest(() => snapshot(9), 'L1', 9)).toBeUndefined();
  });

  it('refuses a builder answer the locker would refuse', async () => {
    await expect(answerSyncRequest(() => delta(5, 9), 'L1', 7)).rejects.toThrow(/base 5/);
    await expect(
      answerSyncRequest(() => ({ ...snapshot(9), lockerId: 'L2' }), 'L1', 0),
    ).rejects.toThrow(/L2/);
  });
});
