import { parseTopic, TOPIC_PREFIX, TOPIC_PUBLISHER } from '../../../protocol/index.ts';

/** Who a connected client is, decided once at authentication. */
export type Principal = { readonly kind: 'cloud' } | { readonly kind: 'locker'; lockerId: string };

/**
 * The broker's ACL, pure. A locker publishes only its own agent-side topics (events, status) and
 * subscribes only to its own cloud-side topics (acks, sync, commands), by exact name: no
 * wildcards, so it cannot read another locker's traffic. The cloud's internal client publishes the
 * cloud-side topics of any locker and subscribes to anything under the prefix.
 */
export function mayPublish(principal: Principal, topic: string, prefix = TOPIC_PREFIX): boolean {
  const parsed = tryParse(topic, prefix);
  if (parsed === undefined) return false;
  if (principal.kind === 'cloud') return TOPIC_PUBLISHER[parsed.kind] === 'cloud';
  return parsed.lockerId === principal.lockerId && TOPIC_PUBLISHER[parsed.kind] === 'agent';
}

export function maySubscribe(principal: Principal, filter: string, prefix = TOPIC_PREFIX): boolean {
  if (principal.kind === 'cloud') return filter.startsWith(`${prefix}/`);
  const parsed = tryParse(filter, prefix);
  if (parsed === undefined) return false;
  return parsed.lockerId === principal.lockerId && TOPIC_PUBLISHER[parsed.kind] === 'cloud';
}

function tryParse(topic: string, prefix: string) {
  try {
    return parseTopic(topic, prefix);
  } catch {
    return undefined;
  }
}
