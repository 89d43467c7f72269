"""The FHIR resources of one hook call: prefetched by the EHR, or fetched from its FHIR server.

The specification ("Providing FHIR Resources to a CDS Service") leaves it to the CDS Client which
prefetch templates it satisfies; the service checks each key:
- present with a resource or Bundle: used (an OperationOutcome in its place means the client failed to
  prefetch it: fetched instead; a Bundle with a `next` link is paginated: the rest is fetched);
- present as `null`: the client has no data for it (nothing to fetch);
- absent: fetched from `fhirServer` with the `fhirAuthorization` bearer token ("FHIR Resource Access"),
  or, without them, the call fails with 412 Precondition Failed naming the keys, as the spec requires.

The FHIR server URL comes from the request, so it is only called over https (plain http on loopback for
tests), only under a base URL configured for the caller's issuer when the configuration lists any, and
`next` links are followed only under the same base: the access token never leaves for another host.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

import httpx

#: pages followed per search (a `next` chain longer than this is refused, not silently cut)
MAX_PAGES = 50
_TOKEN_START = "{{"


class PrefetchUnavailable(Exception):
    """Data the service needs could neither be read from the prefetch nor fetched: HTTP 412."""

    def __init__(self, keys: list[str], reason: str) -> None:
        super().__init__(reason)
        self.keys = keys
        self.reason = reason


class PatientMismatch(Exception):
    """The prefetched or fetched Patient is not `context.patientId`: the request contradicts itself."""


@dataclass
class Gathered:
    """Every resource found, and where each prefetch key's data came from."""

    resources: list[dict[str, Any]] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)  # key → prefetch | fhir-server | no-data


def render(template: str, context: Mapping[str, Any]) -> str:
    """A prefetch template with its `{{context.x}}` tokens replaced (URL-encoded).

    Example:
        >>> render("Condition?patient={{context.patientId}}", {"patientId": "p 1"})
        'Condition?patient=p%201'
    """
    out, rest = [], template
    while _TOKEN_START in rest:
        before, _, after = rest.partition(_TOKEN_START)
        token, sep, rest = after.partition("}}")
        if not sep or not token.startswith("context."):
            raise ValueError("unsupported prefetch token")
        value = context.get(token.removeprefix("context."))
        if not isinstance(value, str) or not value:
            raise KeyError(token)
        out += [before, quote(value, safe="")]
    return "".join([*out, rest])


def resources_of(value: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A resource, or the entries of a Bundle, without OperationOutcomes (search outcome messages)."""
    if value.get("resourceType") == "Bundle":
        found = []
        for entry in value.get("entry") or []:
            resource = entry.get("resource") if isinstance(entry, dict) else None
            if isinstance(resource, dict) and resource.get("resourceType") != "OperationOutcome":
                found.append(resource)
        return found
    return [dict(value)] if value.get("resourceType") != "OperationOutcome" else []


def _next_link(bundle: Mapping[str, Any]) -> str | None:
    for link in bundle.get("link") or []:
        if isinstance(link, dict) and link.get("relation") == "next" and isinstance(link.get("url"), str):
            return str(link["url"])
    return None


def fhir_server_allowed(url: str, allowed: tuple[str, ...]) -> bool:
    """https (or loopback http), and under one of `allowed` when any is configured.

    Example:
        >>> fhir_server_allowed("https://ehr.example.org/fhir", ())
        True
        >>> fhir_server_allowed("http://ehr.example.org/fhir", ())
        False
    """
    parts = urlsplit(url)
    secure = parts.scheme == "https" or (
        parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost")
    )
    if not secure or not parts.netloc:
        return False
    return not allowed or any(_under(url, base) for base in allowed)


def _under(url: str, base: str) -> bool:
    base = base.rstrip("/")
    return url == base or url.startswith(base + "/")


@dataclass(frozen=True)
class FhirClient:
    """GETs on the EHR's FHIR server with the access token the EHR handed over for this call."""

    http: httpx.Client
    base: str
    token: str
    timeout: float

    def get(self, url: str, key: str) -> dict[str, Any]:
        if not _under(url, self.base):
            raise PrefetchUnavailable([key], "a link points outside the FHIR server")
        try:
            response = self.http.get(
                url,
                headers={"Authorization": f"Bearer {self.token}", "Accept": "application/fhir+json"},
                timeout=self.timeout,
            )
        except httpx.HTTPError as exc:
            raise PrefetchUnavailable(
                [key], f"the FHIR server did not answer ({type(exc).__name__})"
            ) from exc
        if response.status_code != 200:
            raise PrefetchUnavailable([key], f"the FHIR server answered HTTP {response.status_code}")
        try:
            body = response.json()
        except ValueError as exc:
            raise PrefetchUnavailable([key], "the FHIR server's answer is not JSON") from exc
        if not isinstance(body, dict) or not isinstance(body.get("resourceType"), str):
            raise PrefetchUnavailable([key], "the FHIR server's answer is not a FHIR resource")
        return body

    def rest_of(self, first: Mapping[str, Any], key: str) -> list[dict[str, Any]]:
        """The resources of every page after `first` (a searchset with a `next` link)."""
        found: list[dict[str, Any]] = []
        page, pages = first, 1
        while (link := _next_link(page)) is not None:
            pages += 1
            if pages > MAX_PAGES:
                raise PrefetchUnavailable([key], f"more than {MAX_PAGES} pages")
            page = self.get(link, key)
            found += resources_of(page)
        return found


def gather(
    request: Mapping[str, Any],
    templates: Mapping[str, str],
    http: httpx.Client,
    allowed_servers: tuple[str, ...] = (),
    timeout: float = 10.0,
) -> Gathered:
    """The resources for `templates` (a validated request's prefetch first, the FHIR server second)."""
    context: Mapping[str, Any] = request.get("context") or {}
    prefetch: Mapping[str, Any] = request.get("prefetch") or {}
    client = _client(request, http, allowed_servers, timeout)
    gathered = Gathered()
    missing: list[str] = []
    for key, template in templates.items():
        value = prefetch.get(key, None) if key in prefetch else ...
        if value is None:
            gathered.sources[key] = "no-data"
            continue
        if isinstance(value, dict) and value.get("resourceType") != "OperationOutcome":
            gathered.resources += resources_of(value)
            if _next_link(value) is not None:
                if client is None:
                    missing.append(key)
                    continue
                gathered.resources += client.rest_of(value, key)
            gathered.sources[key] = "prefetch"
            continue
        if client is None:
            missing.append(key)
            continue
        body = client.get(f"{client.base}/{render(template, context)}", key)
        gathered.resources += resources_of(body)
        if body.get("resourceType") == "Bundle":
            gathered.resources += client.rest_of(body, key)
        gathered.sources[key] = "fhir-server"
    if missing:
        raise PrefetchUnavailable(
            missing, "not prefetched (or paginated), and no fhirServer with fhirAuthorization to fetch it"
        )
    _check_patient(gathered.resources, context, request.get("fhirAuthorization"))
    return _deduplicated(gathered)


def _client(
    request: Mapping[str, Any], http: httpx.Client, allowed: tuple[str, ...], timeout: float
) -> FhirClient | None:
    server, authorization = request.get("fhirServer"), request.get("fhirAuthorization")
    if not isinstance(server, str) or not isinstance(authorization, dict):
        return None
    token = authorization.get("access_token")
    if not isinstance(token, str) or not fhir_server_allowed(server, allowed):
        return None
    return FhirClient(http=http, base=server.rstrip("/"), token=token, timeout=timeout)


def _check_patient(
    resources: list[dict[str, Any]], context: Mapping[str, Any], authorization: object = None
) -> None:
    patient_id = context.get("patientId")
    if isinstance(authorization, dict) and authorization.get("patient", patient_id) != patient_id:
        raise PatientMismatch("fhirAuthorization.patient is not the patient of context.patientId")
    for resource in resources:
        if resource.get("resourceType") == "Patient" and resource.get("id", patient_id) != patient_id:
            raise PatientMismatch("a Patient resource is not the patient of context.patientId")


def _deduplicated(gathered: Gathered) -> Gathered:
    """One copy of each resource (a client may send the same one under two keys, or on two pages)."""
    seen: set[tuple[str, str]] = set()
    unique: list[dict[str, Any]] = []
    for resource in gathered.resources:
        rid = resource.get("id")
        key = (str(resource.get("resourceType")), rid) if isinstance(rid, str) else None
        if key is not None:
            if key in seen:
                continue
            seen.add(key)
        unique.append(resource)
    return Gathered(resources=unique, sources=gathered.sources)
