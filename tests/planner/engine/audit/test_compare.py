"""Comparing a plan with the tenant: matches, differences, missing and unplanned connectors."""

import json

import pytest

from planner.engine.audit import compare, parse_exports
from tests.planner.engine.audit.audit_helpers import (
    EMS_FILE,
    current,
    data,
    exo_export,
    inbound,
    outbound,
    plan_dict,
    sample,
)


def planned(cmdlet="New-InboundConnector", action="create", **settings):
    connector_type = settings.get("ConnectorType", "Partner")
    return {
        "id": settings.get("Name", "planned").lower().replace(" ", "-"),
        "title": settings.get("Name", "Planned"),
        "cmdlet": cmdlet,
        "connector_type": connector_type,
        "action": action,
        "settings": settings,
        "fill_in": [],
    }


def recommendation(*connectors, own_servers=None, device=None):
    return {
        "connectors": list(connectors),
        "own_servers": own_servers,
        "devices": {"recommended": device} if device else None,
    }


BANK_IN = {
    "Name": "Contoso Bank inbound",
    "ConnectorType": "Partner",
    "SenderDomains": ["contosobank.com"],
    "RequireTls": True,
}


def by_id(comparison):
    return {item.plan_id: item for item in comparison.connectors}


def test_connector_with_the_planned_name_and_settings_matches():
    tenant = current(exo_export(inbound_connectors=[inbound(**BANK_IN)]))
    result = compare(recommendation(planned(**BANK_IN)), tenant)
    (item,) = result.connectors
    assert (item.status, item.matched_by, item.existing_name) == (
        "matches",
        "name",
        "Contoso Bank inbound",
    )
    assert result.clean


def test_differing_setting_is_listed_with_current_and_planned_values():
    tenant = current(exo_export(inbound_connectors=[inbound(**{**BANK_IN, "RequireTls": False})]))
    (item,) = compare(recommendation(planned(**BANK_IN)), tenant).connectors
    assert item.status == "differs"
    assert [d.to_dict() for d in item.differences] == [
        {"parameter": "RequireTls", "property": "RequireTls", "current": False, "planned": True}
    ]


def test_connector_the_tenant_lacks_is_missing():
    (item,) = compare(recommendation(planned(**BANK_IN)), current(exo_export())).connectors
    assert (item.status, item.existing_name) == ("missing", None)


def test_connector_under_another_name_is_found_by_its_smart_host():
    plan = planned(
        "New-OutboundConnector",
        Name="Outbound to on-premises",
        ConnectorType="OnPremises",
        AllAcceptedDomains=True,
        SmartHosts=["mail.contoso.com"],
    )
    tenant = current(
        exo_export(
            outbound_connectors=[
                outbound(Name="Partner X", RecipientDomains=["x.example"]),
                outbound(
                    Name="Hybrid mail",
                    ConnectorType="OnPremises",
                    AllAcceptedDomains=True,
                    SmartHosts=["MAIL.contoso.com"],
                ),
            ]
        )
    )
    (item,) = compare(recommendation(plan), tenant).connectors
    assert (item.status, item.matched_by, item.existing_name) == (
        "matches",
        "heuristic",
        "Hybrid mail",
    )


def test_heuristic_needs_the_same_connector_type():
    tenant = current(
        exo_export(
            inbound_connectors=[
                inbound(**{**BANK_IN, "Name": "Bank", "ConnectorType": "OnPremises"})
            ]
        )
    )
    (item,) = compare(recommendation(planned(**BANK_IN)), tenant).connectors
    assert item.status == "missing"


def test_name_match_wins_over_a_better_heuristic_match_for_another_plan_connector():
    first = planned(Name="Bank A", ConnectorType="Partner", SenderDomains=["contosobank.com"])
    second = planned(Name="Bank B", ConnectorType="Partner", SenderDomains=["contosobank.com"])
    tenant = current(
        exo_export(
            inbound_connectors=[
                inbound(Name="Bank B", SenderDomains=["contosobank.com"]),
                inbound(Name="Old bank", SenderDomains=["contosobank.com"]),
            ]
        )
    )
    result = by_id(compare(recommendation(first, second), tenant))
    assert result["bank-b"].existing_name == "Bank B"
    assert result["bank-a"].existing_name == "Old bank"


def test_one_existing_connector_answers_for_one_planned_connector_only():
    first = planned(Name="A", ConnectorType="Partner", SenderDomains=["contosobank.com"])
    second = planned(Name="B", ConnectorType="Partner", SenderDomains=["contosobank.com"])
    tenant = current(
        exo_export(inbound_connectors=[inbound(Name="Bank", SenderDomains=["contosobank.com"])])
    )
    statuses = sorted(
        item.status for item in compare(recommendation(first, second), tenant).connectors
    )
    assert statuses == ["matches", "missing"]


@pytest.mark.parametrize(
    ("parameter", "planned_value", "current_value"),
    [
        pytest.param("SenderDomains", ["*"], ["smtp:*;1"], id="address-space"),
        pytest.param("SenderDomains", ["ContosoBank.com"], ["contosobank.com"], id="domain-case"),
        pytest.param("SenderIPAddresses", ["203.0.113.10"], ["203.0.113.10/32"], id="ip-vs-cidr"),
        pytest.param(
            "SenderIPAddresses",
            ["203.0.113.0/24", "198.51.100.7"],
            ["198.51.100.7", "203.0.113.0/24"],
            id="ip-order",
        ),
        pytest.param(
            "TlsSenderCertificateName", "Mail.Contoso.com", "mail.contoso.com", id="cert-case"
        ),
    ],
)
def test_equal_values_in_other_spellings_match(parameter, planned_value, current_value):
    tenant = current(
        exo_export(inbound_connectors=[inbound(**{**BANK_IN, parameter: current_value})])
    )
    (item,) = compare(
        recommendation(planned(**{**BANK_IN, parameter: planned_value})), tenant
    ).connectors
    assert item.status == "matches"


def test_enum_planned_by_name_matches_enum_exported_as_number():
    plan = planned(
        "New-OutboundConnector",
        Name="Out",
        ConnectorType="Partner",
        TlsSettings="CertificateValidation",
    )
    tenant = current(exo_export(outbound_connectors=[outbound(Name="Out", TlsSettings=2)]))
    assert compare(recommendation(plan), tenant).clean


def test_new_rule_settings_are_compared_without_code_changes():
    # Rules version 2 adds settings; the comparison reads them back through the schema table,
    # or, for a parameter it has never heard of, under the parameter's own name.
    plan = planned(**BANK_IN, EFSkipIPs=["203.0.113.0/24"], BrandNewSwitch=True)
    tenant = current(exo_export(inbound_connectors=[inbound(**BANK_IN)]))
    (item,) = compare(recommendation(plan), tenant).connectors
    assert {(d.parameter, d.current) for d in item.differences} == {
        ("EFSkipIPs", ()),
        ("BrandNewSwitch", None),
    }


def test_value_still_to_fill_in_is_unchecked_not_different():
    plan = planned(**{**BANK_IN, "SenderIPAddresses": None})
    tenant = current(exo_export(inbound_connectors=[inbound(**BANK_IN)]))
    (item,) = compare(recommendation(plan), tenant).connectors
    assert (item.status, item.unchecked) == ("matches", ("SenderIPAddresses",))


def test_hybrid_wizard_connectors_answer_for_the_plans_review_connectors():
    tenant = current(
        json.loads(
            (
                __import__("pathlib").Path(__file__).resolve().parents[3]
                / "data/audit/exchange-online-hybrid.json"
            ).read_text()
        )
    )
    result = compare(plan_dict("plan-hybrid.json"), tenant)
    assert [item.status for item in result.connectors] == ["matches", "matches"]
    assert result.unplanned == ()


def test_missing_wizard_connectors_show_as_missing():
    # Minimal or Express hybrid makes no connectors (advice review F7).
    result = compare(plan_dict("plan-hybrid.json"), current(exo_export()))
    assert [item.status for item in result.connectors] == ["missing", "missing"]


def test_sample_tenant_against_the_manual_plan():
    result = by_id(compare(plan_dict(), sample()))
    assert {key: item.status for key, item in result.items()} == {
        "own-servers-outbound": "differs",
        "own-servers-inbound": "matches",
        "partner-1-inbound-certificate": "differs",
        "partner-1-outbound": "missing",
    }
    assert [d.parameter for d in result["own-servers-outbound"].differences] == [
        "TlsSettings",
        "TlsDomain",
    ]


UNPLANNED = [
    pytest.param(
        inbound(Name="HCW", ConnectorType="OnPremises", ConnectorSource="HybridWizard"),
        "consider-hybrid",
        "keep",
        id="wizard-made-with-on-premises",
    ),
    pytest.param(
        inbound(Name="HCW", ConnectorType="OnPremises", ConnectorSource="HybridWizard"),
        None,
        "review",
        id="wizard-made-cloud-only",
    ),
    pytest.param(inbound(Name="Off", Enabled=False), None, "remove", id="disabled"),
    pytest.param(
        inbound(Name="Relay", ConnectorType="OnPremises", SenderIPAddresses=["203.0.113.9"]),
        None,
        "remove",
        id="on-premises-not-needed",
    ),
    pytest.param(
        inbound(Name="Fabrikam", SenderDomains=["fabrikam.com"]), None, "review", id="partner"
    ),
]


@pytest.mark.parametrize(("connector", "own_servers", "disposition"), UNPLANNED)
def test_connector_the_plan_does_not_need_gets_a_disposition_and_a_reason(
    connector, own_servers, disposition
):
    result = compare(
        recommendation(own_servers=own_servers), current(exo_export(inbound_connectors=[connector]))
    )
    (item,) = result.unplanned
    assert item.disposition == disposition
    assert item.why


def test_second_on_premises_connector_of_a_direction_is_for_review():
    plan = planned(
        Name="Inbound from on-premises",
        ConnectorType="OnPremises",
        SenderDomains=["*"],
        TlsSenderCertificateName="contoso.com",
    )
    tenant = current(
        exo_export(
            inbound_connectors=[
                inbound(
                    Name="Inbound from on-premises",
                    ConnectorType="OnPremises",
                    SenderDomains=["*"],
                    TlsSenderCertificateName="contoso.com",
                ),
                inbound(
                    Name="Other relay",
                    ConnectorType="OnPremises",
                    SenderIPAddresses=["198.51.100.8"],
                ),
            ]
        )
    )
    (item,) = compare(recommendation(plan), tenant).unplanned
    assert (item.name, item.disposition) == ("Other relay", "review")


def test_without_an_exchange_online_export_nothing_is_compared():
    tenant = parse_exports({EMS_FILE: data(EMS_FILE)})
    result = compare(plan_dict(), tenant)
    assert result.compared_exchange_online is False
    assert not result.clean


def test_to_dict_has_stable_keys_and_is_json():
    result = compare(plan_dict(), sample()).to_dict()
    assert list(result) == [
        "format",
        "clean",
        "compared_exchange_online",
        "counts",
        "connectors",
        "unplanned",
        "findings",
    ]
    assert list(result["connectors"][0]) == [
        "plan_id",
        "title",
        "direction",
        "action",
        "status",
        "existing_name",
        "matched_by",
        "differences",
        "unchecked",
    ]
    assert list(result["unplanned"][0]) == [
        "name",
        "direction",
        "connector_type",
        "disposition",
        "why",
    ]
    assert list(result["findings"][0]) == ["code", "severity", "subject", "text", "rule", "source"]
    assert json.loads(json.dumps(result)) == result
