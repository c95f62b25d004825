"""Run the web server and the task worker together; stop both when either stops or on a signal.

    python -m planner_ops.launch "gunicorn -c gunicorn.conf.py planner.wsgi" "manage.py db_worker"

`make run` and `make serve` use it, so one command still starts everything. Each command runs
in its own process group, so stopping it also stops what it started (runserver's and the
worker's autoreloaders run the real server in a child process). SIGINT, SIGTERM and SIGHUP
are passed on as SIGTERM; whatever has not exited STOP_SECONDS later is killed. The exit
status is the first command's to stop.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import subprocess
import sys
import time

STOP_SECONDS = 30


def main(commands: list[str]) -> int:
    if not commands:
        print(__doc__, file=sys.stderr)
        return 2
    processes = [
        subprocess.Popen(shlex.split(command), start_new_session=True) for command in commands
    ]
    stopping = False

    def stop(signum, frame):
        nonlocal stopping
        stopping = True

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, stop)
    status = None
    while not stopping and status is None:
        for process in processes:
            if process.poll() is not None:
                status = process.returncode
                print(
                    f"launch: {process.args[0]} exited ({status}); stopping the rest",
                    file=sys.stderr,
                )
                break
        else:
            time.sleep(0.2)
    _stop_all(processes)
    return 0 if status is None else status


def _stop_all(processes) -> None:
    for process in processes:
        _signal_group(process, signal.SIGTERM)
    deadline = time.monotonic() + STOP_SECONDS
    for process in processes:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
    for process in processes:
        # Also reaps what a command left behind in its group (an autoreloader's child).
        _signal_group(process, signal.SIGKILL)
        process.wait()


def _signal_group(process, signum) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signum)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
