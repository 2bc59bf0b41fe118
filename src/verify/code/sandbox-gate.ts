import { sandboxAvailable } from './sandbox.ts';

/**
 * For tests: whether sandbox tests run here. Without bubblewrap they are skipped with one visible line, unless
 * DISTILL_REQUIRE_SANDBOX=1 (CI), where a missing sandbox is a loud failure.
 */
export function sandboxTestsEnabled(suite: string): boolean {
  const a = sandboxAvailable();
  if (a.ok) return true;
  if (process.env.DISTILL_REQUIRE_SANDBOX === '1')
    throw new Error(`DISTILL_REQUIRE_SANDBOX=1 but the code sandbox cannot run: ${a.reason}`);
  console.warn(`skipping ${suite}: ${a.reason} (set DISTILL_REQUIRE_SANDBOX=1 to fail instead)`);
  return false;
}
