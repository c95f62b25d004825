"""The plan's PowerShell scripts: exactly the planned connectors, and no answer leaves its string."""

import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.engine.powershell import ps_quote
from tests.factories import E2007, E2010, EOP, EXO, NON_MS, NONE, bank_partner, recommend_for

ORG = {
    "domains": ["contoso.com"],
    "onprem_smart_hosts": ["mail.contoso.com"],
    "onprem_certificate_domain": "mail.contoso.com",
    "onprem_sending_ips": ["20.1.2.3"],
}

# Every scenario of both decision tables, as keyword arguments for `recommend_for()`.
SCENARIOS = [
    pytest.param({"onprem_server": E2010, "subscription": EOP}, id="2010-eop"),
    pytest.param(
        {"onprem_server": E2010, "subscription": EOP, "organization": ORG}, id="2010-eop-org"
    ),
    pytest.param({"onprem_server": E2010, "subscription": EXO}, id="2010-exo-no-hcw"),
    pytest.param(
        {"onprem_server": E2010, "subscription": EXO, "hybrid_completed": True},
        id="2010-exo-hcw-done",
    ),
    pytest.param({"onprem_server": E2007, "subscription": EOP}, id="2007-eop"),
    pytest.param({"onprem_server": E2007, "subscription": EXO, "organization": ORG}, id="2007-exo"),
    pytest.param({"onprem_server": NON_MS, "subscription": EOP}, id="non-ms-eop"),
    pytest.param(
        {
            "onprem_server": NON_MS,
            "subscription": EXO,
            "organization": {**ORG, "identify_by": "ip"},
        },
        id="non-ms-exo-by-ip",
    ),
    pytest.param({"onprem_server": NONE, "subscription": EXO}, id="cloud-only"),
    pytest.param(
        {"devices": {"send_mail": True, "smtp_auth_capable": True}}, id="devices-smtp-auth"
    ),
    pytest.param(
        {"devices": {"send_mail": True, "smtp_auth_capable": False, "external_recipients": False}},
        id="devices-direct-send",
    ),
    pytest.param(
        {"devices": {"send_mail": True, "smtp_auth_capable": False}}, id="devices-relay-no-ips"
    ),
    pytest.param(
        {
            "devices": {
                "send_mail": True,
                "smtp_auth_capable": False,
                "sending_ips": ["93.184.216.34"],
            }
        },
        id="devices-relay-with-ips",
    ),
    pytest.param(
        {
            "onprem_server": E2010,
            "subscription": EXO,
            "organization": ORG,
            "devices": {"send_mail": True, "sending_ips": ["93.184.216.34"]},
        },
        id="2010-exo-devices-via-onprem",
    ),
    pytest.param(
        {
            "partners": [
                bank_partner(),
                bank_partner(
                    name="O'Brien & Sons",
                    domains=["obrien.com", "*.obrien.net"],
                    certificate_domain="mail.obrien.com",
                    sender_ips=["93.184.215.0/24"],
                ),
            ]
        },
        id="two-partners-ip-and-certificate-split",
    ),
]


# PowerShell's single quotes, written out here so the tests don't share the code's own list.
SINGLE_QUOTES = "'\u2018\u2019\u201a\u201b"


def _splats(script: str) -> dict[str, dict[str, str]]:
    """Return each `$params = @{ ... }` block as {Name literal: {parameter: literal}}."""
    blocks = {}
    for body in re.findall(r"^\$params = @\{\n(.*?)\n\}$", script, flags=re.M | re.S):
        pairs = dict(
            line.strip().split(" = ", 1)
            for line in body.splitlines()
            if not line.strip().startswith("#")
        )
        blocks[pairs["Name"]] = pairs
    return blocks


def _lex_single_quoted(text: str, start: int) -> tuple[str, int]:
    """Read a PowerShell single-quoted string at `start`; return (value, index after it).

    Follows PowerShell's rule: any of the five single-quote characters opens and closes the
    string, and one followed by another is an escaped quote.
    """
    assert text[start] in SINGLE_QUOTES
    value, i = [], start + 1
    while i < len(text):
        if text[i] in SINGLE_QUOTES:
            if i + 1 < len(text) and text[i + 1] in SINGLE_QUOTES:
                value.append(text[i + 1])
                i += 2
                continue
            return "".join(value), i + 1
        value.append(text[i])
        i += 1
    raise AssertionError(f"Unterminated string in: {text}")


def _code_outside_strings(line: str) -> str:
    """Return a line with its string literals and trailing comment removed."""
    out, i = [], 0
    while i < len(line):
        ch = line[i]
        if ch in SINGLE_QUOTES:
            _, i = _lex_single_quoted(line, i)
            out.append("''")
            continue
        if ch == "#" and (i == 0 or line[i - 1].isspace()):
            break
        out.append(ch)
        i += 1
    return "".join(out)


def _code_lines(script: str):
    return [_code_outside_strings(line) for line in script.splitlines()]


# --- ps_quote ----------------------------------------------------------------------------------

INJECTIONS = [
    "'; Remove-Item C:\\ -Recurse; '",
    "\u2019; Remove-Item C:\\ -Recurse; \u2018",
    "\u201a; Remove-Item C:\\ -Recurse; \u201b",
    "$(Remove-Item C:\\ -Recurse)",
    "`'; Remove-Item C:\\ -Recurse; `'",
    '"; Remove-Item C:\\ -Recurse; "',
    "x'\nRemove-Item C:\\ -Recurse\n#",
]


@pytest.mark.parametrize("value", INJECTIONS)
def test_ps_quote_keeps_injection_attempts_inside_one_string(value):
    literal = ps_quote(value)
    _, end = _lex_single_quoted(literal, 0)
    assert end == len(literal)
    assert "\n" not in literal and "\r" not in literal


def test_ps_quote_doubles_every_single_quote_variant():
    assert ps_quote("a'b\u2018c\u2019d\u201ae\u201bf") == (
        "'a''b\u2018\u2018c\u2019\u2019d\u201a\u201ae\u201b\u201bf'"
    )


def test_ps_quote_leaves_dollar_and_backtick_literal_in_single_quotes():
    assert ps_quote("$(Get-Process)`n") == "'$(Get-Process)`n'"


def test_ps_quote_replaces_line_breaks_with_spaces():
    assert ps_quote("a\r\nb\u2028c") == "'a  b c'"


def test_ps_quote_writes_booleans_and_lists_as_powershell_literals():
    assert ps_quote(True) == "$true"
    assert ps_quote(False) == "$false"
    assert ps_quote(["a.com", "O'B"]) == "@('a.com', 'O''B')"
    assert ps_quote([]) == "@()"


@given(st.text())
def test_ps_quote_round_trips_any_text_as_one_line(value):
    literal = ps_quote(value)
    decoded, end = _lex_single_quoted(literal, 0)
    assert end == len(literal)
    assert decoded == "".join(
        " " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in value
    )
    assert len(literal.splitlines()) == 1


# --- Exchange Online script --------------------------------------------------------------------


@pytest.mark.parametrize("given_answers", SCENARIOS)
def test_exchange_online_script_creates_each_planned_connector_once(given_answers):
    result = recommend_for(**given_answers)
    script = result.powershell["exchange_online"]
    create = [c for c in result.connectors if c.action == "create"]
    for cmdlet in ("New-InboundConnector", "New-OutboundConnector"):
        expected = sum(c.cmdlet == cmdlet for c in create)
        assert len(re.findall(rf"^\s*{cmdlet} @params$", script, flags=re.M)) == expected


@pytest.mark.parametrize("given_answers", SCENARIOS)
def test_exchange_online_script_carries_every_planned_setting(given_answers):
    result = recommend_for(**given_answers)
    splats = _splats(result.powershell["exchange_online"])
    create = [c for c in result.connectors if c.action == "create"]
    assert len(splats) == len(create)
    for connector in create:
        block = splats[ps_quote(connector.settings["Name"])]
        for parameter, value in connector.settings.items():
            if value is None:
                assert block[parameter].startswith("$")
            else:
                assert block[parameter] == ps_quote(value)


@pytest.mark.parametrize("given_answers", SCENARIOS)
def test_exchange_online_script_validates_each_outbound_connector(given_answers):
    result = recommend_for(**given_answers)
    script = result.powershell["exchange_online"]
    outbound = [c for c in result.connectors if c.action == "create" and c.direction == "outbound"]
    lines = re.findall(
        r"^Validate-OutboundConnector -Identity (.+?) -Recipients \$\w+", script, re.M
    )
    assert lines == [ps_quote(c.settings["Name"]) for c in outbound]


def test_exchange_online_script_sets_connector_type_explicitly():
    script = recommend_for(onprem_server=NON_MS, subscription=EXO).powershell["exchange_online"]
    assert script.count("ConnectorType = 'OnPremises'") == 2


def test_on_premises_inbound_connector_carries_no_partner_only_parameters():
    # Restrict* take effect only on Partner connectors (reference §9.1), and the script must
    # create exactly the planned settings. Rules version 2: RequireTls $true goes with
    # certificate identification (F16), and a host-name certificate under an accepted domain
    # becomes *.<domain> (F5).
    result = recommend_for(onprem_server=E2010, subscription=EOP, organization=ORG)
    block = _splats(result.powershell["exchange_online"])["'Inbound from on-premises'"]
    assert block["TlsSenderCertificateName"] == "'*.contoso.com'"
    assert block["RequireTls"] == "$true"
    assert not {"RestrictDomainsToIPAddresses", "RestrictDomainsToCertificate"} & set(block)


def test_missing_smart_host_becomes_a_placeholder_that_throws():
    script = recommend_for(onprem_server=E2010, subscription=EOP).powershell["exchange_online"]
    assert "$OwnServersOutboundSmartHosts = '<FILL IN: " in script
    assert "SmartHosts = $OwnServersOutboundSmartHosts" in script
    guard = next(
        line
        for line in script.splitlines()
        if "throw 'Fill in $OwnServersOutboundSmartHosts" in line
    )
    assert "-like '<FILL IN*'" in guard


def test_placeholders_are_checked_before_any_connector_is_created():
    script = recommend_for(onprem_server=E2010, subscription=EOP).powershell["exchange_online"]
    last_guard = script.rindex("throw 'Fill in")
    assert last_guard < script.index("New-OutboundConnector @params")
    assert last_guard < script.index("New-InboundConnector @params")


def test_validation_recipient_is_a_placeholder_that_throws():
    script = recommend_for(partners=[bank_partner()]).powershell["exchange_online"]
    assert "$Partner1OutboundTestRecipient = '<FILL IN: " in script
    assert "throw 'Fill in $Partner1OutboundTestRecipient" in script


def test_validation_explains_how_to_record_the_result():
    script = recommend_for(partners=[bank_partner()]).powershell["exchange_online"]
    assert (
        "# If it passed: Set-OutboundConnector -Identity 'Contoso Bank outbound' "
        "-IsValidated $true -LastValidationTimestamp (Get-Date).ToUniversalTime()"
    ) in script


def test_hybrid_done_script_reviews_the_wizard_connectors_and_creates_none():
    script = recommend_for(onprem_server=E2010, subscription=EXO, hybrid_completed=True).powershell[
        "exchange_online"
    ]
    assert "Get-InboundConnector | Where-Object { $_.ConnectorSource -eq 'HybridWizard' }" in script
    assert (
        "Get-OutboundConnector | Where-Object { $_.ConnectorSource -eq 'HybridWizard' }" in script
    )
    assert "New-" not in script


def test_exchange_online_script_is_empty_when_nothing_is_planned():
    assert recommend_for().powershell["exchange_online"] == ""


def test_relay_connector_is_off_by_default_when_another_device_option_fits():
    script = recommend_for(
        devices={"send_mail": True, "smtp_auth_capable": True, "oauth_capable": True}
    ).powershell["exchange_online"]
    assert "$CreateDeviceRelayConnector = $false" in script
    assert "if ($CreateDeviceRelayConnector) {\n    New-InboundConnector @params\n}" in script
    assert "($CreateDeviceRelayConnector -and " in script


def test_relay_connector_is_created_when_smtp_relay_fits():
    script = recommend_for(
        devices={"send_mail": True, "smtp_auth_capable": False, "sending_ips": ["93.184.216.34"]}
    ).powershell["exchange_online"]
    assert "CreateDeviceRelayConnector" not in script
    assert "SenderIPAddresses = @('93.184.216.34')" in script
    assert re.search(r"^New-InboundConnector @params$", script, re.M)


# --- On-premises script ------------------------------------------------------------------------


def test_on_premises_script_is_none_without_an_on_premises_server():
    assert recommend_for(partners=[bank_partner()]).powershell["on_premises"] is None


@pytest.mark.parametrize("subscription", [EOP, EXO])
def test_exchange_send_connector_goes_to_the_tenant_mx_over_tls(subscription):
    script = recommend_for(
        onprem_server=E2010, subscription=subscription, organization=ORG
    ).powershell["on_premises"]
    assert "New-SendConnector @params" in script
    for line in (
        "    AddressSpaces = '*'",
        "    SmartHosts = $TenantMxHost",
        "    DNSRoutingEnabled = $false",
        "    RequireTLS = $true",
        "    TlsAuthLevel = 'CertificateValidation'",
        "    Fqdn = 'mail.contoso.com'",
        "    CloudServicesMailEnabled = $true",
    ):
        assert line in script


def test_tenant_mx_host_is_never_derived_from_the_domain():
    script = recommend_for(onprem_server=E2010, subscription=EOP, organization=ORG).powershell[
        "on_premises"
    ]
    assert "contoso-com" not in script
    assert "$TenantMxHost = '<FILL IN: " in script
    assert "Settings > Domains" in script
    assert "throw 'Fill in $TenantMxHost" in script


def test_cloud_services_mail_is_marked_exchange_2013_or_later():
    lines = (
        recommend_for(onprem_server=E2010, subscription=EOP).powershell["on_premises"].splitlines()
    )
    at = lines.index("    CloudServicesMailEnabled = $true")
    assert lines[at - 2].startswith(
        "    # Exchange 2013 or later only: remove this line on Exchange 2010."
    )


def test_wildcard_certificate_leaves_the_fqdn_to_fill_in():
    org = {**ORG, "onprem_certificate_domain": "*.contoso.com"}
    script = recommend_for(onprem_server=E2010, subscription=EOP, organization=org).powershell[
        "on_premises"
    ]
    assert "Fqdn = $CertificateHostName" in script
    assert "*.contoso.com" not in script


def test_exchange_receive_connector_presents_the_certificate_in_issuer_subject_form():
    script = recommend_for(onprem_server=E2010, subscription=EOP).powershell["on_premises"]
    assert (
        "Set-ReceiveConnector -Identity ('{0}\\Default Frontend {0}' -f $ExchangeServer) "
        "-TlsCertificateName $TlsCertificateName"
    ) in script
    assert "<I>issuer<S>subject" in script
    assert "Get-ExchangeCertificate" in script


def test_exchange_2007_script_uses_only_parameters_2007_has():
    script = recommend_for(onprem_server=E2007, subscription=EXO, organization=ORG).powershell[
        "on_premises"
    ]
    code = "\n".join(_code_lines(script))
    assert "New-SendConnector @params" in script
    assert "TlsAuthLevel" not in code
    assert "CloudServicesMailEnabled" not in code
    assert "TlsCertificateName" not in code
    assert "Enable-ExchangeCertificate -Thumbprint $CertificateThumbprint -Services SMTP" in script
    # Rules version 2 (F2): the header says plainly that Exchange Online refuses its mail.
    assert "BLOCKER: Exchange Online refuses mail from Exchange 2007" in script


def test_hybrid_done_on_premises_script_reviews_and_creates_nothing():
    script = recommend_for(onprem_server=E2010, subscription=EXO, hybrid_completed=True).powershell[
        "on_premises"
    ]
    assert "Get-HybridConfiguration" in script
    assert "Get-SendConnector" in script
    assert "New-" not in script
    assert "rerun the Hybrid Configuration Wizard" in script


@pytest.mark.parametrize("subscription", [EOP, EXO])
def test_non_microsoft_server_gets_steps_in_words_as_comments(subscription):
    script = recommend_for(
        onprem_server=NON_MS, subscription=subscription, organization=ORG
    ).powershell["on_premises"]
    assert all(line.startswith("#") for line in script.splitlines())
    assert "smart host" in script
    assert "Settings > Domains" in script
    assert "mail.contoso.com" in script


def test_devices_relaying_through_exchange_get_a_restricted_relay_connector():
    script = recommend_for(
        onprem_server=E2010,
        subscription=EOP,
        devices={"send_mail": True, "sending_ips": ["93.184.216.34"]},
    ).powershell["on_premises"]
    assert (
        "New-ReceiveConnector -Name 'Relay for devices' -TransportRole FrontendTransport -Custom "
        "-Bindings 0.0.0.0:25 -RemoteIPRanges @('93.184.216.34')"
    ) in script
    assert "-ExtendedRights 'Ms-Exch-SMTP-Accept-Any-Recipient'" in script


def test_relay_connector_addresses_are_a_placeholder_when_unknown():
    script = recommend_for(
        onprem_server=E2007, subscription=EOP, devices={"send_mail": True}
    ).powershell["on_premises"]
    assert "-RemoteIPRanges $DeviceAddresses" in script
    assert "($CreateDeviceRelayConnector -and " in script
    assert "-TransportRole" not in "\n".join(_code_lines(script))


def test_no_relay_connector_without_devices():
    script = recommend_for(onprem_server=E2010, subscription=EOP).powershell["on_premises"]
    assert "New-ReceiveConnector" not in script


# --- Injection through answers ------------------------------------------------------------------

HOSTILE_NAMES = [
    "O'Brien & Sons",
    "Evil\u2019; Remove-Item C:\\ -Recurse; \u2018",
    "Evil\u201a; Remove-Item C:\\ -Recurse; \u201b",
    "$(Remove-Item C:\\ -Recurse)",
    "Evil`'; Remove-Item C:\\ -Recurse #",
]


def test_partner_name_apostrophe_is_doubled_in_the_script():
    script = recommend_for(partners=[bank_partner(name="O'Brien & Sons")]).powershell[
        "exchange_online"
    ]
    assert "    Name = 'O''Brien & Sons inbound'" in script
    assert "Validate-OutboundConnector -Identity 'O''Brien & Sons outbound'" in script


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_partner_name_never_reaches_code(name):
    result = recommend_for(
        partners=[
            bank_partner(
                name=name, certificate_domain="mail.contosobank.com", sender_ips=["93.184.215.0/24"]
            )
        ]
    )
    code = _code_lines(result.powershell["exchange_online"])
    assert not any("Remove-Item" in line for line in code)
    assert not any('"' in line for line in code)


@pytest.mark.parametrize("given_answers", SCENARIOS)
def test_every_script_line_closes_its_strings_and_interpolates_nothing(given_answers):
    result = recommend_for(**given_answers)
    for script in result.powershell.values():
        for line in _code_lines(script or ""):
            assert '"' not in line


def test_non_microsoft_server_identified_by_ip_is_told_to_send_from_those_addresses():
    org = {**ORG, "identify_by": "ip"}
    script = recommend_for(onprem_server=NON_MS, subscription=EXO, organization=org).powershell[
        "on_premises"
    ]
    assert "Send to Microsoft 365 from 20.1.2.3" in script
