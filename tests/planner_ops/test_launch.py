"""planner_ops.launch: the web server and the worker start together and stop together."""

import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def launch(*commands):
    return subprocess.Popen(
        [sys.executable, "-m", "planner_ops.launch", *commands],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def alive(pid: int) -> bool:
    """Say whether `pid` still runs (a zombie waiting for its parent to reap it does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def wait_for_pids(path: Path, count: int) -> list[int]:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        pids = path.read_text().split() if path.exists() else []
        if len(pids) == count:
            return [int(pid) for pid in pids]
        time.sleep(0.05)
    raise AssertionError(f"only {pids} started")


def test_sigterm_stops_both_commands_and_what_they_started(tmp_path):
    pids = tmp_path / "pids"
    # Each command starts a child of its own, as runserver's autoreloader does.
    command = f"sh -c 'sleep 600 & echo $! >> {pids}; echo $$ >> {pids}; wait'"
    launcher = launch(command, command)
    started = wait_for_pids(pids, 4)
    launcher.send_signal(signal.SIGTERM)
    assert launcher.wait(timeout=30) == 0
    time.sleep(0.2)
    assert not [pid for pid in started if alive(pid)]


def test_when_one_command_exits_the_other_is_stopped(tmp_path):
    pids = tmp_path / "pids"
    launcher = launch(f"sh -c 'echo $$ >> {pids}; exec sleep 600'", "sh -c 'sleep 0.5; exit 3'")
    (survivor,) = wait_for_pids(pids, 1)
    assert launcher.wait(timeout=30) == 3
    time.sleep(0.2)
    assert not alive(survivor)
    assert b"exited (3); stopping the rest" in launcher.stdout.read()
