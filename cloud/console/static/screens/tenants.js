import { get, post } from '../api.js';
import { confirmDialog } from '../dialog.js';
import { known, t } from '../i18n.js';
import { h } from '../view.js';
import { keysPanel, loadKeys } from './keys-panel.js';
import { act } from './locker-actions.js';

const TENANT_KINDS = ['marketplace', 'shop', 'carrier', 'service-partner'];

/** Admin: a tenant's keys and webhook, through the operator's routes for that tenant. */
/** @param {string} id */
const tenantPaths = (id) => {
  const base = `/v1/operator/tenants/${encodeURIComponent(id)}`;
  return {
    keys: `${base}/keys`,
    key: (/** @type {string} */ keyId) => `${base}/keys/${encodeURIComponent(keyId)}`,
    endpoint: `${base}/webhooks/endpoint`,
    deliveries: `${base}/webhooks/deliveries`,
    replay: (/** @type {string} */ d) =>
      `${base}/webhooks/deliveries/${encodeURIComponent(d)}/replay`,
  };
};

/** Tenants (admin): create one, and for the one chosen its keys and webhook. */
export const tenantsScreen = {
  name: 'tenants',
  /** @param {import('../app.js').App} _app @param {string[]} params */
  async load(_app, params) {
    const { tenants } = await get('/v1/operator/tenants');
    const id = params[0];
    const tenant = tenants.find((/** @type {any} */ x) => x.id === id);
    return {
      tenants,
      id,
      keys: tenant ? await loadKeys(tenantPaths(tenant.id), tenant.webhookUrl) : null,
    };
  },
  /** @param {import('../app.js').App} app @param {any} data */
  render(app, data) {
    return h(
      'section',
      { 'aria-labelledby': 'tenants-title' },
      h('h1', { id: 'tenants-title' }, t('tenants.title')),
      h(
        'button.primary',
        { type: 'button', 'data-testid': 'create-tenant', onClick: () => createTenant(app) },
        t('tenants.create'),
      ),
      h(
        'ul.plain.tenants',
        { 'data-testid': 'tenants' },
        data.tenants.map((/** @type {any} */ x) =>
          h(
            'li',
            null,
            h(
              'a',
              {
                href: `#/tenants/${encodeURIComponent(x.id)}`,
                'aria-current': x.id === data.id ? 'page' : null,
                'data-testid': `tenant-${x.id}`,
              },
              x.name,
            ),
            h('small.muted', null, ` · ${known('tenantKind', x.kind)} · ${x.id}`),
          ),
        ),
      ),
      data.keys
        ? keysPanel(app, tenantPaths(data.id), data.keys)
        : h('p.muted', null, t('tenants.pick')),
    );
  },
};

/** @param {import('../app.js').App} app */
async function createTenant(app) {
  const a = await confirmDialog({
    title: t('tenants.create'),
    confirm: t('tenants.create'),
    fields: [
      { name: 'name', label: t('tenants.name'), required: true },
      {
        name: 'kind',
        label: t('tenants.kind'),
        options: TENANT_KINDS.map((k) => ({ value: k, label: known('tenantKind', k) })),
        required: true,
        value: 'shop',
      },
    ],
  });
  if (a === null) return;
  await act(app, async () => {
    const created = await post('/v1/operator/tenants', { name: a.name, kind: a.kind });
    const owner = tenantPaths(created.tenantId).keys;
    app.local.shownKey = { keyId: created.keyId, apiKey: created.apiKey, owner };
    app.go(`#/tenants/${encodeURIComponent(created.tenantId)}`);
  });
}
