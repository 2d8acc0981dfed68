"""A fixed set of requests, built through the services, whose figures are worked out by hand
in the tests (and in the comments below), with the clock frozen on Wednesday 18 November 2026.

Due dates follow the default ``four_weeks`` rule: received + 28 days, moved off weekends.

answered (closed) — month of answering in Amsterdam time:
  A access  web    rec 2026-09-01  due 09-29  closed 09-10  granted       9 days  on time  (Zoë)
  B erasure email  rec 2026-09-03  due 10-01  closed 10-05  refused      32 days  late     (Øyvind)
  C access  post   rec 2026-09-20  due 10-19  closed 10-16  granted      26 days  on time
  D rectif. email  rec 2026-10-01  due 10-29, extended to 12-29, closed 11-10 granted 40 on time
  E access  web    rec 2026-10-12  due 11-09  closed 11-16  not valid    35 days  late
  F object. phone  rec 2026-11-02  due 11-30  closed 11-05  granted       3 days  on time
  H access  post   rec 2025-11-20  due 12-18  closed 2025-12-05 granted  15 days  on time
  I erasure web    rec 2026-10-05  due 11-02  closed 2026-11-01 00:30 (still 31 October in UTC)
                                                                  refused 27 days  on time
  J portab. web    rec 2026-08-01 00:30 (31 July in UTC)  due 08-31  closed 08-20  granted  19
withdrawn:
  G access  email  rec 2026-10-20  withdrawn 10-25 (anonymised afterwards)
open:
  K access  web    rec 2026-10-05  new             due 11-02  overdue           age 44
  L access  email  rec 2026-10-21  in progress     due 11-18 (today)  mine      age 28
  M erasure post   rec 2026-10-23  identity check  due 11-20  Øyvind's          age 26
  N object. web    rec 2026-11-16  new             due 12-14  mine              age 2
  O restr.  email  rec 2026-11-09  waiting         due 12-07                    age 9
  P access  post   rec 2026-08-20  in progress, extended: due 09-17 → 11-17, overdue, age 90
never a request:
  Q access  web    rec 2026-11-17  e-mail address never confirmed
"""

import html.parser

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.test import Client

from cases import services
from cases.audit import Actor
from cases.models import Case, Channel, IdentityMethod, PauseReason, RequestType
from casework import actions
from tests import factories
from tests.factories import at

TODAY = at(2026, 11, 18, 12)  # a Wednesday


@pytest.fixture
def frozen_clock():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def zoe(db):
    """The logged-in officer ("me")."""
    return factories.officer("zoe", first_name="Zoë", last_name="IJsbrand")


@pytest.fixture
def oyvind(db):
    return factories.officer("oyvind", first_name="Øyvind", last_name="Hansen")


@pytest.fixture
def dpo(db):
    """A privacy officer who may also see and export the register (the DPO role)."""
    user = factories.officer("dpo", first_name="Fenna", last_name="de Graaf")
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="reports", codename="view_register")
    )
    return user


def client_for(user, language="en") -> Client:
    client = Client(headers={"accept-language": language})
    client.force_login(user)
    return client


@pytest.fixture
def dataset(frozen_clock, zoe, oyvind) -> dict[str, Case]:
    actor = Actor.staff(zoe)
    answered = factories.answered_case
    T = RequestType  # noqa: N806
    C = Channel  # noqa: N806
    made = {
        "H": answered(actor=actor, received_at=at(2025, 11, 20), closed_at=at(2025, 12, 5, 15)),
        "J": answered(
            actor=actor,
            received_at=at(2026, 8, 1, 0, 30),
            closed_at=at(2026, 8, 20, 15),
            request_type=T.PORTABILITY,
            channel=C.WEB,
        ),
        "A": answered(
            actor=actor,
            received_at=at(2026, 9, 1),
            closed_at=at(2026, 9, 10, 15),
            assignee=zoe,
            channel=C.WEB,
        ),
        "B": answered(
            actor=actor,
            received_at=at(2026, 9, 3),
            closed_at=at(2026, 10, 5, 15),
            outcome="refused",
            reason="Bewaarplicht.",
            assignee=oyvind,
            request_type=T.ERASURE,
            channel=C.EMAIL,
        ),
        "C": answered(actor=actor, received_at=at(2026, 9, 20), closed_at=at(2026, 10, 16, 15)),
        "D": answered(
            actor=actor,
            received_at=at(2026, 10, 1),
            closed_at=at(2026, 11, 10, 15),
            extended_at=at(2026, 10, 10),
            request_type=T.RECTIFICATION,
            channel=C.EMAIL,
        ),
        "E": answered(
            actor=actor,
            received_at=at(2026, 10, 12),
            closed_at=at(2026, 11, 16, 15),
            outcome="not_valid",
            reason="Geen persoonsgegevens.",
            channel=C.WEB,
        ),
        "F": answered(
            actor=actor,
            received_at=at(2026, 11, 2),
            closed_at=at(2026, 11, 5, 15),
            request_type=T.OBJECTION,
            channel=C.PHONE,
        ),
        "I": answered(
            actor=actor,
            received_at=at(2026, 10, 5),
            closed_at=at(2026, 11, 1, 0, 30),
            outcome="refused",
            reason="Bewaarplicht.",
            request_type=T.ERASURE,
            channel=C.WEB,
        ),
        "G": answered(
            actor=actor,
            received_at=at(2026, 10, 20),
            closed_at=at(2026, 10, 25, 15),
            outcome="withdrawn",
            channel=C.EMAIL,
        ),
    }

    def open_case(received_at, **fields):
        return factories.case(received_at=received_at, actor=actor, now=received_at, **fields)

    made["K"] = open_case(at(2026, 10, 5), channel=C.WEB)
    made["L"] = open_case(at(2026, 10, 21), channel=C.EMAIL)
    made["M"] = open_case(at(2026, 10, 23), request_type=T.ERASURE)
    made["N"] = open_case(at(2026, 11, 16), request_type=T.OBJECTION, channel=C.WEB)
    made["O"] = open_case(at(2026, 11, 9), request_type=T.RESTRICTION, channel=C.EMAIL)
    made["P"] = open_case(at(2026, 8, 20))
    made["Q"] = open_case(at(2026, 11, 17), channel=C.WEB, unconfirmed=True)

    def step(letter, **extra):
        return {"case_id": made[letter].pk, "actor": actor, **extra}

    services.case_verify_identity(
        **step("L", now=at(2026, 10, 22)), method=IdentityMethod.KNOWN_CONTACT
    )
    services.case_assign(**step("L", now=at(2026, 10, 22)), assignee=zoe)
    services.case_start_identity_check(**step("M", now=at(2026, 10, 24)))
    services.case_assign(**step("M", now=at(2026, 10, 24)), assignee=oyvind)
    services.case_assign(**step("N", now=at(2026, 11, 17)), assignee=zoe)
    services.case_start_identity_check(**step("O", now=at(2026, 11, 10)))
    actions.pause(**step("O", now=at(2026, 11, 10)), reason=PauseReason.IDENTITY, note="Kopie ID")
    services.case_verify_identity(**step("P", now=at(2026, 8, 21)), method=IdentityMethod.DOCUMENT)
    actions.extend(**step("P", now=at(2026, 9, 1)), reason="Veel systemen.")
    # What the retention purge (issue 7) will do to an old case: personal data blanked,
    # reference, type, channel, dates and outcome kept. A stand-in until that service exists.
    Case.objects.filter(pk=made["G"].pk).update(
        subject_name="", subject_email="", description="", subject_address=""
    )
    for letter in made:
        made[letter].refresh_from_db()
    return made


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
TILE_PARTS = {
    "dsar-tile-label": "label",
    "dsar-tile-number": "number",
    "dsar-tile-help": "help",
    "dsar-trend": "trend",
}


class _Collector(html.parser.HTMLParser):
    """Pulls the dashboard's tiles, status links and the charts' tables out of a page."""

    def __init__(self):
        super().__init__()
        self.tiles: dict[str, dict] = {}
        self.status_links: dict[str, dict] = {}
        self.tables: dict[str, list[list[str]]] = {}
        self._stack: list[tuple[str, list | None]] = []  # (tag, text sink or None)
        self._chart = None

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        sink = None
        if "data-tile" in attrs:
            self._tile = self.tiles[attrs["data-tile"]] = {"url": attrs.get("href")}
        part = next((TILE_PARTS[c] for c in classes if c in TILE_PARTS), None)
        if part:
            sink = self._tile.setdefault(part, [])
        if "data-status" in attrs:
            link = self.status_links[attrs["data-status"]] = {"url": attrs["href"], "text": []}
            sink = link["text"]
        if tag == "figure" and (attrs.get("id") or "").startswith("chart-"):
            self._chart = attrs["id"].removeprefix("chart-")
            self.tables[self._chart] = []
        elif self._chart and tag == "tr":
            self.tables[self._chart].append([])
        elif self._chart and tag in ("td", "th") and self.tables[self._chart]:
            sink = []
            self.tables[self._chart][-1].append(sink)
        self._stack.append((tag, sink))

    def handle_endtag(self, tag):
        while self._stack:
            open_tag, _sink = self._stack.pop()
            if open_tag == tag:
                break
        if tag == "figure":
            self._chart = None

    def handle_data(self, data):
        for _tag, sink in self._stack:
            if sink is not None:
                sink.append(data)

    def result(self):
        def text(parts):
            return " ".join("".join(parts).split())

        for tile in self.tiles.values():
            for key, value in tile.items():
                if isinstance(value, list):
                    tile[key] = text(value)
        for link in self.status_links.values():
            link["text"] = text(link["text"])
        for rows in self.tables.values():
            rows[:] = [[text(cell) for cell in row] for row in rows]
        return self


def read_dashboard(html: str) -> _Collector:
    collector = _Collector()
    collector.feed(html)
    return collector.result()
