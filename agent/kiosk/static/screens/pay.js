import { get, post } from '../api.js';
import { errorText, money, t } from '../i18n.js';
import { icon } from '../icons.js';
import { h } from '../view.js';
import { openedCells } from './door.js';

/** @typedef {import('./index.js').Screen} Screen */

/**
 * Paying before a cell opens: a cash-on-delivery pickup (`purpose: 'cod'`), an overdue rental
 * (`'overdue'`) or a new rental (`'rental'`, with `size` and `hours`, and the `method` already
 * chosen on the rental screen). Steps: choose (amount, card or SBP) → card (tap/insert, progress)
 * or qr (QR with countdown) → paid (receipt offer, then the door screen) or failed (why).
 */
const ROUTE = { cod: '/api/pay/cod', overdue: '/api/pay/overdue', rental: '/api/pay/rental' };

/** What the pay route needs: the code of an order, or the size and hours of a new rental. @param {any} state @param {string} method */
function payBody(state, method) {
  if (state.purpose === 'rental') return { size: state.size, hours: state.hours, method };
  return { code: state.code, method };
}

/** Why a payment did not go through, in words. @param {any} result */
function whyFailed(result) {
  if (result.code === 'payment-failed' && result.reason) return t(`pay.failed.${result.reason}`);
  return errorText(result.code);
}

/** @param {import('../app.js').App} app @param {any} state @param {'pos' | 'sbp'} method */
async function start(app, state, method) {
  app.update({ busy: true, error: null, step: method === 'pos' ? 'card' : 'qr', stage: null });
  const since = app.live.seq;
  const route = ROUTE[/** @type {'cod' | 'overdue' | 'rental'} */ (state.purpose)];
  const result = await post(route, payBody(state, method));
  // Progress events redraw the screen meanwhile; only leaving the pay screen drops the answer.
  if (app.state.screen !== 'pay') return;
  if (!result.ok) return app.update({ busy: false, step: 'failed', error: whyFailed(result) });
  if (result.state === 'approved') return paid(app, result, since);
  app.update({ busy: false, paymentId: result.paymentId, since });
  refresh(app, app.state);
}

/** @param {import('../app.js').App} app @param {any} result @param {number} since */
function paid(app, result, since) {
  const rental = app.state.purpose === 'rental';
  app.update({
    busy: false,
    step: 'paid',
    paymentId: result.paymentId,
    // A new rental's code comes with the approval (card) or the first read after it (SBP).
    opened: openedCells(
      rental ? { ...result, priceKopecks: result.amountKopecks } : result,
      since,
      rental ? 'rental' : undefined,
    ),
  });
}

/** Reads the SBP payment: its QR (drawn by the agent), or its end. @param {import('../app.js').App} app @param {any} state */
async function refresh(app, state) {
  const view = await post('/api/payment', { paymentId: state.paymentId });
  if (app.state.screen !== 'pay' || app.state.paymentId !== state.paymentId || !view.ok) return;
  if (view.state === 'approved') return paid(app, view, state.since);
  if (view.state !== 'intent') {
    const reason = view.state === 'failed' ? view.failure : 'refund';
    return app.update({ step: 'failed', error: t(`pay.failed.${reason ?? 'declined'}`) });
  }
  const skew = Date.now() - view.now; // the countdown runs on the agent's clock
  app.update({
    qrSvg: view.qrSvg,
    payableUntil: view.payableUntil ? view.payableUntil + skew : null,
  });
}

/** The agent's SVG as a node; it comes from our own agent, never from a page input. @param {string} svg */
function svgNode(svg) {
  return new DOMParser().parseFromString(svg, 'image/svg+xml').documentElement;
}

/** @param {any} state */
function countdown(state) {
  if (typeof state.payableUntil !== 'number') return null;
  const left = Math.max(0, state.payableUntil - Date.now());
  const mmss = `${Math.floor(left / 60_000)}:${String(Math.floor((left % 60_000) / 1000)).padStart(2, '0')}`;
  return h('p.countdown', { 'data-testid': 'qr-countdown' }, t('pay.qr.countdown', { time: mmss }));
}

/** @param {import('../app.js').App} app @param {any} state */
function choose(app, state) {
  const methods = state.options?.methods ?? [];
  const offline = state.options && !state.options.online;
  return h(
    'div.choices',
    null,
    methods.map((/** @type {'pos' | 'sbp'} */ method) =>
      h(
        'button.choice.pay',
        {
          type: 'button',
          onClick: () => start(app, state, method),
          'data-testid': `pay-${method}`,
          disabled: state.busy,
        },
        h('span.choice-big', null, icon(method === 'pos' ? 'card' : 'phone')),
        h('span.choice-title', null, t(`pay.method.${method}`)),
        h(
          'span.choice-sub',
          null,
          method === 'sbp' && offline ? t('pay.needsNetwork') : t(`pay.method.${method}.sub`),
        ),
      ),
    ),
  );
}

/** @param {import('../app.js').App} app @param {any} state */
function receipt(app, state) {
  if (!state.options?.receipts) return null;
  const send = async (/** @type {'sms' | 'email'} */ channel) => {
    const input = /** @type {HTMLInputElement | null} */ (
      document.querySelector('[data-testid="receipt-contact"]')
    );
    const result = await post('/api/receipt', {
      paymentId: state.paymentId,
      channel,
      contact: input?.value ?? '',
    });
    app.update({ receipt: result.ok ? t('pay.receipt.sent') : errorText(result.code) });
  };
  return h(
    'div.receipt',
    null,
    h('p', null, t('pay.receipt.offer')),
    h('input', { 'data-testid': 'receipt-contact', inputmode: 'email', autocomplete: 'off' }),
    h(
      'button.secondary',
      { type: 'button', onClick: () => send('sms'), 'data-testid': 'receipt-sms' },
      t('pay.receipt.sms'),
    ),
    h(
      'button.secondary',
      { type: 'button', onClick: () => send('email'), 'data-testid': 'receipt-email' },
      t('pay.receipt.email'),
    ),
    state.receipt ? h('p.lead', { 'data-testid': 'receipt-result' }, state.receipt) : null,
  );
}

/** @param {import('../app.js').App} app @param {any} state */
function body(app, state) {
  switch (state.step) {
    case 'card':
      return h(
        'div.message',
        { 'data-testid': 'pay-card' },
        h('div.big-icon', null, icon('card')),
        h('h1', null, t('pay.card.title')),
        h('p.lead', null, t(`pay.stage.${state.stage ?? 'insert-card'}`)),
      );
    case 'qr':
      return h(
        'div.message',
        { 'data-testid': 'pay-qr' },
        h('h1', null, t('pay.qr.title')),
        state.qrSvg
          ? h('div.qr', { 'data-testid': 'qr' }, svgNode(state.qrSvg))
          : h('p.wait', null, t('pay.qr.wait')),
        countdown(state),
      );
    case 'paid':
      return h(
        'div.message',
        { 'data-testid': 'pay-paid' },
        h('h1', null, t('pay.paid.title')),
        receipt(app, state),
        h(
          'button.primary.wide-btn',
          { type: 'button', onClick: () => app.go('door', state.opened), 'data-testid': 'to-door' },
          t('pay.paid.continue'),
        ),
      );
    case 'failed':
      return h(
        'div.message.warn',
        { 'data-testid': 'pay-failed' },
        h('h1', null, t('pay.failed.title')),
        h('p.alert', { role: 'alert', 'data-testid': 'error' }, state.error),
        h(
          'button.primary.wide-btn',
          {
            type: 'button',
            onClick: () => app.update({ step: 'choose', error: null }),
            'data-testid': 'pay-again',
          },
          t('pay.again'),
        ),
      );
    default:
      return h(
        'section',
        null,
        h('h1', null, t('pay.title')),
        h('p.amount', { 'data-testid': 'amount' }, money(state.amountKopecks)),
        h('p.lead', null, t(`pay.lead.${state.purpose}`)),
        choose(app, state),
      );
  }
}

/** @type {Screen} */
export const pay = {
  render: (app, state) => body(app, state),
  enter: async (app) => {
    const options = await get('/api/payments/options');
    if (app.state.screen !== 'pay') return;
    app.update({ options, step: 'choose' });
    // The rental screen already asked card or SBP: pay that way at once.
    const chosen = app.state.method;
    if (chosen === 'pos' || chosen === 'sbp') start(app, app.state, chosen);
    const timer = setInterval(() => {
      if (app.state.screen !== 'pay') clearInterval(timer);
      else if (app.state.step === 'qr') app.render();
    }, 1000);
  },
  onEvent: (app, state, event) => {
    if (event.type !== 'payment' || (state.paymentId && event.paymentId !== state.paymentId))
      return;
    if (event.state === 'in-progress' && event.stage) app.update({ stage: event.stage });
    else if (state.paymentId && state.step === 'qr') refresh(app, state);
  },
  back: (app, state) =>
    state.purpose === 'rental'
      ? app.go('rental', {
          step: 'pay',
          size: state.size,
          hours: state.hours,
          quote: state.amountKopecks,
        })
      : app.go('home'),
};
