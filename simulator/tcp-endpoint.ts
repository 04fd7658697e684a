import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { RtuSlave, type RtuSlaveOptions } from './rtu-slave.ts';

/**
 * RTU over TCP, as RS-485-to-Ethernet gateways speak it: the same RTU frames (with CRC) in a TCP
 * stream. Each connection gets its own framer and counters; all share the same boards.
 */
export class TcpEndpoint {
  private readonly server: Server;
  private readonly connections = new Map<Socket, RtuSlave>();
  private readonly finished: RtuSlave[] = [];

  constructor(private readonly options: Omit<RtuSlaveOptions, 'write'>) {
    this.server = createServer((socket) => this.serve(socket));
  }

  async listen(port: number, host = '127.0.0.1'): Promise<number> {
    this.server.listen(port, host);
    await once(this.server, 'listening');
    const address = this.server.address();
    return typeof address === 'object' && address ? address.port : port;
  }

  /** Every slave this endpoint has run, so the counters cover closed connections too. */
  slaves(): RtuSlave[] {
    return [...this.finished, ...this.connections.values()];
  }

  async close(): Promise<void> {
    for (const socket of this.connections.keys()) socket.destroy();
    if (this.server.listening) {
      this.server.close();
      await once(this.server, 'close');
    }
  }

  private serve(socket: Socket): void {
    socket.setNoDelay(true);
    const slave = new RtuSlave({
      ...this.options,
      write: (frame) => {
        if (!socket.destroyed) socket.write(frame);
      },
    });
    this.connections.set(socket, slave);
    socket.on('data', (chunk: Buffer) => slave.receive(chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      slave.close();
      this.connections.delete(socket);
      this.finished.push(slave);
    });
  }
}
