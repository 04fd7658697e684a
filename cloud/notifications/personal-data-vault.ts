import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { PostamatError } from '../../protocol/index.ts';

/**
 * Seals personal data (phones, codes kept for later messages) with AES-256-GCM under a key
 * from the config, never from the database: a stolen database dump holds only ciphertext.
 * The key id rides with every sealed value so a later key rotation knows which key opens it.
 */
export interface PersonalDataVault {
  readonly keyId: string;
  seal(plain: string): string;
  open(sealed: string): string;
  /** Keyed hash of a phone: counts messages per phone without keeping the phone in clear. */
  phoneHash(phone: string): string;
}

const SEALED = /^v1\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]*)$/;

/** `key` is 32 bytes, given as base64 (or base64url) in the config. */
export function personalDataVault(keyId: string, keyBase64: string): PersonalDataVault {
  const key = Buffer.from(keyBase64, 'base64');
  if (key.length !== 32) {
    throw new PostamatError('bad-config', 'the personal data key must be 32 bytes (base64)', {
      field: 'notifications.encryptionKey',
    });
  }
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(keyId)) {
    throw new PostamatError('bad-config', 'the personal data key id: 1-32 of [A-Za-z0-9_-]', {
      field: 'notifications.keyId',
    });
  }
  const hashKey = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'postamat phone hash', 32));
  return {
    keyId,
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(keyId));
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [
        'v1',
        keyId,
        iv.toString('base64url'),
        tag.toString('base64url'),
        body.toString('base64url'),
      ].join('.');
    },
    open(sealed) {
      const match = SEALED.exec(sealed);
      if (match === null || match[1] !== keyId) {
        throw new PostamatError('bad-config', 'sealed value under an unknown key', {
          keyId: match?.[1] ?? null,
        });
      }
      const decipher = createDecipheriv(
        'aes-256-gcm',
        key,
        Buffer.from(match[2] as string, 'base64url'),
      );
      decipher.setAAD(Buffer.from(keyId));
      decipher.setAuthTag(Buffer.from(match[3] as string, 'base64url'));
      const body = Buffer.from(match[4] as string, 'base64url');
      return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
    },
    phoneHash(phone) {
      return createHmac('sha256', hashKey).update(phone).digest('hex');
    },
  };
}

/** `+7 *** ***-45-67`: the last four digits tell a person which of their numbers was used. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  const tail = digits.slice(-4).padStart(4, '*');
  return `+7 *** ***-${tail.slice(0, 2)}-${tail.slice(2)}`;
}

/** A Russian mobile number in international form: +7 and ten digits. */
export const PHONE_PATTERN = /^\+7\d{10}$/;
