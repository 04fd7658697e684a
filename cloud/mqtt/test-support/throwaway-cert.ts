import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** TEST SUPPORT. A self-signed certificate for 127.0.0.1 in a temp dir, made with openssl. */
export function makeThrowawayCert(): {
  certFile: string;
  keyFile: string;
  ca: Buffer;
  remove: () => void;
} {
  const dir = mkdtempSync(join(tmpdir(), 'postamat-tls-'));
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'ignore' },
  );
  return {
    certFile,
    keyFile,
    ca: readFileSync(certFile),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
