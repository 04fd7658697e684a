import { ApiError, get, query } from '../api.js';
import { errorText } from '../app.js';
import { dateTime } from '../format.js';
import { known, language, t } from '../i18n.js';
import { h } from '../view.js';
import { orderActions } from './order-actions.js';

/**
 * Orders: find by id, barcode or the last digits of the phone; an order's timeline from its
 * events, its steps and the changes a dispatcher (or the tenant) may make.
 */
export const ordersScreen = {
  name: 'orders',
  /** @param {import('../app.js').App} app @param {string[]} params */
  async load(app, params) {
    const id = params[0];
    if (id) {
      const path = `/v1/orders/${encodeURIComponent(id)}`;
      const [order, events] = await Promise.all([get(path), get(`${path}/events`)]);
      return { order, events: events.events };
    }
    const q = app.local.orders?.q ?? '';
    if (q === '') return { results: null };
    return { results: await findOrders(q) };
  },
  /** @param {import('../app.js').App} app @param {any} data */
  render(app, data) {
    return h(
      'section',
      { 'aria-labelledby': 'orders-title' },
      h('h1', { id: 'orders-title' }, t('orders.title')),
      searchForm(app),
      data.order ? orderCard(app, data.order, data.events) : resultList(data.results),
    );
  },
};

/**
 * The cloud's search: an order id, a barcode, or the last digits of the recipient's phone; a
 * tenant's user gets its own orders only, an operator's the orders at its lockers.
 * @param {string} q
 */
async function findOrders(q) {
  try {
    const answer = await get(`/v1/orders/search${query({ q })}`);
    return { orders: answer.orders, error: null };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return { orders: [], error: errorText(error) };
  }
}

/** @param {import('../app.js').App} app */
function searchForm(app) {
  if (!app.local.orders) app.local.orders = { q: '' };
  const state = app.local.orders;
  /** @param {SubmitEvent} e */
  const submit = (e) => {
    e.preventDefault();
    const data = new FormData(/** @type {HTMLFormElement} */ (e.target));
    state.q = String(data.get('q') ?? '').trim();
    app.go('#/orders');
  };
  return h(
    'form.filters',
    { role: 'search', onSubmit: submit },
    h(
      'div.field',
      null,
      h('label', { for: 'order-q' }, t('orders.search')),
      h('input', {
        id: 'order-q',
        name: 'q',
        type: 'search',
        value: state.q,
        placeholder: t('orders.searchHint'),
        'data-testid': 'order-search',
      }),
    ),
    h('button.primary', { type: 'submit', 'data-testid': 'order-find' }, t('orders.find')),
  );
}

/** @param {{ orders: any[], error: string | null } | null} results */
function resultList(results) {
  if (results === null) return h('p.muted', null, t('orders.prompt'));
  if (results.error)
    return h('p.error', { role: 'alert', 'data-testid': 'orders-error' }, results.error);
  if (results.orders.length === 0)
    return h('p.muted', { 'data-testid': 'orders-none' }, t('orders.none'));
  return h(
    'ul.plain',
    { 'data-testid': 'order-results' },
    results.orders.map((o) =>
      h(
        'li',
        null,
        h(
          'a',
          { href: `#/orders/${encodeURIComponent(o.id)}`, 'data-testid': `order-${o.id}` },
          o.id,
        ),
        ` · ${known('status', o.status)} · ${o.bookings?.[0]?.lockerId ?? ''}`,
      ),
    ),
  );
}

/** @param {import('../app.js').App} app @param {any} order @param {any[]} events */
function orderCard(app, order, events) {
  return h(
    'article.card',
    { 'data-testid': 'order', 'aria-labelledby': 'order-title' },
    h('h2', { id: 'order-title' }, t('orders.order', { id: order.id })),
    h(
      'table.kv',
      null,
      h(
        'tbody',
        null,
        [
          [
            t('orders.status'),
            h('span.badge', { 'data-testid': 'order-status' }, known('status', order.status)),
          ],
          [t('orders.kind'), known('kind', order.kind)],
          [t('orders.tenant'), order.tenantId],
          [t('orders.size'), order.size],
          [
            t('orders.locker'),
            order.bookings.map((/** @type {any} */ b) => b.lockerId).join(', ') || '—',
          ],
          [
            t('orders.until'),
            order.bookings[0] ? dateTime(order.bookings[0].validUntil, language()) : '—',
          ],
        ].map(([k, v]) => h('tr', null, h('th', { scope: 'row' }, k), h('td', null, v))),
      ),
    ),
    orderActions(app, order),
    h('h3', null, t('orders.timeline')),
    h(
      'ol.timeline',
      { 'data-testid': 'timeline' },
      order.timeline.map((/** @type {any} */ e) =>
        h(
          'li',
          null,
          h('time', null, dateTime(e.at, language())),
          ' ',
          h('strong', null, known('status', e.status)),
          h('small.muted', null, ` · ${e.source}`),
        ),
      ),
    ),
    h('h3', null, t('orders.events')),
    events.length === 0
      ? h('p.muted', null, t('orders.noEvents'))
      : h(
          'ol.plain.events',
          { 'data-testid': 'order-events' },
          events.map((e) =>
            h(
              'li',
              null,
              h('time', null, dateTime(e.at, language())),
              ' ',
              h('strong', null, known('event', e.type)),
              ` · ${e.lockerId}`,
              e.body?.cellId ? ` · ${t('locker.cell', { cell: e.body.cellId })}` : '',
            ),
          ),
        ),
  );
}
