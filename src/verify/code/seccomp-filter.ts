import { spawnSync } from 'node:child_process';

/**
 * Builds the sandbox's seccomp filter with libseccomp (the maintained library behind Docker, systemd and Flatpak
 * filters; `libseccomp.so.2` is on every systemd-based distribution), called through Python's ctypes — no package
 * to install. The filter is an allow-by-default deny list in the spirit of Docker's default profile: it refuses
 * with EPERM the system calls a program checking answers never needs and that carry most kernel attack surface
 * (new namespaces, mounts, ptrace and cross-process memory, keyrings, bpf, perf, userfaultfd, io_uring, module and
 * kexec loading, clock and swap changes, handle-based opens), sockets other than Unix/IPv4/IPv6 (netlink, packet…),
 * and answers clone3 with ENOSYS so that libc falls back to clone, whose namespace flags it can inspect. Other
 * architectures' system call ABIs (i386, x32) kill the process (libseccomp's default for a foreign arch).
 */
const SECCOMP_PY = `
import ctypes, errno, sys
lib = ctypes.CDLL('libseccomp.so.2')
lib.seccomp_init.restype = ctypes.c_void_p
lib.seccomp_init.argtypes = [ctypes.c_uint32]
lib.seccomp_syscall_resolve_name.restype = ctypes.c_int
lib.seccomp_syscall_resolve_name.argtypes = [ctypes.c_char_p]
class Cmp(ctypes.Structure):
    _fields_ = [('arg', ctypes.c_uint), ('op', ctypes.c_int), ('a', ctypes.c_uint64), ('b', ctypes.c_uint64)]
lib.seccomp_rule_add_array.restype = ctypes.c_int
lib.seccomp_rule_add_array.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int, ctypes.c_uint, ctypes.POINTER(Cmp)]
lib.seccomp_export_bpf.restype = ctypes.c_int
lib.seccomp_export_bpf.argtypes = [ctypes.c_void_p, ctypes.c_int]
ALLOW = 0x7fff0000
def ERRNO(e): return 0x00050000 | (e & 0xffff)
EQ, GT, MASKED_EQ = 4, 6, 7
ctx = lib.seccomp_init(ALLOW)
if not ctx:
    sys.exit('seccomp_init failed')
def rule(action, name, *cmps):
    nr = lib.seccomp_syscall_resolve_name(name.encode())
    if nr == -1:
        return
    arr = (Cmp * len(cmps))(*[Cmp(*c) for c in cmps]) if cmps else None
    rc = lib.seccomp_rule_add_array(ctx, action, nr, len(cmps), arr)
    if rc < 0:
        sys.exit('seccomp rule for %s failed: %d' % (name, rc))
DENY = '''acct add_key adjtimex bpf chroot clock_adjtime clock_settime delete_module finit_module fsconfig fsmount
fsopen fspick init_module io_uring_enter io_uring_register io_uring_setup ioperm iopl kcmp kexec_file_load
kexec_load keyctl lookup_dcookie mount mount_setattr move_mount name_to_handle_at nfsservctl open_by_handle_at
open_tree perf_event_open personality pidfd_getfd pivot_root process_madvise process_vm_readv process_vm_writev
ptrace quotactl quotactl_fd reboot request_key setns settimeofday swapoff swapon syslog umount umount2 unshare
uselib userfaultfd ustat vhangup'''.split()
for name in DENY:
    rule(ERRNO(errno.EPERM), name)
rule(ERRNO(errno.ENOSYS), 'clone3')
# clone creating a namespace (any CLONE_NEW* flag): refused; plain fork and threads pass.
for flag in (0x00020000, 0x02000000, 0x04000000, 0x08000000, 0x10000000, 0x20000000, 0x40000000, 0x00000080):
    rule(ERRNO(errno.EPERM), 'clone', (0, MASKED_EQ, flag, flag))
# socket(): Unix (1), IPv4 (2) and IPv6 (10) only; the sandbox has no network either way.
rule(ERRNO(errno.EAFNOSUPPORT), 'socket', (0, GT, 10, 0))
for family in (0, 3, 4, 5, 6, 7, 8, 9):
    rule(ERRNO(errno.EAFNOSUPPORT), 'socket', (0, EQ, family, 0))
sys.stdout.flush()
rc = lib.seccomp_export_bpf(ctx, 1)
if rc < 0:
    sys.exit('seccomp_export_bpf failed: %d' % rc)
`;

export type SeccompFilter = { ok: true; bpf: Buffer } | { ok: false; reason: string };

let cached: SeccompFilter | undefined;

/**
 * The compiled BPF program for bubblewrap's `--seccomp FD` (built once per process with `python`), or why there is
 * none: no libseccomp here, or `DISTILL_SANDBOX_SECCOMP=0`.
 */
export function seccompFilter(python: string): SeccompFilter {
  if (cached) return cached;
  if (process.env.DISTILL_SANDBOX_SECCOMP === '0') {
    cached = { ok: false, reason: 'turned off with DISTILL_SANDBOX_SECCOMP=0' };
    return cached;
  }
  const r = spawnSync(python, ['-I', '-c', SECCOMP_PY], { timeout: 15_000, env: {}, maxBuffer: 1 << 20 });
  if (r.error) cached = { ok: false, reason: `cannot run ${python}: ${r.error.message}` };
  else if (r.status !== 0)
    cached = {
      ok: false,
      reason: `libseccomp could not build the filter: ${r.stderr.toString().trim().split('\n').at(-1) ?? `exit ${r.status}`}`,
    };
  // A classic BPF program is a whole number of 8-byte instructions.
  else if (r.stdout.length === 0 || r.stdout.length % 8 !== 0)
    cached = { ok: false, reason: `libseccomp wrote ${r.stdout.length} bytes, not a BPF program` };
  else cached = { ok: true, bpf: r.stdout };
  return cached;
}
