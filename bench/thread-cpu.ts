import { readdirSync, readFileSync } from 'node:fs';

/** Linux reports thread CPU times in /proc in USER_HZ ticks, 100 a second on every architecture Node runs on. */
const TICKS_PER_SECOND = 100;

/**
 * CPU seconds (user + system) of each thread of this process so far, by thread id, from /proc/self/task. Empty
 * where /proc is not there (not Linux): the figures built on it are then left out.
 */
export function threadCpuSeconds(): Map<string, number> {
  const out = new Map<string, number>();
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      // Fields after the command name (which may hold spaces, so split after its closing parenthesis):
      // state is the 3rd field of the line, utime the 14th, stime the 15th.
      const fields = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      out.set(tid, (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return out;
}

/** The CPU seconds of the thread that used the most between two {@link threadCpuSeconds} snapshots (0 if none). */
export function busiestThreadSeconds(before: Map<string, number>, after: Map<string, number>): number {
  let most = 0;
  for (const [tid, seconds] of after) most = Math.max(most, seconds - (before.get(tid) ?? 0));
  return most;
}
