import { get, post } from '../api.js';
import { errorText, t } from '../i18n.js';
import { h } from '../view.js';
import { lockedOut } from './code.js';
import { tile } from './home.js';
import { keypad, keypadKey } from './keypad.js';

/** @typedef {import('./index.js').Screen} Screen */
/** @typedef {{ barcode: string, parcelId?: string, cellId?: string, door?: string, error?: string }} Row */

const PIN_MAX = 8;

/** @param {import('../app.js').App} app @param {any} state */
async function login(app, state) {
  if (state.pin.length < 4 || state.busy) return;
  app.update({ busy: true, error: null });
  const at = app.state;
  const body = state.badge ? { badge: state.badge, pin: state.pin } : { pin: state.pin };
  const result = await post('/api/courier/login', body);
  if (app.state !== at) return;
  if (result.ok) app.go('courier-menu', { session: 'courier', holderId: result.holderId });
  else if (lockedOut(result)) app.go('locked', { until: result.until });
  else app.update({ busy: false, pin: '', error: errorText(result.code) });
}

/** Badge by scanner, then PIN; or the courier's code of the day alone. */
/** @type {Screen} */
export const courierLogin = {
  render: (app, state) =>
    h(
      'div.split',
      null,
      h(
        'section.side',
        null,
        h('h1', null, t('courier.login.title')),
        h('p.lead', null, state.badge ? t('courier.login.badgeSeen') : t('courier.login.lead')),
        state.error ? h('p.alert', { role: 'alert', 'data-testid': 'error' }, state.error) : null,
      ),
      keypad({
        value: state.pin,
        length: PIN_MAX,
        masked: true,
        submitLabel: t('courier.login.enter'),
        eraseLabel: t('code.erase'),
        canSubmit: state.pin.length >= 4 && !state.busy,
        onDigit: (d) => app.update({ pin: (state.pin + d).slice(0, PIN_MAX), error: null }),
        onErase: () => app.update({ pin: state.pin.slice(0, -1) }),
        onSubmit: () => login(app, state),
      }),
    ),
  onKey: (app, state, key) => {
    const next = keypadKey(key, state.pin, PIN_MAX);
    if (next?.submit) login(app, state);
    else if (next) app.update({ pin: next.value, error: null });
  },
  onScan: (app, _state, text) => app.update({ badge: text, error: null }),
};

/** @type {Screen} */
export const courierMenu = {
  render: (app, state) =>
    h(
      'div.menu',
      null,
      h('h1', null, t('courier.menu.title', { name: state.holderId ?? '' })),
      h(
        'div.tiles',
        null,
        tile(
          'collect',
          t('courier.load'),
          t('courier.load.sub'),
          () => app.update({ screen: 'courier-load', rows: [] }),
          'load',
          '.primary',
        ),
        tile(
          'send',
          t('courier.collect'),
          t('courier.collect.sub'),
          () =>
            app.go('courier-collect', {
              session: 'courier',
              holderId: state.holderId,
              orders: null,
            }),
          'collect-batch',
        ),
      ),
      h(
        'button.ghost',
        { type: 'button', onClick: () => app.home('logout'), 'data-testid': 'logout' },
        t('common.logout'),
      ),
    ),
  back: (app) => app.home('logout'),
  backLabel: 'common.logout',
};

/** @param {Row[]} rows @param {string} barcode @param {Partial<Row>} patch */
const patchRow = (rows, barcode, patch) =>
  rows.map((r) => (r.barcode === barcode ? { ...r, ...patch } : r));

/** @param {import('../app.js').App} app @param {string} barcode */
async function scanParcel(app, barcode) {
  if (app.state.rows.some((/** @type {Row} */ r) => r.barcode === barcode && !r.error)) return;
  app.update({ rows: [{ barcode }, ...app.state.rows] });
  const result = await post('/api/courier/scan', { barcode });
  if (app.state.screen !== 'courier-load') return;
  const patch = result.ok
    ? { parcelId: result.parcelId, cellId: result.cellId, door: 'opening' }
    : { error: errorText(result.code) };
  app.update({ rows: patchRow(app.state.rows, barcode, patch) });
}

/** @param {import('../app.js').App} app @param {Row} row */
async function doesNotFit(app, row) {
  const result = await post('/api/courier/does-not-fit', { parcelId: row.parcelId });
  if (app.state.screen !== 'courier-load') return;
  const patch = result.ok
    ? { cellId: result.cellId, door: 'opening', error: undefined }
    : { error: errorText(result.code) };
  app.update({ rows: patchRow(app.state.rows, row.barcode, patch) });
}

/** @param {import('../app.js').App} app @param {Row} row */
function loadRow(app, row) {
  const status =
    row.error ??
    (row.cellId ? `${t('door.cell')} ${row.cellId} · ${doorText(row.door)}` : t('common.wait'));
  return h(
    `li.row${row.error ? '.bad' : ''}`,
    { 'data-testid': `row-${row.barcode}` },
    h('span.row-main', null, row.barcode),
    h('span.row-status', null, status),
    row.cellId && row.door !== 'closed'
      ? h(
          'button.secondary.small',
          {
            type: 'button',
            onClick: () => doesNotFit(app, row),
            'data-testid': `nofit-${row.barcode}`,
          },
          t('courier.noFit'),
        )
      : null,
  );
}

/** @param {string | undefined} door */
function doorText(door) {
  if (door === 'open') return t('door.state.open');
  if (door === 'closed') return t('door.state.closed');
  if (door === 'failed') return t('door.state.failed');
  return t('door.state.opening');
}

/** Each scan opens a best-fit cell at once; only "doesn't fit" and "done" need a touch. */
/** @type {Screen} */
export const courierLoad = {
  render: (app, state) =>
    h(
      'div.batch',
      null,
      h(
        'div.batch-head',
        null,
        h('h1', null, t('courier.load.title')),
        h(
          'button.primary',
          {
            type: 'button',
            onClick: () => app.go('courier-menu', { session: 'courier', holderId: state.holderId }),
            'data-testid': 'done-loading',
          },
          t('courier.done'),
        ),
      ),
      h('p.lead', null, t('courier.load.lead')),
      h(
        'form.manual',
        {
          onSubmit: (/** @type {SubmitEvent} */ e) => {
            e.preventDefault();
            const input = /** @type {HTMLInputElement} */ (
              /** @type {HTMLFormElement} */ (e.target).elements.namedItem('barcode')
            );
            if (input.value.trim()) scanParcel(app, input.value.trim());
          },
        },
        h('input', {
          name: 'barcode',
          'aria-label': t('courier.manual'),
          placeholder: t('courier.manual'),
          autocomplete: 'off',
          'data-testid': 'barcode-input',
        }),
        h('button.secondary', { type: 'submit' }, t('courier.add')),
      ),
      h(
        'ul.rows',
        null,
        state.rows.map((/** @type {Row} */ r) => loadRow(app, r)),
      ),
    ),
  onScan: (app, _state, text) => scanParcel(app, text),
  onEvent: (app, state, event) => {
    /** @type {(r: Row) => Row} */
    let change;
    if (event.type === 'door') {
      change = (r) =>
        r.cellId === event.cellId && !r.error ? { ...r, door: String(event.door) } : r;
    } else if (event.type === 'alarm' && event.kind === 'door-did-not-open') {
      change = (r) => (r.cellId === event.cellId ? { ...r, door: 'failed' } : r);
    } else if (event.type === 'cell-offered') {
      // The agent opened another cell for a parcel whose door did not open.
      change = (r) =>
        r.parcelId === event.parcelId ? { ...r, cellId: String(event.cellId), door: 'opening' } : r;
    } else return;
    app.update({ rows: state.rows.map(change) });
  },
  back: (app, state) => app.go('courier-menu', { session: 'courier', holderId: state.holderId }),
};

/** @param {import('../app.js').App} app @param {string} orderId */
async function collectOrder(app, orderId) {
  const result = await post('/api/courier/collect', { orderId });
  if (app.state.screen !== 'courier-collect') return;
  const opened = {
    ...app.state.opened,
    [orderId]: result.ok ? result.cellIds : errorText(result.code),
  };
  app.update({ opened });
}

/** Returns, expired parcels and round trips waiting for this courier's company. */
/** @type {Screen} */
export const courierCollect = {
  render: (app, state) => {
    /** @type {{ orderId: string, cells: string[] }[] | null} */
    const orders = state.orders;
    const opened = state.opened ?? {};
    return h(
      'div.batch',
      null,
      h(
        'div.batch-head',
        null,
        h('h1', null, t('courier.collect.title')),
        orders && orders.length > 0
          ? h(
              'button.primary',
              {
                type: 'button',
                onClick: () => {
                  for (const o of orders) if (!opened[o.orderId]) collectOrder(app, o.orderId);
                },
                'data-testid': 'collect-all',
              },
              t('courier.collectAll'),
            )
          : null,
      ),
      orders === null
        ? h('p.wait', null, t('common.wait'))
        : orders.length === 0
          ? h('p.lead', null, t('courier.collect.none'))
          : null,
      h(
        'ul.rows',
        null,
        (orders ?? []).map((o) => {
          const done = opened[o.orderId];
          const status = Array.isArray(done)
            ? t('courier.collect.opened', { cells: done.join(', ') })
            : (done ?? t('courier.collect.cells', { cells: o.cells.join(', ') }));
          return h(
            'li.row',
            { 'data-testid': `order-${o.orderId}` },
            h('span.row-main', null, o.orderId),
            h('span.row-status', null, status),
            done
              ? null
              : h(
                  'button.secondary.small',
                  { type: 'button', onClick: () => collectOrder(app, o.orderId) },
                  t('courier.collect.one'),
                ),
          );
        }),
      ),
    );
  },
  enter: async (app, state) => {
    const result = await get('/api/courier/collectable');
    if (app.state !== state) return;
    if (result.ok) app.update({ orders: result.orders, opened: {} });
    else app.update({ orders: [], error: errorText(result.code) });
  },
  back: (app, state) => app.go('courier-menu', { session: 'courier', holderId: state.holderId }),
};
