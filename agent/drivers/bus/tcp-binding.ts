import { connect, type Socket } from 'node:net';
import { PostamatError } from '../../../protocol/errors.ts';
import type { SerialBinding, SerialBindingFactory } from './serial-binding.ts';

/**
 * RTU over TCP: the gateway passes our RTU frames (CRC included) to its RS-485 side unchanged.
 * Not Modbus TCP (no MBAP header).
 */
export function tcpBinding(
  host: string,
  port: number,
  connectTimeoutMs = 5000,
): SerialBindingFactory {
  return () =>
    new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      socket.setNoDelay(true);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(
          unavailable(
            host,
            port,
            'timeout',
            `no answer from ${host}:${port} within ${connectTimeoutMs} ms`,
          ),
        );
      }, connectTimeoutMs);
      socket.once('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        const reason = error.code === 'ECONNREFUSED' ? 'refused' : (error.code ?? 'other');
        reject(unavailable(host, port, reason, `cannot connect to ${host}:${port} (${reason})`));
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(wrap(socket));
      });
    });
}

function unavailable(host: string, port: number, reason: string, message: string): PostamatError {
  return new PostamatError('port-unavailable', message, { host, port, reason });
}

function wrap(socket: Socket): SerialBinding {
  let closing = false;
  // A reset by the peer is reported through onClose; without a listener it would crash the process.
  socket.on('error', () => {});
  return {
    write: (bytes) =>
      new Promise((resolve, reject) => {
        socket.write(bytes, (error) => (error ? reject(error) : resolve()));
      }),
    onData: (listener) => {
      socket.on('data', (chunk: Buffer) => listener(chunk));
    },
    onClose: (listener) => {
      socket.on('close', (hadError) => {
        if (!closing) listener(hadError ? new Error('connection lost') : undefined);
      });
    },
    close: () =>
      new Promise((resolve) => {
        closing = true;
        if (socket.destroyed) return resolve();
        socket.once('close', () => resolve());
        socket.destroy();
      }),
  };
}
