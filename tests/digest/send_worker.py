"""Child process for the kill tests: sends the week with the given config, then exits.

With a second argument N, the process kills itself (SIGKILL) right after the N-th
delivery outcome is journalled: a crash at a chosen point of the batch.
"""
import os
import signal
import sys

from config import load_config
from pipeline.digest import send_week
from store import open_store
from store.deliveries import DeliveryStore
from tests.digest.helpers import NOW, WEEK


def crash_after(n: int) -> None:
    original = DeliveryStore.record
    count = 0

    def record(self, delivery):
        nonlocal count
        original(self, delivery)
        count += 1
        if count == n:
            os.kill(os.getpid(), signal.SIGKILL)

    DeliveryStore.record = record


if __name__ == "__main__":
    if len(sys.argv) > 2:
        crash_after(int(sys.argv[2]))
    config = load_config(sys.argv[1])
    with open_store(config.data_dir) as store:
        report = send_week(config, store, WEEK, now=NOW)
    print(report.telegram.sent, report.email.sent, flush=True)
