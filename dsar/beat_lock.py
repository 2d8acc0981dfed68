"""One Celery beat at a time: a second beat waits until the first is gone.

Every beat sends every periodic task, so two running beats would run each sweep twice as
often and, for a task that is not idempotent, do its work twice. The outbox makes the sweep
safe to run twice, but a second beat is still a mistake (a scaled compose service, a
restarted container whose old process lingers), so beat holds a lock for its whole life,
taken before it schedules anything (``dsar/celery.py``, on ``beat_init``):

- with Redis (``REDIS_URL``), a Redis lock with a time-to-live, renewed every third of it; a
  beat that cannot renew it (it expired during a long Redis outage and another beat took it)
  stops, and its supervisor starts it again, to wait;
- on the embedded defaults, an exclusive ``flock`` on ``$DSAR_VAR_DIR/celerybeat.lock``,
  released by the operating system when the process ends, however it ends.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import threading
import time
from pathlib import Path

logger = logging.getLogger(__name__)

REDIS_KEY = "dsar:celery-beat-lock"


class BeatLock:
    def __init__(self, *, redis_url: str = "", lock_path: Path, ttl: float = 60):
        self.redis_url = redis_url
        self.lock_path = Path(lock_path)
        self.ttl = ttl
        self._file = None
        self._redis_lock = None
        self._stop = threading.Event()

    def acquire(self, *, poll: float = 2) -> None:
        """Block until this process holds the lock; say once that it is waiting."""
        said = False
        while not self._try_acquire():
            if not said:
                logger.warning("Another Celery beat is running; this one waits for it to stop.")
                said = True
            time.sleep(poll)
        logger.info("Celery beat lock acquired; this is the only beat scheduling tasks.")

    def _try_acquire(self) -> bool:
        if not self.redis_url:
            self.lock_path.parent.mkdir(parents=True, exist_ok=True)
            file = open(self.lock_path, "a")  # noqa: SIM115 (held until the process ends)
            try:
                fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                file.close()
                return False
            self._file = file
            return True

        import redis

        client = redis.Redis.from_url(self.redis_url, socket_timeout=5)
        lock = client.lock(REDIS_KEY, timeout=self.ttl, thread_local=False)
        try:
            if not lock.acquire(blocking=False):
                return False
        except redis.ConnectionError:
            return False
        self._redis_lock = lock
        threading.Thread(target=self._renew, name="beat-lock", daemon=True).start()
        return True

    def _renew(self) -> None:
        import redis
        from redis.exceptions import LockError

        while not self._stop.wait(self.ttl / 3):
            try:
                self._redis_lock.reacquire()
            except redis.ConnectionError:
                logger.warning("Cannot renew the Celery beat lock: Redis is unreachable.")
            except LockError:
                logger.critical(
                    "The Celery beat lock expired and another beat holds it: stopping this one."
                )
                os._exit(1)

    def release(self) -> None:
        self._stop.set()
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None
        if self._redis_lock is not None:
            from redis.exceptions import LockError

            with contextlib.suppress(LockError):
                self._redis_lock.release()
            self._redis_lock = None
