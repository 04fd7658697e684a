export * from './clock.ts';
export * from './config-overrides.ts';
export * from './domain.ts';
export * from './errors.ts';
export * from './keyed-hash.ts';
export * from './mqtt-contract.ts';
export * from './mqtt-messages.ts';
export * from './mqtt-topics.ts';
