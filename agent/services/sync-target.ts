import { CELL_SIZE_DIMENSIONS, PostamatError, type SyncMessage } from '../../protocol/index.ts';
import { inferOrderKind } from '../domain/itinerary.ts';
import type { SyncTarget } from '../sync/ports.ts';
import type { FlowContext } from './flow-context.ts';

/**
 * Applies what the cloud pushes ahead (layout, parcels, codes, credentials, tariffs, storage
 * periods) in one transaction, so a flow never sees half a sync.
 */
export class StoreSyncTarget implements SyncTarget {
  constructor(private readonly ctx: FlowContext) {}

  syncVersion(): number {
    return this.ctx.store.access.metaNumber('sync_version');
  }

  applySync(message: SyncMessage): void {
    const { store } = this.ctx;
    if (message.lockerId !== this.ctx.lockerId) {
      throw new PostamatError('bad-payload', `sync for locker ${message.lockerId}`);
    }
    const current = this.syncVersion();
    if (message.kind === 'delta' && message.baseVersion !== current) {
      throw new PostamatError(
        'conflict',
        `delta on version ${message.baseVersion}, have ${current}`,
      );
    }
    store.transaction(() => {
      for (const c of message.layout ?? []) {
        store.cells.upsert({
          id: c.cellId,
          boardId: `${c.bus}:${c.board}`,
          channel: c.channel,
          size: c.size,
          ...CELL_SIZE_DIMENSIONS[c.size],
          features: c.features,
        });
      }
      for (const [tenantId, hours] of Object.entries(message.storageHoursByTenant ?? {})) {
        store.access.setStorageHours(tenantId, hours);
      }
      for (const t of message.tariffs ?? []) store.access.upsertTariff(t);
      for (const c of message.credentials ?? []) {
        store.access.upsertCredential({
          id: c.credentialId,
          role: c.role,
          holderId: c.holderId,
          tenantId: c.tenantId ?? null,
          kind: c.kind,
          secretHash: c.secretHash,
          revoked: c.revoked,
          validFrom: c.validFrom,
          validUntil: c.validUntil,
        });
      }
      for (const code of message.codes ?? []) {
        store.orders.upsertCode({
          codeHash: code.codeHash,
          orderId: code.orderId,
          purpose: code.purpose,
          validFrom: code.validFrom,
          validUntil: code.validUntil,
        });
      }
      for (const p of message.parcels ?? []) this.upsertParcel(p, message);
      if (message.passes) store.passes.replacePasses(message.passes);
      if (message.routeParcels) store.passes.replaceRouteParcels(message.routeParcels);
      for (const id of message.removed?.credentials ?? []) store.access.removeCredential(id);
      for (const hash of message.removed?.codes ?? []) store.orders.removeCode(hash);
      for (const id of message.removed?.parcels ?? []) this.cancelOrder(id);
      if (message.kind === 'snapshot') this.dropWhatSnapshotLacks(message);
      store.access.setMetaNumber('sync_version', message.version);
      store.emit('sync.applied', { version: message.version, kind: message.kind });
    });
  }

  private upsertParcel(p: NonNullable<SyncMessage['parcels']>[number], m: SyncMessage): void {
    const { store, progress } = this.ctx;
    if (!store.orders.order(p.orderId)) {
      const purposes = (m.codes ?? []).filter((c) => c.orderId === p.orderId).map((c) => c.purpose);
      const kind = inferOrderKind(p.orderKind, purposes);
      store.orders.insertOrder({
        id: p.orderId,
        kind,
        tenantId: p.tenantId,
        status: 'booked',
        storageHours: store.access.storageHours(p.tenantId) ?? p.storageHours,
        validUntil: p.validUntil,
        rentalUntil: null,
        paidKopecks: null,
        createdAt: this.ctx.clock.now(),
      });
      progress.createSteps({ id: p.orderId, kind }, p.leg ?? 'whole');
    }
    if (p.amountDueKopecks !== undefined)
      store.payments.setAmountDue(p.orderId, p.amountDueKopecks);
    const id = `${p.orderId}/${p.barcodeHash.slice(0, 16)}`;
    const existing = store.orders.parcel(id);
    if (existing && existing.state !== 'expected') return;
    store.orders.upsertParcel({
      id,
      orderId: p.orderId,
      barcodeHash: p.barcodeHash,
      size: p.size,
      refrigerated: p.refrigerated,
    });
  }

  /**
   * A snapshot is everything the cloud still wants here: codes, credentials and booked parcels
   * it lacks were removed while the locker could not hear the removal (e.g. tombstones pruned
   * during a long outage). The locker's own rentals and parcels already in a cell stay. The
   * layout is left as it is: a cell holding a parcel cannot vanish by message.
   */
  private dropWhatSnapshotLacks(message: SyncMessage): void {
    const { store } = this.ctx;
    const codes = new Set((message.codes ?? []).map((c) => c.codeHash));
    for (const hash of store.orders.cloudCodeHashes()) {
      if (!codes.has(hash)) store.orders.removeCode(hash);
    }
    const credentials = new Set((message.credentials ?? []).map((c) => c.credentialId));
    for (const id of store.access.credentialIds()) {
      if (!credentials.has(id)) store.access.removeCredential(id);
    }
    const parcels = new Set((message.parcels ?? []).map((p) => p.orderId));
    for (const id of store.orders.cloudBookedOrderIds()) {
      if (!parcels.has(id)) this.cancelOrder(id);
    }
  }

  /** A removed parcel cancels its order if nothing of it is in the locker yet. */
  private cancelOrder(orderId: string): void {
    const { store } = this.ctx;
    const parcels = store.orders.parcelsOf(orderId);
    if (parcels.some((p) => p.state !== 'expected')) return;
    if (!store.orders.order(orderId)) return;
    store.orders.setStatus(orderId, 'cancelled');
    store.orders.removeCodesOf(orderId);
    store.emit('order.status', { orderId, status: 'cancelled' });
  }
}
