"""The embedded Celery broker (no REDIS_URL): message files shared by web, worker and beat.

Each test talks to the broker the settings configure, through the Celery app, with the
broker's folders moved under the test's own temporary folder.
"""

import builtins
import threading
from pathlib import Path

import pytest
from django.conf import settings

from dsar.celery import app

pytestmark = pytest.mark.skipif(
    not settings.CELERY_BROKER_URL.startswith("filesystem://"),
    reason="the embedded broker; REDIS_URL is set",
)

FOLDER_OPTIONS = ("data_folder_in", "data_folder_out", "processed_folder", "control_folder")


def broker_options(root: Path) -> dict:
    """The configured transport options with every folder moved under ``root``; nothing is
    created."""
    base = Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]).parent
    options = dict(settings.CELERY_BROKER_TRANSPORT_OPTIONS)
    for key in FOLDER_OPTIONS:
        options[key] = str(root / Path(options[key]).relative_to(base))
    return options


def connection(root: Path):
    return app.connection_for_write(transport_options=broker_options(root))


@pytest.fixture
def broker_root(tmp_path) -> Path:
    """A broker folder with its folders made, as ``scripts/setup.sh`` makes them."""
    for key in FOLDER_OPTIONS:
        Path(broker_options(tmp_path)[key]).mkdir(parents=True, exist_ok=True)
    return tmp_path


class PausedWrite:
    """Makes the next message file written under ``folder`` stop halfway: the first half is on
    disk when ``halfway`` is set, the rest follows once ``resume`` is set. As a writer that the
    scheduler stops in the middle of ``write()``."""

    def __init__(self, monkeypatch, folder: Path):
        self.folder = str(folder)
        self.halfway = threading.Event()
        self.resume = threading.Event()
        original_open = builtins.open
        paused = self

        class HalfThenRest:
            def __init__(self, file):
                self._file = file

            def write(self, data):
                half = len(data) // 2
                self._file.write(data[:half])
                self._file.flush()
                paused.halfway.set()
                paused.resume.wait(30)
                return half + self._file.write(data[half:])

            def __getattr__(self, name):
                return getattr(self._file, name)

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                return self._file.__exit__(*exc)

        def paused_open(file, mode="r", *args, **kwargs):
            opened = original_open(file, mode, *args, **kwargs)
            if "w" in mode and str(file).startswith(self.folder) and not self.halfway.is_set():
                return HalfThenRest(opened)
            return opened

        monkeypatch.setattr(builtins, "open", paused_open)


def test_a_message_being_written_is_not_read_half_written(broker_root, monkeypatch):
    options = broker_options(broker_root)
    with connection(broker_root) as conn:
        queue = conn.SimpleQueue("race")
        queue.put({"hello": "world"})  # declares the queue; its files exist from here on
        assert queue.get(timeout=1).payload == {"hello": "world"}

        paused = PausedWrite(monkeypatch, Path(options["data_folder_out"]))
        writer = threading.Thread(target=queue.put, args=({"email_ids": list(range(500))},))
        writer.start()
        try:
            assert paused.halfway.wait(30)
            # Half the message is on disk: a reader finds nothing yet, and does not fail.
            with pytest.raises(queue.Empty):
                queue.get(block=False)
        finally:
            paused.resume.set()
            writer.join(30)
        assert queue.get(timeout=1).payload == {"email_ids": list(range(500))}
        queue.close()


def test_the_broker_makes_its_folders_on_first_use(tmp_path):
    options = broker_options(tmp_path / "fresh")
    assert not any(Path(options[key]).exists() for key in FOLDER_OPTIONS)

    with connection(tmp_path / "fresh") as conn:
        queue = conn.SimpleQueue("first-use")
        with pytest.raises(queue.Empty):
            queue.get(block=False)  # a worker starting before anything was ever sent
        queue.put({"n": 1})
        assert queue.get(timeout=1).payload == {"n": 1}
        queue.close()


def test_an_unreadable_message_file_is_set_aside_and_the_next_one_read(broker_root, caplog):
    options = broker_options(broker_root)
    with connection(broker_root) as conn:
        queue = conn.SimpleQueue("broken")
        queue.put({"n": 1})
        queue.get(timeout=1).ack()
        # A message file cut short, e.g. by a full disk or an older version of this broker.
        Path(options["data_folder_out"], "1_cut-short.broken.msg").write_bytes(b'{"bod')
        queue.put({"n": 2})

        assert queue.get(timeout=1).payload == {"n": 2}
        queue.close()
    assert (Path(options["processed_folder"]) / "rejected" / "1_cut-short.broken.msg").exists()
    assert "1_cut-short.broken.msg is not readable" in caplog.text


def test_each_message_is_taken_by_one_reader(broker_root):
    """Two consumers (a worker and a second worker, or a worker restarted by run-dev.sh while
    the old one still reads) never both get the same message."""
    sent = list(range(300))
    got: list[int] = []
    lock = threading.Lock()

    with connection(broker_root) as conn:
        queue = conn.SimpleQueue("shared")
        for n in sent:
            queue.put({"n": n})
        queue.close()

    def read():
        with connection(broker_root) as conn:
            queue = conn.SimpleQueue("shared")
            while True:
                try:
                    message = queue.get(block=False)
                except queue.Empty:
                    break
                message.ack()
                with lock:
                    got.append(message.payload["n"])
            queue.close()

    readers = [threading.Thread(target=read) for _ in range(4)]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join(60)

    assert sorted(got) == sent


def test_messages_are_taken_oldest_first_by_their_number(broker_root, monkeypatch):
    """The clock part of a file name is compared as a number: ``9_…`` comes before ``10_…``,
    however long the machine has been up."""
    with connection(broker_root) as conn:
        queue = conn.SimpleQueue("ordered")
        queue.put({"n": 0})  # declares the queue
        assert queue.get(timeout=1).payload == {"n": 0}
        for seconds, n in ((0.010, 10), (0.009, 9)):  # written late, but 9 ms is older
            monkeypatch.setattr("dsar.broker.monotonic", lambda s=seconds: s)
            queue.put({"n": n})
        assert [queue.get(timeout=1).payload["n"] for _ in range(2)] == [9, 10]
        queue.close()
