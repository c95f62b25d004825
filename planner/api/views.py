"""The JSON API of api/CONTRACT.md: plain JsonResponse views, one error shape."""

from __future__ import annotations

import functools
import json

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.http.request import split_domain_port
from django.views.decorators.csrf import csrf_exempt

from planner import services
from planner.api.schema import openapi_schema
from planner.documents import plan_document
from planner.engine import AnswersError, FieldError, parse_answers, recommend
from planner.engine.validation import clean_plan_name
from planner.links import edit_path, share_path
from planner_ops.ratelimit import CREATE, LOOKUP, rate_limit

MAX_BODY_BYTES = 256 * 1024
TOP_LEVEL_KEYS = ("name", "answers")


class ApiError(Exception):
    def __init__(self, status: int, errors: dict[str, list[str]], headers: dict | None = None):
        super().__init__(status, errors)
        self.status, self.errors, self.headers = status, errors, headers or {}


def json_error(status: int, errors: dict[str, list[str]], headers: dict | None = None):
    """Return the contract's error response: `{"errors": {"<field path>": [messages]}}`."""
    response = JsonResponse({"errors": errors}, status=status)
    response["Cache-Control"] = "no-store"
    for key, value in (headers or {}).items():
        response[key] = value
    return response


def api_view(*methods: str):
    """Accept only `methods` (405 with Allow otherwise) and turn ApiError into JSON errors."""
    allowed = set(methods) | ({"HEAD"} if "GET" in methods else set())
    allow = ", ".join(sorted(allowed))

    def decorate(view):
        @csrf_exempt
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method == "OPTIONS":
                response = JsonResponse({}, status=200)
                response["Allow"] = allow
                return response
            if request.method not in allowed:
                return json_error(
                    405,
                    {"": [f"{request.method} is not allowed here. Use {allow}."]},
                    {"Allow": allow},
                )
            try:
                return view(request, *args, **kwargs)
            except ApiError as error:
                return json_error(error.status, error.errors, error.headers)

        return wrapper

    return decorate


def _too_big():
    return ApiError(413, {"": [f"The request body is larger than {MAX_BODY_BYTES // 1024} KiB."]})


def read_json_object(request) -> dict:
    """Return the request body as a JSON object, or raise ApiError (400, 413 or 415)."""
    length = request.META.get("CONTENT_LENGTH") or "0"
    try:
        declared = int(length)
    except ValueError:
        raise ApiError(400, {"": ["The Content-Length header is not a number."]}) from None
    if declared > MAX_BODY_BYTES:
        raise _too_big()
    try:
        body = request.body
    except RequestDataTooBig:
        raise _too_big() from None
    if len(body) > MAX_BODY_BYTES:
        raise _too_big()
    if body and request.content_type != "application/json":
        # A cross-site <form enctype="text/plain"> must not be able to create plans (review C3).
        raise ApiError(415, {"": ["Send the body as Content-Type: application/json."]})
    try:
        data = json.loads(body.decode("utf-8"), parse_constant=_reject_constant)
    except (ValueError, RecursionError) as error:
        raise ApiError(400, {"": [f"The body is not valid JSON: {_json_problem(error)}"]}) from None
    if not isinstance(data, dict):
        raise ApiError(
            400, {"": ['The body must be a JSON object: {"name": ..., "answers": {...}}.']}
        )
    return data


def _reject_constant(name: str):
    raise ValueError(f"{name} is not allowed in JSON")


def _json_problem(error: Exception) -> str:
    if isinstance(error, json.JSONDecodeError):
        return f"{error.msg} (line {error.lineno}, column {error.colno})."
    if isinstance(error, UnicodeDecodeError):
        return "it is not UTF-8 text."
    if isinstance(error, RecursionError):
        return "it is nested too deeply."
    return f"{error}."


def parse_request(data: dict, *, name_required: bool) -> tuple[str | None, object]:
    """Return (name, Answers) from a request object, or raise ApiError listing every problem."""
    errors: dict[str, list[str]] = {}
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            errors[key] = [f"Unknown field. Known fields: {', '.join(TOP_LEVEL_KEYS)}."]
    name = data.get("name")
    if name is None and name_required:
        errors["name"] = ["Give the plan a name (1 to 120 characters)."]
    elif name is not None:
        try:
            name = clean_plan_name(name)
        except FieldError as error:
            errors["name"] = [str(error)]
    answers = None
    try:
        answers = parse_answers(data.get("answers"), prefix="answers")
    except AnswersError as error:
        errors.update(error.errors)
    if errors:
        raise ApiError(400, errors)
    return name, answers


def public_url(request, path: str) -> str:
    """Return `path` as an absolute URL, on PLANNER_PUBLIC_BASE_URL when it is set.

    Otherwise on the request's host, lower-cased and with a port only if it is the one the
    server listens on: cached PDFs embed this URL, so the Host header's case and port must not
    make a new cache entry (and a fresh render) per variant (review A11).
    """
    base = settings.PLANNER_PUBLIC_BASE_URL
    if base:
        return f"{base}{path}"
    domain, port = split_domain_port(request.get_host())
    default = {"http": "80", "https": "443"}[request.scheme]
    keep = port and port == str(request.get_port()) and port != default
    return f"{request.scheme}://{domain}{':' + port if keep else ''}{path}"


@api_view("POST")
def evaluate(request):
    name, answers = parse_request(read_json_object(request), name_required=False)
    body = {"answers": answers.to_dict(), "recommendation": recommend(answers).to_dict()}
    return JsonResponse(body if name is None else {"name": name, **body})


@api_view("POST")
@rate_limit(CREATE, api=True)
def create_plan(request):
    name, answers = parse_request(read_json_object(request), name_required=True)
    saved = services.create_plan(name=name, answers=answers)
    document = plan_document(saved.plan, share_token=saved.share_token)
    document["share_url"] = public_url(request, share_path(saved.share_token))
    document["edit_url"] = public_url(request, edit_path(saved.edit_token))
    response = JsonResponse(document, status=201)
    response["Location"] = public_url(request, document["links"]["json"])
    response["Cache-Control"] = "no-store"
    return response


@api_view("GET")
@rate_limit(LOOKUP, api=True)
def plan_detail(request, token):
    plan = services.find_plan_by_share_token(token)
    if plan is None:
        raise ApiError(
            404,
            {"": ["No plan has this link, or the link has expired or been replaced."]},
        )
    document = plan_document(plan, share_token=token)
    document["share_url"] = public_url(request, share_path(token))
    return JsonResponse(document)


@api_view("GET")
def schema(request):
    return JsonResponse(openapi_schema(), json_dumps_params={"indent": 1})


@api_view("GET", "POST", "PUT", "PATCH", "DELETE")
def not_found(request, path=""):
    raise ApiError(404, {"": ["There is no API endpoint here. See GET /api/schema."]})
