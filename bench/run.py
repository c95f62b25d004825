"""Load-test the production server (`make serve`) on loopback and compare every page to hello.

Run it with `make bench`. Standard library only, plus Debian's `wrk`. See bench/README.md.

Environment: BENCH_DURATION (seconds per row, default 10), BENCH_WARMUP (seconds of wrk before
each row, default 2), BENCH_CONNECTIONS (default 8), BENCH_THREADS (wrk threads, default 2),
WEB_CONCURRENCY (gunicorn workers, default 2), BENCH_PDFS (distinct PDFs rendered before the
memory reading, default 100). DATABASE_URL benchmarks PostgreSQL; without it the server gets
a throwaway SQLite file.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results.json"
LOG_DIR = BENCH / "results"  # git-ignored: the server's log and scratch files

DURATION = int(os.environ.get("BENCH_DURATION") or 10)
WARMUP = int(os.environ.get("BENCH_WARMUP") or 2)
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS") or 8)
THREADS = int(os.environ.get("BENCH_THREADS") or 2)
WORKERS = int(os.environ.get("WEB_CONCURRENCY") or 2)
PDFS = int(os.environ.get("BENCH_PDFS") or 100)
HELLO_DURATION = max(1, DURATION // 2)
START_TIMEOUT = 180
STOP_TIMEOUT = 15

# Budgets from issue 7: throughput ratio to hello, and PDF/memory limits.
RATIO_BUDGETS = {
    "plan_page": 0.40,
    "plan_json": 0.55,
    "api_evaluate": 0.50,
    "api_evaluate_new": 0.50,
    "api_plans": 0.30,
    "wizard_get": 0.12,
    "wizard_post_error": 0.12,
}
PDF_P50_BUDGET_S = 0.150
FIRST_PDF_BUDGET_S = 0.5
RSS_BUDGET_MB = 200

PLAN = json.loads((BENCH / "plan.json").read_text())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Client:
    """A tiny cookie-keeping HTTP client on urllib; redirects are not followed."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self, base: str):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), self._NoRedirect
        )

    def request(self, method, path, *, body=None, headers=None, timeout=60):
        request = urllib.request.Request(
            self.base + path, data=body, method=method, headers=headers or {}
        )
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def post_json(self, path, data):
        body = json.dumps(data).encode()
        return self.request("POST", path, body=body, headers={"Content-Type": "application/json"})

    def cookie_header(self) -> str:
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.cookies)


# --- the server -----------------------------------------------------------------------------


def start_server(port: int, scratch: Path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"BIND", "MAKEFLAGS", "MAKELEVEL", "MFLAGS"}
    }
    env.update(
        PORT=str(port),
        BENCH_HELLO="true",
        # Every request comes from 127.0.0.1: limits would turn most rows into 429s.
        RATE_LIMIT_CREATE="off",
        RATE_LIMIT_LOOKUP="off",
        WEB_CONCURRENCY=str(WORKERS),
    )
    if not env.get("DATABASE_URL"):
        env["SQLITE_PATH"] = str(scratch / "bench.sqlite3")
    log = open(LOG_DIR / "server.log", "wb")  # noqa: SIM115 (kept open for the server's life)
    process = subprocess.Popen(
        ["make", "--no-print-directory", "serve"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, so stopping it stops gunicorn too
    )
    return process, log


def wait_until_up(base: str, process) -> float:
    started = time.monotonic()
    while time.monotonic() - started < START_TIMEOUT:
        if process.poll() is not None:
            raise SystemExit(
                f"The server exited ({process.returncode}); see bench/results/server.log"
            )
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return time.monotonic() - started
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("The server did not answer /healthz in time; see bench/results/server.log")


def stop_server(process) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=STOP_TIMEOUT)
    except ProcessLookupError:
        pass


def _children() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    return children


def gunicorn_workers(process) -> list[int]:
    """Return the worker pids: the children of the gunicorn master that `make serve` started."""
    children = _children()
    pending = list(children.get(process.pid, []))
    while pending:
        pid = pending.pop(0)
        if b"gunicorn" in _cmdline(pid):
            return sorted(children.get(pid, []))
        pending.extend(children.get(pid, []))
    return []


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def rss_mb(pid: int) -> float | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
    return round(int(match[1]) / 1024, 1) if match else None


# --- measuring ------------------------------------------------------------------------------


def wrk(url: str, *, seconds: int, script: str, headers=(), env=None) -> dict:
    command = [
        "wrk",
        f"-t{THREADS}",
        f"-c{CONNECTIONS}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "--latency",
        "-s",
        script,
    ]
    for header in headers:
        command += ["-H", header]
    command.append(url)
    result = subprocess.run(
        command,
        cwd=BENCH,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=False,
    )
    line = next((x for x in result.stdout.splitlines() if x.startswith("BENCH_JSON ")), None)
    if result.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({result.returncode}): {result.stderr or result.stdout}")
    data = json.loads(line.removeprefix("BENCH_JSON "))
    seconds_run = data["duration_us"] / 1e6
    errors = sum(data[key] for key in ("connect", "read", "write", "status", "timeout"))
    return {
        "requests": data["requests"],
        "rps": round(data["requests"] / seconds_run, 1),
        "p50_ms": round(data["p50_us"] / 1000, 2),
        "p90_ms": round(data["p90_us"] / 1000, 2),
        "p99_ms": round(data["p99_us"] / 1000, 2),
        "max_ms": round(data["max_us"] / 1000, 2),
        "errors": errors,
        "error_detail": {k: data[k] for k in ("connect", "read", "write", "status", "timeout")},
        "kb_per_response": round(data["bytes"] / max(1, data["requests"]) / 1024, 1),
    }


def timed(client: Client, method: str, path: str, **kwargs) -> tuple[float, int, bytes]:
    started = time.perf_counter()
    status, _, body = client.request(method, path, **kwargs)
    return time.perf_counter() - started, status, body


def create_plan(client: Client, name: str) -> dict:
    status, _, body = client.post_json("/api/plans", {**PLAN, "name": name})
    if status != 201:
        raise RuntimeError(f"POST /api/plans answered {status}: {body[:300]!r}")
    return json.loads(body)


def start_wizard(client: Client) -> tuple[str, str]:
    """Open a wizard run; return (step path, CSRF token from its form)."""
    status, headers, _ = client.request("GET", "/wizard/")
    if status != 302:
        raise RuntimeError(f"GET /wizard/ answered {status}, not a redirect")
    path = urllib.parse.urlsplit(headers["Location"]).path
    status, _, body = client.request("GET", path)
    if status != 200:
        raise RuntimeError(f"GET {path} answered {status}")
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if not match:
        raise RuntimeError("No CSRF token in the wizard's first step")
    return path, match[1].decode()


def pdf_renders(base: str, count: int, *, concurrency: int, stop: threading.Event | None = None):
    """Render `count` PDFs of distinct plans (no cache hits); return each render's seconds."""
    timings: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    counter = iter(range(count))

    def work():
        client = Client(base)
        while stop is None or not stop.is_set():
            with lock:
                number = next(counter, None)
            if number is None:
                return
            plan = create_plan(client, f"Bench plan {number} {time.time_ns()}")
            seconds, status, body = timed(client, "GET", plan["links"]["pdf"])
            with lock:
                if status == 200 and body.startswith(b"%PDF"):
                    timings.append(seconds)
                else:
                    failures.append(str(status))

    threads = [threading.Thread(target=work) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings, failures


def percentile(values: list[float], fraction: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 1)


# --- the run --------------------------------------------------------------------------------


def rows_for(base: str, plan: dict, wizard: dict, scratch: Path) -> list[dict]:
    plan_body = scratch / "plan.json"
    plan_body.write_text(json.dumps(PLAN))
    wizard_body = scratch / "wizard-post.txt"
    # The server step without an answer: the form comes back with an error (status 200).
    wizard_body.write_text(
        urllib.parse.urlencode(
            {"csrfmiddlewaretoken": wizard["csrf"], f"{wizard['prefix']}-current_step": "server"}
        )
    )
    json_env = {"BENCH_BODY_FILE": str(plan_body), "BENCH_CONTENT_TYPE": "application/json"}
    form_env = {
        "BENCH_BODY_FILE": str(wizard_body),
        "BENCH_CONTENT_TYPE": "application/x-www-form-urlencoded",
    }
    cookie = [f"Cookie: {wizard['cookie']}"]
    return [
        {"key": "hello", "label": "hello view (baseline)", "path": "/__bench/hello"},
        {"key": "healthz", "label": "GET /healthz", "path": "/healthz"},
        {
            "key": "wizard_get",
            "label": "wizard step GET",
            "path": wizard["path"],
            "headers": cookie,
        },
        {
            "key": "wizard_post_error",
            "label": "wizard step POST, error",
            "path": wizard["path"],
            "headers": cookie,
            "script": "post.lua",
            "env": form_env,
        },
        {"key": "plan_page", "label": "plan page", "path": plan["links"]["html"]},
        {"key": "plan_json", "label": "plan JSON", "path": plan["links"]["json"]},
        {
            "key": "api_evaluate",
            "label": "POST /api/evaluate",
            "path": "/api/evaluate",
            "script": "post.lua",
            "env": json_env,
            "expect": 200,
        },
        {
            "key": "api_evaluate_new",
            "label": "POST /api/evaluate, new answers",
            "path": "/api/evaluate",
            "script": "vary.lua",
            "env": json_env,
            "expect": 200,
        },
        {
            "key": "api_plans",
            "label": "POST /api/plans",
            "path": "/api/plans",
            "script": "post.lua",
            "env": json_env,
            "expect": 201,
        },
        {"key": "pdf", "label": "PDF (same plan: cached)", "path": plan["links"]["pdf"]},
    ]


def check_row(client: Client, row: dict) -> None:
    """Fail early if a row's request does not get the answer it is meant to measure."""
    headers = dict(header.split(": ", 1) for header in row.get("headers", ()))
    body = None
    if row.get("script") in ("post.lua", "vary.lua"):
        body = Path(row["env"]["BENCH_BODY_FILE"]).read_bytes()
        headers["Content-Type"] = row["env"]["BENCH_CONTENT_TYPE"]
    request = urllib.request.Request(
        client.base + row["path"], data=body, headers=headers, method="POST" if body else "GET"
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status, text = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, text = error.code, error.read()
    expected = row.get("expect", 200)
    if status != expected:
        raise RuntimeError(f"{row['label']}: expected {expected}, got {status}: {text[:300]!r}")
    if row["key"] == "wizard_post_error" and b"is-invalid" not in text and b"error" not in text:
        raise RuntimeError("The wizard POST did not come back with an error message")


def main() -> int:
    if shutil.which("wrk") is None:
        print("wrk is not installed: sudo apt-get install wrk", file=sys.stderr)
        return 2
    LOG_DIR.mkdir(exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="bench-", dir=LOG_DIR))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    results: dict = {
        "meta": {
            "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "commit": _git_commit(),
            "duration_s": DURATION,
            "warmup_s": WARMUP,
            "connections": CONNECTIONS,
            "wrk_threads": THREADS,
            "gunicorn_workers": WORKERS,
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "database": "postgresql" if os.environ.get("DATABASE_URL") else "sqlite",
        }
    }
    process, log = start_server(port, scratch)
    try:
        results["meta"]["startup_s"] = round(wait_until_up(base, process), 2)
        client = Client(base)

        # The first PDF after start: WeasyPrint should already be loaded (before forking).
        plan = create_plan(client, "Contoso mail flow")
        first_pdf, status, _ = timed(client, "GET", plan["links"]["pdf"])
        results["pdf"] = {"first_after_start_ms": ms(first_pdf), "first_status": status}
        workers = gunicorn_workers(process)
        results["memory"] = {"workers": workers, "rss_mb_at_start": [rss_mb(p) for p in workers]}

        wizard_client = Client(base)
        path, csrf = start_wizard(wizard_client)
        run = path.strip("/").split("/")[1]
        wizard = {
            "path": path,
            "csrf": csrf,
            "prefix": f"plan_wizard_{run}",
            "cookie": wizard_client.cookie_header(),
        }

        rows = rows_for(base, plan, wizard, scratch)
        hello_row = rows[0]
        hello_runs = []  # hello again between rows: the machine's load drifts during a run

        def measure(row, seconds):
            script = row.get("script", "get.lua")
            headers, env = row.get("headers", ()), row.get("env")
            if WARMUP:
                wrk(base + row["path"], seconds=WARMUP, script=script, headers=headers, env=env)
            return wrk(base + row["path"], seconds=seconds, script=script, headers=headers, env=env)

        for row in rows:
            check_row(client, row)
            row.update(measure(row, DURATION))
            if row is hello_row:
                hello_runs.append(row["rps"])
            else:
                hello_runs.append(measure(hello_row, HELLO_DURATION)["rps"])
                # The ratio to the mean of the hello runs just before and just after this row.
                row["hello_rps_adjacent"] = round(statistics.mean(hello_runs[-2:]), 1)
            print(f"  {row['label']:<28} {row['rps']:>8.1f} req/s", flush=True)
        hello_row["hello_rps_adjacent"] = round(statistics.mean(hello_runs), 1)
        results["meta"]["hello_rps_runs"] = hello_runs
        for row in rows:
            adjacent = row["hello_rps_adjacent"]
            row["ratio"] = round(row["rps"] / adjacent, 3) if adjacent else None
            for key in ("headers", "env", "script"):
                row.pop(key, None)
        results["rows"] = rows

        # PDFs a client really waits for: distinct plans, one at a time, then two at a time.
        warm = [timed(client, "GET", plan["links"]["pdf"])[0] for _ in range(20)]
        sequential, failures = pdf_renders(base, 5, concurrency=1)
        results["pdf"].update(
            warm_p50_ms=ms(percentile(warm, 0.5)),
            warm_p99_ms=ms(percentile(warm, 0.99)),
            render_p50_ms=ms(percentile(sequential, 0.5)),
            render_p99_ms=ms(percentile(sequential, 0.99)),
            render_failures=failures,
        )

        # Starvation: the plan page while PDFs of new plans render non-stop on every worker.
        stop = threading.Event()
        background = threading.Thread(
            target=pdf_renders, args=(base, 10_000), kwargs={"concurrency": WORKERS, "stop": stop}
        )
        background.start()
        try:
            loaded = wrk(base + plan["links"]["html"], seconds=DURATION, script="get.lua")
        finally:
            stop.set()
            background.join(timeout=120)
        loaded.update(key="plan_page_during_pdfs", label="plan page while PDFs render")
        hello = measure(hello_row, HELLO_DURATION)["rps"]
        loaded["hello_rps_adjacent"] = hello
        loaded["ratio"] = round(loaded["rps"] / hello, 3) if hello else None
        results["rows"].append(loaded)

        # Memory after at least PDFS distinct renders.
        timings, failures = pdf_renders(base, PDFS, concurrency=WORKERS)
        results["memory"].update(
            pdfs_rendered=len(timings) + len(sequential),
            rss_mb_after_pdfs=[rss_mb(p) for p in workers],
            render_failures=failures,
            concurrent_render_p50_ms=ms(percentile(timings, 0.5)),
        )
    finally:
        stop_server(process)
        log.close()
        shutil.rmtree(scratch, ignore_errors=True)

    results["budgets"] = budgets(results)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print_table(results)
    print(f"\nWrote {RESULTS.relative_to(ROOT)}")
    return 0


def budgets(results: dict) -> list[dict]:
    rows = {row["key"]: row for row in results["rows"]}
    checks = []
    for key, goal in RATIO_BUDGETS.items():
        ratio = rows[key]["ratio"]
        checks.append(
            {
                "budget": f"{rows[key]['label']} ≥ {goal:.0%} of hello",
                "value": f"{ratio:.1%}",
                "met": ratio >= goal,
            }
        )
    pdf = results["pdf"]
    for label, value, goal in (
        ("PDF p50 warm (same plan again, one client)", pdf["warm_p50_ms"], PDF_P50_BUDGET_S),
        ("PDF p50 of a new plan (full render)", pdf["render_p50_ms"], PDF_P50_BUDGET_S),
        ("first PDF after start", pdf["first_after_start_ms"], FIRST_PDF_BUDGET_S),
    ):
        checks.append(
            {
                "budget": f"{label} ≤ {goal * 1000:.0f} ms",
                "value": f"{value} ms",
                "met": value is not None and value <= goal * 1000,
            }
        )
    after = [mb for mb in results["memory"]["rss_mb_after_pdfs"] if mb is not None]
    worst = max(after) if after else None
    checks.append(
        {
            "budget": f"worker RSS after {results['memory']['pdfs_rendered']} PDFs ≤ {RSS_BUDGET_MB} MB",
            "value": f"{worst} MB",
            "met": worst is not None and worst <= RSS_BUDGET_MB,
        }
    )
    errors = sum(row["errors"] for row in results["rows"])
    checks.append(
        {"budget": "no errors (non-2xx/3xx, socket)", "value": str(errors), "met": errors == 0}
    )
    return checks


def print_table(results: dict) -> None:
    meta = results["meta"]
    print(
        f"\n{meta['gunicorn_workers']} gunicorn workers, {meta['connections']} connections, "
        f"{meta['duration_s']} s a row, {meta['database']}, {meta['cpus']} CPUs, commit {meta['commit']}\n"
    )
    header = (
        f"{'row':<30} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} "
        f"{'hello':>8} {'vs hello':>9}"
    )
    print(header)
    print("-" * len(header))
    for row in results["rows"]:
        print(
            f"{row['label']:<30} {row['rps']:>8.1f} {row['p50_ms']:>8.2f} {row['p99_ms']:>8.2f} "
            f"{row['errors']:>7} {row['hello_rps_adjacent']:>8.1f} {row['ratio']:>9.1%}"
        )
    pdf, memory = results["pdf"], results["memory"]
    print(
        f"\nPDF: first after start {pdf['first_after_start_ms']} ms; same plan again (warm) "
        f"p50 {pdf['warm_p50_ms']} ms; a new plan (full render), one at a time, "
        f"p50 {pdf['render_p50_ms']} ms, p99 {pdf['render_p99_ms']} ms"
    )
    print(
        f"Worker RSS: {memory['rss_mb_at_start']} MB at start, {memory['rss_mb_after_pdfs']} MB "
        f"after {memory['pdfs_rendered']} PDFs"
    )
    print("\nBudgets:")
    for check in results["budgets"]:
        print(f"  [{'met' if check['met'] else 'MISSED'}] {check['budget']}: {check['value']}")


def _git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


if __name__ == "__main__":
    sys.exit(main())
