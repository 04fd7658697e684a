/** Message catalogues: every word on the screen comes from /i18n/<lang>.json. */

/** @type {Record<string, Record<string, string>>} */
const catalogues = {};
let current = 'ru';

/** @param {string[]} langs */
export async function loadCatalogues(langs) {
  await Promise.all(
    langs.map(async (lang) => {
      const res = await fetch(`/i18n/${lang}.json`);
      catalogues[lang] = await res.json();
    }),
  );
}

/** @param {string} lang */
export function setLanguage(lang) {
  current = lang;
  document.documentElement.lang = lang;
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

/** Error codes from the agent map to `error.<code>`; unknown ones fall back to a general text. */
/** @param {string} code */
export function errorText(code) {
  const key = `error.${code}`;
  return catalogues[current]?.[key] ? t(key) : t('error.general');
}

/** Roubles from kopecks, in the current language's format. @param {number} kopecks */
export function money(kopecks) {
  return new Intl.NumberFormat(current === 'ru' ? 'ru-RU' : 'en-GB', {
    style: 'currency',
    currency: 'RUB',
    maximumFractionDigits: kopecks % 100 === 0 ? 0 : 2,
  }).format(kopecks / 100);
}

/** @param {number} ms */
export function clockTime(ms) {
  return new Intl.DateTimeFormat(current === 'ru' ? 'ru-RU' : 'en-GB', {
    hour: '2-digit',
    minute: '2-digit',
  }).format(new Date(ms));
}
