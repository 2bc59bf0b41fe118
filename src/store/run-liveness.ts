import { hostname } from 'node:os';

/** How often a running run refreshes its heartbeat, in ms. */
export const HEARTBEAT_INTERVAL_MS = 5_000;
/** A `running` run whose heartbeat is older than this is shown as `interrupted` (12 missed beats). */
export const STALE_AFTER_MS = 60_000;

/** The process working on a run, as recorded on its row. */
export interface RunOwner {
  pid: number;
  host: string;
  /** Last heartbeat (ISO 8601). */
  heartbeatAt: string;
}

/** This process, as an owner. */
export function currentOwner(): { pid: number; host: string } {
  return { pid: process.pid, host: hostname() };
}

/** Whether process `pid` exists on this host (EPERM: it exists but belongs to another user). */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether a run recorded as `running` is in fact dead: its owner was on this host and the process is gone, or its
 * heartbeat is older than `staleAfterMs`. Without a pid and host only the heartbeat is judged; without either,
 * nothing is known and the run is taken as alive.
 */
export function ownerIsGone(
  owner: Partial<RunOwner> | undefined,
  options: { now?: number; staleAfterMs?: number; host?: string } = {},
): boolean {
  if (!owner) return false;
  const host = options.host ?? hostname();
  if (owner.pid !== undefined && owner.host === host && !processExists(owner.pid)) return true;
  if (!owner.heartbeatAt) return false;
  const age = (options.now ?? Date.now()) - Date.parse(owner.heartbeatAt);
  return Number.isFinite(age) && age > (options.staleAfterMs ?? STALE_AFTER_MS);
}
