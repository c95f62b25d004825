"""Page weight budget (issue 7): what a first visit to a wizard step downloads, compressed.

The HTML plus every same-origin stylesheet and script it links, each gzipped at level 6 (what
WhiteNoise serves pre-compressed), must stay within 40 KB; nothing may come from another origin;
static files get hashed names and a cache lifetime of years once collected.
"""

import gzip
import re
from html.parser import HTMLParser

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client

from tests.wizard.walk import WizardWalk

pytestmark = pytest.mark.django_db

BUDGET_BYTES = 40 * 1024
ASSET_ATTRIBUTES = {"script": "src", "link": "href", "img": "src", "source": "src"}
STEPS = ("server", "subscription", "devices", "partners")


class Assets(HTMLParser):
    """Collect the URLs a page makes the browser fetch: stylesheets, scripts, images, fonts."""

    def __init__(self):
        super().__init__()
        self.stylesheets, self.scripts, self.others = [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and "stylesheet" in (attrs.get("rel") or "").split():
            self.stylesheets.append(attrs["href"])
        elif tag == "link" and attrs.get("href"):
            self.others.append(attrs["href"])
        elif tag == "script" and attrs.get("src"):
            self.scripts.append(attrs["src"])
        elif tag in ASSET_ATTRIBUTES and attrs.get(ASSET_ATTRIBUTES[tag]):
            self.others.append(attrs[ASSET_ATTRIBUTES[tag]])

    @property
    def all(self):
        return self.stylesheets + self.scripts + self.others


def parse(html: str) -> Assets:
    parser = Assets()
    parser.feed(html)
    return parser


def static_bytes(url: str) -> bytes:
    assert url.startswith("/static/"), f"{url} is not one of our static files"
    path = finders.find(url.removeprefix("/static/"))
    assert path, f"{url} is linked but not found in the static files"
    with open(path, "rb") as file:
        return file.read()


def gzipped_size(content: bytes) -> int:
    return len(gzip.compress(content, compresslevel=6))


@pytest.mark.parametrize("step", STEPS)
def test_first_load_of_a_wizard_step_is_within_40_kb_compressed(client, step):
    walk = WizardWalk(client)
    answers = {
        "subscription": [("server", {"onprem_server": "none"})],
        "devices": [
            ("server", {"onprem_server": "none"}),
            ("subscription", {"subscription": "exchange-online"}),
            ("mx", {"mx_points_to": "microsoft-365"}),
        ],
        "partners": [
            ("server", {"onprem_server": "none"}),
            ("subscription", {"subscription": "exchange-online"}),
            ("mx", {"mx_points_to": "microsoft-365"}),
            ("devices", {"send_mail": "no"}),
        ],
    }.get(step, [])
    walk.answer(answers)
    response = walk.get(step)
    assert response.status_code == 200
    html = response.content
    assets = parse(html.decode())
    sizes = {"page": gzipped_size(html)}
    for url in assets.stylesheets + assets.scripts:
        sizes[url] = gzipped_size(static_bytes(url))
    assert sum(sizes.values()) <= BUDGET_BYTES, sizes


def test_wizard_step_loads_nothing_from_other_origins(client):
    html = WizardWalk(client).get("server").content.decode()
    assets = parse(html)
    assert assets.stylesheets and assets.scripts
    assert [url for url in assets.all if re.match(r"^(https?:)?//", url)] == []
    for url in assets.stylesheets:
        css = static_bytes(url).decode()
        # Fonts, images and imports inside our CSS: data: URIs or our own paths only.
        external = re.findall(r"""(?:url\(\s*['"]?|@import\s+['"])((?:https?:)?//[^'")\s]+)""", css)
        assert external == [], url


@pytest.fixture
def collected_static(settings, tmp_path):
    """Collect static files as production does (hashed names, gzip), into a temporary root."""
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    return Client()  # a new handler, so WhiteNoise indexes the new STATIC_ROOT


def test_static_files_have_hashed_names_long_cache_and_gzip(collected_static):
    client = collected_static
    html = WizardWalk(client).get("server").content.decode()
    assets = parse(html)
    for url in assets.stylesheets + assets.scripts:
        assert re.search(r"\.[0-9a-f]{12}\.(css|js)$", url), f"{url} has no content hash"
        response = client.get(url, headers={"accept-encoding": "gzip"})
        assert response.status_code == 200, url
        assert response["Content-Encoding"] == "gzip", url
        cache_control = response["Cache-Control"]
        assert "immutable" in cache_control, url
        max_age = int(re.search(r"max-age=(\d+)", cache_control)[1])
        assert max_age >= 365 * 86400, url
