"""The private filesystem an untrusted command sees: bubblewrap's arguments, built purely.

An allow-list, not a deny-list: the command sees the system read-only (/usr and the few
/etc files a Python program needs), the folders it is given read-only (its environment, the
interpreter that environment was made from) or writable (its own copy of the submission, its
data), a private /tmp, /var/tmp and /dev/shm, its own /proc and a minimal /dev. Nothing else
exists for it: no hidden tests, no grader, no other learner's submission, no other grading's
work, no home folder, no sockets of the host.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

# Top-level system folders: merged-/usr systems have them as links into /usr.
SYSTEM_FOLDERS = ("bin", "sbin", "lib", "lib32", "lib64", "libx32")
# What a Python program needs from /etc (dynamic linker, certificates, time zone, names).
ETC_ENTRIES = (
    "alternatives",
    "ca-certificates",
    "ca-certificates.conf",
    "group",
    "host.conf",
    "hosts",
    "ld.so.cache",
    "ld.so.conf",
    "ld.so.conf.d",
    "localtime",
    "mime.types",
    "nsswitch.conf",
    "os-release",
    "passwd",
    "protocols",
    "services",
    "ssl",
)
PRIVATE_TMP = ("/tmp", "/var/tmp", "/dev/shm")
VISIBLE_ROOTS = ("/usr", "/etc", "/proc", "/dev", *PRIVATE_TMP)


def view_args(
    bwrap: str,
    *,
    writable: Sequence[Path],
    readable: Sequence[Path],
    cwd: Path,
    isolate_network: bool,
    root: Path = Path("/"),
) -> list[str]:
    """The `bwrap … --` prefix that runs a command inside its private view.

    `root` is where the host's system folders are read from (a test may point it elsewhere)."""
    args = [
        bwrap,
        "--die-with-parent",  # the grader gone, everything in the view goes with it
        "--unshare-pid",  # its own pid namespace: it sees and signals only its own processes
        "--unshare-ipc",
        "--unshare-uts",
        "--unshare-cgroup-try",
        "--hostname",
        "grading",
    ]
    if isolate_network:
        args.append("--unshare-net")  # only a loopback of its own
    args += _system(root)
    args += ["--proc", "/proc", "--dev", "/dev", "--dir", "/var"]
    for folder in PRIVATE_TMP:
        args += ["--perms", "1777", "--tmpfs", folder]
    args += _granted(readable, writable)
    return [*args, "--chdir", str(cwd), "--"]


def _system(root: Path) -> list[str]:
    args = ["--ro-bind", str(root / "usr"), "/usr"]
    for name in SYSTEM_FOLDERS:
        host = root / name
        if host.is_symlink():
            args += ["--symlink", str(host.readlink()), f"/{name}"]
        elif host.is_dir():
            args += ["--ro-bind", str(host), f"/{name}"]
    args += ["--perms", "0755", "--dir", "/etc"]
    for name in ETC_ENTRIES:
        args += ["--ro-bind-try", str(root / "etc" / name), f"/etc/{name}"]
    return args


def _granted(readable: Sequence[Path], writable: Sequence[Path]) -> list[str]:
    """Folders bound at their own paths, parents first, each parent made traversable."""
    grants = [(p, "--ro-bind") for p in readable if not _already_visible(p)]
    grants += [(p, "--bind") for p in writable]
    args: list[str] = []
    made: set[Path] = set()
    for path, how in sorted(grants, key=lambda grant: len(grant[0].parts)):
        for parent in reversed(path.parents):
            if parent not in made and not _is_view_root(parent):
                args += ["--perms", "0755", "--dir", str(parent)]
                made.add(parent)
        args += [how, str(path), str(path)]
        made.add(path)
    return args


def _already_visible(path: Path) -> bool:
    """Read-only folders inside /usr need no binding of their own."""
    return path == Path("/usr") or Path("/usr") in path.parents


def _is_view_root(path: Path) -> bool:
    """Folders that exist in every view (the root and the private /tmp and friends)."""
    return path == Path("/") or str(path) in VISIBLE_ROOTS or path == Path("/var")
