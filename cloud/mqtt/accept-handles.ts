import { spawn } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';

/**
 * How many connections a listening socket may accept per event-loop turn.
 *
 * Since libuv 1.45 (Node 20 and later) a listening handle accepts ONE connection per turn of the
 * event loop (libuv#3696, "don't accept() connections in a loop"): right for a web server, but a
 * broker whose loop is busy serving 10,000 lockers turns it only every 5–20 ms. In a connect
 * storm the embedded broker accepted ~250 lockers a second while 4,096 finished handshakes waited
 * in the kernel's accept queue, the rest had their SYNs dropped and retried after 1, 3, 7, 15 s,
 * and the slowest gave up after 30 s and came back as one more CONNECT (docs/scaling.md, step 25).
 * Holding the socket through 64 handles lets a turn accept up to 64.
 */
export const ACCEPT_HANDLES = 64;

/**
 * The child that duplicates descriptors: it sends every handle it receives straight back, then
 * closes its own copy. A raw TCP handle (`server._handle`) travels as such — the child never
 * listens on it, so it accepts nothing in between.
 */
const DUPLICATOR = `
process.on('message', (message, handle) => {
  process.send(message, handle, () => {
    handle.close();
    if (message.last) process.disconnect();
  });
});`;

/**
 * Makes `server` accept up to `count` connections per event-loop turn: `count - 1` more handles
 * on its listening socket, each accepting into `server` (its 'connection' event, so a TLS server
 * still does its handshake). The extra descriptors come from Node's public way to duplicate one:
 * a round trip over the IPC channel of a short-lived child process. Resolves with the extra
 * servers (close them with the main one); with none, and the reason, if that is impossible here.
 */
export async function acceptOnMoreHandles(
  server: Server,
  count: number,
  backlog: number,
): Promise<{ extra: Server[]; problem?: string }> {
  const handle = (server as unknown as { _handle?: object | null })._handle;
  if (count <= 1) return { extra: [] };
  if (handle === undefined || handle === null) {
    return { extra: [], problem: 'the server is not listening' };
  }
  let handles: unknown[];
  try {
    handles = await duplicate(handle, count - 1);
  } catch (error) {
    return { extra: [], problem: error instanceof Error ? error.message : String(error) };
  }
  const extra = handles.map((duplicate) => {
    const acceptor = createServer((socket: Socket) => server.emit('connection', socket));
    // The backlog again: listen() on the shared socket sets it, and Node's default is 511.
    acceptor.listen(duplicate as Parameters<Server['listen']>[0], backlog);
    return acceptor;
  });
  return { extra };
}

function duplicate(handle: object, count: number): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', DUPLICATOR], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const received: unknown[] = [];
    let exited = false;
    // Done once every copy is back AND the child is gone: its own copies of the listening socket
    // must be closed, or the socket goes on listening in it after the broker has closed its own
    // (a connect would then be taken into a queue nobody accepts from).
    const done = () => {
      if (!exited || received.length < count) return;
      clearTimeout(timer);
      resolve(received);
    };
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error('the descriptor duplicator did not answer within 10 s'));
    }, 10_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    // The channel closes once every message sent before it is read ('exit' may come sooner).
    // With every copy back the wait goes on for 'exit' (done), still under the 10 s timer.
    child.on('disconnect', () => {
      if (received.length < count) {
        clearTimeout(timer);
        reject(new Error(`the descriptor duplicator left after ${received.length} of ${count}`));
      }
    });
    child.on('exit', () => {
      exited = true;
      done();
    });
    child.on('message', (_message, duplicated) => {
      received.push(duplicated);
      done();
    });
    for (let i = 0; i < count; i++) {
      child.send({ last: i === count - 1 }, handle as Parameters<typeof child.send>[1]);
    }
  });
}
