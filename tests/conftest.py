import pytest
from django.test import Client


@pytest.fixture
def officer_user(db):
    from tests.factories import officer

    return officer("olga")


@pytest.fixture
def officer_client(officer_user):
    """An officer logged in to the admin, reading it in English (Dutch is tested apart)."""
    client = Client(headers={"accept-language": "en"})
    client.force_login(officer_user)
    return client
