/** Message catalogues: every word on the page comes from /console/i18n/<lang>.json. */

/** @type {Record<string, Record<string, string>>} */
const catalogues = {};
let current = 'ru';
const STORAGE_KEY = 'postamat.console.lang';

/** @param {string[]} langs */
export async function loadCatalogues(langs) {
  await Promise.all(
    langs.map(async (lang) => {
      const res = await fetch(`/console/i18n/${lang}.json`);
      catalogues[lang] = await res.json();
    }),
  );
}

/** For tests and for the node side: catalogues given directly. @param {Record<string, Record<string, string>>} all */
export function useCatalogues(all) {
  Object.assign(catalogues, all);
}

/** The language chosen last time on this browser, else the browser's own, else Russian. */
export function preferredLanguage() {
  const saved = globalThis.localStorage?.getItem(STORAGE_KEY);
  if (saved === 'ru' || saved === 'en') return saved;
  return globalThis.navigator?.language?.startsWith('en') ? 'en' : 'ru';
}

/** @param {string} lang */
export function setLanguage(lang) {
  current = lang;
  globalThis.localStorage?.setItem(STORAGE_KEY, lang);
  if (globalThis.document) document.documentElement.lang = lang;
}

export function language() {
  return current;
}

/**
 * The text of `key` in the current language, `{name}` placeholders filled from `params`.
 * A missing key shows itself, so a gap is visible instead of a blank button.
 * @param {string} key @param {Record<string, string | number>} [params]
 */
export function t(key, params = {}) {
  const text = catalogues[current]?.[key] ?? catalogues.ru?.[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? `{${name}}`));
}

/** A text for a code from the server (`<prefix>.<code>`), or the code itself when unknown. */
/** @param {string} prefix @param {string} code */
export function known(prefix, code) {
  const key = `${prefix}.${code}`;
  return catalogues[current]?.[key] !== undefined ? t(key) : code;
}
