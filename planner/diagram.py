"""A picture of a plan's mail flow: a layout model that a template draws as SVG.

`mail_flow(answers, recommendation)` reads the plan's stored dicts (the shapes of
`Answers.to_dict()` and `Recommendation.to_dict()`, old or new, with missing keys tolerated) and
returns a `Diagram`: boxes for the places mail passes through, one arrow per connector, and the
way internet mail comes in (MX). Every coordinate is computed here, in SVG user units, so the
template only draws; `Diagram.describe()` says the same thing in sentences for screen readers.

The layout is a hub: Microsoft 365 is a tall box on the right, and everything that exchanges mail
with it (the internet, your servers, devices, partners) is stacked in a column on the left, one
box each. Every connector is a horizontal arrow in its own row between its box and the hub, so
labels never collide however many partners there are: the drawing only grows taller. The two
mail paths that don't touch Microsoft 365 (MX to your own servers or to a filtering service, and
devices relaying through your server) are short vertical arrows between neighbouring boxes.

Pure Python: no Django here, so it is easy to test and reuse.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# --- geometry (SVG user units; the template scales the whole drawing to the page width) -------
WIDTH = 400
MARGIN = 8
LEFT_X = MARGIN
LEFT_W = 132
HUB_W = 92
HUB_X = WIDTH - MARGIN - HUB_W
GAP_X1 = LEFT_X + LEFT_W  # arrows run between GAP_X1 and HUB_X
LINE = 15  # distance between text baselines
NODE_GAP = 12  # between two boxes in the column
VERTICAL_GAP = 40  # between two boxes joined by a vertical arrow
ARROW_HEAD = 8
BADGE_H = 14

# Characters that fit on a line. Estimated for DejaVu Sans (the PDF's font, the widest of the
# fonts the page may use): about 0.6 em a character, 0.66 em in bold.
NODE_CHARS = 15  # bold 12px in the box's 116 units of text width
SUB_CHARS = 17  # 11px sublabel
EDGE_CHARS = 21  # 12px in the 144 units between the boxes' padding
HUB_CHARS = 10
VERTICAL_CHARS = 14  # 11px beside a vertical arrow

SERVER = "your-organization-email-server"
CLOUD = "office-365"
PARTNER = "partner-organization"

# More partners than this are folded into one box: the drawing stays legible on one page.
MAX_PARTNERS_DRAWN = 10
SERVER_NAMES = {
    "exchange-2010-or-later": ("Your Exchange servers", "Exchange 2010 or later"),
    "exchange-2007-or-earlier": ("Your Exchange servers", "Exchange 2007 or earlier"),
    "non-microsoft-smtp": ("Your email server", "non-Microsoft SMTP"),
}
SUBSCRIPTION_NAMES = {
    "exchange-online": "Exchange Online",
    "exchange-online-protection": "Exchange Online Protection",
}
MX_TARGETS = ("microsoft-365", "on-premises", "third-party-service")
ACTION_TEXT = {"create": "create", "review-existing": "review the existing one"}


@dataclass
class Node:
    id: str
    kind: str  # internet, servers, devices, partner, filter, cloud
    label: str  # the full name, as the box shows it (wrapped, maybe cut) and its <title>
    sublabel: str = ""
    spoken: str = ""  # the name in sentences, when it differs: "Partner Fabrikam"
    lines: list[str] = field(default_factory=list)  # the label as drawn: wrapped, maybe cut
    sublines: list[str] = field(default_factory=list)
    x: float = 0
    y: float = 0
    w: float = 0
    h: float = 0
    # Text baselines, filled in by the layout.
    text_x: float = 0
    line_ys: list[float] = field(default_factory=list)
    subline_ys: list[float] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.spoken or self.label

    @property
    def truncated(self) -> bool:
        return " ".join(self.lines) != self.label

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def text_rows(self) -> list[dict]:
        """The lines the box shows, each with its baseline and CSS class, for the template."""
        rows = [
            {"text": t, "y": y, "cls": "mf-label"}
            for t, y in zip(self.lines, self.line_ys, strict=True)
        ]
        rows += [
            {"text": t, "y": y, "cls": "mf-sublabel"}
            for t, y in zip(self.sublines, self.subline_ys, strict=True)
        ]
        return rows


@dataclass
class Edge:
    id: str
    kind: str  # connector, mx, relay
    source: str  # node ids
    target: str
    label: str  # the connector's name, in full
    direction: str = ""  # inbound or outbound (connectors only)
    named: bool = True  # False: `label` describes a connector the plan gives no name
    required: bool = True
    action: str = "create"
    lines: list[str] = field(default_factory=list)
    # Geometry: the line from (x1, y1) to (x2, y2), an arrowhead at (x2, y2).
    x1: float = 0
    y1: float = 0
    x2: float = 0
    y2: float = 0
    head: str = ""  # the arrowhead's polygon points
    label_x: float = 0
    label_ys: list[float] = field(default_factory=list)
    label_anchor: str = "middle"
    badge: str = ""
    badge_x: float = 0
    badge_y: float = 0
    badge_w: float = 0

    @property
    def style(self) -> str:
        return "solid" if self.required else "dashed"

    @property
    def reviewed(self) -> bool:
        return self.action != "create"

    @property
    def truncated(self) -> bool:
        return " ".join(self.lines) != self.label

    @property
    def text_rows(self) -> list[dict]:
        return [{"text": t, "y": y} for t, y in zip(self.lines, self.label_ys, strict=True)]


@dataclass
class LegendItem:
    key: str  # required, optional, review
    text: str
    x: float = 0
    y: float = 0  # the top of the item's 14-unit-high row

    @property
    def line_y(self) -> float:
        return self.y + 7

    @property
    def line_x2(self) -> float:
        return self.x + 40 - (ARROW_HEAD - 1)

    @property
    def head(self) -> str:
        return _arrow_head(self.x + 40, self.y + 7, 1, 0)

    @property
    def text_x(self) -> float:
        return self.x + 48


@dataclass
class Diagram:
    nodes: list[Node]
    edges: list[Edge]
    mx_target: str | None  # microsoft-365, on-premises, third-party-service, or None (unknown)
    mx_source: str  # stated, inferred, unknown
    mx_note: str = ""  # what the MX sentence adds, e.g. the plan's advice when MX is unknown
    legend: list[LegendItem] = field(default_factory=list)
    width: float = WIDTH
    height: float = 0
    title: str = "Mail flow"

    @property
    def hub(self) -> Node:
        return next(node for node in self.nodes if node.kind == "cloud")

    @property
    def boxes(self) -> list[Node]:
        """The boxes of the left column, top to bottom."""
        return [node for node in self.nodes if node.kind != "cloud"]

    @property
    def connectors(self) -> list[Edge]:
        return [edge for edge in self.edges if edge.kind == "connector"]

    def node(self, node_id: str) -> Node:
        return next(node for node in self.nodes if node.id == node_id)

    @property
    def summary(self) -> str:
        """One sentence for the SVG's <desc>, before the details."""
        count = len(self.connectors)
        partners = sum(node.kind in ("partner", "filter") for node in self.nodes)
        arrows = "no connectors" if not count else f"{count} connector{'s' * (count != 1)}"
        who = f", {partners} partner{'s' * (partners != 1)}" if partners else ""
        return (
            f"Mail flow between Microsoft 365 and the places it exchanges mail with{who}: {arrows}."
        )

    @property
    def sentences(self) -> list[str]:
        return self.describe()

    def describe(self) -> list[str]:
        """Return the drawing as plain sentences: the MX path, then one per arrow."""
        sentences = [self._mx_sentence()]
        for edge in self.edges:
            if edge.kind == "connector":
                name = f"'{edge.label}'" if edge.named else edge.label[0].lower() + edge.label[1:]
                sentences.append(
                    f"{edge.direction.capitalize()} connector {name} "
                    f"({'required' if edge.required else 'optional'}, "
                    f"{ACTION_TEXT.get(edge.action, edge.action)}): "
                    f"{self.node(edge.source).name} → {self.node(edge.target).name}."
                )
            elif edge.kind == "relay":
                sentences.append(
                    f"Relay, no connector: {self.node(edge.source).name} → "
                    f"{self.node(edge.target).name} (devices send through your own server)."
                )
        connected = {edge.source for edge in self.edges} | {edge.target for edge in self.edges}
        for node in self.nodes:
            if node.kind == "partner" and node.id not in connected:
                sentences.append(
                    f"{node.name}: no connector; mail goes over the internet, with TLS "
                    "when both sides offer it."
                )
        return sentences

    def _mx_sentence(self) -> str:
        if self.mx_target is None:
            text = "MX (not stated): the answers don't say where internet mail comes in."
        else:
            edge = next(edge for edge in self.edges if edge.kind == "mx")
            target = self.node(edge.target).name
            how = " (inferred from the answers)" if self.mx_source == "inferred" else ""
            text = f"Internet mail comes in by the MX record to {target}{how}."
        return f"{text} {self.mx_note}".strip()


# --- building the model ------------------------------------------------------------------------


def mail_flow(answers: dict | None, recommendation: dict | None) -> Diagram:
    """Return the laid-out mail flow of a stored plan (its answers and recommendation dicts)."""
    answers = answers if isinstance(answers, dict) else {}
    recommendation = recommendation if isinstance(recommendation, dict) else {}
    connectors = [c for c in recommendation.get("connectors") or () if isinstance(c, dict)]
    partners = [p for p in answers.get("partners") or () if isinstance(p, dict) and p.get("name")]
    devices = answers.get("devices") or {}
    onprem = answers.get("onprem_server")
    subscription = answers.get("subscription")

    hub = Node("m365", "cloud", "Microsoft 365", SUBSCRIPTION_NAMES.get(subscription, ""))
    internet = Node("internet", "internet", "The internet", "senders everywhere")
    servers = None
    if onprem in SERVER_NAMES or any(_touches_servers(c) for c in connectors):
        label, sub = SERVER_NAMES.get(onprem, ("Your email servers", ""))
        servers = Node("servers", "servers", label, sub)
    device_node = None
    if devices.get("send_mail") or any(c.get("purpose") == "device-relay" for c in connectors):
        device_node = _devices_node()

    partner_nodes: dict[str, Node] = {}
    for number, partner in enumerate(partners, start=1):
        name = str(partner["name"])
        everyone = "*" in (partner.get("domains") or ())
        kind = "filter" if everyone else "partner"
        sub = (
            "filtering service, all senders" if everyone else _domains_text(partner.get("domains"))
        )
        node = Node(f"partner-{number}", kind, name, sub, spoken=f"Partner {name}")
        partner_nodes.setdefault(name, node)

    edges: list[Edge] = []
    for index, connector in enumerate(connectors, start=1):
        source, target = connector.get("from"), connector.get("to")
        direction = _direction(connector)
        ends = []
        for end in (source, target):
            if end == CLOUD:
                ends.append(hub)
            elif end == PARTNER:
                ends.append(_partner_node(connector, partner_nodes, partners))
            elif end == SERVER and connector.get("purpose") == "device-relay":
                device_node = device_node or _devices_node()
                ends.append(device_node)
            elif end == SERVER:
                servers = servers or Node("servers", "servers", "Your email servers", "")
                ends.append(servers)
            else:  # not recorded: Microsoft 365 is at one end of every connector
                ends.append(hub)
        if ends[0] is ends[1]:
            continue  # too little recorded to draw
        edges.append(
            Edge(
                id=f"connector-{index}",
                kind="connector",
                source=ends[0].id,
                target=ends[1].id,
                label=_connector_name(connector),
                named=bool(_setting_name(connector)),
                direction=direction,
                required=connector.get("required") is not False,
                action=str(connector.get("action") or "create"),
            )
        )

    edges = _fold_extra_partners(edges, partner_nodes)

    if device_node and servers and not any(e.source == "devices" for e in edges):
        edges.append(Edge("relay", "relay", "devices", "servers", "relay"))

    mx_target, mx_source, mx_node, note = _mx(answers, hub, servers, partner_nodes)
    if mx_target == "on-premises" and servers is None:
        servers = mx_node = Node("servers", "servers", "Your email servers", "")
    if mx_target == "third-party-service" and mx_node is None:
        mx_node = Node("filter", "filter", "A filtering service", "not among the partners")
        partner_nodes["\0filter"] = mx_node
    if mx_node is not None:
        edges.insert(0, Edge("mx", "mx", "internet", mx_node.id, "MX record"))
    else:
        internet.sublabel = "MX (not stated)"

    # The left column, top to bottom: the internet, then whatever MX points to (so the MX arrow
    # is short), your servers with your devices under them (the relay arrow), then partners.
    column = [internet]
    if mx_node is not None and mx_node is not hub:
        column.append(mx_node)
    for node in (servers, device_node, *partner_nodes.values()):
        if node is not None and node not in column:
            column.append(node)

    diagram = Diagram(
        nodes=[*column, hub],
        edges=edges,
        mx_target=mx_target,
        mx_source=mx_source,
        mx_note=note,
    )
    _layout(diagram)
    return diagram


def _fold_extra_partners(edges: list[Edge], partner_nodes: dict[str, Node]) -> list[Edge]:
    """Draw at most MAX_PARTNERS_DRAWN partners; fold the rest into one box and one arrow per
    direction, so a plan with 50 partners stays a readable page (the Connectors section and
    the text alternative's last sentence say where the rest is)."""
    names = [name for name in partner_nodes if not name.startswith("\0")]
    if len(names) <= MAX_PARTNERS_DRAWN:
        return edges
    folded = {partner_nodes.pop(name).id for name in names[MAX_PARTNERS_DRAWN:]}
    more = Node(
        "partners-more",
        "partner",
        f"{len(folded)} more partners",
        "listed under Connectors",
        spoken=f"{len(folded)} more partners",
    )
    partner_nodes["\0more"] = more
    kept: list[Edge] = []
    grouped: dict[str, list[Edge]] = {}
    for edge in edges:
        if edge.source in folded or edge.target in folded:
            grouped.setdefault(edge.direction, []).append(edge)
        else:
            kept.append(edge)
    for direction, group in grouped.items():
        inbound = group[0].source in folded
        kept.append(
            Edge(
                id=f"connectors-more-{direction or 'other'}",
                kind="connector",
                source=more.id if inbound else group[0].source,
                target=group[0].target if inbound else more.id,
                label=f"{len(group)} more {direction} connectors".replace("  ", " "),
                named=False,
                direction=direction,
                required=any(edge.required for edge in group),
                action="create" if any(e.action == "create" for e in group) else "review",
            )
        )
    return kept


def _devices_node() -> Node:
    return Node(
        "devices", "devices", "Printers, scanners, apps", spoken="Printers, scanners and apps"
    )


def _touches_servers(connector: dict) -> bool:
    return connector.get("purpose") != "device-relay" and SERVER in (
        connector.get("from"),
        connector.get("to"),
    )


def _direction(connector: dict) -> str:
    cmdlet = connector.get("cmdlet") or ""
    if "Inbound" in cmdlet:
        return "inbound"
    if "Outbound" in cmdlet:
        return "outbound"
    return "inbound" if connector.get("to") == CLOUD else "outbound"


def _setting_name(connector: dict) -> str:
    settings = connector.get("settings")
    return str(settings.get("Name") or "") if isinstance(settings, dict) else ""


def _connector_name(connector: dict) -> str:
    name = _setting_name(connector)
    if name:
        return name
    if connector.get("guide") == "hcw" or "Hybrid" in str(connector.get("title") or ""):
        return "Made by the Hybrid Configuration Wizard"
    return str(connector.get("title") or connector.get("id") or "Connector")


def _partner_node(connector: dict, nodes: dict[str, Node], partners: list[dict]) -> Node:
    name = connector.get("partner")
    if not name:
        # Older plans: the partner's number is in the connector's id ("partner-2-inbound").
        parts = str(connector.get("id") or "").split("-")
        if len(parts) > 1 and parts[1].isdigit() and 0 < int(parts[1]) <= len(partners):
            name = str(partners[int(parts[1]) - 1]["name"])
    name = str(name or "organization")
    if name not in nodes:
        nodes[name] = Node(
            f"partner-x{len(nodes) + 1}", "partner", name, "partner", spoken=f"Partner {name}"
        )
    return nodes[name]


def _domains_text(domains) -> str:
    domains = [str(d) for d in domains or () if d]
    more = f" +{len(domains) - 1}" if len(domains) > 1 else ""
    return f"partner, {domains[0]}{more}" if domains else "partner"


def _mx(answers: dict, hub: Node, servers: Node | None, partner_nodes: dict[str, Node]):
    """Return (target, source, node or None, note) for where internet mail comes in."""
    stated = answers.get("mx_points_to")
    if stated is None:
        stated = (answers.get("organization") or {}).get("mx_points_to")
    filters = [node for node in partner_nodes.values() if node.kind == "filter"]
    if stated in MX_TARGETS:
        if stated == "microsoft-365":
            return stated, "stated", hub, ""
        if stated == "on-premises":
            return stated, "stated", servers, ""
        return stated, "stated", (filters[0] if filters else None), ""
    if filters:
        return "third-party-service", "inferred", filters[0], ""
    onprem = answers.get("onprem_server")
    subscription = answers.get("subscription")
    if subscription in SUBSCRIPTION_NAMES and (
        onprem == "none" or subscription == "exchange-online-protection"
    ):
        return "microsoft-365", "inferred", hub, ""
    note = ""
    if onprem in SERVER_NAMES and subscription == "exchange-online":
        note = "The plan recommends pointing MX to Microsoft 365."
    return None, "unknown", None, note


# --- layout ------------------------------------------------------------------------------------


def wrap(text: str, width: int, max_lines: int) -> list[str]:
    """Return `text` in at most `max_lines` lines of `width` characters, cut with an ellipsis."""
    words = text.split()
    lines: list[str] = []
    current = ""
    for word in words:
        while len(word) > width:  # a word longer than a line is broken
            room = width - len(current) - (1 if current else 0)
            if room < 3:
                lines.append(current)
                current, room = "", width
            lines.append(((current + " ") if current else "") + word[:room])
            current, word = "", word[room:]
        candidate = f"{current} {word}" if current else word
        if len(candidate) <= width:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current or not lines:
        lines.append(current)
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        lines = lines[:max_lines]
        lines[-1] = (last[: width - 1].rstrip() if len(last) >= width else last) + "…"
    return lines


def _arrow_head(x: float, y: float, dx: int, dy: int) -> str:
    """Return the polygon of an arrowhead with its tip at (x, y), pointing along (dx, dy)."""
    back_x, back_y = x - dx * ARROW_HEAD, y - dy * ARROW_HEAD
    side_x, side_y = dy * 4.5, dx * 4.5
    points = ((x, y), (back_x + side_x, back_y + side_y), (back_x - side_x, back_y - side_y))
    return " ".join(f"{px:g},{py:g}" for px, py in points)


def _badge(edge: Edge) -> str:
    if edge.kind == "mx":
        return "MX"
    words = []
    if not edge.required:
        words.append("optional")
    if edge.reviewed:
        words.append("review")
    return ", ".join(words)


def _layout(diagram: Diagram) -> None:
    rows: dict[str, list[Edge]] = {}
    for edge in diagram.edges:
        edge.badge = _badge(edge)
        if edge.kind == "relay" or (edge.kind == "mx" and edge.target != "m365"):
            edge.badge = ""  # a vertical arrow's label says it all
            edge.lines = wrap("relay" if edge.kind == "relay" else "MX record", VERTICAL_CHARS, 2)
            continue
        edge.lines = wrap(edge.label, EDGE_CHARS, 2)
        left = edge.source if edge.target == "m365" else edge.target
        rows.setdefault(left, []).append(edge)

    vertical = {  # the box below -> the vertical arrow between it and the box above
        (edge.target if edge.kind == "mx" else edge.source): edge
        for edge in diagram.edges
        if edge.kind in ("mx", "relay") and edge.target != "m365"
    }

    y = MARGIN
    boxes = diagram.boxes
    for position, node in enumerate(boxes):
        if position:
            y += VERTICAL_GAP if node.id in vertical else NODE_GAP
        node.lines = wrap(node.label, NODE_CHARS, 2)
        node.sublines = wrap(node.sublabel, SUB_CHARS, 2) if node.sublabel else []
        text_h = 19 + LINE * (len(node.lines) - 1) + LINE * len(node.sublines) + 10
        edge_rows = rows.get(node.id, [])
        rows_h = sum(_row_height(edge) for edge in edge_rows) + 8
        node.x, node.y, node.w = LEFT_X, y, LEFT_W
        node.h = max(text_h, rows_h if edge_rows else 0)
        _place_text(node, 19)
        row_y = node.y + (node.h - rows_h) / 2 + 4
        for edge in edge_rows:
            _place_row(edge, row_y, inbound=edge.target == "m365")
            row_y += _row_height(edge)
        y += node.h

    hub = diagram.hub
    hub.lines = wrap(hub.label, HUB_CHARS, 2)
    hub.sublines = wrap(hub.sublabel, 12, 3) if hub.sublabel else []
    hub_text_h = 19 + LINE * (len(hub.lines) + len(hub.sublines) - 1) + 10
    top = boxes[0].y if boxes else MARGIN
    hub.x, hub.y, hub.w = HUB_X, top, HUB_W
    hub.h = max(y - top, hub_text_h)
    _place_text(hub, 19)
    y = max(y, hub.y + hub.h)

    for below, edge in vertical.items():
        lower = diagram.node(below)
        upper = boxes[boxes.index(lower) - 1]
        x = LEFT_X + 22
        if edge.kind == "relay":  # devices (below) up to the servers
            edge.x1, edge.y1, edge.x2, edge.y2 = x, lower.y, x, upper.y + upper.h
            edge.head = _arrow_head(x, edge.y2, 0, -1)
            edge.y2 += ARROW_HEAD - 1
        else:  # the internet (above) down to where MX points
            edge.x1, edge.y1, edge.x2, edge.y2 = x, upper.y + upper.h, x, lower.y
            edge.head = _arrow_head(x, edge.y2, 0, 1)
            edge.y2 -= ARROW_HEAD - 1
        middle = upper.y + upper.h + VERTICAL_GAP / 2
        edge.label_anchor = "start"
        edge.label_x = x + 10
        first = middle + 4 - LINE * (len(edge.lines) - 1) / 2
        edge.label_ys = [first + LINE * i for i in range(len(edge.lines))]

    diagram.legend = _legend(diagram, y + 18)
    diagram.height = (diagram.legend[-1].y + 14 if diagram.legend else y) + MARGIN


def _row_height(edge: Edge) -> float:
    return 14 + LINE * (len(edge.lines) - 1) + 12 + 10


def _place_row(edge: Edge, top: float, *, inbound: bool) -> None:
    first = top + 14
    edge.label_ys = [first + LINE * i for i in range(len(edge.lines))]
    arrow_y = first + LINE * (len(edge.lines) - 1) + 12
    edge.label_x = (GAP_X1 + HUB_X) / 2
    edge.y1 = edge.y2 = arrow_y
    start, end, dx = (GAP_X1, HUB_X, 1) if inbound else (HUB_X, GAP_X1, -1)
    edge.x1, edge.x2 = start, end - dx * (ARROW_HEAD - 1)
    edge.head = _arrow_head(end, arrow_y, dx, 0)
    if edge.badge:
        edge.badge_w = 6.2 * len(edge.badge) + 12
        edge.badge_x = edge.label_x - edge.badge_w / 2
        edge.badge_y = arrow_y - BADGE_H / 2


def _place_text(node: Node, first: float) -> None:
    node.text_x = node.x + 8 if node.kind != "cloud" else node.cx
    node.line_ys = [node.y + first + LINE * i for i in range(len(node.lines))]
    after = node.line_ys[-1] if node.line_ys else node.y + first - LINE
    node.subline_ys = [after + LINE * (i + 1) for i in range(len(node.sublines))]


LEGEND_TEXT = {
    "required": "required connector",
    "optional": "optional connector",
    "review": "exists already: review it",
}


def _legend(diagram: Diagram, top: float) -> list[LegendItem]:
    connectors = diagram.connectors
    keys = []
    if any(edge.required for edge in connectors):
        keys.append("required")
    if any(not edge.required for edge in connectors):
        keys.append("optional")
    if any(edge.reviewed for edge in connectors):
        keys.append("review")
    items, x, y = [], float(MARGIN), top
    for key in keys:
        width = 48 + 6.6 * len(LEGEND_TEXT[key]) + 16
        if x > MARGIN and x + width > WIDTH - MARGIN:
            x, y = float(MARGIN), y + 20
        items.append(LegendItem(key, LEGEND_TEXT[key], x, y))
        x += width
    return items
