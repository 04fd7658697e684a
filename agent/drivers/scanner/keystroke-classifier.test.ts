import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createKeystrokeClassifier, type KeyAction } from './keystroke-classifier.js';

/** Feeds keys typed `gap` ms apart from t=1000, then a tick long after; returns every action. */
function feed(keys: string[], gaps: number | number[]): KeyAction[] {
  const c = createKeystrokeClassifier();
  let at = 1000;
  const actions: KeyAction[] = [];
  keys.forEach((key, i) => {
    at += Array.isArray(gaps) ? (gaps[i] ?? 0) : gaps;
    actions.push(...c.push(key, at));
  });
  actions.push(...c.tick(at + 1000));
  return actions;
}

const chars = (s: string) => [...s];

describe('keystroke classifier', () => {
  it.each([
    ['a scanner burst of 12 chars + Enter at 5 ms', chars('PX0012345678'), 5, 'scan'],
    ['exactly 6 chars at 29 ms', chars('123456'), 29, 'scan'],
    ['5 chars is too short for a scan', chars('12345'), 5, 'typed'],
    ['a person at 120 ms per key', chars('123456'), 120, 'typed'],
    ['30 ms apart is already a person', chars('123456'), 30, 'typed'],
  ])('%s', (_name, keys, gap, kind) => {
    const actions = feed([...keys, 'Enter'], gap);
    if (kind === 'scan') {
      expect(actions).toEqual([{ type: 'scan', text: keys.join('') }]);
    } else {
      expect(actions).toEqual([...keys, 'Enter'].map((key) => ({ type: 'typed', key })));
    }
  });

  it('a slow Enter after a fast burst is typing, every key kept in order', () => {
    const keys = [...chars('ABCDEFG'), 'Enter'];
    const actions = feed(keys, [0, 5, 5, 5, 5, 5, 5, 400]);
    expect(actions).toEqual(keys.map((key) => ({ type: 'typed', key })));
  });

  it('a pause splits typing from a scan that follows it', () => {
    const keys = ['1', '2', ...chars('SCAN-0042'), 'Enter'];
    const actions = feed(keys, [0, 150, 500, 4, 4, 4, 4, 4, 4, 4, 4, 4]);
    expect(actions).toEqual([
      { type: 'typed', key: '1' },
      { type: 'typed', key: '2' },
      { type: 'scan', text: 'SCAN-0042' },
    ]);
  });

  it('non-printable keys pass through at once and release what was held', () => {
    const c = createKeystrokeClassifier();
    expect(c.push('7', 0)).toEqual([]);
    expect(c.pending()).toBe(1);
    expect(c.push('Escape', 3)).toEqual([
      { type: 'typed', key: '7' },
      { type: 'typed', key: 'Escape' },
    ]);
    expect(c.tick(10)).toEqual([]);
  });

  it('a held key comes back as typing only once the gap has passed', () => {
    const c = createKeystrokeClassifier({ maxGapMs: 50 });
    c.push('4', 100);
    expect(c.tick(149)).toEqual([]);
    expect(c.tick(150)).toEqual([{ type: 'typed', key: '4' }]);
  });

  it('never loses or invents a key, whatever the timing', () => {
    const key = fc.constantFrom('1', '2', 'a', 'Z', '-', 'Enter', 'Backspace');
    fc.assert(
      fc.property(
        fc.array(fc.tuple(key, fc.integer({ min: 0, max: 200 })), { maxLength: 40 }),
        (seq) => {
          const actions = feed(
            seq.map(([k]) => k),
            seq.map(([, g]) => g),
          );
          const out = actions.flatMap((a) =>
            a.type === 'scan' ? [...chars(a.text), 'Enter'] : [a.key],
          );
          expect(out).toEqual(seq.map(([k]) => k));
        },
      ),
    );
  });
});
