import { get, post } from '../api.js';
import { clockTime, errorText, t } from '../i18n.js';
import { h } from '../view.js';

/** The technician's tabs: cells, alarms, boards and bus, network and sync, recent events. */
const REASONS = ['tech.reason.check', 'tech.reason.stuck', 'tech.reason.repair'];

/** @param {import('../app.js').App} app */
export async function refresh(app) {
  const result = await get('/api/technician/status');
  if (app.state.screen !== 'tech') return;
  if (result.ok) app.update({ status: result });
  else app.home();
}

/** @param {import('../app.js').App} app @param {string} path @param {Record<string, unknown>} body */
async function act(app, path, body) {
  const result = await post(path, body);
  if (app.state.screen !== 'tech') return;
  app.update({
    notice: result.ok ? (result.problems ? null : t('tech.done')) : errorText(result.code),
    noticeBad: !result.ok,
    inventory: result.problems ? result : app.state.inventory,
  });
  refresh(app);
}

/** @param {import('../app.js').App} app @param {any} state */
function cellsTab(app, state) {
  /** @type {any[]} */
  const cells = [...state.status.cells].sort((a, b) =>
    String(a.id).localeCompare(String(b.id), undefined, { numeric: true }),
  );
  /** Live door edges since login win over the door states read at login. @type {Record<string, string>} */
  const live = state.doors ?? {};
  /** @type {Record<string, string>} */
  const doors = Object.fromEntries(cells.map((c) => [c.id, live[c.id] ?? c.door]));
  const selected = cells.find((/** @type {any} */ c) => c.id === state.selected);
  return h(
    'div.tech-cells',
    null,
    h(
      'div.cell-grid',
      null,
      cells.map((/** @type {any} */ c) =>
        h(
          `button.cell-tile.st-${doors[c.id] === 'open' ? 'open' : c.state}${c.id === state.selected ? '.selected' : ''}`,
          {
            type: 'button',
            onClick: () => app.update({ selected: c.id, notice: null }),
            'data-testid': `tech-cell-${c.id}`,
          },
          h('span.cell-tile-id', null, c.id),
          h('span.cell-tile-size', null, c.size),
          h(
            'span.cell-tile-state',
            null,
            doors[c.id] === 'open' ? t('door.state.open') : t(`cellState.${c.state}`),
          ),
        ),
      ),
    ),
    selected
      ? h(
          'div.cell-actions',
          null,
          h('h2', null, t('tech.cell', { cell: selected.id, size: selected.size })),
          h('p', null, t('tech.reason')),
          h(
            'div.reasons',
            null,
            REASONS.map((key) =>
              h(
                'button.secondary',
                {
                  type: 'button',
                  onClick: () =>
                    act(app, '/api/technician/open', { cellId: selected.id, reason: t(key) }),
                  'data-testid': `open-${key}`,
                },
                t('tech.open'),
                ' — ',
                t(key),
              ),
            ),
          ),
          selected.state === 'out-of-service'
            ? h(
                'button.secondary',
                {
                  type: 'button',
                  onClick: () =>
                    act(app, '/api/technician/service', {
                      cellId: selected.id,
                      inService: true,
                      reason: t('tech.reason.repair'),
                    }),
                },
                t('tech.inService'),
              )
            : h(
                'button.danger',
                {
                  type: 'button',
                  onClick: () =>
                    act(app, '/api/technician/service', {
                      cellId: selected.id,
                      inService: false,
                      reason: t('tech.reason.repair'),
                    }),
                },
                t('tech.outOfService'),
              ),
        )
      : h('p.hint', null, t('tech.pickCell')),
  );
}

/** @param {import('../app.js').App} app @param {any} state */
function alarmsTab(app, state) {
  const alarms = state.status.alarms;
  if (alarms.length === 0) return h('p.lead', null, t('tech.alarms.none'));
  return h(
    'ul.rows',
    null,
    alarms.map((/** @type {any} */ a) =>
      h(
        'li.row.bad',
        null,
        h('span.row-main', null, t(`alarm.${a.kind}`)),
        h(
          'span.row-status',
          null,
          [a.cellId ? `${t('door.cell')} ${a.cellId}` : (a.boardId ?? ''), clockTime(a.raisedAt)]
            .filter(Boolean)
            .join(' · '),
        ),
        h(
          'button.secondary.small',
          {
            type: 'button',
            onClick: () => act(app, '/api/technician/clear-alarm', { alarmId: a.id }),
          },
          t('tech.alarms.clear'),
        ),
      ),
    ),
  );
}

/** @param {Record<string, unknown>} values */
function table(values) {
  return h(
    'table.kv',
    null,
    Object.entries(values).map(([k, v]) =>
      h(
        'tr',
        null,
        h('th', null, LABELS[k] ? t(LABELS[k]) : k),
        h('td', null, typeof v === 'object' ? JSON.stringify(v) : String(v)),
      ),
    ),
  );
}

/** Names people read for the counters and figures the agent reports; others show as they come. */
/** @type {Record<string, string>} */
const LABELS = {
  framesSent: 'counter.framesSent',
  framesReceived: 'counter.framesReceived',
  crcErrors: 'counter.crcErrors',
  timeouts: 'counter.timeouts',
  retries: 'counter.retries',
  exceptions: 'counter.exceptions',
  outboxDepth: 'counter.outboxDepth',
  lastSeq: 'counter.lastSeq',
  alarms: 'counter.alarms',
  badInput: 'counter.badInput',
  kioskBadRequests: 'counter.kioskBadRequests',
  lastConnectedAt: 'net.lastConnectedAt',
  lastDisconnectedAt: 'net.lastDisconnectedAt',
  connects: 'net.connects',
  connectFailures: 'net.connectFailures',
  ackTimeouts: 'net.ackTimeouts',
  inFlight: 'net.inFlight',
  deliveredSeq: 'net.deliveredSeq',
  syncVersion: 'net.syncVersion',
};

/** Counters as big figures: a technician reads them from a step away. @param {Record<string, number>} counters */
function stats(counters) {
  return h(
    'div.stats',
    null,
    Object.entries(counters).map(([k, v]) =>
      h(
        `div.stat${v > 0 && k !== 'framesSent' && k !== 'framesReceived' ? '.nonzero' : ''}`,
        null,
        h('span.stat-value', null, String(v)),
        h('span.stat-label', null, LABELS[k] ? t(LABELS[k]) : k),
      ),
    ),
  );
}

/** @param {import('../app.js').App} app @param {any} state */
function boardsTab(app, state) {
  const inventory = state.inventory;
  return h(
    'div',
    null,
    state.status.boards.map((/** @type {any} */ b) =>
      h(
        'section.board',
        null,
        h('h2', null, `${b.id} · ${b.online ? t('tech.online') : t('tech.offline')}`),
        stats(b.counters),
      ),
    ),
    h(
      'button.secondary',
      {
        type: 'button',
        onClick: () => act(app, '/api/technician/inventory', {}),
        'data-testid': 'inventory',
      },
      t('tech.inventory'),
    ),
    inventory
      ? h(
          'p.lead',
          null,
          t('tech.inventory.result', {
            checked: inventory.checked,
            problems:
              inventory.problems
                .map((/** @type {any} */ p) => `${p.cellId}: ${p.problem}`)
                .join(', ') || '—',
          }),
        )
      : null,
  );
}

/** The cloud link as the agent reports it; times as clock times. @param {any} network */
function networkSection(network) {
  const title = !network.configured
    ? t('net.notConfigured')
    : network.connected
      ? t('net.up')
      : t('net.down');
  const time = (/** @type {number | null | undefined} */ ms) =>
    typeof ms === 'number' ? clockTime(ms) : '—';
  const {
    configured: _c,
    connected: _u,
    lastConnectedAt,
    lastDisconnectedAt,
    ...figures
  } = network;
  return h(
    'section.network',
    { 'data-testid': 'network' },
    h('h2', null, title),
    table({
      ...(network.configured ? { lastConnectedAt: time(lastConnectedAt) } : {}),
      ...(network.configured ? { lastDisconnectedAt: time(lastDisconnectedAt) } : {}),
      ...figures,
    }),
  );
}

/** @param {import('../app.js').App} app @param {any} state */
function networkTab(app, state) {
  const { network, boards: _boards, ...rest } = state.status.diagnostics;
  return h(
    'div',
    null,
    h('p.lead', null, app.live.connected ? t('tech.live.up') : t('tech.live.down')),
    network ? networkSection(network) : null,
    // Figures the network section already shows (outbox depth, last seq) are not repeated.
    table(Object.fromEntries(Object.entries(rest).filter(([k]) => !(network && k in network)))),
  );
}

/** @param {any} state */
function logsTab(state) {
  return h(
    'ul.log',
    null,
    state.status.recent.map((/** @type {any} */ e) =>
      h(
        'li',
        null,
        h('time', null, clockTime(e.at)),
        ` ${e.event} `,
        h('code', null, JSON.stringify(e.fields)),
      ),
    ),
  );
}

/** @param {import('../app.js').App} app @param {any} state */
export function tabBody(app, state) {
  if (state.tab === 'alarms') return alarmsTab(app, state);
  if (state.tab === 'boards') return boardsTab(app, state);
  if (state.tab === 'network') return networkTab(app, state);
  if (state.tab === 'logs') return logsTab(state);
  return cellsTab(app, state);
}
