import type { EventEmitter } from 'node:events';

/**
 * Collects bytes from a stream until `count` have arrived; bounded, never a sleep. Test support
 * used by the pty tests.
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
