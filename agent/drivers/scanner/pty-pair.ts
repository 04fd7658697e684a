import { type ChildProcess, spawn, spawnSync } from 'node:child_process';

/**
 * TEST SUPPORT — two linked pseudo-terminals: what is written to one end comes out of the other,
 * through a real tty driver, as from a serial cable. socat when installed; python3's pty module
 * otherwise.
 */
export interface PtyPair {
  readonly a: string;
  readonly b: string;
  close(): Promise<void>;
}

const PYTHON_RELAY = `
import os, pty, select, sys, tty
m1, s1 = pty.openpty(); m2, s2 = pty.openpty()
for fd in (s1, s2): tty.setraw(fd)
print("PTY is " + os.ttyname(s1), file=sys.stderr)
print("PTY is " + os.ttyname(s2), file=sys.stderr)
sys.stderr.flush()
while True:
    r, _, _ = select.select([m1, m2], [], [])
    for fd in r:
        data = os.read(fd, 4096)
        os.write(m2 if fd == m1 else m1, data)
`;

function command(): [string, string[]] {
  const socat = spawnSync('socat', ['-V'], { stdio: 'ignore' });
  if (socat.status === 0) return ['socat', ['-d', '-d', 'pty,raw,echo=0', 'pty,raw,echo=0']];
  return ['python3', ['-u', '-c', PYTHON_RELAY]];
}

export function openPtyPair(timeoutMs = 10_000): Promise<PtyPair> {
  const [cmd, args] = command();
  const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    const paths: string[] = [];
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`${cmd} did not report two ptys within ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('error', reject);
    child.stderr?.setEncoding('utf8').on('data', (text: string) => {
      for (const m of text.matchAll(/PTY is (\S+)/g)) paths.push(m[1]!);
      if (paths.length < 2) return;
      clearTimeout(timer);
      resolve({ a: paths[0]!, b: paths[1]!, close: () => stop(child) });
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill();
  });
}
