import { createServer } from 'node:net';

export interface WantedPort {
  readonly port: number;
  readonly host: string;
  /** What uses it, e.g. "the cloud API". */
  readonly what: string;
  /** The environment variable that moves it. */
  readonly env: string;
}

function isFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * Checks every port before anything starts, so a busy one gets a message naming the setting
 * to change rather than a half-started demo.
 */
export async function busyPorts(wanted: readonly WantedPort[]): Promise<string[]> {
  const problems: string[] = [];
  for (const w of wanted) {
    if (!(await isFree(w.host, w.port))) {
      problems.push(
        `port ${w.port} on ${w.host} (${w.what}) is in use: set ${w.env} to a free port`,
      );
    }
  }
  return problems;
}
