import type { EventEmitter } from 'node:events';

/**
 * Collects bytes from a stream until `count` have arrived; bounded, never a sleep. Test support
 * shared by the pty, standalone and interoperability tests.
 */
export function readBytes(
  stream: EventEmitter,
  count: number,
  timeoutMs = 10_000,
): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      total += chunk.length;
      if (total < count) return;
      finish();
      resolve(new Uint8Array(Buffer.concat(chunks)));
    };
    const finish = () => {
      clearTimeout(timer);
      stream.off('data', onData);
    };
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`waited ${timeoutMs} ms for ${count} bytes, got ${total}`));
    }, timeoutMs);
    stream.on('data', onData);
  });
}

/** Resolves with the first value `probe` returns that is not undefined, polling every `everyMs`. */
export async function waitFor<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  what: string,
  timeoutMs = 10_000,
  everyMs = 20,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
