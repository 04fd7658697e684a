// Diagnostics for technicians at a locker: which doors are open, does a lock pulse, which
// boards answer, what happens live. Every failure is one line and a distinct exit code.
import { isPostamatError } from '../protocol/errors.ts';
import { parseDiagArgs, USAGE, UsageError } from './diag/diag-args.ts';
import { NoAnswer, runDiag } from './diag/diag-commands.ts';

const EXIT = { usage: 2, port: 3, noAnswer: 4, other: 1 } as const;

async function main(): Promise<number> {
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  process.once('SIGTERM', () => stop.abort());
  try {
    const args = parseDiagArgs(process.argv.slice(2));
    return await runDiag(args, (line) => process.stdout.write(`${line}\n`), stop.signal);
  } catch (error) {
    return fail(error);
  }
}

function fail(error: unknown): number {
  const say = (text: string) => process.stderr.write(`diag: ${text}\n`);
  if (error instanceof UsageError) {
    say(`${error.message}\n${USAGE}`);
    return EXIT.usage;
  }
  if (isPostamatError(error, 'port-unavailable')) {
    say(error.message);
    return EXIT.port;
  }
  if (error instanceof NoAnswer) {
    say(error.message);
    return EXIT.noAnswer;
  }
  say(error instanceof Error ? error.message : String(error));
  return EXIT.other;
}

process.exitCode = await main();
