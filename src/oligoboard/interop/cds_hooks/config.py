"""Which EHRs the CDS Hooks service trusts, and under which URL it is reached (a JSON file).

The specification ("Trusting CDS Clients") has the service keep an allow list of issuers (`iss`) and
JWK Set URLs (`jku`), and check that `aud` is the endpoint being invoked. Both come from this file, never
from the request: the audience is built from the configured `base_url` (a Host header can be forged),
and a key is only fetched from the JWK Set URL configured for the token's issuer.

    {
      "base_url": "https://oligoboard.example.org",
      "issuers": [
        {"iss": "https://ehr.example.org", "jwks_url": "https://ehr.example.org/jwks.json",
         "algorithms": ["RS384", "ES384"], "tenants": ["north"],
         "fhir_servers": ["https://ehr.example.org/fhir"]},
        {"iss": "https://lab-ehr.example.org", "jwks": {"keys": [{"kty": "EC", "...": "..."}]}}
      ]
    }

`oligoboard serve` reads the file named by `OLIGOBOARD_CDS_CONFIG`; without it no issuer is trusted and
every hook call is refused (401). Standard library only: the web settings import it at start-up.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from oligoboard.errors import InputError, Problem, kind_of

#: The algorithms the specification recommends (ES384, RS384). `none` and symmetric (HMAC) algorithms
#: SHALL NOT be used and are refused whatever a file says.
DEFAULT_ALGORITHMS: tuple[str, ...] = ("RS384", "ES384")
ASYMMETRIC: frozenset[str] = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"}
)


@dataclass(frozen=True)
class TrustedIssuer:
    """One EHR: its `iss`, where its public keys are (JWK Set URL or the set itself), what it may use."""

    iss: str
    jwks_url: str | None = None
    jwks: dict[str, Any] | None = None
    algorithms: tuple[str, ...] = DEFAULT_ALGORITHMS
    #: when not empty, the `tenant` claim is required and must be one of these
    tenants: tuple[str, ...] = ()
    #: FHIR server base URLs the service may call with this EHR's access token (empty: any https URL)
    fhir_servers: tuple[str, ...] = ()


@dataclass(frozen=True)
class CdsConfig:
    """The whole CDS Hooks configuration; the empty default trusts nobody."""

    base_url: str | None = None
    issuers: tuple[TrustedIssuer, ...] = ()
    #: clock skew tolerated on exp and iat, seconds
    leeway_seconds: int = 30
    #: cache lifetime of a fetched JWK Set, seconds (an unknown kid refetches once, for key rotation)
    jwks_cache_seconds: int = 300
    #: timeout of every outgoing call (JWK Set, FHIR server), seconds
    http_timeout_seconds: float = 10.0

    def issuer(self, iss: object) -> TrustedIssuer | None:
        return next((i for i in self.issuers if isinstance(iss, str) and i.iss == iss), None)

    def audience(self, path: str) -> str | None:
        """The `aud` a token must carry to call `path` (`/cds-services/x`): base URL + path.

        Example:
            >>> CdsConfig(base_url="https://cds.example.org/").audience("/cds-services/x")
            'https://cds.example.org/cds-services/x'
        """
        return self.base_url.rstrip("/") + path if self.base_url else None


_ISSUER_KEYS = {"iss", "jwks_url", "jwks", "algorithms", "tenants", "fhir_servers"}
_TOP_KEYS = {"base_url", "issuers", "leeway_seconds", "jwks_cache_seconds", "http_timeout_seconds"}


def _url(value: object, where: str, problems: list[Problem]) -> str | None:
    if not isinstance(value, str) or not urlsplit(value).scheme or not urlsplit(value).netloc:
        problems.append(Problem(where, "not an absolute URL", "https://…", kind_of(value)))
        return None
    if urlsplit(value).scheme != "https" and urlsplit(value).hostname not in ("127.0.0.1", "localhost"):
        problems.append(Problem(where, "must be https (plain http only on loopback)", "https://…"))
        return None
    return value


def _strings(value: object, where: str, problems: list[Problem]) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        problems.append(Problem(where, "not a list of strings", "a list of strings", kind_of(value)))
        return ()
    return tuple(value)


def _issuer(raw: object, where: str, problems: list[Problem]) -> TrustedIssuer | None:
    if not isinstance(raw, dict):
        problems.append(Problem(where, "not an object", "an object", kind_of(raw)))
        return None
    for key in sorted(set(raw) - _ISSUER_KEYS):
        problems.append(Problem(f"{where}.{key}", "unknown key", ", ".join(sorted(_ISSUER_KEYS))))
    iss = raw.get("iss")
    if not isinstance(iss, str) or not iss:
        problems.append(Problem(f"{where}.iss", "required: the issuer URI", "a string", kind_of(iss)))
        return None
    jwks_url = _url(raw["jwks_url"], f"{where}.jwks_url", problems) if "jwks_url" in raw else None
    jwks = raw.get("jwks")
    if jwks is not None and not (isinstance(jwks, dict) and isinstance(jwks.get("keys"), list)):
        problems.append(Problem(f"{where}.jwks", "not a JWK Set", '{"keys": […]}', kind_of(jwks)))
        jwks = None
    if (jwks_url is None) == (jwks is None):
        problems.append(Problem(where, "give exactly one of jwks_url and jwks", "jwks_url or jwks"))
    algorithms = _strings(raw.get("algorithms", list(DEFAULT_ALGORITHMS)), f"{where}.algorithms", problems)
    for alg in algorithms:
        if alg not in ASYMMETRIC:
            problems.append(
                Problem(
                    f"{where}.algorithms", "only asymmetric JWS algorithms", ", ".join(sorted(ASYMMETRIC))
                )
            )
    servers = _strings(raw.get("fhir_servers", []), f"{where}.fhir_servers", problems)
    for index, server in enumerate(servers):
        _url(server, f"{where}.fhir_servers[{index}]", problems)
    return TrustedIssuer(
        iss=iss,
        jwks_url=jwks_url,
        jwks=jwks,
        algorithms=algorithms or DEFAULT_ALGORITHMS,
        tenants=_strings(raw.get("tenants", []), f"{where}.tenants", problems),
        fhir_servers=servers,
    )


def parse_config(raw: object, source: str) -> CdsConfig:
    """The configuration from parsed JSON; every problem at once, as an `InputError` naming the field."""
    problems: list[Problem] = []
    if not isinstance(raw, dict):
        raise InputError(f"{source}: not a CDS Hooks configuration", [Problem("<document>", "not an object")])
    for key in sorted(set(raw) - _TOP_KEYS):
        problems.append(Problem(key, "unknown key", ", ".join(sorted(_TOP_KEYS))))
    base_url = _url(raw["base_url"], "base_url", problems) if "base_url" in raw else None
    issuers_raw = raw.get("issuers", [])
    issuers: list[TrustedIssuer] = []
    if not isinstance(issuers_raw, list):
        problems.append(Problem("issuers", "not a list", "a list of issuers", kind_of(issuers_raw)))
        issuers_raw = []
    for index, item in enumerate(issuers_raw):
        issuer = _issuer(item, f"issuers[{index}]", problems)
        if issuer is not None:
            issuers.append(issuer)
    if issuers and base_url is None:
        problems.append(Problem("base_url", "required with issuers: it makes the audience", "https://…"))
    numbers: dict[str, float] = {}
    for key in ("leeway_seconds", "jwks_cache_seconds", "http_timeout_seconds"):
        if key in raw:
            value = raw[key]
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                problems.append(Problem(key, "not a non-negative number", "a number", kind_of(value)))
            else:
                numbers[key] = value
    if problems:
        raise InputError(f"{source}: invalid CDS Hooks configuration", problems)
    return CdsConfig(
        base_url=base_url,
        issuers=tuple(issuers),
        leeway_seconds=int(numbers.get("leeway_seconds", 30)),
        jwks_cache_seconds=int(numbers.get("jwks_cache_seconds", 300)),
        http_timeout_seconds=float(numbers.get("http_timeout_seconds", 10.0)),
    )


def load_config(path: str | Path | None) -> CdsConfig:
    """The file's configuration, or the empty one (nobody trusted) when no file is named."""
    if not path:
        return CdsConfig()
    file = Path(path)
    try:
        raw = json.loads(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{file}: cannot read the CDS Hooks configuration ({type(exc).__name__})") from exc
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{file}: not JSON", [Problem("<document>", f"JSON syntax error at line {exc.lineno}")]
        ) from exc
    return parse_config(raw, str(file))
