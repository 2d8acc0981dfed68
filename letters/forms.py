"""Forms of the letters' admin screens. They only validate input; ``letters.services`` does
the work."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Language

from . import catalogue
from .defaults import ACCESS_SECTIONS
from .models import OrganisationProfile

LOGO_MAX_BYTES = 1024 * 1024
SUBJECT_LANGUAGE = "subject"


class ChooseLetterForm(forms.Form):
    letter_type = forms.ChoiceField(label=_("Letter"))
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        suited = [(s.type, s.label) for s in catalogue.suggestions(case) if s.suits(case)]
        general = [(s.type, s.label) for s in catalogue.suggestions(case) if not s.suits(case)]
        self.fields["letter_type"].choices = [
            (_("For this request"), suited),
            (_("Other letters"), general),
        ]
        self.fields["language"].initial = case.subject_language


def letter_fields_form(spec: catalogue.LetterSpec, case: Case | None = None) -> type[forms.Form]:
    """A form with one field per free-text part of ``spec``; with ``case``, a choice offers
    only the options that fit it (e.g. the refusal grounds of its right)."""
    fields = {}
    for part in spec.fields:
        common = {
            "label": part.label,
            "help_text": part.help_text,
            # Required-ness is checked by the service (it knows the pre-filled texts and the
            # rules across fields); the browser must not block a preview.
            "required": False,
        }
        if part.kind == catalogue.CHOICE:
            fields[part.name] = forms.ChoiceField(choices=part.case_choices(case), **common)
        elif part.kind == catalogue.DATE:
            fields[part.name] = forms.CharField(
                max_length=10, strip=True, widget=forms.DateInput(attrs={"type": "date"}), **common
            )
        elif part.kind == catalogue.LINE:
            fields[part.name] = forms.CharField(
                max_length=part.max_length,
                strip=True,
                widget=forms.TextInput(attrs={"class": "vLargeTextField"}),
                **common,
            )
        else:
            fields[part.name] = forms.CharField(
                max_length=part.max_length,
                strip=True,
                widget=forms.Textarea(attrs={"rows": part.rows, "class": "vLargeTextField"}),
                **common,
            )
    return type(f"{spec.type.title().replace('_', '')}Form", (forms.Form,), fields)


class PostedForm(forms.Form):
    posted_on = forms.DateField(
        label=_("Date posted"),
        widget=forms.DateInput(attrs={"type": "date"}),
        initial=timezone.localdate,
    )


class BatchLetterForm(forms.Form):
    """Letters for many requests at once, rendered in the background with the pre-filled
    texts: only the letters that need no officer's text."""

    letter_type = forms.ChoiceField(label=_("Letter"))
    language = forms.ChoiceField(
        label=_("Language"),
        choices=[(SUBJECT_LANGUAGE, _("Each subject's preferred language")), *Language.choices],
        initial=SUBJECT_LANGUAGE,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["letter_type"].choices = [
            (spec.type, spec.label) for spec in catalogue.LETTERS.values() if spec.batchable
        ]


class OrganisationProfileForm(forms.ModelForm):
    class Meta:
        model = OrganisationProfile
        fields = [f.name for f in OrganisationProfile._meta.fields if f.editable and f.name != "id"]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            **{
                f"{section}_{language}": forms.Textarea(attrs={"rows": 5, "cols": 50})
                for section, _article in ACCESS_SECTIONS
                for language in catalogue.LANGUAGES
            },
        }

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if not logo or logo == self.initial.get("logo"):
            return logo
        if logo.size > LOGO_MAX_BYTES:
            raise forms.ValidationError(_("The logo may be at most 1 MB."))
        image = getattr(logo, "image", None)  # set by ImageField once Pillow has read it
        if image is not None and image.format not in ("PNG", "JPEG"):
            raise forms.ValidationError(_("The logo must be a PNG or JPEG image."))
        return logo
