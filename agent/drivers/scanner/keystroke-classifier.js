/**
 * Tells a USB barcode scanner (a keyboard that types a whole code in a burst and presses Enter)
 * apart from a person at a keyboard, from key timing alone. Plain JavaScript on purpose: the
 * kiosk page loads this very file as an ES module (no build step), and the agent's tests import
 * it through keystroke-classifier.d.ts.
 *
 * Pure state machine: key presses and clock ticks are inputs with their timestamps; what to do
 * comes back as actions. Printable keys are held back while they might be the start of a scan
 * (at most `maxGapMs`), then released as typing when the burst stops without Enter.
 */

/** @type {import('./keystroke-classifier.d.ts').ClassifierOptions} */
export const DEFAULT_SCANNER_TIMING = { minLength: 6, maxGapMs: 30 };

/**
 * @param {Partial<import('./keystroke-classifier.d.ts').ClassifierOptions>} [options]
 * @returns {import('./keystroke-classifier.d.ts').KeystrokeClassifier}
 */
export function createKeystrokeClassifier(options = {}) {
  const { minLength, maxGapMs } = { ...DEFAULT_SCANNER_TIMING, ...options };
  /** @type {{ key: string, at: number }[]} */
  let held = [];

  /** @returns {import('./keystroke-classifier.d.ts').KeyAction[]} */
  const release = () => {
    const actions = held.map((k) => ({ type: /** @type {const} */ ('typed'), key: k.key }));
    held = [];
    return actions;
  };

  /** @param {number} at */
  const stale = (at) => {
    const last = held[held.length - 1];
    return last !== undefined && at - last.at >= maxGapMs;
  };

  return {
    push(key, at) {
      const actions = stale(at) ? release() : [];
      if (key === 'Enter') {
        if (held.length >= minLength) {
          const text = held.map((k) => k.key).join('');
          held = [];
          return [...actions, { type: 'scan', text }];
        }
        return [...actions, ...release(), { type: 'typed', key }];
      }
      if (key.length === 1 && key >= ' ') {
        held.push({ key, at });
        return actions;
      }
      return [...actions, ...release(), { type: 'typed', key }];
    },
    tick(at) {
      return stale(at) ? release() : [];
    },
    pending() {
      return held.length;
    },
    maxGapMs,
  };
}
