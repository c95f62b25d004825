"""The mail flow diagram: its layout model, its sentences, its SVG, and where it is shown."""

import copy
import io
import xml.etree.ElementTree as ET

import pytest
from django.template.loader import render_to_string
from pypdf import PdfReader

from planner.diagram import EDGE_CHARS, mail_flow, wrap
from planner.exports.pdf import render_plan_pdf
from tests.factories import (
    CLOUD_ONLY,
    SHARE_URL,
    TYPICAL_ANSWERS,
    answers_data,
    make_document,
    make_plan,
    partner,
)

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "<script>alert(1)</script> \"&'"


def diagram_for(answers):
    document = make_document(copy.deepcopy(answers))
    return mail_flow(document["answers"], document["recommendation"])


def partners(count, **overrides):
    return [partner(f"Partner {i}", (f"p{i}.example.com",), **overrides) for i in range(count)]


def arrows(diagram):
    return [(e.kind, e.source, e.target, e.style, e.reviewed) for e in diagram.edges]


def svg_of(diagram):
    html = render_to_string("planner/_mail_flow.svg.html", {"diagram": diagram})
    return ET.fromstring(html.strip())


# --- the model -------------------------------------------------------------------------------


def test_cloud_only_has_no_connectors_just_mx_to_microsoft_365():
    diagram = diagram_for(CLOUD_ONLY)
    assert [node.kind for node in diagram.nodes] == ["internet", "cloud"]
    assert arrows(diagram) == [("mx", "internet", "m365", "solid", False)]
    assert diagram.describe() == [
        "Internet mail comes in by the MX record to Microsoft 365 (inferred from the answers)."
    ]
    assert diagram.legend == []


def test_own_servers_with_manual_connectors_get_one_solid_arrow_each_way():
    diagram = diagram_for(answers_data(devices={}, partners=[]))
    connectors = [(e.source, e.target, e.direction, e.style) for e in diagram.connectors]
    assert connectors == [
        ("m365", "servers", "outbound", "solid"),
        ("servers", "m365", "inbound", "solid"),
    ]
    sentences = diagram.describe()
    assert sentences[1] == (
        "Outbound connector 'Outbound to on-premises' (required, create): "
        "Microsoft 365 → Your Exchange servers."
    )
    # Exchange Online beside own servers: where MX points is not known, and said so.
    assert diagram.mx_target is None
    assert sentences[0].startswith("MX (not stated)")
    assert diagram.node("internet").sublabel == "MX (not stated)"


def test_hybrid_connectors_are_marked_for_review_not_creation():
    diagram = diagram_for(answers_data(hybrid_completed=True, devices={}, partners=[]))
    assert all(edge.reviewed and edge.badge == "review" for edge in diagram.connectors)
    assert [item.key for item in diagram.legend] == ["required", "review"]
    assert (
        "Outbound connector made by the Hybrid Configuration Wizard (required, review the "
        in (diagram.describe()[1])
    )


def test_devices_without_own_servers_get_a_dashed_optional_relay_connector():
    answers = {
        **CLOUD_ONLY,
        "devices": {"send_mail": True, "external_recipients": True, "smtp_auth_capable": False},
    }
    diagram = diagram_for(answers)
    assert ("connector", "devices", "m365", "dashed", False) in arrows(diagram)
    edge = diagram.connectors[0]
    assert edge.badge == "optional"
    assert (
        "(optional, create): Printers, scanners and apps → Microsoft 365."
        in (diagram.describe()[1])
    )


def test_devices_beside_own_servers_relay_through_them_without_a_connector():
    diagram = diagram_for(answers_data(partners=[]))
    relay = next(edge for edge in diagram.edges if edge.kind == "relay")
    assert (relay.source, relay.target) == ("devices", "servers")
    # Vertical, from the devices' box up to the servers' box right above it.
    servers, devices = diagram.node("servers"), diagram.node("devices")
    assert relay.x1 == relay.x2 and relay.y1 == devices.y and relay.y2 > servers.y + servers.h
    assert "Relay, no connector:" in diagram.describe()[-1]


@pytest.mark.parametrize("count", [0, 1, 10])
def test_partners_stack_in_a_column_and_no_two_labels_overlap(count):
    diagram = diagram_for({**CLOUD_ONLY, "partners": partners(count)})
    boxes = diagram.boxes
    assert len(boxes) == 1 + count
    for upper, lower in zip(boxes, boxes[1:], strict=False):
        assert lower.y >= upper.y + upper.h + 10  # stacked, with a gap
    # Each horizontal arrow has its own row: label lines and arrow never share a height.
    rows = sorted(
        (min(edge.label_ys) - 12, edge.y1 + 7)
        for edge in diagram.edges
        if edge.y1 == edge.y2  # horizontal
    )
    for (_, bottom), (top, _) in zip(rows, rows[1:], strict=False):
        assert top >= bottom
    for edge in diagram.edges:
        assert len(edge.lines) <= 2 and all(len(line) <= EDGE_CHARS for line in edge.lines)
    assert diagram.hub.y + diagram.hub.h <= diagram.height
    assert len(diagram.connectors) == 2 * count
    assert len(diagram.describe()) == 1 + 2 * count


def test_the_drawing_grows_taller_with_partners_not_wider():
    heights = [diagram_for({**CLOUD_ONLY, "partners": partners(n)}).height for n in (0, 1, 10)]
    assert heights == sorted(heights) and heights[0] < heights[2]
    assert {diagram_for({**CLOUD_ONLY, "partners": partners(10)}).width} == {400}


def test_long_partner_names_are_cut_with_an_ellipsis_and_kept_whole_for_the_title():
    name = "Northwind Traders International Holdings Europe"
    diagram = diagram_for({**CLOUD_ONLY, "partners": [partner(name)]})
    node = diagram.boxes[1]
    assert node.label == name and node.truncated and node.lines[-1].endswith("…")
    root = svg_of(diagram)
    titles = [element.text for element in root.iter(f"{SVG}title")]
    assert any(title and title.startswith(f"{name} (partner") for title in titles)
    assert any(title and f"{name} outbound" in title for title in titles)


def test_a_third_party_filter_takes_the_mx_and_hands_mail_to_microsoft_365():
    service = partner("Filterco", ("*",), direction="inbound", sender_ips=["52.1.1.0/24"])
    diagram = diagram_for({**CLOUD_ONLY, "partners": [service, partner("Fabrikam")]})
    filter_node = diagram.boxes[1]
    assert filter_node.kind == "filter" and filter_node.label == "Filterco"
    assert diagram.mx_target == "third-party-service"
    mx = diagram.edges[0]
    assert (mx.kind, mx.source, mx.target) == ("mx", "internet", filter_node.id)
    assert mx.x1 == mx.x2  # a short vertical arrow down to the box under the internet
    assert diagram.describe()[0] == (
        "Internet mail comes in by the MX record to Partner Filterco (inferred from the answers)."
    )
    assert ("connector", filter_node.id, "m365", "dashed", False) in arrows(diagram)


@pytest.mark.parametrize(
    ("stated", "target", "sentence"),
    [
        ("microsoft-365", "m365", "Internet mail comes in by the MX record to Microsoft 365."),
        (
            "on-premises",
            "servers",
            "Internet mail comes in by the MX record to Your Exchange servers.",
        ),
        (
            "third-party-service",
            "filter",
            "Internet mail comes in by the MX record to A filtering service.",
        ),
    ],
)
def test_a_stated_mx_answer_wins(stated, target, sentence):
    document = make_document(answers_data(partners=[]))
    answers = {**document["answers"], "mx_points_to": stated}
    diagram = mail_flow(answers, document["recommendation"])
    assert diagram.mx_target == stated and diagram.mx_source == "stated"
    assert diagram.edges[0].target == target
    assert diagram.describe()[0] == sentence
    if target != "m365":
        assert diagram.boxes[1].id == target  # right under the internet


def test_standalone_eop_points_mx_to_microsoft_365():
    diagram = diagram_for(
        answers_data(subscription="exchange-online-protection", hybrid_completed=None, partners=[])
    )
    assert (diagram.mx_target, diagram.mx_source) == ("microsoft-365", "inferred")


@pytest.mark.parametrize(
    ("answers", "recommendation"),
    [
        (None, None),
        ({}, {}),
        ({"onprem_server": "none"}, {"connectors": []}),
        (
            {"partners": [{"name": "Old Partner", "domains": ["old.example"]}]},
            {
                "connectors": [
                    # An old stored shape: no partner, settings, cmdlet or required keys.
                    {"id": "partner-1-inbound", "from": "partner-organization", "to": "office-365"},
                    {"title": "Mystery", "from": "your-organization-email-server"},
                ]
            },
        ),
    ],
)
def test_any_stored_plan_draws_even_with_keys_missing(answers, recommendation):
    diagram = mail_flow(answers, recommendation)
    assert diagram.height > 0 and diagram.describe()
    ET.fromstring(render_to_string("planner/_mail_flow.svg.html", {"diagram": diagram}).strip())


def test_old_partner_connectors_find_their_partner_by_number():
    diagram = mail_flow(
        {"partners": [{"name": "Old Partner", "domains": ["old.example"]}]},
        {"connectors": [{"id": "partner-1-inbound", "from": "partner-organization"}]},
    )
    assert diagram.connectors[0].source == "partner-1"
    assert [box.label for box in diagram.boxes] == ["The internet", "Old Partner"]


def test_wrap_cuts_with_an_ellipsis_and_breaks_long_words():
    assert wrap("Contoso Bank inbound (certificate)", 21, 2) == [
        "Contoso Bank inbound",
        "(certificate)",
    ]
    assert wrap("a " * 40, 10, 2)[-1].endswith("…")
    assert all(len(line) <= 10 for line in wrap("x" * 35, 10, 5))


# --- the SVG ---------------------------------------------------------------------------------


def test_svg_is_well_formed_with_role_title_and_desc():
    diagram = diagram_for(TYPICAL_ANSWERS)
    root = svg_of(diagram)
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert root.get("aria-labelledby") == title.get("id")
    assert root.get("aria-describedby") == desc.get("id")
    assert desc.text == " ".join(diagram.describe())
    # One arrowhead per arrow, and every arrow's line is there.
    edge_groups = [g for g in root.iter(f"{SVG}g") if "mf-edge " in g.get("class")]
    assert len(edge_groups) == len(diagram.edges)
    assert all(len(g.findall(f"{SVG}polygon")) == 1 for g in edge_groups)
    dashed = root.findall(f".//{SVG}line[@stroke-dasharray='6 4']")
    optional = [edge for edge in diagram.connectors if not edge.required]
    assert len(dashed) == len(optional) + 1  # plus the legend's sample


def test_every_label_is_escaped():
    answers = {
        **CLOUD_ONLY,
        "partners": [partner(HOSTILE, ("evil.example.com",)), partner("\"&'<b>", ("b.example",))],
    }
    diagram = diagram_for(answers)
    html = render_to_string("planner/_mail_flow.svg.html", {"diagram": diagram})
    assert "<script" not in html and "<b>" not in html
    root = ET.fromstring(html.strip())
    assert not root.findall(f".//{SVG}script")
    texts = " ".join(element.text or "" for element in root.iter())
    assert HOSTILE in texts  # the whole name, unharmed, in a <title>
    section = render_to_string("planner/_mail_flow.html", {"diagram": diagram})
    assert "<script" not in section and "&lt;script&gt;" in section


# --- where it is shown ---------------------------------------------------------------------


@pytest.mark.django_db
def test_plan_page_shows_the_diagram_and_its_words(client):
    saved = make_plan()
    html = client.get(f"/p/{saved.share_token}/").content.decode()
    assert '<svg class="mail-flow"' in html
    assert '<title id="mail-flow-title">' in html and '<desc id="mail-flow-desc">' in html
    assert "The diagram in words" in html
    diagram = mail_flow(saved.plan.answers, saved.plan.recommendation)
    for sentence in diagram.describe():
        assert f"<li>{sentence.replace(chr(39), '&#x27;')}</li>" in html


@pytest.mark.django_db
def test_edit_page_shows_the_diagram_too(client):
    saved = make_plan()
    assert '<svg class="mail-flow"' in client.get(f"/e/{saved.edit_token}/").content.decode()


def test_pdf_shows_the_diagram_and_its_words():
    document = make_document()
    pdf = render_plan_pdf(document, share_url=SHARE_URL)
    reader = PdfReader(io.BytesIO(pdf))
    first = " ".join(reader.pages[0].extract_text().split())
    assert "Mail flow" in first
    # Text drawn inside the SVG (box and arrow labels) and the sentences under it.
    assert "Microsoft" in first and "Contoso Bank" in first and "optional" in first
    diagram = mail_flow(document["answers"], document["recommendation"])
    assert diagram.describe()[1] in first


def test_more_than_ten_partners_fold_into_one_box_with_one_arrow_per_direction():
    from planner.engine import recommend
    from planner.engine.validation import parse_answers

    answers = {
        "onprem_server": "none",
        "subscription": "exchange-online",
        "mx_points_to": "microsoft-365",
        "partners": [
            {
                "name": f"Partner {n:02d}",
                "domains": [f"p{n}.example.com"],
                "direction": "both",
                "require_tls": True,
                "mx_certificate_domain": f"mx.p{n}.example.com",
            }
            for n in range(1, 26)
        ],
    }
    recommendation = recommend(parse_answers(answers)).to_dict()
    diagram = mail_flow(answers, recommendation)
    partner_boxes = [node for node in diagram.nodes if node.kind == "partner"]
    assert len(partner_boxes) == 11
    assert partner_boxes[-1].label == "15 more partners"
    folded = [edge for edge in diagram.edges if edge.id.startswith("connectors-more-")]
    assert sorted(edge.direction for edge in folded) == ["inbound", "outbound"]
    assert any("15 more partners" in sentence for sentence in diagram.describe())
