"""Only one Celery beat schedules tasks: a second one waits until the first is gone."""

import threading

import pytest
from django.conf import settings

from dsar.beat_lock import REDIS_KEY, BeatLock


def redis_url_or_skip() -> str:
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL")
    return settings.REDIS_URL


@pytest.fixture(params=["file", "redis"])
def lock_options(request, tmp_path):
    if request.param == "file":
        yield {"lock_path": tmp_path / "celerybeat.lock"}
        return
    url = redis_url_or_skip()
    import redis

    redis.Redis.from_url(url).delete(REDIS_KEY)
    yield {"redis_url": url, "lock_path": tmp_path / "unused.lock", "ttl": 30}
    redis.Redis.from_url(url).delete(REDIS_KEY)


def test_a_second_beat_waits_until_the_first_has_stopped(lock_options):
    first = BeatLock(**lock_options)
    first.acquire()

    second = BeatLock(**lock_options)
    assert not second._try_acquire()  # the first one runs: the second may not schedule

    holding = threading.Event()

    def start_second():
        second.acquire(poll=0.05)
        holding.set()

    thread = threading.Thread(target=start_second)
    thread.start()
    assert not holding.is_set()
    first.release()  # the first beat stops
    thread.join(30)
    assert holding.is_set()
    second.release()


def test_beat_takes_the_lock_before_it_schedules_anything(tmp_path, settings):
    from celery.signals import beat_init

    from dsar.celery import hold_the_beat_lock

    assert hold_the_beat_lock in [receiver() for _, receiver in beat_init.receivers]
    settings.REDIS_URL = ""
    settings.VAR_DIR = tmp_path

    class FakeBeatService:
        pass

    service = FakeBeatService()
    hold_the_beat_lock(sender=service)
    try:
        assert not BeatLock(lock_path=tmp_path / "celerybeat.lock")._try_acquire()
    finally:
        service.dsar_beat_lock.release()
