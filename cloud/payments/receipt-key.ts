import {
  constants,
  createPrivateKey,
  createPublicKey,
  privateDecrypt,
  publicEncrypt,
} from 'node:crypto';
import { PostamatError } from '../../protocol/index.ts';
import { maskPhone } from '../notifications/personal-data-vault.ts';

/**
 * The receipt key pair: lockers seal a person's receipt contact to the public key
 * (RSA-OAEP with SHA-256, the ciphertext in base64), only the cloud opens it with the private
 * key — which comes from the config, never from the database.
 */
export interface ReceiptKey {
  open(sealedContact: string): string;
  readonly publicKeyPem: string;
}

export function receiptKey(privateKeyPem: string): ReceiptKey {
  let key: ReturnType<typeof createPrivateKey>;
  try {
    key = createPrivateKey(privateKeyPem);
  } catch {
    throw new PostamatError('bad-config', 'payments.receiptPrivateKey is not a PEM private key', {
      field: 'payments.receiptPrivateKey',
    });
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new PostamatError('bad-config', 'payments.receiptPrivateKey must be an RSA key', {
      field: 'payments.receiptPrivateKey',
    });
  }
  const publicKeyPem = createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
  return {
    publicKeyPem,
    open(sealedContact) {
      const plain = privateDecrypt(
        { key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
        Buffer.from(sealedContact, 'base64'),
      );
      return plain.toString('utf8');
    },
  };
}

/** What the locker does (here for tests and tools): seal a contact to the receipt public key. */
export function sealReceiptContact(publicKeyPem: string, contact: string): string {
  return publicEncrypt(
    { key: publicKeyPem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
    Buffer.from(contact, 'utf8'),
  ).toString('base64');
}

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/;
const PHONE = /^\+7\d{10}$/;

/** A contact the receipt can go to, or null for anything else a locker might send. */
export function validContact(channel: string, value: string): boolean {
  return channel === 'email' ? EMAIL.test(value) : PHONE.test(value);
}

/** `i***@example.ru` / `+7 *** ***-45-67`: enough for a person to know which one they gave. */
export function maskContact(channel: string, value: string): string {
  if (channel !== 'email') return maskPhone(value);
  const [local = '', domain = ''] = value.split('@');
  return `${local.slice(0, 1)}***@${domain}`;
}
