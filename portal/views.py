"""The data subject's pages. Views read input and show results; the services change things."""

import functools
import logging

from django.conf import settings
from django.contrib import messages
from django.db import InterfaceError, OperationalError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from cases import ratelimit, tokens, uploads
from cases.models import Case, DeadlineRule, Status, SubjectFile
from cases.services import CaseActionError
from cases.text import clean_text
from casework.actions import confirm_web_request, submit_web_request
from casework.forms import RIGHTS, RequestForm, UploadForm
from correspondence import selectors
from correspondence.services import subject_reply
from letters import files as letter_files
from letters.models import Letter
from letters.services import letter_record_download

logger = logging.getLogger(__name__)

SENT_COOKIE = "dsar_sent"
# The ids of the requests this browser confirmed (in its session).
CONFIRMED_SESSION_KEY = "public_confirmed_cases"
RIGHT_TITLES = {value: title for value, title, _description in RIGHTS}

# The status as the data subject reads it: a short line and what it means for them.
STATUS_TEXT = {
    Status.NEW: (
        gettext_lazy("Received"),
        gettext_lazy("We have received your request and will start on it soon."),
    ),
    Status.IDENTITY_CHECK: (
        gettext_lazy("Checking your identity"),
        gettext_lazy("We are checking that the request comes from you."),
    ),
    Status.IN_PROGRESS: (
        gettext_lazy("In progress"),
        gettext_lazy("We are working on your request."),
    ),
    Status.WAITING: (
        gettext_lazy("Waiting for you"),
        gettext_lazy("We need something from you before we can continue. See below."),
    ),
    Status.CLOSED: (
        gettext_lazy("Completed"),
        gettext_lazy("We have answered your request."),
    ),
    Status.WITHDRAWN: (
        gettext_lazy("Withdrawn"),
        gettext_lazy("The request was withdrawn. We have stopped working on it."),
    ),
}

ANSWERED_TEXT = (
    gettext_lazy("We are looking at what you sent"),
    gettext_lazy(
        "Thank you for sending us information. We will look at it and then continue with "
        "your request."
    ),
)


def _base_context() -> dict:
    rule = settings.DSAR_DEADLINE_RULE
    return {
        "org": settings.DSAR_ORGANISATION,
        "answer_within": (
            _("within one month") if rule == DeadlineRule.GDPR_MONTH else _("within four weeks")
        ),
        "unconfirmed_retention_days": settings.DSAR_UNCONFIRMED_RETENTION_DAYS,
        "confirmation_days": settings.DSAR_CONFIRMATION_MAX_AGE_DAYS,
    }


def _render(request, template: str, context: dict | None = None, *, status: int = 200):
    response = render(request, template, {**_base_context(), **(context or {})}, status=status)
    if status >= 400:
        # Django would log the path, which may hold a confirmation or status token; the
        # views log what happened without it.
        response._has_been_logged = True
    return response


def private_page(view):
    """Pages reached through a secret link: never cached, never indexed, and the link is not
    passed on to other sites in the Referer header. ("no-referrer" would be stricter, but
    then browsers send "Origin: null" with the page's forms and the CSRF check refuses them.)"""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "no-store, private"
        response["Referrer-Policy"] = "same-origin"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapper


def link_language(view):
    """Links in e-mails end in ``?lang=nl|en``, the language of the e-mail: show the page in
    that language and remember it as Django's language switch would."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        language = request.GET.get("lang")
        if language not in dict(settings.LANGUAGES):
            return view(request, *args, **kwargs)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = view(request, *args, **kwargs)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
        return response

    return wrapper


def _too_many(request, template="public/too_many.html", context=None):
    logger.warning("Rate limit reached on the %s page", request.resolver_match.url_name)
    return _render(request, template, {"rate_limited": True, **(context or {})}, status=429)


def _bad_link(request, kind: str):
    """One friendly page for every link that does not (or no longer) lead anywhere; it
    tells nothing about any request. Unknown links count towards a per-IP limit."""
    if kind == "invalid" and not ratelimit.hit("bad_link_ip", ratelimit.client_ip(request)):
        return _too_many(request)
    status = 410 if kind == "gone" else 404
    logger.info("Link refused (%s) on the %s page", kind, request.resolver_match.url_name)
    return _render(request, "public/bad_link.html", {"kind": kind}, status=status)


# --- The request form --------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def start(request):
    if request.method != "POST":
        return _render(request, "public/start.html", {"form": RequestForm(), "rights": RIGHTS})
    form = RequestForm(request.POST)
    context = {"form": form, "rights": RIGHTS}
    if form.is_robot():
        # Looks like success to the robot; nothing is stored or sent.
        logger.info("Web request dropped: the honeypot field was filled in")
        ratelimit.hit("submit_ip", ratelimit.client_ip(request))
        return redirect("public:sent")
    if not form.is_valid():
        return _render(request, "public/start.html", context)
    if not ratelimit.hit_all(
        ("submit_ip", ratelimit.client_ip(request)),
        ("submit_email", form.cleaned_data["email"].lower()),
    ):
        return _too_many(request, "public/start.html", context)
    try:
        case = submit_web_request(fields=form.case_fields())
    except (OperationalError, InterfaceError):
        return _database_unreachable(request, form, context)
    logger.info("Web request (case id %s) stored; waiting for the e-mail confirmation", case.pk)
    response = redirect("public:sent")
    # The next page repeats the address so that a typing error shows. A signed cookie for
    # that page only, rather than a session row: no second database write per request.
    response.set_signed_cookie(
        SENT_COOKIE,
        case.subject_email,
        salt=SENT_COOKIE,
        max_age=3600,
        path=reverse("public:sent"),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def _database_unreachable(request, form: RequestForm, context: dict):
    """The request could not be stored (the database is restarting or unreachable): the
    form again, as filled in, with a 503 and a request to try again shortly. Nothing was
    stored or sent, so sending the same form again is safe."""
    logger.error("Web request not stored: the database is unreachable")
    form.add_error(
        None,
        _(
            "We could not store your request just now because of a fault on our side. "
            "Nothing has been sent. What you filled in is still here: please send it again "
            "in a few minutes."
        ),
    )
    response = _render(request, "public/start.html", context, status=503)
    response["Retry-After"] = "60"
    return response


@require_GET
def sent(request):
    email = request.get_signed_cookie(SENT_COOKIE, default="", salt=SENT_COOKIE, max_age=3600)
    return _render(request, "public/sent.html", {"email": email})


# --- Confirming the e-mail address -------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@private_page
@link_language
def confirm(request, token):
    """The link in the e-mail shows a page with a button; only the button (a POST) confirms,
    so that mail scanners that open links do not confirm requests on their own."""
    try:
        case_id = tokens.case_id_from_confirmation_token(token)
    except tokens.ConfirmationLinkError as error:
        return _bad_link(request, "invalid" if error.code == "invalid" else "gone")
    case = Case.objects.filter(pk=case_id, status=Status.UNCONFIRMED).first()
    if case is None:
        if case_id in request.session.get(CONFIRMED_SESSION_KEY, ()):
            return _confirmed_before(request, case_id)
        # Already confirmed (in another browser), or deleted because it was never confirmed.
        return _bad_link(request, "gone")
    if request.method == "POST":
        try:
            case, status_token = confirm_web_request(case_id=case.pk)
        except CaseActionError:
            return _bad_link(request, "gone")
        # This browser may open the link again (from the e-mail, or its history): it then
        # goes to the status page. Only the case id is kept, never a status link.
        confirmed = request.session.get(CONFIRMED_SESSION_KEY, [])
        request.session[CONFIRMED_SESSION_KEY] = [*confirmed, case.pk][-20:]
        logger.info("Web request %s confirmed by the subject", case.reference)
        messages.success(
            request,
            _(
                "Thank you. Your request has been confirmed and is now with our privacy "
                "team. We have also sent you an e-mail with a link to this page."
            ),
        )
        return redirect(tokens.status_url(status_token, absolute=False))
    return _render(
        request, "public/confirm.html", {"case": case, "right": RIGHT_TITLES[case.request_type]}
    )


def _confirmed_before(request, case_id: int):
    """The confirmation link again, in the browser that confirmed it: to the status page,
    with a fresh status link (only hashes of status links are stored, so the first one
    cannot be given again). Another browser gets the "no longer usable" page."""
    case = Case.objects.filter(pk=case_id).exclude(status=Status.UNCONFIRMED).first()
    if case is None:
        return _bad_link(request, "gone")
    logger.info(
        "Confirmation link of %s opened again by the browser that confirmed it", case.reference
    )
    messages.info(
        request,
        _("You have already confirmed this request. This is the page where you can follow it."),
    )
    return redirect(tokens.status_url(tokens.status_token_create(case), absolute=False))


# --- The status page ---------------------------------------------------------------------


def _upload_form(data=None, files=None, **kwargs) -> UploadForm:
    return UploadForm(data, files, max_files=settings.DSAR_UPLOAD_MAX_FILES, **kwargs)


def _status_page(request, case: Case, token: str, *, form=None, status: int = 200, **extra):
    label, explanation = STATUS_TEXT[case.status]
    thread = selectors.thread(case)
    open_pause = open_question = None
    if case.status == Status.WAITING:
        open_pause = case.pauses.filter(ended_at__isnull=True).first()
        # The question the case waits on, if it was asked as a message.
        open_question = next(
            (i for i in thread if i.is_question and i.message.pause_id == open_pause.pk), None
        )
    answered = case.is_open and bool(thread) and thread[-1].from_subject
    if answered:
        # The last word is the subject's: say we have it.
        label, explanation = ANSWERED_TEXT
    if case.is_open:
        form = form or _upload_form()
    return _render(
        request,
        "public/status.html",
        {
            "case": case,
            "token": token,
            "right": RIGHT_TITLES[case.request_type],
            "status_label": label,
            "status_explanation": explanation,
            "open_pause": open_pause,
            "answered": answered,
            "form": form if case.is_open else None,
            "thread": thread,
            "open_question": open_question,
            "documents": _documents(case, token),
            # The status page is also shown by the upload (a POST-only address).
            "language_next": reverse("public:status", args=[token]),
            **extra,
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD"])
@private_page
@link_language
def status(request, token):
    case = tokens.case_from_status_token(token)
    if case is None:
        return _bad_link(request, "invalid")
    return _status_page(request, case, token)


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
@private_page
def upload(request, token):
    """The reply form of the status page (text and files, in any open state). Nothing of the
    body is read until the link, the rate limit and the case's state are checked: the CSRF
    check reads the whole form, files included (into temporary files), so it runs only after
    them (``_upload``), and a size-limiting upload handler is in place before it, so that an
    oversized file is dropped while it arrives (every file, for a closed request).
    (``dsar.middleware.RequestBodyLimitMiddleware`` has already refused a body larger than
    the form can hold.)

    The address only takes the form: opened in the browser (a reload after a failed upload,
    or the language switch of that page), it leads to the status page."""
    if request.method != "POST":
        return redirect(tokens.status_url(token, absolute=False))
    case = tokens.case_from_status_token(token)
    if case is None:
        return _bad_link(request, "invalid")
    if not ratelimit.hit("upload_ip", ratelimit.client_ip(request)):
        return _too_many(request)
    if not case.is_open:
        # Nothing is stored: every file is dropped as it arrives (no temporary files), and
        # the text typed is shown back to copy.
        request.upload_handlers = [uploads.SizeLimitUploadHandler(request, limit=0)]
        return _refuse_closed(request, case, token)
    handler = uploads.SizeLimitUploadHandler(request, limit=uploads.max_bytes())
    request.upload_handlers.insert(0, handler)
    return _upload(request, case, token, handler)


@csrf_protect
def _refuse_closed(request, case, token):
    unsent = clean_text(request.POST.get("message", ""), multiline=True).strip()
    return _status_page(request, case, token, status=409, closed=True, unsent=unsent)


@csrf_protect
def _upload(request, case, token, handler):
    form = _upload_form(request.POST, request.FILES, too_large=handler.too_large)
    if not form.is_valid():
        return _status_page(request, case, token, form=form)
    try:
        subject_reply(
            case_id=case.pk, message=form.cleaned_data["message"], files=form.uploaded_files()
        )
    except CaseActionError:
        # Closed meanwhile: nothing was stored; what they wrote is shown to copy.
        case.refresh_from_db()
        return _status_page(
            request, case, token, status=409, closed=True, unsent=form.cleaned_data["message"]
        )
    messages.success(request, _("Thank you. We have received what you sent."))
    return redirect(tokens.status_url(token, absolute=False))


@require_http_methods(["GET", "HEAD"])
@private_page
def subject_file(request, token, file_id):
    """A file the subject sent, downloaded again by the holder of the status link."""
    case = tokens.case_from_status_token(token)
    if case is None:
        return _bad_link(request, "invalid")
    found = SubjectFile.objects.filter(pk=file_id, submission__case=case).first()
    if found is None:
        return _bad_link(request, "invalid")
    try:
        return uploads.file_response(found)
    except FileNotFoundError:
        logger.error("Case %s: stored file %s is missing", case.reference, found.pk)
        return _bad_link(request, "gone")
    except uploads.UnreadableFile:  # changed or cut short on disk: never served
        logger.error("Case %s: stored file %s fails its check", case.reference, found.pk)
        return _bad_link(request, "gone")


def _documents(case: Case, token: str) -> list[dict]:
    """The letters sent to the subject, titled in the page's language, newest first."""
    documents = []
    for letter in case.letters.filter(sent_at__isnull=False).order_by("-sent_at", "-id"):
        if letter.version > 1:
            title = _("%(letter)s (letter, version %(version)d)") % {
                "letter": letter.get_letter_type_display(),
                "version": letter.version,
            }
        else:
            title = _("%(letter)s (letter)") % {"letter": letter.get_letter_type_display()}
        url = reverse("public:status_letter", args=[token, letter.pk])
        documents.append({"title": title, "date": letter.sent_at, "url": url})
    return documents


@require_http_methods(["GET", "HEAD"])
@private_page
def status_letter(request, token, letter_id):
    """A sent letter, for the holder of the case's status link (the same friendly page and
    per-IP limit as the status page for a link that leads nowhere)."""
    case = tokens.case_from_status_token(token)
    if case is None:
        return _bad_link(request, "invalid")
    letter = Letter.objects.filter(pk=letter_id, case=case, sent_at__isnull=False).first()
    if letter is None:
        return _bad_link(request, "invalid")
    try:
        if not letter_files.file_matches(letter):
            logger.error("Case %s: letter %s does not match its SHA-256", case.reference, letter.pk)
            return _bad_link(request, "gone")
        response = letter_files.letter_file_response(letter, as_attachment=True)
    except FileNotFoundError:
        logger.error("Case %s: letter %s file is missing", case.reference, letter.pk)
        return _bad_link(request, "gone")
    if request.method == "GET":
        letter_record_download(letter_id=letter.pk)
    return response


def csrf_failure(request, reason=""):
    """Settings.CSRF_FAILURE_VIEW: a form sent without a valid CSRF token (cookies blocked,
    or the page open for a very long time). Nothing was stored; say how to go on."""
    logger.info("CSRF check failed on %s: %s", request.path.split("/")[1] or "start page", reason)
    return _render(request, "public/csrf_failure.html", status=403)
