"""Bearer-JWT checks of the calling EHR ("Trusting CDS Clients", CDS Hooks 3.0): one test per refusal.

Keys are generated per run (tests/support/cds_ehr.py); the JWK Set is served through a MockTransport.
The spec phrases each check enforces are quoted next to the cases.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from oligoboard.errors import InputError
from oligoboard.interop.cds_hooks.auth import AuthError, KeyStore, ReplayCache, authenticate
from oligoboard.interop.cds_hooks.config import CdsConfig, TrustedIssuer, load_config, parse_config
from tests.support.cds_ehr import BASE_URL, ISS, JWKS_URL, SERVICE, EhrKeys, SandboxEhr, config

AUD = f"{BASE_URL}/cds-services/{SERVICE}"


@pytest.fixture(scope="module")
def keys() -> EhrKeys:
    return EhrKeys()


def _check(
    keys: EhrKeys, token: str | None, cfg: CdsConfig | None = None, ehr: SandboxEhr | None = None
) -> Any:
    cfg = cfg or config()
    ehr = ehr or SandboxEhr(keys, [])
    store = KeyStore(cfg, httpx.Client(transport=ehr.transport()))
    header = None if token is None else f"Bearer {token}"
    return authenticate(header, [AUD], cfg, store, ReplayCache())


@pytest.mark.parametrize("alg", ["RS384", "ES384"])  # "both ES384 and RS384 are RECOMMENDED"
def test_a_valid_token_of_a_trusted_ehr_is_accepted(keys: EhrKeys, alg: str) -> None:
    caller = _check(keys, keys.token(AUD, alg=alg, extra={"tenant": "north"}))
    assert caller.iss == ISS and caller.tenant == "north"


def test_aud_may_be_an_array_holding_the_endpoint(keys: EhrKeys) -> None:
    # "the aud value is either "https://cds.example.org/cds-services/some-service" or [...]"
    assert _check(keys, keys.token([AUD])).iss == ISS


def _other_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(65537, 2048)


#: (case, token maker, expected reason fragment, the spec's phrase)
REFUSALS: list[tuple[str, Callable[[EhrKeys], str | None], str, str]] = [
    (
        "missing",
        lambda k: None,
        "no Authorization header",
        "the request MUST include an Authorization header",
    ),
    ("not a JWT", lambda k: "not-a-jwt", "not a JWT", "presenting the JWT as a Bearer token"),
    (
        "bad signature",
        lambda k: k.token(AUD, key=_other_key()),
        "signature does not verify",
        "MUST use its private key to digitally sign the JWT",
    ),
    (
        "wrong aud",
        lambda k: k.token(f"{BASE_URL}/cds-services/other"),
        "aud is not this endpoint",
        "this value MUST be the URL of the CDS Service endpoint being invoked",
    ),
    ("expired", lambda k: k.token(AUD, exp_in=-120), "expired", "exp | REQUIRED | Expiration time"),
    (
        "issued in the future",
        lambda k: k.token(AUD, iat_shift=600, exp_in=900),
        "future",
        "iat | REQUIRED | The time at which this JWT was issued",
    ),
    (
        "unknown iss",
        lambda k: k.token(AUD, iss="https://evil.example.org"),
        "not a trusted EHR",
        "maintaining an allowlist of iss and jku urls",
    ),
    (
        "jku not configured",
        lambda k: k.token(AUD, jku="https://evil.example.org/jwks"),
        "jku is not the JWK Set URL",
        "allowlist of iss and jku urls",
    ),
    (
        "no jti",
        lambda k: k.token(AUD, drop=("jti",)),
        "lacks the required claim jti",
        "jti | REQUIRED | A nonce string",
    ),
    ("no exp", lambda k: k.token(AUD, drop=("exp",)), "lacks the required claim exp", "exp | REQUIRED"),
    (
        "no kid",
        lambda k: jwt.encode({"iss": ISS, "aud": AUD}, k.rsa_key, algorithm="RS384", headers={"typ": "JWT"}),
        "no kid",
        "kid | REQUIRED",
    ),
    (
        "unknown kid",
        lambda k: k.token(AUD, kid="rsa-9"),
        "no single key with the token's kid",
        "The kid value ... identify the correct JWK",
    ),
    (
        "HMAC",
        lambda k: jwt.encode(
            {"iss": ISS, "aud": AUD}, "s" * 48, algorithm="HS384", headers={"kid": "rsa-1", "typ": "JWT"}
        ),
        "alg is not one",
        "SHALL NOT be signed using any symmetric algorithm",
    ),
    (
        "alg none",
        lambda k: jwt.encode(
            {"iss": ISS, "aud": AUD}, "", algorithm="none", headers={"kid": "rsa-1", "typ": "JWT"}
        ),
        "alg is not one",
        "SHALL NOT be signed using the none algorithm",
    ),
    (
        "RS256 not configured",
        lambda k: k.token(AUD, alg="RS256"),
        "alg is not one",
        "CDS Services SHOULD consider the algorithms they understand and trust",
    ),
    (
        "kid of the other key type",
        lambda k: k.token(AUD, alg="ES384", kid="rsa-1"),
        "not a signing key for the token's alg",
        "identify the correct JWK",
    ),
    (
        "typ not JWT",
        lambda k: jwt.encode(
            {"iss": ISS, "aud": AUD}, k.rsa_key, algorithm="RS384", headers={"kid": "rsa-1", "typ": "at+jwt"}
        ),
        "typ is not JWT",
        "typ | REQUIRED | Fixed value: JWT",
    ),
]


@pytest.mark.parametrize(("case", "make", "reason", "phrase"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_every_failed_check_refuses(
    keys: EhrKeys, case: str, make: Callable[[EhrKeys], str | None], reason: str, phrase: str
) -> None:
    with pytest.raises(AuthError) as refused:
        _check(keys, make(keys))
    assert reason in refused.value.reason, (case, phrase, refused.value.reason)


def test_a_replayed_jti_is_refused(keys: EhrKeys) -> None:
    # jti: "uniquely identifies this authentication JWT (used to protect against replay attacks)"
    cfg = config()
    store = KeyStore(cfg, httpx.Client(transport=SandboxEhr(keys, []).transport()))
    replay = ReplayCache()
    token = keys.token(AUD)
    authenticate(f"Bearer {token}", [AUD], cfg, store, replay)
    with pytest.raises(AuthError, match="replay"):
        authenticate(f"Bearer {token}", [AUD], cfg, store, replay)


def test_a_tenant_outside_the_issuer_list_is_refused(keys: EhrKeys) -> None:
    cfg = config(tenants=("north",))
    assert _check(keys, keys.token(AUD, extra={"tenant": "north"}), cfg).tenant == "north"
    for token in (keys.token(AUD, extra={"tenant": "south"}), keys.token(AUD)):
        with pytest.raises(AuthError, match="tenant"):
            _check(keys, token, cfg)


def test_an_inline_jwk_set_needs_no_fetch_and_refuses_any_jku(keys: EhrKeys) -> None:
    cfg = CdsConfig(base_url=BASE_URL, issuers=(TrustedIssuer(iss=ISS, jwks=keys.jwks()),))
    ehr = SandboxEhr(keys, [])
    assert _check(keys, keys.token(AUD, jku=None), cfg, ehr).iss == ISS
    assert ehr.calls == []
    with pytest.raises(AuthError, match="jku"):
        _check(keys, keys.token(AUD), cfg, ehr)


def test_the_jwk_set_is_cached_and_refetched_for_a_new_kid(keys: EhrKeys) -> None:
    cfg = config()
    ehr = SandboxEhr(keys, [])
    store = KeyStore(cfg, httpx.Client(transport=ehr.transport()))
    store.REFETCH_AFTER = 0.0
    replay = ReplayCache()
    for _ in range(3):
        authenticate(f"Bearer {keys.token(AUD)}", [AUD], cfg, store, replay)
    assert ehr.calls == [JWKS_URL]  # fetched once
    rotated = EhrKeys()
    ehr.keys = rotated  # the EHR rotates its keys: same kids, new key pairs
    with pytest.raises(AuthError):  # old cached key: the new signature does not verify
        authenticate(f"Bearer {rotated.token(AUD, kid='rsa-1')}", [AUD], cfg, store, replay)
    with pytest.raises(AuthError, match="kid"):  # an unknown kid refetches once, then refuses
        authenticate(f"Bearer {rotated.token(AUD, kid='rsa-2')}", [AUD], cfg, store, replay)
    assert ehr.calls == [JWKS_URL, JWKS_URL]


def test_an_unreachable_jwk_set_refuses(keys: EhrKeys) -> None:
    ehr = SandboxEhr(keys, [], jwks_status=503)
    with pytest.raises(AuthError, match="JWK Set could not be fetched"):
        _check(keys, keys.token(AUD), ehr=ehr)


def test_without_a_base_url_no_audience_matches(keys: EhrKeys) -> None:
    cfg = CdsConfig(issuers=(TrustedIssuer(iss=ISS, jwks_url=JWKS_URL),))
    store = KeyStore(cfg, httpx.Client(transport=SandboxEhr(keys, []).transport()))
    with pytest.raises(AuthError, match="base URL"):
        authenticate(f"Bearer {keys.token(AUD)}", [], cfg, store, ReplayCache())


# --- the configuration file -------------------------------------------------------------------------------


def test_config_file_round_trip(tmp_path: Any) -> None:
    path = tmp_path / "cds.json"
    path.write_text(
        '{"base_url": "https://cds.example.org", "issuers": [{"iss": "https://ehr.example.org", '
        '"jwks_url": "https://ehr.example.org/jwks", "tenants": ["north"]}], "leeway_seconds": 10}',
        encoding="utf-8",
    )
    cfg = load_config(path)
    assert cfg.audience("/cds-services") == "https://cds.example.org/cds-services"
    issuer = cfg.issuer("https://ehr.example.org")
    assert issuer is not None and issuer.tenants == ("north",) and issuer.algorithms == ("RS384", "ES384")
    assert cfg.leeway_seconds == 10 and load_config(None).issuers == ()


@pytest.mark.parametrize(
    ("raw", "path"),
    [
        ({"issuers": [{"iss": "x", "jwks_url": "https://e/j"}]}, "base_url"),
        ({"base_url": "http://cds.example.org"}, "base_url"),
        ({"base_url": "https://c.org", "issuers": [{"iss": "x"}]}, "issuers[0]"),
        (
            {
                "base_url": "https://c.org",
                "issuers": [{"iss": "x", "jwks_url": "https://e/j", "algorithms": ["HS256"]}],
            },
            "issuers[0].algorithms",
        ),
        (
            {
                "base_url": "https://c.org",
                "issuers": [{"iss": "x", "jwks_url": "https://e/j", "secret": "s"}],
            },
            "issuers[0].secret",
        ),
        ({"base_url": "https://c.org", "trust_everyone": True}, "trust_everyone"),
    ],
)
def test_a_bad_config_names_the_field(raw: dict[str, Any], path: str) -> None:
    with pytest.raises(InputError) as refused:
        parse_config(raw, "cds.json")
    assert path in [p.path for p in refused.value.problems]
    assert "cds.json" in refused.value.message


def test_serve_settings_read_the_config_named_by_the_environment(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from oligoboard.web.settings import Settings

    path = tmp_path / "cds.json"
    path.write_text('{"base_url": "https://cds.example.org", "issuers": [{"iss": "x"}]}', encoding="utf-8")
    monkeypatch.setenv("OLIGOBOARD_CDS_CONFIG", str(path))
    with pytest.raises(InputError) as refused:  # `serve` exits 2 with this (cli/main)
        Settings.from_env("sqlite://")
    assert [p.path for p in refused.value.problems] == ["issuers[0]"]
    monkeypatch.delenv("OLIGOBOARD_CDS_CONFIG")
    assert Settings.from_env("sqlite://").cds.issuers == ()
