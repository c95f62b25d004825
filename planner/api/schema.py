"""The OpenAPI 3.1 description served at GET /api/schema, written by hand from api/CONTRACT.md.

Enumerations and limits come from the engine, so the schema can't drift from the validation.
"""

from __future__ import annotations

from functools import cache

from planner.engine.answers import (
    DIRECTIONS,
    EXCHANGE_SERVERS,
    HYBRID_CONFIGURATIONS,
    IDENTIFY_BY,
    MX_TARGETS,
    ONPREM_SERVERS,
    SUBSCRIPTIONS,
)
from planner.engine.notes import NOTES
from planner.engine.recommendation import ENDPOINT_LABELS
from planner.engine.validation import (
    MAX_ADDRESSES,
    MAX_DOMAINS,
    MAX_PARTNERS,
    PARTNER_NAME_MAX,
    PLAN_NAME_MAX,
)

IPV4_OR_CIDR = {
    "type": "string",
    "description": "An IPv4 address or a CIDR range from /24 to /32. IPv6, a-b ranges and "
    "prefixes shorter than /24 are rejected.",
    "examples": ["203.0.113.10", "203.0.113.0/24"],
}
DOMAIN = {
    "type": "string",
    "description": "A domain name such as contoso.com; *.contoso.com where wildcards are allowed.",
}


def _list(item: dict, max_items: int, description: str, min_items: int = 0) -> dict:
    schema = {"type": "array", "items": item, "maxItems": max_items, "description": description}
    if min_items:
        schema["minItems"] = min_items
    return schema


def _nullable_bool(description: str) -> dict:
    return {"type": ["boolean", "null"], "description": description}


def answers_schema() -> dict:
    """Return the JSON Schema of the `answers` object."""
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["onprem_server", "subscription"],
        "properties": {
            "onprem_server": {
                "enum": list(ONPREM_SERVERS),
                "description": "Your on-premises email organization. Rules version 2 adds the "
                "exact Exchange versions (exchange-se, exchange-2019, exchange-2016, "
                "exchange-2013, exchange-2010); exchange-2010-or-later stays valid and means "
                "'2010 or later, version not given' (note exchange-version-unknown). Exchange "
                "2007, 2010 and 2013 get the blocker note exchange-version-blocked.",
            },
            "onprem_up_to_date": _nullable_bool(
                "Whether the Exchange servers that talk to Microsoft 365 run the latest "
                "cumulative and security update for their version; null: not known. Only for "
                f"onprem_server in {', '.join(sorted(EXCHANGE_SERVERS))}; a boolean with any "
                "other server is rejected."
            ),
            "hybrid_configuration": {
                "enum": [*HYBRID_CONFIGURATIONS, None],
                "description": "Which Hybrid Configuration Wizard configuration was chosen; "
                "only when hybrid_completed is true (null there: not known). Minimal and "
                "express create no connectors: the plan creates them by hand "
                "(note hybrid-no-connectors).",
            },
            "mx_points_to": {
                "enum": [*MX_TARGETS, None],
                "description": "Where the domains' MX records point (now, or after the change "
                "this plan is for); null: not known. on-premises needs an on-premises server. "
                "Drives Enhanced Filtering for Connectors and the MX steps.",
            },
            "subscription": {
                "enum": list(SUBSCRIPTIONS),
                "description": "exchange-online-protection (standalone EOP) needs an on-premises "
                "server: it is rejected with onprem_server none.",
            },
            "hybrid_completed": _nullable_bool(
                "Whether the Hybrid Configuration Wizard has been run. true or false is required "
                "exactly when onprem_server is exchange-2010-or-later (or an exact Exchange "
                "version from 2010 on) and subscription is "
                "exchange-online; otherwise null or absent (a boolean is rejected)."
            ),
            "organization": {
                "type": "object",
                "additionalProperties": False,
                "description": "Details that make the plan concrete; absent ones become "
                "'fill in' hints in the plan. Server details need an on-premises server.",
                "properties": {
                    "domains": _list(
                        {**DOMAIN, "description": "An accepted domain, without wildcard."},
                        MAX_DOMAINS,
                        "The tenant's accepted domains.",
                    ),
                    "onprem_smart_hosts": _list(
                        {"type": "string", "description": "A host name or an IPv4 address."},
                        10,
                        "The internet-facing on-premises server(s).",
                    ),
                    "onprem_certificate_domain": {
                        "type": ["string", "null"],
                        "description": "Domain or *.domain on the server's TLS certificate.",
                    },
                    "onprem_sending_ips": _list(
                        IPV4_OR_CIDR, MAX_ADDRESSES, "Addresses the on-premises server sends from."
                    ),
                    "identify_by": {
                        "enum": [*IDENTIFY_BY, None],
                        "description": "How Microsoft 365 recognizes your server; null lets the "
                        "planner choose (certificate when one is given).",
                    },
                },
            },
            "devices": {
                "type": "object",
                "additionalProperties": False,
                "description": "Printers, scanners and applications that send mail. The other "
                "fields only apply when send_mail is true.",
                "properties": {
                    "send_mail": {"type": "boolean", "default": False},
                    "external_recipients": _nullable_bool("null: not known."),
                    "smtp_auth_capable": _nullable_bool(
                        "Can the devices use SMTP AUTH over TLS 1.2? null: not known."
                    ),
                    "oauth_capable": _nullable_bool(
                        "Can the devices sign in to SMTP AUTH with OAuth (modern "
                        "authentication)? null: not known. true is rejected with "
                        "smtp_auth_capable false."
                    ),
                    "sending_ips": _list(
                        {
                            **IPV4_OR_CIDR,
                            "description": "An IPv4 address or CIDR range: public without an "
                            "on-premises server; with one, the address the server sees "
                            "(private addresses allowed).",
                        },
                        MAX_ADDRESSES,
                        "The devices' sending addresses.",
                    ),
                },
            },
            "partners": _list(
                {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["name", "domains"],
                    "properties": {
                        "name": {"type": "string", "minLength": 1, "maxLength": PARTNER_NAME_MAX},
                        "domains": _list(
                            {
                                **DOMAIN,
                                "description": "A partner domain; * (all senders) only with "
                                "direction inbound.",
                            },
                            MAX_DOMAINS,
                            "The partner's email domains, each listed once across partners.",
                            min_items=1,
                        ),
                        "direction": {"enum": list(DIRECTIONS), "default": "both"},
                        "require_tls": {"type": "boolean", "default": True},
                        "certificate_domain": {
                            "type": ["string", "null"],
                            "description": "Domain or *.domain on the partner's SENDING "
                            "certificate, used to recognise its inbound mail.",
                        },
                        "mx_certificate_domain": {
                            "type": ["string", "null"],
                            "description": "Domain or *.domain on the certificate of the "
                            "partner's RECEIVING (MX) servers, used to validate outbound TLS "
                            "(DomainValidation). Direction outbound or both.",
                        },
                        "sender_ips": _list(
                            IPV4_OR_CIDR,
                            MAX_ADDRESSES,
                            "The partner's sending addresses (direction inbound or both).",
                        ),
                    },
                },
                MAX_PARTNERS,
                "Partner organizations needing TLS, certificate or IP restrictions.",
            ),
        },
    }


def _object(properties: dict, *, required=(), **more) -> dict:
    """Return an object schema that allows no property it does not list (drift shows)."""
    return {
        "type": "object",
        "additionalProperties": False,
        "required": list(required),
        "properties": properties,
        **more,
    }


def _connector_schema() -> dict:
    endpoints = list(ENDPOINT_LABELS)
    return {
        "type": "object",
        "additionalProperties": False,
        "required": [
            "id",
            "purpose",
            "from",
            "to",
            "connector_type",
            "cmdlet",
            "required",
            "action",
            "settings",
            "guide",
        ],
        "properties": {
            "id": {"type": "string"},
            "title": {"type": "string"},
            "purpose": {"enum": ["own-servers", "device-relay", "partner"]},
            "from": {"enum": endpoints, "description": "The admin center's From choice."},
            "to": {"enum": endpoints, "description": "The admin center's To choice."},
            "connector_type": {"enum": ["OnPremises", "Partner"]},
            "cmdlet": {"enum": ["New-InboundConnector", "New-OutboundConnector"]},
            "required": {"type": "boolean"},
            "action": {"enum": ["create", "review-existing"]},
            "settings": {
                "type": "object",
                "description": "Cmdlet parameters, spelled as the cmdlet spells them. null "
                "means the admin must fill the value in (see fill_in).",
            },
            "fill_in": {
                "type": "array",
                "items": _object(
                    {"parameter": {"type": "string"}, "hint": {"type": "string"}},
                    required=("parameter", "hint"),
                ),
            },
            "partner": {"type": ["string", "null"]},
            "guide": {"type": "string"},
            "rule": {"type": "string"},
            "reason": {"type": "string"},
        },
    }


def _recommendation_schema() -> dict:
    guide = _object(
        {
            "key": {"type": "string"},
            "title": {"type": "string"},
            "url": {"type": "string", "format": "uri"},
        },
        required=("key", "title", "url"),
    )
    note = _object(
        {
            "code": {"type": "string"},
            "severity": {
                "enum": ["blocker", "warning", "info"],
                "description": "blocker: mail cannot flow as answered; blockers come first.",
            },
            "text": {"type": "string"},
            "guide": {"type": ["string", "null"]},
            "rule": {"type": "string"},
            "source": {"type": "string", "description": "Where the advice comes from."},
        },
        required=("code", "severity", "text", "guide"),
        description="Known codes: " + ", ".join(sorted(NOTES)) + ".",
    )
    step = _object(
        {
            "phase": {"enum": ["before", "configure", "test", "after"]},
            "text": {"type": "string"},
            "guide": {"type": ["string", "null"]},
            "note": {"type": ["string", "null"], "description": "The note this step acts on."},
        },
        required=("phase", "text", "guide"),
    )
    option = _object(
        {
            "key": {"type": "string"},
            "title": {"type": "string"},
            "verdict": {"enum": ["recommended", "possible", "unsuitable"]},
            "why": {"type": "string"},
            "guide": {"type": ["string", "null"]},
        },
        required=("key", "title", "verdict", "why"),
    )
    devices = _object(
        {
            "recommended": {"type": ["string", "null"]},
            "summary": {"type": "string"},
            "options": {"type": "array", "items": option},
        },
        required=("summary", "options"),
    )
    rule = _object(
        {
            "id": {"type": "string"},
            "reason": {"type": "string"},
            "source": {"type": "string"},
        },
        required=("id", "reason"),
    )
    script = {"type": ["string", "null"]}
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["connectors_needed", "own_servers", "connectors", "guides", "notes"],
        "properties": {
            "rules_version": {"type": "integer", "description": "2 for plans made now."},
            "connectors_needed": {"enum": ["required", "optional", "none"]},
            "own_servers": {
                "enum": ["manual-connectors", "consider-hybrid", "created-by-hybrid-wizard", None]
            },
            "summary": {"type": "string"},
            "connectors": {"type": "array", "items": {"$ref": "#/components/schemas/Connector"}},
            "guides": {"type": "array", "items": guide},
            "notes": {"type": "array", "items": note},
            "devices": {"oneOf": [devices, {"type": "null"}]},
            "checklist": {
                "type": "array",
                "items": step,
                "description": "The plan as ordered steps, phase by phase.",
            },
            "powershell": _object(
                {"exchange_online": script, "on_premises": script},
                description="Scripts that create the plan's connectors; null: nothing to run.",
            ),
            "rules": {
                "type": "array",
                "items": rule,
                "description": "The rules that fired, with why and where the advice comes from.",
            },
        },
    }


def _plan_document_schema(*, created: bool = False) -> dict:
    stamp = {"type": "string", "format": "date-time", "description": "UTC, ending in Z."}
    version = {"type": "integer", "minimum": 1}
    edit_url = {
        "type": "string",
        "format": "uri",
        "description": "The secret edit link: keep it private.",
    }
    return _object(
        {
            "schema": {"const": "connector-plan/1"},
            "name": {"type": "string"},
            "revision": {"type": "integer", "minimum": 1},
            "latest_revision": {
                "type": "integer",
                "minimum": 1,
                "description": "The plan's newest revision (revision is the one shown).",
            },
            "rules_version": {**version, "description": "The rules the plan was made with."},
            "current_rules_version": {**version, "description": "The planner's rules now."},
            "created_at": stamp,
            "updated_at": stamp,
            "share_expires_at": {
                "type": ["string", "null"],
                "format": "date-time",
                "description": "When the share link stops working; null: never.",
            },
            "answers": {"$ref": "#/components/schemas/Answers"},
            "recommendation": {"$ref": "#/components/schemas/Recommendation"},
            "links": _object(
                {
                    "html": {"type": "string"},
                    "pdf": {"type": "string"},
                    "markdown": {"type": "string"},
                    "json": {"type": "string"},
                },
                required=("html", "pdf", "json"),
                description="Site-relative URLs of the read-only page, its PDF and its JSON.",
            ),
            "share_url": {"type": "string", "format": "uri"},
            **({"edit_url": edit_url} if created else {}),
        },
        required=(
            "schema",
            "name",
            "revision",
            "latest_revision",
            "rules_version",
            "current_rules_version",
            "created_at",
            "updated_at",
            "share_expires_at",
            "answers",
            "recommendation",
            "links",
            *(("edit_url",) if created else ()),
        ),
    )


def _error(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Errors"}}},
    }


def _json_body(ref: str, description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}},
    }


BAD_INPUT = {
    "400": _error(
        "Invalid input. Each field path (e.g. answers.partners.0.sender_ips.1) lists its "
        'problems; malformed JSON uses the path "".'
    ),
    "405": _error("Wrong method; the Allow header lists the right ones."),
    "413": _error("The body is larger than 256 KiB."),
    "415": _error("The body is not sent as Content-Type: application/json."),
}
TOO_MANY = {"429": _error("Too many requests from this address; see the Retry-After header.")}


@cache
def openapi_schema() -> dict:
    """Return the OpenAPI 3.1 document describing the API."""
    request = {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PlanRequest"}}},
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Connector Planner API",
            "version": "1",
            "description": "Answers about your mail setup in, an Exchange Online connector plan "
            "out. The same engine as the web wizard.",
        },
        "paths": {
            "/api/evaluate": {
                "post": {
                    "summary": "Recommend connectors for answers; nothing is stored.",
                    "operationId": "evaluate",
                    "requestBody": request,
                    "responses": {
                        "200": _json_body("Evaluation", "The normalised answers and the plan."),
                        **BAD_INPUT,
                    },
                }
            },
            "/api/plans": {
                "post": {
                    "summary": "Store a named plan and return it with its links.",
                    "operationId": "createPlan",
                    "requestBody": request,
                    "responses": {
                        **TOO_MANY,
                        "201": {
                            **_json_body(
                                "CreatedPlan",
                                "The plan document plus edit_url, the secret edit link.",
                            ),
                            "headers": {
                                "Location": {
                                    "schema": {"type": "string"},
                                    "description": "The plan's JSON URL.",
                                }
                            },
                        },
                        **BAD_INPUT,
                    },
                }
            },
            "/api/plans/{share_token}": {
                "get": {
                    "summary": "Read a shared plan.",
                    "operationId": "getPlan",
                    "parameters": [
                        {
                            "name": "share_token",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{43}$"},
                        }
                    ],
                    "responses": {
                        "200": _json_body("PlanDocument", "The plan document (no edit_url)."),
                        "404": _error("No plan has this link, or it expired or was replaced."),
                        "405": BAD_INPUT["405"],
                        **TOO_MANY,
                    },
                }
            },
            "/api/schema": {
                "get": {
                    "summary": "This description.",
                    "operationId": "getSchema",
                    "responses": {"200": {"description": "An OpenAPI 3.1 document."}},
                }
            },
        },
        "components": {
            "schemas": {
                "PlanRequest": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["answers"],
                    "properties": {
                        "name": {
                            "type": "string",
                            "minLength": 1,
                            "maxLength": PLAN_NAME_MAX,
                            "description": "Required by POST /api/plans, optional for evaluate.",
                        },
                        "answers": {"$ref": "#/components/schemas/Answers"},
                    },
                },
                "Answers": answers_schema(),
                "Connector": _connector_schema(),
                "Recommendation": _recommendation_schema(),
                "Evaluation": _object(
                    {
                        "name": {"type": "string"},
                        "answers": {"$ref": "#/components/schemas/Answers"},
                        "recommendation": {"$ref": "#/components/schemas/Recommendation"},
                    },
                    required=("answers", "recommendation"),
                ),
                "PlanDocument": _plan_document_schema(),
                "CreatedPlan": _plan_document_schema(created=True),
                "Errors": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["errors"],
                    "properties": {
                        "errors": {
                            "type": "object",
                            "additionalProperties": {
                                "type": "array",
                                "items": {"type": "string"},
                            },
                        }
                    },
                },
            }
        },
    }
