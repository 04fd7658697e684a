/**
 * The few pictures the kiosk shows, as inline SVG line drawings on a 24-unit grid: sharp at any
 * size, coloured by the text around them, and no font needs to carry the glyph.
 */
const PATHS = {
  collect: 'M12 3v11m0 0-4-4m4 4 4-4M4 15v4a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-4',
  send: 'M12 15V4m0 0L8 8m4-4 4 4M4 15v4a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-4',
  rent: 'M4 3h16v18H4zM4 9h16M4 15h16M12 3v18M9 6h.01M15 12h.01',
  courier: 'M3 6h11v10H3zM14 9h4l3 3v4h-7M7 19a2 2 0 1 0 0-.01M17 19a2 2 0 1 0 0-.01',
  service:
    'M14.7 6.3a4 4 0 0 0-5.4 5.2L3 17.8 6.2 21l6.3-6.3a4 4 0 0 0 5.2-5.4l-2.5 2.5-2.4-.6-.6-2.4z',
  lock: 'M5 11h14v10H5zM8 11V7a4 4 0 0 1 8 0v4M12 15v2',
  check: 'M4 12.5 9.5 18 20 6',
  alert: 'M12 3 2 20h20zM12 9v5M12 17h.01',
  qr: 'M3 3h7v7H3zM14 3h7v7h-7zM3 14h7v7H3zM14 14h3v3h-3zM18 18h3v3h-3zM6 6h1M17 6h1M6 17h1',
  card: 'M2 6h20v13H2zM2 10h20M6 15h4',
  phone: 'M7 2h10v20H7zM11 18h2M9.5 7h5v5h-5z',
  plus: 'M12 5v14M5 12h14',
  key: 'M14 10a4 4 0 1 0-3.5 4L12 16h2v2h2v2h3v-3l-5.2-5.2A4 4 0 0 0 14 10zM7.5 10h.01',
  return: 'M9 14 4 9l5-5M4 9h11a5 5 0 0 1 0 10h-3',
  hanger: 'M12 7a2 2 0 1 1 2-2c0 1.2-2 1.6-2 3v1L3 15v2h18v-2l-9-6',
  swap: 'M7 4 3 8l4 4M3 8h14M17 12l4 4-4 4M21 16H7',
};

/** @typedef {keyof typeof PATHS} IconName */

const SVG = 'http://www.w3.org/2000/svg';

/** @param {IconName} name @param {string} [cls] */
export function icon(name, cls = 'icon') {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('class', cls);
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS(SVG, 'path');
  path.setAttribute('d', PATHS[name]);
  svg.append(path);
  return svg;
}
