import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { type ControlContext, runControlCommand } from './control-commands.ts';

/**
 * The standalone simulator's control channel: JSON lines over TCP on 127.0.0.1. Besides the
 * commands of control-commands.ts, `{"cmd":"subscribe"}` turns the connection into a stream of
 * `{"event":{…,"address":1}}` lines, one per board event (door, sensor, coil, answering, fault).
 */
export class ControlServer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly context: ControlContext) {
    this.server = createServer((socket) => this.serve(socket));
  }

  async listen(port: number): Promise<number> {
    this.server.listen(port, '127.0.0.1');
    await once(this.server, 'listening');
    const address = this.server.address();
    return typeof address === 'object' && address ? address.port : port;
  }

  /** Serves a readable of command lines, replying to `write`; used for stdin too. */
  serveLines(input: NodeJS.ReadableStream, write: (line: string) => void): () => void {
    const unsubscribers: (() => void)[] = [];
    const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
    lines.on('line', (line) => {
      if (line.trim() === '') return;
      const reply = this.subscribeOrRun(line, write, unsubscribers);
      write(JSON.stringify(reply));
    });
    return () => {
      lines.close();
      for (const unsubscribe of unsubscribers) unsubscribe();
    };
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    if (this.server.listening) {
      this.server.close();
      await once(this.server, 'close');
    }
  }

  private serve(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('error', () => socket.destroy());
    const stop = this.serveLines(socket, (line) => {
      if (!socket.destroyed) socket.write(`${line}\n`);
    });
    socket.on('close', () => {
      stop();
      this.sockets.delete(socket);
    });
  }

  private subscribeOrRun(
    line: string,
    write: (line: string) => void,
    unsubscribers: (() => void)[],
  ): Record<string, unknown> {
    const subscribe = subscribeRequest(line);
    if (!subscribe) return runControlCommand(line, this.context);
    for (const board of this.context.bus.boards()) {
      const address = board.address;
      unsubscribers.push(
        board.subscribe((event) => write(JSON.stringify({ event: { ...event, address } }))),
      );
    }
    return { id: subscribe.id, ok: true, result: {} };
  }
}

/** The request when `line` is a subscribe command, else undefined. */
function subscribeRequest(line: string): { id?: unknown } | undefined {
  try {
    const request = JSON.parse(line) as { cmd?: unknown; id?: unknown };
    return request?.cmd === 'subscribe' ? request : undefined;
  } catch {
    return undefined;
  }
}
