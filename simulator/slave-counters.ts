/** What the simulated bus saw; tests and the control channel read these. */
export interface BoardSlaveCounters {
  requests: number;
  exceptions: number;
  /** Requests heard while silenced or rebooting. */
  unanswered: number;
  /** Answers sent with a deliberately broken CRC. */
  corrupted: number;
}

export class SlaveCounters {
  bytesReceived = 0;
  /** CRC-valid frames, whoever they were for. */
  framesReceived = 0;
  framesForOthers = 0;
  framesSent = 0;
  broadcasts = 0;
  /** Complete frames whose CRC did not match. */
  crcErrors = 0;
  /** Leftovers thrown away after a silent gap. */
  partialFrames = 0;
  discardedBytes = 0;
  private readonly perBoard = new Map<number, BoardSlaveCounters>();

  board(address: number): BoardSlaveCounters {
    let counters = this.perBoard.get(address);
    if (!counters) {
      counters = { requests: 0, exceptions: 0, unanswered: 0, corrupted: 0 };
      this.perBoard.set(address, counters);
    }
    return counters;
  }

  snapshot() {
    return {
      bytesReceived: this.bytesReceived,
      framesReceived: this.framesReceived,
      framesForOthers: this.framesForOthers,
      framesSent: this.framesSent,
      broadcasts: this.broadcasts,
      crcErrors: this.crcErrors,
      partialFrames: this.partialFrames,
      discardedBytes: this.discardedBytes,
      boards: Object.fromEntries([...this.perBoard].map(([address, c]) => [address, { ...c }])),
    };
  }
}

export type SlaveCountersSnapshot = ReturnType<SlaveCounters['snapshot']>;

/** Adds up the counters of several endpoints (the serial line and each TCP connection). */
export function sumCounters(all: readonly SlaveCounters[]): SlaveCountersSnapshot {
  const total = new SlaveCounters();
  for (const counters of all) {
    const snap = counters.snapshot();
    total.bytesReceived += snap.bytesReceived;
    total.framesReceived += snap.framesReceived;
    total.framesForOthers += snap.framesForOthers;
    total.framesSent += snap.framesSent;
    total.broadcasts += snap.broadcasts;
    total.crcErrors += snap.crcErrors;
    total.partialFrames += snap.partialFrames;
    total.discardedBytes += snap.discardedBytes;
    for (const [address, board] of Object.entries(snap.boards)) {
      const sum = total.board(Number(address));
      sum.requests += board.requests;
      sum.exceptions += board.exceptions;
      sum.unanswered += board.unanswered;
      sum.corrupted += board.corrupted;
    }
  }
  return total.snapshot();
}
