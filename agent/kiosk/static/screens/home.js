import { post } from '../api.js';
import { errorText, t } from '../i18n.js';
import { icon } from '../icons.js';
import { h } from '../view.js';
import { openedCells } from './door.js';

/** @typedef {import('./index.js').Screen} Screen */

/**
 * @param {import('../icons.js').IconName} iconName @param {string} title @param {string} sub
 * @param {() => void} onClick @param {string} testid @param {string} [cls]
 */
export function tile(iconName, title, sub, onClick, testid, cls = '') {
  return h(
    `button.tile${cls}`,
    { type: 'button', onClick, 'data-testid': testid },
    h('span.tile-icon', null, icon(iconName)),
    h('span.tile-title', null, title),
    sub ? h('span.tile-sub', null, sub) : null,
  );
}

/** A scan at the home screen is a QR pickup code shown to the scanner. @type {Screen['onScan']} */
async function scanQr(app, _state, text) {
  const since = app.live.seq;
  const result = await post('/api/qr', { text });
  if (result.ok) app.go('door', openedCells(result, since));
  else app.go('code', { mode: 'collect', code: '', error: errorText(result.code) });
}

/** @type {Screen} */
export const home = {
  render: (app) =>
    h(
      'div.home',
      null,
      h('h1.welcome', null, t('home.title')),
      h(
        'div.tiles',
        null,
        tile(
          'collect',
          t('home.collect'),
          t('home.collect.sub'),
          () => app.go('code', { mode: 'collect', code: '' }),
          'collect',
          '.primary.wide',
        ),
        tile('send', t('home.send'), t('home.send.sub'), () => app.go('send'), 'send'),
        tile('rent', t('home.rent'), t('home.rent.sub'), () => app.go('rent'), 'rent'),
      ),
      h(
        'div.staff',
        null,
        h(
          'button.ghost',
          {
            type: 'button',
            onClick: () => app.go('courier-login', { pin: '' }),
            'data-testid': 'courier',
          },
          icon('courier'),
          t('home.courier'),
        ),
        h(
          'button.ghost',
          {
            type: 'button',
            onClick: () => app.go('tech-login', { pin: '' }),
            'data-testid': 'service',
          },
          icon('service'),
          t('home.service'),
        ),
      ),
    ),
  onScan: scanQr,
  onKey: (app, _state, key) => {
    if (/^[0-9]$/.test(key)) app.go('code', { mode: 'collect', code: key });
  },
};

/** What a person can bring to the locker; each is a code from the shop, service or neighbour. */
const SEND_KINDS = [
  ['return', 'return', 'send.return', 'send.return.sub'],
  ['service', 'hanger', 'send.service', 'send.service.sub'],
  ['neighbour', 'swap', 'send.neighbour', 'send.neighbour.sub'],
];

/** @type {Screen} */
export const send = {
  render: (app) =>
    h(
      'div.menu',
      null,
      h('h1', null, t('send.title')),
      h('p.lead', null, t('send.lead')),
      h(
        'div.tiles',
        null,
        SEND_KINDS.map(([kind, iconName, title, sub]) =>
          tile(
            /** @type {import('../icons.js').IconName} */ (iconName),
            t(title ?? ''),
            t(sub ?? ''),
            () => app.go('code', { mode: 'deposit', kind, code: '' }),
            `send-${kind}`,
          ),
        ),
      ),
    ),
  back: (app) => app.go('home'),
};

/** @type {Screen} */
export const rent = {
  render: (app) =>
    h(
      'div.menu',
      null,
      h('h1', null, t('rent.title')),
      h(
        'div.tiles',
        null,
        tile(
          'plus',
          t('rent.new'),
          t('rent.new.sub'),
          () => app.go('rental', { step: 'size' }),
          'rent-new',
          '.primary',
        ),
        tile(
          'key',
          t('rent.open'),
          t('rent.open.sub'),
          () => app.go('code', { mode: 'rental', code: '' }),
          'rent-open',
        ),
      ),
    ),
  back: (app) => app.go('home'),
};
