import type { Clock } from '../../protocol/index.ts';
import { AccessRepo } from './access-repo.ts';
import { CellsRepo } from './cells-repo.ts';
import { type Db, openDatabase } from './database.ts';
import { DoorOpsRepo } from './door-ops-repo.ts';
import { OrdersRepo } from './orders-repo.ts';
import { OutboxStore } from './outbox-store.ts';
import { PassesRepo } from './passes-repo.ts';
import { PaymentsRepo } from './payments-repo.ts';

/** The locker's memory: one SQLite file, its repositories, and the outbox that reports changes. */
export class Store {
  readonly cells: CellsRepo;
  readonly orders: OrdersRepo;
  readonly access: AccessRepo;
  readonly doorOps: DoorOpsRepo;
  readonly outbox: OutboxStore;
  readonly passes: PassesRepo;
  readonly payments: PaymentsRepo;

  constructor(
    readonly db: Db,
    lockerId: string,
    private readonly clock: Clock,
  ) {
    this.cells = new CellsRepo(db);
    this.orders = new OrdersRepo(db);
    this.access = new AccessRepo(db);
    this.doorOps = new DoorOpsRepo(db);
    this.outbox = new OutboxStore(db, lockerId);
    this.passes = new PassesRepo(db);
    this.payments = new PaymentsRepo(db);
  }

  static open(file: string, lockerId: string, clock: Clock): Store {
    return new Store(openDatabase(file).db, lockerId, clock);
  }

  /** A change of state and its events, atomically. */
  transaction<T>(fn: () => T): T {
    return this.outbox.transaction(fn);
  }

  /** Appends an event stamped with the locker's clock; only inside `transaction`. */
  emit(type: string, body: Record<string, unknown>): number {
    return this.outbox.append(type, body, this.clock.now());
  }

  close(): void {
    this.db.close();
  }
}
