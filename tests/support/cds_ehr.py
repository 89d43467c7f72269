"""A sandbox EHR for the CDS Hooks tests: its signing keys and JWK Set, its JWTs, and a small FHIR server.

Everything is made here: an RSA (RS384) and an EC P-384 (ES384) key pair generated per run, a JWK Set
served at the issuer's URL, and a FHIR server holding the resources of a synthetic case (the FHIR
branch's `case_to_bundle` of a demo case, references rewritten from the Bundle's `urn:uuid:` to
`Type/id` as a server stores them). Both answer through one `httpx.MockTransport`, so nothing listens
on a port; the server requires the access token the hook request hands over and pages its searches.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from oligoboard.interop.cds_hooks.config import CdsConfig, TrustedIssuer

ISS = "https://ehr.example.org"
JWKS_URL = "https://ehr.example.org/.well-known/jwks.json"
FHIR_BASE = "https://ehr.example.org/fhir"
BASE_URL = "https://cds.example.org"
SERVICE = "oligoboard-patient-view"
ACCESS_TOKEN = "opaque-fhir-token-for-the-service"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "cases"


@dataclass
class EhrKeys:
    """The EHR's key pairs (RS384 and ES384) and their public JWK Set."""

    rsa_key: rsa.RSAPrivateKey = field(default_factory=lambda: rsa.generate_private_key(65537, 2048))
    ec_key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP384R1())
    )

    def jwks(self) -> dict[str, Any]:
        rsa_jwk = json.loads(RSAAlgorithm.to_jwk(self.rsa_key.public_key()))
        ec_jwk = json.loads(ECAlgorithm.to_jwk(self.ec_key.public_key()))
        return {
            "keys": [
                {**rsa_jwk, "kid": "rsa-1", "use": "sig", "alg": "RS384"},
                {**ec_jwk, "kid": "ec-1", "use": "sig", "alg": "ES384"},
            ]
        }

    def token(
        self,
        aud: str | list[str],
        *,
        alg: str = "RS384",
        kid: str | None = None,
        iss: str = ISS,
        exp_in: float = 300,
        iat_shift: float = 0,
        jti: str | None = None,
        jku: str | None = JWKS_URL,
        drop: tuple[str, ...] = (),
        extra: Mapping[str, Any] | None = None,
        key: Any = None,
    ) -> str:
        now = time.time()
        claims: dict[str, Any] = {
            "iss": iss,
            "aud": aud,
            "exp": int(now + exp_in),
            "iat": int(now + iat_shift),
            "jti": jti or str(uuid.uuid4()),
            **(extra or {}),
        }
        for name in drop:
            claims.pop(name, None)
        headers: dict[str, Any] = {"typ": "JWT", "kid": kid or ("rsa-1" if alg.startswith("RS") else "ec-1")}
        if jku is not None:
            headers["jku"] = jku
        signing = key if key is not None else (self.rsa_key if alg.startswith("RS") else self.ec_key)
        return jwt.encode(claims, signing, algorithm=alg, headers=headers)


def config(**issuer: Any) -> CdsConfig:
    return CdsConfig(base_url=BASE_URL, issuers=(TrustedIssuer(iss=ISS, jwks_url=JWKS_URL, **issuer),))


def server_resources(case_file: str = "demo-02-sync-two-bone-on-induction.json") -> list[dict[str, Any]]:
    """A demo case as the resources a FHIR server would hold (`Type/id` references)."""
    from oligoboard.case.io import load_case
    from oligoboard.interop.fhir.case_to_bundle import case_to_bundle

    bundle = case_to_bundle(load_case(EXAMPLES / case_file))
    text = json.dumps([entry["resource"] for entry in bundle["entry"]])
    for entry in bundle["entry"]:
        ref = f"{entry['resource']['resourceType']}/{entry['resource']['id']}"
        text = text.replace(json.dumps(entry["fullUrl"]), json.dumps(ref))
    resources: list[dict[str, Any]] = json.loads(text)
    return resources


def patient_id(resources: list[dict[str, Any]]) -> str:
    return str(next(r["id"] for r in resources if r["resourceType"] == "Patient"))


@dataclass
class SandboxEhr:
    """The JWK Set and the FHIR server behind one MockTransport, with a log of what was asked."""

    keys: EhrKeys
    resources: list[dict[str, Any]]
    page_size: int = 10
    calls: list[str] = field(default_factory=list)
    jwks_status: int = 200

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        self.calls.append(url)
        if url == JWKS_URL:
            return httpx.Response(self.jwks_status, json=self.keys.jwks())
        if not url.startswith(FHIR_BASE + "/"):
            return httpx.Response(404)
        if request.headers.get("authorization") != f"Bearer {ACCESS_TOKEN}":
            return httpx.Response(401)
        parts = urlsplit(url)
        path = parts.path.removeprefix(urlsplit(FHIR_BASE).path + "/")
        query = parse_qs(parts.query)
        if "/" in path:  # read
            kind, rid = path.split("/", 1)
            found = [r for r in self.resources if r["resourceType"] == kind and r.get("id") == rid]
            return httpx.Response(200, json=found[0]) if found else httpx.Response(404)
        return self.search(path, query)

    def search(self, kind: str, query: dict[str, list[str]]) -> httpx.Response:
        pid = query.get("patient", [""])[0]
        matches = [r for r in self.resources if r["resourceType"] == kind and self._about(r, pid)]
        page = int(query.get("_page", ["1"])[0])
        chunk = matches[(page - 1) * self.page_size : page * self.page_size]
        bundle: dict[str, Any] = {
            "resourceType": "Bundle",
            "type": "searchset",
            "total": len(matches),
            "entry": [{"resource": r} for r in chunk],
            "link": [{"relation": "self", "url": f"{FHIR_BASE}/{kind}?patient={pid}&_page={page}"}],
        }
        if page * self.page_size < len(matches):
            bundle["link"].append(
                {"relation": "next", "url": f"{FHIR_BASE}/{kind}?patient={pid}&_page={page + 1}"}
            )
        return httpx.Response(200, json=bundle)

    @staticmethod
    def _about(resource: Mapping[str, Any], pid: str) -> bool:
        target = f"Patient/{pid}"
        for name in ("subject", "patient", "for"):
            ref = resource.get(name)
            if isinstance(ref, dict) and ref.get("reference") == target:
                return True
        return False


def prefetch_of(resources: list[dict[str, Any]], keys: tuple[str, ...] | None = None) -> dict[str, Any]:
    """What a CDS Client would prefetch for the service's templates (all of them, or `keys`)."""
    from oligoboard.interop.cds_hooks.discovery import PATIENT_VIEW_PREFETCH

    out: dict[str, Any] = {}
    for key, template in PATIENT_VIEW_PREFETCH.items():
        if keys is not None and key not in keys:
            continue
        kind = template.split("?")[0].split("/")[0]
        if "?" not in template:
            out[key] = next(r for r in resources if r["resourceType"] == kind)
        else:
            out[key] = {
                "resourceType": "Bundle",
                "type": "searchset",
                "entry": [{"resource": r} for r in resources if r["resourceType"] == kind],
            }
    return out


def hook_request(pid: str, *, prefetch: dict[str, Any] | None = None, fhir: bool = True) -> dict[str, Any]:
    body: dict[str, Any] = {
        "hook": "patient-view",
        "hookInstance": str(uuid.uuid4()),
        "context": {"userId": "Practitioner/example", "patientId": pid},
    }
    if fhir:
        body["fhirServer"] = FHIR_BASE
        body["fhirAuthorization"] = {
            "access_token": ACCESS_TOKEN,
            "token_type": "Bearer",
            "expires_in": 300,
            "scope": "patient/*.read",
            "subject": "oligoboard",
            "patient": pid,
        }
    if prefetch is not None:
        body["prefetch"] = prefetch
    return body
