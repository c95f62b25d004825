import pytest

from planner import documents
from tests.factories import SHARE_URL, make_document


@pytest.fixture(scope="module")
def typical_document():
    return make_document()


def test_context_lists_warnings_before_information(typical_document):
    notes = documents.plan_context(typical_document, share_url=SHARE_URL)["notes"]
    severities = [note["severity"] for note in notes]
    assert severities == sorted(severities, key=lambda severity: severity != "warning")
    assert severities[0] == "warning"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(["a.com", "b.com"], "a.com, b.com"), (True, "$true"), (False, "$false"), ("x", "x")],
)
def test_setting_text_writes_values_as_typed_in_powershell(value, expected):
    assert documents.setting_text(value) == expected
