import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { sha256 } from '../core/hash.ts';
import type { Stage } from './recipe-schema.ts';

/**
 * A stage's fingerprint: its command and raw options, the fingerprints of the stages it needs, and the size and
 * modification time of input files it names directly (outside the recipe's workdir). A changed option reruns the stage and what depends on it.
 */
export function stageFingerprint(stage: Stage, upstream: string[], cwd: string, workdir: string): string {
  const files: string[] = [];
  for (const value of [...stage.positional, ...Object.values(stage.args).flat()]) {
    if (typeof value !== 'string' || value.includes('$' + '{')) continue;
    const path = resolve(cwd, value);
    // Files inside the workdir are stage outputs, covered by the upstream fingerprints.
    if (path.startsWith(`${resolve(workdir)}/`)) continue;
    if (value.length < 512 && existsSync(path)) {
      const st = statSync(path);
      if (st.isFile()) files.push(`${value}:${st.size}:${Math.floor(st.mtimeMs)}`);
    }
  }
  return sha256(
    JSON.stringify({
      command: stage.command,
      positional: stage.positional,
      args: stage.args,
      upstream,
      files,
    }),
  ).slice(0, 16);
}
