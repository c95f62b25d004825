"""Issue 16 on the plan pages: export scripts, the import, the comparison, the script it changes."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from planner.engine.audit import MAX_FILE_BYTES
from planner.models import PlanImport
from tests.factories import CLOUD_ONLY, make_answers, make_plan
from tests.planner.engine.audit.audit_helpers import EMS_FILE, EXO_FILE, data

pytestmark = pytest.mark.django_db


def upload(name, content=None):
    return SimpleUploadedFile(name, data(name) if content is None else content)


def import_files(client, saved, **fields):
    return client.post(f"/e/{saved.edit_token}/import", fields)


def import_sample(client, saved):
    response = import_files(
        client, saved, exchange_online=upload(EXO_FILE), exchange_server=upload(EMS_FILE)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def page_text(response) -> str:
    return response.content.decode()


# --- export scripts ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("side", "file_name", "cmdlet"),
    [
        ("exchange-online", "connector-planner-exchange-online.ps1", "Get-InboundConnector"),
        ("on-premises", "connector-planner-exchange-server.ps1", "Get-SendConnector"),
    ],
)
def test_share_link_offers_the_export_scripts_as_ps1_with_a_bom(client, side, file_name, cmdlet):
    saved = make_plan()
    response = client.get(f"/p/{saved.share_token}/export/{side}.ps1")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{file_name}"'
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    assert cmdlet in text
    assert "New-InboundConnector" not in text and "Set-InboundConnector" not in text


def test_both_pages_link_the_export_scripts(client):
    saved = make_plan()
    for prefix, token in (("p", saved.share_token), ("e", saved.edit_token)):
        text = page_text(client.get(f"/{prefix}/{token}/"))
        assert f"/{prefix}/{token}/export/exchange-online.ps1" in text
        assert f"/{prefix}/{token}/export/on-premises.ps1" in text


def test_export_script_of_an_unknown_plan_is_404(client):
    assert client.get(f"/p/{'A' * 43}/export/exchange-online.ps1").status_code == 404


# --- importing -----------------------------------------------------------------------------


def test_edit_page_imports_the_sample_exports_and_shows_the_comparison(client):
    saved = make_plan()
    response = import_sample(client, saved)
    assert response["Location"] == f"/e/{saved.edit_token}/#audit-heading"  # banner in the session
    stored = PlanImport.objects.get(plan=saved.plan)
    assert stored.revision == 1
    assert {source["file_name"] for source in stored.data["sources"]} == {EXO_FILE, EMS_FILE}
    text = page_text(client.get(response["Location"]))
    assert "Export imported." in text
    assert "Differs:" in text and "Missing:" in text
    assert "<code>TlsSenderCertificateName</code>" in text
    assert "Remove:</strong> Old scanner relay" in text
    assert "As found" in text


def test_share_page_shows_the_comparison_but_no_import_form(client):
    saved = make_plan()
    import_sample(client, saved)
    text = page_text(client.get(f"/p/{saved.share_token}/"))
    assert "The plan against the import" in text
    assert "Findings" in text and "learn.microsoft.com" in text
    assert 'enctype="multipart/form-data"' not in text
    assert saved.edit_token not in text


@pytest.mark.parametrize("method", ["get", "post"])
def test_share_link_cannot_import(client, method):
    saved = make_plan()
    response = getattr(client, method)(
        f"/p/{saved.share_token}/import", {"exchange_online": upload(EXO_FILE)}
    )
    assert response.status_code == 404
    assert not PlanImport.objects.exists()


def test_import_only_accepts_post(client):
    saved = make_plan()
    assert client.get(f"/e/{saved.edit_token}/import").status_code == 405


def test_import_with_an_unknown_edit_link_is_404(client):
    response = client.post(f"/e/{'A' * 43}/import", {"exchange_online": upload(EXO_FILE)})
    assert response.status_code == 404


def test_pasted_export_imports(client):
    saved = make_plan()
    response = import_files(client, saved, pasted=data(EXO_FILE).decode())
    assert response.status_code == 302
    assert PlanImport.objects.get().data["sources"][0]["file_name"] == "pasted text"


def test_importing_again_replaces_the_import(client):
    saved = make_plan()
    import_sample(client, saved)
    import_files(client, saved, exchange_online=upload("exchange-online-hybrid.json"))
    stored = PlanImport.objects.get()
    assert [source["file_name"] for source in stored.data["sources"]] == [
        "exchange-online-hybrid.json"
    ]


def test_windows_powershell_utf16_export_imports(client):
    saved = make_plan()
    response = import_files(
        client,
        saved,
        exchange_online=upload(
            EXO_FILE, "\ufeff".encode("utf-16-le") + data(EXO_FILE).decode().encode("utf-16-le")
        ),
    )
    assert response.status_code == 302


def assert_refused(response, *expected):
    assert response.status_code == 400
    assert not PlanImport.objects.exists()
    text = page_text(response)
    assert "There is a problem with the import" in text
    assert "Nothing was imported." in text
    for part in expected:
        assert part in text, part
    return text


def test_nothing_chosen_is_an_error(client):
    saved = make_plan()
    assert_refused(import_files(client, saved), "Choose the Exchange Online export file")


def test_a_bad_property_is_named_with_its_file_and_path(client):
    export = json.loads(data(EXO_FILE))
    export["inbound_connectors"][0]["RequireTls"] = "yes"
    saved = make_plan()
    response = import_files(
        client, saved, exchange_online=upload("mine.json", json.dumps(export).encode())
    )
    assert_refused(
        response, "mine.json: inbound_connectors[0].RequireTls: Expected true or false, got text."
    )


def test_a_missing_property_is_named(client):
    export = json.loads(data(EXO_FILE))
    del export["outbound_connectors"][0]["SmartHosts"]
    saved = make_plan()
    response = import_files(
        client, saved, exchange_online=upload("x.json", json.dumps(export).encode())
    )
    assert_refused(response, "outbound_connectors[0].SmartHosts: Missing property")


def test_not_json_is_refused(client):
    saved = make_plan()
    assert_refused(
        import_files(client, saved, exchange_online=upload("x.json", b"{not json")),
        "x.json: Not valid JSON (line 1, column 2).",
    )


def test_raw_cmdlet_output_is_refused_with_a_hint(client):
    saved = make_plan()
    response = import_files(client, saved, exchange_online=upload("raw-get-inboundconnector.json"))
    assert_refused(response, "This is raw Get-InboundConnector output")


def test_non_utf8_file_is_refused(client):
    saved = make_plan()
    response = import_files(
        client, saved, exchange_online=upload("latin1.json", '{"kind": "é"}'.encode("latin-1"))
    )
    assert_refused(response, "latin1.json: The file isn&#x27;t UTF-8 text")


def test_empty_file_is_refused(client):
    saved = make_plan()
    assert_refused(
        import_files(client, saved, exchange_online=upload("x.json", b"")), "The file is empty."
    )


def test_export_of_the_wrong_kind_in_a_field_is_refused(client):
    saved = make_plan()
    response = import_files(client, saved, exchange_online=upload(EMS_FILE))
    assert_refused(response, "exchange-server.json: this is the Exchange Server export")


def test_two_exports_of_one_kind_are_refused(client):
    saved = make_plan()
    response = import_files(
        client, saved, exchange_online=upload(EXO_FILE), pasted=data(EXO_FILE).decode()
    )
    assert_refused(response, "A second connector-planner-export/exchange-online export")


def test_oversize_file_is_refused_without_being_kept(client):
    saved = make_plan()
    big = b" " * (MAX_FILE_BYTES + 1)
    response = import_files(client, saved, exchange_online=upload("big.json", big))
    assert_refused(response, "big.json: the file is larger than 2 MB.")


def test_oversize_paste_is_refused(client):
    saved = make_plan()
    response = import_files(client, saved, pasted="x" * (300 * 1024))
    assert_refused(response, "The pasted text is larger than 256 KB")


def test_pasted_text_is_kept_in_the_form_on_error(client):
    saved = make_plan()
    response = import_files(client, saved, pasted='{"kind": "<b>mine</b>"}')
    text = assert_refused(response, "pasted text: kind: Unknown export kind")
    assert "{&quot;kind&quot;: &quot;&lt;b&gt;mine&lt;/b&gt;&quot;}</textarea>" in text


def test_a_bad_import_keeps_the_earlier_one(client):
    saved = make_plan()
    import_sample(client, saved)
    before = PlanImport.objects.get().data
    response = import_files(client, saved, exchange_online=upload("x.json", b"[]"))
    assert response.status_code == 400
    assert PlanImport.objects.get().data == before


def test_import_needs_the_csrf_token(client):
    from django.test import Client

    saved = make_plan()
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(f"/e/{saved.edit_token}/import", {"exchange_online": upload(EXO_FILE)})
    assert response.status_code == 403
    assert not PlanImport.objects.exists()


# --- the script follows the comparison -----------------------------------------------------


def test_exchange_online_script_follows_the_import(client):
    saved = make_plan()
    import_sample(client, saved)
    for prefix, token in (("p", saved.share_token), ("e", saved.edit_token)):
        text = client.get(f"/{prefix}/{token}/exchange-online.ps1").content.decode("utf-8")
        assert "changes to what your tenant already has" in text
        assert "Set-InboundConnector @params" in text
        assert "# Remove-InboundConnector -Identity 'Old scanner relay' -Confirm:$false" in text


def test_script_without_the_import_stays_available(client):
    saved = make_plan()
    import_sample(client, saved)
    response = client.get(f"/p/{saved.share_token}/exchange-online-without-import.ps1")
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="contoso-mail-flow-revision-1-exchange-online-without-import.ps1"'
    )
    assert (
        response.content.decode("utf-8")[1:]
        == (saved.plan.recommendation["powershell"]["exchange_online"])
    )
    page = page_text(client.get(f"/p/{saved.share_token}/"))
    assert "Download the script without the import" in page
    assert "Set-InboundConnector @params" in page  # the page's script section follows too


def test_without_an_import_the_script_is_the_plans(client):
    saved = make_plan()
    text = client.get(f"/p/{saved.share_token}/exchange-online.ps1").content.decode("utf-8")
    assert text[1:] == saved.plan.recommendation["powershell"]["exchange_online"]
    page = page_text(client.get(f"/p/{saved.share_token}/"))
    assert "without-import.ps1" not in page


def test_server_export_alone_leaves_the_plan_script(client):
    saved = make_plan()
    import_files(client, saved, exchange_server=upload(EMS_FILE))
    text = client.get(f"/p/{saved.share_token}/exchange-online.ps1").content.decode("utf-8")
    assert text[1:] == saved.plan.recommendation["powershell"]["exchange_online"]
    page = page_text(client.get(f"/p/{saved.share_token}/"))
    assert "No Exchange Online export was imported" in page


def test_cloud_only_plan_compares_too(client):
    saved = make_plan(answers=make_answers(CLOUD_ONLY))
    import_sample(client, saved)
    page = page_text(client.get(f"/e/{saved.edit_token}/"))
    assert "Existing connectors the plan doesn't need" in page
    assert "Remove:</strong> Inbound from on-premises" in page


def test_a_later_revision_is_compared_and_says_so(client):
    from planner import services

    saved = make_plan()
    import_sample(client, saved)
    services.update_plan(saved.plan, name="Renamed", answers=make_answers(), expected_revision=1)
    page = page_text(client.get(f"/e/{saved.edit_token}/"))
    assert "against revision 1 of the plan. The comparison uses the current revision, 2." in page


def test_more_files_than_the_form_takes_is_refused_without_a_server_error(client):
    saved = make_plan()
    files = [upload(EXO_FILE), upload(EMS_FILE), upload(EXO_FILE)]
    response = client.post(f"/e/{saved.edit_token}/import", {"exchange_online": files})
    assert response.status_code == 400
    assert not PlanImport.objects.exists()


def test_audit_does_not_depend_on_the_stored_key_order():
    # PostgreSQL's jsonb reorders keys: the create response and later reads must agree.
    from planner.audit import audit_document
    from tests.planner.engine.audit.audit_helpers import sample

    recommendation = make_plan().plan.recommendation
    shuffled = {
        **recommendation,
        "connectors": [
            {**item, "settings": dict(reversed(list(item["settings"].items())))}
            for item in recommendation["connectors"]
        ],
    }
    data = sample().to_dict()
    assert audit_document(data, shuffled, imported_at=None, revision=None) == audit_document(
        data, recommendation, imported_at=None, revision=None
    )
