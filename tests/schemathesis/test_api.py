"""Schemathesis against the served OpenAPI documents of both partner APIs, with HTTP Digest.

Run by .ci/run against a `partner-console demo` server:
  PC_API_URL=http://127.0.0.1:PORT PC_MSP_KEY=PUBLIC:PRIVATE PC_RESELLER_KEY=PUBLIC:PRIVATE \
    pytest tests/schemathesis
Schemathesis 4 has no digest option on its command line, so this uses its pytest integration:
every generated case is sent with requests' HTTPDigestAuth and checked with validate_response
(no 5xx, documented status codes, headers and content types, bodies valid against the schema).
"""

import os

import requests
import schemathesis
from schemathesis.checks import positive_data_acceptance
from requests.auth import HTTPDigestAuth

BASE = os.environ["PC_API_URL"].rstrip("/")


def auth(var):
    public, private = os.environ[var].split(":", 1)
    return HTTPDigestAuth(public, private)


def served(path):
    """The served document, minus its security requirement: requests' HTTPDigestAuth signs
    every call outside schemathesis' view, so checks that believe they sent no Authorization
    header (ignored_auth, missing_required_header, and negative cases that drop the header)
    would judge a request that did carry it. Authentication itself is tested in tests/it."""
    doc = requests.get(f"{BASE}{path}", timeout=10).json()
    doc.pop("security", None)
    doc.get("components", {}).pop("securitySchemes", None)
    return schemathesis.openapi.from_dict(doc)


msp = served("/v1beta1/msp/openapi.json")
v1 = served("/api/v1/openapi.json")


def check(case, response):
    # Five refusals of schema-valid input are by design, and no schema can state them: a month
    # outside the bill window (the running month and six before it, a window that moves), a
    # page token this API never gave out (tokens are opaque), a private offer's writes, which
    # its authorization judges (its buyers, durations, end and offers left) as it does dates
    # against the release and today, and a price plan's writes, whose name must be free among
    # the partner's plans, whose markups must be within -50 % to 100 % and whose services each
    # come once with a name, a webhook's URL, whose host must resolve, now, to public
    # addresses only, and a budget, whose customerOrgId must be one of the partner's customers
    # and whose scope (the partner, or that customer) must not have one yet. For those cases only, the positive-data check is off; every other check
    # still applies.
    by_design = (
        "billedMonth" in (case.path_parameters or {})
        or (case.query or {}).get("pageToken")
        or (case.method == "POST" and "/api/v1/offers" in case.path)
        or (case.method in ("POST", "PUT") and "/api/v1/pricePlans" in case.path)
        or (
            case.method in ("POST", "PATCH")
            and case.path in ("/api/v1/webhooks", "/api/v1/webhooks/{webhookId}")
        )
        or (case.method == "POST" and case.path == "/api/v1/budgets")
    )
    excluded = [positive_data_acceptance] if by_design else []
    case.validate_response(response, excluded_checks=excluded)


@msp.parametrize()
def test_msp_api(case):
    response = case.call(base_url=BASE, auth=auth("PC_MSP_KEY"))
    check(case, response)


@v1.parametrize()
def test_v1_as_msp(case):
    response = case.call(base_url=BASE, auth=auth("PC_MSP_KEY"))
    check(case, response)


@v1.parametrize()
def test_v1_as_reseller(case):
    response = case.call(base_url=BASE, auth=auth("PC_RESELLER_KEY"))
    check(case, response)
