import { constants, createPublicKey, type KeyObject, publicEncrypt } from 'node:crypto';
import { PAYMENT_EVENT_TYPES as EV, PostamatError } from '../../protocol/index.ts';
import type { FlowContext } from './flow-context.ts';
import type { KioskResult } from './kiosk-result.ts';

const PHONE = /^\+?[0-9]{10,15}$/;
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,190}\.[^\s@]{2,}$/;

/** The cloud's receipt key from the config; throws `bad-config` naming the field. */
export function receiptKey(pem: string): KeyObject {
  try {
    const key = createPublicKey(pem);
    if (key.asymmetricKeyType !== 'rsa') throw new Error(`an ${key.asymmetricKeyType} key`);
    return key;
  } catch (error) {
    throw new PostamatError(
      'bad-config',
      `payments.receiptKeyPem: not an RSA public key (${(error as Error).message})`,
      {
        field: 'payments.receiptKeyPem',
      },
    );
  }
}

/** RSA-OAEP-SHA256 to the cloud's key, base64: only the cloud can read it back. */
export function sealContact(key: KeyObject, contact: string): string {
  const sealed = publicEncrypt(
    { key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
    Buffer.from(contact, 'utf8'),
  );
  return sealed.toString('base64');
}

/**
 * Where the person wants the receipt of a payment: checked, sealed here, stored and sent only
 * as ciphertext (`receipt.contact`) — the locker never keeps a phone or an address in clear.
 */
export function offerReceipt(
  ctx: FlowContext,
  key: KeyObject | undefined,
  input: { paymentId: string; channel: string; contact: string },
): KioskResult<{ paymentId: string; channel: 'sms' | 'email' }> {
  if (!key)
    throw new PostamatError(
      'payments-unavailable',
      'receipts by SMS or e-mail are not set up here',
    );
  const p = ctx.store.payments.get(input.paymentId);
  if (!p || p.state === 'intent' || p.state === 'failed') {
    throw new PostamatError('not-found', 'no completed payment to send a receipt for', {
      field: 'paymentId',
    });
  }
  if (input.channel !== 'sms' && input.channel !== 'email') {
    throw new PostamatError('bad-input', 'channel must be sms or email', { field: 'channel' });
  }
  const contact =
    input.channel === 'sms' ? input.contact.replace(/[\s()-]/g, '') : input.contact.trim();
  if (!(input.channel === 'sms' ? PHONE : EMAIL).test(contact)) {
    throw new PostamatError(
      'bad-input',
      `not a valid ${input.channel === 'sms' ? 'phone number' : 'e-mail'}`,
      {
        field: 'contact',
      },
    );
  }
  const sealed = sealContact(key, contact);
  const channel = input.channel;
  ctx.store.transaction(() => {
    ctx.store.payments.saveContact(p.paymentId, channel, sealed, ctx.clock.now());
    ctx.store.emit(EV.receiptContact, { paymentId: p.paymentId, channel, sealedContact: sealed });
  });
  return { ok: true, paymentId: p.paymentId, channel };
}
