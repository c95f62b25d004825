"""The script after a comparison: only the differences, then a clean re-comparison."""

import pytest

from planner.engine.audit import audit_script, changes, compare
from tests.factories import E2007, E2010, EOP, EXO, NON_MS, bank_partner, recommend_for
from tests.planner.engine.audit.audit_helpers import (
    apply,
    current,
    exo_export,
    inbound,
    plan_dict,
    sample,
)


def test_connector_with_other_settings_gets_set_with_only_those():
    script = audit_script(plan_dict(), compare(plan_dict(), sample()))
    block = script.split("# 1. Change To on-premises (legacy)")[1].split(
        "Set-OutboundConnector @params"
    )[0]
    assert "Identity = 'To on-premises (legacy)'" in block
    assert "TlsSettings = 'DomainValidation'" in block
    assert "TlsDomain = 'mail.contoso.com'" in block
    assert "SmartHosts" not in block


def test_missing_connector_gets_created_with_every_planned_setting():
    script = audit_script(plan_dict(), compare(plan_dict(), sample()))
    block = script.split("Create: Office 365 to partner organization")[1].split(
        "New-OutboundConnector @params"
    )[0]
    assert "Name = 'Contoso Bank outbound'" in block
    assert "RecipientDomains = @('contosobank.com')" in block


def test_removal_is_a_commented_out_line():
    script = audit_script(plan_dict(), compare(plan_dict(), sample()))
    assert "# Remove-InboundConnector -Identity 'Old scanner relay' -Confirm:$false" in script
    assert "\nRemove-" not in script


def test_connector_names_are_quoted_for_powershell():
    tenant = current(exo_export(inbound_connectors=[inbound(Name="O'Brien relay", Enabled=False)]))
    rec = {"connectors": [], "own_servers": None}
    assert "-Identity 'O''Brien relay'" in audit_script(rec, compare(rec, tenant))


def test_value_to_fill_in_becomes_a_guarded_placeholder():
    rec = recommend_for(
        devices={"send_mail": True, "smtp_auth_capable": False, "external_recipients": True}
    ).to_dict()
    script = audit_script(rec, compare(rec, current(exo_export())))
    assert "<FILL IN:" in script
    assert "throw 'Fill in $" in script


def test_clean_tenant_gets_a_script_that_changes_nothing():
    rec = plan_dict()
    fixed = apply(sample(), changes(rec, compare(rec, sample())))
    script = audit_script(rec, compare(rec, fixed))
    assert "Nothing to change" in script
    assert "@params" not in script


def test_applying_the_changes_to_the_sample_tenant_compares_clean():
    rec = plan_dict()
    fixed = apply(sample(), changes(rec, compare(rec, sample())))
    assert compare(rec, fixed).clean


ORG = {
    "domains": ["contoso.com"],
    "onprem_smart_hosts": ["mail.contoso.com"],
    "onprem_certificate_domain": "mail.contoso.com",
    "onprem_sending_ips": ["20.1.2.3"],
}

# Plans of today's engine (whatever rules version is current), against an empty tenant and the
# sample tenant: the changes always bring the tenant to the plan.
PLANS = [
    pytest.param({"onprem_server": E2010, "subscription": EOP, "organization": ORG}, id="2010-eop"),
    pytest.param({"onprem_server": E2007, "subscription": EXO, "organization": ORG}, id="2007-exo"),
    pytest.param(
        {
            "onprem_server": NON_MS,
            "subscription": EXO,
            "organization": {**ORG, "identify_by": "ip"},
        },
        id="non-ms-by-ip",
    ),
    pytest.param(
        {
            "partners": [
                bank_partner(direction="both", certificate_domain="mail.contosobank.com"),
                bank_partner(
                    name="Fabrikam", domains=["fabrikam.com"], sender_ips=["198.51.100.0/24"]
                ),
            ]
        },
        id="partners",
    ),
    pytest.param(
        {
            "devices": {
                "send_mail": True,
                "smtp_auth_capable": False,
                "external_recipients": True,
                "sending_ips": ["203.0.113.10"],
            }
        },
        id="device-relay",
    ),
]


@pytest.mark.parametrize("answers", PLANS)
@pytest.mark.parametrize("tenant", ["empty", "sample"])
def test_applying_the_changes_compares_clean(answers, tenant):
    rec = recommend_for(**answers).to_dict()
    before = current(exo_export()) if tenant == "empty" else sample()
    after = apply(before, changes(rec, compare(rec, before)))
    assert all(item.status == "matches" for item in compare(rec, after).connectors)
