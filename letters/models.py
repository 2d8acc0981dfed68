"""Reply letters: the organisation's letterhead and standard texts, and the archive of every
letter generated.

A :class:`Letter` is written once by ``letters.services`` and never changed or deleted
through the app (the same append-only rule as ``cases.CaseEvent``); the one exception is
``sent_at``, set once when the letter goes out. Regenerating a letter makes a new version.
"""

from pathlib import Path

from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from cases.append_only import AppendOnlyModel, AppendOnlyQuerySet
from cases.filecrypt_storage import PrivateFileStorage
from cases.models import Case, Language

from .defaults import ACCESS_SECTIONS, STANDARD_TEXTS

private_storage = PrivateFileStorage()


def _standard_text(section: str, article: str, language: str):
    labels = {"nl": _("Dutch"), "en": _("English")}
    return models.TextField(
        format_lazy(
            _("Art {article} — {section} ({language})"),
            article=article,
            section=section,
            language=labels[language],
        ),
        blank=True,
        max_length=4000,
    )


class OrganisationProfile(models.Model):
    """The one organisation whose letters these are: letterhead, contact details and the
    standard texts that pre-fill the Art 15 sections. A singleton (pk 1), created from
    settings.DSAR_ORGANISATION the first time it is needed and edited in the admin."""

    SINGLETON_PK = 1

    name = models.CharField(_("name"), max_length=200)
    address = models.TextField(
        _("postal address"),
        max_length=500,
        help_text=_("One line per address line, e.g. street and number, then postcode and town."),
    )
    kvk_number = models.CharField(_("Chamber of Commerce (KvK) number"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail address for privacy questions"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    website = models.CharField(_("privacy statement (web address)"), max_length=200, blank=True)
    dpo_name = models.CharField(
        _("data protection officer (name)"),
        max_length=200,
        blank=True,
        help_text=_("The functionaris gegevensbescherming (FG), if the organisation has one."),
    )
    dpo_email = models.EmailField(_("data protection officer (e-mail)"), blank=True)
    logo = models.ImageField(
        _("logo"),
        storage=private_storage,
        upload_to="letters/logo/",
        blank=True,
        validators=[FileExtensionValidator(["png", "jpg", "jpeg"])],
        help_text=_("PNG or JPEG, at most 1 MB; printed at the top left of every letter."),
    )
    signatory = models.CharField(
        _("letters signed by"),
        max_length=200,
        blank=True,
        help_text=_("A name or function printed above the team name, e.g. 'J. de Vries'."),
    )
    public_body = models.BooleanField(
        _("public body (bestuursorgaan)"),
        default=False,
        help_text=_(
            "A decision of a public body on a request is a 'besluit' (UAVG Art 34): its reply "
            "letters then tell the subject how to lodge an objection (bezwaar) under the "
            "Algemene wet bestuursrecht."
        ),
    )

    purposes_nl = _standard_text(_("purposes"), "15(1)(a)", "nl")
    purposes_en = _standard_text(_("purposes"), "15(1)(a)", "en")
    categories_nl = _standard_text(_("categories of data"), "15(1)(b)", "nl")
    categories_en = _standard_text(_("categories of data"), "15(1)(b)", "en")
    recipients_nl = _standard_text(_("recipients"), "15(1)(c)", "nl")
    recipients_en = _standard_text(_("recipients"), "15(1)(c)", "en")
    retention_nl = _standard_text(_("storage period"), "15(1)(d)", "nl")
    retention_en = _standard_text(_("storage period"), "15(1)(d)", "en")
    rights_nl = _standard_text(_("the subject's rights"), "15(1)(e)", "nl")
    rights_en = _standard_text(_("the subject's rights"), "15(1)(e)", "en")
    complaint_nl = _standard_text(_("right to complain"), "15(1)(f)", "nl")
    complaint_en = _standard_text(_("right to complain"), "15(1)(f)", "en")
    source_nl = _standard_text(_("source of the data"), "15(1)(g)", "nl")
    source_en = _standard_text(_("source of the data"), "15(1)(g)", "en")
    automated_nl = _standard_text(_("automated decision-making"), "15(1)(h)", "nl")
    automated_en = _standard_text(_("automated decision-making"), "15(1)(h)", "en")
    transfers_nl = _standard_text(_("transfers outside the EEA"), "15(2)", "nl")
    transfers_en = _standard_text(_("transfers outside the EEA"), "15(2)", "en")

    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("organisation profile")
        verbose_name_plural = _("organisation profile")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="organisationprofile_singleton"),
        ]

    def __str__(self):
        return self.name

    @classmethod
    def load(cls) -> "OrganisationProfile":
        """The profile, created from settings.DSAR_ORGANISATION and the standard texts in
        ``letters.defaults`` when it does not exist yet."""
        profile = cls.objects.filter(pk=cls.SINGLETON_PK).first()
        if profile is None:
            profile, _created = cls.objects.get_or_create(
                pk=cls.SINGLETON_PK, defaults=cls.initial_values()
            )
        return profile

    @staticmethod
    def initial_values() -> dict:
        org = settings.DSAR_ORGANISATION
        # Settings give the address on one line, "street, postcode town": one line each.
        address = "\n".join(part.strip() for part in org.get("address", "").split(","))
        values = {
            "name": org.get("name", ""),
            "address": address,
            "kvk_number": org.get("kvk", ""),
            "email": org.get("email", ""),
            "phone": org.get("phone", ""),
            "website": org.get("privacy_statement_url", ""),
            "dpo_email": org.get("dpo_email", ""),
        }
        for section, _article in ACCESS_SECTIONS:
            for language, texts in STANDARD_TEXTS.items():
                values[f"{section}_{language}"] = texts[section]
        return values

    def standard_text(self, section: str, language: str) -> str:
        return getattr(self, f"{section}_{language}")

    @property
    def address_lines(self) -> list[str]:
        return [line.strip() for line in self.address.splitlines() if line.strip()]


class LetterType(models.TextChoices):
    ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement of receipt")
    IDENTITY_REQUEST = "identity_request", _("Request for identity documents (Art 12(6))")
    CLARIFICATION_REQUEST = "clarification_request", _("Request for clarification")
    EXTENSION_NOTICE = "extension_notice", _("Extension notice (Art 12(3))")
    ACCESS_ANSWER = "access_answer", _("Access answer (Art 15)")
    PORTABILITY_ANSWER = "portability_answer", _("Portability answer (Art 20)")
    RECTIFICATION_DONE = "rectification_done", _("Rectification done (Art 16)")
    ERASURE_DONE = "erasure_done", _("Erasure done (Art 17)")
    RESTRICTION_APPLIED = "restriction_applied", _("Restriction applied (Art 18)")
    OBJECTION_UPHELD = "objection_upheld", _("Objection upheld (Art 21)")
    REFUSAL = "refusal", _("Refusal or partial refusal (Art 12(4))")
    AUTHORISATION_REQUEST = (
        "authorisation_request",
        _("Request for proof of a representative's authority"),
    )
    WITHDRAWAL_CONFIRMATION = "withdrawal_confirmation", _("Confirmation of a withdrawn request")
    CLOSED_NO_RESPONSE = "closed_no_response", _("Closure: no answer to our question")
    EXCESSIVE_REQUEST_NOTICE = "excessive_request_notice", _("Art 12(5): warning or fee")
    RECIPIENT_NOTIFICATION = "recipient_notification", _("Notice to a recipient (Art 19)")


class LetterQuerySet(AppendOnlyQuerySet):
    """Letters are archived: never updated or deleted through the app."""

    refusal = "Letters are immutable: generate a new version instead; none is ever deleted."

    def redact_fields(self, fields: dict) -> int:
        """The retention purge's exception (``casework/retention.py``): replace the officer's
        free-text fields of an anonymised case's letters with their redacted version."""
        return self._permitted_update(fields=fields)

    def mark_sent(self, at) -> int:
        """Set ``sent_at`` on those not sent yet; the one change a letter allows. Returns how
        many rows changed (0: someone else sent it first)."""
        return self.filter(sent_at__isnull=True)._permitted_update(sent_at=at)


class Letter(AppendOnlyModel):
    case = models.ForeignKey(
        Case, verbose_name=_("request"), on_delete=models.PROTECT, related_name="letters"
    )
    letter_type = models.CharField(_("letter"), max_length=30, choices=LetterType.choices)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    # 1, 2, … per case and letter type: regenerating makes the next version.
    version = models.PositiveIntegerField(_("version"))
    template_name = models.CharField(_("template"), max_length=200)
    # A digest of the template files and the style sheet as they were when rendered.
    template_version = models.CharField(_("template version"), max_length=64)
    # What the officer filled in, as rendered (after defaults were applied).
    fields = models.JSONField(_("filled-in parts"), default=dict, blank=True)
    # Relative to settings.PRIVATE_FILES_ROOT.
    file_path = models.CharField(_("file"), max_length=255, unique=True)
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveIntegerField(_("size in bytes"))
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("generated by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The name at the time (or empty for the system), kept when the account is removed.
    generated_by_label = models.CharField(_("generated by"), max_length=150, blank=True)
    generated_at = models.DateTimeField(_("generated at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # Set by batch rendering so that a task run twice makes one letter, not two.
    idempotency_key = models.CharField(max_length=64, null=True, blank=True, unique=True)

    refusal = LetterQuerySet.refusal

    objects = LetterQuerySet.as_manager()

    class Meta:
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        ordering = ("-generated_at", "-id")
        constraints = [
            models.UniqueConstraint(
                fields=("case", "letter_type", "version"), name="letter_version_unique"
            ),
        ]
        indexes = [models.Index(fields=("case", "-generated_at"), name="letter_case_idx")]
        permissions = [("send_letter", _("Can send letters to the data subject"))]

    def __str__(self):
        return f"{self.case.reference} {self.get_letter_type_display()} v{self.version}"

    @property
    def is_sent(self) -> bool:
        return self.sent_at is not None

    @property
    def filename(self) -> str:
        """The name the subject sees when downloading or receiving it."""
        return f"{self.case.reference}-{self.letter_type}-v{self.version}-{self.language}.pdf"

    @property
    def absolute_path(self) -> Path:
        return Path(settings.PRIVATE_FILES_ROOT) / self.file_path


class LetterRequestState(models.TextChoices):
    PENDING = "pending", _("Waiting to be generated")
    DONE = "done", _("Generated")
    FAILED = "failed", _("Not generated")


class LetterRequest(models.Model):
    """A letter an officer asked to be generated in the background (the case list's batch
    action): the durable record of that work. The Celery message only says "now"; the sweep
    (``letters.sweep``) hands a row whose message seems lost to Celery again, so a broker
    that is down when the officer asks delays the letter rather than losing it."""

    case = models.ForeignKey(
        Case, verbose_name=_("request"), on_delete=models.CASCADE, related_name="+"
    )
    letter_type = models.CharField(_("letter"), max_length=30, choices=LetterType.choices)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"))
    # The letter's idempotency key: a request generated twice makes one letter.
    idempotency_key = models.CharField(max_length=64, unique=True)
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=LetterRequestState.choices,
        default=LetterRequestState.PENDING,
    )
    # When a message was last handed to the broker; the sweep re-enqueues pending rows whose
    # message is older than letters.services.REQUEUE_AFTER.
    enqueued_at = models.DateTimeField(_("last enqueued at"), null=True, blank=True)
    letter = models.ForeignKey(
        Letter, verbose_name=_("letter"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Why it was not generated (LetterError's code), for the officer and the log.
    error_code = models.CharField(_("error"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("letter to generate")
        verbose_name_plural = _("letters to generate")
        indexes = [
            # The sweep: WHERE state = 'pending' AND (enqueued_at IS NULL OR enqueued_at <= …)
            models.Index(
                fields=("enqueued_at",),
                name="letterrequest_pending_idx",
                condition=Q(state="pending"),
            ),
        ]

    def __str__(self):
        return f"{self.get_letter_type_display()} ({self.get_state_display()})"
