import { dateTime } from '../format.js';
import { known, language, t } from '../i18n.js';
import { h } from '../view.js';

/**
 * What the locker last reported about itself: door events, boards and bus counters, the
 * outbox depth and the last sync. Shown only when the operator API answers with it.
 * @param {any} details
 */
export function detailsPanels(details) {
  if (!details) return null;
  return [
    h('h2', null, t('locker.doorEvents')),
    doorEvents(details.doorEvents ?? details.events ?? []),
    h('h2', null, t('locker.health')),
    health(details),
  ];
}

/** @param {any[]} events */
function doorEvents(events) {
  if (events.length === 0) return h('p.muted', null, t('locker.noDoorEvents'));
  return h(
    'ol.plain.events',
    { 'data-testid': 'door-events' },
    [...events]
      .reverse()
      .slice(0, 30)
      .map((e) =>
        h(
          'li',
          { 'data-type': e.type },
          h('time', null, dateTime(e.at, language())),
          ' ',
          h('strong', null, known('event', e.type)),
          (e.cellId ?? e.body?.cell)
            ? ` · ${t('locker.cell', { cell: e.cellId ?? e.body?.cell })}`
            : '',
        ),
      ),
  );
}

/** @param {any} d */
function health(d) {
  const rows = [];
  if (d.outboxDepth !== undefined) rows.push([t('locker.outbox'), String(d.outboxDepth)]);
  if (d.lastSyncAt !== undefined)
    rows.push([
      t('locker.lastSync'),
      d.lastSyncAt === null ? '—' : dateTime(d.lastSyncAt, language()),
    ]);
  for (const b of d.boards ?? []) {
    rows.push([
      t('locker.board', { bus: b.bus ?? '', board: b.board ?? b.address ?? '' }),
      known('board', String(b.state ?? (b.online ? 'online' : 'offline'))),
    ]);
  }
  for (const [bus, counters] of Object.entries(d.busCounters ?? d.buses ?? {})) {
    rows.push([
      t('locker.bus', { bus }),
      Object.entries(/** @type {object} */ (counters))
        .map(([k, v]) => `${k} ${v}`)
        .join(' · '),
    ]);
  }
  if (rows.length === 0) return h('p.muted', null, t('locker.noHealth'));
  return h(
    'table.kv',
    { 'data-testid': 'locker-health' },
    h(
      'tbody',
      null,
      rows.map(([k, v]) => h('tr', null, h('th', { scope: 'row' }, k), h('td', null, v))),
    ),
  );
}
