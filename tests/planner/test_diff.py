from planner.diff import answer_changes, connector_changes, describe_connector
from planner.engine import recommend
from tests.factories import CLOUD_ONLY, make_answers, partner


def partner_inbound(**settings):
    return {
        "id": "partner-1-inbound",
        "purpose": "partner",
        "from": "partner-organization",
        "to": "office-365",
        "action": "create",
        "settings": {"ConnectorType": "Partner", **settings},
    }


def test_partner_connector_is_described_by_from_to_restrictions_and_domains():
    connector = partner_inbound(RequireTls=True, SenderDomains=["contosobank.com"])
    assert (
        describe_connector(connector) == "Partner organization → Office 365 (TLS, contosobank.com)"
    )


def test_description_names_certificate_and_ip_restrictions():
    certificate = partner_inbound(TlsSenderCertificateName="mail.contosobank.com")
    addresses = partner_inbound(SenderIPAddresses=["203.0.113.0/24", "198.51.100.7"])
    assert "certificate mail.contosobank.com" in describe_connector(certificate)
    assert "IPs 203.0.113.0/24, 198.51.100.7" in describe_connector(addresses)


def test_connector_without_details_is_just_from_and_to():
    assert describe_connector(partner_inbound()) == "Partner organization → Office 365"


def test_connector_changes_list_removed_then_added():
    old = {"connectors": [partner_inbound(SenderDomains=["a.com"])]}
    new = {"connectors": [partner_inbound(SenderDomains=["b.com"])]}
    assert [str(change) for change in connector_changes(old, new)] == [
        "− Partner organization → Office 365 (a.com)",
        "+ Partner organization → Office 365 (b.com)",
    ]


def test_identical_recommendations_have_no_connector_changes():
    recommendation = recommend(make_answers()).to_dict()
    assert connector_changes(recommendation, recommendation) == []


def test_adding_a_partner_adds_only_its_connectors():
    before = recommend(make_answers(CLOUD_ONLY)).to_dict()
    after = recommend(make_answers(CLOUD_ONLY, partners=[partner("Fabrikam")])).to_dict()
    changes = connector_changes(before, after)
    assert changes and all(change.added for change in changes)
    assert all("fabrikam.com" in change.text for change in changes)


def test_duplicate_connectors_are_counted():
    one = partner_inbound(SenderDomains=["a.com"])
    changes = connector_changes({"connectors": [one]}, {"connectors": [one, one]})
    assert [str(change) for change in changes] == ["+ Partner organization → Office 365 (a.com)"]


def test_answer_changes_show_before_and_after_in_plain_words():
    changes = answer_changes(make_answers(), make_answers(hybrid_completed=True))
    assert [(c.question, c.before, c.after) for c in changes] == [
        ("Hybrid Configuration Wizard run", "No", "Yes"),
        ("Hybrid Configuration Wizard configuration", "Not asked", "Not known"),
    ]


def test_questions_no_longer_asked_show_as_not_asked_in_wizard_order():
    changes = answer_changes(make_answers(), make_answers(CLOUD_ONLY))
    questions = [change.question for change in changes]
    assert questions.index("On-premises email organization") < questions.index(
        "Hybrid Configuration Wizard run"
    )
    hybrid = next(c for c in changes if c.question == "Hybrid Configuration Wizard run")
    assert (hybrid.before, hybrid.after) == ("No", "Not asked")


def test_renamed_partner_is_a_change():
    before = make_answers(CLOUD_ONLY, partners=[partner("Fabrikam")])
    after = make_answers(CLOUD_ONLY, partners=[partner("Fabrikam Ltd")])
    (change,) = answer_changes(before, after)
    assert change.question == "Partner 1"
    assert change.before.startswith("Name: Fabrikam;")
    assert change.after.startswith("Name: Fabrikam Ltd;")


def test_same_answers_have_no_changes():
    assert answer_changes(make_answers(), make_answers()) == []
