import { dateTime } from '../format.js';
import { known, language, t } from '../i18n.js';
import { h } from '../view.js';

/**
 * What the locker reported: its door events, and its own health — boards on the bus, the
 * outbox of events not yet sent, how far sync has come.
 * @param {any[]} events newest first @param {any} sync the operator view's `sync`
 */
export function detailsPanels(events, sync) {
  return [
    h('h2', null, t('locker.doorEvents')),
    doorEvents(events.filter((e) => e.type.startsWith('door.'))),
    h('h2', null, t('locker.health')),
    health(sync),
  ];
}

/** @param {any[]} events */
function doorEvents(events) {
  if (events.length === 0) return h('p.muted', null, t('locker.noDoorEvents'));
  return h(
    'ol.plain.events',
    { 'data-testid': 'door-events' },
    events
      .slice(0, 30)
      .map((e) =>
        h(
          'li',
          { 'data-type': e.type },
          h('time', null, dateTime(e.at, language())),
          ' ',
          h('strong', null, known('event', e.type)),
          e.body?.cellId ? ` · ${t('locker.cell', { cell: e.body.cellId })}` : '',
        ),
      ),
  );
}

/** @param {any} sync */
function health(sync) {
  const status = sync.lastStatus;
  const when = (/** @type {number | null | undefined} */ ms) =>
    ms === null || ms === undefined ? '—' : dateTime(ms, language());
  /** @type {[string, string][]} */
  const rows = [
    [t('locker.lastEvent'), when(sync.lastEventReceivedAt)],
    [t('locker.lastStatus'), when(status?.receivedAt)],
    [t('locker.outbox'), status?.outboxDepth === undefined ? '—' : String(status.outboxDepth)],
    [
      t('locker.syncVersion'),
      t('locker.syncVersions', {
        locker: status?.syncVersion ?? '—',
        cloud: sync.cloudSyncVersion,
      }),
    ],
    [t('locker.commandsInFlight'), String(sync.commandsInFlight)],
  ];
  if (status?.version) rows.push([t('locker.agentVersion'), status.version]);
  for (const b of status?.boards ?? []) {
    rows.push([
      t('locker.board', { bus: b.bus, board: b.address }),
      known('board', b.online ? 'online' : 'offline'),
    ]);
    if (b.counters) {
      rows.push([
        t('locker.busCountersOf', { bus: b.bus, board: b.address }),
        t('locker.busCounters', b.counters),
      ]);
    }
  }
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
