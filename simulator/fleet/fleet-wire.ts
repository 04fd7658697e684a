import { z } from 'zod';

/**
 * What the fleet's parent and its processes say to each other: JSON lines, commands on the
 * child's stdin, reports on its stdout (logs go to stderr).
 */
export const fleetCommandSchema = z.discriminatedUnion('cmd', [
  z.strictObject({
    cmd: z.literal('init'),
    /** A JSON file: the issued agent configs of the whole fleet; this process takes a slice. */
    configsFile: z.string().min(1),
    from: z.number().int().min(0),
    to: z.number().int().min(0),
    url: z.string().optional(),
    protocolVersion: z.union([z.literal(4), z.literal(5)]).optional(),
    tickMs: z.number().int().min(0),
    statusIntervalMs: z.number().int().positive(),
  }),
  z.strictObject({ cmd: z.literal('start') }),
  z.strictObject({ cmd: z.literal('rate'), rate: z.number().min(0) }),
  z.strictObject({ cmd: z.literal('burst'), perLocker: z.number().int().min(1) }),
  z.strictObject({ cmd: z.literal('drop'), share: z.number().min(0).max(1) }),
  z.strictObject({ cmd: z.literal('stop') }),
]);
export type FleetCommand = z.infer<typeof fleetCommandSchema>;

export interface FleetReport {
  readonly event: 'ready' | 'stats' | 'stopped' | 'dropped';
  readonly [key: string]: unknown;
}

/** Parses one line; a bad line is an error naming the field (the parent is ours, but still). */
export function parseFleetCommand(line: string): FleetCommand {
  const parsed = fleetCommandSchema.safeParse(JSON.parse(line));
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new Error(`bad fleet command: ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? ''}`);
}
