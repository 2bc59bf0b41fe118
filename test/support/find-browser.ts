import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where a browser for the end-to-end tests was found, or why none was. */
export type BrowserLookup =
  | { found: true; path: string; source: 'DISTILL_CHROMIUM' | 'system' | 'playwright-cache' }
  | { found: false; misconfigured: boolean; reason: string };

export interface FindBrowserDeps {
  env?: NodeJS.ProcessEnv;
  exists?: (path: string) => boolean;
  listDir?: (path: string) => string[];
  home?: string;
}

/** Debian/Ubuntu package binaries, in order of preference. */
export const SYSTEM_BROWSERS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** Executables inside one Playwright cache entry (layouts of older and newer Playwright releases). */
const CACHE_EXECUTABLES = ['chrome-linux/chrome', 'chrome-linux64/chrome'];

export const HOW_TO_ENABLE =
  'install one with `apt-get install chromium` (or `npx playwright install chromium`), or set DISTILL_CHROMIUM=/path/to/chrome';

const version = (entry: string): number => Number(/-(\d+)$/.exec(entry)?.[1] ?? -1);

/**
 * A Chromium for the browser tests: `$DISTILL_CHROMIUM` (must exist when set), else a system package, else the newest
 * build in Playwright's cache (`$PLAYWRIGHT_BROWSERS_PATH` or `~/.cache/ms-playwright/chromium-*`).
 */
export function findBrowser(deps: FindBrowserDeps = {}): BrowserLookup {
  const env = deps.env ?? process.env;
  const exists = deps.exists ?? existsSync;
  const listDir =
    deps.listDir ??
    ((p: string) => {
      try {
        return readdirSync(p);
      } catch {
        return [];
      }
    });
  const explicit = env.DISTILL_CHROMIUM;
  if (explicit) {
    if (exists(explicit)) return { found: true, path: explicit, source: 'DISTILL_CHROMIUM' };
    return { found: false, misconfigured: true, reason: `DISTILL_CHROMIUM=${explicit} does not exist` };
  }
  const system = SYSTEM_BROWSERS.find((p) => exists(p));
  if (system) return { found: true, path: system, source: 'system' };
  const cache = env.PLAYWRIGHT_BROWSERS_PATH || join(deps.home ?? homedir(), '.cache', 'ms-playwright');
  const builds = listDir(cache)
    .filter((e) => /^chromium-\d+$/.test(e))
    .sort((a, b) => version(b) - version(a));
  for (const build of builds)
    for (const exe of CACHE_EXECUTABLES) {
      const path = join(cache, build, exe);
      if (exists(path)) return { found: true, path, source: 'playwright-cache' };
    }
  return {
    found: false,
    misconfigured: false,
    reason: `no Chromium found (DISTILL_CHROMIUM unset, none of ${SYSTEM_BROWSERS.join(', ')}, none in ${cache})`,
  };
}

/** What a browser test file does: run with this browser, skip with one line, or fail (CI, or a bad DISTILL_CHROMIUM). */
export type BrowserDecision = { run: true; path: string } | { run: false; fail: boolean; line: string };

export function browserDecision(
  lookup: BrowserLookup,
  env: NodeJS.ProcessEnv = process.env,
): BrowserDecision {
  if (lookup.found) return { run: true, path: lookup.path };
  const required = env.DISTILL_REQUIRE_BROWSER === '1';
  const fail = required || lookup.misconfigured;
  return {
    run: false,
    fail,
    line: `${fail ? 'browser tests cannot run' : 'browser tests skipped'}: ${lookup.reason}; ${HOW_TO_ENABLE}${required ? ' (DISTILL_REQUIRE_BROWSER=1 makes this a failure)' : ''}`,
  };
}
