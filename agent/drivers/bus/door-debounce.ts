import type { DoorState } from '../lock-board.ts';

/**
 * Debounces one board's door sensors. Pure: samples come in with their time, changes come out.
 * A door changes state only after `stableSamples` equal readings in a row, so a contact bouncing
 * while the door swings (or a flapping sensor) does not produce a stream of events.
 */
export interface DoorChange {
  readonly channel: number;
  readonly state: 'open' | 'closed';
  readonly at: number;
}

export class DoorDebounce {
  private readonly states: DoorState[];
  private readonly candidate: (boolean | undefined)[];
  private readonly runs: number[];
  /** When the current run of equal readings began: the event time, not the confirming poll. */
  private readonly runStart: number[];

  constructor(
    channels: number,
    private readonly stableSamples = 2,
  ) {
    this.states = new Array<DoorState>(channels).fill('unknown');
    this.candidate = new Array<boolean | undefined>(channels).fill(undefined);
    this.runs = new Array<number>(channels).fill(0);
    this.runStart = new Array<number>(channels).fill(0);
  }

  /** `open[i]` is channel i+1 read as open (inversion already applied). */
  sample(open: readonly boolean[], at: number): DoorChange[] {
    const changes: DoorChange[] = [];
    for (let i = 0; i < this.states.length; i++) {
      const change = this.sampleOne(i, open[i] ?? false, at);
      if (change) changes.push(change);
    }
    return changes;
  }

  /** The board went away: what we knew of its doors is no longer known. */
  forget(): void {
    this.states.fill('unknown');
    this.candidate.fill(undefined);
    this.runs.fill(0);
  }

  doorStates(): readonly DoorState[] {
    return this.states;
  }

  private sampleOne(i: number, open: boolean, at: number): DoorChange | undefined {
    if (this.candidate[i] === open) {
      this.runs[i] = (this.runs[i] ?? 0) + 1;
    } else {
      this.candidate[i] = open;
      this.runs[i] = 1;
      this.runStart[i] = at;
    }
    const next: DoorState = open ? 'open' : 'closed';
    const previous = this.states[i];
    // The first reading after start (or after the board came back) is taken as it is, without
    // an event: nobody opened or closed the door, we merely learned its state.
    if (previous === 'unknown') {
      this.states[i] = next;
      return undefined;
    }
    if (previous === next || (this.runs[i] ?? 0) < this.stableSamples) return undefined;
    this.states[i] = next;
    return { channel: i + 1, state: next, at: this.runStart[i] ?? at };
  }
}
