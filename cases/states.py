"""The case state machine: which action may move a case from which state to which.

The table is the single source of truth; ``cases.services`` enforces it and
docs/states.md draws it.
"""

from dataclasses import dataclass

from .models import OPEN_STATUSES, Status


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    # None: the action keeps the status (assign, extend) or picks it at run time (resume).
    target: str | None


_OPEN = frozenset(OPEN_STATUSES)

TRANSITIONS: dict[str, Transition] = {
    "confirm": Transition(frozenset({Status.UNCONFIRMED}), Status.NEW),
    "start_identity_check": Transition(frozenset({Status.NEW}), Status.IDENTITY_CHECK),
    "verify_identity": Transition(_OPEN, Status.IN_PROGRESS),
    "pause": Transition(
        frozenset({Status.NEW, Status.IDENTITY_CHECK, Status.IN_PROGRESS}), Status.WAITING
    ),
    # Back to the identity check while identity is unverified, else to work in progress.
    "resume": Transition(frozenset({Status.WAITING}), None),
    "assign": Transition(_OPEN, None),
    "extend": Transition(_OPEN, None),
    "close": Transition(_OPEN, Status.CLOSED),
    "withdraw": Transition(_OPEN, Status.WITHDRAWN),
}


def allowed_actions(status: str) -> list[str]:
    return [name for name, t in TRANSITIONS.items() if status in t.sources]
