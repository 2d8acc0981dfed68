"""The Redis broker: a worker reconnecting after a Redis outage does not die.

Celery collects the lost connection (dropping its transport's link to it); a channel of that
connection closed afterwards puts its unacknowledged messages back, and a task that ran
through the outage acknowledges its message on it. With kombu's Redis transport these raised
``AttributeError: 'NoneType' object has no attribute 'hostname'`` (or ``'client'``) and ended
the worker (dsar/broker.py explains).
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


def test_a_task_finishing_after_the_reconnect_acknowledges_without_failing():
    queue_name = "tests-broker-redis-late-ack"
    with app.connection_for_write() as conn:
        queue = conn.SimpleQueue(queue_name)
        queue.clear()
        queue.put({"email_ids": [4]})
        message = queue.get(timeout=5)  # a task running while Redis goes away
        channel = queue.channel

        channel._disconnect_pools()
        conn._do_close_transport()
        channel.close()
        message.ack()  # the task finished; kombu's transport: AttributeError ... 'client'

    with app.connection_for_write() as conn:
        client = conn.default_channel.client
        unacked = conn.default_channel.unacked_key
        try:
            # Kept in Redis: delivered again after the visibility timeout; the task then
            # finds its work done (the outbox row is sent).
            assert client.hexists(unacked, message.delivery_tag)
        finally:
            client.hdel(unacked, message.delivery_tag)
            client.zrem(conn.default_channel.unacked_index_key, message.delivery_tag)
            conn.SimpleQueue(queue_name).clear()
