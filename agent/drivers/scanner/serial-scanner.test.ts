import pino from 'pino';
import { SerialPort } from 'serialport';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPtyPair, type PtyPair } from '../../../simulator/pty-pair.ts';
import { type SerialScanner, startSerialScanner } from './serial-scanner.ts';

const log = pino({ level: 'silent' });

/** Resolves with the first `count` scans, or rejects after a generous bound. */
function collect(count: number, timeoutMs = 10_000) {
  const scans: string[] = [];
  let done: (value: string[]) => void = () => {};
  const result = new Promise<string[]>((resolve, reject) => {
    done = resolve;
    setTimeout(() => reject(new Error(`got ${JSON.stringify(scans)} only`)), timeoutMs).unref();
  });
  const onScan = (text: string) => {
    scans.push(text);
    if (scans.length === count) done(scans);
  };
  return { onScan, result };
}

function openWriter(path: string): Promise<SerialPort> {
  return new Promise((resolve, reject) => {
    const port = new SerialPort({ path, baudRate: 9600 }, (e) => (e ? reject(e) : resolve(port)));
  });
}

describe.each(['socat', 'python3'] as const)(
  'serial scanner over a real pseudo-terminal (%s)',
  (via) => {
    let pty: PtyPair;
    let writer: SerialPort;
    let scanner: SerialScanner | undefined;

    beforeEach(async () => {
      pty = await openPtyPair({ via });
      writer = await openWriter(pty.paths[1]);
    });

    afterEach(async () => {
      await scanner?.close();
      scanner = undefined;
      await new Promise((r) => writer.close(r));
      await pty.close();
    });

    it('delivers each CR- or CRLF-terminated line as one scan, split across writes', async () => {
      const { onScan, result } = collect(3);
      scanner = await startSerialScanner({ path: pty.paths[0], onScan, log });
      writer.write('PX-0001\r');
      writer.write('postamat:code:12');
      writer.write('3456\r\n');
      writer.write('4607001234567\r');
      expect(await result).toEqual(['PX-0001', 'postamat:code:123456', '4607001234567']);
      expect(scanner.counters()).toEqual({ scans: 3, rejected: 0 });
    });

    it('drops line noise and counts it, and keeps going', async () => {
      const { onScan, result } = collect(1);
      scanner = await startSerialScanner({ path: pty.paths[0], onScan, log, lineEnd: '\n' });
      writer.write(Buffer.from([0xff, 0x00, 0x13, 0x0a]));
      writer.write('OK-42\n');
      expect(await result).toEqual(['OK-42']);
      expect(scanner.counters()).toEqual({ scans: 1, rejected: 1 });
    });

    it('a missing device is port-unavailable', async () => {
      await expect(
        startSerialScanner({ path: '/dev/does-not-exist', onScan: () => {}, log }),
      ).rejects.toMatchObject({ code: 'port-unavailable' });
    });
  },
);
