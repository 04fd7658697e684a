import { SerialPort } from 'serialport';
import { PostamatError } from '../protocol/errors.ts';
import type { Parity } from './cli-options.ts';
import { RtuSlave, type RtuSlaveOptions } from './rtu-slave.ts';

export interface SerialEndpointOptions extends Omit<RtuSlaveOptions, 'write'> {
  readonly path: string;
  readonly parity: Parity;
  readonly stopBits: 1 | 2;
  /** Errors and the port closing under us (an unplugged adapter, the pty's other end gone). */
  readonly onTrouble?: (what: 'error' | 'closed', error?: Error) => void;
}

/** The simulated boards answering on a serial device (a USB RS-485 adapter or a pty). */
export class SerialEndpoint {
  private constructor(
    readonly slave: RtuSlave,
    private readonly port: SerialPort,
  ) {}

  static async open(options: SerialEndpointOptions): Promise<SerialEndpoint> {
    const port = new SerialPort({
      path: options.path,
      baudRate: options.timing?.baud ?? 9600,
      parity: options.parity,
      stopBits: options.stopBits,
      dataBits: 8,
      autoOpen: false,
    });
    await new Promise<void>((resolve, reject) =>
      port.open((error) => {
        if (!error) return resolve();
        reject(
          new PostamatError('port-unavailable', `cannot open ${options.path}: ${error.message}`, {
            path: options.path,
          }),
        );
      }),
    );
    const slave = new RtuSlave({ ...options, write: (frame) => port.write(frame) });
    port.on('data', (chunk: Buffer) => slave.receive(chunk));
    port.on('error', (error: Error) => options.onTrouble?.('error', error));
    port.on('close', () => options.onTrouble?.('closed'));
    return new SerialEndpoint(slave, port);
  }

  async close(): Promise<void> {
    this.slave.close();
    if (!this.port.isOpen) return;
    await new Promise<void>((resolve) => this.port.close(() => resolve()));
  }
}
