import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { SetupError } from '../../core/errors/setup-error.ts';
import { seccompFilter } from './seccomp-filter.ts';

/** Limits for one sandboxed run. */
export interface SandboxLimits {
  /** CPU seconds are capped at ceil(timeMs / 1000) + 1; wall time at timeMs + startup slack. */
  timeMs: number;
  /** Address-space cap for the Python process, in MiB. */
  memoryMb: number;
  /** Bytes of stdout + stderr kept; more output ends the run with status `output-limit`. */
  outputBytes: number;
}

export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = {
  timeMs: 5_000,
  memoryMb: 512,
  outputBytes: 1_000_000,
};

/** How a sandboxed run ended. */
export type SandboxStatus = 'exited' | 'timeout' | 'memory' | 'output-limit' | 'signal';

export interface SandboxResult {
  status: SandboxStatus;
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  wallMs: number;
}

export interface SandboxRun {
  /** Files written into the empty scratch dir `/work` before Python starts (name -> contents). */
  files: Record<string, string>;
  /** The script to run, a key of `files`. */
  main: string;
  stdin?: string;
  limits?: Partial<SandboxLimits>;
  signal?: AbortSignal;
}

/** The interpreter inside the sandbox: a system Python under /usr (the only host tree bound in). */
export const SANDBOX_PYTHON = process.env.DISTILL_SANDBOX_PYTHON ?? '/usr/bin/python3';
const BWRAP = process.env.DISTILL_BWRAP ?? '/usr/bin/bwrap';
/** Processes (and threads) one sandbox may hold; a fork bomb stops here. */
const NPROC = 32;
/** Scratch tmpfs size: bounds what a program can write, in host RAM. */
const SCRATCH_BYTES = 16 * 1024 * 1024;
/** Sandboxes run as root get a uid of their own from this range, so RLIMIT_NPROC is per sandbox. */
const UID_BASE = 61_000;
const UID_SLOTS = 512;

let availability: { ok: true } | { ok: false; reason: string } | undefined;

/** Whether bubblewrap can start a sandbox here (cached). */
export function sandboxAvailable(): { ok: true } | { ok: false; reason: string } {
  if (availability) return availability;
  if (process.platform !== 'linux') {
    availability = { ok: false, reason: 'the code sandbox needs Linux (bubblewrap namespaces)' };
    return availability;
  }
  if (!existsSync(SANDBOX_PYTHON)) {
    availability = { ok: false, reason: `no system Python at ${SANDBOX_PYTHON}` };
    return availability;
  }
  const probe = spawnSync(BWRAP, [...bwrapArgs([]), SANDBOX_PYTHON, '-I', '-c', 'print(6*7)'], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  if (probe.error) availability = { ok: false, reason: `bubblewrap not found (${probe.error.message})` };
  else if (probe.stdout.trim() !== '42')
    availability = {
      ok: false,
      reason: `bubblewrap cannot create namespaces here: ${probe.stderr.trim() || `exit ${probe.status}`}`,
    };
  else availability = { ok: true };
  return availability;
}

/** Throws a SetupError with an install hint when the sandbox cannot run. */
export function requireSandbox(): void {
  const a = sandboxAvailable();
  if (!a.ok)
    throw new SetupError(`cannot run untrusted code: ${a.reason}`, {
      hint: 'install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap) and python3; unprivileged user namespaces must be enabled',
    });
}

/**
 * bwrap arguments: every namespace unshared, only /usr read-only, a fresh tmpfs scratch dir, no env, and the seccomp
 * filter read from `seccompFd` when there is one.
 */
function bwrapArgs(fileFds: Array<[number, string]>, seccompFd?: number): string[] {
  const args = [
    '--unshare-all',
    '--die-with-parent',
    '--new-session',
    '--clearenv',
    '--setenv',
    'PATH',
    '/usr/bin',
    '--setenv',
    'HOME',
    '/work',
    '--setenv',
    'LANG',
    'C.UTF-8',
    '--hostname',
    'sandbox',
    '--ro-bind',
    '/usr',
    '/usr',
    '--symlink',
    'usr/lib',
    '/lib',
    '--symlink',
    'usr/bin',
    '/bin',
    '--proc',
    '/proc',
    '--dev',
    '/dev',
    '--size',
    String(SCRATCH_BYTES),
    '--tmpfs',
    '/tmp',
    '--size',
    String(SCRATCH_BYTES),
    '--tmpfs',
    '/work',
  ];
  if (existsSync('/lib64')) args.push('--symlink', 'usr/lib64', '/lib64');
  for (const [fd, name] of fileFds) args.push('--file', String(fd), `/work/${name}`);
  if (seccompFd !== undefined) args.push('--seccomp', String(seccompFd));
  args.push('--remount-ro', '/', '--chdir', '/work', '--cap-drop', 'ALL');
  return args;
}

function countOwnProcesses(uid: number): number {
  let n = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      if (new RegExp(`^Uid:\\s+${uid}\\b`, 'm').test(status)) n++;
    } catch {
      // the process ended while we looked
    }
  }
  return n;
}

const usedUids = new Set<number>();
let nextUid = 0;
function takeUid(): number {
  for (let i = 0; i < UID_SLOTS; i++) {
    const uid = UID_BASE + ((nextUid + i) % UID_SLOTS);
    if (!usedUids.has(uid)) {
      usedUids.add(uid);
      nextUid = (uid - UID_BASE + 1) % UID_SLOTS;
      return uid;
    }
  }
  throw new SetupError(`more than ${UID_SLOTS} sandboxes at once`);
}

/**
 * Runs a Python script inside a bubblewrap sandbox: new user, pid, net, ipc, uts and cgroup namespaces (no network,
 * not even loopback), only /usr bound read-only, an empty tmpfs as /work and /tmp, no environment, rlimits on CPU,
 * address space, processes and file size, killed with its process tree when the time runs out or when this process
 * dies. Never throws for anything the program does; the status says how it ended.
 */
export async function runSandboxed(run: SandboxRun): Promise<SandboxResult> {
  requireSandbox();
  const limits = { ...DEFAULT_SANDBOX_LIMITS, ...run.limits };
  const names = Object.keys(run.files);
  if (!names.includes(run.main)) throw new Error(`sandbox main script '${run.main}' is not among the files`);
  const fileFds = names.map((name, i): [number, string] => [3 + i, name]);
  const filter = seccompFilter(SANDBOX_PYTHON);
  const seccompFd = filter.ok ? 3 + names.length : undefined;
  const cpuSeconds = Math.ceil(limits.timeMs / 1000) + 1;
  const asBytes = limits.memoryMb * 1024 * 1024;
  const isRoot = process.getuid?.() === 0;
  const uid = isRoot ? takeUid() : undefined;
  const nproc = uid !== undefined ? NPROC : countOwnProcesses(process.getuid?.() ?? 0) + NPROC;
  const prlimit = [
    `--cpu=${cpuSeconds}:${cpuSeconds + 1}`,
    `--nproc=${nproc}`,
    `--fsize=${SCRATCH_BYTES}`,
    '--core=0',
  ];
  // The address-space cap goes on Python alone (bwrap itself needs little); prlimit inside the sandbox sets it.
  const argv = [
    ...prlimit,
    BWRAP,
    ...bwrapArgs(fileFds, seccompFd),
    '/usr/bin/prlimit',
    `--as=${asBytes}`,
    '--',
    SANDBOX_PYTHON,
    '-I',
    '-X',
    'utf8',
    '-B',
    `/work/${run.main}`,
  ];
  const started = performance.now();
  const child = spawn('/usr/bin/prlimit', argv, {
    cwd: '/',
    stdio: [
      'pipe',
      'pipe',
      'pipe',
      ...fileFds.map(() => 'pipe' as const),
      ...(filter.ok ? ['pipe' as const] : []),
    ],
    ...(uid !== undefined ? { uid, gid: uid } : {}),
    env: {},
  });
  for (const [fd, name] of fileFds) {
    const stream = child.stdio[fd] as NodeJS.WritableStream | null;
    stream?.on('error', () => {});
    stream?.end(run.files[name] ?? '');
  }
  if (filter.ok && seccompFd !== undefined) {
    const stream = child.stdio[seccompFd] as NodeJS.WritableStream | null;
    stream?.on('error', () => {});
    stream?.end(filter.bpf);
  }
  child.stdin.on('error', () => {});
  child.stdin.end(run.stdin ?? '');

  let status: SandboxStatus | undefined;
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let outBytes = 0;
  const kill = (why: SandboxStatus) => {
    status ??= why;
    child.kill('SIGKILL');
  };
  const take = (sink: Buffer[]) => (chunk: Buffer) => {
    const room = limits.outputBytes - outBytes;
    if (room > 0) sink.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
    outBytes += chunk.length;
    if (outBytes > limits.outputBytes) kill('output-limit');
  };
  child.stdout.on('data', take(out));
  child.stderr.on('data', take(err));
  // Startup (namespaces, Python import) is not the program's time; allow a second of slack on the wall clock.
  const timer = setTimeout(() => kill('timeout'), limits.timeMs + 1_000);
  const onAbort = () => kill('timeout');
  run.signal?.addEventListener('abort', onAbort, { once: true });
  const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => {
    child.on('close', (code, sig) => resolve([code, sig]));
    child.on('error', () => resolve([null, null]));
  });
  clearTimeout(timer);
  run.signal?.removeEventListener('abort', onAbort);
  if (uid !== undefined) usedUids.delete(uid);
  const stdout = Buffer.concat(out).toString('utf8');
  const stderr = Buffer.concat(err).toString('utf8');
  if (!status) {
    // bwrap reports the sandboxed process's death by signal as exit 128 + n.
    const sig = signal ?? (exitCode !== null && exitCode > 128 ? `signal ${exitCode - 128}` : null);
    if (signal === 'SIGXCPU' || exitCode === 128 + 24 || exitCode === 128 + 9) status = 'timeout';
    else if (/\bMemoryError\b/.test(stderr) || /Cannot allocate memory|out of memory/i.test(stderr))
      status = 'memory';
    else if (sig) status = 'signal';
    else status = 'exited';
  }
  return {
    status,
    exitCode,
    signal: signal ?? (exitCode !== null && exitCode > 128 ? `signal ${exitCode - 128}` : null),
    stdout,
    stderr,
    wallMs: performance.now() - started,
  };
}
