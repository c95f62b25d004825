import pytest

from wizard.steps import Where, field_for_path

CASES = [
    ("answers.onprem_server", Where("server", "onprem_server")),
    ("answers.subscription", Where("subscription", "subscription")),
    ("answers.hybrid_completed", Where("hybrid", "hybrid_completed")),
    ("answers.organization.domains.1", Where("organization", "domains")),
    ("answers.devices.sending_ips.0", Where("devices", "sending_ips")),
    ("answers.partners", Where("partner", None)),
    ("answers.partners.1.domains.0", Where("partner", "domains", 1)),
    ("answers.partners.0", Where("partner", None, 0)),
    ("answers.onprem_up_to_date", Where("updates", "onprem_up_to_date")),
    ("answers.hybrid_configuration", Where("configuration", "hybrid_configuration")),
    ("answers.mx_points_to", Where("mx", "mx_points_to")),
    ("answers.devices.oauth_capable", Where("oauth", "oauth_capable")),
    ("answers.partners.2.mx_certificate_domain", Where("partner", "mx_certificate_domain", 2)),
    ("answers.surprise", None),
]


@pytest.mark.parametrize(("path", "expected"), CASES, ids=[case[0] for case in CASES])
def test_error_path_maps_to_the_step_that_asks_it(path, expected):
    assert field_for_path(path) == expected
