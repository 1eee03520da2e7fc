import pytest

from tests.factories import StopFactory


@pytest.fixture
def stop(db):
    return StopFactory(capacity=3)
