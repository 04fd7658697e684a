import type { RecordedMessageInput } from '../personal-data-store.ts';
import type { PersonalDataVault } from '../personal-data-vault.ts';
import type { NotificationProvider } from './notification-provider.ts';

/**
 * Keeps messages in the store instead of sending them: tests read them back, the demo's
 * console lists them (masked). Sealed like every phone and code the cloud keeps.
 */
export function recordingProvider(
  record: (input: RecordedMessageInput) => Promise<void>,
  vault: PersonalDataVault,
  channel = 'recording',
): NotificationProvider {
  return {
    channel,
    addressesPhone: true,
    async send(message) {
      await record({
        notificationId: message.id,
        orderId: message.orderId,
        channel,
        event: message.event,
        language: message.language,
        phoneSealed: message.phone === null ? null : vault.seal(message.phone),
        textSealed: vault.seal(message.text),
        keyId: vault.keyId,
      });
      return { ok: true };
    },
  };
}
