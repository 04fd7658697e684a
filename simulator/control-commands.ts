import { PostamatError } from '../protocol/errors.ts';
import { parseFaultCommand } from './board-faults.ts';
import type { SimBus } from './sim-bus.ts';

/**
 * The control channel's commands, one JSON object per line:
 * `{"id":1,"cmd":"close-door","board":1,"channel":3}` → `{"id":1,"ok":true,"result":{}}`.
 * Errors come back as `{"id":1,"ok":false,"error":{"code":"bad-payload","message":"…"}}`.
 */
export interface ControlContext {
  readonly bus: SimBus;
  /** Counters of every RTU slave endpoint (serial, TCP connections), summed. */
  readonly counters: () => unknown;
}

type Handler = (request: Record<string, unknown>, context: ControlContext) => unknown;

function field(request: Record<string, unknown>, name: string): number {
  const value = request[name];
  if (!Number.isInteger(value)) {
    throw new PostamatError(
      'bad-payload',
      `${name} must be an integer, got ${JSON.stringify(value)}`,
      {
        field: name,
      },
    );
  }
  return value as number;
}

function board(request: Record<string, unknown>, context: ControlContext) {
  return context.bus.board(field(request, 'board'));
}

function channel(request: Record<string, unknown>, context: ControlContext): number {
  const value = field(request, 'channel');
  if (value < 1 || value > board(request, context).channels) {
    throw new PostamatError('bad-payload', `channel ${value} is not on board ${request.board}`, {
      field: 'channel',
    });
  }
  return value;
}

const HANDLERS: Record<string, Handler> = {
  ping: () => ({}),
  boards: (_, { bus }) => bus.boards().map((b) => ({ address: b.address, channels: b.channels })),
  state: (request, context) => {
    const b = board(request, context);
    const channels = Array.from({ length: b.channels }, (_, i) => b.door(i + 1));
    return {
      address: b.address,
      answering: b.answering(),
      coils: channels.map((door) => door.coil),
      doors: channels.map((door) => door.open),
      inputs: channels.map((door) => door.reading()),
    };
  },
  'close-door': (request, context) => {
    board(request, context).closeDoor(channel(request, context));
    return {};
  },
  'force-open': (request, context) => {
    board(request, context).forceOpen(channel(request, context));
    return {};
  },
  fault: (request, context) => {
    const b = board(request, context);
    const command = parseFaultCommand(request);
    if ('channel' in command) channel(request, context);
    b.applyFault(command);
    return {};
  },
  openings: (_, { bus }) => bus.openings(),
  counters: (_, { counters }) => counters(),
};

/** Runs one command; never throws, the reply carries the error. */
export function runControlCommand(line: string, context: ControlContext): Record<string, unknown> {
  let request: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(line);
    if (typeof parsed !== 'object' || parsed === null) throw new SyntaxError('not an object');
    request = parsed as Record<string, unknown>;
    const handler = HANDLERS[String(request.cmd)];
    if (!handler) {
      throw new PostamatError('bad-payload', `unknown cmd ${JSON.stringify(request.cmd)}`, {
        field: 'cmd',
      });
    }
    return { id: request.id, ok: true, result: handler(request, context) };
  } catch (error) {
    const code = error instanceof PostamatError ? error.code : 'bad-payload';
    const message = error instanceof Error ? error.message : String(error);
    return { id: request.id, ok: false, error: { code, message } };
  }
}
