"""`run.py serve`: the Telegram bot (long polling), the web server (`[web] listen`) and the
scheduled jobs in one process, on one event loop.

Jobs (APScheduler, on the bot's event loop, or on our own when the bot is off): fetch
every `[digest] fetch_every_hours`, the weekly digest at `send_weekday`/`send_time`
(Europe/Paris, DST-safe), retention daily, and at start a catch-up of a digest missed
while the process was down. Blocking work runs in a worker thread; SIGTERM and SIGINT
let the running job finish its write, then exit.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
import signal
import threading
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from pipeline.jobs import digest_job, fetch_job, retention_job
from store import open_store

log = logging.getLogger("vigie.serve")
DIGEST_GRACE = 6 * 3600      # a digest up to 6 h late still goes out (APScheduler's default: 1 s)
JOB_GRACE = 3600


def register(sub, common) -> None:
    p = sub.add_parser("serve", parents=[common], help="run the bot and the scheduled jobs",
                       description="Run Vigie unattended: Telegram bot (when a token is set) and the "
                                   "fetch, weekly digest and retention jobs. Stop with Ctrl-C or SIGTERM.")
    p.add_argument("--no-fetch-at-start", action="store_true", help="wait one interval before the first fetch")
    p.add_argument("--no-web", action="store_true", help="do not start the web server ([web] listen)")
    p.set_defaults(handler=handle)


def add_jobs(scheduler: AsyncIOScheduler, config, store, fetch_at_start: bool = True, bot=None) -> None:
    """The scheduled jobs; with `bot` (the running application's), the weekly digest goes
    out through it, under the one rate limiter of everything the process sends."""
    tz = ZoneInfo(config.timezone)
    busy = threading.Lock()     # never two fetches at once
    digest_lock = asyncio.Lock()

    async def fetch() -> None:
        await asyncio.to_thread(fetch_job, config, busy)

    async def digest() -> None:
        async with digest_lock:
            sender = None
            if bot is not None:
                from delivery.telegram.sender import sender_on_loop
                sender = sender_on_loop(bot, asyncio.get_running_loop())
            await asyncio.to_thread(digest_job, config, store, None, sender)

    async def retention() -> None:
        await asyncio.to_thread(retention_job, config, store)

    hour, minute = (int(x) for x in config.digest.send_time.split(":"))
    now = dt.datetime.now(tz)
    first = {"next_run_time": now + dt.timedelta(seconds=1)} if fetch_at_start else {}  # (None would pause it)
    scheduler.add_job(fetch, IntervalTrigger(hours=config.digest.fetch_every_hours, timezone=tz), id="fetch", name="fetch",
                      misfire_grace_time=JOB_GRACE, coalesce=True, max_instances=1, replace_existing=True, **first)
    scheduler.add_job(digest, CronTrigger(day_of_week=config.digest.send_weekday, hour=hour, minute=minute,
                                          timezone=tz), id="digest", name="weekly digest",
                      misfire_grace_time=DIGEST_GRACE, coalesce=True, max_instances=1, replace_existing=True)
    scheduler.add_job(digest, "date", run_date=now + dt.timedelta(seconds=0.5), id="digest-catch-up",
                      name="digest catch-up",
                      misfire_grace_time=DIGEST_GRACE, replace_existing=True)
    scheduler.add_job(retention, CronTrigger(hour=3, minute=30, timezone=tz), id="retention", name="retention",
                      misfire_grace_time=JOB_GRACE, coalesce=True, max_instances=1, replace_existing=True)


def handle(args, config) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True)
    for noisy in ("httpx", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    store = open_store(config.data_dir)
    token = config.telegram.token()
    if token:
        from bot.app import build_application
        app = build_application(config, store, token=token)
        add_jobs(app.job_queue.scheduler, config, store, not args.no_fetch_at_start, bot=app.bot)
        if web_wanted(config, args):
            attach_web(app, config, store)
        log.info("Vigie serving: bot on, %d sources, digest %s %s (%s)", len(config.feeds),
                 config.digest.send_weekday, config.digest.send_time, config.timezone)
        app.run_polling(stop_signals=(signal.SIGINT, signal.SIGTERM), close_loop=True)
    else:
        log.warning("Telegram bot off: no token in $%s; running the fetch, e-mail digest and retention "
                    "jobs only", config.telegram.token_env)
        asyncio.run(_serve_without_bot(config, store, not args.no_fetch_at_start, web_wanted(config, args)))
    store.close()
    log.info("Vigie stopped")
    return 0


async def _start_web(config, store):
    """The web server, or None (logged) when its address cannot be bound: a port taken
    must not stop the fetches and the weekly digest. (Imported here: the bot and the
    signal handlers are up before the web stack is loaded.)"""
    from web.app import build_app, start as start_web
    try:
        return await start_web(build_app(config, store), config.web.listen)
    except OSError as exc:
        log.error("web server off: cannot listen on %s: %s", config.web.listen, exc)
        return None


def web_wanted(config, args) -> bool:
    return config.web.enabled and not getattr(args, "no_web", False)


def attach_web(app, config, store) -> None:
    """Start the web server in the bot's post_init (on its loop), stop it at shutdown."""
    runners = []
    before_init, before_shutdown = app.post_init, app.post_shutdown

    async def post_init(application) -> None:
        if before_init:
            await before_init(application)
        runner = await _start_web(config, store)
        if runner is not None:
            runners.append(runner)

    async def post_shutdown(application) -> None:
        for runner in runners:
            await runner.cleanup()
        if before_shutdown:
            await before_shutdown(application)

    app.post_init, app.post_shutdown = post_init, post_shutdown


async def _serve_without_bot(config, store, fetch_at_start: bool, with_web: bool = True) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    runner = await _start_web(config, store) if with_web else None
    scheduler = AsyncIOScheduler(timezone=ZoneInfo(config.timezone))
    add_jobs(scheduler, config, store, fetch_at_start)
    scheduler.start()
    log.info("Vigie serving: bot off, %d sources, digest %s %s (%s)", len(config.feeds),
             config.digest.send_weekday, config.digest.send_time, config.timezone)
    await stop.wait()
    scheduler.shutdown(wait=False)
    if runner is not None:
        await runner.cleanup()
    # jobs already running in worker threads finish their write before the loop closes
    pending = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    if pending:
        await asyncio.wait(pending, timeout=120)
