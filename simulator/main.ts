import { pino } from 'pino';
import { isPostamatError } from '../protocol/errors.ts';
import { parseStandaloneArgs, USAGE } from './cli-options.ts';
import { startStandalone } from './standalone.ts';

/**
 * The standalone simulator: `npm run simulator -- --port /dev/pts/7 --board 1:16`.
 * stdout carries one ready line, then replies to control commands given on stdin;
 * logs go to stderr.
 */
const log = pino({ name: 'simulator' }, pino.destination(2));

function fail(message: string): never {
  process.stderr.write(`simulator: ${message}\n`);
  process.exit(2);
}

let options: ReturnType<typeof parseStandaloneArgs>;
try {
  options = parseStandaloneArgs(process.argv.slice(2));
} catch (error) {
  fail(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
}

try {
  const sim = await startStandalone(options, log);
  const print = (line: string) => process.stdout.write(`${line}\n`);
  print(
    JSON.stringify({
      event: 'ready',
      port: options.port ?? null,
      tcp: sim.tcpPort ?? null,
      control: sim.controlPort,
      boards: options.boards,
    }),
  );
  log.info({ port: options.port, tcp: sim.tcpPort, control: sim.controlPort }, 'sim.ready');
  const stopStdin = sim.control.serveLines(process.stdin, print);
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'sim.stop');
    stopStdin();
    await sim.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  if (options.exitOnStdinEnd) process.stdin.once('end', () => void shutdown('stdin-end'));
} catch (error) {
  fail(isPostamatError(error) ? error.message : String(error));
}
