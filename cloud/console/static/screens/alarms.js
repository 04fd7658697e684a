import { get, post } from '../api.js';
import { confirmDialog } from '../dialog.js';
import { ago, canAct, dateTime } from '../format.js';
import { known, language, t } from '../i18n.js';
import { h } from '../view.js';
import { act } from './locker-actions.js';

/** Open alarms across the network, newest first; acknowledge or resolve with a note. */
export const alarmsScreen = {
  name: 'alarms',
  async load() {
    const { alarms } = await get('/v1/operator/alarms?open=true');
    return { alarms };
  },
  /** @param {import('../app.js').App} app @param {{ alarms: any[] }} data */
  render(app, data) {
    const mayAct = app.user !== null && canAct(app.user);
    const now = Date.now();
    return h(
      'section',
      { 'aria-labelledby': 'alarms-title' },
      h('h1', { id: 'alarms-title' }, t('alarms.title')),
      data.alarms.length === 0
        ? h('p.muted', { 'data-testid': 'alarms-empty' }, t('alarms.none'))
        : h(
            'table.list',
            { 'data-testid': 'alarms-table' },
            h(
              'thead',
              null,
              h(
                'tr',
                null,
                ['locker', 'kind', 'cell', 'raised', 'state', 'actions'].map((c) =>
                  h('th', { scope: 'col' }, t(`alarms.col.${c}`)),
                ),
              ),
            ),
            h(
              'tbody',
              null,
              data.alarms.map((a) =>
                h(
                  'tr',
                  { 'data-testid': `alarm-${a.lockerId}-${a.kind}`, 'data-alarm': a.id },
                  h(
                    'td',
                    null,
                    h('a', { href: `#/lockers/${encodeURIComponent(a.lockerId)}` }, a.lockerId),
                  ),
                  h('td', null, h('span.badge.alarm', null, known('alarm', a.kind))),
                  h('td', null, a.cellId ?? '—'),
                  h(
                    'td',
                    { title: dateTime(a.raisedAt, language()) },
                    ago(a.raisedAt, now, language()),
                  ),
                  h(
                    'td',
                    null,
                    a.acked
                      ? [
                          t('alarms.acknowledgedBy', { who: a.acked.by }),
                          a.acked.note ? h('small.muted', null, ` — ${a.acked.note}`) : null,
                        ]
                      : t('alarms.open'),
                  ),
                  h('td', null, mayAct ? actions(app, a) : null),
                ),
              ),
            ),
          ),
    );
  },
};

/** @param {import('../app.js').App} app @param {any} alarm */
function actions(app, alarm) {
  /** @param {'acknowledge' | 'resolve'} what */
  const run = async (what) => {
    const answer = await confirmDialog({
      title: t(`alarms.${what}Title`, { kind: known('alarm', alarm.kind), locker: alarm.lockerId }),
      confirm: t(`alarms.${what}`),
      fields: [
        { name: 'note', label: t('alarms.note'), required: what === 'resolve', type: 'textarea' },
      ],
    });
    if (answer === null) return;
    await act(app, async () => {
      await post(
        `/v1/operator/alarms/${encodeURIComponent(alarm.id)}/${what === 'acknowledge' ? 'ack' : what}`,
        answer.note ? { note: answer.note } : {},
      );
      app.notify(t(`alarms.${what}d`));
      await app.reload();
    });
  };
  return h(
    'div.row-actions',
    null,
    alarm.acked
      ? null
      : h(
          'button.small',
          { type: 'button', 'data-testid': 'acknowledge', onClick: () => run('acknowledge') },
          t('alarms.acknowledge'),
        ),
    h(
      'button.small.ghost',
      { type: 'button', 'data-testid': 'resolve', onClick: () => run('resolve') },
      t('alarms.resolve'),
    ),
  );
}
