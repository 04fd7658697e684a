import { writeSync } from 'node:fs';
import { SerialPort } from 'serialport';
import { PostamatError } from '../../../protocol/errors.ts';
import type { SerialSettings } from './rtu-timing.ts';
import type { SerialBinding, SerialBindingFactory } from './serial-binding.ts';

/** A serial device: a USB RS-485 adapter such as /dev/ttyUSB0, or one end of a pseudo-terminal. */
export function serialPortBinding(path: string, serial: SerialSettings): SerialBindingFactory {
  return async () => {
    const port = new SerialPort({
      path,
      baudRate: serial.baudRate,
      dataBits: serial.dataBits,
      parity: serial.parity,
      stopBits: serial.stopBits,
      autoOpen: false,
    });
    await new Promise<void>((resolve, reject) => {
      port.open((error) => (error ? reject(portError(path, error)) : resolve()));
    });
    return wrap(port);
  };
}

/** Maps the OS's reasons to one line a technician can act on. */
export function portError(path: string, error: Error): PostamatError {
  const message = error.message;
  const reason = /ENOENT|No such file/i.test(message)
    ? 'missing'
    : /EACCES|Permission denied/i.test(message)
      ? 'permission'
      : /EBUSY|Resource busy|lock/i.test(message)
        ? 'busy'
        : 'other';
  const text: Record<typeof reason, string> = {
    missing: `serial port ${path} does not exist (adapter unplugged, or wrong path?)`,
    permission: `no permission to open ${path} (add the user to the dialout group)`,
    busy: `serial port ${path} is in use by another program`,
    other: `cannot open serial port ${path}: ${message}`,
  };
  return new PostamatError('port-unavailable', text[reason], { path, reason });
}

function wrap(port: SerialPort): SerialBinding {
  let closing = false;
  return {
    write: (bytes) =>
      new Promise((resolve, reject) => {
        // Resolves once the OS has the bytes. No tcdrain(): it costs a thread-pool round trip
        // per frame, and the silence before the next request is timed from the answer anyway.
        const done = writeDirect(port, bytes);
        if (done === bytes.length) return resolve();
        port.write(Buffer.from(bytes.subarray(done)), (error) =>
          error ? reject(error) : resolve(),
        );
      }),
    onData: (listener) => {
      port.on('data', (chunk: Buffer) => listener(chunk));
    },
    onClose: (listener) => {
      port.on('close', (error?: Error | null) => {
        if (!closing) listener(error ?? undefined);
      });
    },
    close: () =>
      new Promise((resolve) => {
        closing = true;
        if (!port.isOpen) return resolve();
        port.close(() => resolve());
      }),
  };
}

/**
 * A frame is a few bytes: one non-blocking write(2) on the port's descriptor takes microseconds,
 * where serialport's own path hands it to libuv's thread pool and back (most of the idle polling
 * loop's CPU, measured). Used only when nothing of ours is queued in the stream, so order holds;
 * anything unusual (no descriptor, EAGAIN) falls back to serialport's path, as does the rest of a
 * short write.
 */
function writeDirect(port: SerialPort, bytes: Uint8Array): number {
  const fd = (port.port as { fd?: unknown } | undefined)?.fd;
  if (typeof fd !== 'number' || port.writableLength > 0) return 0;
  try {
    return writeSync(fd, bytes);
  } catch {
    return 0;
  }
}
