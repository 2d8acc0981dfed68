"""The second step of the staff login: set up an authenticator app, enter a code, renew the
backup codes; and the page shown when an account is locked after failed logins."""

import logging

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from . import two_factor
from .forms import BackupCodeOrTotpForm, CodeForm

logger = logging.getLogger(__name__)


def _next_url(request) -> str:
    """Where to go after the second step: the page asked for, if it is one of ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("admin:index")


def _context(request, **extra) -> dict:
    context = admin.site.each_context(request)
    # These pages come before access to anything: no navigation to pages behind them.
    context.update(is_nav_sidebar_enabled=False, available_apps=[], next=_next_url(request))
    context.update(extra)
    return context


def _staff_only(request):
    """The user who gave the password; anyone else goes to the login page."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    if not two_factor.needs_two_factor(request.user):
        raise PermissionDenied
    return None


@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    refused = _staff_only(request)
    if refused is not None:
        return refused
    user = request.user
    if two_factor.has_confirmed_device(user):
        # Already set up: adding another app needs the second factor first.
        if user.is_verified():
            return HttpResponseRedirect(_next_url(request))
        return HttpResponseRedirect(
            reverse("accounts:two_factor_verify") + "?" + request.GET.urlencode()
        )
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and two_factor.enrolment_throttled(user):
        form.add_error(
            "code", _("Too many wrong codes. Wait a minute, then enter the code the app shows.")
        )
    elif request.method == "POST" and form.is_valid():
        codes = two_factor.confirm_enrolment(request=request, code=form.cleaned_data["code"])
        if codes is not None:
            return render(
                request,
                "accounts/backup_codes.html",
                _context(request, title=_("Your backup codes"), codes=codes, first_time=True),
            )
        form.add_error(
            "code",
            _(
                "This code is not right. Check that the time on your phone is correct and "
                "enter the code the app shows now."
            ),
        )
    device = two_factor.pending_totp_device(user)
    return render(
        request,
        "accounts/two_factor_setup.html",
        _context(
            request,
            title=_("Set up two-factor login"),
            form=form,
            qr_svg=two_factor.qr_code_svg(device),
            secret=two_factor.secret_for_manual_entry(device),
            issuer=settings.OTP_TOTP_ISSUER,
        ),
    )


@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    refused = _staff_only(request)
    if refused is not None:
        return refused
    user = request.user
    if user.is_verified():
        return HttpResponseRedirect(_next_url(request))
    if not two_factor.has_confirmed_device(user):
        return HttpResponseRedirect(
            reverse("accounts:two_factor_setup") + "?" + request.GET.urlencode()
        )
    form = BackupCodeOrTotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.is_throttled(user):
            form.add_error(
                "code",
                _("Too many wrong codes. Wait a minute, then enter the code the app shows."),
            )
        elif two_factor.verify(request=request, code=form.cleaned_data["code"]) is not None:
            return HttpResponseRedirect(_next_url(request))
        else:
            form.add_error("code", _("This code is not right, or it was used before."))
    return render(
        request,
        "accounts/two_factor_verify.html",
        _context(request, title=_("Enter your login code"), form=form),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def backup_codes(request):
    """Renew the backup codes (the old ones stop working). Behind the second factor: the
    middleware lets only verified sessions through."""
    refused = _staff_only(request)
    if refused is not None:
        return refused
    if not request.user.is_verified():  # without the middleware, still refuse
        raise PermissionDenied
    if request.method == "POST":
        codes = two_factor.renew_backup_codes(user=request.user)
        return render(
            request,
            "accounts/backup_codes.html",
            _context(request, title=_("Your backup codes"), codes=codes, first_time=False),
        )
    return render(
        request,
        "accounts/backup_codes_renew.html",
        _context(
            request,
            title=_("Backup codes"),
            remaining=two_factor.remaining_backup_codes(request.user),
        ),
    )


def locked_out(request, original_response=None, credentials=None):
    """django-axes' lockout response (AXES_LOCKOUT_CALLABLE): a plain page, in the visitor's
    language, that says how long to wait and whom to ask."""
    context = admin.site.each_context(request)
    context.update(
        title=_("Login blocked"),
        is_nav_sidebar_enabled=False,
        available_apps=[],
        has_permission=False,
        failure_limit=settings.AXES_FAILURE_LIMIT,
        cooloff_minutes=settings.DSAR_LOGIN_COOLOFF_MINUTES,
        dpo_email=settings.DSAR_ORGANISATION.get("dpo_email", ""),
    )
    logger.warning("login: blocked after repeated failures (lockout page shown)")
    return render(request, "accounts/locked_out.html", context, status=429)
