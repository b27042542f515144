import pytest

from capdev.test import make_world


@pytest.fixture
def world(db):
    return make_world()
