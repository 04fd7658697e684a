import { post } from '../api.js';
import { errorText, t } from '../i18n.js';
import { h } from '../view.js';
import { lockedOut } from './code.js';
import { keypad, keypadKey } from './keypad.js';
import { refresh, tabBody } from './technician-tabs.js';

/** @typedef {import('./index.js').Screen} Screen */

const PIN_MAX = 8;
const TABS = [
  ['cells', 'tech.tab.cells'],
  ['alarms', 'tech.tab.alarms'],
  ['boards', 'tech.tab.boards'],
  ['network', 'tech.tab.network'],
  ['logs', 'tech.tab.logs'],
];

/** @param {import('../app.js').App} app @param {any} state */
async function login(app, state) {
  if (state.pin.length < 4 || state.busy) return;
  app.update({ busy: true, error: null });
  const at = app.state;
  const result = await post('/api/technician/login', { pin: state.pin });
  if (app.state !== at) return;
  if (result.ok)
    app.go('tech', { session: 'technician', tab: 'cells', status: null, selected: null });
  else if (lockedOut(result)) app.go('locked', { until: result.until });
  else app.update({ busy: false, pin: '', error: errorText(result.code) });
}

/** @type {Screen} */
export const techLogin = {
  render: (app, state) =>
    h(
      'div.split',
      null,
      h(
        'section.side',
        null,
        h('h1', null, t('tech.login.title')),
        h('p.lead', null, t('tech.login.lead')),
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
};

/** The service menu; everything on it needs the technician's session on the server. */
/** @type {Screen} */
export const tech = {
  render: (app, state) =>
    h(
      'div.tech',
      null,
      h(
        'nav.tabs',
        { role: 'tablist' },
        TABS.map(([tab, key]) =>
          h(
            `button.tab${state.tab === tab ? '.active' : ''}`,
            {
              type: 'button',
              role: 'tab',
              'aria-selected': String(state.tab === tab),
              onClick: () => app.update({ tab, notice: null }),
              'data-testid': `tab-${tab}`,
            },
            t(key ?? ''),
          ),
        ),
      ),
      state.notice
        ? h(
            `p.${state.noticeBad ? 'alert' : 'notice'}`,
            { role: 'status', 'data-testid': 'notice' },
            state.notice,
          )
        : null,
      state.status ? tabBody(app, state) : h('p.wait', null, t('common.wait')),
    ),
  enter: (app) => refresh(app),
  onEvent: (app, state, event) => {
    // The agent's cell states say what a cell holds; the door edges say whether it stands open.
    if (event.type === 'door') {
      app.update({ doors: { ...state.doors, [String(event.cellId)]: event.door } });
    }
    if (['door', 'cell', 'alarm'].includes(event.type)) refresh(app);
  },
  back: (app) => app.home('logout'),
  backLabel: 'common.logout',
};
