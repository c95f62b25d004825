"""The Nu HTML Checker (vnu) finds no errors on any page or error state (issue 14, review L7).

vnu needs Java and the vnu-jar npm package: `make vnu` (or .ci/run) installs it into .vnu/.
Without them this test is skipped, saying so; CI installs both, so there it always runs.
All documents go to one vnu run: the JVM starts once.
"""

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from planner import services
from tests.factories import CLOUD_ONLY, answers_data, make_answers, make_plan
from tests.planner.test_old_rules import make_old_plan
from tests.wizard.walk import EXCHANGE_2010, WizardWalk, partner_fields

ROOT = Path(__file__).resolve().parents[1]
VNU_JAR = ROOT / ".vnu" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

pytestmark = pytest.mark.django_db


def _vnu_or_skip():
    if shutil.which("java") is None:
        pytest.skip("java is not installed (apt-get install default-jre-headless): vnu can't run")
    if not VNU_JAR.exists():
        pytest.skip(f"vnu.jar is missing at {VNU_JAR}: run `npm install --prefix .vnu vnu-jar`")


def _pages(client) -> dict[str, tuple[int, str]]:
    """Return {name: (status, html)} for every page and error state worth checking."""
    pages = {}

    def get(name, url, status=200, **kwargs):
        response = client.get(url, **kwargs)
        assert response.status_code == status, (name, response.status_code)
        pages[name] = response.content.decode()

    def post(name, url, data, status):
        response = client.post(url, data)
        assert response.status_code == status, (name, response.status_code)
        pages[name] = response.content.decode()

    get("home", "/")
    get("404", "/p/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/", 404)

    saved = make_plan()
    services.update_plan(
        saved.plan, name="Contoso, revised", answers=make_answers(), expected_revision=1
    )
    share, edit = saved.share_token, saved.edit_token
    get("share", f"/p/{share}/")
    get("edit", f"/e/{edit}/")
    get("edit, just saved", f"/e/{edit}/?saved=1", follow=True)
    get("link settings", f"/e/{edit}/links/")
    post("link settings, past date", f"/e/{edit}/share-expiry", {"expires_on": "2020-01-01"}, 400)
    get("revision", f"/p/{share}/revisions/1/")
    get("compare", f"/p/{share}/compare/?from=1&to=2")
    get("compare, same revision", f"/e/{edit}/compare/?from=2&to=2", 400)

    cloud = make_plan(answers=make_answers(answers_data(CLOUD_ONLY)))
    get("share, cloud only", f"/p/{cloud.share_token}/")
    hcw = make_plan(answers=make_answers(hybrid_completed=True))
    get("share, HCW made the connectors", f"/p/{hcw.share_token}/")
    old = make_old_plan()
    get("edit, older rules", f"/e/{old.edit_token}/")

    expired = make_plan()
    services.set_share_expiry(expired.plan, expires_on=dt.date(2020, 1, 1))
    get("410", f"/p/{expired.share_token}/", 410)

    walk = WizardWalk(client)
    for step, fields in EXCHANGE_2010:
        post(
            f"wizard {step}, nothing chosen",
            walk.url(step),
            {f"{walk.prefix}-current_step": step},
            200,
        )
        pages[f"wizard {step}"] = walk.get(step).content.decode()
        walk.answer([(step, fields)])
    pages["wizard check"] = walk.get("check").content.decode()

    partners = WizardWalk(client)
    partners.answer([*EXCHANGE_2010[:-1], ("partners", {"partners": "yes"})])
    pages["wizard partner"] = partners.get("partner").content.decode()
    empty = {f"{partners.prefix}-current_step": "partner"}
    empty.update({f"partner-{k}": v for k, v in partner_fields({"name": ""}).items()})
    post("wizard partner, empty row", partners.url("partner"), empty, 200)
    return pages


def _key(path_or_url) -> str:
    """vnu reports file:/tmp/x.html; compare paths without the scheme and slashes."""
    return str(path_or_url).removeprefix("file:").lstrip("/")


def test_every_page_is_valid_html(client, tmp_path):
    _vnu_or_skip()
    pages = _pages(client)
    # A canary the checker must flag (the `pre` ARIA misuse of review L7): proof vnu really ran.
    canary = tmp_path / "canary.html"
    canary.write_text('<!doctype html><html lang="en"><title>x</title><pre aria-label="x">y</pre>')
    files = {_key(canary): "canary"}
    for index, (name, html) in enumerate(pages.items()):
        path = tmp_path / f"page-{index}.html"
        path.write_text(html, encoding="utf-8")
        files[_key(path)] = name
    result = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", str(canary)]
        + [str(tmp_path / f"page-{index}.html") for index in range(len(pages))],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    for message in messages:
        message["page"] = files.get(_key(message.get("url", "")), message.get("url"))
    assert any(m["page"] == "canary" for m in messages), "vnu flagged no canary"
    problems = [
        f"{m['page']}: line {m.get('lastLine')}: {m['message']}"
        for m in messages
        if m["page"] != "canary"
    ]
    assert not problems, "\n".join(problems)
    assert len(files) >= 25
