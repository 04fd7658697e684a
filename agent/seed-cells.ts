import { CELL_SIZE_DIMENSIONS } from '../protocol/index.ts';
import type { AgentConfig } from './config.ts';
import type { Store } from './store/store.ts';

/**
 * The cells as issued in the config, written once before the first sync (a locker that has cells
 * already keeps them: the cloud's layout replaces them, not a restart).
 */
export function seedCells(store: Store, config: AgentConfig): void {
  if (config.cells.length === 0 || store.cells.all().length > 0) return;
  store.transaction(() => {
    for (const c of config.cells) {
      store.cells.upsert({
        id: c.cellId,
        boardId: c.board,
        channel: c.channel,
        size: c.size,
        ...CELL_SIZE_DIMENSIONS[c.size],
        features: c.features,
      });
    }
    store.emit('layout.seeded', { cells: config.cells.length });
  });
}
