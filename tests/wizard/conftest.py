import pytest

from tests.wizard.walk import WizardWalk


@pytest.fixture
def walk(client):
    return WizardWalk(client)
