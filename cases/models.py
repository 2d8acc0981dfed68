"""The case: one request of a data subject, its legal deadline and its audit trail.

Fields are written only by ``cases.services``; the models hold data and pure read-only
computations (see docs/architecture.md).
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import BooleanField, F, Q, Value, When
from django.db.models import Case as SqlCase
from django.db.models.functions import TruncDate
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import clock, deadlines, search
from .append_only import AppendOnlyModel, AppendOnlyQuerySet


class RequestType(models.TextChoices):
    """The rights, named the same everywhere in a language (the public form, the e-mails, the
    admin, the letters): in English the GDPR's own words; in Dutch the plain word with the
    AVG's term beside it where it differs, e.g. "Verwijdering (recht op vergetelheid, art.
    17)" (locale/nl). The form adds what each means in plain words."""

    ACCESS = "access", _("Access (Art 15)")
    RECTIFICATION = "rectification", _("Rectification (Art 16)")
    ERASURE = "erasure", _("Erasure (Art 17)")
    RESTRICTION = "restriction", _("Restriction (Art 18)")
    PORTABILITY = "portability", _("Portability (Art 20)")
    OBJECTION = "objection", _("Objection (Art 21)")


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    EMAIL = "email", _("E-mail")
    POST = "post", _("Post")
    PHONE = "phone", _("Phone")
    IN_PERSON = "in_person", _("In person")


class Status(models.TextChoices):
    UNCONFIRMED = "unconfirmed", _("E-mail not confirmed")
    NEW = "new", _("New")
    IDENTITY_CHECK = "identity_check", _("Identity check")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING = "waiting", _("Waiting for the data subject")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Cases in these states count against the deadline and appear in the officers' queue.
OPEN_STATUSES = (Status.NEW, Status.IDENTITY_CHECK, Status.IN_PROGRESS, Status.WAITING)
FINAL_STATUSES = (Status.CLOSED, Status.WITHDRAWN)


class Outcome(models.TextChoices):
    GRANTED = "granted", _("Granted")
    PARTLY_GRANTED = "partly_granted", _("Partly granted")
    REFUSED = "refused", _("Refused")
    NOT_VALID = "not_valid", _("Not a valid request")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Language(models.TextChoices):
    DUTCH = "nl", _("Dutch")
    ENGLISH = "en", _("English")


class IdentityMethod(models.TextChoices):
    """How the identity was established, lightest first (EDPB Guidelines 01/2022 §73-77): an
    identity document only when the lighter means did not suffice."""

    KNOWN_CONTACT = "known_contact", _("Confirmed from the address we already know")
    QUESTION = "question", _("Answered a question only the subject can answer")
    LOGGED_IN = "logged_in", _("Request made from an authenticated account")
    IN_PERSON = "in_person", _("Verified in person")
    DOCUMENT = "document", _("Identity document seen (BSN and photo masked)")
    OTHER = "other", _("Other (see note)")


class AuthorityProof(models.TextChoices):
    """What shows that a representative may act for the data subject (docs/legal.md,
    "Representatives")."""

    AUTHORISATION = "authorisation", _("A signed authorisation (machtiging) of the subject")
    PARENTAL_AUTHORITY = (
        "parental_authority",
        _("Proof of parental authority (e.g. an extract of the gezagsregister)"),
    )
    GUARDIANSHIP = "guardianship", _("A court decision on guardianship or mentorship")
    LAWYER = "lawyer", _("A lawyer's statement that they act for the subject")
    OTHER = "other", _("Other (see note)")


class PauseReason(models.TextChoices):
    IDENTITY = "identity", _("Waiting for identity documents")
    CLARIFICATION = "clarification", _("Waiting for clarification")


class DeadlineRule(models.TextChoices):
    FOUR_WEEKS = deadlines.FOUR_WEEKS, _("Four weeks")
    GDPR_MONTH = deadlines.GDPR_MONTH, _("One calendar month (GDPR)")


# --- The questions every part asks of the cases ------------------------------------------
# "Which cases are requests", "open", "overdue", "due within N working days", "answered on
# time" and "matches this search" are answered here and nowhere else: the officers' queue, the
# API, the reports, the reminder sweep and the retention purge all use CaseQuerySet.

# "Answered on time": closed (not withdrawn) on or before the (extended) due date, both taken
# as dates in the organisation's time zone. Needs the ``closed_on`` annotation of
# :meth:`CaseQuerySet.with_closed_on`.
ANSWERED_ON_TIME = Q(status=Status.CLOSED, closed_on__lte=F("effective_due_date"))


def _overdue(today: datetime.date) -> Q:
    return Q(status__in=OPEN_STATUSES, effective_due_date__lt=today)


def closed_on():
    """The date of closing in the organisation's time zone, as an expression."""
    return TruncDate("closed_at", tzinfo=clock.tz())


class CaseQuerySet(models.QuerySet):
    def requests(self):
        """Every request ever received: a web request counts once its e-mail address is
        confirmed; before that it is nobody's work and in nobody's figures."""
        return self.exclude(status=Status.UNCONFIRMED)

    def open(self):
        """Requests that count against their deadline: the officers' queue."""
        return self.filter(status__in=OPEN_STATUSES)

    def final(self):
        return self.filter(status__in=(Status.CLOSED, Status.WITHDRAWN))

    def overdue(self, today: datetime.date):
        """Open requests whose (extended) due date has passed."""
        return self.filter(_overdue(today))

    def not_overdue(self, today: datetime.date):
        return self.exclude(_overdue(today))

    def due_between(self, first: datetime.date, last: datetime.date):
        """Open requests due from ``first`` up to and including ``last``."""
        return self.open().filter(effective_due_date__gte=first, effective_due_date__lte=last)

    def due_within(self, working_days: int, today: datetime.date):
        """Open requests due today or within ``working_days`` working days: the ones the
        orange "soon" badge marks (``Case.urgency``)."""
        return self.due_between(today, deadlines.last_day_within(today, working_days))

    def with_closed_on(self):
        return self.annotate(closed_on=closed_on())

    def with_on_time(self, today: datetime.date):
        """Annotate ``closed_on`` and ``on_time``: True or False for answered requests, False
        for open requests already past their due date, None for open requests still within
        it and for withdrawn requests."""
        return self.with_closed_on().annotate(
            on_time=SqlCase(
                When(ANSWERED_ON_TIME, then=Value(True)),
                When(status=Status.CLOSED, then=Value(False)),
                When(status__in=OPEN_STATUSES, effective_due_date__lt=today, then=Value(False)),
                default=Value(None),
                output_field=BooleanField(null=True),
            )
        )

    def search(self, term: str):
        """What the officers' search box finds (admin and API): a reference in any of its
        forms ("00174", "2026-00174", "DSAR-2026-00174", or the beginning of one), or part of
        the subject's name or e-mail address, regardless of case and accents
        (``cases.search``)."""
        term = term.strip()
        if not term:
            return self
        if reference := search.parse_reference(term):
            year, digits = reference
            if year is None:
                return self.filter(reference_number=int(digits))
            # Exact, or the beginning of longer references ("2026-001" finds 00100-00199).
            return self.filter(
                Q(reference_year=year, reference_number=int(digits))
                | Q(reference__startswith=f"DSAR-{year}-{digits}")
            )
        if term.upper().startswith("DSAR"):
            return self.filter(reference__startswith=term.upper())
        # Both sides folded by the same SQL function; on PostgreSQL trigram indexes on the
        # folded name and e-mail address serve the two LIKEs (migration 0012).
        folded = search.Folded(Value(term))
        return self.alias(
            folded_name=search.Folded("subject_name"), folded_email=search.Folded("subject_email")
        ).filter(Q(folded_name__contains=folded) | Q(folded_email__contains=folded))


class ReferenceCounter(models.Model):
    """The last reference number handed out per year; its row lock serialises numbering."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last_number}"


class Case(models.Model):
    # A request gets its number when it becomes one: at registration, or for a web request
    # when its e-mail address is confirmed. Unconfirmed web requests have none (NULL, which
    # unique constraints allow more than once), so those deleted unconfirmed leave no gaps
    # in the numbering of the register.
    reference = models.CharField(
        _("reference"), max_length=32, unique=True, null=True, blank=True, editable=False
    )
    # Kept apart from the reference text so that references sort by number, not as text.
    reference_year = models.PositiveSmallIntegerField(editable=False)
    reference_number = models.PositiveIntegerField(null=True, blank=True, editable=False)

    request_type = models.CharField(_("type"), max_length=20, choices=RequestType.choices)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW, editable=False
    )

    # The data subject
    subject_name = models.CharField(_("name"), max_length=200)
    subject_email = models.EmailField(_("e-mail address"), max_length=254, blank=True)
    subject_phone = models.CharField(_("phone"), max_length=40, blank=True)
    subject_address = models.TextField(_("postal address"), max_length=500, blank=True)
    subject_language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.DUTCH
    )
    description = models.TextField(_("what the request is about"), max_length=10000, blank=True)
    # An objection to direct marketing is always honoured (GDPR Art 21(2)-(3)): a case with
    # this set cannot be closed as refused (cases.services.case_close).
    objection_direct_marketing = models.BooleanField(
        _("objection to direct marketing"),
        default=False,
        help_text=_(
            "For an objection: it is against direct marketing (profiling included). Such an "
            "objection cannot be refused (Art 21(3))."
        ),
    )
    representative_name = models.CharField(
        _("on behalf of: representative's name"),
        max_length=200,
        blank=True,
        help_text=_("Filled in when someone makes the request for the data subject."),
    )
    representative_details = models.TextField(
        _("representative's relationship and contact details"), max_length=1000, blank=True
    )
    # The proof that the representative may act for the subject: recorded by
    # cases.services.case_record_authority before any data goes out (case_close, the
    # access and portability answers).
    representative_authority = models.CharField(
        _("representative's authority shown by"),
        max_length=20,
        choices=AuthorityProof.choices,
        blank=True,
        editable=False,
    )
    representative_authority_note = models.TextField(
        _("note on the authority"), blank=True, editable=False
    )
    representative_authority_at = models.DateTimeField(
        _("authority recorded at"), null=True, blank=True, editable=False
    )
    representative_authority_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("authority recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )

    # Deadlines: computed by cases.deadlines, stored so that sweeps and lists can use indexes.
    received_at = models.DateTimeField(_("received at"))
    received_on = models.DateField(_("received on"), editable=False)
    deadline_rule = models.CharField(
        _("deadline rule"), max_length=20, choices=DeadlineRule.choices, editable=False
    )
    due_date = models.DateField(_("due date"), editable=False)
    extended_due_date = models.DateField(
        _("extended due date"), null=True, blank=True, editable=False
    )
    extension_reason = models.TextField(_("reason for the extension"), blank=True, editable=False)
    extended_at = models.DateTimeField(_("extended at"), null=True, blank=True, editable=False)
    extension_notified_at = models.DateTimeField(
        _("subject told of the extension at"), null=True, blank=True, editable=False
    )
    # extended_due_date if set, else due_date: the one date sweeps and the queue order by.
    effective_due_date = models.DateField(_("due"), editable=False)

    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_cases",
        editable=False,
        db_index=False,  # case_assignee_status_idx (assignee, status) starts with it
    )

    identity_verified_at = models.DateTimeField(
        _("identity verified at"), null=True, blank=True, editable=False
    )
    identity_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("identity verified by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    identity_method = models.CharField(
        _("identity verified how"),
        max_length=20,
        choices=IdentityMethod.choices,
        blank=True,
        editable=False,
    )
    identity_note = models.TextField(_("identity note"), blank=True, editable=False)

    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, blank=True, editable=False
    )
    outcome_reason = models.TextField(_("reasons for the outcome"), blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)

    # A web request is received when it is submitted (the clock starts then, EDPB §159); it
    # joins the officers' queue only once the subject confirms the e-mail address.
    confirmed_at = models.DateTimeField(
        _("e-mail confirmed at"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    # Set by the retention purge (issue 7, casework/retention.py) when it removed the personal
    # data of this closed request.
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        ordering = ("effective_due_date", "reference_year", "reference_number")
        constraints = [
            models.UniqueConstraint(
                fields=("reference_year", "reference_number"), name="case_reference_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(extended_due_date__isnull=True)
                | Q(extended_due_date__gte=models.F("due_date")),
                name="case_extension_after_due",
            ),
            models.CheckConstraint(
                condition=Q(status="unconfirmed")
                | Q(reference__isnull=False, reference_number__isnull=False),
                name="case_numbered_unless_unconfirmed",
            ),
        ]
        indexes = [
            # The officers' queue and the reminder sweep: open cases by due date.
            # Its columns follow the queue's ORDER BY, so the first page is read off the
            # index; the full-list index below would otherwise be walked past closed cases.
            models.Index(
                fields=("effective_due_date", "reference_year", "reference_number"),
                name="case_open_due_idx",
                condition=Q(status__in=[s.value for s in OPEN_STATUSES]),
            ),
            models.Index(fields=("status", "effective_due_date"), name="case_status_due_idx"),
            # The list of all requests in queue order (admin "All", API default ordering).
            models.Index(
                fields=("effective_due_date", "reference_year", "reference_number"),
                name="case_due_order_idx",
            ),
            # The dashboard's monthly counts, answered from the index alone.
            models.Index(
                fields=("received_on", "request_type"),
                name="case_received_type_idx",
                condition=~Q(status="unconfirmed"),
            ),
            models.Index(
                fields=("closed_at", "received_on", "effective_due_date"),
                name="case_answered_idx",
                condition=Q(status="closed"),
            ),
            models.Index(fields=("assignee", "status"), name="case_assignee_status_idx"),
            models.Index(fields=("-received_at",), name="case_received_idx"),
            models.Index(fields=("received_on",), name="case_received_on_idx"),
            # Lists filtered by type; with the columns of "answered on time" included, the
            # register's count of one type's late requests is read off the index alone (at a
            # million cases 31 instead of 190-600 ms, docs/benchmarks.md).
            models.Index(
                fields=("request_type",),
                include=("status", "closed_at", "effective_due_date"),
                name="case_type_idx",
            ),
            models.Index(fields=("channel",), name="case_channel_idx"),
            # Search by a reference's number without its year ("00174"); the unique
            # constraint's index starts with the year.
            models.Index(
                fields=("reference_number",),
                name="case_reference_number_idx",
                condition=Q(reference_number__isnull=False),
            ),
            # Search by part of a name or e-mail address: trigram GIN indexes on the folded
            # columns, PostgreSQL only, so created by migration 0012 and not declared here.
        ]
        permissions = [
            ("work_case", _("Can assign, verify identity, pause and resume requests")),
            ("extend_case", _("Can extend the deadline of requests")),
            ("close_case", _("Can close and withdraw requests")),
        ]

    def __str__(self):
        if self.reference:
            return self.reference
        return gettext("unconfirmed web request %(id)s") % {"id": self.pk}

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def by_representative(self) -> bool:
        """Made by someone on the subject's behalf (a parent, a guardian, a lawyer)."""
        return bool(self.representative_name.strip())

    @property
    def awaits_representative_authority(self) -> bool:
        """A representative's request whose authority is not recorded yet: no data may go
        out (docs/legal.md, "Representatives")."""
        return self.by_representative and self.representative_authority_at is None

    @property
    def is_direct_marketing_objection(self) -> bool:
        """An objection to direct marketing: always honoured, never refused (Art 21(3))."""
        return self.request_type == RequestType.OBJECTION and self.objection_direct_marketing

    @property
    def is_extended(self) -> bool:
        return self.extended_due_date is not None

    def days_left(self, today):
        return deadlines.days_left(self.effective_due_date, today)

    def urgency(self, today) -> str:
        """'overdue', 'soon' or 'ok' for an open case; '' for any other."""
        if not self.is_open:
            return ""
        return deadlines.urgency(
            self.effective_due_date, today, settings.DSAR_DUE_SOON_WORKING_DAYS
        )

    def can_extend(self, today) -> bool:
        return self.is_open and not self.is_extended and today <= self.due_date


class CasePause(models.Model):
    """A period in which the case waits for the data subject (identity or clarification).

    Recorded and shown, but by the project's rule it does not move the due date
    (docs/legal.md, "Identity and clarification").
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="pauses")
    reason = models.CharField(_("reason"), max_length=20, choices=PauseReason.choices)
    note = models.TextField(_("what was asked"), blank=True)
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("pause")
        verbose_name_plural = _("pauses")
        ordering = ("started_at",)
        constraints = [
            models.UniqueConstraint(
                fields=("case",), condition=Q(ended_at__isnull=True), name="one_open_pause_per_case"
            )
        ]

    def __str__(self):
        return f"{self.get_reason_display()} ({self.started_at:%Y-%m-%d})"


class NoticeMeans(models.TextChoices):
    EMAIL = "email", _("By e-mail")
    POST = "post", _("By post")
    INTERFACE = "interface", _("Through a system link or interface")
    OTHER = "other", _("Otherwise")


class RecipientNoticeQuerySet(AppendOnlyQuerySet):
    refusal = "A recorded Art 19 notice cannot be changed or deleted: record a new one."


class RecipientNotice(AppendOnlyModel):
    """Art 19: that a recipient of the subject's data was told of a rectification, erasure or
    restriction (when and how), or why it was not (impossible, disproportionate effort).
    Written by ``cases.services.case_record_recipient_notice``; the letters say that
    recipients were informed only from these rows."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="recipient_notices", db_index=True
    )
    recipient = models.CharField(_("recipient"), max_length=300)
    # Told: the date and the means. Not told: the reason (impossible or disproportionate).
    notified_on = models.DateField(_("told on"), null=True, blank=True)
    means = models.CharField(_("how"), max_length=20, choices=NoticeMeans.choices, blank=True)
    not_notified_reason = models.TextField(
        _("not told because (impossible or disproportionate effort)"), blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_by_label = models.CharField(_("recorded by"), max_length=150, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"))

    refusal = RecipientNoticeQuerySet.refusal
    objects = RecipientNoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("Art 19 notice to a recipient")
        verbose_name_plural = _("Art 19 notices to recipients")
        ordering = ("recorded_at", "id")
        constraints = [
            models.CheckConstraint(
                condition=(Q(notified_on__isnull=False, not_notified_reason="") & ~Q(means=""))
                | Q(notified_on__isnull=True, means="") & ~Q(not_notified_reason=""),
                name="recipient_notice_told_or_reason",
            )
        ]

    def __str__(self):
        return self.recipient

    @property
    def notified(self) -> bool:
        return self.notified_on is not None


class CaseEventQuerySet(AppendOnlyQuerySet):
    """Audit events are written once and never changed through the app."""

    refusal = "Audit events are append-only."

    def redact_personal_data(self, redactions: dict[int, tuple[str, dict]]) -> int:
        """The one exception to append-only, for the retention purge (``casework/retention.py``)
        and nothing else: replaces the free text of these events, ``{event id: (message,
        changes)}``, with the redacted versions the purge computed. Kind, time, actor and
        statuses are never written, so the timeline keeps its shape. Returns the rows
        changed."""
        changed = 0
        for pk, (message, changes) in redactions.items():
            changed += self.filter(pk=pk)._permitted_update(message=message, changes=changes)
        return changed


class ActorType(models.TextChoices):
    USER = "user", _("Staff user")
    SYSTEM = "system", _("System")
    SUBJECT = "subject", _("Data subject")


class EventKind(models.TextChoices):
    CREATED = "created", _("Registered")
    UPDATED = "updated", _("Details changed")
    TRANSITION = "transition", _("Status changed")
    ASSIGNED = "assigned", _("Assigned")
    IDENTITY_VERIFIED = "identity_verified", _("Identity verified")
    AUTHORITY_RECORDED = "authority_recorded", _("Representative's authority recorded")
    RECIPIENT_NOTICE = "recipient_notice", _("Art 19 notice to a recipient recorded")
    PAUSED = "paused", _("Waiting for the data subject")
    RESUMED = "resumed", _("Resumed")
    EXTENDED = "extended", _("Deadline extended")
    EXTENSION_NOTIFIED = "extension_notified", _("Subject told of the extension")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    CONFIRMED = "confirmed", _("E-mail address confirmed")
    EMAIL = "email", _("E-mail")
    LETTER = "letter", _("Letter")
    DOCUMENT = "document", _("Document received")
    # A message or question from an officer on the status page (correspondence, issue 15).
    MESSAGE = "message", _("Message to the data subject")
    # The retention purge (issue 7, casework/retention.py).
    DOCUMENTS_DELETED = "documents_deleted", _("Identity documents deleted")
    ANONYMISED = "anonymised", _("Personal data anonymised")


def _status_label(value: str) -> str:
    return str(Status(value).label) if value in Status.values else value


class CaseEvent(AppendOnlyModel):
    """One entry of a case's audit trail, written by the service that made the change,
    in the same transaction."""

    # No index of its own: caseevent_case_at_idx (case, at) starts with it.
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events", db_index=False)
    at = models.DateTimeField(_("at"), db_index=True)
    kind = models.CharField(_("what"), max_length=30, choices=EventKind.choices)
    actor_type = models.CharField(_("actor type"), max_length=10, choices=ActorType.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The actor's name at the time, kept when the account is later removed.
    actor_label = models.CharField(_("by"), max_length=150, blank=True)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    # {"field": [before, after]} for changed fields; other structured details per kind.
    changes = models.JSONField(default=dict, blank=True)
    message = models.TextField(_("details"), blank=True)

    refusal = "Audit events are append-only."

    objects = CaseEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ("at", "id")
        indexes = [models.Index(fields=("case", "at"), name="caseevent_case_at_idx")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}"

    @property
    def actor_display(self) -> str:
        return self.actor_label or str(ActorType(self.actor_type).label)

    @property
    def from_status_label(self) -> str:
        return _status_label(self.from_status)

    @property
    def to_status_label(self) -> str:
        return _status_label(self.to_status)

    def change_items(self) -> list[tuple[str, object, object, bool]]:
        """(field, before, after, is_change) rows for display; other details as (key, value)."""
        rows = []
        for field, value in self.changes.items():
            if isinstance(value, list) and len(value) == 2:
                rows.append((field, value[0], value[1], True))
            else:
                rows.append((field, value, None, False))
        return rows


# --- The data subject's side (cases/public, issue 3) -------------------------------------------


class StatusToken(models.Model):
    """A private link to a case's status page. Only the SHA-256 hash of the token is stored:
    the token itself exists only in the e-mail (or redirect) that carried it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="status_tokens")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), editable=False)

    class Meta:
        verbose_name = _("status link")
        verbose_name_plural = _("status links")

    def __str__(self):
        return f"{self.case_id}: {self.created_at:%Y-%m-%d %H:%M}"


class SubjectSubmission(models.Model):
    """What the data subject sent through the status page: a message and/or files."""

    # No index of its own: subjectsub_case_at_idx (case, submitted_at) starts with it.
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="subject_submissions", db_index=False
    )
    submitted_at = models.DateTimeField(_("received at"), editable=False)
    message = models.TextField(_("message"), max_length=4000, blank=True, editable=False)

    class Meta:
        verbose_name = _("submission by the data subject")
        verbose_name_plural = _("submissions by the data subject")
        ordering = ("submitted_at", "id")
        indexes = [models.Index(fields=("case", "submitted_at"), name="subjectsub_case_at_idx")]

    def __str__(self):
        return f"{self.case_id}: {self.submitted_at:%Y-%m-%d %H:%M}"


class SubjectFile(models.Model):
    """One uploaded file, stored under settings.PRIVATE_FILES_ROOT under a random name."""

    submission = models.ForeignKey(
        SubjectSubmission, on_delete=models.CASCADE, related_name="files"
    )
    # Relative to settings.PRIVATE_FILES_ROOT; never under a static or media root.
    storage_path = models.CharField(max_length=255, unique=True, editable=False)
    original_name = models.CharField(_("file name"), max_length=255, editable=False)
    content_type = models.CharField(_("type"), max_length=50, editable=False)
    size = models.PositiveIntegerField(_("size in bytes"), editable=False)
    sha256 = models.CharField(max_length=64, editable=False)

    class Meta:
        verbose_name = _("file from the data subject")
        verbose_name_plural = _("files from the data subject")
        ordering = ("id",)

    def __str__(self):
        return self.original_name
