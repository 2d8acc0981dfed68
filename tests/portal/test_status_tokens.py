"""Status links: unguessable, stored only as a hash, compared in constant time, and each
one opens exactly one case."""

import hashlib
import hmac

import pytest

from cases import tokens
from cases.models import StatusToken
from tests.factories import case as make_case

pytestmark = pytest.mark.django_db


def test_a_token_has_256_bits_and_only_its_hash_is_stored():
    case = make_case()
    token = tokens.status_token_create(case)
    assert len(token) == 43  # 32 random bytes, URL-safe base64
    row = StatusToken.objects.get()
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(list(StatusToken.objects.values()))
    assert tokens.case_from_status_token(token) == case


def test_every_token_is_new():
    case = make_case()
    made = {tokens.status_token_create(case) for _n in range(50)}
    assert len(made) == 50
    for token in made:
        assert tokens.case_from_status_token(token) == case


def test_a_token_opens_only_its_own_case(client):
    zoe = make_case(subject_name="Zoë de Vries")
    piet = make_case(subject_name="Piet Jansen", subject_email="piet@example.org")
    zoe_token = tokens.status_token_create(zoe)
    piet_token = tokens.status_token_create(piet)

    zoe_page = client.get(f"/status/{zoe_token}/").content.decode()
    assert zoe.reference in zoe_page and piet.reference not in zoe_page
    piet_page = client.get(f"/status/{piet_token}/").content.decode()
    assert piet.reference in piet_page and zoe.reference not in piet_page


@pytest.mark.parametrize(
    "token",
    [
        "A" * 43,  # well-formed, unknown
        "short",
        "A" * 200,
        "...",
        "%00",
        "' OR 1=1 --",
    ],
)
def test_an_unknown_token_gets_a_friendly_404_that_reveals_nothing(client, token):
    case = make_case()
    tokens.status_token_create(case)
    assert tokens.case_from_status_token(token) is None
    response = client.get(f"/status/{token}/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Deze link werkt niet" in page
    assert case.reference not in page and "Zoë" not in page
    assert response["Referrer-Policy"] == "same-origin"


def test_the_hash_of_a_token_is_not_a_token(client):
    case = make_case()
    token = tokens.status_token_create(case)
    stored = StatusToken.objects.get().token_hash
    assert tokens.case_from_status_token(stored) is None
    assert client.get(f"/status/{stored}/").status_code == 404
    assert client.get(f"/status/{token}/").status_code == 200


def test_the_comparison_is_constant_time(monkeypatch):
    case = make_case()
    token = tokens.status_token_create(case)
    calls = []
    compare_digest = hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return compare_digest(a, b)

    monkeypatch.setattr(tokens.hmac, "compare_digest", spy)
    assert tokens.case_from_status_token(token) == case
    assert calls == [(tokens.hash_token(token),) * 2]


def test_an_unconfirmed_request_has_no_status_page(web_case):
    case = web_case()
    token = tokens.status_token_create(case)  # never issued by the app; defence in depth
    assert tokens.case_from_status_token(token) is None


def test_the_status_page_is_never_cached_or_indexed(client):
    token = tokens.status_token_create(make_case())
    response = client.get(f"/status/{token}/")
    assert response["Cache-Control"] == "no-store, private"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "same-origin"
