import { createServer } from 'node:net';

/** TEST SUPPORT — a port nobody listens on now (port 0, read back, released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** `count` consecutive free ports (the demo's kiosks take consecutive ones); the first. */
export async function freeRun(count: number): Promise<number> {
  for (;;) {
    const first = await freePort();
    if (first + count - 1 >= 65536) continue;
    const rest = Array.from({ length: count - 1 }, (_, i) => first + i + 1);
    if ((await Promise.all(rest.map(isFree))).every(Boolean)) return first;
  }
}
