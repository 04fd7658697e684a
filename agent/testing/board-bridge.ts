import { createServer, type Server, type Socket } from 'node:net';
import type { LockBoard, LockBoardEvent } from '../drivers/lock-board.ts';

/**
 * TEST SUPPORT — serves a LockBoard (in the crash test: the simulator's SimulatedLockBoard,
 * living in the test process) to an agent in another process over TCP, as JSON lines, so the
 * board and its opening log survive when the agent is killed. Not a production transport: the
 * real link is Modbus RTU (agent/drivers/bus).
 *
 * server → client: {hello:{id,channels,online,doors}} then {event} lines and {reply} lines.
 * client → server: {call:'unlock', n, channel}.
 */
export interface BridgeRequest {
  readonly call: 'unlock';
  readonly n: number;
  readonly channel: number;
}

export function serveBoard(board: LockBoard, port = 0): Promise<{ server: Server; port: number }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    const send = (msg: unknown) => {
      if (!socket.destroyed) socket.write(`${JSON.stringify(msg)}\n`);
    };
    send({
      hello: {
        id: board.id,
        channels: board.channels,
        online: board.isOnline(),
        doors: board.doorStates(),
      },
    });
    const off = board.subscribe((event: LockBoardEvent) => send({ event }));
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 1);
        const req = JSON.parse(line) as BridgeRequest;
        board.unlock(req.channel).then(
          () => send({ reply: { n: req.n, ok: true } }),
          (error: { code?: string; message?: string }) =>
            send({
              reply: {
                n: req.n,
                ok: false,
                code: error.code ?? 'exception',
                message: error.message,
              },
            }),
        );
      }
    });
    socket.on('close', () => {
      off();
      sockets.delete(socket);
    });
    socket.on('error', () => socket.destroy());
  });
  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      resolve({ server, port: typeof address === 'object' && address ? address.port : port });
    });
  });
}
