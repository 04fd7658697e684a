/**
 * The view layer: `h` builds DOM nodes, `svg` SVG ones, `mount` swaps the page. Screens are
 * functions of state that return nodes; a console page is small enough to redraw whole.
 */

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * @param {string} tag  'button.primary' — a tag with optional classes
 * @param {Record<string, unknown> | null} [props]  attributes; `on*` functions become listeners
 * @param {...unknown} children
 * @returns {HTMLElement}
 */
export function h(tag, props, ...children) {
  const [name, ...classes] = tag.split('.');
  const el = document.createElement(name || 'div');
  return build(el, classes, props, children);
}

/** @param {string} tag @param {Record<string, unknown> | null} [props] @param {...unknown} children */
export function svg(tag, props, ...children) {
  const [name, ...classes] = tag.split('.');
  const el = document.createElementNS(SVG_NS, name || 'g');
  return build(el, classes, props, children);
}

/**
 * @template {Element} E
 * @param {E} el @param {string[]} classes @param {Record<string, unknown> | null | undefined} props
 * @param {unknown[]} children
 * @returns {E}
 */
function build(el, classes, props, children) {
  if (classes.length > 0) el.setAttribute('class', classes.join(' '));
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2).toLowerCase(), /** @type {EventListener} */ (value));
    } else if (key === 'class') {
      el.setAttribute('class', [el.getAttribute('class'), String(value)].filter(Boolean).join(' '));
    } else if (key === 'value' && 'value' in el) {
      /** @type {HTMLInputElement} */ (/** @type {unknown} */ (el)).value = String(value);
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

/** @param {Element} el @param {unknown[]} children */
function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

/**
 * Replaces the content of `root`. A live update must not steal the operator's typing: the
 * focused field (found again by its data-testid) keeps focus, caret and selection after the
 * redraw (text selected to be typed over or deleted stays selected).
 * @param {HTMLElement} root @param {Node} node
 */
export function mount(root, node) {
  const active = document.activeElement;
  const testid = active instanceof HTMLElement ? active.dataset.testid : undefined;
  // Email and number fields have no selection (null here, and setting one throws).
  const selection =
    active instanceof HTMLInputElement && active.selectionStart !== null
      ? {
          start: active.selectionStart,
          end: active.selectionEnd ?? active.selectionStart,
          direction: active.selectionDirection ?? 'none',
        }
      : null;
  root.replaceChildren(node);
  const again = testid ? root.querySelector(`[data-testid="${CSS.escape(testid)}"]`) : null;
  if (again instanceof HTMLElement) {
    again.focus({ preventScroll: true });
    if (again instanceof HTMLInputElement && selection && again.selectionStart !== null) {
      again.setSelectionRange(selection.start, selection.end, selection.direction);
    }
    return;
  }
  const target = root.querySelector('[data-focus]');
  if (target instanceof HTMLElement) target.focus({ preventScroll: true });
}
