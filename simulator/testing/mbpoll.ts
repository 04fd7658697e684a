import { execFile } from 'node:child_process';

export interface MbpollResult {
  readonly code: number;
  readonly output: string;
  /** `[ref]: value` lines, by reference (1-based as mbpoll prints them). */
  readonly values: Map<number, number>;
  /** Frames mbpoll sent, from its `-v` dump: `[01][02]…`. */
  readonly sent: Uint8Array[];
}

/** Runs Debian's mbpoll (libmodbus underneath) once and parses what it printed. */
export function mbpoll(args: readonly string[], timeoutMs = 20_000): Promise<MbpollResult> {
  return new Promise((resolve, reject) => {
    execFile('mbpoll', ['-1', '-v', ...args], { timeout: timeoutMs }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      if (error && code === -1) return reject(error);
      const output = `${stdout}${stderr}`;
      const values = new Map<number, number>();
      for (const match of output.matchAll(/^\[(\d+)\]:\s+(-?\d+)/gm)) {
        values.set(Number(match[1]), Number(match[2]));
      }
      const sent = [...output.matchAll(/^((?:\[[0-9A-F]{2}\])+)$/gm)].map((match) =>
        Uint8Array.from(match[1]!.match(/[0-9A-F]{2}/g)!, (byte) => Number.parseInt(byte, 16)),
      );
      resolve({ code, output, values, sent });
    });
  });
}
