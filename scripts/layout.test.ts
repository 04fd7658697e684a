import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// protocol/ is shared by the agent, the cloud and the simulator, and must stay free of I/O.
const root = new URL('..', import.meta.url).pathname;

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => join(root, dir, name));
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/\bfrom\s+['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]/g)].map(
    (m) => m[1] ?? m[2] ?? '',
  );
}

describe('layout', () => {
  const protocolFiles = sourceFiles('protocol').filter((f) => !f.endsWith('.test.ts'));

  it('protocol/ has source files', () => {
    expect(protocolFiles.length).toBeGreaterThan(3);
  });

  it('protocol/ imports nothing from node: or from the other parts', () => {
    const offending = protocolFiles.flatMap((file) =>
      importsOf(file)
        .filter(
          (spec) =>
            spec.startsWith('node:') ||
            /^\.\.\/\.\.?\/?(agent|cloud|simulator|scripts)/.test(spec) ||
            /^(fs|net|os|child_process|path)$/.test(spec),
        )
        .map((spec) => `${file.slice(root.length)} imports ${spec}`),
    );
    expect(offending).toEqual([]);
  });

  it('protocol/ depends on no package but zod', () => {
    const packages = new Set(
      protocolFiles.flatMap((file) => importsOf(file).filter((spec) => !spec.startsWith('.'))),
    );
    expect([...packages].filter((p) => p !== 'zod')).toEqual([]);
  });
});
