"""Realistic demo and benchmark data: cases in every type and state, spread over two years.

Bulk inserts for speed; every deadline is still computed by ``cases.deadlines`` and every
case gets the audit events its state implies, so the data looks as if it went through the
services.
"""

import datetime
import random
import unicodedata
import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from . import deadlines
from .models import (
    ActorType,
    Case,
    CaseEvent,
    CasePause,
    Channel,
    EventKind,
    IdentityMethod,
    Language,
    Outcome,
    PauseReason,
    ReferenceCounter,
    RequestType,
    Status,
)
from .services import format_reference

FIRST_NAMES = [
    "Anouk", "Bram", "Daan", "Emma", "Fenna", "Sem", "Julia", "Lucas", "Sanne", "Thijs", "Noor",
    "Jesse", "Lotte", "Ruben", "Femke", "Milan", "Iris", "Stijn", "Zoë", "IJsbrand", "Fleur",
    "Joost", "Marieke", "Wouter", "Sophie", "Henk", "Ingrid", "Kees", "Mohamed", "Fatima",
    "Ayşe", "Øyvind", "Nguyễn Thị", "Priya", "Lieke", "Gerrit", "Annelies", "Ricardo", "Mila",
]  # fmt: skip
LAST_NAMES = [
    "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser",
    "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks",
    "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer",
    "El Amrani", "Yılmaz", "Kowalski", "Hoekstra", "van 't Hof", "Çelik", "Lan", "Ramdin",
    "Öztürk", "Clarke",
]  # fmt: skip
STREETS = ["Dorpsstraat", "Kerkstraat", "Stationsweg", "Molenweg", "Schoolstraat", "Beukenlaan"]
CITIES = [("3511 AB", "Utrecht"), ("1012 JS", "Amsterdam"), ("9712 CP", "Groningen"),
          ("5611 EM", "Eindhoven"), ("2511 BT", "Den Haag"), ("6811 DC", "Arnhem")]  # fmt: skip
DESCRIPTIONS = {
    RequestType.ACCESS: [
        "Ik wil graag weten welke persoonsgegevens u van mij verwerkt en een kopie ontvangen.",
        "Please send me a copy of all personal data you hold about me, including call logs.",
        "Welke gegevens heeft u over mij gedeeld met andere partijen?",
    ],
    RequestType.RECTIFICATION: [
        "Mijn adres in uw klantgegevens klopt niet meer: ik ben verhuisd.",
        "My date of birth is recorded incorrectly in your system.",
    ],
    RequestType.ERASURE: [
        "Verwijder alstublieft mijn account en alle bijbehorende gegevens.",
        "I cancelled my subscription last year; please delete my personal data.",
    ],
    RequestType.RESTRICTION: [
        "Ik betwist de juistheid van mijn betalingsgegevens; gebruik ze niet tot dit is opgelost.",
    ],
    RequestType.PORTABILITY: [
        "Ik wil mijn verbruiksgegevens in een machineleesbaar formaat ontvangen.",
        "Please transfer my order history to my new provider in CSV format.",
    ],
    RequestType.OBJECTION: [
        "Ik maak bezwaar tegen het gebruik van mijn gegevens voor direct marketing.",
        "I object to profiling for personalised advertising.",
    ],
}
REFUSAL_REASONS = [
    "Facturen bewaren wij zeven jaar op grond van de fiscale bewaarplicht (art. 52 AWR).",
    "Het verzoek is kennelijk ongegrond: het is het vijfde identieke verzoek deze maand.",
    "Wij konden de identiteit van de verzoeker niet vaststellen.",
]
DEMO_OFFICERS = [("anouk", "Anouk", "Visser"), ("bram", "Bram", "de Groot")]
OFFICER_GROUP = "Privacy officer"


def _ascii(text: str) -> str:
    text = text.replace("ø", "o").replace("ı", "i")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def ensure_demo_officers() -> list:
    """Staff accounts the demo cases are assigned to. They cannot log in (no password)."""
    User = get_user_model()
    group = Group.objects.get(name=OFFICER_GROUP)
    officers = []
    for username, first, last in DEMO_OFFICERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@example.org",
                "is_staff": True,
            },
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            user.groups.add(group)
        officers.append(user)
    return officers


def _pick_status(rng: random.Random, open_share: float) -> str:
    if rng.random() < open_share:
        return rng.choices(
            [Status.NEW, Status.IDENTITY_CHECK, Status.IN_PROGRESS, Status.WAITING],
            weights=[2, 2, 5, 1],
        )[0]
    return Status.WITHDRAWN if rng.random() < 0.05 else Status.CLOSED


def seed_cases(
    count: int,
    *,
    today: datetime.date,
    open_share: float = 0.2,
    seed: int = 20261122,
    batch_size: int = 5000,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Insert ``count`` cases received over the two years before ``today``."""
    rng = random.Random(seed)
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    officers = ensure_demo_officers()
    types = list(RequestType)
    # Access requests are by far the most common in practice.
    type_weights = [50, 12, 20, 4, 6, 8]
    channels = list(Channel)
    channel_weights = [60, 25, 8, 5, 2]
    created = 0
    while created < count:
        n = min(batch_size, count - created)
        _insert_batch(
            rng, tz, n, today, open_share, officers, types, type_weights, channels,
            channel_weights,
        )  # fmt: skip
        created += n
        if progress:
            progress(n)
    return created


def _received_at(rng, tz, today, status) -> datetime.datetime:
    if status in (Status.CLOSED, Status.WITHDRAWN):
        days_ago = rng.randint(5, 730)
    else:
        # Open cases: most are recent, some are due soon and a few are overdue.
        days_ago = rng.choices(
            [rng.randint(0, 20), rng.randint(21, 28), rng.randint(29, 60)], weights=[70, 20, 10]
        )[0]
    day = today - datetime.timedelta(days=days_ago)
    hour = rng.randint(7, 21) if rng.random() < 0.9 else rng.randint(0, 23)
    moment = datetime.datetime.combine(day, datetime.time(hour, rng.randint(0, 59)), tzinfo=tz)
    now = datetime.datetime.now(tz)
    return min(moment, now - datetime.timedelta(minutes=5))


@transaction.atomic
def _insert_batch(
    rng, tz, n, today, open_share, officers, types, type_weights, channels, channel_weights
):
    rule = settings.DSAR_DEADLINE_RULE
    cases = []
    for _i in range(n):
        status = _pick_status(rng, open_share)
        request_type = rng.choices(types, weights=type_weights)[0]
        channel = rng.choices(channels, weights=channel_weights)[0]
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        received_at = _received_at(rng, tz, today, status)
        received_on = received_at.astimezone(tz).date()
        due = deadlines.due_date(received_on, rule)
        email_local = _ascii(f"{first}.{last}".lower()).replace(" ", "").replace("'", "")
        postcode, city = rng.choice(CITIES)
        case = Case(
            request_type=request_type,
            channel=channel,
            status=status,
            subject_name=f"{first} {last}",
            subject_email=f"{email_local}{rng.randint(1, 999)}@example.org",
            subject_phone=f"06{rng.randint(10000000, 99999999)}" if rng.random() < 0.4 else "",
            subject_address=(
                f"{rng.choice(STREETS)} {rng.randint(1, 200)}\n{postcode} {city}"
                if channel == Channel.POST or rng.random() < 0.3
                else ""
            ),
            subject_language=Language.ENGLISH if rng.random() < 0.15 else Language.DUTCH,
            description=rng.choice(DESCRIPTIONS[request_type]),
            received_at=received_at,
            received_on=received_on,
            deadline_rule=rule,
            due_date=due,
            effective_due_date=due,
            confirmed_at=received_at if channel == Channel.WEB else None,
        )
        if rng.random() < 0.05:
            case.representative_name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            case.representative_details = "Ouder / wettelijk vertegenwoordiger"
        _shape_case(rng, case, status, officers, today, tz)
        cases.append(case)

    cases.sort(key=lambda c: c.received_at)
    years = sorted({c.received_on.year for c in cases})
    counters = {}
    for year in years:
        counter, _ = ReferenceCounter.objects.select_for_update().get_or_create(year=year)
        counters[year] = counter
    for case in cases:
        case.reference_year = case.received_on.year
        if case.status == Status.UNCONFIRMED:
            continue  # numbered only when confirmed (cases.services.case_confirm)
        counter = counters[case.reference_year]
        counter.last_number += 1
        case.reference_number = counter.last_number
        case.reference = format_reference(case.reference_year, case.reference_number)
    for counter in counters.values():
        counter.save(update_fields=["last_number"])

    Case.objects.bulk_create(cases, batch_size=1000)
    events, pauses = [], []
    for case in cases:
        events.extend(_events_for(case))
        if case.status == Status.WAITING:
            pauses.append(
                CasePause(
                    case=case,
                    reason=PauseReason.IDENTITY,
                    note="Kopie identiteitsbewijs gevraagd (BSN en foto afgeschermd).",
                    started_at=case.received_at + datetime.timedelta(days=2),
                )
            )
    CaseEvent.objects.bulk_create(events, batch_size=2000)
    CasePause.objects.bulk_create(pauses, batch_size=2000)


def _shape_case(rng, case, status, officers, today, tz):
    """Fill in what the case's state implies: assignee, identity, extension, outcome."""
    if status == Status.NEW:
        return
    case.assignee = rng.choice(officers) if rng.random() < 0.9 else None
    latest = max(case.received_at, datetime.datetime.now(tz) - datetime.timedelta(minutes=1))
    verified_at = min(
        case.received_at + datetime.timedelta(days=rng.randint(1, 5), hours=2), latest
    )
    if status in (Status.IN_PROGRESS, Status.CLOSED) and rng.random() < 0.95:
        case.identity_verified_at = verified_at
        case.identity_verified_by = case.assignee or officers[0]
        case.identity_method = rng.choice(
            [IdentityMethod.KNOWN_CONTACT, IdentityMethod.DOCUMENT, IdentityMethod.LOGGED_IN]
        )
    extendable = case.received_on + datetime.timedelta(days=14) <= today
    if status in (Status.IN_PROGRESS, Status.CLOSED) and extendable and rng.random() < 0.06:
        case.extended_due_date = deadlines.extended_due_date(case.received_on, case.deadline_rule)
        case.extended_at = case.received_at + datetime.timedelta(days=14)
        case.extension_reason = "Complex verzoek: gegevens in meerdere systemen en archieven."
        case.extension_notified_at = case.extended_at if rng.random() < 0.8 else None
        case.effective_due_date = case.extended_due_date
    if status in (Status.CLOSED, Status.WITHDRAWN):
        # Most requests are answered on time; some late ones keep the statistics honest.
        limit = (case.effective_due_date - case.received_on).days
        taken = rng.randint(2, limit) if rng.random() < 0.9 else rng.randint(limit, limit + 20)
        closed_on = min(case.received_on + datetime.timedelta(days=taken), today)
        closed_at = datetime.datetime.combine(closed_on, datetime.time(15, 30), tzinfo=tz)
        case.closed_at = max(closed_at, case.received_at + datetime.timedelta(hours=1))
        if status == Status.WITHDRAWN:
            case.outcome = Outcome.WITHDRAWN
        elif case.identity_verified_at is None:
            case.outcome = rng.choice([Outcome.REFUSED, Outcome.NOT_VALID])
            case.outcome_reason = REFUSAL_REASONS[2]
        else:
            case.outcome = rng.choices(
                [Outcome.GRANTED, Outcome.PARTLY_GRANTED, Outcome.REFUSED], weights=[80, 12, 8]
            )[0]
            if case.outcome != Outcome.GRANTED:
                case.outcome_reason = rng.choice(REFUSAL_REASONS[:2])
        if case.identity_verified_at and case.identity_verified_at > case.closed_at:
            case.identity_verified_at = case.closed_at


def _event(case, kind, at, *, actor=None, **kwargs) -> CaseEvent:
    return CaseEvent(
        case=case,
        kind=kind,
        at=at,
        actor_type=ActorType.USER if actor else ActorType.SYSTEM,
        actor=actor,
        actor_label=actor.get_username() if actor else "",
        **kwargs,
    )


def _events_for(case: Case) -> list[CaseEvent]:
    officer = case.assignee
    events = [
        _event(
            case,
            EventKind.CREATED,
            case.received_at,
            to_status=Status.NEW,
            changes={"channel": case.channel},
        )
    ]
    if officer:
        events.append(
            _event(
                case,
                EventKind.ASSIGNED,
                case.received_at + datetime.timedelta(hours=1),
                actor=officer,
                changes={"assignee": [None, officer.get_username()]},
            )
        )
    if case.identity_verified_at:
        events.append(
            _event(
                case,
                EventKind.IDENTITY_VERIFIED,
                case.identity_verified_at,
                actor=case.identity_verified_by,
                changes={"method": case.identity_method},
            )
        )
    if case.extended_at:
        events.append(
            _event(
                case,
                EventKind.EXTENDED,
                case.extended_at,
                actor=officer,
                changes={
                    "due_date": [case.due_date.isoformat(), case.extended_due_date.isoformat()]
                },
                message=case.extension_reason,
            )
        )
    if case.status != Status.NEW:
        at = case.closed_at or (case.received_at + datetime.timedelta(hours=2))
        events.append(
            _event(
                case,
                EventKind.TRANSITION,
                at,
                actor=officer,
                from_status=Status.NEW,
                to_status=case.status,
            )
        )
    if case.closed_at:
        kind = EventKind.WITHDRAWN if case.status == Status.WITHDRAWN else EventKind.CLOSED
        events.append(
            _event(
                case,
                kind,
                case.closed_at,
                actor=officer,
                changes={"outcome": case.outcome},
                message=case.outcome_reason,
            )
        )
    return events
