import { get, post } from '../api.js';
import { errorText, money, t } from '../i18n.js';
import { icon } from '../icons.js';
import { h } from '../view.js';

/** @typedef {import('./index.js').Screen} Screen */

/** Inner sizes as in protocol/domain.ts CELL_SIZE_DIMENSIONS (width × height × depth, cm). */
const SIZES = [
  ['S', '43 × 9 × 60'],
  ['M', '43 × 19 × 60'],
  ['L', '43 × 40 × 60'],
  ['XL', '43 × 60 × 60'],
];
const HOURS = [1, 3, 6, 24, 72];
/** [testid, pay-screen method, icon, title, subtitle]. */
const METHODS = [
  ['card', 'pos', 'card', 'rental.pay.card', 'rental.pay.card.sub'],
  ['sbp', 'sbp', 'phone', 'rental.pay.sbp', 'rental.pay.sbp.sub'],
];

/** @param {any} state @param {string} size */
function freeOf(state, size) {
  if (!state.cells) return null;
  return state.cells.filter((/** @type {any} */ c) => c.size === size && c.state === 'free').length;
}

/** @param {import('../app.js').App} app @param {any} state */
function sizeStep(app, state) {
  return h(
    'div.choices.sizes',
    null,
    SIZES.map(([size, dims]) => {
      const free = freeOf(state, size ?? '');
      const none = free === 0;
      return h(
        `button.choice${none ? '.none' : ''}`,
        {
          type: 'button',
          onClick: () =>
            app.update(
              none
                ? { error: t('rental.noFree', { size: size ?? '' }) }
                : { size, step: 'hours', error: null },
            ),
          'data-testid': `size-${size}`,
          'aria-disabled': none ? 'true' : null,
        },
        h('span.choice-big', null, size),
        h('span.choice-sub', null, t('rental.dims', { dims: dims ?? '' })),
        h(
          'span.choice-sub',
          null,
          free === null ? '' : none ? t('rental.none') : t('rental.free', { n: free }),
        ),
      );
    }),
  );
}

/** @param {import('../app.js').App} app */
function hoursStep(app) {
  return h(
    'div.choices',
    null,
    HOURS.map((hours) =>
      h(
        'button.choice',
        {
          type: 'button',
          onClick: () => {
            app.update({ hours, step: 'pay', quote: null });
            quote(app, app.state);
          },
          'data-testid': `hours-${hours}`,
        },
        h(
          'span.choice-big',
          null,
          hours < 24 ? t('rental.hours', { n: hours }) : t('rental.days', { n: hours / 24 }),
        ),
      ),
    ),
  );
}

/** @param {import('../app.js').App} app @param {any} state */
function payStep(app, state) {
  return h(
    'div.choices',
    null,
    METHODS.map(([testId, method, iconName, title, sub]) =>
      h(
        'button.choice.pay',
        {
          type: 'button',
          onClick: () => pay(app, state, method ?? ''),
          'data-testid': `pay-${testId}`,
          // Nobody pays before seeing the amount.
          disabled: state.busy || typeof state.quote !== 'number',
        },
        h('span.choice-big', null, icon(/** @type {import('../icons.js').IconName} */ (iconName))),
        h('span.choice-title', null, t(title ?? '')),
        h('span.choice-sub', null, t(sub ?? '')),
      ),
    ),
  );
}

/** The price at this locker's tariff, asked before the person pays. @param {import('../app.js').App} app @param {any} state */
async function quote(app, state) {
  const { size, hours } = state;
  const result = await post('/api/rental/quote', { size, hours });
  const now = app.state;
  // Still on the payment step of the same choice (live events may have redrawn meanwhile).
  if (now.screen !== 'rental' || now.step !== 'pay' || now.size !== size || now.hours !== hours)
    return;
  if (result.ok) app.update({ quote: result.priceKopecks });
  else app.update({ error: errorText(result.code), step: 'hours' });
}

/**
 * Pays on the pay screen (card terminal or SBP QR); the cell opens there only once the payment
 * is approved. @param {import('../app.js').App} app @param {any} state @param {string} method
 */
function pay(app, state, method) {
  app.go('pay', {
    purpose: 'rental',
    size: state.size,
    hours: state.hours,
    amountKopecks: state.quote,
    method,
  });
}

const STEP_TITLES = { size: 'rental.size', hours: 'rental.period', pay: 'rental.payment' };

/** Rent a cell: size (with what is free now), period, payment; the cell opens once paid. */
/** @type {Screen} */
export const rental = {
  render: (app, state) => {
    const step = state.step;
    const summary = [
      state.size ? t('rental.summary.size', { size: state.size }) : null,
      state.hours ? t('rental.summary.hours', { n: state.hours }) : null,
    ]
      .filter(Boolean)
      .join(' · ');
    return h(
      'div.rental',
      null,
      h('h1', null, t(STEP_TITLES[/** @type {'size'} */ (step)] ?? 'rental.size')),
      summary ? h('p.lead', null, summary) : null,
      step === 'pay'
        ? typeof state.quote === 'number'
          ? h(
              'p.price',
              { 'data-testid': 'rental-price' },
              t('rental.price', { price: money(state.quote) }),
            )
          : h('p.wait', null, t('common.wait'))
        : null,
      state.error ? h('p.alert', { role: 'alert', 'data-testid': 'error' }, state.error) : null,
      step === 'size'
        ? sizeStep(app, state)
        : step === 'hours'
          ? hoursStep(app)
          : payStep(app, state),
    );
  },
  enter: async (app, state) => {
    const result = await get('/api/cells');
    if (app.state === state && result.ok) app.update({ cells: result.cells });
  },
  back: (app, state) => {
    if (state.step === 'pay') app.update({ step: 'hours' });
    else if (state.step === 'hours') app.update({ step: 'size', error: null });
    else app.go('rent');
  },
};
