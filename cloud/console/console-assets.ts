import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

export interface ConsoleAsset {
  readonly body: Buffer;
  readonly contentType: string;
  /** A strong validator: the browser revalidates and gets 304 while the file is unchanged. */
  readonly etag: string;
}

const here = fileURLToPath(new URL('.', import.meta.url));

/**
 * Every file the console may load, read once at start into a map from the path under /console/
 * to bytes: nothing outside the map is served, so no request path reaches the file system.
 */
export function loadConsoleAssets(): ReadonlyMap<string, ConsoleAsset> {
  const assets = new Map<string, ConsoleAsset>();
  const add = (path: string, file: string) => {
    const contentType = CONTENT_TYPES[extname(file)];
    if (contentType === undefined) return;
    const body = readFileSync(file);
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    assets.set(path, { body, contentType, etag });
  };
  const staticDir = join(here, 'static');
  for (const entry of readdirSync(staticDir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    add(file.slice(staticDir.length + 1).replaceAll('\\', '/'), file);
  }
  for (const lang of ['ru', 'en']) add(`i18n/${lang}.json`, join(here, 'i18n', `${lang}.json`));
  const index = assets.get('index.html');
  if (index === undefined) throw new Error('cloud/console/static/index.html is missing');
  assets.set('', index);
  return assets;
}
