"""An inspection day of a province under load (issue 16): inspectors filling in their forms on phones while reviewers
page through the league table and the hazards, against gunicorn and PostgreSQL on this machine.

Usage::

    .venv/bin/python benchmarks/load_day.py                     # 300 inspectors, 20 reviewers, 1 server × 4 workers
    .venv/bin/python benchmarks/load_day.py --servers 2         # two servers on two ports, one database
    .venv/bin/python benchmarks/load_day.py --reuse             # keep the province a previous run generated

It prepares a PostgreSQL database of its own (``scripts/test-postgres.sh``, database ``careinspect_load_day``): a
synthetic province (``generate_dataset``, 20,000 facilities × 2 years by default, so the table and hazards have a
province's size), then --inspectors inspectors of the 住建 department, each with a building-safety inspection planned
for today, and --reviewers reviewers. It starts gunicorn (--workers each) on 127.0.0.1 with one shared SECRET_KEY,
so a session or token taken from one server is valid on the other: with two servers every simulated user sends its
requests to both in turn.

Each inspector does what the phone form does (``inspection/static/js/sync.js``): logs in, opens the form page, takes
an API token with the page's CSRF token, reads the inspection, saves its answers (``PUT
/api/v1/inspections/<id>/answers``), uploads two JPEG photos of its two failed items and submits. Each reviewer logs in
and pages through the league table (first and random pages, a filter, the trend sort) and the hazards list until every
inspector is done. Traffic goes to 127.0.0.1 only; the run stops by itself after --time-limit seconds at most (setup
included), then prints throughput, p50/p95/p99 per request type, the errors and the issue's aims with PASS or FAIL,
and stops the servers.

Pacing, chosen from the issue (an inspection day: 300 inspectors each doing one inspection) and from the phone's
code, not from what the server can take:

- an inspector answers an item every --item-seconds (5 s: look, tap pass or fail); a failure takes --photo-seconds
  more (15 s: a note and a photo). The phone saves at each answer what is waiting to be sent (sync.js flushes after
  every answer), so a save carries 1 to --batch answers (1–3: more when the network lagged);
- a reviewer reads each page for --read-seconds (6 s) before the next;
- every time is drawn between half and one and a half times its mean, and the inspectors arrive over --ramp seconds.

The compression is in the day, not in the people: a real inspection day spreads 300 inspections over about eight
hours; here all of them start within --ramp seconds, so every inspector of the province is at work at the same
moment. That is a peak far above the day's average, on purpose.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from PIL import Image  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from inspection import create_app  # noqa: E402
from inspection.demo.county import DEMO_PASSWORD  # noqa: E402
from inspection.demo.generate import generate_dataset  # noqa: E402
from inspection.extensions import db  # noqa: E402
from inspection.models import Department, Facility, InspectionPurpose, Region, Role, User  # noqa: E402
from inspection.passwords import use_fast_hashing  # noqa: E402
from inspection.services import Actor  # noqa: E402
from inspection.services.checklists import checklist_of, import_shipped_checklists  # noqa: E402
from inspection.services.planning import start_inspection  # noqa: E402
from inspection.services.submission import facility_facts  # noqa: E402
from inspection.services.users import create_user  # noqa: E402

SECRET_KEY = "load-day-secret-key-shared-by-every-server-0123456789abcdef"
CHECKLIST = "building_safety"
DEPARTMENT = "zj"
SETUP = Actor(None, "load_day")
SAVE = "save answers"
RANKING = "ranking page"
#: The issue's aims: p95 in milliseconds of these request types.
AIMS_P95_MS = {SAVE: 300, RANKING: 300}
#: The run, setup and shutdown included, must stop by itself within five minutes.
RUN_LIMIT_S = 300


@dataclass
class Job:
    """What one simulated inspector does: the inspection, the items to answer and the two to fail (with photos)."""

    username: str
    inspection_id: int
    items: list[str]
    failed: list[str]


@dataclass
class Stats:
    samples: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def add(self, kind: str, started: float, status: int, expected: tuple[int, ...] = (200,)) -> None:
        self.samples[kind].append((time.perf_counter() - started) * 1000)
        if status not in expected:
            self.errors[kind].append(str(status))


def build_app(url: str):
    return create_app({"SECRET_KEY": SECRET_KEY, "SQLALCHEMY_DATABASE_URI": url, "TESTING": True})


def database_url(reuse: bool) -> str:
    env = {**os.environ, "CAREINSPECT_TEST_DB": "careinspect_load_day"}
    script = ROOT / "scripts" / "test-postgres.sh"
    if reuse:
        name = subprocess.run([str(script), "--name"], check=True, capture_output=True, text=True, env=env).stdout
        return f"postgresql+psycopg://careinspect:careinspect@127.0.0.1:5432/{name.strip()}"
    return subprocess.run([str(script)], check=True, capture_output=True, text=True, env=env).stdout.strip()


def prepare(url: str, args: argparse.Namespace) -> tuple[list[Job], list[str]]:
    """Migrate, generate the province (unless reused), and plan today's inspections; return the inspectors' jobs
    and the reviewers' usernames."""
    app = build_app(url)
    with app.app_context():
        upgrade()
        home = db.session.scalar(select(Region).where(Region.name.like("合成县%")).order_by(Region.id))
        if home is None:
            import_shipped_checklists(SETUP)
            started = time.perf_counter()
            generate_dataset(args.facilities, args.years, seed=2026)
            db.session.commit()
            elapsed = time.perf_counter() - started
            print(f"  generated {args.facilities} facilities × {args.years} years in {elapsed:.0f} s")
            home = db.session.scalar(select(Region).where(Region.name.like("合成县%")).order_by(Region.id))
        run = uuid.uuid4().hex[:6]  # new accounts and inspections each run: the day starts afresh
        department = db.session.scalar(
            select(Department).where(Department.region_id == home.id, Department.code == DEPARTMENT)
        )
        people = [_user(f"ld{run}_i{n:03d}", Role.INSPECTOR, home, department) for n in range(args.inspectors + 1)]
        reviewers = [_user(f"ld{run}_r{n:02d}", Role.REVIEWER, home, department) for n in range(args.reviewers)]
        facilities = list(
            db.session.scalars(
                select(Facility).join(Region).where(Region.path.like(f"{home.path}%")).order_by(func.random())
            ).all()[: args.inspectors]
        )
        lead = db.session.scalar(select(Department).where(Department.region_id == home.id, Department.code == "mz"))
        jobs = []
        for n, facility in enumerate(facilities):
            team = {DEPARTMENT: [people[n], people[n + 1]]}
            inspection = start_inspection(
                facility, [CHECKLIST], date.today(), InspectionPurpose.ROUTINE, lead, team, SETUP
            )
            facts = facility_facts(facility).true_facts()
            items = [i for ic in inspection.checklists for i in checklist_of(ic.version).items() if i.applies_to(facts)]
            failed = [i.code for i in items if i.photo_on_fail][:2]
            jobs.append(Job(people[n].username, inspection.id, [i.code for i in items], failed))
        names = [r.username for r in reviewers]
        db.session.commit()
        db.engine.dispose()
    return jobs, names


def _user(username: str, role: Role, home: Region, department: Department) -> User:
    data = {"username": username, "display_name": username, "role": role, "region_id": home.id, "active": True}
    return create_user({**data, "department_id": department.id}, DEMO_PASSWORD, SETUP)


def start_servers(url: str, count: int, workers: int) -> tuple[list[subprocess.Popen], list[str]]:
    """Start `count` gunicorn servers on free ports of 127.0.0.1, sharing the database and the SECRET_KEY."""
    env = {
        **os.environ,
        "SECRET_KEY": SECRET_KEY,
        "DATABASE_URL": url,
        "CAREINSPECT_SESSION_COOKIE_SECURE": "false",  # plain http on 127.0.0.1, as `make run` allows
        "CAREINSPECT_REMEMBER_COOKIE_SECURE": "false",
    }
    processes, bases = [], []
    for _ in range(count):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        command = [str(ROOT / ".venv" / "bin" / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}"]
        command += ["--timeout", "60", "--log-level", "warning", "app:app"]
        processes.append(subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True))
        bases.append(f"http://127.0.0.1:{port}")
    for base, process in zip(bases, processes, strict=True):
        _wait_until_up(base, process)
    return processes, bases


def _wait_until_up(base: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn ended with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{base} did not answer within 60 s")


def stop_servers(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def jpeg(seed: int) -> bytes:
    """A small real JPEG (uploads are checked by content), different for each photo."""
    rng = random.Random(seed)
    image = Image.new("RGB", (640, 480), tuple(rng.randrange(256) for _ in range(3)))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=70)
    return out.getvalue()


class Servers:
    """The servers in turn: each request of a user goes to the next one (a session or token works on all)."""

    def __init__(self, bases: list[str], start: int) -> None:
        self.bases, self.n = bases, start

    def __call__(self, path: str) -> str:
        self.n += 1
        return self.bases[self.n % len(self.bases)] + path


async def log_in(session: aiohttp.ClientSession, url: Servers, username: str, stats: Stats) -> None:
    started = time.perf_counter()
    async with session.get(url("/auth/login")) as reply:
        page = await reply.text()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    form = {"username": username, "password": DEMO_PASSWORD, "csrf_token": token.group(1) if token else ""}
    async with session.post(url("/auth/login"), data=form, allow_redirects=False) as reply:
        await reply.read()
        stats.add("log in (page + form)", started, reply.status, (302,))


async def inspector(bases: list[str], job: Job, n: int, stats: Stats, args: argparse.Namespace) -> None:
    url = Servers(bases, n)
    rng = random.Random(n)

    async def pause(seconds: float) -> None:  # the inspector works on site: looks, taps, writes, photographs
        await asyncio.sleep(rng.uniform(0.5, 1.5) * seconds)

    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        await log_in(session, url, job.username, stats)
        started = time.perf_counter()
        async with session.get(url(f"/inspections/{job.inspection_id}/form")) as reply:
            page = await reply.text()
            stats.add("open the form page", started, reply.status)
        csrf = re.search(r'name="csrf-token" content="([^"]+)"', page)
        started = time.perf_counter()
        headers = {"X-CSRFToken": csrf.group(1) if csrf else ""}
        async with session.post(url("/api/v1/auth/session-token"), headers=headers) as reply:
            body = await reply.json(content_type=None)
            stats.add("API token from the session", started, reply.status)
        api = {"Authorization": f"Bearer {body.get('token', '')}"}
        started = time.perf_counter()
        async with session.get(url(f"/api/v1/inspections/{job.inspection_id}?checklists=ref"), headers=api) as reply:
            await reply.read()
            stats.add("read the inspection (API)", started, reply.status)
        waiting = list(job.items)
        while waiting:
            size = rng.randint(1, args.batch)
            batch, waiting = waiting[:size], waiting[size:]
            await pause(args.item_seconds * len(batch))
            answers = []
            for code in batch:
                answer = {"item_code": code, "result": "fail" if code in job.failed else "pass"}
                if code in job.failed:
                    answer["note"] = "现场发现问题（压力测试）"
                answers.append({**answer, "client_id": str(uuid.uuid4())})
            started = time.perf_counter()
            path = f"/api/v1/inspections/{job.inspection_id}/answers"
            async with session.put(url(path), json={"answers": answers}, headers=api) as reply:
                text = await reply.text()
                stats.add(SAVE, started, reply.status)
                if reply.status != 200:
                    stats.errors[SAVE][-1] += f" {text[:200]}"
        for k, code in enumerate(job.failed):
            await pause(args.photo_seconds)
            form = aiohttp.FormData()
            form.add_field("file", jpeg(n * 10 + k), filename="photo.jpg", content_type="image/jpeg")
            form.add_field("item_code", code)
            form.add_field("client_id", str(uuid.uuid4()))
            started = time.perf_counter()
            async with session.post(
                url(f"/api/v1/inspections/{job.inspection_id}/photos"), data=form, headers=api
            ) as reply:
                await reply.read()
                stats.add("upload a photo", started, reply.status, (200, 201))
        await pause(args.item_seconds)  # reads the summary, then submits
        started = time.perf_counter()
        path = f"/api/v1/inspections/{job.inspection_id}/submit"
        async with session.post(url(path), json={"client_id": str(uuid.uuid4())}, headers=api) as reply:
            text = await reply.text()
            stats.add("submit", started, reply.status)
            if reply.status != 200:
                stats.errors["submit"][-1] += f" {text[:160]}"


async def reviewer(
    bases: list[str], username: str, n: int, stats: Stats, done: asyncio.Event, pages: int, read: float
) -> None:
    url = Servers(bases, n)
    rng = random.Random(n)
    views = [
        (RANKING, lambda: f"/rankings/?page={rng.randint(1, pages)}"),
        (RANKING, lambda: "/rankings/"),
        (RANKING, lambda: "/rankings/?sort=trend&dir=desc"),
        (RANKING, lambda: "/rankings/?grade=2&overdue=1"),
        ("hazards list", lambda: f"/hazards/?page={rng.randint(1, 20)}"),
    ]
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        await log_in(session, url, username, stats)
        while not done.is_set():
            kind, path = rng.choice(views)
            started = time.perf_counter()
            async with session.get(url(path()), allow_redirects=False) as reply:
                await reply.read()
                stats.add(kind, started, reply.status)
            await asyncio.sleep(rng.uniform(0.5, 1.5) * read)  # a person reads the page before the next


async def day(bases: list[str], jobs: list[Job], reviewers: list[str], args: argparse.Namespace, stats: Stats) -> None:
    done = asyncio.Event()
    ramp = args.ramp / max(1, len(jobs))

    async def one(n: int, job: Job) -> None:
        await asyncio.sleep(n * ramp)  # inspectors arrive over the ramp, not in the same millisecond
        try:
            await inspector(bases, job, n, stats, args)
        except (TimeoutError, aiohttp.ClientError) as error:
            stats.errors["inspector"].append(type(error).__name__)

    pages = -(-args.facilities // 50)
    readers = [
        asyncio.create_task(reviewer(bases, name, n, stats, done, pages, args.read_seconds))
        for n, name in enumerate(reviewers)
    ]
    await asyncio.gather(*(one(n, job) for n, job in enumerate(jobs)))
    done.set()
    await asyncio.gather(*readers, return_exceptions=True)


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def print_table(stats: Stats, elapsed: float) -> None:
    total = sum(len(s) for s in stats.samples.values())
    print(f"  {total} requests in {elapsed:.1f} s: {total / elapsed:.1f} requests/s")
    print(f"  {'request':<34} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for kind in sorted(stats.samples):
        s = stats.samples[kind]
        print(
            f"  {kind:<34} {len(s):>6} {statistics.median(s):>8.1f} {percentile(s, 95):>8.1f} "
            f"{percentile(s, 99):>8.1f} {len(stats.errors.get(kind, [])):>7}"
        )
    errors = sum(len(e) for e in stats.errors.values())
    print(f"  errors: {errors}")
    for kind, found in stats.errors.items():
        for error in found[:3]:
            print(f"    {kind}: {error}")


def print_aims(stats: Stats, total: float, finished: bool) -> None:
    """The issue's aims beside the figures, each PASS or FAIL."""
    errors = sum(len(e) for e in stats.errors.values())
    print("aims (issue 16):")
    print(f"  {'PASS' if finished else 'FAIL'}  every inspector reached submit before the time limit")
    print(f"  {'PASS' if errors == 0 else 'FAIL'}  0 errors: {errors}")
    for kind, aim in AIMS_P95_MS.items():
        samples = stats.samples.get(kind, [])
        p95 = percentile(samples, 95) if samples else float("nan")
        print(f"  {'PASS' if samples and p95 <= aim else 'FAIL'}  p95 of a {kind} ≤ {aim} ms: {p95:.0f} ms")
    print(f"  {'PASS' if total <= RUN_LIMIT_S else 'FAIL'}  stops by itself within {RUN_LIMIT_S} s: {total:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inspectors", type=int, default=300)
    parser.add_argument("--reviewers", type=int, default=20)
    parser.add_argument("--servers", type=int, default=1, choices=(1, 2))
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--facilities", type=int, default=20_000)
    parser.add_argument("--years", type=int, default=2)
    parser.add_argument("--batch", type=int, default=3, help="most answers in one save (1 to this many)")
    parser.add_argument("--item-seconds", type=float, default=5, help="mean seconds an inspector takes per item")
    parser.add_argument("--photo-seconds", type=float, default=15, help="mean seconds for a failure's note and photo")
    parser.add_argument("--read-seconds", type=float, default=6, help="mean seconds a reviewer reads a page")
    parser.add_argument("--ramp", type=float, default=120, help="seconds over which the inspectors arrive")
    parser.add_argument("--time-limit", type=float, default=280, help="seconds after which the run stops")
    parser.add_argument("--reuse", action="store_true", help="keep the province a previous run generated")
    args = parser.parse_args()
    started = time.monotonic()
    use_fast_hashing()
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(
        f"  pacing: an item every {args.item_seconds:g} s, a failure's photo {args.photo_seconds:g} s, saves of 1–"
        f"{args.batch} answers, a reviewer reads a page {args.read_seconds:g} s (each ×0.5–1.5); "
        f"{args.inspectors} inspectors arrive over {args.ramp:g} s"
    )
    url = database_url(args.reuse)
    jobs, reviewers = prepare(url, args)
    print(f"  planned {len(jobs)} inspections, {len(reviewers)} reviewers")
    processes, bases = start_servers(url, args.servers, args.workers)
    print(f"  {args.servers} gunicorn server(s) × {args.workers} workers: {', '.join(bases)}")
    stats, began, finished = Stats(), time.perf_counter(), True
    try:
        remaining = args.time_limit - (time.monotonic() - started)
        asyncio.run(asyncio.wait_for(day(bases, jobs, reviewers, args, stats), timeout=max(10, remaining)))
    except TimeoutError:
        finished = False
        print(f"  STOPPED at the time limit ({args.time_limit:.0f} s): the day did not finish; figures so far")
    finally:
        stop_servers(processes)
    print_table(stats, time.perf_counter() - began)
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print_aims(stats, time.monotonic() - started, finished)


if __name__ == "__main__":
    main()
