import { openPtyPair, type PtyPair } from '../../../../simulator/pty-pair.ts';
import { DEFAULT_SERIAL } from '../../bus/rtu-timing.ts';
import { serialPortBinding } from '../../bus/serial-port-binding.ts';
import { SimulatedTerminal } from './simulated-terminal.ts';

/**
 * TEST SUPPORT — a simulated terminal on one end of a real pseudo-terminal pair; the agent opens
 * `agentPath` exactly as it would open /dev/ttyUSB0.
 */
export async function terminalOnPty(): Promise<{
  terminal: SimulatedTerminal;
  agentPath: string;
  close: () => Promise<void>;
}> {
  const pair: PtyPair = await openPtyPair();
  const line = await serialPortBinding(pair.paths[1], DEFAULT_SERIAL)();
  const terminal = new SimulatedTerminal(line);
  return {
    terminal,
    agentPath: pair.paths[0],
    close: async () => {
      await terminal.close();
      await pair.close();
    },
  };
}
