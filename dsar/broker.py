"""The embedded Celery broker: kombu's filesystem transport, made safe for several processes.

With no ``REDIS_URL`` the web server, the worker and beat share a folder of message files
(``$DSAR_VAR_DIR/broker/``; settings: ``CELERY_BROKER_TRANSPORT``). kombu's own filesystem
transport is not safe for that, so this one changes three things:

- **A message appears whole or not at all.** kombu writes a message file in place under an
  advisory lock that the reader never takes; a worker listing the folder while beat was still
  writing read half a message and died with ``JSONDecodeError`` (celery/kombu#1551). Here a
  message is written to a hidden temporary name in the same folder and renamed into place
  (``os.replace`` is atomic within a file system).
- **A message is taken by one reader, atomically.** kombu moves a file it reads to the system's
  temporary folder, which may be another file system (a copy and a delete). Here it is renamed
  into ``processed_folder``, inside the broker folder, so exactly one reader wins the rename.
  A file that still does not hold a message is set aside in ``rejected/`` with an error in the
  log, rather than stopping the worker.
- **The folders are made on first use**, by whichever process comes first, instead of every
  process dying at start when ``scripts/setup.sh`` has not run.

The exchange tables (``control_folder``) are created the same way, whole, before kombu
updates them under its lock.

Why not kombu's SQLAlchemy transport on a SQLite file: it keeps every message ever sent as a
row marked invisible (nothing deletes it on acknowledgement), so the file grows by a row per
e-mail and per sweep for good; its first use races between processes (``create_all`` and the
queue row are created unguarded, and an ``IntegrityError`` is not caught); and it adds a
dependency for a development default.
"""

from __future__ import annotations

import contextlib
import logging
import os
import uuid
from json import JSONDecodeError
from pathlib import Path
from queue import Empty
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import filesystem, virtual
from kombu.transport import redis as redis_transport
from kombu.utils.encoding import bytes_to_str, str_to_bytes
from kombu.utils.json import dumps, loads

logger = logging.getLogger(__name__)

_TEMPORARY_PREFIX = ".writing-"


def _write_whole(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary name beside ``path``, then rename it to ``path``."""
    temporary = path.parent / f"{_TEMPORARY_PREFIX}{uuid.uuid4()}.tmp"
    try:
        with open(temporary, "wb") as file:
            file.write(data)
            file.flush()
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _arrival_order(name: str) -> tuple[int, str]:
    """Oldest first: by the number before the first ``_`` (milliseconds of the system's
    monotonic clock), compared as a number. As text, ``"9_…"`` would come after ``"10_…"``
    and a file's turn would depend on how long the machine has been up."""
    stamp = name.partition("_")[0]
    return (int(stamp) if stamp.isdigit() else 0, name)


class Channel(filesystem.Channel):
    def _folder(self, option: str, default: str) -> str:
        folder = self.transport_options.get(option, default)
        os.makedirs(folder, exist_ok=True)
        return folder

    # Properties, not cached: a folder deleted while the process runs (a developer emptying
    # var/broker/) is made again on the next use.
    @property
    def data_folder_in(self) -> str:
        return self._folder("data_folder_in", "data_in")

    @property
    def data_folder_out(self) -> str:
        return self._folder("data_folder_out", "data_out")

    @property
    def processed_folder(self) -> str:
        return self._folder("processed_folder", "processed")

    @property
    def control_folder(self) -> Path:
        return Path(self._folder("control_folder", "control"))

    def _queue_bind(self, exchange, routing_key, pattern, queue):
        # kombu creates a missing exchange table with open("wb"), which empties a table another
        # process has just written; start from a whole, empty table created at most once.
        table = self._exchange_file(exchange)
        if not table.exists():
            temporary = table.parent / f"{_TEMPORARY_PREFIX}{uuid.uuid4()}.tmp"
            temporary.write_bytes(str_to_bytes(dumps([])))
            try:
                os.link(temporary, table)  # fails if another process created it meanwhile
            except FileExistsError:
                pass
            finally:
                temporary.unlink(missing_ok=True)
        super()._queue_bind(exchange, routing_key, pattern, queue)

    def _put(self, queue, payload, **kwargs):
        """Put a message on ``queue``: a new file, complete before it is visible."""
        name = f"{int(round(monotonic() * 1000))}_{uuid.uuid4()}.{queue}.msg"
        path = Path(self.data_folder_out) / name
        try:
            _write_whole(path, str_to_bytes(dumps(payload)))
        except OSError as exc:
            raise ChannelError(f"Cannot add file {str(path)!r} to directory") from exc

    def _get(self, queue):
        """Take the oldest message of ``queue``: rename it out of the queue folder (one reader
        wins), read it, delete it."""
        wanted = f"{queue}.msg"
        queue_folder = self.data_folder_in
        taken_folder = self.processed_folder
        for name in sorted(os.listdir(queue_folder), key=_arrival_order):
            if name.partition(".")[2] != wanted:
                continue  # another queue, or a message still being written
            taken = os.path.join(taken_folder, name)
            try:
                os.rename(os.path.join(queue_folder, name), taken)
            except FileNotFoundError:
                continue  # another reader took it
            except OSError as exc:
                raise ChannelError(f"Cannot take file {name!r} from the queue.") from exc
            try:
                with open(taken, "rb") as file:
                    payload = file.read()
                message = loads(bytes_to_str(payload))
            except (OSError, ValueError, JSONDecodeError):
                self._reject(taken, name)
                continue
            if not self.store_processed:
                os.remove(taken)
            return message
        raise Empty()

    def _reject(self, path: str, name: str) -> None:
        rejected = os.path.join(self._folder("processed_folder", "processed"), "rejected")
        os.makedirs(rejected, exist_ok=True)
        with contextlib.suppress(OSError):
            os.replace(path, os.path.join(rejected, name))
        logger.error(
            "Broker message %s is not readable; set aside in %s. Pending e-mails are sent "
            "again by the sweep.",
            name,
            rejected,
        )


class Transport(filesystem.Transport):
    """kombu's filesystem transport with whole-file writes, atomic takes and its folders
    made on first use. Selected by ``CELERY_BROKER_TRANSPORT`` (``dsar.broker:Transport``)."""

    Channel = Channel
    # As in kombu's: the exchange and queue declarations are per process; the files are shared.
    global_state = virtual.BrokerState()


# --- Redis ----------------------------------------------------------------------------------
# kombu's Redis transport with one guard. When the worker reconnects after Redis went away,
# Celery collects the old connection, which drops its transport's link to the connection
# (``Connection._do_close_transport``: ``transport.client = None``), the channel's link to
# the transport (``channel.connection = None``) and its Redis pools. Two things can still
# touch a channel of that connection afterwards, and each needs a new pool, which reads the
# host from a dropped link and fails with an "unrecoverable error" that ends the worker:
#
# - closing it puts its unacknowledged messages back (``QoS.restore_unacked``):
#   ``AttributeError: 'NoneType' object has no attribute 'hostname'`` (the path of
#   celery/kombu#582 and #970);
# - a task that was running during the outage finishes after the reconnect, and its late
#   acknowledgement (``CELERY_TASK_ACKS_LATE``) goes to the old channel (``QoS.ack``):
#   ``AttributeError: 'NoneType' object has no attribute 'client'`` (seen by
#   ``make faults``).
#
# Both are races between the outage, the reconnect and the running tasks, hence "1 outage in
# 9". Nothing is lost by skipping them: kombu keeps every unacknowledged message in Redis (the
# ``unacked`` hash) and a live worker restores it after the visibility timeout
# (``restore_visible``); a delivery that already happened is then claimed by nobody (the
# outbox row is sent), and the outbox sweep re-enqueues pending e-mails anyway
# (docs/notifications.md). So a channel whose connection is gone skips both.


class RedisQoS(redis_transport.QoS):
    def _connection_gone(self) -> bool:
        transport = self.channel.connection
        return transport is None or transport.client is None

    def restore_unacked(self, client=None):
        if client is None and self._connection_gone():
            logger.warning(
                "Broker connection already closed: %d unacknowledged message(s) stay in "
                "Redis and are restored after the visibility timeout.",
                len(self._delivered),
            )
            self._delivered.clear()
            return
        super().restore_unacked(client)

    def ack(self, delivery_tag):
        if self._connection_gone():
            logger.warning(
                "Broker connection already closed: a finished task's message stays in Redis "
                "and is delivered again after the visibility timeout (its work is done; the "
                "task finds nothing left to do)."
            )
            virtual.QoS.ack(self, delivery_tag)  # forget it here; Redis keeps it
            return
        super().ack(delivery_tag)

    def reject(self, delivery_tag, requeue=False):
        if self._connection_gone():
            logger.warning(
                "Broker connection already closed: a rejected message stays in Redis and is "
                "delivered again after the visibility timeout."
            )
            virtual.QoS.ack(self, delivery_tag)
            return
        super().reject(delivery_tag, requeue=requeue)


class RedisChannel(redis_transport.Channel):
    QoS = RedisQoS


class RedisTransport(redis_transport.Transport):
    """kombu's Redis transport, whose channels do not fail when closed after their connection
    (see above). Selected by ``CELERY_BROKER_TRANSPORT`` (``dsar.broker:RedisTransport``)."""

    Channel = RedisChannel
