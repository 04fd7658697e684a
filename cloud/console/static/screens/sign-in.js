import { ApiError, post } from '../api.js';
import { errorText } from '../app.js';
import { language, t } from '../i18n.js';
import { h } from '../view.js';

/** Email and password; the answer sets an HttpOnly session cookie the page never reads. */
/** @param {import('../app.js').App} app */
export function signInScreen(app) {
  const error = h('p.error', { role: 'alert', 'data-testid': 'signin-error' });
  /** @param {SubmitEvent} e */
  const submit = async (e) => {
    e.preventDefault();
    const form = /** @type {HTMLFormElement} */ (e.target);
    const data = new FormData(form);
    const button = /** @type {HTMLButtonElement} */ (form.querySelector('button[type=submit]'));
    button.disabled = true;
    error.textContent = '';
    try {
      const answer = await post('/v1/session', {
        email: String(data.get('email') ?? '').trim(),
        password: String(data.get('password') ?? ''),
      });
      await app.signedIn(answer);
    } catch (err) {
      button.disabled = false;
      if (!(err instanceof ApiError)) throw err;
      error.textContent = err.status === 401 ? t('signin.wrong') : errorText(err);
    }
  };
  return h(
    'div.signin',
    null,
    h(
      'form.card',
      { onSubmit: submit, 'aria-labelledby': 'signin-title', 'data-testid': 'signin-form' },
      h('h1', { id: 'signin-title' }, t('signin.title')),
      h('p.muted', null, t('signin.hint')),
      h('label', { for: 'email' }, t('signin.email')),
      h('input', {
        id: 'email',
        name: 'email',
        type: 'email',
        autocomplete: 'username',
        required: true,
        'data-testid': 'email',
        'data-focus': true,
      }),
      h('label', { for: 'password' }, t('signin.password')),
      h('input', {
        id: 'password',
        name: 'password',
        type: 'password',
        autocomplete: 'current-password',
        required: true,
        'data-testid': 'password',
      }),
      error,
      h('button.primary', { type: 'submit', 'data-testid': 'signin' }, t('signin.submit')),
      h(
        'button.ghost',
        {
          type: 'button',
          'data-testid': 'lang',
          lang: language() === 'ru' ? 'en' : 'ru',
          onClick: () => app.toggleLanguage(),
        },
        t('lang.switch'),
      ),
    ),
  );
}
