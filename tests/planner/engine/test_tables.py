"""Both decision tables of the seed doc, row by row (reference §2 and §3)."""

import pytest

from tests.factories import E2007, E2010, EOP, EXO, NON_MS, NONE, recommend_for

PAIR = {("own-servers-outbound", "create"), ("own-servers-inbound", "create")}
REVIEW = {("own-servers-outbound", "review-existing"), ("own-servers-inbound", "review-existing")}

# Table B: on-premises organization x subscription x HCW completed -> outcome.
TABLE_B = [
    pytest.param(E2010, EOP, None, "manual-connectors", PAIR, "required", id="2010-eop"),
    pytest.param(E2010, EXO, False, "consider-hybrid", PAIR, "required", id="2010-exo-no-hcw"),
    pytest.param(
        E2010, EXO, True, "created-by-hybrid-wizard", REVIEW, "none", id="2010-exo-hcw-done"
    ),
    pytest.param(E2007, EOP, None, "manual-connectors", PAIR, "required", id="2007-eop"),
    pytest.param(E2007, EXO, None, "manual-connectors", PAIR, "required", id="2007-exo"),
    pytest.param(NON_MS, EOP, None, "manual-connectors", PAIR, "required", id="non-ms-eop"),
    pytest.param(NON_MS, EXO, None, "manual-connectors", PAIR, "required", id="non-ms-exo"),
    pytest.param(NONE, EXO, None, None, set(), "none", id="cloud-only"),
]


@pytest.mark.parametrize(("onprem", "subscription", "hybrid", "outcome", "pair", "needed"), TABLE_B)
def test_own_servers_table(onprem, subscription, hybrid, outcome, pair, needed):
    extra = {"hybrid_completed": hybrid} if hybrid is not None else {}
    result = recommend_for(onprem_server=onprem, subscription=subscription, **extra)
    assert result.own_servers == outcome
    assert {(c.id, c.action) for c in result.connectors} == pair
    assert result.connectors_needed == needed


@pytest.mark.parametrize(("onprem", "subscription", "hybrid", "outcome", "pair", "needed"), TABLE_B)
def test_own_server_connectors_have_the_documented_shape(
    onprem, subscription, hybrid, outcome, pair, needed
):
    extra = {"hybrid_completed": hybrid} if hybrid is not None else {}
    result = recommend_for(onprem_server=onprem, subscription=subscription, **extra)
    shapes = {
        c.id: (c.from_, c.to, c.connector_type, c.cmdlet, c.required) for c in result.connectors
    }
    if pair:
        assert shapes == {
            "own-servers-outbound": (
                "office-365",
                "your-organization-email-server",
                "OnPremises",
                "New-OutboundConnector",
                True,
            ),
            "own-servers-inbound": (
                "your-organization-email-server",
                "office-365",
                "OnPremises",
                "New-InboundConnector",
                True,
            ),
        }


def test_hybrid_done_creates_nothing_and_points_to_the_wizard():
    result = recommend_for(onprem_server=E2010, subscription=EXO, hybrid_completed=True)
    assert all(c.action == "review-existing" and not c.settings for c in result.connectors)
    assert "hybrid-connectors-exist" in {n.code for n in result.notes}
    assert "hcw" in {g.key for g in result.guides}


def test_hybrid_not_run_suggests_the_hybrid_wizard():
    result = recommend_for(onprem_server=E2010, subscription=EXO, hybrid_completed=False)
    assert "consider-hybrid-wizard" in {n.code for n in result.notes}


@pytest.mark.parametrize("subscription", [EOP, EXO])
def test_exchange_2007_warns_about_limited_hybrid(subscription):
    codes = {n.code for n in recommend_for(onprem_server=E2007, subscription=subscription).notes}
    assert "exchange-2007-limited-hybrid" in codes


@pytest.mark.parametrize(
    ("onprem", "code"),
    [
        (E2010, "outdated-exchange-throttling"),
        # Rules version 2 (F2): Exchange 2007 gets the blocker, which says the same and more.
        (E2007, "exchange-version-blocked"),
        (NON_MS, None),
        (NONE, None),
    ],
)
def test_out_of_date_exchange_throttling_warning(onprem, code):
    codes = {n.code for n in recommend_for(onprem_server=onprem).notes}
    exchange = {"outdated-exchange-throttling", "exchange-version-blocked"}
    assert codes & exchange == ({code} if code else set())


@pytest.mark.parametrize("onprem", [E2010, E2007, NON_MS])
@pytest.mark.parametrize("subscription", [EOP, EXO])
def test_every_plan_with_own_servers_warns_about_open_relays(onprem, subscription):
    assert "open-relay" in {
        n.code for n in recommend_for(onprem_server=onprem, subscription=subscription).notes
    }


def test_cloud_only_plan_has_no_open_relay_warning():
    assert "open-relay" not in {n.code for n in recommend_for().notes}


@pytest.mark.parametrize("onprem", [E2010, E2007, NON_MS])
def test_standalone_eop_says_to_change_mx_last_and_lock_port_25(onprem):
    # Rules version 2: these are the checklist's "after" steps, no longer a note as well.
    after = [i.text for i in recommend_for(onprem_server=onprem, subscription=EOP).checklist]
    assert any("Only once both connectors pass their tests" in t for t in after)
    assert any("72 hours after the MX change" in t for t in after)


# Table A: the scenario table.
def test_a1_standalone_eop_requires_the_pair():
    result = recommend_for(onprem_server=NON_MS, subscription=EOP)
    assert result.connectors_needed == "required"
    assert {c.id for c in result.connectors} == {"own-servers-outbound", "own-servers-inbound"}


def test_a2_mixed_mailboxes_require_the_pair():
    result = recommend_for(onprem_server=E2007, subscription=EXO)
    assert result.connectors_needed == "required"
    assert {c.id for c in result.connectors if c.required} == {
        "own-servers-outbound",
        "own-servers-inbound",
    }


def test_a3_cloud_only_devices_get_one_optional_relay_connector():
    result = recommend_for(
        devices={"send_mail": True, "external_recipients": True, "smtp_auth_capable": False}
    )
    assert result.connectors_needed == "optional"
    (connector,) = result.connectors
    assert (connector.id, connector.from_, connector.to, connector.required) == (
        "device-relay-inbound",
        "your-organization-email-server",
        "office-365",
        False,
    )
    assert connector.connector_type == "OnPremises"


def test_a4_partner_connectors_are_optional():
    result = recommend_for(
        partners=[{"name": "Bank", "domains": ["contosobank.com"], "require_tls": True}]
    )
    assert result.connectors_needed == "optional"
    assert {(c.from_, c.to) for c in result.connectors} == {
        ("partner-organization", "office-365"),
        ("office-365", "partner-organization"),
    }
    assert not any(c.required for c in result.connectors)


def test_cloud_only_without_devices_or_partners_needs_no_connector():
    result = recommend_for()
    assert (result.connectors_needed, result.connectors, result.own_servers) == ("none", (), None)
    assert "don't need a connector" in result.summary
