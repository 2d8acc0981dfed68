"""The icon: a static file of our own, linked from the admin's and the public pages, and
/favicon.ico (which browsers ask for regardless) sending them to it."""

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.factories import case

pytestmark = pytest.mark.django_db
LINKS = (
    '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">',
    '<link rel="icon" href="/static/favicon.ico" sizes="16x16 32x32 48x48">',
)


def test_favicon_ico_redirects_to_the_static_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/favicon.ico"
    assert "max-age=86400" in response["Cache-Control"]


@pytest.mark.parametrize("name", ["favicon.ico", "favicon.svg"])
def test_the_icons_are_files_of_the_project(name):
    path = finders.find(name)
    assert path is not None
    with open(path, "rb") as icon:
        head = icon.read(64)
    assert head.startswith(b"\x00\x00\x01\x00") if name.endswith(".ico") else b"<svg" in head


def test_the_public_pages_link_the_icon(client):
    html = client.get(reverse("public:start")).content.decode()
    for link in LINKS:
        assert link in html


def test_the_admin_pages_link_the_icon(client, officer_client):
    pages = [
        client.get(reverse("admin:login")),
        officer_client.get(reverse("admin:cases_case_changelist")),
        officer_client.get(reverse("admin:cases_case_change", args=[case().pk])),
    ]
    for response in pages:
        assert response.status_code == 200
        html = response.content.decode()
        for link in LINKS:
            assert link in html
