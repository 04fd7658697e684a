/**
 * Environment overrides of a config file, shared by the agent's and the cloud's config loaders:
 * each variable names a path in the config object. Pure: the caller passes the environment.
 */
export type EnvOverrides = Readonly<Record<string, readonly string[]>>;

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    node[key] = typeof next === 'object' && next !== null ? next : {};
    node = node[key] as Record<string, unknown>;
  }
  node[path.at(-1) as string] = value;
}

/** Whole numbers arrive as text; anything else stays text, for the schema to judge. */
function envValue(raw: string): unknown {
  return /^-?\d+$/.test(raw) ? Number(raw) : raw;
}

/** A copy of `raw` with every set variable of `overrides` written at its path. */
export function applyEnvOverrides(
  raw: Readonly<Record<string, unknown>>,
  overrides: EnvOverrides,
  env: Readonly<Record<string, string | undefined>>,
): Record<string, unknown> {
  const merged = structuredClone(raw) as Record<string, unknown>;
  for (const [name, path] of Object.entries(overrides)) {
    const value = env[name];
    if (value !== undefined && value !== '') setPath(merged, path, envValue(value));
  }
  return merged;
}
