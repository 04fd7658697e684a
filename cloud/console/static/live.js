/**
 * Live events from the cloud over SSE (/v1/operator/stream). The page does not trust an event
 * to carry the whole truth: an event says *what* changed, and the screen showing it reloads
 * that from the API, so a missed event is healed by the next one or by a reconnect.
 */

/** @typedef {{ type: string, lockerId?: string, [key: string]: unknown }} LiveEvent */

/** The stream's event names (cloud/live/event-hub.ts); unnamed ones arrive as 'message'. */
const TYPES = [
  'locker.online',
  'locker.offline',
  'alarm.raised',
  'alarm.cleared',
  'alarm.acked',
  'alarm.resolved',
  'door',
  'cell.service',
  'command.result',
  'order.status',
];

export class Live {
  /** @param {string} url */
  constructor(url) {
    this.url = url;
    /** @type {EventSource | undefined} */
    this.source = undefined;
    /** @type {Set<(event: LiveEvent) => void>} */
    this.listeners = new Set();
  }

  connect() {
    this.close();
    const source = new EventSource(this.url, { withCredentials: true });
    this.source = source;
    for (const type of TYPES) {
      source.addEventListener(type, (e) => this.receive(type, /** @type {MessageEvent} */ (e)));
    }
    source.onmessage = (e) => this.receive('message', e);
    source.onopen = () => {
      this.setState('up');
      // Whatever happened while the stream was down: the screen reloads on this.
      this.emit({ type: 'reconnected' });
    };
    source.onerror = () => this.setState(source.readyState === EventSource.CLOSED ? 'off' : 'down');
  }

  close() {
    this.source?.close();
    this.source = undefined;
    this.setState('off');
  }

  /** @param {string} state */
  setState(state) {
    document.body.dataset.live = state;
  }

  /** @param {string} name @param {MessageEvent} e */
  receive(name, e) {
    let data = {};
    try {
      data = JSON.parse(e.data);
    } catch {
      return;
    }
    const type = typeof data.type === 'string' && name === 'message' ? data.type : name;
    this.emit({ ...data, type });
  }

  /** @param {LiveEvent} event */
  emit(event) {
    for (const listener of this.listeners) listener(event);
  }

  /** @param {(event: LiveEvent) => void} listener */
  subscribe(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
