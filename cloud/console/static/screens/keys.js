import { t } from '../i18n.js';
import { h } from '../view.js';
import { keysPanel, loadKeys } from './keys-panel.js';

/** A tenant's own keys and webhook, over the same /v1 routes its systems use. */
const OWN = {
  keys: '/v1/keys',
  key: (/** @type {string} */ id) => `/v1/keys/${encodeURIComponent(id)}`,
  endpoint: '/v1/webhooks/endpoint',
  deliveries: '/v1/webhooks/deliveries',
  replay: (/** @type {string} */ id) => `/v1/webhooks/deliveries/${encodeURIComponent(id)}/replay`,
};

export const keysScreen = {
  name: 'keys',
  load: () => loadKeys(OWN, null),
  /** @param {import('../app.js').App} app @param {any} data */
  render: (app, data) =>
    h(
      'section',
      { 'aria-labelledby': 'keys-title' },
      h('h1', { id: 'keys-title' }, t('nav.keys')),
      keysPanel(app, OWN, data),
    ),
};
