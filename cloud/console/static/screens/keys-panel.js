import { api, get, post } from '../api.js';
import { confirmDialog } from '../dialog.js';
import { dateTime } from '../format.js';
import { known, language, t } from '../i18n.js';
import { h } from '../view.js';
import { act } from './locker-actions.js';

/**
 * API keys (issued: shown once with a copy button; revoked) and the webhook endpoint with its
 * delivery log and replay, for one tenant. `paths` says where: a tenant's own /v1/keys and
 * /v1/webhooks, or an admin's view of a tenant.
 * @typedef {{ keys: string, key: (id: string) => string, endpoint: string, deliveries: string, replay: (id: string) => string }} KeyPaths
 */

/** The webhook URL is not read back from the endpoint route; the caller knows it or not. */
/** @param {KeyPaths} paths @param {string | null} webhookUrl */
export async function loadKeys(paths, webhookUrl) {
  const [keys, deliveries] = await Promise.all([get(paths.keys), get(paths.deliveries)]);
  return { keys: keys.keys, deliveries: deliveries.deliveries, endpoint: { url: webhookUrl } };
}

/** @param {import('../app.js').App} app @param {KeyPaths} paths @param {any} data */
export function keysPanel(app, paths, data) {
  // A secret shown once belongs to the tenant it was made for, not to the next one opened.
  const shown = app.local.shownKey?.owner === paths.keys ? app.local.shownKey : undefined;
  return [
    h('h2', null, t('keys.title')),
    shown ? shownKey(app, shown) : null,
    h(
      'button.primary',
      { type: 'button', 'data-testid': 'issue-key', onClick: () => issue(app, paths) },
      t('keys.issue'),
    ),
    h(
      'table.list',
      { 'data-testid': 'keys' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          ['label', 'id', 'created', 'state', 'actions'].map((c) =>
            h('th', { scope: 'col' }, t(`keys.col.${c}`)),
          ),
        ),
      ),
      h(
        'tbody',
        null,
        data.keys.map((/** @type {any} */ k) =>
          h(
            'tr',
            { 'data-testid': `key-${k.keyId}` },
            h('td', null, k.label),
            h('td', null, h('code', null, k.keyId)),
            h('td', null, dateTime(k.createdAt, language())),
            h('td', null, k.revokedAt ? t('keys.revoked') : t('keys.active')),
            h(
              'td',
              null,
              k.revokedAt
                ? null
                : h(
                    'button.small.danger',
                    {
                      type: 'button',
                      'data-testid': `revoke-${k.keyId}`,
                      onClick: () => revoke(app, paths, k),
                    },
                    t('keys.revoke'),
                  ),
            ),
          ),
        ),
      ),
    ),
    h('h2', null, t('webhooks.title')),
    endpointForm(app, paths, data.endpoint),
    deliveryLog(app, paths, data.deliveries),
  ];
}

/** The key in clear, this once: the cloud keeps only its hash. @param {import('../app.js').App} app @param {{ keyId: string, apiKey: string, secret?: boolean }} key */
function shownKey(app, key) {
  const copy = async () => {
    await navigator.clipboard?.writeText(key.apiKey).catch(() => {});
    app.notify(t('keys.copied'));
  };
  return h(
    'div.once',
    { role: 'status', 'data-testid': 'shown-key' },
    h('p', null, key.secret ? t('webhooks.secretOnce') : t('keys.shownOnce')),
    h('code.secret', { 'data-testid': 'api-key' }, key.apiKey),
    h('button.small', { type: 'button', 'data-testid': 'copy-key', onClick: copy }, t('keys.copy')),
    h(
      'button.small.ghost',
      {
        type: 'button',
        onClick: () => {
          app.local.shownKey = undefined;
          app.render();
        },
      },
      t('common.close'),
    ),
  );
}

/** @param {import('../app.js').App} app @param {KeyPaths} paths */
async function issue(app, paths) {
  const a = await confirmDialog({
    title: t('keys.issue'),
    confirm: t('keys.issue'),
    fields: [{ name: 'label', label: t('keys.label'), required: true }],
  });
  if (a === null) return;
  await act(app, async () => {
    app.local.shownKey = { ...(await post(paths.keys, { label: a.label })), owner: paths.keys };
    await app.reload();
  });
}

/** @param {import('../app.js').App} app @param {KeyPaths} paths @param {any} key */
async function revoke(app, paths, key) {
  const a = await confirmDialog({
    title: t('keys.revokeTitle', { label: key.label }),
    text: t('keys.revokeText'),
    confirm: t('keys.revoke'),
    danger: true,
  });
  if (a === null) return;
  await act(app, async () => {
    await api('DELETE', paths.key(key.keyId));
    await app.reload();
  });
}

/** @param {import('../app.js').App} app @param {KeyPaths} paths @param {any} endpoint */
function endpointForm(app, paths, endpoint) {
  /** @param {SubmitEvent} e */
  const submit = async (e) => {
    e.preventDefault();
    const url = String(
      new FormData(/** @type {HTMLFormElement} */ (e.target)).get('url') ?? '',
    ).trim();
    await act(app, async () => {
      const answer = await api('PUT', paths.endpoint, { url });
      app.local.shownKey = answer.secret
        ? { keyId: answer.id, apiKey: answer.secret, owner: paths.keys, secret: true }
        : undefined;
      app.notify(t('webhooks.saved'));
      await app.reload();
    });
  };
  return h(
    'form.filters',
    { onSubmit: submit },
    h(
      'div.field',
      null,
      h('label', { for: 'webhook-url' }, t('webhooks.url')),
      h('input', {
        id: 'webhook-url',
        name: 'url',
        type: 'url',
        required: true,
        value: endpoint?.url ?? '',
        'data-testid': 'webhook-url',
      }),
    ),
    h('button.primary', { type: 'submit', 'data-testid': 'webhook-save' }, t('webhooks.save')),
  );
}

/** @param {import('../app.js').App} app @param {KeyPaths} paths @param {any[]} deliveries */
function deliveryLog(app, paths, deliveries) {
  if (deliveries.length === 0) return h('p.muted', null, t('webhooks.none'));
  const replay = (/** @type {string} */ id) =>
    act(app, async () => {
      await post(paths.replay(id));
      app.notify(t('webhooks.replayed'));
      await app.reload();
    });
  return h(
    'table.list',
    { 'data-testid': 'deliveries' },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        ['event', 'status', 'attempts', 'code', 'created', 'actions'].map((c) =>
          h('th', { scope: 'col' }, t(`webhooks.col.${c}`)),
        ),
      ),
    ),
    h(
      'tbody',
      null,
      deliveries.map((d) =>
        h(
          'tr',
          null,
          h('td', null, d.event),
          h('td', null, known('delivery', d.status)),
          h('td', null, String(d.attempts)),
          h(
            'td',
            null,
            d.lastStatusCode === null ? (d.lastError ?? '—') : String(d.lastStatusCode),
          ),
          h('td', null, dateTime(d.createdAt, language())),
          h(
            'td',
            null,
            h(
              'button.small',
              { type: 'button', 'data-testid': `replay-${d.id}`, onClick: () => replay(d.id) },
              t('webhooks.replay'),
            ),
          ),
        ),
      ),
    ),
  );
}
