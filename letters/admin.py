"""The officers' letter screens: the organisation profile (a singleton), the archive of
letters (read-only), and the views behind the case page's letters panel: compose with a
preview, download, send by e-mail, record as posted. Every change goes through
``letters.services``."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.permissions import may
from cases.admin_mixins import ReadOnlyAdmin
from cases.audit import Actor
from cases.models import Case

from . import catalogue, services
from .checks import kvk_number_problem
from .defaults import ACCESS_SECTIONS
from .files import file_matches, letter_file_response
from .forms import ChooseLetterForm, OrganisationProfileForm, PostedForm, letter_fields_form
from .models import Letter, OrganisationProfile


@admin.register(OrganisationProfile)
class OrganisationProfileAdmin(admin.ModelAdmin):
    """One profile: the list goes straight to it; it cannot be added twice or deleted."""

    form = OrganisationProfileForm
    readonly_fields = ("logo_preview", "updated_at")
    fieldsets = (
        (
            _("Letterhead"),
            {
                "fields": (
                    "name",
                    "address",
                    ("kvk_number", "phone"),
                    ("email", "website"),
                    "logo",
                    "logo_preview",
                )
            },
        ),
        (_("Data protection officer"), {"fields": (("dpo_name", "dpo_email"),)}),
        (_("Signature and decisions"), {"fields": ("signatory", "public_body")}),
        *(
            (
                catalogue.SECTION_LABELS[section],
                {
                    "classes": ("dsar-standard-text",),
                    "description": format_lazy(
                        _(
                            "Pre-fills this section of access letters (Art {article}), in "
                            "Dutch and in English. The officer can still change it per letter."
                        ),
                        article=article,
                    ),
                    "fields": ((f"{section}_nl", f"{section}_en"),),
                },
            )
            for section, article in ACCESS_SECTIONS
        ),
        (None, {"fields": ("updated_at",)}),
    )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # After a save the page is shown again (through the list's redirect): the warning
        # then reflects what was saved.
        if request.method == "GET":
            profile = self.get_object(request, object_id)
            problem = profile and kvk_number_problem(
                name=profile.name, kvk_number=profile.kvk_number
            )
            if problem:
                self.message_user(request, problem, messages.WARNING)
        return super().change_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        profile = OrganisationProfile.load()
        return HttpResponseRedirect(
            reverse("admin:letters_organisationprofile_change", args=[profile.pk])
        )

    def get_urls(self):
        return [
            path(
                "logo/",
                self.admin_site.admin_view(self.logo_view),
                name="letters_organisationprofile_logo",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_("current logo"))
    def logo_preview(self, profile):
        if not profile.logo:
            return gettext("No logo: the organisation's name is printed instead.")
        return format_html(
            '<img src="{}?v={}" alt="" style="max-height:60px; max-width:240px">',
            reverse("admin:letters_organisationprofile_logo"),
            profile.updated_at.timestamp() if profile.updated_at else 0,
        )

    def logo_view(self, request):
        """The private logo file, for staff who may see the profile."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        profile = OrganisationProfile.load()
        if not profile.logo:
            raise Http404
        try:
            handle = profile.logo.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        content_type = "image/png" if profile.logo.name.lower().endswith(".png") else "image/jpeg"
        response = FileResponse(handle, content_type=content_type)
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, max-age=3600"
        return response


@admin.register(Letter)
class LetterAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """The archive: every generated letter, read-only. Letters are made from a case page."""

    list_display = (
        "case",
        "letter_type",
        "language",
        "version",
        "generated_at",
        "generated_by_label",
        "sent_at",
        "short_hash",
        "download",
    )
    list_filter = ("letter_type", "language", ("sent_at", admin.EmptyFieldListFilter))
    list_select_related = ("case",)
    search_fields = ("case__reference",)
    search_help_text = _("Search by reference.")
    show_full_result_count = False
    date_hierarchy = "generated_at"
    readonly_fields = (
        "case",
        "letter_type",
        "language",
        "version",
        "template_name",
        "template_version",
        "fields",
        "file_path",
        "sha256",
        "size",
        "generated_by_label",
        "generated_at",
        "sent_at",
    )
    exclude = ("generated_by", "idempotency_key")

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip().upper()
        if not term:
            return queryset, False
        return queryset.filter(case__reference__startswith=term), False

    @admin.display(description="SHA-256")
    def short_hash(self, letter):
        return format_html('<code title="{}">{}…</code>', letter.sha256, letter.sha256[:12])

    @admin.display(description=_("PDF"))
    def download(self, letter):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:letters_letter_download", args=[letter.pk]),
            gettext("Download"),
        )

    # --- The views behind the case page's letters panel ------------------------------------

    def get_urls(self):
        def view(fn, name, route):
            return path(route, self.admin_site.admin_view(fn), name=f"letters_letter_{name}")

        return [
            view(self.compose_view, "compose", "compose/<int:case_id>/"),
            view(self.download_view, "download", "<int:letter_id>/download/"),
            view(self.send_view, "send", "<int:letter_id>/send/"),
            view(self.posted_view, "posted", "<int:letter_id>/posted/"),
            *super().get_urls(),
        ]

    def _context(self, request, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "case_opts": Case._meta,
            "title": title,
            **extra,
        }

    def _case_url(self, case_id):
        return reverse("admin:cases_case_change", args=[case_id]) + "#letters-heading"

    @staticmethod
    def _require(request, right):
        if not may(request.user, right):
            raise PermissionDenied

    @staticmethod
    def _visible_case(case_id):
        # As in the case list: a web request whose address is unconfirmed is not a request yet.
        return get_object_or_404(Case.objects.requests(), pk=case_id)

    def compose_view(self, request, case_id):
        """Pick a letter and language, fill in its parts (pre-filled), preview it as HTML,
        generate the PDF."""
        self._require(request, "generate_letters")
        case = self._visible_case(case_id)
        params = request.POST if request.method == "POST" else request.GET
        choose = ChooseLetterForm(params if "letter_type" in params else None, case=case)
        context = self._context(
            request,
            gettext("New letter"),
            case=case,
            choose_form=choose,
            case_url=self._case_url(case.pk),
        )
        if not choose.is_bound or not choose.is_valid():
            return TemplateResponse(request, "admin/letters/compose.html", context)

        letter_type = choose.cleaned_data["letter_type"]
        language = choose.cleaned_data["language"]
        spec = catalogue.get(letter_type)
        context.update(spec=spec, language=language, title=spec.label)
        why = spec.why_unavailable(case)
        if why:
            context["unavailable"] = why
            return TemplateResponse(request, "admin/letters/compose.html", context)

        form_class = letter_fields_form(spec, case)
        if request.method == "GET":
            profile = OrganisationProfile.load()
            form = form_class(initial=catalogue.initial_fields(spec, case, profile, language))
            context["form"] = form
            return TemplateResponse(request, "admin/letters/compose.html", context)

        form = form_class(request.POST)
        context["form"] = form
        if not form.is_valid():
            return TemplateResponse(request, "admin/letters/compose.html", context)
        fields = form.cleaned_data
        try:
            if "generate" in request.POST:
                letter = services.letter_generate(
                    case_id=case.pk,
                    letter_type=letter_type,
                    language=language,
                    fields=fields,
                    actor=Actor.staff(request.user),
                )
                self.message_user(
                    request,
                    gettext("%(letter)s, version %(version)d, generated.")
                    % {"letter": spec.label, "version": letter.version},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(self._case_url(case.pk))
            context["preview_html"] = services.letter_preview_html(
                case_id=case.pk, letter_type=letter_type, language=language, fields=fields
            )
        except services.LetterError as error:
            for name, message in error.field_errors.items():
                form.add_error(name if name in form.fields else None, message)
            if not error.field_errors:
                self.message_user(request, error.message, messages.ERROR)
        return TemplateResponse(request, "admin/letters/compose.html", context)

    def _letter(self, request, letter_id, perm):
        self._require(request, perm)
        letters = Letter.objects.select_related("case").filter(case__in=Case.objects.requests())
        return get_object_or_404(letters, pk=letter_id)

    def download_view(self, request, letter_id):
        letter = self._letter(request, letter_id, "view_letters")
        try:
            if not file_matches(letter):
                self.message_user(
                    request,
                    gettext(
                        "The archived file of this letter no longer matches its SHA-256: it was "
                        "changed outside the application. Tell your administrator."
                    ),
                    messages.ERROR,
                )
                return HttpResponseRedirect(self._case_url(letter.case_id))
            return letter_file_response(letter, as_attachment=False)
        except FileNotFoundError:
            self.message_user(
                request, gettext("The archived file of this letter is missing."), messages.ERROR
            )
            return HttpResponseRedirect(self._case_url(letter.case_id))

    def send_view(self, request, letter_id):
        """Confirm, then e-mail the letter to the data subject."""
        letter = self._letter(request, letter_id, "send_letters")
        if request.method == "POST":
            try:
                services.letter_send(letter_id=letter.pk, actor=Actor.staff(request.user))
            except services.LetterError as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                self.message_user(
                    request,
                    gettext("The letter is on its way to the data subject by e-mail."),
                    messages.SUCCESS,
                )
            return HttpResponseRedirect(self._case_url(letter.case_id))
        return TemplateResponse(
            request,
            "admin/letters/confirm_send.html",
            self._context(
                request,
                gettext("Send the letter by e-mail"),
                letter=letter,
                case=letter.case,
                case_url=self._case_url(letter.case_id),
            ),
        )

    def posted_view(self, request, letter_id):
        """Record that the letter was printed and posted."""
        letter = self._letter(request, letter_id, "send_letters")
        form = PostedForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                services.letter_record_posted(
                    letter_id=letter.pk,
                    actor=Actor.staff(request.user),
                    posted_on=form.cleaned_data["posted_on"],
                )
            except services.LetterError as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                self.message_user(request, gettext("Recorded as sent by post."), messages.SUCCESS)
            return HttpResponseRedirect(self._case_url(letter.case_id))
        return TemplateResponse(
            request,
            "admin/letters/posted.html",
            self._context(
                request,
                gettext("Record the letter as sent by post"),
                letter=letter,
                case=letter.case,
                form=form,
                case_url=self._case_url(letter.case_id),
            ),
        )
