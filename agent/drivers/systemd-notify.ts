import { execFile } from 'node:child_process';

/**
 * sd_notify through systemd's own `systemd-notify` tool: Node has no AF_UNIX datagram sockets,
 * and a native addon for one message is a poor trade on a locker board. The units set
 * NotifyAccess=all because the message comes from the tool's PID, not ours.
 */
export interface ServiceNotifier {
  ready(status?: string): Promise<void>;
  status(text: string): Promise<void>;
  /** Starts the watchdog pings at half of WATCHDOG_USEC; `healthy` may veto a ping. */
  startWatchdog(healthy?: () => boolean): () => void;
}

type Env = Readonly<Record<string, string | undefined>>;

export function createSystemdNotifier(
  env: Env = process.env,
  tool = 'systemd-notify',
): ServiceNotifier {
  const socket = env.NOTIFY_SOCKET;
  const send = (...assignments: string[]): Promise<void> =>
    socket === undefined
      ? Promise.resolve()
      : new Promise((resolve) => {
          // A failed notification must never take the service down; systemd's watchdog will.
          execFile(
            tool,
            ['--no-block', ...assignments],
            { env: { ...env, NOTIFY_SOCKET: socket } },
            () => resolve(),
          );
        });

  return {
    ready: (status) => send('READY=1', ...(status === undefined ? [] : [`STATUS=${status}`])),
    status: (text) => send(`STATUS=${text}`),
    startWatchdog(healthy = () => true) {
      const usec = Number(env.WATCHDOG_USEC);
      if (socket === undefined || !Number.isFinite(usec) || usec <= 0) return () => {};
      const timer = setInterval(
        () => {
          if (healthy()) void send('WATCHDOG=1');
        },
        usec / 1000 / 2,
      );
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}
