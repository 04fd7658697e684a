import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ALARM_KINDS, CELL_STATES, ERROR_CODES } from '../../../protocol/index.ts';
import en from './en.json' with { type: 'json' };
import ru from './ru.json' with { type: 'json' };

const here = fileURLToPath(new URL('.', import.meta.url));
const staticDir = join(here, '..', 'static');
const catalogues: Record<string, Record<string, string>> = { ru, en };
const namespaces = new Set(Object.keys(ru).map((key) => key.split('.')[0]));

/** Every quoted string in the page's scripts that starts with a catalogue namespace. */
function keysUsedInPage(): Set<string> {
  const used = new Set<string>();
  const files = readdirSync(staticDir, { recursive: true, encoding: 'utf8' }).filter((f) =>
    f.endsWith('.js'),
  );
  for (const file of files) {
    const source = readFileSync(join(staticDir, file), 'utf8');
    for (const m of source.matchAll(/'([a-zA-Z]+(?:\.[a-zA-Z0-9-]+)+)'/g)) {
      const key = m[1]!;
      if (namespaces.has(key.split('.')[0])) used.add(key);
    }
  }
  return used;
}

/** Keys the page builds from a code: every value of those unions needs its text. */
const builtKeys = [
  ...ERROR_CODES.map((code) => `error.${code}`),
  ...CELL_STATES.map((state) => `cellState.${state}`),
  ...ALARM_KINDS.map((kind) => `alarm.${kind}`),
];

describe('message catalogues', () => {
  it('ru and en have the same keys', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(ru).sort());
  });

  it('finds the keys the page uses (the scan itself works)', () => {
    expect(keysUsedInPage().size).toBeGreaterThan(100);
  });

  it.each(['ru', 'en'])('%s has every key the page uses and every built key', (lang) => {
    const catalogue = catalogues[lang]!;
    const missing = [...keysUsedInPage(), ...builtKeys].filter((key) => !(key in catalogue));
    expect(missing).toEqual([]);
  });

  it.each(['ru', 'en'])('%s has no empty text and the same placeholders as ru', (lang) => {
    const catalogue = catalogues[lang]!;
    for (const [key, text] of Object.entries(catalogue)) {
      expect(text.trim(), key).not.toBe('');
      const params = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(params(text), key).toEqual(params(ru[key as keyof typeof ru]));
    }
  });
});
