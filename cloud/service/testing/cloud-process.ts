import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';

const root = new URL('../../..', import.meta.url).pathname;

/**
 * Modules that find their files next to themselves (the console's static page) read
 * import.meta.url; in one bundle that would be the bundle's own address, so each of our modules
 * keeps its source file's.
 */
const ownImportMetaUrl: Plugin = {
  name: 'own-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      const url = JSON.stringify(pathToFileURL(args.path).href);
      return { contents: source.replaceAll('import.meta.url', url), loader: 'ts' };
    });
  },
};

/** TEST SUPPORT — bundles cloud/main.ts once (packages stay external), like the agent's. */
export async function bundleCloudMain(): Promise<string> {
  const outfile = join(root, '.tmp', `cloud-main-${process.pid}.mjs`);
  mkdirSync(dirname(outfile), { recursive: true });
  await build({
    plugins: [ownImportMetaUrl],
    entryPoints: [join(root, 'cloud/main.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    target: 'node20',
    outfile,
    logLevel: 'silent',
  });
  return outfile;
}

/** TEST SUPPORT — the real cloud process; resolves once it logged `cloud.service.started`. */
export class CloudProcess {
  readonly exited: Promise<number | null>;
  readonly stderr: string[] = [];

  private constructor(
    private readonly child: ChildProcess,
    public httpUrl = '',
  ) {
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }

  static start(
    bundle: string,
    env: Record<string, string>,
    timeoutMs = 30_000,
    execArgv: readonly string[] = [],
  ): Promise<CloudProcess> {
    const child = spawn(process.execPath, [...execArgv, bundle], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const proc = new CloudProcess(child);
    // Benchmarks: CLOUD_PROCESS_LOG=file keeps the cloud's log and stderr (compactions, a crash).
    const keep = process.env.CLOUD_PROCESS_LOG;
    if (keep !== undefined) {
      const file = createWriteStream(keep, { flags: 'a' });
      child.stdout?.pipe(file);
      child.stderr?.pipe(file);
      child.on('exit', (code, signal) => file.write(`cloud process exited: ${code} ${signal}\n`));
    }
    createInterface({ input: child.stderr! }).on('line', (line) => proc.stderr.push(line));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('cloud not started in time')), timeoutMs);
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const entry = parseJson(line);
        if (entry?.event !== 'cloud.service.started') return;
        clearTimeout(timer);
        proc.httpUrl = String(entry.httpUrl);
        resolve(proc);
      });
      void proc.exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`cloud exited with ${code}: ${proc.stderr.join('\n')}`));
      });
    });
  }

  /** The process id, for reading its memory from /proc. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }
}

function parseJson(line: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
