"""Walk the wizard with the test client: post `<step>-<field>` keys plus `<prefix>-current_step`."""

import re

CLOUD_ONLY = [
    ("server", {"onprem_server": "none"}),
    ("subscription", {"subscription": "exchange-online"}),
    ("mx", {"mx_points_to": "microsoft-365"}),
    ("devices", {"send_mail": "no"}),
    ("partners", {"partners": "no"}),
]
# An Exchange server of 2010 or later (2016 here: supported, no blocker) with Exchange Online.
EXCHANGE_2010 = [
    ("server", {"onprem_server": "exchange-2016"}),
    ("updates", {"onprem_up_to_date": "yes"}),
    ("subscription", {"subscription": "exchange-online"}),
    ("hybrid", {"hybrid_completed": "no"}),
    ("organization", {"domains": "contoso.com", "identify_by": "unknown"}),
    ("mx", {"mx_points_to": "on-premises"}),
    ("devices", {"send_mail": "no"}),
    ("partners", {"partners": "no"}),
]


def partner_fields(*partners):
    """Return the partner step's formset fields (without the `partner-` prefix)."""
    data = {"TOTAL_FORMS": str(len(partners)), "INITIAL_FORMS": "0"}
    for index, partner in enumerate(partners):
        row = {"direction": "both", "require_tls": "on", **partner}
        for key, value in row.items():
            if value is not None:
                data[f"{index}-{key}"] = value
    return data


class WizardWalk:
    """One wizard run in the test client's session."""

    def __init__(self, client, start="/wizard/"):
        self.client = client
        response = client.get(start)
        assert response.status_code == 302, response
        self.run = response["Location"].split("/")[2]

    @property
    def prefix(self):
        return f"plan_wizard_{self.run}"

    def url(self, step, query=""):
        return f"/wizard/{self.run}/{step}/{query}"

    def get(self, step, query=""):
        return self.client.get(self.url(step, query))

    def post(self, step, fields=None, *, query="", extra=None):
        data = {f"{self.prefix}-current_step": step}
        data.update({f"{step}-{key}": value for key, value in (fields or {}).items()})
        data.update(extra or {})
        return self.client.post(self.url(step, query), data)

    def answer(self, steps):
        """Post each (step, fields) in turn, asserting each one is accepted; return the last response."""
        response = None
        for step, fields in steps:
            response = self.post(step, fields)
            assert response.status_code == 302, (
                f"step {step} was refused:\n{response.content.decode()[:3000]}"
            )
        return response

    def stored(self, step):
        return self.storage()["step_data"].get(step)

    def storage(self):
        """Return the run's formtools storage, found through the session's list of runs."""
        session = self.client.session
        return session[session["wizard_runs"][self.run]]


def is_checked(html: str, value: str, name: str = "") -> bool:
    """Return whether the page's radio or checkbox with this value (and name) is checked."""
    for tag in re.findall(r"<input[^>]*>", html):
        if (
            (not value or f'value="{value}"' in tag)
            and f'name="{name}' in tag
            and re.search(r"\schecked\b", tag)
        ):
            return True
    return False
