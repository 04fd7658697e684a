import { pagesFor } from './format.js';
import { language, t } from './i18n.js';
import { h } from './view.js';

/**
 * The frame around every screen: the pages this user has, who is signed in with which role,
 * the live link's state, the language switch and sign-out.
 * @param {import('./app.js').App} app @param {Node | undefined} body
 */
export function shell(app, body) {
  const user = /** @type {import('./user.js').User} */ (app.user);
  const current = app.view.name === 'locker' ? 'fleet' : app.view.name;
  return h(
    'div.shell',
    null,
    h(
      'header.top',
      null,
      h('a.brand', { href: '#/', 'data-testid': 'brand' }, t('app.name')),
      h(
        'nav',
        { 'aria-label': t('nav.label') },
        h(
          'ul',
          null,
          pagesFor(user).map((page) =>
            h(
              'li',
              null,
              h(
                'a',
                {
                  href: `#/${page}`,
                  'data-testid': `nav-${page}`,
                  'aria-current': page === current ? 'page' : null,
                },
                t(`nav.${page}`),
              ),
            ),
          ),
        ),
      ),
      h(
        'div.who',
        null,
        // A tenant's user has no network-wide stream to show the state of.
        user.tenantId
          ? null
          : h('span.live-dot', {
              'data-testid': 'live',
              title: t('live.state'),
              'aria-hidden': 'true',
            }),
        h('span', { 'data-testid': 'whoami' }, user.name),
        h('span.role', { 'data-testid': 'role' }, t(`role.${user.role}`)),
        user.tenantId ? h('span.role', null, t('role.tenant', { tenant: user.tenantId })) : null,
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
        h(
          'button.ghost',
          { type: 'button', 'data-testid': 'sign-out', onClick: () => app.signOut() },
          t('signin.out'),
        ),
      ),
    ),
    h('main', { tabindex: '-1' }, body),
  );
}
