"""The weekly digest job: build, render per subscriber, deliver once, archive.

`preview_week` writes the renderings to files. `send_week` delivers: delivery records
for the week are created first (one write), each confirmed send is journalled at once,
and a rerun after a crash sends only what was never confirmed.
"""
from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

from config.schema import Config
from digest.archive import write_archive
from digest.build import PersonalDigest, build_week, personalise
from digest.render import email_bodies, email_subject, telegram_messages
from digest.view import digest_view
from delivery.email.address import address_problem
from delivery.email.message import build_email
from delivery.email.sender import EmailResult, OutgoingEmail, send_emails
from delivery.email.template import EmailTemplate, Marks
from store import Delivery, Store, Subscriber
from store.deliveries import FINAL_STATES, with_part


logger = logging.getLogger(__name__)


class DeliveryUnavailable(Exception):
    """Neither Telegram nor e-mail is configured, or another send is running."""


@dataclass
class ChannelReport:
    enabled: bool
    sent: int = 0
    skipped: int = 0                  # already done this week, or nothing for them
    failed: list[tuple[str, str]] = field(default_factory=list)    # (subscriber, reason)
    retry: list[tuple[str, str]] = field(default_factory=list)     # transient, tried next run
    deactivated: list[str] = field(default_factory=list)           # blocked the bot
    pending: int = 0                  # active subscribers not served: the channel is not configured


@dataclass
class SendReport:
    week: str
    telegram: ChannelReport
    email: ChannelReport
    archive: list[Path] = field(default_factory=list)


# Rendering ------------------------------------------------------------------------
def unsubscribe_url(config: Config, subscriber: Subscriber) -> str | None:
    base = config.web.base_url.rstrip("/")
    return f"{base}/desabonnement?jeton={subscriber.unsubscribe_token}" if base else None


def preferences_url(config: Config, subscriber: Subscriber) -> str | None:
    base = config.web.base_url.rstrip("/")
    return f"{base}/preferences?jeton={subscriber.unsubscribe_token}" if base else None


def archive_url(config: Config, week: str) -> str | None:
    base = config.web.base_url.rstrip("/")
    return f"{base}/{week}.html" if base else None


def render_email(config: Config, digest: PersonalDigest, subscriber: Subscriber, now: dt.datetime | None = None):
    view = digest_view(digest, archive_url(config, digest.week.week))
    text, html = email_bodies(view, unsubscribe_url(config, subscriber),
                              archive_url(config, view.week), preferences_url(config, subscriber))
    return build_email(settings=config.email, to=subscriber.address, subject=email_subject(view), text=text,
                       html=html, week=view.week, subscriber_id=subscriber.id,
                       unsubscribe_url=unsubscribe_url(config, subscriber),
                       unsubscribe_token=subscriber.unsubscribe_token, now=now)


def preview_week(config: Config, store: Store, week: str, out_dir: Path,
                 subscriber_id: str | None = None) -> list[Path]:
    """Write each rendering of the week to files under `out_dir` only; returns their paths."""
    week_digest = build_week(store, week, config.timezone, config.digest.agenda_days, config.digest.max_age_days)
    out_dir.mkdir(parents=True, exist_ok=True)
    preview_config = config
    if not config.email.from_address:  # e-mail not configured yet: preview with a placeholder sender
        preview_config = dataclasses.replace(
            config, email=dataclasses.replace(config.email, from_address="vigie@example.org"))
    if subscriber_id:
        subscriber = store.subscribers.get(subscriber_id)
        if subscriber is None:
            raise KeyError(f"no subscriber {subscriber_id!r}")
        subscribers: list[Subscriber | None] = [subscriber]
    else:
        subscribers = [None, *store.subscribers.all(active_only=True)]
    paths = []
    for subscriber in subscribers:
        if subscriber is not None and subscriber.channel == "email" and address_problem(subscriber.address):
            logger.warning("preview: subscriber %s skipped: invalid address %r (%s)", subscriber.id,
                           subscriber.address, address_problem(subscriber.address))
            continue
        digest = personalise(week_digest, subscriber)
        name = subscriber.id if subscriber else "tous"
        view = digest_view(digest, archive_url(config, week))
        if subscriber is None or subscriber.channel == "telegram":
            path = out_dir / f"{week}-telegram-{_safe(name)}.html"
            path.write_text("\n\n<!-- ——— message suivant ——— -->\n\n".join(telegram_messages(view)), encoding="utf-8")
            paths.append(path)
        if subscriber is None or subscriber.channel == "email":
            shown = subscriber or Subscriber(id="apercu", channel="email", address="apercu@vigie.invalid",
                                             unsubscribe_token="apercu")
            path = out_dir / f"{week}-email-{_safe(name)}.eml"
            path.write_bytes(bytes(render_email(preview_config, digest, shown)))
            paths.append(path)
    # the week's web page as it would be published, under out_dir: the public archive is untouched
    paths.extend(write_archive(out_dir / "web", week_digest, config.web.base_url))
    return paths


def preview_messages(config: Config, store: Store, week: str, subscriber: Subscriber | None) -> list[str] | None:
    """The week so far as Telegram messages for this subscriber (None: the full digest),
    or None when there is nothing for them (the bot's /apercu)."""
    digest = personalise(build_week(store, week, config.timezone, config.digest.agenda_days,
                                    config.digest.max_age_days), subscriber)
    return None if digest.empty else telegram_messages(digest_view(digest, archive_url(config, week)))


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)


# Sending --------------------------------------------------------------------------
def send_info(config: Config, store: Store, week: str) -> tuple[int, bool]:
    """(active subscribers on a configured channel, whether the week was sent already)."""
    enabled = {"telegram": bool(config.telegram.token()), "email": config.email.enabled}
    recipients = sum(1 for s in store.subscribers.all(active_only=True) if enabled.get(s.channel))
    return recipients, (store.deliveries.last_week_sent() or "") >= week


def send_week_apart(config: Config, week: str, now: dt.datetime | None = None, telegram_sender=None) -> SendReport:
    """`send_week` with a Store of its own (blocking: run it in a worker thread).

    The send keeps its delivery journal and caches apart from the caller's Store, exactly
    as a separate process would, so a bot can keep reading and writing meanwhile (the
    store's file locks keep them in order)."""
    from store import open_store
    with open_store(config.data_dir) as store:
        return send_week(config, store, week, now=now, telegram_sender=telegram_sender)


def send_week(config: Config, store: Store, week: str, now: dt.datetime | None = None,
              telegram_sender=None) -> SendReport:
    """Deliver the week to every active subscriber not served yet; safe to rerun."""
    now = now or dt.datetime.now(dt.timezone.utc)
    token = config.telegram.token()
    report = SendReport(week=week, telegram=ChannelReport(enabled=bool(token)),
                        email=ChannelReport(enabled=config.email.enabled))
    if not token and not config.email.enabled:
        raise DeliveryUnavailable(
            "no delivery channel is configured: set the Telegram token in the environment variable "
            f"{config.telegram.token_env}, and/or [email] host and from_address in {config.path}")
    if not store.deliveries.begin_send():
        raise DeliveryUnavailable("another digest send is running on this data dir; try again when it ends")
    try:
        week_digest, telegram_items, email_items, records = _prepare(config, store, week, now, report)
        if telegram_items:
            _deliver_telegram(config, store, token, telegram_items, records, report, now, telegram_sender)
        if email_items:
            _deliver_email(config, store, email_items, records, report, now)
        store.deliveries.close_journal()
        with store.writing():
            _deactivate(store, report.telegram.deactivated)
            _mark_done(store, week, report, records)
        report.archive = write_archive(config.data_dir / "web", week_digest, config.web.base_url, now)
    finally:
        store.deliveries.close_journal()
        store.deliveries.end_send()
    return report


def _prepare(config: Config, store: Store, week: str, now: dt.datetime, report: SendReport):
    """Create the week's delivery records (one short locked write) and pick each
    subscriber's stories; rendering happens afterwards, outside the store lock."""
    telegram_items: list[tuple[Subscriber, PersonalDigest]] = []
    email_items: list[tuple[Subscriber, PersonalDigest]] = []
    records: dict[str, Delivery] = {}
    with store.writing():
        week_digest = build_week(store, week, config.timezone, config.digest.agenda_days, config.digest.max_age_days)
        ledger = store.deliveries.for_week(week)
        changed = []
        for subscriber in store.subscribers.all(active_only=True):
            channel = report.telegram if subscriber.channel == "telegram" else report.email
            if not channel.enabled:   # the week stays open for this channel until it is configured
                done = subscriber.id in ledger and ledger[subscriber.id].state in FINAL_STATES
                channel.skipped += done
                channel.pending += not done
                continue
            record = ledger.get(subscriber.id) or Delivery(week=week, subscriber=subscriber.id,
                                                           channel=subscriber.channel)
            records[subscriber.id] = record
            if record.state in FINAL_STATES:
                channel.skipped += 1
                continue
            if record.state in ("retry", "uncertain") and record.attempts >= MAX_ATTEMPTS[subscriber.channel](config):
                record.state, record.updated = "failed", now.isoformat()
                channel.failed.append((subscriber.id, f"gave up after {record.attempts} attempts: {record.last_error}"))
                changed.append(record)
                continue
            digest = personalise(week_digest, subscriber)
            record.stories = digest.story_count
            if digest.empty and not config.digest.empty_note:
                record.state, record.updated = "empty", now.isoformat()
                channel.skipped += 1
                changed.append(record)
                continue
            changed.append(record)
            (telegram_items if subscriber.channel == "telegram" else email_items).append((subscriber, digest))
        store.deliveries.put_many(changed)
    return week_digest, telegram_items, email_items, records


def _mark_done(store: Store, week: str, report: SendReport, records: dict[str, Delivery]) -> None:
    """Record the week as sent for each channel that served all its active subscribers,
    and as sent overall when every channel did: a channel left unconfigured stays open."""
    done = []
    for name, channel in (("telegram", report.telegram), ("email", report.email)):
        finished = channel.pending == 0 and all(r.state in FINAL_STATES for r in records.values()
                                                if r.channel == name)
        if finished:
            store.deliveries.set_last_week_sent(max(week, store.deliveries.last_week_sent(name) or ""), name)
        done.append(finished)
    if all(done):
        store.deliveries.set_last_week_sent(max(week, store.deliveries.last_week_sent() or ""))


MAX_ATTEMPTS = {"email": lambda config: config.email.max_attempts,
                "telegram": lambda config: TELEGRAM_MAX_ATTEMPTS}
TELEGRAM_MAX_ATTEMPTS = 3


def _outcome(record: Delivery, ok: bool, error: str | None, transient: bool, now: dt.datetime) -> None:
    record.attempts += 1
    record.updated = now.isoformat()
    record.last_error = error
    record.state = "sent" if ok else ("retry" if transient else "failed")


def _deliver_email(config, store, items, records, report, now) -> None:
    # the messages are rendered by send_emails' source thread while results come back on
    # the connection threads: one lock for the records, the journal and the report
    recording = threading.Lock()

    def on_result(result: EmailResult) -> None:
        with recording:
            record = records[result.key]
            if not result.attempted:      # the batch stopped (server unreachable): pending for the next run
                report.email.retry.append((record.subscriber, result.error or ""))
                return
            _outcome(record, result.ok, result.error, result.transient, now)
            if result.uncertain:          # maybe delivered: never resent in this run, a later run may
                record.state = "uncertain"
            store.deliveries.record(record)
            _count(report.email, record)

    def failed(subscriber: Subscriber, problem: str) -> None:
        with recording:
            record = records[subscriber.id]
            _outcome(record, False, f"invalid address {subscriber.address!r}: {problem}", False, now)
            store.deliveries.record(record)
            _count(report.email, record)

    def outgoing():
        """Rendered as the batch goes, one digest at a time: subscribers whose digests are
        the same (same stories) are sent one after the other from one `EmailTemplate`, so
        memory stays flat however many subscribers. A row whose address cannot be used
        fails alone, the batch goes on."""
        template: tuple[tuple, EmailTemplate | None] | None = None
        for subscriber, digest in sorted(items, key=lambda item: digest_key(item[1])):
            problem = address_problem(subscriber.address)
            if problem is not None:
                failed(subscriber, problem)
                continue
            key = digest_key(digest)
            if template is None or template[0] != key:
                template = (key, email_template(config, digest, now))
            message = template[1].render(subscriber.id, subscriber.address, subscriber.unsubscribe_token) \
                if template[1] is not None else None
            if message is None:
                try:
                    message = bytes(render_email(config, digest, subscriber, now))
                except ValueError as exc:    # a header the address makes impossible
                    failed(subscriber, str(exc))
                    continue
            yield OutgoingEmail(key=subscriber.id, to=subscriber.address, message=message)

    send_emails(config.email, config.email.password(), outgoing(), on_result)


def digest_key(digest: PersonalDigest) -> tuple:
    """Equal for two digests showing the same stories the same way (same e-mail body but
    for the unsubscribe token)."""
    return (tuple((theme, tuple((region, tuple(s.id for s in stories)) for region, stories in groups))
                  for theme, groups in digest.sections),
            tuple(s.id for s in digest.agenda), tuple(sorted(digest.more.items())))


def email_template(config: Config, digest: PersonalDigest, now: dt.datetime) -> EmailTemplate | None:
    """The digest's e-mail rendered once for a stand-in subscriber (None: cannot be
    templated, each subscriber's message is then built in full)."""
    marks = Marks.new()
    stand_in = Subscriber(id=marks.subscriber_id, channel="email", address=marks.address,
                          unsubscribe_token=marks.token)
    try:
        return EmailTemplate(render_email(config, digest, stand_in, now), marks, digest.week.week,
                             config.email.from_address.rsplit("@", 1)[-1])
    except ValueError:
        logger.warning("e-mail digest not templated; built for each subscriber", exc_info=True)
        return None


def _deliver_telegram(config, store, token, items, records, report, now, sender=None) -> None:
    from delivery.telegram.sender import TelegramDigest, TelegramSettings, send_digests
    settings = TelegramSettings(token=token, base_url=config.telegram.base_url,
                                base_file_url=config.telegram.base_file_url,
                                max_retries=config.telegram.max_retries,
                                overall_max_rate=config.telegram.rate,
                                max_in_flight=config.telegram.in_flight)
    # a digest cut short by a kill or a transient failure resumes after its last confirmed part
    digests = [TelegramDigest(key=sub.id, chat_id=_chat_id(sub.address),
                              messages=telegram_messages(digest_view(digest, archive_url(config, digest.week.week))),
                              start=len(records[sub.id].message_ids))
               for sub, digest in items]

    def on_message(key: str, part: int, message_id: int) -> None:
        record = records[key]
        record.message_ids = with_part(record.message_ids, part, message_id)
        store.deliveries.record_part(record.week, record.subscriber, part, message_id)

    def on_result(result) -> None:
        record = records[result.key]
        _outcome(record, result.ok, result.error, result.transient, now)
        store.deliveries.record(record)
        _count(report.telegram, record)
        if result.blocked:
            report.telegram.deactivated.append(result.key)

    asyncio.run((sender or send_digests)(settings, digests, on_result=on_result, on_message=on_message))


def _count(channel: ChannelReport, record: Delivery) -> None:
    if record.state == "sent":
        channel.sent += 1
    elif record.state in ("retry", "uncertain"):
        channel.retry.append((record.subscriber, record.last_error or ""))
    else:
        channel.failed.append((record.subscriber, record.last_error or ""))


def _chat_id(address: str):
    return int(address) if address.lstrip("-").isdigit() else address


def _deactivate(store: Store, subscriber_ids: list[str]) -> None:
    for subscriber_id in subscriber_ids:
        subscriber = store.subscribers.get(subscriber_id)
        if subscriber is not None:
            subscriber.active = False
            store.subscribers.put(subscriber)
