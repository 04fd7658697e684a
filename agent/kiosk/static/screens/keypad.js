import { h } from '../view.js';

/**
 * The big on-screen keypad: a row of digit boxes, then 1–9, erase, 0, and the action key.
 * Physical keys reach the same `onDigit`/`onErase`/`onSubmit` through the screen's onKey.
 * @param {{ value: string, length: number, masked?: boolean, submitLabel: string,
 *   canSubmit: boolean, onDigit: (d: string) => void, onErase: () => void,
 *   onSubmit: () => void, eraseLabel: string }} p
 */
export function keypad(p) {
  const boxes = Array.from({ length: p.length }, (_, i) => {
    const ch = p.value[i];
    const shown = ch === undefined ? '' : p.masked ? '•' : ch;
    return h(`span.digit${i === p.value.length ? '.caret' : ''}`, null, shown);
  });
  const key = (/** @type {string} */ d) =>
    h('button.key', { type: 'button', onClick: () => p.onDigit(d), 'data-key': d }, d);
  return h(
    'div.keypad-wrap',
    null,
    h('div.digits', { 'data-testid': 'digits', 'aria-label': p.value.replace(/./g, '•') }, boxes),
    h(
      'div.keypad',
      null,
      ['1', '2', '3', '4', '5', '6', '7', '8', '9'].map(key),
      h(
        'button.key.erase',
        { type: 'button', onClick: p.onErase, 'aria-label': p.eraseLabel, 'data-key': 'erase' },
        '⌫',
      ),
      key('0'),
      h(
        'button.key.ok',
        { type: 'button', onClick: p.onSubmit, disabled: !p.canSubmit, 'data-key': 'ok' },
        p.submitLabel,
      ),
    ),
  );
}

/**
 * Physical digits, Backspace and Enter on a keypad screen.
 * @param {string} key @param {string} value @param {number} max
 * @returns {{ value: string, submit: boolean } | undefined}
 */
export function keypadKey(key, value, max) {
  if (/^[0-9]$/.test(key)) return { value: (value + key).slice(0, max), submit: false };
  if (key === 'Backspace') return { value: value.slice(0, -1), submit: false };
  if (key === 'Enter') return { value, submit: true };
  return undefined;
}
