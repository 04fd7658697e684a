import { post } from '../api.js';
import { confirmDialog } from '../dialog.js';
import { canAct } from '../format.js';
import { t } from '../i18n.js';
import { h } from '../view.js';
import { act } from './locker-actions.js';

const FINAL = new Set(['collected', 'cancelled', 'completed', 'returned', 'expired']);

/** Extend, cancel, redirect: for dispatchers, admins and the tenant's own users. */
/** @param {import('../app.js').App} app @param {any} order */
export function orderActions(app, order) {
  if (app.user === null || FINAL.has(order.status)) return null;
  if (!app.user.tenantId && !canAct(app.user)) return null;
  const path = (/** @type {string} */ what) => `/v1/orders/${encodeURIComponent(order.id)}/${what}`;
  const extend = async () => {
    const a = await confirmDialog({
      title: t('orders.extendTitle'),
      confirm: t('orders.extend'),
      fields: [
        { name: 'hours', label: t('orders.hours'), type: 'number', required: true, value: '24' },
      ],
    });
    if (a)
      await act(app, async () =>
        done(app, await post(path('extend'), { hours: Number(a.hours) }), 'orders.extended'),
      );
  };
  const cancel = async () => {
    const a = await confirmDialog({
      title: t('orders.cancelTitle'),
      text: t('orders.cancelText'),
      confirm: t('orders.cancel'),
      danger: true,
    });
    if (a) await act(app, async () => done(app, await post(path('cancel')), 'orders.cancelled'));
  };
  const redirect = async () => {
    const a = await confirmDialog({
      title: t('orders.redirectTitle'),
      confirm: t('orders.redirect'),
      fields: [{ name: 'lockerId', label: t('orders.toLocker'), required: true }],
    });
    if (a)
      await act(app, async () =>
        done(app, await post(path('redirect'), { lockerId: a.lockerId }), 'orders.redirected'),
      );
  };
  return h(
    'div.actions',
    null,
    h(
      'button',
      { type: 'button', 'data-testid': 'order-extend', onClick: extend },
      t('orders.extend'),
    ),
    h(
      'button',
      { type: 'button', 'data-testid': 'order-redirect', onClick: redirect },
      t('orders.redirect'),
    ),
    h(
      'button.danger',
      { type: 'button', 'data-testid': 'order-cancel', onClick: cancel },
      t('orders.cancel'),
    ),
  );
}

/** @param {import('../app.js').App} app @param {unknown} _answer @param {string} key */
async function done(app, _answer, key) {
  app.notify(t(key));
  await app.reload();
}
