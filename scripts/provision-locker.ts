// Provisions a locker through the cloud's API and writes its agent config file:
//
//   npm run provision -- --api https://cloud.example/ --key OPERATOR_KEY --locker msk-0042 \
//     --address "Москва, Тверская ул., 7" --lat 55.7579 --lon 37.6111 --cells cells.json \
//     [--device bus0=/dev/ttyUSB0 …] [--site SITE] --out /etc/postamat/agent.json
//
// cells.json: [{ "cellId": "1", "bus": "bus0", "board": 1, "channel": 1, "size": "M",
// "features": ["refrigerated"] }, …]. The cloud answers with the locker's MQTT secret and hash
// key, in clear only in that answer: the file is written 0600 and nothing is printed of it.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseAgentConfig } from '../agent/config.ts';

interface Options {
  api: string;
  key: string;
  locker: string;
  address: string;
  lat: number;
  lon: number;
  cells: unknown;
  devices: Map<string, string>;
  site: string | undefined;
  out: string;
}

function parse(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      api: { type: 'string' },
      key: { type: 'string' },
      locker: { type: 'string' },
      address: { type: 'string' },
      lat: { type: 'string' },
      lon: { type: 'string' },
      cells: { type: 'string' },
      device: { type: 'string', multiple: true, default: [] },
      site: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const missing = (
    ['api', 'key', 'locker', 'address', 'lat', 'lon', 'cells', 'out'] as const
  ).filter((name) => values[name] === undefined);
  if (missing.length > 0) throw new Error(`missing ${missing.map((m) => `--${m}`).join(', ')}`);
  const devices = new Map(
    values.device.map((pair) => {
      const [bus, device] = pair.split('=');
      if (!bus || !device) throw new Error(`--device "${pair}" must be BUS=/dev/…`);
      return [bus, device] as const;
    }),
  );
  let cells: unknown;
  try {
    cells = JSON.parse(readFileSync(values.cells!, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read --cells ${values.cells}: ${(error as Error).message}`);
  }
  return {
    api: values.api!.replace(/\/$/, ''),
    key: values.key!,
    locker: values.locker!,
    address: values.address!,
    lat: Number(values.lat),
    lon: Number(values.lon),
    cells,
    devices,
    site: values.site,
    out: values.out!,
  };
}

/** Puts the real serial devices of the board into the config the cloud drafted. */
function withDevices(config: Record<string, unknown>, devices: Map<string, string>) {
  const boards = config.boards as { buses?: { id: string; device?: string }[] } | undefined;
  for (const bus of boards?.buses ?? []) {
    const device = devices.get(bus.id);
    if (device !== undefined) bus.device = device;
  }
  return config;
}

export async function provision(options: Options): Promise<string> {
  const response = await fetch(`${options.api}/v1/operator/lockers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${options.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      id: options.locker,
      address: options.address,
      lat: options.lat,
      lon: options.lon,
      cells: options.cells,
      ...(options.site === undefined ? {} : { siteId: options.site }),
    }),
  });
  const text = await response.text();
  if (response.status !== 201) {
    throw new Error(`the cloud refused the locker (${response.status}): ${text.slice(0, 500)}`);
  }
  const { agentConfig } = JSON.parse(text) as { agentConfig: Record<string, unknown> };
  const config = withDevices(agentConfig, options.devices);
  parseAgentConfig(config); // the file must start an agent; fail here, not on the board
  writeFileSync(options.out, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  return options.out;
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  try {
    const out = await provision(parse(process.argv.slice(2)));
    console.log(
      `provisioned; agent config written to ${out} (keep it secret: it holds the locker's keys)`,
    );
  } catch (error) {
    console.error(`provision: ${(error as Error).message}`);
    process.exit(2);
  }
}
