import WebSocket from 'ws';

/**
 * BENCH SUPPORT — a full garbage collection in another Node process started with
 * `--inspect=127.0.0.1:0` (the inspector's HeapProfiler.collectGarbage), so its idle memory is
 * read without the garbage of what came before: V8 left ~190 MB of a 3,000-locker connect
 * storm's garbage uncollected for over 90 s, then dropped it in one major GC.
 */
export async function collectGarbage(stderrLines: readonly string[]): Promise<void> {
  const line = stderrLines.find((l) => l.includes('Debugger listening on'));
  const url = line === undefined ? undefined : /(ws:\/\/\S+)/.exec(line)?.[1];
  if (url === undefined) throw new Error('the process printed no inspector address');
  const socket = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.on('message', (data) => {
        const reply = JSON.parse(String(data)) as { id?: number; error?: { message: string } };
        if (reply.id !== 1) return;
        if (reply.error !== undefined) reject(new Error(reply.error.message));
        else resolve();
      });
      socket.send(JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' }));
    });
  } finally {
    socket.close();
  }
}
