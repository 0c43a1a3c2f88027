"""What one submission may use: memory, file sizes, processes, and whose rights it runs with.

A runaway submission (an allocation without end, a file written in a loop, a fork bomb)
must cost its own questions, never the batch or the machine. The grader's worker applies
`Limits` to itself (`apply`) as its first act, after reading its job and before any code
of the submission runs, so they hold for every cell and every process the submission starts:

- memory: RLIMIT_DATA, a process's private writable memory (heap and anonymous maps, where
  NumPy and TensorFlow keep their arrays; not the address space TensorFlow only reserves,
  which RLIMIT_AS would count). Past it an allocation fails with MemoryError.
- file size: RLIMIT_FSIZE, with SIGXFSZ ignored, so a write past it fails with OSError
  (errno EFBIG) instead of killing the process.
- processes: RLIMIT_NPROC. Linux counts it per *user* (every process and thread of that
  user) and never applies it to root. So the limit is the number of tasks the worker's
  user has when it starts, plus the allowance; and when the grader runs as root
  (Gradescope, a container, this book's CI) each worker becomes a user of its own first
  (`become`): a user id no account has, chosen at random by the grader, under which the
  limit holds and counts that worker's tasks only. It keeps one privilege of root,
  CAP_DAC_READ_SEARCH (read any file), so that it can still load Python and its packages
  wherever they are installed; it cannot write the grader's files, signal its processes,
  or exceed the limit. The grader ends every process of that user when the run is over
  (`end_all`), wherever it went.
- core dumps: none (RLIMIT_CORE 0).
- memory of all its processes together: the grader reads the proportional set size of the
  worker's processes (`resident_mb`: a page that forked processes share counts once) five
  times a second: the worker and its descendants, and once a second every process of the
  worker's user, under a root grader. Past `total_memory_mb` it ends them all. So forking
  does not multiply the memory a submission may use.

The worker sets these itself rather than in a `preexec_fn`, because the grader's process
may run TensorFlow's threads by then, and Python documents `preexec_fn` as unsafe in a
process with threads.

What they do not cover (grade untrusted work in a container): memory allocated faster than
the grader looks can exceed the total for that moment, and under a grader that is not root
a process that leaves the worker's tree (a daemon) is not counted; the file-size limit is
per file, not a disk quota; the network is not restricted; a worker
of a root grader reads every file of the machine (as root could); and a root grader whose
system refuses the change of user (no CAP_SETUID, or Python installed where other users
cannot read it and CAP_DAC_READ_SEARCH not allowed) runs the submission as root, where the
process limit does not apply.
"""

from __future__ import annotations

import ctypes
import os
import random
import resource
import signal
import stat
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

MB = 1 << 20

# The user ids given to workers when the grader runs as root: far above any account's,
# drawn at random so that two graders on one machine almost never share one.
UID_FIRST, UID_COUNT = 1 << 30, 1 << 20

CAP_DAC_READ_SEARCH = 2
PR_SET_KEEPCAPS, PR_SET_NO_NEW_PRIVS, PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE = 8, 38, 47, 2


@dataclass(frozen=True)
class Limits:
    memory_mb: int = 4096  # private memory of each process of the submission
    total_memory_mb: int = 6144  # resident memory of all its processes together
    file_size_mb: int = 256  # largest file it may write
    processes: int = 512  # processes and threads it may add (TensorFlow alone runs ~20 on 2 cores)
    user: int | None = None  # the user id the worker becomes (set by a root grader)

    def as_job(self) -> dict:
        return asdict(self)

    @classmethod
    def from_job(cls, job: dict | None) -> Limits:
        return cls(**job) if job else cls()

    def apply(self) -> None:
        """Limit this process and every process it starts (the worker calls it on itself)."""
        if self.user is not None and os.geteuid() == 0:
            become(self.user)
        _lower(resource.RLIMIT_DATA, self.memory_mb * MB)
        _lower(resource.RLIMIT_FSIZE, self.file_size_mb * MB)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
        _lower(resource.RLIMIT_CORE, 0)
        _lower(resource.RLIMIT_NPROC, tasks_of(os.getuid()) + self.processes)

    def explain(self, error: BaseException) -> str:
        """Why an error may come from a limit, for the learner's message ("" if not)."""
        if isinstance(error, MemoryError):
            return f" (the grader allows {self.memory_mb} MB of memory per process)"
        if isinstance(error, OSError) and error.errno == 27:  # EFBIG
            return f" (the grader allows files of at most {self.file_size_mb} MB)"
        if isinstance(error, OSError) and error.errno == 11:  # EAGAIN, as fork() and threads report it
            return f" (the grader allows {self.processes} more processes and threads)"
        return ""


def _lower(which: int, value: int) -> None:
    """Set a limit to `value`, never above the hard limit already in force."""
    _, hard = resource.getrlimit(which)
    value = value if hard == resource.RLIM_INFINITY else min(value, hard)
    resource.setrlimit(which, (value, value))


def _status(pid: str) -> dict[str, str]:
    try:
        text = Path("/proc", pid, "status").read_text()
    except OSError:
        return {}  # it ended meanwhile
    return dict(line.split(":\t", 1) for line in text.splitlines() if ":\t" in line)


def _pids_of(uid: int) -> list[tuple[int, dict]]:
    """The processes whose real user is `uid`, with their /proc status."""
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            fields = _status(entry.name)
            if fields.get("Uid", "-1").split()[0] == str(uid):
                found.append((int(entry.name), fields))
    return found


def resident_mb(pids) -> float:
    """The memory these processes use together, in MB: the sum of their proportional set
    sizes (a page shared by n of them counts 1/n in each, so forked children that share
    their parent's pages are not counted again); resident sizes where the kernel gives no
    PSS. Processes that have ended count 0."""
    kb = 0
    for pid in pids:
        try:
            text = Path(f"/proc/{pid}/smaps_rollup").read_text()
            kb += int(next(line for line in text.splitlines() if line.startswith("Pss:")).split()[1])
        except (OSError, StopIteration, ValueError, IndexError):
            try:
                kb += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
            except (OSError, ValueError, IndexError):
                continue  # it ended meanwhile
    return kb / 1024


def cpu_seconds(worker: int, pids) -> float:
    """The CPU time these processes have used, and the children that `worker` has reaped."""
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # it ended meanwhile
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
        if pid == worker:
            ticks += int(fields[13]) + int(fields[14])  # cutime, cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def pids_of(uid: int) -> list[int]:
    """The processes whose real user is `uid`."""
    return [pid for pid, _ in _pids_of(uid)]


def tasks_of(uid: int) -> int:
    """The processes and threads that user `uid` has now: what RLIMIT_NPROC counts."""
    return sum(int(fields.get("Threads", "1")) for _, fields in _pids_of(uid))


def worker_user() -> int | None:
    """A fresh user id for one worker when this process is root, else None."""
    if os.geteuid() != 0:
        return None
    return UID_FIRST + random.SystemRandom().randrange(UID_COUNT)


def live_pids_of(uid: int) -> list[int]:
    """The processes of user `uid` that still run: not the zombies, which are dead and wait
    only for a parent to collect them (in a container whose first process never collects
    orphans, they stay)."""
    return [pid for pid, fields in _pids_of(uid) if not fields.get("State", "").startswith("Z")]


def end_all(uid: int, patience: float = 5.0) -> None:
    """Kill every process of user `uid` (a worker's), wherever it went: a new session, a
    daemon. Repeated until none runs, since one may fork while the others are killed, and
    a killed process takes a moment to die; gives up after `patience` seconds."""
    deadline = time.monotonic() + patience
    while alive := live_pids_of(uid):
        for pid in alive:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if time.monotonic() > deadline:
            return
        time.sleep(0.01)


# --- becoming another user (a worker started by a root grader) ---------------------------

class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


def _bounding_has(cap: int) -> bool:
    return bool(int(_status("self").get("CapBnd", "0"), 16) >> cap & 1)


def _others_can_read(path: str) -> bool:
    """Whether a user with no privilege can read `path` (search every folder above it)."""
    path = os.path.realpath(path)
    parts = Path(path).parents
    try:
        if not all(os.stat(p).st_mode & stat.S_IXOTH for p in parts):
            return False
        mode = os.stat(path).st_mode
    except OSError:
        return True  # nothing there to read
    return bool(mode & stat.S_IROTH) and (not stat.S_ISDIR(mode) or bool(mode & stat.S_IXOTH))


def become(uid: int) -> bool:
    """Turn this root process into user `uid` (group `uid`, no other groups), keeping
    only CAP_DAC_READ_SEARCH (in its ambient set too, so that programs it runs keep it)
    where the system allows it, and never gaining privileges again through setuid
    programs. Where that capability is not allowed, it changes user only if Python and
    its packages are readable by every user. Returns whether it changed user."""
    libc = ctypes.CDLL(None, use_errno=True)
    keep = _bounding_has(CAP_DAC_READ_SEARCH)
    if not keep and not all(_others_can_read(p) for p in [sys.executable, os.__file__, *sys.path] if p):
        return False
    try:
        if keep and libc.prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0:
            return False
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
    except OSError:
        return False
    if keep:
        data = (_CapData * 2)()
        data[0].effective = data[0].permitted = data[0].inheritable = 1 << CAP_DAC_READ_SEARCH
        libc.capset(ctypes.byref(_CapHeader(0x20080522, 0)), data)  # version 3
        libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_DAC_READ_SEARCH, 0, 0)
        libc.prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0)
    libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    return True
