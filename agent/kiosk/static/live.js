/**
 * Live events from the agent over SSE, numbered as they arrive so a screen can replay what
 * happened between its request and its first draw (a door may open before the answer lands).
 */

/** @typedef {{ seq: number, type: string, [key: string]: unknown }} LiveEvent */

const TYPES = [
  'hello',
  'door',
  'cell',
  'alarm',
  'step',
  'cell-offered',
  'scan',
  'session-ended',
  'payment',
];
const KEEP = 200;

export class Live {
  constructor() {
    /** @type {LiveEvent[]} */
    this.log = [];
    this.seq = 0;
    /** @type {Set<(event: LiveEvent) => void>} */
    this.listeners = new Set();
    this.connected = false;
  }

  connect() {
    const source = new EventSource('/api/events');
    for (const type of TYPES) {
      source.addEventListener(type, (e) =>
        this.receive(JSON.parse(/** @type {MessageEvent} */ (e).data)),
      );
    }
    source.onopen = () => this.setConnected(true);
    source.onerror = () => this.setConnected(false);
  }

  /** @param {boolean} value */
  setConnected(value) {
    this.connected = value;
    document.body.dataset.live = value ? 'up' : 'down';
  }

  /** @param {{ type: string }} data */
  receive(data) {
    const event = { ...data, seq: ++this.seq };
    this.log.push(event);
    if (this.log.length > KEEP) this.log.shift();
    for (const listener of this.listeners) listener(event);
  }

  /** Events after `seq`, oldest first. @param {number} seq */
  since(seq) {
    return this.log.filter((e) => e.seq > seq);
  }

  /** @param {(event: LiveEvent) => void} listener */
  subscribe(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
