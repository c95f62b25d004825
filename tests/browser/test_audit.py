"""Issue 16 in a real browser: upload the sample exports on the edit page and read the result."""

from playwright.sync_api import expect

from planner import services
from tests.factories import make_answers
from tests.planner.engine.audit.audit_helpers import DATA, EMS_FILE, EXO_FILE


def test_uploading_the_exports_shows_the_comparison_and_passes_axe(page, check_a11y):
    saved = services.create_plan(name="Contoso mail flow", answers=make_answers())
    page.goto(f"/e/{saved.edit_token}/")
    page.get_by_label("Exchange Online export", exact=True).set_input_files(DATA / EXO_FILE)
    page.get_by_label("Exchange Server export (optional)").set_input_files(DATA / EMS_FILE)
    page.get_by_role("button", name="Import and compare").click()
    expect(page.get_by_role("status")).to_contain_text("Export imported.")
    comparison = page.locator("section.audit")
    expect(comparison).to_contain_text("Planned connectors: 0 matching, 3 with different settings")
    expect(comparison).to_contain_text("Remove: Old scanner relay")
    expect(comparison.get_by_role("heading", name="As found")).to_be_visible()
    check_a11y(page)


def test_a_refused_upload_keeps_the_paste_and_passes_axe(page, check_a11y):
    saved = services.create_plan(name="Contoso mail flow", answers=make_answers())
    page.goto(f"/e/{saved.edit_token}/")
    page.get_by_label("Or paste the contents of one export file").fill('{"kind": "mine"}')
    page.get_by_role("button", name="Import and compare").click()
    expect(page.get_by_role("alert")).to_contain_text("pasted text: kind: Unknown export kind")
    assert page.get_by_label("Or paste the contents of one export file").input_value() == (
        '{"kind": "mine"}'
    )
    check_a11y(page)
