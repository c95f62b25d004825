"""Review H4: a private address is refused, with the same words, wherever Microsoft 365 needs
the public one; the examples the forms and the API schema give never trip the plan's warnings."""

import re

import pytest

from planner.api.schema import answers_schema
from planner.engine import AnswersError, parse_answers, recommend
from planner.engine.validation import clean_onprem_sending_ip
from tests.factories import CLOUD_ONLY, CONTOSO, answers_data
from tests.planner.api.test_views import errors_of, post

PRIVATE = "10.1.2.3"
MESSAGE = (
    f"{PRIVATE} is not a public address. Exchange Online sees your public (NAT) address: "
    "enter that one."
)


def organization(**fields):
    return {**CONTOSO["organization"], "onprem_certificate_domain": None, **fields}


def engine_errors(data) -> dict:
    with pytest.raises(AnswersError) as caught:
        parse_answers(data)
    return caught.value.errors


def test_onprem_private_ip_is_refused_when_identifying_by_ip():
    data = answers_data(organization=organization(onprem_sending_ips=[PRIVATE], identify_by="ip"))
    assert engine_errors(data) == {"answers.organization.onprem_sending_ips.0": [MESSAGE]}


def test_onprem_private_ip_is_refused_when_no_certificate_makes_it_by_ip():
    data = answers_data(organization=organization(onprem_sending_ips=[PRIVATE]))
    assert list(engine_errors(data)) == ["answers.organization.onprem_sending_ips.0"]


def test_onprem_private_ip_is_kept_when_identifying_by_certificate():
    data = answers_data(
        organization=organization(
            onprem_sending_ips=[PRIVATE],
            identify_by="certificate",
            onprem_certificate_domain="mail.contoso.com",
        )
    )
    assert parse_answers(data).organization.onprem_sending_ips == (PRIVATE,)


def test_device_without_a_server_gets_the_same_words():
    data = answers_data(
        CLOUD_ONLY,
        devices={"send_mail": True, "external_recipients": True, "sending_ips": [PRIVATE]},
    )
    assert engine_errors(data) == {"answers.devices.sending_ips.0": [MESSAGE]}


def test_device_behind_an_onprem_server_may_be_private_rules_v2():
    data = answers_data(
        devices={"send_mail": True, "external_recipients": True, "sending_ips": [PRIVATE]}
    )
    assert parse_answers(data).devices.sending_ips == (PRIVATE,)


@pytest.mark.django_db
def test_the_api_says_the_same_words(client):
    body = answers_data(organization=organization(onprem_sending_ips=[PRIVATE], identify_by="ip"))
    response = post(client, "/api/evaluate", {"answers": body})
    assert response.status_code == 400
    assert errors_of(response) == {"answers.organization.onprem_sending_ips.0": [MESSAGE]}


def _example_addresses() -> set[str]:
    from wizard import forms as wizard_forms

    texts = []
    for form in vars(wizard_forms).values():
        for field in getattr(form, "base_fields", {}).values():
            texts.append(str(field.help_text or ""))
    texts.append(repr(answers_schema()))
    found = set()
    for text in texts:
        found.update(re.findall(r"\b\d{1,3}(?:\.\d{1,3}){3}(?:/\d{1,2})?\b", text))
    return found


def test_hint_examples_are_accepted_and_trip_no_warning():
    examples = _example_addresses()
    assert examples, "no example addresses found in the hints"
    for example in sorted(examples):
        try:
            clean_onprem_sending_ip(example, identify_by="ip")
        except Exception:
            # Some hints show a private address on purpose (a device behind your server).
            assert re.match(r"^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)", example), example
            continue
        data = answers_data(
            organization=organization(onprem_sending_ips=[example], identify_by="ip")
        )
        text = str(recommend(parse_answers(data)).to_dict())
        assert "not public" not in text, example
