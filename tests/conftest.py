import pytest


@pytest.fixture
def officer_user(db):
    from tests.factories import officer

    return officer("olga")


@pytest.fixture
def officer_client(client, officer_user):
    client.force_login(officer_user)
    return client
