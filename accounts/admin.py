"""The security log in the admin: read-only, for the DPO and the auditor. API tokens: issued
(shown once) and revoked by an administrator."""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, Permission
from django.shortcuts import render
from django.utils.html import format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from knox.models import AuthToken

from cases.admin_mixins import ReadOnlyAdmin

from .api_tokens import api_token_issue, api_token_revoke
from .models import ApiToken, SecurityEvent


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ("at", "kind", "actor_display", "account_label", "reason")
    list_filter = ("kind",)
    search_fields = ("actor_label", "account_label")
    date_hierarchy = "at"
    show_full_result_count = False
    fields = ("at", "kind", "actor_display", "account_label", "reason", "details_table")
    readonly_fields = fields

    @admin.display(description=SecurityEvent._meta.get_field("actor").verbose_name)
    def actor_display(self, event):
        return event.actor_display

    @admin.display(description=SecurityEvent._meta.get_field("details").verbose_name)
    def details_table(self, event):
        return format_html_join(
            "\n", "<div><strong>{}</strong>: {}</div>", sorted(event.details.items())
        )


# knox registers its own admin for AuthToken, which shows every digest and sends a new token
# through the messages framework; the tokens are managed here instead.
if admin.site.is_registered(AuthToken):
    admin.site.unregister(AuthToken)


class ApiTokenAddForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ("user",)
        labels = {"user": _("Acts as")}
        help_texts = {
            "user": _(
                "The token acts as this staff user, with exactly that user's permissions. "
                "Give an integration an account of its own."
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        users = get_user_model().objects.filter(is_active=True, is_staff=True)
        self.fields["user"].queryset = users.order_by("username")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Add: issue a token and show it once. Delete: revoke. Nothing else can be changed."""

    list_display = ("token_key", "user", "created", "expiry")
    list_select_related = ("user",)
    search_fields = ("user__username", "token_key")
    ordering = ("-created",)
    fields = ("token_key", "user", "created", "expiry")
    readonly_fields = fields
    form = ApiTokenAddForm

    def get_fields(self, request, obj=None):
        return ("user",) if obj is None else self.fields

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        row, token = api_token_issue(user=obj.user, actor=request.user)
        obj.digest, obj.token_key = row.digest, row.token_key
        obj.created, obj.expiry = row.created, row.expiry
        obj.issued_token = token

    def response_add(self, request, obj, post_url_continue=None):
        context = {
            **self.admin_site.each_context(request),
            "title": _("API token issued"),
            "opts": self.opts,
            "token": obj.issued_token,
            "row": obj,
        }
        return render(request, "accounts/api_token_issued.html", context)

    def delete_model(self, request, obj):
        api_token_revoke(tokens=[obj], actor=request.user)

    def delete_queryset(self, request, queryset):
        api_token_revoke(tokens=queryset.select_related("user"), actor=request.user)


# --- Permissions in the reader's language ----------------------------------------------------

# Django stores a permission's name in the database, in English, when migrating ("Can add
# case"; our own from Meta.permissions), and shows that stored text in the user and group
# forms. The labels are made when shown instead: Django's four default permissions from the
# model's (translated) name, ours through the catalogue (their msgids are the stored names).
DEFAULT_PERMISSION_LABELS = {
    "add": _("Can add %(name)s"),
    "change": _("Can change %(name)s"),
    "delete": _("Can delete %(name)s"),
    "view": _("Can view %(name)s"),
}


def permission_label(permission: Permission) -> str:
    action = permission.codename.partition("_")[0]
    model = permission.content_type.model_class()
    if (
        model is not None
        and action in DEFAULT_PERMISSION_LABELS
        and permission.codename == f"{action}_{model._meta.model_name}"
    ):
        text = DEFAULT_PERMISSION_LABELS[action] % {"name": model._meta.verbose_name}
    else:
        text = gettext(permission.name)
    return f"{permission.content_type} | {text}"


class TranslatedPermissionsMixin:
    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and db_field.name in ("permissions", "user_permissions"):
            field.label_from_instance = permission_label
        return field


class TranslatedUserAdmin(TranslatedPermissionsMixin, UserAdmin):
    pass


class TranslatedGroupAdmin(TranslatedPermissionsMixin, GroupAdmin):
    pass


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), TranslatedUserAdmin)
admin.site.unregister(Group)
admin.site.register(Group, TranslatedGroupAdmin)
