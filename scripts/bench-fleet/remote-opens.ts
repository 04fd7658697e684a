/**
 * BENCH SUPPORT — remote opens as an operator makes them: POST the command, then read it back
 * until the locker's result is committed in the cloud store (status no longer pending/sent).
 * Returns each round trip in milliseconds.
 */
export async function remoteOpens(input: {
  readonly api: string;
  readonly operatorKey: string;
  readonly lockerIds: readonly string[];
  readonly count: number;
  readonly concurrency: number;
}): Promise<number[]> {
  const times: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < input.count) {
      next += 1;
      const lockerId = input.lockerIds[Math.floor(Math.random() * input.lockerIds.length)] ?? '';
      times.push(await openOnce(input.api, input.operatorKey, lockerId));
    }
  };
  await Promise.all(Array.from({ length: input.concurrency }, worker));
  return times;
}

async function openOnce(api: string, key: string, lockerId: string): Promise<number> {
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const started = performance.now();
  const created = await fetch(`${api}/v1/operator/lockers/${lockerId}/remote-open`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ cellId: 'C2', reason: 'fleet bench' }),
  });
  if (created.status !== 202) throw new Error(`remote-open answered ${created.status}`);
  const { id } = (await created.json()) as { id: string };
  const deadline = Date.now() + 60_000;
  for (;;) {
    const answer = await fetch(`${api}/v1/operator/commands/${id}`, { headers });
    const { status } = (await answer.json()) as { status: string };
    if (status !== 'pending' && status !== 'sent') {
      if (status !== 'applied') throw new Error(`remote open ${id} ended ${status}`);
      return performance.now() - started;
    }
    if (Date.now() > deadline) throw new Error(`remote open ${id} still ${status} after 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
