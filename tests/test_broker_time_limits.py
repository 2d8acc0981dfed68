"""Every Celery task has a soft and a hard time limit, declared once in the settings."""

from django.conf import settings

from dsar.celery import app


def test_every_task_has_a_soft_and_a_hard_time_limit():
    app.loader.import_default_modules()
    ours = [name for name in app.tasks if not name.startswith("celery.")]
    assert ours

    assert app.conf.task_soft_time_limit == settings.DSAR_TASK_SOFT_TIME_LIMIT_SECONDS
    assert app.conf.task_time_limit == settings.DSAR_TASK_TIME_LIMIT_SECONDS
    for name in ours:
        task = app.tasks[name]
        # No task overrides them with "no limit".
        assert task.soft_time_limit in (None, settings.DSAR_TASK_SOFT_TIME_LIMIT_SECONDS), name
        assert task.time_limit in (None, settings.DSAR_TASK_TIME_LIMIT_SECONDS), name


def test_the_soft_limit_comes_first_and_both_stay_below_the_redis_visibility_timeout():
    assert 0 < settings.CELERY_TASK_SOFT_TIME_LIMIT < settings.CELERY_TASK_TIME_LIMIT
    # The Redis broker's visibility timeout (the embedded broker has none).
    visibility_timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600)
    assert visibility_timeout > settings.CELERY_TASK_TIME_LIMIT
