/**
 * The whole view layer: `h` builds DOM nodes, `mount` swaps the screen. Screens are functions of
 * the state that return nodes; redrawing a screen is cheap at kiosk sizes, so there is no diffing.
 */

/**
 * @param {string} tag  'button.primary.big' — a tag with optional classes
 * @param {Record<string, unknown> | null} [props]  attributes; `on*` functions become listeners
 * @param {...(Node | string | number | null | undefined | false | Array<Node | string>)} children
 * @returns {HTMLElement}
 */
export function h(tag, props, ...children) {
  const [name, ...classes] = tag.split('.');
  const el = document.createElement(name || 'div');
  if (classes.length > 0) el.className = classes.join(' ');
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2).toLowerCase(), /** @type {EventListener} */ (value));
    } else if (key === 'class') {
      el.className = [el.className, String(value)].filter(Boolean).join(' ');
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

/** @param {HTMLElement} el @param {unknown[]} children */
function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

/**
 * Replaces the content of `root`; focus goes to the element marked `data-focus`, else to the
 * top of the screen, so Tab walks the new screen from its first control.
 * @param {HTMLElement} root @param {Node} node
 */
export function mount(root, node) {
  root.replaceChildren(node);
  const target = /** @type {HTMLElement | null} */ (
    root.querySelector('[data-focus]') ?? root.querySelector('main')
  );
  target?.focus({ preventScroll: true });
}
