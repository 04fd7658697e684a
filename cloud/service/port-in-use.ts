import { PostamatError } from '../../protocol/index.ts';

/**
 * Turns "address in use" from a listen into one line naming the setting to change; any other
 * error passes through untouched.
 */
export async function withPortHint<T>(
  what: 'HTTP' | 'MQTT',
  port: number,
  setting: { readonly env: string; readonly path: string },
  listen: () => Promise<T>,
): Promise<T> {
  try {
    return await listen();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code !== 'EADDRINUSE' && code !== 'EACCES') throw error;
    const problem = code === 'EADDRINUSE' ? 'is in use' : 'is not allowed for this user';
    throw new PostamatError(
      'port-unavailable',
      `${what} port ${port} ${problem}: set ${setting.env} or ${setting.path}`,
      { port, setting: setting.path },
    );
  }
}
