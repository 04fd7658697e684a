import { ReadlineParser } from '@serialport/parser-readline';
import type { Logger } from 'pino';
import { SerialPort } from 'serialport';
import { PostamatError } from '../../../protocol/index.ts';

/** The byte stream of a serial port, whatever opens it: a real port, a pseudo-terminal, a pipe. */
export interface ScannerPort extends NodeJS.ReadableStream {
  close(callback?: (error?: Error | null) => void): void;
}

export type ScannerPortFactory = (path: string, baudRate: number) => Promise<ScannerPort>;

/** Opens a real serial device (or a pty) with node-serialport. */
export const openSerialPort: ScannerPortFactory = (path, baudRate) =>
  new Promise((resolve, reject) => {
    const port = new SerialPort({ path, baudRate, autoOpen: false });
    port.open((error) =>
      error
        ? reject(new PostamatError('port-unavailable', `cannot open scanner ${path}`, { path }))
        : resolve(port),
    );
  });

export interface SerialScannerOptions {
  readonly path: string;
  /** Most serial scanners ship at 9600 8N1. */
  readonly baudRate?: number;
  /**
   * The suffix the scanner is set to send. CR (the usual factory setting) also covers CRLF:
   * the LF that follows is trimmed off the next line. A scanner sending LF alone needs '\n'.
   */
  readonly lineEnd?: '\r' | '\n';
  readonly onScan: (text: string) => void;
  readonly log: Logger;
  readonly open?: ScannerPortFactory;
}

const SCAN_PATTERN = /^[\x20-\x7e]{1,128}$/;

export interface SerialScanner {
  readonly counters: () => { scans: number; rejected: number };
  close(): Promise<void>;
}

/**
 * A scanner on a serial line sends each code as one line. Lines that are not
 * printable ASCII of a sane length are line noise, counted and dropped.
 */
export async function startSerialScanner(options: SerialScannerOptions): Promise<SerialScanner> {
  const open = options.open ?? openSerialPort;
  const port = await open(options.path, options.baudRate ?? 9600);
  const lines = port.pipe(new ReadlineParser({ delimiter: options.lineEnd ?? '\r' }));
  const stats = { scans: 0, rejected: 0 };
  lines.on('data', (raw: string) => {
    const text = raw.trim();
    if (text.length === 0) return;
    if (!SCAN_PATTERN.test(text)) {
      stats.rejected++;
      options.log.warn({ event: 'scanner.rejected', path: options.path, length: text.length });
      return;
    }
    stats.scans++;
    options.onScan(text);
  });
  return {
    counters: () => ({ ...stats }),
    close: () =>
      new Promise<void>((resolve) => {
        port.unpipe();
        port.close(() => resolve());
      }),
  };
}
