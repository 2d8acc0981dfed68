"""Rate limits on the form (per IP address and per e-mail address), on unknown links and on
uploads: a clear message, nothing lost of what was typed, and no limit at all when the cache
is down rather than a lost request."""

import copy
import datetime
import uuid

import pytest
import time_machine
from django.conf import settings as django_settings
from rest_framework.test import APIClient

from cases import ratelimit
from cases.models import Case
from tests.portal.conftest import form_data

pytestmark = pytest.mark.django_db
# What dsar/settings/base.py configured, taken before the per-test cache of conftest.py.
CONFIGURED_CACHES = copy.deepcopy(django_settings.CACHES)


@pytest.fixture
def limits(settings):
    settings.DSAR_RATE_LIMITS = {
        "submit_ip": "3/h",
        "submit_email": "2/d",
        "bad_link_ip": "2/h",
        "upload_ip": "2/h",
    }
    return settings.DSAR_RATE_LIMITS


def test_one_ip_address_may_send_a_few_requests_an_hour(client, submit, limits):
    for n in range(3):
        assert submit(email=f"person{n}@example.org").status_code == 302
    response = submit(email="person9@example.org", name="Zoë <i>de</i> Vries")
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many requests in a short time" in page or "Te veel verzoeken" in page
    # What was typed is still in the form, as text.
    assert 'value="person9@example.org"' in page
    assert 'value="Zoë &lt;i&gt;de&lt;/i&gt; Vries"' in page
    assert Case.objects.count() == 3
    # Another address (behind another IP) is not affected.
    other = client.post(
        "/",
        {**_data("else@example.org")},
        REMOTE_ADDR="192.0.2.77",
    )
    assert other.status_code == 302


def test_one_e_mail_address_gets_a_few_requests_a_day_from_any_ip(client, limits):
    for n in range(2):
        response = client.post("/", _data("Zoe@Example.org"), REMOTE_ADDR=f"192.0.2.{n}")
        assert response.status_code == 302
    # Capitals make no difference.
    response = client.post("/", _data("zoe@example.org"), REMOTE_ADDR="192.0.2.50")
    assert response.status_code == 429
    assert Case.objects.count() == 2


def test_invalid_forms_do_not_count(submit, limits):
    for _n in range(5):
        assert submit(email="not-an-address").status_code == 200
    assert submit().status_code == 302


def test_unknown_links_are_limited_per_ip(client, limits):
    assert client.get("/status/" + "A" * 43 + "/").status_code == 404
    assert client.get("/confirm/nonsense/").status_code == 404
    response = client.get("/status/" + "B" * 43 + "/")
    assert response.status_code == 429
    assert "A" * 43 not in response.content.decode()


def test_behind_a_proxy_the_forwarded_address_counts(settings, rf):
    settings.DSAR_TRUSTED_PROXY_COUNT = 1
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7")
    assert ratelimit.client_ip(request) == "198.51.100.7"
    settings.DSAR_TRUSTED_PROXY_COUNT = 0
    assert ratelimit.client_ip(request) == "10.0.0.1"


def test_a_cache_that_is_down_does_not_lose_a_request(submit, limits, monkeypatch, caplog):
    class CacheDown:
        def __getattr__(self, name):
            raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(ratelimit, "_cache", CacheDown)
    for n in range(5):
        assert submit(email=f"p{n}@example.org").status_code == 302
    assert Case.objects.count() == 5
    assert "cache is unavailable" in caplog.text


@pytest.mark.parametrize(
    ("text", "count", "seconds"), [("20/h", 20, 3600), ("3/d", 3, 86400), (" 5 / m ", 5, 60)]
)
def test_rates_are_read_from_settings(text, count, seconds):
    assert ratelimit.parse_rate(text) == ratelimit.Rate(count, seconds)


@pytest.mark.parametrize("text", ["", "20", "20/w", "x/h", "-1/h"])
def test_a_mistyped_rate_is_an_error(text):
    with pytest.raises(ValueError):
        ratelimit.parse_rate(text)


def test_the_configured_cache_counts_across_clients(settings):
    """The real cache of this configuration (Redis with REDIS_URL, else files), which every
    web process shares; a fresh key so that runs do not meet."""
    settings.CACHES = CONFIGURED_CACHES
    expected = "RedisCache" if settings.REDIS_URL else "FileBasedCache"
    assert CONFIGURED_CACHES["default"]["BACKEND"].endswith(expected)
    settings.DSAR_RATE_LIMITS = {"submit_email": "2/h"}
    address = f"{uuid.uuid4().hex}@example.org"
    assert [ratelimit.hit("submit_email", address) for _n in range(3)] == [True, True, False]
    assert ratelimit.hit("submit_email", f"other-{address}")


def _data(email: str) -> dict:
    return form_data(email=email)


def test_a_mistyped_setting_is_reported_at_start_up(settings):
    from portal.checks import check_public_settings

    assert check_public_settings() == []
    settings.DSAR_RATE_LIMITS = {**settings.DSAR_RATE_LIMITS, "submit_ip": "20 per hour"}
    settings.DSAR_UPLOAD_MAX_MB = 0
    errors = check_public_settings()
    assert [e.id for e in errors] == ["cases.E101", "cases.E102"]
    assert "submit_ip" in errors[0].msg


@pytest.mark.parametrize("configured", [True, False], ids=["configured-cache", "memory-cache"])
def test_one_request_counts_its_limits_in_order_and_stops_at_the_first_refusal(
    settings, configured
):
    """The form counts its IP address and then its e-mail address (on Redis in one round
    trip); an attempt refused for its IP address does not use up the e-mail address's
    allowance."""
    if configured:
        settings.CACHES = CONFIGURED_CACHES
    settings.DSAR_RATE_LIMITS = {"submit_ip": "1/h", "submit_email": "3/d"}
    ip, address = f"ip-{uuid.uuid4().hex}", f"{uuid.uuid4().hex}@example.org"

    def attempt(ip_address):
        return ratelimit.hit_all(("submit_ip", ip_address), ("submit_email", address))

    assert attempt(ip)
    assert not attempt(ip)  # the IP address is over its limit; the address is not counted
    assert [attempt(f"{ip}-{n}") for n in range(3)] == [True, True, False]


def test_on_redis_every_log_expires(settings):
    if not settings.REDIS_URL:
        pytest.skip("the embedded defaults have no Redis; CI runs this against Redis")
    settings.CACHES = CONFIGURED_CACHES
    settings.DSAR_RATE_LIMITS = {"submit_ip": "20/h", "submit_email": "10/d"}
    from django.core.cache import caches

    backend = caches["default"]
    ip, address = f"ip-{uuid.uuid4().hex}", f"{uuid.uuid4().hex}@example.org"
    assert ratelimit.hit_all(("submit_ip", ip), ("submit_email", address))
    client = backend._cache.get_client(write=True)

    def ttl(scope, value):
        return client.ttl(backend.make_and_validate_key(ratelimit._key(scope, value)))

    assert 3590 < ttl("submit_ip", ip) <= 3600
    assert 86390 < ttl("submit_email", address) <= 86400


# --- One rolling window, not clock hours -----------------------------------------------------

BEFORE_THE_HOUR = datetime.datetime(2026, 3, 6, 10, 58, 30, tzinfo=datetime.UTC)


@pytest.mark.parametrize("configured", [True, False], ids=["configured-cache", "memory-cache"])
def test_a_limit_is_a_rolling_hour_not_a_clock_hour(settings, configured):
    if configured:
        settings.CACHES = CONFIGURED_CACHES
    settings.DSAR_RATE_LIMITS = {"submit_ip": "3/h"}
    ip = f"ip-{uuid.uuid4().hex}"
    with time_machine.travel(BEFORE_THE_HOUR, tick=False) as clock:
        assert [ratelimit.hit("submit_ip", ip) for _n in range(4)] == [True, True, True, False]
        clock.shift(datetime.timedelta(minutes=2))  # 11:00:30, a new clock hour
        assert not ratelimit.hit("submit_ip", ip)
        assert ratelimit.wait_before(("submit_ip", ip)) == 3600 - 120
        clock.move_to(BEFORE_THE_HOUR + datetime.timedelta(hours=1, seconds=-1))
        assert not ratelimit.hit("submit_ip", ip)
        # An hour after the first three: room for three again, and only three.
        clock.move_to(BEFORE_THE_HOUR + datetime.timedelta(hours=1))
        assert [ratelimit.hit("submit_ip", ip) for _n in range(4)] == [True, True, True, False]


def test_the_form_and_the_api_share_one_rolling_hour_per_address(client, settings):
    """The defect: 20 an hour on the form, and as many again on the API, each per clock hour,
    let 35 requests through in three minutes around the hour."""
    settings.DSAR_RATE_LIMITS = {**settings.DSAR_RATE_LIMITS, "submit_ip": "20/h"}
    api = APIClient()
    body = {"request_type": "access", "name": "Zoë de Vries", "description": "Inzage."}

    def by_form(n):
        return client.post("/", _data(f"form{n}@example.org")).status_code == 302

    def by_api(n):
        response = api.post(
            "/api/public/requests/", {**body, "email": f"api{n}@example.org"}, format="json"
        )
        return response.status_code == 202

    with time_machine.travel(BEFORE_THE_HOUR, tick=False) as clock:
        assert all(by_form(n) for n in range(10))
        assert all(by_api(n) for n in range(10))
        assert not by_form(10) and not by_api(10)
        # After the hour (before: a fresh counter, and on the API one of its own).
        clock.shift(datetime.timedelta(minutes=2))
        assert not any([by_form(n) for n in range(11, 20)] + [by_api(n) for n in range(11, 20)])
        assert Case.objects.count() == 20
        # An hour after the first twenty, twenty more, on either interface.
        clock.move_to(BEFORE_THE_HOUR + datetime.timedelta(hours=1))
        assert all([by_api(n) for n in range(20, 30)] + [by_form(n) for n in range(20, 30)])
        assert not by_form(30) and not by_api(30)
    assert Case.objects.count() == 40
