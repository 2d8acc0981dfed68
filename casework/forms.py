"""The data subject's forms: the rules a request and an upload must meet, whichever interface
they come through (the web form of ``public`` and the public submission of ``api`` both
validate with :class:`RequestForm`). They validate and clean input; the actions store it."""

import re

from django import forms
from django.utils.translation import get_language, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from cases import uploads
from cases.models import Language, RequestType
from cases.text import clean_text

# The rights as a data subject reads them: a title and one sentence each. The title begins
# with the right's name as everywhere else (``RequestType``'s label without its article: the
# e-mails, the admin, the letters), followed by what it means in plain words
# (tests/portal/test_request_type_names.py).
RIGHTS = [
    (
        RequestType.ACCESS,
        _("Access: see your data"),
        _(
            "Ask whether we process personal data about you, and receive a copy together "
            "with an explanation of what we do with it."
        ),
    ),
    (
        RequestType.RECTIFICATION,
        _("Rectification: correct or complete your data"),
        _("Ask us to correct personal data about you that is wrong, or to complete it."),
    ),
    (
        RequestType.ERASURE,
        _("Erasure: have your data deleted"),
        _(
            "Ask us to delete personal data about you. Sometimes the law requires us to keep "
            "data; we will then tell you why."
        ),
    ),
    (
        RequestType.RESTRICTION,
        _("Restriction: have us stop using your data for a while"),
        _(
            "Ask us to stop using your data for a time, for example while we check whether "
            "it is correct."
        ),
    ),
    (
        RequestType.PORTABILITY,
        _("Portability: receive your data in a file"),
        _(
            "Receive the data you gave us in a common file format that a computer can read, "
            "or have us send it to another organisation."
        ),
    ),
    (
        RequestType.OBJECTION,
        _("Objection: object to how we use your data"),
        _(
            "Object to our use of your data, for example for direct marketing. If you object "
            "to direct marketing, we always stop."
        ),
    ),
]
# For these rights we cannot act without knowing which data or what should change.
DESCRIPTION_REQUIRED_FOR = {
    RequestType.RECTIFICATION,
    RequestType.ERASURE,
    RequestType.RESTRICTION,
    RequestType.OBJECTION,
}

DESCRIPTION_MAX_LENGTH = 5000

SELF = "self"
OTHER = "other"
_PHONE = re.compile(r"\+?[0-9][0-9 ()./-]{5,38}")


class CleanCharField(forms.CharField):
    """A text field that removes control characters and invisible formatting and direction
    characters (``cases.text.clean_text``) before its length and other validators run; every
    letter of every script is kept. Multi-line when asked, or when its widget is a textarea
    (as for a model's ``TextField`` in an admin form)."""

    def __init__(self, *, multiline: bool | None = None, **kwargs):
        super().__init__(**kwargs)
        self.multiline = isinstance(self.widget, forms.Textarea) if multiline is None else multiline

    def to_python(self, value):
        if value not in self.empty_values:
            value = clean_text(str(value), multiline=self.multiline)
        return super().to_python(value)


class CleanEmailField(forms.EmailField):
    """An e-mail address without the invisible characters a copy and paste brings along.

    A domain in any script is accepted (``zoe@bücher.example``): mail goes to its ASCII form
    (punycode), which every mail server understands. Letters outside ASCII *before* the @
    (``jån@…``) are refused with a message that says why: such an address can only be
    delivered over SMTPUTF8, which Django's SMTP backend does not speak (it would send the
    encoded-word ``=?utf-8?…?=`` as the address, which bounces). See docs/public.md."""

    def to_python(self, value):
        if value not in self.empty_values:
            value = _unicode_domain(clean_text(str(value)))
        return super().to_python(value)

    def validate(self, value):
        super().validate(value)
        local_part, at, _domain = (value or "").rpartition("@")
        if at and not local_part.isascii():
            raise forms.ValidationError(
                _(
                    "We cannot send e-mail to an address with letters such as å, é or ü "
                    "before the @: our mail server does not support them yet. Please enter "
                    "another e-mail address."
                ),
                code="non_ascii_local_part",
            )


def _unicode_domain(address: str) -> str:
    """The address with its domain as people write it: browsers send the domain of an
    ``<input type=email>`` in its ASCII form (Chromium turns ``exämple.nl`` into
    ``xn--exmple-cua.nl``), which the subject would not recognise on the next page or in our
    e-mails. Mail still goes to the ASCII form (Django's mail code makes it)."""
    local_part, at, domain = address.rpartition("@")
    if not at or "xn--" not in domain.lower():
        return address
    try:
        return f"{local_part}@{domain.encode('ascii').decode('idna')}"
    except UnicodeError:
        return address  # not valid punycode: the validator says so


class AccessibleFormMixin:
    """Ties hints and error messages to their fields (``aria-describedby``) and marks
    fields with errors ``aria-invalid``, so that screen readers announce them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if field.help_text and not self._in_fieldset(field):
                field.widget.attrs["aria-describedby"] = f"{self.auto_id % name}-hint"

    @staticmethod
    def _in_fieldset(field) -> bool:
        # Radio buttons are grouped in a <fieldset> that carries the description itself.
        return isinstance(field.widget, forms.RadioSelect)

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name not in self.fields or self._in_fieldset(self.fields[name]):
                continue
            attrs = self.fields[name].widget.attrs
            ids = attrs.get("aria-describedby", "").split()
            ids.append(f"{self.auto_id % name}-error")
            attrs["aria-describedby"] = " ".join(ids)
            attrs["aria-invalid"] = "true"


class RequestForm(AccessibleFormMixin, forms.Form):
    request_type = forms.ChoiceField(
        label=_("Which right do you want to use?"),
        choices=[(value, title) for value, title, _description in RIGHTS],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the right you want to use."),
            "invalid_choice": _("Choose the right you want to use."),
        },
    )
    # Placed second, as on the page, so that the error summary lists the errors in the order
    # of the fields. No ``maxlength`` in the page: a browser would cut a pasted text at the
    # limit without a word; the page counts instead (static/public/request_form.js) and the
    # server refuses a longer text with a message that says by how much.
    description = CleanCharField(
        label=_("What is your request about?"),
        multiline=True,
        required=False,
        help_text=_(
            "For example which data, which period, or what should be corrected. Needed for "
            "rectification, erasure, restriction and objection; optional for access and "
            "portability. At most %(limit)s characters."
        ),
        widget=forms.Textarea(attrs={"rows": 6, "data-max-length": DESCRIPTION_MAX_LENGTH}),
    )
    name = CleanCharField(
        label=_("Your full name"),
        max_length=200,
        error_messages={"required": _("Enter your name.")},
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
    )
    email = CleanEmailField(
        label=_("Your e-mail address"),
        max_length=254,
        help_text=_("We send you an e-mail to check this address. We reply to this address."),
        error_messages={
            "required": _("Enter your e-mail address."),
            "invalid": _("Enter an e-mail address in the form name@example.nl."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    phone = CleanCharField(
        label=_("Your phone number (optional)"),
        max_length=40,
        required=False,
        help_text=_("Only if you would like us to be able to call you about your request."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    on_behalf = forms.ChoiceField(
        label=_("For whom are you making this request?"),
        choices=[(SELF, _("For myself")), (OTHER, _("For someone else"))],
        initial=SELF,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose for whom you make this request.")},
    )
    behalf_name = CleanCharField(
        label=_("Full name of the person you act for"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    behalf_relationship = CleanCharField(
        label=_("How are you related to this person?"),
        max_length=500,
        required=False,
        help_text=_(
            "For example: parent of a child under 16, guardian, lawyer. We may ask you to "
            "show that you may act for this person."
        ),
    )
    language = forms.ChoiceField(
        label=_("In which language would you like to hear from us?"),
        # Each language in its own words, as language menus do.
        choices=[(Language.DUTCH, "Nederlands"), (Language.ENGLISH, "English")],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a language.")},
    )
    # A field people never see or fill in; form-filling robots do.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = (get_language() or "nl")[:2]
        self.fields["language"].initial = current if current in Language.values else "nl"
        description = self.fields["description"]
        description.help_text = description.help_text % {"limit": DESCRIPTION_MAX_LENGTH}

    def is_robot(self) -> bool:
        return bool((self.data.get("website") or "").strip())

    def clean_name(self):
        return self._clean_person_name(self.cleaned_data["name"])

    def clean_behalf_name(self):
        name = self.cleaned_data["behalf_name"]
        return self._clean_person_name(name) if name else name

    @staticmethod
    def _clean_person_name(name: str) -> str:
        # Any script is a name (IJsbrand, Zoë, Øyvind, Nguyễn, 李雷); only text without a
        # single letter is not.
        if not any(ch.isalpha() for ch in name):
            raise forms.ValidationError(_("Enter a name with at least one letter."))
        return name

    def clean_description(self):
        description = self.cleaned_data["description"]
        excess = len(description) - DESCRIPTION_MAX_LENGTH
        if excess > 0:
            raise forms.ValidationError(
                ngettext_lazy(
                    "Your text is %(length)d characters long; the most we can take is "
                    "%(limit)d. Shorten it by %(excess)d character, or send the rest later "
                    "as a message on the page of your request.",
                    "Your text is %(length)d characters long; the most we can take is "
                    "%(limit)d. Shorten it by %(excess)d characters, or send the rest later "
                    "as a message on the page of your request.",
                    "excess",
                ),
                params={
                    "length": len(description),
                    "limit": DESCRIPTION_MAX_LENGTH,
                    "excess": excess,
                },
            )
        return description

    def clean_phone(self):
        phone = self.cleaned_data["phone"]
        if phone and not _PHONE.fullmatch(phone):
            raise forms.ValidationError(
                _(
                    "Enter a phone number with digits only, for example 06 12345678 or "
                    "+31 30 1234567."
                )
            )
        return phone

    def clean(self):
        data = super().clean()
        if data.get("on_behalf") == OTHER:
            if not data.get("behalf_name") and "behalf_name" not in self.errors:
                self.add_error(
                    "behalf_name", _("Enter the name of the person you make this request for.")
                )
            if not data.get("behalf_relationship") and "behalf_relationship" not in self.errors:
                self.add_error(
                    "behalf_relationship", _("Tell us how you are related to this person.")
                )
        if (
            data.get("request_type") in DESCRIPTION_REQUIRED_FOR
            and not data.get("description")
            and "description" not in self.errors
        ):
            self.add_error(
                "description",
                _("Describe what your request is about: which data, and what we should do."),
            )
        return data

    def case_fields(self) -> dict:
        """The case's fields, as ``cases.services.case_create`` takes them. The e-mail
        address and phone number are those of whoever makes the request."""
        data = self.cleaned_data
        fields = {
            "request_type": data["request_type"],
            "subject_email": data["email"],
            "subject_phone": data["phone"],
            "subject_language": data["language"],
            "description": data["description"],
        }
        if data["on_behalf"] == OTHER:
            fields["subject_name"] = data["behalf_name"]
            fields["representative_name"] = data["name"]
            fields["representative_details"] = data["behalf_relationship"]
        else:
            fields["subject_name"] = data["name"]
        return fields


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class UploadForm(AccessibleFormMixin, forms.Form):
    files = MultipleFileField(
        label=_("Files"),
        required=False,
        help_text=_("PDF, JPEG or PNG; at most %(count)s files of %(mb)s MB each."),
    )
    message = CleanCharField(
        label=_("Message (optional)"),
        multiline=True,
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, too_large: list[str] | None = None, max_files: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_large = too_large or []
        self.max_files = max_files
        self.fields["files"].help_text = self.fields["files"].help_text % {
            "count": max_files,
            "mb": uploads.max_bytes() // (1024 * 1024),
        }

    def clean_files(self):
        files = self.cleaned_data.get("files") or []
        errors = [
            forms.ValidationError(
                _("“%(name)s” is larger than %(mb)s MB. Send a smaller file."),
                params={"name": name, "mb": uploads.max_bytes() // (1024 * 1024)},
            )
            for name in self.too_large
        ]
        self.file_types = []
        for uploaded in files:
            name = uploads.display_name(uploaded.name)
            content_type = uploads.sniff(uploaded) if uploaded.size else None
            if uploaded.size == 0:
                errors.append(
                    forms.ValidationError(_("“%(name)s” is empty."), params={"name": name})
                )
            elif uploaded.size > uploads.max_bytes():
                errors.append(
                    forms.ValidationError(
                        _("“%(name)s” is larger than %(mb)s MB. Send a smaller file."),
                        params={"name": name, "mb": uploads.max_bytes() // (1024 * 1024)},
                    )
                )
            elif content_type is None:
                errors.append(
                    forms.ValidationError(
                        _("“%(name)s” is not a PDF, JPEG or PNG file."), params={"name": name}
                    )
                )
            self.file_types.append(content_type)
        if len(files) + len(self.too_large) > self.max_files:
            errors.append(
                forms.ValidationError(
                    ngettext_lazy(
                        "Send at most %(count)d file at a time.",
                        "Send at most %(count)d files at a time.",
                        "count",
                    ),
                    params={"count": self.max_files},
                )
            )
        if errors:
            raise forms.ValidationError(errors)
        return files

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("files") and not data.get("message"):
            self.add_error("files", forms.ValidationError(_("Add a file or write a message.")))
        return data

    def uploaded_files(self) -> list[tuple[object, str]]:
        """(file, content type) pairs of a valid form."""
        return list(zip(self.cleaned_data["files"], self.file_types, strict=True))
