import { t } from './i18n.js';
import { h } from './view.js';

/**
 * A modal confirmation (the native <dialog>: focus trapped, Escape cancels) with optional
 * fields; resolves to the fields' values, or null when cancelled. It lives outside the app's
 * root, so a live redraw behind it does not close it.
 * @param {{ title: string, text?: string, confirm: string, danger?: boolean,
 *   fields?: { name: string, label: string, required?: boolean, minLength?: number, type?: string, value?: string,
 *     options?: { value: string, label: string }[] }[] }} spec
 * @returns {Promise<Record<string, string> | null>}
 */
export function confirmDialog(spec) {
  return new Promise((resolve) => {
    const form = h(
      'form',
      { method: 'dialog' },
      h('h2', { id: 'dialog-title' }, spec.title),
      spec.text ? h('p', null, spec.text) : null,
      (spec.fields ?? []).map((f, i) =>
        h(
          'div.field',
          null,
          h('label', { for: `dialog-${f.name}` }, f.label),
          f.options
            ? h(
                'select',
                { id: `dialog-${f.name}`, name: f.name, 'data-testid': `dialog-${f.name}` },
                f.options.map((o) =>
                  h('option', { value: o.value, selected: o.value === f.value }, o.label),
                ),
              )
            : h(f.type === 'textarea' ? 'textarea' : 'input', {
                id: `dialog-${f.name}`,
                name: f.name,
                type: f.type === 'textarea' ? null : (f.type ?? 'text'),
                required: f.required ?? false,
                minlength: f.minLength ?? null,
                value: f.value ?? null,
                autofocus: i === 0,
                'data-testid': `dialog-${f.name}`,
              }),
        ),
      ),
      h(
        'div.actions',
        null,
        h(
          'button.ghost',
          {
            type: 'button',
            value: 'cancel',
            'data-testid': 'dialog-cancel',
            onClick: () => done(null),
          },
          t('common.cancel'),
        ),
        h(
          spec.danger ? 'button.danger' : 'button.primary',
          { type: 'submit', value: 'ok', 'data-testid': 'dialog-confirm' },
          spec.confirm,
        ),
      ),
    );
    const dialog = h(
      'dialog',
      { 'aria-labelledby': 'dialog-title', 'data-testid': 'dialog' },
      form,
    );
    /** @param {Record<string, string> | null} value */
    const done = (value) => {
      dialog.close();
      dialog.remove();
      resolve(value);
    };
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      done(Object.fromEntries([...new FormData(form)].map(([k, v]) => [k, String(v).trim()])));
    });
    dialog.addEventListener('cancel', (e) => {
      e.preventDefault();
      done(null);
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}
