import type { GpioPinConfig, GpioSignal, SignalInputs } from './gpio-signals.ts';

/** One input in the agent config: the Linux GPIO number and whether the contact pulls it low. */
export interface GpioInputConfig {
  readonly pin: number;
  readonly activeLow?: boolean | undefined;
  readonly debounceMs?: number | undefined;
}

/** The agent config's `gpio` block: every input is optional (a cabinet may lack any of them). */
export interface GpioConfig {
  readonly tamper?: GpioInputConfig | undefined;
  readonly mains?: GpioInputConfig | undefined;
  readonly serviceDoor?: GpioInputConfig | undefined;
}

/** What the Agent is told: `mains-power` active means the power is ON. */
export type AgentInput = 'tamper' | 'mains-power' | 'service-door';
export type ReportInput = (input: AgentInput, active: boolean) => void;

const SIGNAL_OF = { tamper: 'tamper', mains: 'mains-lost', serviceDoor: 'service-door' } as const;

export function gpioPinConfigs(config: GpioConfig): GpioPinConfig[] {
  return (Object.keys(SIGNAL_OF) as (keyof GpioConfig)[]).flatMap((key) => {
    const input = config[key];
    if (!input) return [];
    return [
      {
        signal: SIGNAL_OF[key],
        pin: input.pin,
        ...(input.activeLow !== undefined ? { activeLow: input.activeLow } : {}),
        ...(input.debounceMs !== undefined ? { debounceMs: input.debounceMs } : {}),
      },
    ];
  });
}

/** The GPIO signal as the Agent's input: the mains pin reports power LOST when active. */
function toAgent(signal: GpioSignal, active: boolean): [AgentInput, boolean] {
  if (signal === 'mains-lost') return ['mains-power', !active];
  return [signal, active];
}

/**
 * Feeds every change to the Agent; at start, a signal already in alarm (tamper open, mains lost)
 * is reported too, since no edge will come for it. Returns the unsubscribe.
 */
export function forwardSignals(signals: SignalInputs, report: ReportInput): () => void {
  for (const signal of ['tamper', 'mains-lost'] as const) {
    if (signals.isActive(signal) === true) report(...toAgent(signal, true));
  }
  return signals.subscribe((event) => report(...toAgent(event.signal, event.active)));
}
