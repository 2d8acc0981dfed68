"""Rows the application writes once and never changes or deletes: the audit trail, archived
letters, the security log. One mechanism, so that every such table refuses the same ways:
``save()`` of an existing row, ``delete()``, and the queryset's ``update()``/``delete()``.

A model opts in by subclassing :class:`AppendOnlyModel` (abstract, no fields) with a manager
from an :class:`AppendOnlyQuerySet` subclass, and says why in ``refusal``. The few narrow
exceptions (redacting personal data after the retention period, marking a letter sent) are
named queryset methods built on :meth:`AppendOnlyQuerySet._permitted_update`.
"""

from django.db import models


class AppendOnlyQuerySet(models.QuerySet):
    refusal = "These rows are append-only."

    def update(self, **kwargs):
        raise TypeError(self.refusal)

    def delete(self):
        raise TypeError(self.refusal)

    def _permitted_update(self, **kwargs) -> int:
        """For the named exceptions only; never call it from outside the model's module."""
        return models.QuerySet.update(self, **kwargs)


class AppendOnlyModel(models.Model):
    refusal = "These rows are append-only."

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError(self.refusal)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError(self.refusal)
