"""Who did something, and the one function that writes an audit event.

Services call :func:`record_event` inside their transaction, so that a change and its
audit entry are committed together or not at all.
"""

from dataclasses import dataclass

from django.utils import timezone

from .models import ActorType, Case, CaseEvent


@dataclass(frozen=True)
class Actor:
    type: str
    user: object | None = None

    @classmethod
    def staff(cls, user) -> "Actor":
        return cls(ActorType.USER, user)

    @classmethod
    def system(cls) -> "Actor":
        return cls(ActorType.SYSTEM)

    @classmethod
    def subject(cls) -> "Actor":
        return cls(ActorType.SUBJECT)

    @property
    def label(self) -> str:
        """The user's name at the time; empty for the system and the data subject, whose
        label is translated when shown (CaseEvent.actor_display)."""
        if self.type == ActorType.USER and self.user is not None:
            return self.user.get_username()
        return ""


def record_event(
    case: Case,
    actor: Actor,
    kind: str,
    *,
    at=None,
    from_status: str = "",
    to_status: str = "",
    changes: dict | None = None,
    message: str = "",
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        at=at or timezone.now(),
        kind=kind,
        actor_type=actor.type,
        actor=actor.user,
        actor_label=actor.label,
        from_status=from_status,
        to_status=to_status,
        changes=changes or {},
        message=message,
    )
