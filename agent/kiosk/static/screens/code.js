import { post } from '../api.js';
import { errorText, t } from '../i18n.js';
import { icon } from '../icons.js';
import { h } from '../view.js';
import { openedCells } from './door.js';
import { keypad, keypadKey } from './keypad.js';

/** @typedef {import('./index.js').Screen} Screen */

const CODE_LENGTH = 6;

/** @param {{ mode: string, kind?: string }} state */
function title(state) {
  if (state.mode === 'rental') return t('code.title.rental');
  if (state.mode === 'deposit' && state.kind === 'return') return t('code.title.return');
  if (state.mode === 'deposit' && state.kind === 'service') return t('code.title.service');
  if (state.mode === 'deposit') return t('code.title.neighbour');
  return t('code.title.collect');
}

/**
 * A refused code. "Wrong code" says how many tries are left when the agent tells us; the
 * lockout has a screen of its own.
 * @param {{ code: string, triesLeft?: number }} result
 */
function refusal(result) {
  if (result.code === 'unknown-code' && typeof result.triesLeft === 'number') {
    return t('code.wrong.tries', { n: result.triesLeft });
  }
  return errorText(result.code);
}

/**
 * Locked out: the keypad was locked already, or this very entry was the last try (the agent
 * then tells the lock end with it).
 * @param {{ code: string, until?: number }} result
 */
export function lockedOut(result) {
  return result.code === 'keypad-locked' || typeof result.until === 'number';
}

/** @param {import('../app.js').App} app @param {any} state @param {Promise<any>} request @param {number} since */
async function settle(app, state, request, since) {
  const result = await request;
  if (app.state !== state) return;
  if (result.ok && result.action === 'pay') {
    app.go('pay', { purpose: 'cod', code: state.code, amountKopecks: result.amountKopecks });
  } else if (!result.ok && result.code === 'payment-required') {
    app.go('pay', { purpose: 'overdue', code: state.code, amountKopecks: result.amountKopecks });
  } else if (result.ok) {
    app.go('door', openedCells(result, since, state.mode === 'rental' ? 'rental' : undefined));
  } else if (lockedOut(result)) {
    app.go('locked', { until: result.until });
  } else {
    app.update({ code: '', busy: false, error: refusal(result) });
  }
}

/** @param {import('../app.js').App} app @param {any} state @param {boolean} finish */
function submit(app, state, finish = false) {
  if (state.busy || state.code.length !== CODE_LENGTH) return;
  app.update({ busy: true, error: null });
  const since = app.live.seq;
  const request =
    state.mode === 'rental'
      ? post('/api/rental/open', { code: state.code, finish })
      : post('/api/code', { code: state.code });
  settle(app, app.state, request, since);
}

/** @type {Screen} */
export const code = {
  render: (app, state) =>
    h(
      'div.split',
      null,
      h(
        'section.side',
        null,
        h('h1', null, title(state)),
        h('p.lead', null, t('code.lead')),
        state.mode === 'rental'
          ? null
          : h('div.qr-hint', null, h('span.qr-icon', null, icon('qr')), t('code.qr')),
        state.error ? h('p.alert', { role: 'alert', 'data-testid': 'error' }, state.error) : null,
        state.busy ? h('p.wait', null, t('common.wait')) : null,
        state.mode === 'rental'
          ? h(
              'button.secondary.wide-btn',
              {
                type: 'button',
                disabled: state.code.length !== CODE_LENGTH,
                onClick: () => submit(app, state, true),
                'data-testid': 'finish-rental',
              },
              t('code.finishRental'),
            )
          : null,
      ),
      keypad({
        value: state.code,
        length: CODE_LENGTH,
        submitLabel: t('code.open'),
        eraseLabel: t('code.erase'),
        canSubmit: state.code.length === CODE_LENGTH && !state.busy,
        onDigit: (d) => app.update({ code: (state.code + d).slice(0, CODE_LENGTH), error: null }),
        onErase: () => app.update({ code: state.code.slice(0, -1) }),
        onSubmit: () => submit(app, state),
      }),
    ),
  onKey: (app, state, key) => {
    const next = keypadKey(key, state.code, CODE_LENGTH);
    if (!next) return;
    if (next.submit) submit(app, state);
    else app.update({ code: next.value, error: null });
  },
  onScan: async (app, state, text) => {
    if (state.mode === 'rental') return;
    const since = app.live.seq;
    settle(app, state, post('/api/qr', { text }), since);
  },
  back: (app, state) =>
    app.go(state.mode === 'collect' ? 'home' : state.mode === 'rental' ? 'rent' : 'send'),
};

/** The keypad is locked after too many wrong codes; the countdown shows when it opens again. */
/** @type {Screen} */
export const locked = {
  render: (_app, state) => {
    const left = typeof state.until === 'number' ? Math.max(0, state.until - Date.now()) : null;
    const mmss =
      left === null
        ? null
        : `${Math.floor(left / 60_000)}:${String(Math.floor((left % 60_000) / 1000)).padStart(2, '0')}`;
    return h(
      'div.message.warn',
      { 'data-testid': 'locked' },
      h('div.big-icon', null, icon('lock')),
      h('h1', null, t('locked.title')),
      h('p.lead', null, t('locked.text')),
      mmss
        ? h('p.countdown', { 'data-testid': 'countdown' }, t('locked.countdown', { time: mmss }))
        : null,
    );
  },
  enter: (app, state) => {
    const timer = setInterval(() => {
      if (app.state !== state) clearInterval(timer);
      else if (typeof state.until === 'number' && Date.now() >= state.until) app.go('home');
      else app.render();
    }, 1000);
  },
};
