import { post } from './api.js';
import { clockTime, language, loadCatalogues, setLanguage, t } from './i18n.js';
import { icon } from './icons.js';
import { createKeystrokeClassifier } from './keystroke-classifier.js';
import { Live } from './live.js';
import { SCREENS } from './screens/index.js';
import { h, mount } from './view.js';

/**
 * The kiosk page: one state object, one screen at a time. Keys, scans (USB or serial) and live
 * events are routed to whatever screen is showing; no touch for `idleMs` ends any session and
 * returns home.
 */
const DEFAULT_IDLE_MS = 60_000;

export class App {
  constructor() {
    this.root = /** @type {HTMLElement} */ (document.getElementById('app'));
    this.live = new Live();
    /** @type {{ screen: string, [key: string]: any }} */
    this.state = { screen: 'home' };
    this.idleMs = DEFAULT_IDLE_MS;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.idleTimer = undefined;
    this.lastTouchReport = 0;
  }

  /** @param {string} screen @param {Record<string, unknown>} [params] */
  go(screen, params = {}) {
    this.state = { screen, ...params };
    this.render();
    this.screen().enter?.(this, this.state);
  }

  /** @param {Record<string, unknown>} patch */
  update(patch) {
    this.state = { ...this.state, ...patch };
    this.render();
  }

  /** Ends a courier or technician session on the server, then home. */
  async home(reason = 'home') {
    if (this.state.session) await post('/api/logout', { reason });
    this.go('home');
  }

  screen() {
    return SCREENS[this.state.screen] ?? SCREENS.home;
  }

  render() {
    document.body.dataset.screen = this.state.screen;
    mount(this.root, frame(this, this.screen().render(this, this.state)));
  }

  toggleLanguage() {
    setLanguage(language() === 'ru' ? 'en' : 'ru');
    this.render();
  }

  /** Any touch or key: restart the idle countdown, and tell the server now and then. */
  touched() {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.idle(), this.idleMs);
    const now = Date.now();
    if (this.state.session && now - this.lastTouchReport > 5000) {
      this.lastTouchReport = now;
      post('/api/touch');
    }
  }

  idle() {
    if (this.state.screen !== 'home' || this.state.session) this.home('idle');
  }

  /** @param {import('./live.js').LiveEvent} event */
  onLive(event) {
    if (event.type === 'hello' && typeof event.idleMs === 'number') this.idleMs = event.idleMs;
    if (event.type === 'session-ended' && this.state.session) this.go('home');
    if (event.type === 'scan') this.onScan(String(event.text));
    this.screen().onEvent?.(this, this.state, event);
  }

  /** @param {string} text */
  onScan(text) {
    this.touched();
    this.screen().onScan?.(this, this.state, text);
  }

  /** @param {string} key */
  onKey(key) {
    const focused = document.activeElement;
    if (focused instanceof HTMLInputElement && key.length === 1) {
      focused.value += key;
      focused.dispatchEvent(new Event('input', { bubbles: true }));
      return;
    }
    if (key === 'Escape') {
      const back = this.screen().back;
      if (back) back(this, this.state);
      else if (this.state.screen !== 'home') this.home();
      return;
    }
    const onButton = focused instanceof HTMLButtonElement;
    if (key === 'Enter' && onButton) return;
    this.screen().onKey?.(this, this.state, key);
  }
}

/** Header (brand, clock, language), the screen, and the way back. @param {App} app @param {Node} body */
function frame(app, body) {
  const atHome = app.state.screen === 'home';
  const back = app.screen().back;
  return h(
    'div.shell',
    null,
    h(
      'header.bar',
      null,
      h('div.brand', null, h('span.logo', null, icon('rent')), t('brand.name')),
      h('div.clock', null, clockTime(Date.now())),
      h(
        'button.lang',
        { type: 'button', onClick: () => app.toggleLanguage(), 'data-testid': 'lang' },
        t('lang.switch'),
      ),
    ),
    h('main.screen', { tabindex: '-1' }, body),
    atHome
      ? null
      : h(
          'footer.bar',
          null,
          h(
            'button.ghost',
            { type: 'button', onClick: () => app.home(), 'data-testid': 'home' },
            t('common.home'),
          ),
          back
            ? h(
                'button.ghost.back',
                { type: 'button', onClick: () => back(app, app.state), 'data-testid': 'back' },
                t(app.screen().backLabel ?? 'common.back'),
              )
            : null,
        ),
  );
}

/** USB scanners type into the page; the classifier decides what was a scan. @param {App} app */
function listenToKeys(app) {
  const classifier = createKeystrokeClassifier();
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let flush;
  /** @param {import('./keystroke-classifier.js').KeyAction[]} actions */
  const run = (actions) => {
    for (const a of actions) {
      if (a.type === 'scan') app.onScan(a.text);
      else app.onKey(a.key);
    }
  };
  document.addEventListener(
    'keydown',
    (e) => {
      app.touched();
      if (e.ctrlKey || e.altKey || e.metaKey) return;
      const printable = e.key.length === 1;
      const actions = classifier.push(e.key, e.timeStamp);
      const scanned = actions.some((a) => a.type === 'scan');
      if (printable || scanned) e.preventDefault();
      run(actions);
      clearTimeout(flush);
      if (classifier.pending() > 0) {
        flush = setTimeout(() => run(classifier.tick(performance.now())), classifier.maxGapMs + 5);
      }
    },
    true,
  );
}

async function start() {
  await loadCatalogues(['ru', 'en']);
  setLanguage('ru');
  const app = new App();
  app.live.subscribe((event) => app.onLive(event));
  app.live.connect();
  document.addEventListener('pointerdown', () => app.touched(), true);
  listenToKeys(app);
  setInterval(() => {
    const clock = document.querySelector('.clock');
    if (clock) clock.textContent = clockTime(Date.now());
  }, 10_000);
  app.render();
  app.touched();
}

start();
