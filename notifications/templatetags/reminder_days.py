"""Days left in the subject lines of the deadline reminders, counted the way the reminder
policy counts them (notifications.policy): calendar days for the law, working days for
planning. The templates say which."""

from django import template

from cases import deadlines

register = template.Library()


@register.filter
def calendar_days_from(due, today) -> int:
    """Calendar days from ``today`` to ``due``: 0 when due today, negative when overdue."""
    return deadlines.days_left(due, today)


@register.filter
def working_days_from(due, today) -> int:
    """Working days after ``today`` up to and including ``due`` (``deadlines.working_days_left``),
    with the extra non-working days of the settings."""
    return deadlines.working_days_left(due, today)
