import { ApiError, api, get, whenUnauthorized } from './api.js';
import { language, loadCatalogues, preferredLanguage, setLanguage, t } from './i18n.js';
import { Live } from './live.js';
import { SCREENS, screenFor } from './screens/index.js';
import { signInScreen } from './screens/sign-in.js';
import { shell } from './shell.js';
import { normalizeUser } from './user.js';
import { h, mount } from './view.js';

/**
 * The console page: who is signed in, which screen the address names (#/fleet, #/lockers/L1…),
 * that screen's data from the API, and live events that make the screen reload what changed.
 */
export class App {
  constructor() {
    this.root = /** @type {HTMLElement} */ (document.getElementById('app'));
    this.noticeRoot = /** @type {HTMLElement} */ (document.getElementById('notices'));
    this.live = new Live('/v1/operator/stream');
    /** @type {import('./user.js').User | null} */
    this.user = null;
    /** @type {{ name: string, params: string[], data: any, error: ApiError | null }} */
    this.view = { name: 'fleet', params: [], data: null, error: null };
    /** Per-screen state that outlives reloads: filters, the order looked up, a result. */
    /** @type {Record<string, any>} */
    this.local = {};
    this.loadSeq = 0;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.reloadTimer = undefined;
    this.live.subscribe((event) => this.onLive(event));
    whenUnauthorized(() => this.signedOut());
  }

  async start() {
    try {
      this.user = normalizeUser(await get('/v1/session'));
    } catch {
      this.user = null;
    }
    window.addEventListener('hashchange', () => this.route());
    this.connectLive();
    await this.route();
  }

  /** @param {string} hash */
  go(hash) {
    if (location.hash === hash) this.route();
    else location.hash = hash;
  }

  async route() {
    if (!this.user) return this.render();
    const [name = '', ...params] = location.hash
      .replace(/^#\/?/, '')
      .split('/')
      .map(decodeURIComponent);
    const screen = screenFor(name, this.user);
    this.view = { name: screen.name, params, data: null, error: null };
    this.render();
    await this.reload();
  }

  /** Loads the screen's data again; a slower older load never overwrites a newer one. */
  async reload() {
    const screen = SCREENS[this.view.name];
    if (!screen || !this.user) return;
    const seq = ++this.loadSeq;
    try {
      const data = await screen.load(this, this.view.params);
      if (seq !== this.loadSeq) return;
      this.view = { ...this.view, data, error: null };
    } catch (error) {
      if (seq !== this.loadSeq) return;
      this.view = { ...this.view, error: error instanceof ApiError ? error : null };
      if (!(error instanceof ApiError)) throw error;
    }
    this.render();
  }

  /** Live events come in bursts (a locker going offline raises alarms too): reload once. */
  reloadSoon() {
    clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => this.reload(), 150);
  }

  /** @param {import('./live.js').LiveEvent} event */
  onLive(event) {
    const screen = SCREENS[this.view.name];
    if (event.type === 'alarm.raised') {
      this.notify(t('live.alarm', { locker: String(event.lockerId ?? '?') }), 'alarm');
    }
    if (screen?.onEvent ? screen.onEvent(this, event) : event.type !== 'hello') this.reloadSoon();
  }

  render() {
    document.body.dataset.screen = this.user ? this.view.name : 'sign-in';
    if (!this.user) return mount(this.root, signInScreen(this));
    const screen = SCREENS[this.view.name];
    const body = this.view.error
      ? h('p.error', { role: 'alert', 'data-testid': 'load-error' }, errorText(this.view.error))
      : this.view.data === null
        ? h('p.muted', { 'aria-busy': 'true' }, t('common.loading'))
        : screen?.render(this, this.view.data, this.view.params);
    mount(this.root, shell(this, body));
  }

  /** @param {unknown} answer */
  async signedIn(answer) {
    this.user = normalizeUser(answer) ?? normalizeUser(await get('/v1/session'));
    this.connectLive();
    await this.route();
  }

  /** The operator's stream: a tenant's user has no network-wide events to watch. */
  connectLive() {
    if (this.user && !this.user.tenantId) this.live.connect();
  }

  async signOut() {
    await api('DELETE', '/v1/session').catch(() => {});
    this.signedOut();
  }

  signedOut() {
    this.live.close();
    // What the last user was told is not for the next one.
    this.noticeRoot.replaceChildren();
    this.user = null;
    this.local = {};
    this.render();
  }

  toggleLanguage() {
    setLanguage(language() === 'ru' ? 'en' : 'ru');
    this.render();
  }

  /** A short message in the live region; alarms stay until dismissed. @param {string} text @param {string} [kind] */
  notify(text, kind = 'info') {
    const close = () => note.remove();
    const note = h(
      `div.notice.${kind}`,
      { role: kind === 'alarm' ? 'alert' : 'status', 'data-testid': `notice-${kind}` },
      h('span', null, text),
      h('button.ghost', { type: 'button', onClick: close, 'aria-label': t('common.close') }, '×'),
    );
    this.noticeRoot.append(note);
    if (kind !== 'alarm') setTimeout(close, 6000);
  }
}

/** What an API error says to a person: its code's text, else the server's message. */
/** @param {ApiError} error */
export function errorText(error) {
  const key = `error.${error.code}`;
  const text = t(key);
  return text === key ? `${t('error.general')} (${error.status} ${error.message})` : text;
}

async function start() {
  await loadCatalogues(['ru', 'en']);
  setLanguage(preferredLanguage());
  const app = new App();
  await app.start();
}

start();
