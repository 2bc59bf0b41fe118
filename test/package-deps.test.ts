import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** Dev tools run as commands (package.json scripts, CI), not imported. */
const COMMAND_TOOLS = new Set(['@biomejs/biome', 'pyright', 'typescript', 'vitest']);

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sources(path, out);
    else if (/\.(ts|mts|mjs|js|tsx)$/.test(name)) out.push(path);
  }
  return out;
}

const code = ['src', 'bin', 'test', 'bench', 'web']
  .flatMap((d) => sources(join(ROOT, d)))
  .map((f) => readFileSync(f, 'utf8'))
  .join('\n');

function imported(name: string): boolean {
  const quoted = name.replace(/[/.-]/g, (c) => `\\${c}`);
  // `import 'pkg/style.css'` (a side-effect import, e.g. a stylesheet the web bundle pulls in) counts too.
  return new RegExp(`(from|import\\(|require\\(|import)\\s*['"]${quoted}(/[^'"]*)?['"]`).test(code);
}

describe('package.json', () => {
  it('lists only dependencies that some code imports (types only for imported packages)', () => {
    const unused = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).filter((name) => {
      if (COMMAND_TOOLS.has(name)) return false;
      const typed = /^@types\/(.+)$/.exec(name)?.[1];
      if (typed) return typed !== 'node' && !imported(typed.replace(/^(.+)__(.+)$/, '@$1/$2'));
      return !imported(name);
    });
    expect(unused).toEqual([]);
  });
});
