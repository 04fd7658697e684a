/**
 * The line's waiting room: urgent work (an unlock, switching a lock off) goes before polling.
 * Within one priority, first come first served.
 */
export type Priority = 'urgent' | 'poll';

export class BusQueue<T> {
  private readonly urgent: T[] = [];
  private readonly poll: T[] = [];

  push(priority: Priority, item: T): void {
    (priority === 'urgent' ? this.urgent : this.poll).push(item);
  }

  shift(): T | undefined {
    return this.urgent.shift() ?? this.poll.shift();
  }

  size(): number {
    return this.urgent.length + this.poll.length;
  }
}
