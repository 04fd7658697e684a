import { clockTime, money, t } from '../i18n.js';
import { icon } from '../icons.js';
import { h } from '../view.js';

/** @typedef {import('./index.js').Screen} Screen */
/** @typedef {{ id: string, door: 'opening' | 'open' | 'closed' | 'failed' }} DoorCell */

/**
 * The door screen's state from a flow's answer. `since` is the live-event number taken before
 * the request, so the screen can replay door edges that beat the answer to the page.
 * @param {any} result @param {number} since @param {string} [action]
 */
export function openedCells(result, since, action) {
  /** @type {string[]} */
  const ids = result.cellIds ?? (result.cellId ? [result.cellId] : []);
  return {
    cells: ids.map((id) => ({ id, door: 'opening' })),
    action: action ?? result.action ?? 'collect',
    since,
    parcelId: result.parcelId ?? null,
    awaitingOffer: null,
    replaced: null,
    rental: result.code
      ? { code: result.code, priceKopecks: result.priceKopecks, until: result.until }
      : null,
  };
}

/** @param {string} action */
function instruction(action) {
  if (action === 'deposit') return t('door.put');
  if (action === 'rental') return t('door.rental');
  if (action === 'service') return t('door.service');
  return t('door.take');
}

/** @param {DoorCell['door']} door */
function doorLabel(door) {
  if (door === 'open') return t('door.state.open');
  if (door === 'closed') return t('door.state.closed');
  if (door === 'failed') return t('door.state.failed');
  return t('door.state.opening');
}

/** @param {DoorCell} cell */
function cellCard(cell) {
  return h(
    `div.cell-card.${cell.door}`,
    { 'data-testid': `cell-${cell.id}`, 'data-door': cell.door },
    h('span.cell-caption', null, t('door.cell')),
    h('span.cell-number', null, cell.id),
    h('span.door-state', null, doorLabel(cell.door)),
  );
}

/** @param {any} rental */
function rentalNote(rental) {
  return h(
    'div.rental-note',
    { 'data-testid': 'rental-code' },
    h('span', null, t('door.rental.code')),
    h('strong.code', null, rental.code),
    h(
      'span',
      null,
      // A rental paid on the pay screen knows its price; its end is on the receipt and the code.
      typeof rental.until === 'number'
        ? t('door.rental.paid', {
            price: money(rental.priceKopecks),
            until: clockTime(rental.until),
          })
        : t('door.rental.paidOnly', { price: money(rental.priceKopecks) }),
    ),
  );
}

/** @param {any} state */
function render(_app, state) {
  /** @type {DoorCell[]} */
  const cells = state.cells;
  const live = cells.filter((c) => c.door !== 'failed');
  if (live.length === 0) {
    return h(
      'div.message.error',
      { 'data-testid': 'door-failed' },
      h('div.big-icon', null, icon('alert')),
      h('h1', null, t('door.failed.title', { cell: cells.map((c) => c.id).join(', ') })),
      h('p.lead', null, t('door.failed.text')),
    );
  }
  const heading =
    live.length === 1
      ? t('door.title.one', { cell: live[0]?.id ?? '' })
      : t('door.title.many', { cells: live.map((c) => c.id).join(', ') });
  return h(
    'div.door',
    { 'data-testid': 'door-screen' },
    state.replaced
      ? h(
          'p.alert',
          { role: 'alert', 'data-testid': 'replaced' },
          t('door.replaced', state.replaced),
        )
      : null,
    h('h1', null, heading),
    h('p.lead.instruction', null, instruction(state.action)),
    h(
      'div.door-body',
      null,
      h('div.cells', null, live.map(cellCard)),
      state.rental ? rentalNote(state.rental) : null,
    ),
  );
}

/** @param {any} state @param {any} event */
function apply(state, event) {
  /** @type {DoorCell[]} */
  const cells = state.cells;
  const mine = cells.some((c) => c.id === event.cellId);
  if (event.type === 'door' && mine) {
    return {
      cells: cells.map((c) =>
        c.id === event.cellId && c.door !== 'failed' ? { ...c, door: event.door } : c,
      ),
    };
  }
  if (event.type === 'alarm' && event.kind === 'door-did-not-open' && mine) {
    return {
      cells: cells.map((c) => (c.id === event.cellId ? { ...c, door: 'failed' } : c)),
      awaitingOffer: event.cellId,
    };
  }
  const ours = state.parcelId ? event.parcelId === state.parcelId : state.awaitingOffer !== null;
  if (event.type === 'cell-offered' && ours) {
    const from = state.awaitingOffer ?? cells.find((c) => c.door !== 'closed')?.id ?? '';
    return {
      cells: [...cells.filter((c) => c.id !== from), { id: event.cellId, door: 'opening' }],
      awaitingOffer: null,
      replaced: { from, to: event.cellId },
    };
  }
  return null;
}

/** The screen follows the door sensors: it moves on only when every door is seen closed. */
/** @type {Screen} */
export const door = {
  render,
  onEvent: (app, state, event) => {
    const patch = apply(state, event);
    if (!patch) return;
    const next = { ...state, ...patch };
    const done =
      next.cells.length > 0 && next.cells.every((/** @type {DoorCell} */ c) => c.door === 'closed');
    if (done) app.go('done', { action: state.action });
    else app.update(patch);
  },
  enter: (app, state) => {
    for (const event of app.live.since(state.since)) {
      if (app.state.screen === 'door') door.onEvent?.(app, app.state, event);
    }
  },
};

/** @type {Screen} */
export const done = {
  render: (app, state) =>
    h(
      'div.message.success',
      { 'data-testid': 'done' },
      h('div.big-icon', null, icon('check')),
      h('h1', null, t('done.title')),
      h('p.lead', null, state.action === 'deposit' ? t('done.deposit') : t('done.collect')),
      h(
        'button.primary.wide-btn',
        { type: 'button', onClick: () => app.go('home'), 'data-focus': true },
        t('common.home'),
      ),
    ),
  enter: (app, state) => {
    setTimeout(() => {
      if (app.state === state) app.go('home');
    }, 8000);
  },
};
