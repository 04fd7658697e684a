/**
 * The bytes of one bus line, whatever carries them: a serial device (USB RS-485 adapter or a
 * pseudo-terminal), an RTU-over-TCP socket to an RS-485-to-Ethernet gateway, or an in-memory
 * pair in tests. The master is written against this and nothing else (zwave-js style).
 */
export interface SerialBinding {
  /** Resolves once the bytes were handed to the line (the OS has them). */
  write(bytes: Uint8Array): Promise<void>;
  /** Bytes as they arrive, in arbitrary chunks. */
  onData(listener: (bytes: Uint8Array) => void): void;
  /** The line went away (unplugged adapter, closed socket). Not called on our own close(). */
  onClose(listener: (error?: Error) => void): void;
  close(): Promise<void>;
}

/** Opens the line; rejects with a PostamatError `port-unavailable` naming the reason. */
export type SerialBindingFactory = () => Promise<SerialBinding>;

type DataListener = (bytes: Uint8Array) => void;
type CloseListener = (error?: Error) => void;

class MemoryEnd implements SerialBinding {
  peer: MemoryEnd | undefined;
  private readonly dataListeners: DataListener[] = [];
  private readonly closeListeners: CloseListener[] = [];
  private closed = false;

  async write(bytes: Uint8Array): Promise<void> {
    if (this.closed) throw new Error('memory binding closed');
    const copy = Uint8Array.from(bytes);
    // Delivered on a microtask, never synchronously, as a real line would: a reader must not
    // see the answer before its own write() returned. Microtasks are not faked by fake timers.
    const peer = this.peer;
    queueMicrotask(() => peer?.deliver(copy));
  }

  onData(listener: DataListener): void {
    this.dataListeners.push(listener);
  }

  onClose(listener: CloseListener): void {
    this.closeListeners.push(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const peer = this.peer;
    queueMicrotask(() => peer?.hangUp());
  }

  private deliver(bytes: Uint8Array): void {
    if (this.closed) return;
    for (const listener of this.dataListeners) listener(bytes);
  }

  private hangUp(): void {
    if (this.closed) return;
    this.closed = true;
    for (const listener of this.closeListeners) listener();
  }
}

/** Two connected ends: what one writes, the other reads. For tests and in-process wiring. */
export function createMemoryPair(): { master: SerialBinding; device: SerialBinding } {
  const a = new MemoryEnd();
  const b = new MemoryEnd();
  a.peer = b;
  b.peer = a;
  return { master: a, device: b };
}
