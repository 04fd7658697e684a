import { LOCKER_ID_PATTERN } from './domain.ts';
import { PostamatError } from './errors.ts';

/** Every topic of the wire lives under this prefix; a v2 wire can run beside it on one broker. */
export const TOPIC_PREFIX = 'postamat/v1/lockers';

/** The channels of one locker and who publishes on each. */
export const TOPIC_KINDS = ['events', 'acks', 'sync', 'commands', 'status'] as const;
export type TopicKind = (typeof TOPIC_KINDS)[number];

/** Which side publishes each kind: the broker's ACL and both clients read this table. */
export const TOPIC_PUBLISHER: Readonly<Record<TopicKind, 'agent' | 'cloud'>> = {
  events: 'agent',
  status: 'agent',
  acks: 'cloud',
  sync: 'cloud',
  commands: 'cloud',
};

/**
 * Every function below takes an optional prefix: the deployment's default is TOPIC_PREFIX, and
 * tests on a shared broker (Mosquitto on CI) use a random one so runs cannot see each other.
 */
export function topicFor(lockerId: string, kind: TopicKind, prefix = TOPIC_PREFIX): string {
  assertLockerId(lockerId);
  return `${prefix}/${lockerId}/${kind}`;
}

/** A subscription filter matching one kind of topic for every locker, e.g. for the cloud. */
export function wildcardTopic(kind: TopicKind, prefix = TOPIC_PREFIX): string {
  return `${prefix}/+/${kind}`;
}

export interface ParsedTopic {
  readonly lockerId: string;
  readonly kind: TopicKind;
}

export function parseTopic(topic: string, topicPrefix = TOPIC_PREFIX): ParsedTopic {
  const prefix = `${topicPrefix}/`;
  if (!topic.startsWith(prefix)) {
    throw new PostamatError('bad-topic', `topic "${topic}" is not under ${prefix}`, {
      topic,
    });
  }
  const rest = topic.slice(prefix.length).split('/');
  const [lockerId, kind] = rest;
  if (rest.length !== 2 || lockerId === undefined || kind === undefined) {
    throw new PostamatError('bad-topic', `topic "${topic}" must be ${prefix}{lockerId}/{kind}`, {
      topic,
    });
  }
  if (!LOCKER_ID_PATTERN.test(lockerId)) {
    throw new PostamatError('bad-topic', `topic "${topic}" has an invalid locker id`, { topic });
  }
  if (!isTopicKind(kind)) {
    throw new PostamatError('bad-topic', `topic "${topic}" has unknown kind "${kind}"`, { topic });
  }
  return { lockerId, kind };
}

export function isTopicKind(value: string): value is TopicKind {
  return (TOPIC_KINDS as readonly string[]).includes(value);
}

function assertLockerId(lockerId: string): void {
  if (!LOCKER_ID_PATTERN.test(lockerId)) {
    throw new PostamatError('bad-topic', `locker id "${lockerId}" is not topic-safe`, { lockerId });
  }
}
