"""The calling EHR's bearer JWT, checked as "Trusting CDS Clients" (CDS Hooks 3.0) describes.

A hook or feedback call must carry `Authorization: Bearer <JWT>`; the token is refused (401) unless
- its header has `typ: JWT`, a `kid`, and an `alg` the issuer is configured for (RS384 / ES384 by
  default; `none` and HMAC never: "SHALL NOT be signed using any symmetric algorithm");
- its `iss` is a configured issuer, and a `jku` header, when sent, is that issuer's configured JWK Set
  URL (keys are never fetched from a URL the token names by itself);
- the signature verifies with the key `kid` of that JWK Set (a fetched set is cached; an unknown `kid`
  refetches once, so a rotated key works);
- `aud` is the endpoint invoked (configured base URL + path; string or array), `exp` has not passed,
  `iat` is not in the future (both with the configured leeway), `jti` is present and not seen before
  from the same issuer while the token lives (replay; kept in memory per process);
- `tenant`, when the issuer lists tenants, is one of them.

Refusal reasons name the check, never a claim's value.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import httpx
import jwt

from oligoboard.interop.cds_hooks.config import ASYMMETRIC, CdsConfig, TrustedIssuer


class AuthError(Exception):
    """The caller is not authenticated: 401 with `reason` (which check failed, no values)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Caller:
    """The authenticated EHR of one call."""

    iss: str
    tenant: str | None
    jti: str
    issuer: TrustedIssuer


class ReplayCache:
    """`(iss, jti)` pairs seen while their token is alive; a second use is a replay."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()

    def first_use(self, iss: str, jti: str, expires: float, now: float) -> bool:
        with self._lock:
            for key in [k for k, exp in self._seen.items() if exp < now]:
                del self._seen[key]
            if (iss, jti) in self._seen:
                return False
            self._seen[(iss, jti)] = expires
            return True


class KeyStore:
    """Public keys per issuer: the configured JWK Set, or the one fetched from its configured URL."""

    #: a kid missing from a cached set triggers a refetch at most this often, seconds
    REFETCH_AFTER = 5.0

    def __init__(self, config: CdsConfig, http: httpx.Client) -> None:
        self._config = config
        self._http = http
        self._cache: dict[str, tuple[float, list[dict[str, Any]]]] = {}
        self._lock = threading.Lock()

    def _fetch(self, url: str, now: float) -> list[dict[str, Any]]:
        try:
            response = self._http.get(url, timeout=self._config.http_timeout_seconds)
            body = response.json() if response.status_code == 200 else None
        except (httpx.HTTPError, ValueError):
            body = None
        keys = body.get("keys") if isinstance(body, dict) else None
        if not isinstance(keys, list):
            raise AuthError("the issuer's JWK Set could not be fetched")
        found = [k for k in keys if isinstance(k, dict)]
        with self._lock:
            self._cache[url] = (now, found)
        return found

    def _keys(self, issuer: TrustedIssuer, now: float, refresh: bool) -> list[dict[str, Any]]:
        if issuer.jwks is not None:
            return [k for k in issuer.jwks.get("keys", []) if isinstance(k, dict)]
        assert issuer.jwks_url is not None
        with self._lock:
            cached = self._cache.get(issuer.jwks_url)
        if cached is not None:
            fetched_at, keys = cached
            fresh = now - fetched_at < self._config.jwks_cache_seconds
            if fresh and not (refresh and now - fetched_at >= self.REFETCH_AFTER):
                return keys
        return self._fetch(issuer.jwks_url, now)

    def key(self, issuer: TrustedIssuer, kid: str, alg: str, now: float) -> jwt.PyJWK:
        keys = self._keys(issuer, now, refresh=False)
        match = [k for k in keys if k.get("kid") == kid]
        if not match and issuer.jwks_url is not None:
            match = [k for k in self._keys(issuer, now, refresh=True) if k.get("kid") == kid]
        if len(match) != 1:
            raise AuthError("no single key with the token's kid in the issuer's JWK Set")
        data = match[0]
        if data.get("use", "sig") != "sig" or data.get("alg", alg) != alg:
            raise AuthError("the key with the token's kid is not a signing key for the token's alg")
        try:
            return jwt.PyJWK(data, algorithm=alg)
        except jwt.PyJWTError as exc:
            raise AuthError("the key with the token's kid does not fit the token's alg") from exc


def bearer_token(authorization: str | None) -> str:
    """The JWT of an `Authorization: Bearer …` header.

    Example:
        >>> bearer_token("Bearer abc.def.ghi")
        'abc.def.ghi'
    """
    if not authorization:
        raise AuthError("no Authorization header (a bearer JWT is required)")
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthError("the Authorization header is not a bearer token")
    return token.strip()


def authenticate(
    authorization: str | None,
    audiences: Iterable[str],
    config: CdsConfig,
    keys: KeyStore,
    replay: ReplayCache,
    now: float | None = None,
) -> Caller:
    """The caller of one request, or `AuthError` naming the failed check."""
    now = time.time() if now is None else now
    token = bearer_token(authorization)
    try:
        header = jwt.get_unverified_header(token)
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise AuthError("the bearer token is not a JWT") from exc
    if header.get("typ") != "JWT":
        raise AuthError("the JWT header's typ is not JWT")
    alg, kid = header.get("alg"), header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise AuthError("the JWT header has no kid")
    issuer = config.issuer(unverified.get("iss"))
    if issuer is None:
        raise AuthError("the token's issuer (iss) is not a trusted EHR")
    if not isinstance(alg, str) or alg not in ASYMMETRIC or alg not in issuer.algorithms:
        raise AuthError("the JWT's alg is not one this issuer may use")
    jku = header.get("jku")
    if jku is not None and jku != issuer.jwks_url:
        raise AuthError("the JWT's jku is not the JWK Set URL configured for its issuer")
    key = keys.key(issuer, kid, alg, now)
    audience = list(audiences)
    if not audience:
        raise AuthError("the service has no base URL configured, so no audience can match")
    try:
        claims = jwt.decode(
            token,
            key=key,
            algorithms=[alg],
            audience=audience,
            issuer=issuer.iss,
            leeway=config.leeway_seconds,
            options={"require": ["iss", "aud", "exp", "iat", "jti"], "verify_iat": True},
        )
    except jwt.InvalidSignatureError as exc:
        raise AuthError("the JWT's signature does not verify") from exc
    except jwt.ExpiredSignatureError as exc:
        raise AuthError("the JWT has expired (exp)") from exc
    except jwt.InvalidAudienceError as exc:
        raise AuthError("the JWT's aud is not this endpoint") from exc
    except jwt.MissingRequiredClaimError as exc:
        raise AuthError(f"the JWT lacks the required claim {exc.claim}") from exc
    except jwt.ImmatureSignatureError as exc:
        raise AuthError("the JWT was issued in the future (iat)") from exc
    except jwt.PyJWTError as exc:
        raise AuthError(f"the JWT is invalid ({type(exc).__name__})") from exc
    iat, exp, jti = claims["iat"], claims["exp"], claims["jti"]
    if not isinstance(iat, int | float) or iat > now + config.leeway_seconds:
        raise AuthError("the JWT was issued in the future (iat)")
    if not isinstance(jti, str) or not jti:
        raise AuthError("the JWT's jti is not a string")
    tenant = claims.get("tenant")
    if tenant is not None and not isinstance(tenant, str):
        raise AuthError("the JWT's tenant is not a string")
    if issuer.tenants and tenant not in issuer.tenants:
        raise AuthError("the JWT's tenant is not one configured for its issuer")
    if not replay.first_use(issuer.iss, jti, float(exp) + config.leeway_seconds, now):
        raise AuthError("the JWT's jti was already used (replay)")
    return Caller(iss=issuer.iss, tenant=tenant, jti=jti, issuer=issuer)
