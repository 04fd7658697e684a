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

export interface Asset {
  readonly body: Buffer;
  readonly contentType: string;
}

const here = fileURLToPath(new URL('.', import.meta.url));

/**
 * Every file the page may load, read once at start into a map from URL path to bytes: nothing
 * outside this map can be served, so no request path reaches the file system.
 */
export function loadAssets(): ReadonlyMap<string, Asset> {
  const assets = new Map<string, Asset>();
  const add = (url: string, file: string) => {
    const contentType = CONTENT_TYPES[extname(file)];
    if (contentType) assets.set(url, { body: readFileSync(file), contentType });
  };
  const staticDir = join(here, 'static');
  for (const entry of readdirSync(staticDir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    add(`/assets/${file.slice(staticDir.length + 1).replaceAll('\\', '/')}`, file);
  }
  assets.set('/', assets.get('/assets/index.html')!);
  add('/assets/keystroke-classifier.js', join(here, '../drivers/scanner/keystroke-classifier.js'));
  for (const lang of ['ru', 'en']) add(`/i18n/${lang}.json`, join(here, 'i18n', `${lang}.json`));
  return assets;
}
