"""The OpenAPI schema is valid and complete, and its Swagger UI loads nothing from a CDN."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_schema_is_valid_without_warnings(tmp_path):
    # --fail-on-warn: every view documents its input, output and errors.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", tmp_path / "s.yaml")
    assert "/api/cases/{case_id}/close/" in (tmp_path / "s.yaml").read_text()


def test_the_schema_documents_every_operation(api):
    schema = api.get("/api/schema/", headers={"accept": "application/json"}).json()
    operations = {op["operationId"] for path in schema["paths"].values() for op in path.values()}
    assert {
        "cases_list", "cases_retrieve", "cases_create", "cases_assign",
        "cases_start_identity_check", "cases_verify_identity", "cases_pause", "cases_resume",
        "cases_extend", "cases_record_extension_notice", "cases_close", "cases_withdraw",
        "assignees_list", "statistics",
    } <= operations  # fmt: skip
    assert "Error" in schema["components"]["schemas"]
    assert set(schema["components"]["securitySchemes"]) >= {"tokenAuth", "cookieAuth"}


def test_the_docs_page_uses_only_our_own_static_files(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets, html
    # Swagger UI's start-up script comes from this page itself (?script): the
    # Content-Security-Policy allows no inline script (issue 7, SpectacularSwaggerSplitView).
    assets.remove("/api/docs/?script=")
    for url in assets:
        assert url.startswith("/static/"), url
    assert "cdn" not in html.lower()
    script = client.get("/api/docs/?script=")
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in script.content.decode()
    # The files ship with drf-spectacular-sidecar; collectstatic puts them under /static/.
    for url in assets:
        assert finders.find(url.removeprefix("/static/")), url
