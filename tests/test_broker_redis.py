"""The Redis broker: a worker reconnecting after a Redis outage does not die.

Celery collects the lost connection (dropping its transport's link to it), then closes the
connection's channels, which put their unacknowledged messages back; with kombu's Redis
transport that raised ``AttributeError: 'NoneType' object has no attribute 'hostname'`` and
ended the worker (dsar/broker.py explains).
"""

import pytest
from django.conf import settings

from dsar.celery import app

pytestmark = pytest.mark.skipif(
    not settings.CELERY_BROKER_URL.startswith("redis://"), reason="needs REDIS_URL"
)


def test_a_channel_closed_after_its_connection_was_collected_keeps_its_messages_in_redis():
    queue_name = "tests-broker-redis-restore"
    with app.connection_for_write() as conn:
        queue = conn.SimpleQueue(queue_name)
        queue.clear()
        queue.put({"email_ids": [1, 2, 3]})
        message = queue.get(timeout=5)  # delivered, not acknowledged: a task in flight
        channel = queue.channel

        # What the worker's consumer does when Redis goes away, in the order that failed.
        channel._disconnect_pools()
        conn._do_close_transport()
        channel.close()  # kombu's transport: AttributeError ... 'hostname'

    with app.connection_for_write() as conn:
        client = conn.default_channel.client
        unacked = conn.default_channel.unacked_key
        try:
            # Still in Redis, to be restored after the visibility timeout by a live worker.
            assert client.hexists(unacked, message.delivery_tag)
        finally:
            client.hdel(unacked, message.delivery_tag)
            client.zrem(conn.default_channel.unacked_index_key, message.delivery_tag)
            conn.SimpleQueue(queue_name).clear()
