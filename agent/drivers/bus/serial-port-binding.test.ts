import { describe, expect, it } from 'vitest';
import { isPostamatError } from '../../../protocol/errors.ts';
import { DEFAULT_SERIAL } from './rtu-timing.ts';
import { portError, serialPortBinding } from './serial-port-binding.ts';

describe('serial port binding', () => {
  it('a missing device is port-unavailable, reason missing', async () => {
    const error = await serialPortBinding('/dev/ttyNOPE42', DEFAULT_SERIAL)().catch(
      (e: unknown) => e,
    );
    expect(isPostamatError(error, 'port-unavailable')).toBe(true);
    expect((error as { details: { reason: string } }).details.reason).toBe('missing');
    expect((error as Error).message).toContain('/dev/ttyNOPE42 does not exist');
  });

  it.each([
    ['Error: Permission denied, cannot open /dev/ttyUSB0', 'permission', 'dialout'],
    ['Error: Resource busy, cannot open /dev/ttyUSB0', 'busy', 'in use'],
    ['Error: something odd', 'other', 'something odd'],
  ])('maps "%s" to %s', (message, reason, text) => {
    const error = portError('/dev/ttyUSB0', new Error(message));
    expect(error.details.reason).toBe(reason);
    expect(error.message).toContain(text);
  });
});
