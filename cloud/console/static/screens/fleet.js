import { get } from '../api.js';
import { ago, capacityBySize, filterLockers } from '../format.js';
import { language, t } from '../i18n.js';
import { h } from '../view.js';
import { fleetMap } from './map.js';

/**
 * Every locker the operator runs: state, since when offline, open alarms, free cells by size;
 * filtered by text (id or address), site and state; and the same lockers on a map.
 */
export const fleetScreen = {
  name: 'fleet',
  /** @param {import('../app.js').App} _app */
  async load() {
    const { lockers } = await get('/v1/operator/lockers?limit=5000');
    return { lockers };
  },
  /** @param {import('../app.js').App} app @param {{ lockers: any[] }} data */
  render(app, data) {
    if (!app.local.fleet) app.local.fleet = { text: '', site: '', state: '' };
    const filter = app.local.fleet;
    const shown = filterLockers(data.lockers, filter);
    const sites = new Map(
      data.lockers.filter((l) => l.siteId).map((l) => [l.siteId, l.siteName ?? l.siteId]),
    );
    /** @param {string} key @returns {(e: Event) => void} */
    const set = (key) => (e) => {
      filter[key] = /** @type {HTMLInputElement} */ (e.target).value;
      app.render();
    };
    return h(
      'section',
      { 'aria-labelledby': 'fleet-title' },
      h('h1', { id: 'fleet-title' }, t('fleet.title')),
      summaryLine(data.lockers),
      h(
        'form.filters',
        { role: 'search', onSubmit: (/** @type {Event} */ e) => e.preventDefault() },
        field(
          'fleet-text',
          t('fleet.search'),
          h('input', {
            id: 'fleet-text',
            type: 'search',
            value: filter.text,
            placeholder: t('fleet.searchHint'),
            'data-testid': 'fleet-search',
            onInput: set('text'),
          }),
        ),
        field(
          'fleet-site',
          t('fleet.site'),
          h(
            'select',
            { id: 'fleet-site', 'data-testid': 'fleet-site', onChange: set('site') },
            h('option', { value: '' }, t('fleet.allSites')),
            [...sites].map(([id, name]) =>
              h('option', { value: id, selected: id === filter.site }, name),
            ),
          ),
        ),
        field(
          'fleet-state',
          t('fleet.stateFilter'),
          h(
            'select',
            { id: 'fleet-state', 'data-testid': 'fleet-state', onChange: set('state') },
            ['', 'online', 'offline', 'alarm'].map((s) =>
              h(
                'option',
                { value: s, selected: s === filter.state },
                s === '' ? t('fleet.allStates') : t(`fleet.state.${s}`),
              ),
            ),
          ),
        ),
      ),
      h('div.split', null, lockerTable(shown), fleetMap(shown)),
    );
  },
};

/** @param {string} id @param {string} label @param {Node} control */
function field(id, label, control) {
  return h('div.field', null, h('label', { for: id }, label), control);
}

/** @param {any[]} lockers */
function summaryLine(lockers) {
  const online = lockers.filter((l) => l.online).length;
  const alarms = lockers.reduce((s, l) => s + l.openAlarms, 0);
  return h(
    'p.summary',
    { 'data-testid': 'fleet-summary' },
    t('fleet.summary', { total: lockers.length, online, offline: lockers.length - online, alarms }),
  );
}

/** @param {any[]} lockers */
function lockerTable(lockers) {
  if (lockers.length === 0) return h('p.muted', { 'data-testid': 'fleet-empty' }, t('fleet.none'));
  return h(
    'table.list',
    { 'data-testid': 'fleet-table' },
    h('caption.sr-only', null, t('fleet.title')),
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        ['id', 'address', 'state', 'alarms', 'free'].map((c) =>
          h('th', { scope: 'col' }, t(`fleet.col.${c}`)),
        ),
      ),
    ),
    h('tbody', null, lockers.map(lockerRow)),
  );
}

/** @param {any} l */
function lockerRow(l) {
  const now = Date.now();
  const state = l.online
    ? h('span.badge.online', null, t('fleet.state.online'))
    : h(
        'span.badge.offline',
        null,
        l.offlineSince === null
          ? t('fleet.neverSeen')
          : t('fleet.offlineSince', { ago: ago(l.offlineSince, now, language()) }),
      );
  return h(
    'tr',
    { 'data-testid': `locker-row-${l.id}`, 'data-state': l.online ? 'online' : 'offline' },
    h('th', { scope: 'row' }, h('a', { href: `#/lockers/${encodeURIComponent(l.id)}` }, l.id)),
    h(
      'td',
      null,
      l.address,
      l.siteId ? h('small.muted', null, ` · ${l.siteName ?? l.siteId}`) : null,
    ),
    h('td', null, state),
    h('td', null, l.openAlarms > 0 ? h('span.badge.alarm', null, String(l.openAlarms)) : '0'),
    h(
      'td',
      null,
      capacityBySize(l.free, l.cells)
        .map((c) => `${c.size} ${c.free}/${c.total}`)
        .join(' · '),
    ),
  );
}
