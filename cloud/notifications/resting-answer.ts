import { PostamatError } from '../../protocol/index.ts';
import type { PersonalDataVault } from './personal-data-vault.ts';

/** A code as the API writes it into an answer: `"code":"123456"`. */
const CODE_IN_JSON = /"code":"[0-9]{6,8}"/;
const CODES_IN_JSON = new RegExp(CODE_IN_JSON.source, 'g');
const SEALED_PREFIX = 'sealed:';

/**
 * How a kept API answer (the Idempotency-Key replay) rests in the database. An order's answer
 * carries its codes in clear (others: a new key's secret, a locker's config); a retry must get
 * them again, so with a personal-data key every kept answer is sealed. Without one the cloud has
 * nothing to seal with: codes are kept masked, and a replay tells the tenant the order exists
 * but not its codes.
 */
export interface RestingAnswer {
  toRest(payload: string): string;
  fromRest(stored: string): string;
}

export function restingAnswer(vault: PersonalDataVault | undefined): RestingAnswer {
  return {
    toRest(payload) {
      if (vault !== undefined) return `${SEALED_PREFIX}${vault.seal(payload)}`;
      return CODE_IN_JSON.test(payload) ? maskCodes(payload) : payload;
    },
    fromRest(stored) {
      if (!stored.startsWith(SEALED_PREFIX)) return stored;
      if (vault === undefined) {
        throw new PostamatError('bad-config', 'a kept answer is sealed; no personal-data key', {
          field: 'notifications.encryptionKey',
        });
      }
      return vault.open(stored.slice(SEALED_PREFIX.length));
    },
  };
}

export function maskCodes(json: string): string {
  return json.replace(CODES_IN_JSON, '"code":"******"');
}
