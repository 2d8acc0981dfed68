"""The letters an officer can produce: for each, its template, the parts the officer fills in
(with their pre-filled text) and when it can be made.

The legal wording lives in the templates (``templates/letters/<letter>.<language>.html``);
this module only says which free-text parts each letter has and what they start with.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from cases import clock
from cases.models import AuthorityProof, Case, Outcome, PauseReason, RequestType, Status
from cases.text import clean_text

from .defaults import ACCESS_SECTIONS
from .models import LetterType, OrganisationProfile

TEXT = "text"  # several lines
LINE = "line"  # one line
CHOICE = "choice"
DATE = "date"  # an ISO date (YYYY-MM-DD); the template gets it as a date in ``dates``

LANGUAGES = ("nl", "en")


@dataclass(frozen=True)
class Prefill:
    """What a field starts with: ``case``, ``profile`` and ``language`` in, text out."""

    fn: Callable[[Case, OrganisationProfile, str], Any]

    def __call__(self, case, profile, language):
        return self.fn(case, profile, language)


def _text(nl: str, en: str) -> Prefill:
    return Prefill(lambda case, profile, language: nl if language == "nl" else en)


def _standard(section: str) -> Prefill:
    return Prefill(lambda case, profile, language: profile.standard_text(section, language))


def _open_question(kind: str) -> Prefill:
    """The text of the question sent to the subject on the status page for the open pause
    (``correspondence``: written for the subject), else nothing. Never the pause's note: that
    is the officers' own (issue 17, item 3)."""

    def prefill(case, profile, language):
        question = _open_question_message(case, kind)
        return question.body if question else ""

    return Prefill(prefill)


def _open_question_message(case: Case, kind: str):
    """The question (a ``correspondence`` message, read through the case's reverse relation:
    letters sit below correspondence and do not import it) that opened the case's open
    pause, or None."""
    if not case.pk:
        return None
    pause = case.pauses.filter(ended_at__isnull=True).first()
    if pause is None:
        return None
    return pause.messages.filter(kind=kind).order_by("-sent_at").first()


def _reply_by(kind: str) -> Prefill:
    """The reply-by date of the open question, else ``DSAR_QUESTION_REPLY_DAYS`` from today
    (the default of a question on the status page)."""

    def prefill(case, profile, language):
        question = _open_question_message(case, kind)
        if question and question.reply_by:
            return question.reply_by.isoformat()
        reply_by = clock.today() + datetime.timedelta(days=settings.DSAR_QUESTION_REPLY_DAYS)
        return reply_by.isoformat()

    return Prefill(prefill)


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: Any
    kind: str = TEXT
    required: bool = False
    initial: Prefill | None = None
    choices: tuple = ()
    help_text: Any = ""
    rows: int = 4
    max_length: int = 4000
    # The choices that fit this case (a subset of ``choices``); None: all of them.
    choices_for: Callable[[Case], tuple] | None = None

    def case_choices(self, case: Case | None) -> tuple:
        if case is None or self.choices_for is None:
            return self.choices
        return self.choices_for(case)

    def initial_value(self, case, profile, language):
        if self.initial is not None:
            return self.initial(case, profile, language)
        if self.kind == CHOICE and self.choices:
            return self.choices[0][0]
        return ""


@dataclass(frozen=True)
class LetterSpec:
    type: str
    fields: tuple[FieldSpec, ...] = ()
    # An answer to the request itself (attached to the closure notice), not a step on the way.
    is_reply: bool = False
    # The request types it is meant for; empty: any.
    request_types: tuple[str, ...] = ()
    # Can be made without the officer filling in anything (batch rendering).
    batchable: bool = False
    # Why this letter cannot be made for this case now, or None.
    unavailable_reason: Callable[[Case], Any] | None = None
    # Cross-field rules: (cleaned fields) -> {field: message}.
    validate: Callable[[dict], dict] | None = None
    # Rules that depend on the case: (cleaned fields, case) -> {field: message}.
    validate_for_case: Callable[[dict, Case], dict] | None = None

    @property
    def label(self):
        return LetterType(self.type).label

    def template_name(self, language: str) -> str:
        return f"letters/{self.type}.{language}.html"

    def field(self, name: str) -> FieldSpec:
        return next(f for f in self.fields if f.name == name)

    def why_unavailable(self, case: Case):
        return self.unavailable_reason(case) if self.unavailable_reason else None

    def suits(self, case: Case) -> bool:
        return not self.request_types or case.request_type in self.request_types


# --- Parts several letters share ------------------------------------------------------------

_STATUS_PAGE_NL = (
    "U kunt dit doen via uw persoonlijke statuspagina. De link daarnaar staat in de e-mail die "
    "u van ons heeft ontvangen. U kunt ook een brief sturen naar het adres bovenaan deze brief. "
    "Vermeld daarbij ons kenmerk."
)
_STATUS_PAGE_EN = (
    "You can do this on your personal status page: the link to it is in the e-mail we sent "
    "you. You can also write to the address at the top of this letter. Please quote our "
    "reference."
)


def _how_to_send(label) -> FieldSpec:
    """The part that tells the subject how to send what a letter asks for: through the
    status page by default (identity, clarification and authorisation requests)."""
    return FieldSpec(
        "how_to_send",
        label,
        required=True,
        initial=_text(_STATUS_PAGE_NL, _STATUS_PAGE_EN),
        rows=3,
    )


RECIPIENTS_NOTE = FieldSpec(
    "recipients_note",
    _("Note on the recipients (to the subject, optional)"),
    help_text=_(
        "Which recipients were told, and when, comes from the case's Art 19 records (the "
        "action 'Record a notice to a recipient'); the letter claims nothing else. Write "
        "here only what the subject should know besides."
    ),
    rows=3,
)

# The Art 17(3) grounds for keeping data. 17(3)(b) is split in two: a legal obligation
# names its statute, a public task the law that assigns it (the "legal_basis" part).
RETENTION_GROUNDS = (
    ("", _("— none: everything was erased —")),
    ("17_3_a", _("Art 17(3)(a): freedom of expression and information")),
    ("17_3_b_obligation", _("Art 17(3)(b): a legal obligation (name the statute)")),
    ("17_3_b_public_task", _("Art 17(3)(b): a public task or official authority")),
    ("17_3_c", _("Art 17(3)(c): public health")),
    ("17_3_d", _("Art 17(3)(d): archiving, research or statistics")),
    ("17_3_e", _("Art 17(3)(e): legal claims")),
)
GROUNDS_NEEDING_LEGAL_BASIS = ("17_3_b_obligation", "17_3_b_public_task")

# Refusal grounds. None is pre-selected: the officer chooses (docs/legal.md, "Refusals").
REFUSAL_GROUNDS = (
    ("", _("— choose the ground —")),
    ("identity", _("Art 12(2) and 12(6): identity not established")),
    ("unfounded", _("Art 12(5): manifestly unfounded (we must prove it)")),
    ("excessive", _("Art 12(5): excessive, in particular repetitive (we must prove it)")),
    ("not_personal_data", _("Not about the subject's personal data")),
    ("rights_of_others", _("Art 15(4): would harm the rights and freedoms of others")),
    ("data_accurate", _("Art 16: the data is accurate and complete (say what you checked)")),
    ("17_1_not_met", _("Art 17(1): none of the grounds for erasure applies")),
    *RETENTION_GROUNDS[1:],
    ("18_1_not_met", _("Art 18(1): none of the situations for restriction applies")),
    (
        "20_not_applicable",
        _("Art 20(1): not data provided by the subject, or not by consent or contract"),
    ),
    ("21_not_applicable", _("Art 21(1): the processing is not based on Art 6(1)(e) or (f)")),
    ("21_compelling", _("Art 21(1): compelling legitimate grounds that override")),
    ("21_legal_claims", _("Art 21(1): establishment, exercise or defence of legal claims")),
    ("uavg_41", _("UAVG Art 41: an exception (name the interest of 41(1)(a)–(j))")),
)

# Which grounds each right can be refused on; the ones every request shares come first.
_COMMON_GROUNDS = ("identity", "unfounded", "excessive", "not_personal_data", "uavg_41")
GROUNDS_BY_REQUEST_TYPE = {
    RequestType.ACCESS: (*_COMMON_GROUNDS, "rights_of_others"),
    RequestType.RECTIFICATION: ("data_accurate", *_COMMON_GROUNDS),
    RequestType.ERASURE: (
        *(code for code, _label in RETENTION_GROUNDS[1:]),
        "17_1_not_met",
        *_COMMON_GROUNDS,
    ),
    RequestType.RESTRICTION: ("18_1_not_met", *_COMMON_GROUNDS),
    RequestType.PORTABILITY: ("20_not_applicable", "rights_of_others", *_COMMON_GROUNDS),
    RequestType.OBJECTION: (
        "21_compelling",
        "21_legal_claims",
        "21_not_applicable",
        *_COMMON_GROUNDS,
    ),
}

# UAVG Art 41(1)(a)-(j), the interests for which a right may be limited (GDPR Art 23(1)).
UAVG_41_INTERESTS = (
    ("", _("— choose the interest —")),
    ("a", _("(a) national security")),
    ("b", _("(b) defence")),
    ("c", _("(c) public security")),
    ("d", _("(d) prevention, investigation, detection or prosecution of criminal offences")),
    (
        "e",
        _(
            "(e) other important objectives of general public interest (economic, financial, "
            "public health, social security)"
        ),
    ),
    ("f", _("(f) protection of judicial independence and judicial proceedings")),
    ("g", _("(g) breaches of ethics for regulated professions")),
    ("h", _("(h) a monitoring, inspection or regulatory function connected to (a)–(e) and (g)")),
    ("i", _("(i) protection of the data subject or the rights and freedoms of others")),
    ("j", _("(j) enforcement of civil law claims")),
)

YES_NO = (("yes", _("Yes")), ("no", _("No")))


def _refusal_scope(case, profile, language):
    return "partial" if case.outcome == Outcome.PARTLY_GRANTED else "full"


def _refusal_grounds_for(case: Case) -> tuple:
    allowed = GROUNDS_BY_REQUEST_TYPE.get(case.request_type, ())
    labels = dict(REFUSAL_GROUNDS)
    return (REFUSAL_GROUNDS[0], *((code, labels[code]) for code in allowed))


def _ground_parts_required(ground_field: str) -> Callable[[dict], dict]:
    """The parts a ground needs: what was checked, the statute, the UAVG 41 interest."""

    def check(data: dict) -> dict:
        ground = data.get(ground_field)
        errors = {}
        if ground == "data_accurate" and not data.get("checked"):
            errors["checked"] = _("Say what you checked to establish that the data is accurate.")
        if ground in GROUNDS_NEEDING_LEGAL_BASIS and not data.get("legal_basis"):
            errors["legal_basis"] = _(
                "Name the statute that obliges you to keep the data, or that assigns the task."
            )
        if ground == "uavg_41" and not data.get("uavg_interest"):
            errors["uavg_interest"] = _("Name which interest of UAVG Art 41(1)(a)–(j) applies.")
        return errors

    return check


def _is_direct_marketing_objection(case: Case) -> bool:
    return case.is_direct_marketing_objection


def _refusal_unavailable(case: Case):
    if _is_direct_marketing_objection(case):
        return _(
            "An objection to direct marketing cannot be refused: processing for direct "
            'marketing stops (Art 21(3)). Use the letter "objection upheld".'
        )
    return None


def _refusal_ground_fits(data: dict, case: Case) -> dict:
    ground = data.get("ground")
    if ground and ground not in GROUNDS_BY_REQUEST_TYPE.get(case.request_type, ()):
        return {
            "ground": _("This ground does not apply to a %(type)s.")
            % {"type": case.get_request_type_display().lower()}
        }
    return {}


def _objection_marketing_fits(data: dict, case: Case) -> dict:
    if _is_direct_marketing_objection(case) and data.get("direct_marketing") != "yes":
        return {
            "direct_marketing": _(
                "The request records an objection to direct marketing: answer yes."
            )
        }
    return {}


LEGAL_BASIS = FieldSpec(
    "legal_basis",
    _("Statute (Art 17(3)(b))"),
    kind=LINE,
    max_length=300,
    help_text=_(
        "For Art 17(3)(b): the statute that obliges you to keep the data (e.g. 'artikel 52 "
        "Algemene wet inzake rijksbelastingen'), or the law that assigns the public task."
    ),
)

CHECKED = FieldSpec(
    "checked",
    _("What we checked (the data is accurate)"),
    help_text=_(
        "For the ground 'the data is accurate': the sources or documents you compared the "
        "data with. The letter prints it."
    ),
    rows=3,
)

UAVG_INTEREST = FieldSpec(
    "uavg_interest",
    _("Interest of UAVG Art 41(1)"),
    kind=CHOICE,
    choices=UAVG_41_INTERESTS,
    help_text=_("Required for the ground UAVG Art 41."),
)

DECISION_BODY = FieldSpec(
    "decision_body",
    _("Bestuursorgaan (public bodies)"),
    kind=LINE,
    max_length=300,
    initial=Prefill(lambda case, profile, language: profile.name if profile.public_body else ""),
    help_text=_(
        "Only for a public body: the administrative authority that decides and to which an "
        "objection under the Awb is made, e.g. 'het college van burgemeester en wethouders van "
        "Voorbeeldstad'."
    ),
)


def _authority_missing(case: Case):
    """No data goes to a representative before their authority is recorded."""
    if case.awaits_representative_authority:
        return _(
            "This request was made by a representative: record the proof of their authority "
            "(a signed authorisation, proof of parental authority) before any data goes out."
        )
    return None


def _not_extended(case: Case):
    if not case.is_extended:
        return _("The deadline of this request is not extended: extend it first.")
    return None


def _require_if(condition_field, condition_value, required_field, message):
    def check(data: dict) -> dict:
        if data.get(condition_field) == condition_value and not data.get(required_field):
            return {required_field: message}
        return {}

    return check


def _all_of(*checks):
    def check(data: dict) -> dict:
        errors = {}
        for one in checks:
            errors.update(one(data))
        return errors

    return check


def _access_sections_required(data: dict) -> dict:
    if data.get("processed") != "yes":
        return {}
    return {
        section: _("Fill in this section, or answer that no personal data is processed.")
        for section, _article in ACCESS_SECTIONS
        if not data.get(section)
    }


# --- The letters ------------------------------------------------------------------------------

SECTION_LABELS = {
    "purposes": _("(a) Purposes of the processing"),
    "categories": _("(b) Categories of personal data"),
    "recipients": _("(c) Recipients, in particular in third countries"),
    "retention": _("(d) Storage period, or the criteria for it"),
    "rights": _("(e) Rights to rectification, erasure, restriction and objection"),
    "complaint": _("(f) Right to complain to the Autoriteit Persoonsgegevens"),
    "source": _("(g) Source of the data, where not collected from the subject"),
    "automated": _("(h) Automated decision-making, including profiling"),
    "transfers": _("Art 15(2): safeguards for transfers outside the EEA"),
}

LETTERS: dict[str, LetterSpec] = {}


def _register(spec: LetterSpec) -> None:
    LETTERS[spec.type] = spec


_register(
    LetterSpec(
        LetterType.ACKNOWLEDGEMENT,
        fields=(
            FieldSpec(
                "note",
                _("Additional note"),
                help_text=_("Optional: anything else the subject should know now."),
                rows=3,
            ),
        ),
        batchable=True,
    )
)

# The means of establishing identity, lightest first (EDPB Guidelines 01/2022 §73-77): what
# the organisation already has comes before anything new, and a copy of an identity document
# is asked for only when the officer chooses it, saying why the lighter means do not suffice.
IDENTITY_MEANS = (
    ("known_contact", _("A confirmation from the e-mail or postal address we already know")),
    ("question", _("A question only the data subject can answer")),
    ("login", _("Logging in to the account the subject already has with us")),
    ("id_copy", _("A copy of an identity document (only when the above do not suffice)")),
)


def _identity_means_parts(data: dict) -> dict:
    means = data.get("means")
    if means == "question" and not data.get("question"):
        return {"question": _("Write the question only the data subject can answer.")}
    if means == "id_copy" and not data.get("why_id_copy"):
        return {
            "why_id_copy": _(
                "Say why the lighter means do not suffice: a copy of an identity document is "
                "the last resort (EDPB Guidelines 01/2022, §73-77)."
            )
        }
    return {}


_register(
    LetterSpec(
        LetterType.IDENTITY_REQUEST,
        fields=(
            FieldSpec(
                "means",
                _("How the subject can show who they are"),
                kind=CHOICE,
                choices=IDENTITY_MEANS,
                required=True,
                help_text=_(
                    "Ask only what is proportionate (Art 12(6)): start with what you already "
                    "have. Only 'a copy of an identity document' asks for an ID copy, with the "
                    "advice to mask the BSN and photo and to write the purpose and date on it."
                ),
            ),
            FieldSpec(
                "known_contact",
                _("The address or account we know (optional)"),
                kind=LINE,
                max_length=300,
                help_text=_(
                    "E.g. 'het e-mailadres waarmee u bij ons klant bent' or the account's "
                    "web address; in the subject's language."
                ),
            ),
            FieldSpec(
                "question",
                _("The question only the subject can answer"),
                help_text=_(
                    "Required for that means, in the subject's language; something you can "
                    "check and nobody else knows, e.g. the date of the last order. Never the "
                    "BSN."
                ),
                rows=2,
                max_length=1000,
            ),
            FieldSpec(
                "why_id_copy",
                _("Why an ID copy is needed (to the subject)"),
                help_text=_("Required for an ID copy: why the lighter means do not suffice."),
                rows=2,
                max_length=1000,
            ),
            _how_to_send(_("How to send it")),
        ),
        batchable=True,
        validate=_identity_means_parts,
    )
)


def _reply_by_ahead(data: dict, case: Case) -> dict:
    reply_by = data.get("reply_by")
    if (
        reply_by
        and _is_iso_date(reply_by)
        and datetime.date.fromisoformat(reply_by) <= clock.today()
    ):
        return {"reply_by": _("The reply-by date must lie in the future.")}
    return {}


_register(
    LetterSpec(
        LetterType.CLARIFICATION_REQUEST,
        fields=(
            FieldSpec(
                "question",
                _("What needs clarifying, and why (to the subject)"),
                required=True,
                initial=_open_question("clarification_question"),
                help_text=_(
                    "Pre-filled with the clarification question sent on the status page, if "
                    "any; never with an internal note."
                ),
            ),
            FieldSpec(
                "reply_by",
                _("Reply by"),
                kind=DATE,
                required=True,
                initial=_reply_by("clarification_question"),
                help_text=_(
                    "The date of the question on the status page, or DSAR_QUESTION_REPLY_DAYS "
                    "from today."
                ),
            ),
            _how_to_send(_("How to answer")),
        ),
        validate_for_case=_reply_by_ahead,
    )
)

_register(
    LetterSpec(
        LetterType.EXTENSION_NOTICE,
        fields=(
            FieldSpec(
                "reasons",
                _("Reasons for the extension"),
                required=True,
                initial=Prefill(lambda case, profile, language: case.extension_reason),
                help_text=_("Pre-filled with the reasons recorded when extending (Art 12(3))."),
            ),
        ),
        unavailable_reason=_not_extended,
        batchable=True,
    )
)

_ACCESS_FIELDS = (
    FieldSpec(
        "processed",
        _("Do you process personal data of the subject?"),
        kind=CHOICE,
        choices=YES_NO,
        required=True,
    ),
    FieldSpec(
        "intro",
        _("Introduction"),
        help_text=_("Optional: a few words about what you looked at and what you found."),
        rows=3,
    ),
    *(
        FieldSpec(section, SECTION_LABELS[section], initial=_standard(section))
        for section, _article in ACCESS_SECTIONS
    ),
    FieldSpec(
        "annex",
        _("Annex: what is provided (one item per line)"),
        initial=_text(
            "Kopie van de persoonsgegevens die wij van u verwerken (PDF)",
            "Copy of the personal data we process about you (PDF)",
        ),
        rows=4,
    ),
)

_register(
    LetterSpec(
        LetterType.ACCESS_ANSWER,
        fields=_ACCESS_FIELDS,
        is_reply=True,
        request_types=(RequestType.ACCESS,),
        unavailable_reason=_authority_missing,
        validate=_access_sections_required,
    )
)

_register(
    LetterSpec(
        LetterType.PORTABILITY_ANSWER,
        fields=(
            FieldSpec(
                "data_description",
                _("Which data is provided"),
                required=True,
                initial=_text(
                    "De persoonsgegevens die u zelf aan ons heeft verstrekt en die wij "
                    "geautomatiseerd verwerken op basis van uw toestemming of van onze "
                    "overeenkomst met u: uw accountgegevens en uw bestelgeschiedenis.",
                    "The personal data you provided to us yourself and that we process by "
                    "automated means on the basis of your consent or of our contract with you: "
                    "your account details and your order history.",
                ),
            ),
            FieldSpec(
                "data_format",
                _("Format"),
                kind=LINE,
                required=True,
                initial=_text("CSV (UTF-8) en JSON", "CSV (UTF-8) and JSON"),
                max_length=200,
            ),
            FieldSpec(
                "delivery",
                _("Provided to"),
                kind=CHOICE,
                choices=(
                    ("subject", _("The data subject")),
                    ("controller", _("Another controller, directly (Art 20(2))")),
                ),
                required=True,
            ),
            FieldSpec(
                "other_controller",
                _("Name of the other controller"),
                kind=LINE,
                max_length=200,
                help_text=_("Required when the data is transmitted to another controller."),
            ),
            FieldSpec(
                "annex",
                _("Annex: files provided (one per line)"),
                required=True,
                initial=_text(
                    "account.json\nbestelgeschiedenis.csv", "account.json\norder-history.csv"
                ),
                rows=3,
            ),
        ),
        is_reply=True,
        request_types=(RequestType.PORTABILITY,),
        unavailable_reason=_authority_missing,
        validate=_require_if(
            "delivery",
            "controller",
            "other_controller",
            _("Name the controller the data was transmitted to."),
        ),
    )
)

_register(
    LetterSpec(
        LetterType.RECTIFICATION_DONE,
        fields=(
            FieldSpec(
                "corrections",
                _("What was corrected or completed"),
                required=True,
                help_text=_("E.g. 'Your address: Kerkstraat 1 is now Molenweg 12, Utrecht.'"),
            ),
            RECIPIENTS_NOTE,
        ),
        is_reply=True,
        request_types=(RequestType.RECTIFICATION,),
    )
)

_register(
    LetterSpec(
        LetterType.ERASURE_DONE,
        fields=(
            FieldSpec(
                "erased",
                _("What was erased"),
                required=True,
                initial=_text(
                    "Uw account en alle persoonsgegevens die daarbij horen.",
                    "Your account and all personal data that belongs to it.",
                ),
            ),
            FieldSpec(
                "retained",
                _("Data kept (if any)"),
                help_text=_(
                    "Only when some data must be kept: what, and for how long. The letter then "
                    "states the Art 17(3) ground and the right to complain."
                ),
                rows=3,
            ),
            FieldSpec(
                "retention_ground",
                _("Ground for keeping it (Art 17(3))"),
                kind=CHOICE,
                choices=RETENTION_GROUNDS,
            ),
            LEGAL_BASIS,
            RECIPIENTS_NOTE,
            DECISION_BODY,
        ),
        is_reply=True,
        request_types=(RequestType.ERASURE,),
        validate=_all_of(
            lambda data: (
                {"retention_ground": _("Choose the Art 17(3) ground for the data you keep.")}
                if data.get("retained") and not data.get("retention_ground")
                else {"retained": _("Say which data is kept on this ground.")}
                if data.get("retention_ground") and not data.get("retained")
                else {}
            ),
            _ground_parts_required("retention_ground"),
        ),
    )
)

_register(
    LetterSpec(
        LetterType.RESTRICTION_APPLIED,
        fields=(
            FieldSpec("restricted", _("What is restricted"), required=True),
            FieldSpec(
                "until",
                _("Until when"),
                kind=LINE,
                required=True,
                max_length=300,
                initial=_text(
                    "totdat vaststaat of uw gegevens juist zijn",
                    "until it is established whether your data is accurate",
                ),
            ),
            RECIPIENTS_NOTE,
        ),
        is_reply=True,
        request_types=(RequestType.RESTRICTION,),
    )
)

_register(
    LetterSpec(
        LetterType.OBJECTION_UPHELD,
        fields=(
            FieldSpec("processing", _("Which processing stops"), required=True),
            FieldSpec(
                "direct_marketing",
                _("Was the objection against direct marketing?"),
                kind=CHOICE,
                choices=(("no", _("No")), ("yes", _("Yes"))),
                required=True,
                initial=Prefill(
                    lambda case, profile, language: (
                        "yes" if _is_direct_marketing_objection(case) else "no"
                    )
                ),
                help_text=_("For direct marketing processing always stops (Art 21(3))."),
            ),
            RECIPIENTS_NOTE,
        ),
        is_reply=True,
        request_types=(RequestType.OBJECTION,),
        validate_for_case=_objection_marketing_fits,
    )
)

_register(
    LetterSpec(
        LetterType.REFUSAL,
        fields=(
            FieldSpec(
                "scope",
                _("Refused"),
                kind=CHOICE,
                choices=(("full", _("Entirely")), ("partial", _("In part"))),
                required=True,
                initial=Prefill(_refusal_scope),
            ),
            FieldSpec(
                "granted",
                _("What was done (partial refusal)"),
                help_text=_("Required for a partial refusal: the part of the request granted."),
                rows=3,
            ),
            FieldSpec(
                "ground",
                _("Ground"),
                kind=CHOICE,
                choices=REFUSAL_GROUNDS,
                choices_for=_refusal_grounds_for,
                required=True,
                help_text=_(
                    "Choose the ground that really applies; none is pre-selected. Art 12(5) is "
                    "an exception: the organisation must be able to prove it."
                ),
            ),
            CHECKED,
            LEGAL_BASIS,
            UAVG_INTEREST,
            FieldSpec(
                "reasons",
                _("Reasons (to the subject)"),
                required=True,
                initial=Prefill(lambda case, profile, language: case.outcome_reason),
                help_text=_(
                    "Pre-filled with the reasons recorded when closing: they are printed in "
                    "the letter. The letter always adds the right to complain to the Autoriteit "
                    "Persoonsgegevens and to go to court (Art 12(4))."
                ),
            ),
            DECISION_BODY,
        ),
        is_reply=True,
        unavailable_reason=_refusal_unavailable,
        validate=_all_of(
            _require_if(
                "scope", "partial", "granted", _("Say which part of the request was granted.")
            ),
            _ground_parts_required("ground"),
        ),
        validate_for_case=_refusal_ground_fits,
    )
)

# --- Representatives, withdrawals, no answer, Art 12(5) --------------------------------------

AUTHORITY_PROOFS = tuple(
    (value, label) for value, label in AuthorityProof.choices if value != AuthorityProof.OTHER
)


def _authorisation_unavailable(case: Case):
    if not case.by_representative:
        return _("This request was not made by a representative.")
    if case.representative_authority_at:
        return _("The representative's authority is already recorded.")
    return None


_register(
    LetterSpec(
        LetterType.AUTHORISATION_REQUEST,
        fields=(
            FieldSpec(
                "proof",
                _("What proof we ask for"),
                kind=CHOICE,
                choices=AUTHORITY_PROOFS,
                required=True,
                help_text=_(
                    "A parent of a child: proof of parental authority; anyone else: a signed "
                    "authorisation (machtiging) of the subject, or the court's decision."
                ),
            ),
            FieldSpec(
                "details",
                _("Anything else the representative should know (optional)"),
                rows=3,
                max_length=1000,
            ),
            _how_to_send(_("How to send it")),
        ),
        unavailable_reason=_authorisation_unavailable,
    )
)


def _withdrawal_unavailable(case: Case):
    if case.status != Status.WITHDRAWN:
        return _("Record the withdrawal first (the action 'Withdrawn by the subject').")
    return None


_register(
    LetterSpec(
        LetterType.WITHDRAWAL_CONFIRMATION,
        fields=(
            FieldSpec(
                "note",
                _("Additional note (to the subject, optional)"),
                rows=3,
                max_length=1000,
            ),
        ),
        unavailable_reason=_withdrawal_unavailable,
    )
)


def _last_question_pause(case: Case):
    if not case.pk:
        return None
    return (
        case.pauses.filter(reason__in=(PauseReason.IDENTITY, PauseReason.CLARIFICATION))
        .order_by("-started_at")
        .first()
    )


def _last_question_prefill(part: str) -> Prefill:
    """From the last identity or clarification pause and its question on the status page:
    its reason, the day it was asked, the reply-by date."""

    def prefill(case, profile, language):
        pause = _last_question_pause(case)
        if pause is None:
            return ""
        if part == "question_kind":
            return pause.reason
        if part == "asked_on":
            return clock.local_date(pause.started_at).isoformat()
        question = pause.messages.exclude(reply_by=None).order_by("-sent_at").first()
        return question.reply_by.isoformat() if question else ""

    return Prefill(prefill)


def _no_question_asked(case: Case):
    if _last_question_pause(case) is None:
        return _("No identity or clarification question was asked on this request.")
    return None


def _answer_date_passed(data: dict, case: Case) -> dict:
    reply_by = data.get("reply_by")
    if (
        reply_by
        and _is_iso_date(reply_by)
        and datetime.date.fromisoformat(reply_by) >= clock.today()
    ):
        return {"reply_by": _("The reply-by date has not passed yet.")}
    if data.get("asked_on", "") > (reply_by or ""):
        return {"asked_on": _("The question must have been asked before the reply-by date.")}
    return {}


_register(
    LetterSpec(
        LetterType.CLOSED_NO_RESPONSE,
        fields=(
            FieldSpec(
                "question_kind",
                _("What we asked"),
                kind=CHOICE,
                choices=(
                    ("identity", _("Who the subject is (identity)")),
                    ("clarification", _("What the request is about (clarification)")),
                ),
                required=True,
                initial=_last_question_prefill("question_kind"),
            ),
            FieldSpec(
                "asked_on",
                _("Asked on"),
                kind=DATE,
                required=True,
                initial=_last_question_prefill("asked_on"),
            ),
            FieldSpec(
                "reply_by",
                _("Answer asked by"),
                kind=DATE,
                required=True,
                initial=_last_question_prefill("reply_by"),
                help_text=_("Must have passed: this letter closes the request."),
            ),
            DECISION_BODY,
        ),
        is_reply=True,
        unavailable_reason=_no_question_asked,
        validate_for_case=_answer_date_passed,
    )
)

_register(
    LetterSpec(
        LetterType.EXCESSIVE_REQUEST_NOTICE,
        fields=(
            FieldSpec(
                "mode",
                _("What we do"),
                kind=CHOICE,
                choices=(
                    ("", _("— choose —")),
                    ("warning", _("Warn first: this request is handled, the next may not be")),
                    ("fee", _("Ask a reasonable fee based on the administrative costs")),
                ),
                required=True,
                help_text=_(
                    "Art 12(5) is an exception and the burden of proof is ours; warning first "
                    "is the proportionate step."
                ),
            ),
            FieldSpec(
                "ground",
                _("Ground"),
                kind=CHOICE,
                choices=(
                    ("", _("— choose the ground —")),
                    ("unfounded", _("Manifestly unfounded")),
                    (
                        "excessive",
                        _("Excessive, in particular because of its repetitive character"),
                    ),
                ),
                required=True,
            ),
            FieldSpec(
                "reasons",
                _("The facts that show it (to the subject)"),
                required=True,
                help_text=_("E.g. the dates of the earlier, identical requests and our answers."),
            ),
            FieldSpec(
                "fee_amount",
                _("Fee (fee only)"),
                kind=LINE,
                max_length=50,
                help_text=_("E.g. '€ 25,00'."),
            ),
            FieldSpec(
                "fee_basis",
                _("How the fee follows from the administrative costs (fee only)"),
                rows=3,
                max_length=1000,
            ),
            DECISION_BODY,
        ),
        validate=_all_of(
            _require_if("mode", "fee", "fee_amount", _("Give the amount of the fee.")),
            _require_if(
                "mode",
                "fee",
                "fee_basis",
                _("Explain how the fee follows from the administrative costs (Art 12(5)(a))."),
            ),
        ),
    )
)

_register(
    LetterSpec(
        LetterType.RECIPIENT_NOTIFICATION,
        fields=(
            FieldSpec("recipient_name", _("Recipient"), kind=LINE, required=True, max_length=300),
            FieldSpec(
                "recipient_address",
                _("Recipient's address"),
                required=True,
                rows=3,
                max_length=500,
            ),
            FieldSpec(
                "change",
                _("What was rectified, erased or restricted"),
                required=True,
                help_text=_(
                    "Only what the recipient needs to act on, e.g. 'Het adres is gewijzigd in "
                    "Molenweg 12, Utrecht.' Nothing else about the request."
                ),
            ),
            FieldSpec(
                "identified_by",
                _("How the recipient knows the person"),
                kind=LINE,
                max_length=300,
                initial=Prefill(lambda case, profile, language: case.subject_name),
                help_text=_("The name, or e.g. a customer number the recipient uses."),
            ),
        ),
        request_types=(
            RequestType.RECTIFICATION,
            RequestType.ERASURE,
            RequestType.RESTRICTION,
            RequestType.OBJECTION,
        ),
        unavailable_reason=lambda case: (
            None
            if case.request_type
            in (
                RequestType.RECTIFICATION,
                RequestType.ERASURE,
                RequestType.RESTRICTION,
                RequestType.OBJECTION,
            )
            else _("Art 19 applies to rectification, erasure, restriction and objection.")
        ),
    )
)

REPLY_TYPES = tuple(t for t, spec in LETTERS.items() if spec.is_reply)


def get(letter_type: str) -> LetterSpec | None:
    return LETTERS.get(letter_type)


def initial_fields(spec: LetterSpec, case: Case, profile, language: str) -> dict:
    return {f.name: f.initial_value(case, profile, language) for f in spec.fields}


def clean_fields(
    spec: LetterSpec, case: Case, profile, language: str, fields: dict | None
) -> tuple[dict, dict]:
    """The officer's fields, completed with the pre-filled text for what they left out, and
    the errors by field name (empty when valid). Unknown names are errors too."""
    fields = dict(fields or {})
    errors = {}
    unknown = set(fields) - {f.name for f in spec.fields}
    for name in sorted(unknown):
        errors[name] = _("This letter has no part called %(name)s.") % {"name": name}
    cleaned = {}
    for f in spec.fields:
        value = fields[f.name] if f.name in fields else f.initial_value(case, profile, language)
        # As every other text a person typed (cases.text.clean_text): no control, invisible
        # or direction characters (U+202E would print a name reversed in the letter).
        value = clean_text("" if value is None else str(value), multiline=f.kind != LINE)
        if f.kind == CHOICE and value not in {str(v) for v, _label in f.choices}:
            errors[f.name] = _("Choose one of the options.")
        elif f.kind == DATE and value and not _is_iso_date(value):
            errors[f.name] = _("Give a date as YYYY-MM-DD.")
        elif f.required and not value:
            errors[f.name] = _("This part is required.")
        elif len(value) > f.max_length:
            errors[f.name] = _("At most %(n)d characters.") % {"n": f.max_length}
        cleaned[f.name] = value
    if not errors and spec.validate:
        errors.update(spec.validate(cleaned))
    if not errors and spec.validate_for_case:
        errors.update(spec.validate_for_case(cleaned, case))
    return cleaned, errors


def _is_iso_date(value: str) -> bool:
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


def field_dates(spec: LetterSpec, fields: dict) -> dict:
    """The date parts of a letter as dates, for its template (``dates.reply_by``)."""
    return {
        f.name: datetime.date.fromisoformat(fields[f.name])
        for f in spec.fields
        if f.kind == DATE and fields.get(f.name) and _is_iso_date(fields[f.name])
    }


def suggestions(case: Case) -> list[LetterSpec]:
    """The letters for this case's request type first, then the general ones."""
    return sorted(LETTERS.values(), key=lambda spec: not spec.suits(case))
