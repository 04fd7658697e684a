import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ALARM_KINDS, CELL_STATES, ORDER_KINDS, ORDER_STATUSES } from '../../../protocol/index.ts';
import { LIVE_EVENT_TYPES } from '../../live/event-hub.ts';
import en from './en.json' with { type: 'json' };
import ru from './ru.json' with { type: 'json' };

const here = fileURLToPath(new URL('.', import.meta.url));
const staticDir = join(here, '..', 'static');
const catalogues: Record<string, Record<string, string>> = { ru, en };
const namespaces = new Set(Object.keys(ru).map((key) => key.split('.')[0]));

/** The live stream's event names look like keys but are names on the wire, not texts. */
const STREAM_EVENTS = new Set<string>(LIVE_EVENT_TYPES);

/** Every quoted string in the console's scripts that starts with a catalogue namespace. */
function keysUsedInPage(): Set<string> {
  const used = new Set<string>();
  const files = readdirSync(staticDir, { recursive: true, encoding: 'utf8' }).filter((f) =>
    f.endsWith('.js'),
  );
  for (const file of files) {
    const source = readFileSync(join(staticDir, file), 'utf8');
    for (const m of source.matchAll(/'([a-zA-Z]+(?:\.[a-zA-Z0-9-]+)+)'/g)) {
      const key = m[1]!;
      if (namespaces.has(key.split('.')[0]) && !STREAM_EVENTS.has(key)) used.add(key);
    }
  }
  return used;
}

/** Keys the page builds from a value (`t(\`cellState.${state}\`)`): every value needs a text. */
const builtKeys = [
  ...CELL_STATES.map((s) => `cellState.${s}`),
  'cellState.alarm',
  ...ALARM_KINDS.map((k) => `alarm.${k}`),
  ...ORDER_STATUSES.map((s) => `status.${s}`),
  ...ORDER_KINDS.map((k) => `kind.${k}`),
  ...['viewer', 'dispatcher', 'admin'].map((r) => `role.${r}`),
  ...['fleet', 'alarms', 'orders', 'tenants', 'keys'].map((p) => `nav.${p}`),
  ...['online', 'offline', 'alarm'].map((s) => `fleet.state.${s}`),
  ...['id', 'address', 'state', 'alarms', 'free'].map((c) => `fleet.col.${c}`),
  ...['locker', 'kind', 'cell', 'raised', 'state', 'actions'].map((c) => `alarms.col.${c}`),
  ...['acknowledge', 'resolve'].flatMap((w) => [`alarms.${w}`, `alarms.${w}Title`, `alarms.${w}d`]),
  ...['at', 'actor', 'action', 'detail'].map((c) => `locker.auditCol.${c}`),
  ...['open', 'service'].map((c) => `locker.command.${c}`),
  ...['pending', 'sent', 'applied', 'expired', 'duplicate', 'rejected', 'failed'].map(
    (s) => `command.${s}`,
  ),
  ...['label', 'id', 'created', 'state', 'actions'].map((c) => `keys.col.${c}`),
  ...['event', 'status', 'attempts', 'code', 'created', 'actions'].map((c) => `webhooks.col.${c}`),
];

describe('console message catalogues', () => {
  it('ru and en have the same keys', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(ru).sort());
  });

  it('finds the keys the page uses (the scan itself works)', () => {
    expect(keysUsedInPage().size).toBeGreaterThan(80);
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

  it('en is English and ru is Russian (no copy left untranslated by mistake)', () => {
    const cyrillic = /[а-яё]/i;
    // The switch names the other language in that language.
    const texts = (c: Record<string, string>) =>
      Object.entries(c).filter(([k]) => k !== 'lang.switch');
    expect(texts(en).filter(([, v]) => cyrillic.test(v))).toEqual([]);
    const latinOnly = texts(ru).filter(([, v]) => !cyrillic.test(v));
    expect(latinOnly).toEqual([]);
  });
});
