"""The county sign-in's settings and the guard on where a sign-in returns."""

from __future__ import annotations

import pytest

from gateway.web.oidc import CountyProvider, OidcSettings, Pending, SignInRefused
from gateway.web.pages.signin import safe_next


def test_no_issuer_means_no_county_sign_in(monkeypatch):
    monkeypatch.delenv("WEB_OIDC_ISSUER", raising=False)
    assert OidcSettings.from_env() is None


def test_an_issuer_needs_a_client_id(monkeypatch):
    monkeypatch.setenv("WEB_OIDC_ISSUER", "https://sso.cj.example/realms/dgaspc/")
    monkeypatch.delenv("WEB_OIDC_CLIENT_ID", raising=False)
    with pytest.raises(RuntimeError, match="WEB_OIDC_CLIENT_ID"):
        OidcSettings.from_env()
    monkeypatch.setenv("WEB_OIDC_CLIENT_ID", "coordonare")
    monkeypatch.setenv("WEB_OIDC_REDIRECT_URL", "https://coordonare.cj.example/intrare/judet/raspuns")
    settings = OidcSettings.from_env()
    assert settings is not None and settings.issuer == "https://sso.cj.example/realms/dgaspc"
    assert settings.client_secret is None and settings.redirect_url.endswith("/raspuns")


@pytest.mark.parametrize(
    ("asked", "given"),
    [
        (None, "/"),
        ("/azi", "/azi"),
        ("/cazuri?cursor=abc", "/cazuri?cursor=abc"),
        ("https://atacator.example/", "/"),
        ("//atacator.example/", "/"),
        ("/\\atacator.example", "/"),
        ("azi", "/"),
    ],
)
def test_a_sign_in_returns_only_to_a_page_of_this_site(asked, given):
    assert safe_next(asked) == given


def test_a_callback_is_refused_before_asking_the_provider_anything():
    provider = CountyProvider(OidcSettings("https://sso.example", "c", None, None), None)  # type: ignore[arg-type]
    with pytest.raises(SignInRefused, match="no sign-in"):
        provider.finish({"code": "x", "state": "y"}, None)
    pending = Pending("state", "nonce", "verifier", "/", "https://app/intrare/judet/raspuns")
    with pytest.raises(SignInRefused, match="state"):
        provider.finish({"code": "x", "state": "altul"}, pending)
    with pytest.raises(SignInRefused, match="refused"):
        provider.finish({"error": "access_denied", "state": "state"}, pending)
