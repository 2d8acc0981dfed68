"""One error format for every error of the API."""

import pytest

pytestmark = pytest.mark.django_db


def _is_error(response, status_code, code):
    assert response.status_code == status_code
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert isinstance(body["error"]["fields"], dict)
    return body["error"]


def test_an_unknown_address_is_a_json_404(api):
    error = _is_error(api.get("/api/nothing-here/"), 404, "not_found")
    assert "no API endpoint" in error["message"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/cases/a%0Ab/letters/",  # a line feed: "." in a pattern does not match it
        "/api/cases/a%0Db/",
        "/api/nothing%0A",
        "/api/%0A",
        "/api/cases/%E2%80%AE1/",
    ],
)
def test_an_address_with_control_characters_is_a_json_404(api, path):
    _is_error(api.get(path), 404, "not_found")


def test_a_missing_slash_is_pointed_out(api):
    error = _is_error(api.get("/api/cases"), 404, "not_found")
    assert "/api/cases/" in error["message"]


def test_a_wrong_method_is_a_405(api):
    _is_error(api.get("/api/cases/create/"), 405, "method_not_allowed")


def test_an_anonymous_caller_is_throttled(db):
    from rest_framework.test import APIClient
    from rest_framework.throttling import AnonRateThrottle

    client = APIClient()
    # The rate is read when the class is defined; count to it instead of changing it.
    limit, _period = AnonRateThrottle().parse_rate(AnonRateThrottle().get_rate())
    for _i in range(limit):
        assert client.get("/api/").status_code == 200
    response = client.get("/api/")
    error = _is_error(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0
    assert error["message"]
