import { project } from '../format.js';
import { t } from '../i18n.js';
import { h, svg } from '../view.js';

const W = 640;
const H = 400;

/**
 * Lockers by coordinates as plain SVG: no tiles, nothing fetched from outside. North is up;
 * a dot's colour is its state, and each dot links to its locker page.
 * @param {ReadonlyArray<{ id: string, address: string, lat: number, lon: number, online: boolean, openAlarms: number }>} lockers
 */
export function fleetMap(lockers) {
  const points = project(lockers, W, H, 30);
  const dots = lockers.map((l, i) => {
    const p = points[i] ?? { x: 0, y: 0 };
    const state = l.openAlarms > 0 ? 'alarm' : l.online ? 'online' : 'offline';
    const label = `${l.id} — ${l.address} — ${t(`fleet.state.${state}`)}`;
    return svg(
      'a',
      {
        href: `#/lockers/${encodeURIComponent(l.id)}`,
        'aria-label': label,
        'data-testid': `map-${l.id}`,
      },
      svg('circle', { class: `dot ${state}`, cx: p.x, cy: p.y, r: 8 }, svg('title', null, label)),
      svg('text', { x: p.x + 11, y: p.y + 4, class: 'dot-label' }, l.id),
    );
  });
  return h(
    'figure.map',
    null,
    svg(
      'svg',
      { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': t('fleet.map'), 'data-testid': 'map' },
      svg('rect', { class: 'map-bg', x: 0, y: 0, width: W, height: H }),
      gridLines(),
      svg('text', { x: W - 24, y: 24, class: 'north' }, 'N'),
      dots,
    ),
    h(
      'figcaption.legend',
      null,
      ['online', 'offline', 'alarm'].map((s) =>
        h('span', null, h(`i.swatch.${s}`, { 'aria-hidden': 'true' }), t(`fleet.state.${s}`)),
      ),
    ),
  );
}

function gridLines() {
  const lines = [];
  for (let x = 80; x < W; x += 80)
    lines.push(svg('line', { x1: x, y1: 0, x2: x, y2: H, class: 'grid' }));
  for (let y = 80; y < H; y += 80)
    lines.push(svg('line', { x1: 0, y1: y, x2: W, y2: y, class: 'grid' }));
  return lines;
}
