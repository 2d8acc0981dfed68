"""Who sees what: the dashboard needs ``cases.view_case``, the register and its exports
``reports.view_register``; the Privacy officer group gets the dashboard only."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from tests import factories

from .conftest import client_for

pytestmark = pytest.mark.django_db
INDEX = reverse("admin:index")
REGISTER = reverse("admin:reports_registerentry_changelist")
CSV = reverse("admin:reports_registerentry_export_csv")
XLSX = reverse("admin:reports_registerentry_export_xlsx")
DASHBOARD_MARK = 'class="dsar-dashboard"'


def _user(username, *, staff=True, permissions=()):
    user = get_user_model().objects.create_user(
        username=username, password="pw-for-tests", is_staff=staff
    )
    for codename in permissions:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    return user


def test_someone_not_on_staff_is_sent_to_the_login_page(frozen_clock):
    client = client_for(_user("klant", staff=False))
    for url in (INDEX, REGISTER, CSV, XLSX):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))


def test_staff_without_permissions_see_neither_dashboard_nor_register(frozen_clock):
    client = client_for(_user("stagiair"))
    response = client.get(INDEX)
    assert response.status_code == 200
    assert DASHBOARD_MARK not in response.content.decode()
    for url in (REGISTER, CSV, XLSX):
        assert client.get(url).status_code == 403


def test_a_privacy_officer_sees_the_dashboard_but_not_the_register(frozen_clock):
    client = client_for(factories.officer("olga"))
    assert DASHBOARD_MARK in client.get(INDEX).content.decode()
    for url in (REGISTER, CSV, XLSX):
        assert client.get(url).status_code == 403


def test_the_privacy_officer_group_does_not_hold_the_register_permission(db):
    group = Group.objects.get(name="Privacy officer")
    assert group.permissions.filter(codename="view_case").exists()
    assert not group.permissions.filter(codename="view_register").exists()


def test_the_register_permission_opens_the_register_and_its_exports(frozen_clock, dpo):
    client = client_for(dpo)
    for url in (INDEX, REGISTER, CSV, XLSX):
        assert client.get(url).status_code == 200
    assert DASHBOARD_MARK in client.get(INDEX).content.decode()


def test_the_register_permission_alone_gives_the_register_but_no_dashboard(frozen_clock):
    client = client_for(_user("auditor", permissions=["view_register"]))
    assert DASHBOARD_MARK not in client.get(INDEX).content.decode()
    for url in (REGISTER, CSV, XLSX):
        assert client.get(url).status_code == 200


def test_nobody_can_add_change_or_delete_register_entries(frozen_clock, dpo):
    from django.contrib import admin

    from reports.models import RegisterEntry

    model_admin = admin.site._registry[RegisterEntry]
    request = type("Request", (), {"user": dpo})()
    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert not Permission.objects.filter(
        content_type__app_label="reports",
        codename__in=["add_registerentry", "change_registerentry"],
    ).exists()
