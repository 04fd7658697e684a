import { get } from '../api.js';
import { ago, canAct, capacityBySize, cellState, dateTime, openDoors } from '../format.js';
import { known, language, t } from '../i18n.js';
import { h } from '../view.js';
import { commandPanel, remoteOpen, setService } from './locker-actions.js';
import { detailsPanels } from './locker-details.js';

const CELL_STATES = ['free', 'occupied', 'open', 'alarm', 'out-of-service'];

/**
 * One locker: its cells as a grid coloured by state (with a legend), the actions a dispatcher
 * may take on a cell, the result of the last remote open, door events, boards, outbox and sync,
 * open alarms and the audit log.
 */
export const lockerScreen = {
  name: 'locker',
  /** @param {import('../app.js').App} _app @param {string[]} params */
  async load(_app, params) {
    const id = encodeURIComponent(params[0] ?? '');
    const [locker, events, audit, alarms] = await Promise.all([
      get(`/v1/operator/lockers/${id}`),
      get(`/v1/operator/lockers/${id}/events?limit=200`),
      get(`/v1/operator/lockers/${id}/audit`),
      get(`/v1/operator/alarms?lockerId=${id}`),
    ]);
    return { locker, events: events.events, audit: audit.entries, alarms: alarms.alarms };
  },
  /** @param {import('../app.js').App} app @param {import('../live.js').LiveEvent} event */
  onEvent(app, event) {
    const id = app.view.params[0];
    const here = event.lockerId === undefined || event.lockerId === id;
    // The locker answered something: ask for the command's state now, not at the next poll.
    if (here && event.type !== 'hello') app.local.commandPoll?.();
    return event.type === 'reconnected' || here;
  },
  /** @param {import('../app.js').App} app @param {any} data */
  render(app, data) {
    const { locker } = data;
    const open = openDoors(data.events);
    const now = Date.now();
    return h(
      'section',
      { 'aria-labelledby': 'locker-title' },
      h('p', null, h('a', { href: '#/fleet' }, `← ${t('nav.fleet')}`)),
      h('h1', { id: 'locker-title' }, t('locker.title', { id: locker.id })),
      h(
        'p.summary',
        { 'data-testid': 'locker-state', 'data-state': locker.online ? 'online' : 'offline' },
        locker.address,
        ' · ',
        locker.online
          ? h('span.badge.online', null, t('fleet.state.online'))
          : h(
              'span.badge.offline',
              null,
              locker.offlineSince === null
                ? t('fleet.neverSeen')
                : t('fleet.offlineSince', { ago: ago(locker.offlineSince, now, language()) }),
            ),
        ' · ',
        capacityBySize(locker.free, locker.cells)
          .map((c) => `${c.size} ${c.free}/${c.total}`)
          .join(' · '),
      ),
      commandPanel(app),
      h('h2', null, t('locker.cells')),
      cellGrid(app, locker.id, locker.cellList, open),
      legend(),
      h('h2', null, t('locker.alarms')),
      alarmList(data.alarms),
      detailsPanels(data.events, locker.sync),
      h('h2', null, t('locker.audit')),
      auditList(data.audit),
    );
  },
};

/** @param {import('../app.js').App} app @param {string} lockerId @param {any[]} cells @param {Set<string>} open */
function cellGrid(app, lockerId, cells, open) {
  const act = app.user !== null && canAct(app.user);
  return h(
    'ul.cells',
    { 'data-testid': 'cells', 'aria-label': t('locker.cells') },
    cells.map((c) => {
      const state = cellState(c, open.has(c.cellId));
      return h(
        `li.cell.${state}`,
        { 'data-testid': `cell-${c.cellId}`, 'data-state': state },
        h('strong', null, c.cellId),
        h('span', null, `${c.size} · ${t(`cellState.${state}`)}`),
        c.order
          ? h(
              'a',
              { href: `#/orders/${encodeURIComponent(c.order.orderId)}` },
              known('status', c.order.status),
            )
          : null,
        (c.alarms ?? []).map((/** @type {any} */ a) =>
          h('span.badge.alarm', null, known('alarm', a.kind)),
        ),
        act
          ? h(
              'div.cell-actions',
              null,
              h(
                'button.small',
                {
                  type: 'button',
                  'data-testid': `open-${c.cellId}`,
                  onClick: () => remoteOpen(app, lockerId, c.cellId),
                },
                t('locker.open'),
              ),
              h(
                'button.small.ghost',
                {
                  type: 'button',
                  'data-testid': `service-${c.cellId}`,
                  onClick: () => setService(app, lockerId, c.cellId, c.inService === false),
                },
                c.inService === false ? t('locker.inService') : t('locker.outOfService'),
              ),
            )
          : null,
      );
    }),
  );
}

function legend() {
  return h(
    'p.legend.cell-legend',
    { 'aria-label': t('locker.legend') },
    CELL_STATES.map((s) =>
      h('span', null, h(`i.swatch.${s}`, { 'aria-hidden': 'true' }), t(`cellState.${s}`)),
    ),
  );
}

/** @param {any[]} alarms */
function alarmList(alarms) {
  if (alarms.length === 0) return h('p.muted', null, t('alarms.none'));
  return h(
    'ul.plain',
    { 'data-testid': 'locker-alarms' },
    alarms.map((a) =>
      h(
        'li',
        null,
        h('span.badge.alarm', null, known('alarm', a.kind)),
        a.cellId ? ` ${a.cellId}` : '',
        ` · ${dateTime(a.raisedAt, language())}`,
      ),
    ),
  );
}

/** @param {any[]} entries */
function auditList(entries) {
  if (entries.length === 0) return h('p.muted', null, t('locker.noAudit'));
  return h(
    'table.list',
    { 'data-testid': 'audit' },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        ['at', 'actor', 'action', 'detail'].map((c) =>
          h('th', { scope: 'col' }, t(`locker.auditCol.${c}`)),
        ),
      ),
    ),
    h(
      'tbody',
      null,
      [...entries]
        .reverse()
        .slice(0, 50)
        .map((e) =>
          h(
            'tr',
            null,
            h('td', null, dateTime(e.at, language())),
            h('td', null, e.actor),
            h('td', null, e.action),
            h('td.detail', null, JSON.stringify(e.detail)),
          ),
        ),
    ),
  );
}
