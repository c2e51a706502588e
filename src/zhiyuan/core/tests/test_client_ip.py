"""The client address behind reverse proxies: X-Forwarded-For believed through trusted hops only."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from zhiyuan.core.security import RateLimited, client_ip, throttle_registration

PROXY = "10.0.0.5"


def request_from(peer: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = [PROXY, "192.168.10.0/24"]


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(request_from("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


def test_an_untrusted_peer_cannot_claim_another_address(behind_proxy):
    assert client_ip(request_from("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


def test_a_trusted_proxy_hands_on_the_address_it_saw(behind_proxy):
    assert client_ip(request_from(PROXY, "198.51.100.1")) == "198.51.100.1"


def test_what_the_client_wrote_into_the_header_is_not_believed(behind_proxy):
    # The client sent "X-Forwarded-For: 1.2.3.4"; nginx appended the address it saw.
    assert client_ip(request_from(PROXY, "1.2.3.4, 198.51.100.1")) == "198.51.100.1"


def test_a_chain_of_trusted_proxies_is_walked_through(behind_proxy):
    forwarded = "1.2.3.4, 198.51.100.1, 192.168.10.20"
    assert client_ip(request_from(PROXY, forwarded)) == "198.51.100.1"


def test_ipv6_and_ports_are_understood(behind_proxy):
    assert client_ip(request_from(PROXY, "[2001:db8::1]:5123")) == "2001:db8::1"
    assert client_ip(request_from(PROXY, "198.51.100.1:443")) == "198.51.100.1"


def test_a_garbled_hop_stops_the_walk_at_the_last_trusted_address(behind_proxy):
    assert client_ip(request_from(PROXY, "198.51.100.1, not-an-address")) == PROXY


def test_a_request_with_no_address_has_none():
    assert client_ip(request_from("")) is None


def test_a_bad_trusted_proxy_setting_fails_loudly(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.300"]
    with pytest.raises(ImproperlyConfigured, match="ZHIYUAN_TRUSTED_PROXIES"):
        client_ip(request_from(PROXY))


def test_the_registration_limit_counts_each_client_behind_the_proxy(behind_proxy, settings):
    settings.REGISTRATIONS_PER_HOUR = 2
    for _attempt in range(2):
        throttle_registration(request_from(PROXY, "198.51.100.1"))
    with pytest.raises(RateLimited):
        throttle_registration(request_from(PROXY, "198.51.100.1"))
    throttle_registration(request_from(PROXY, "198.51.100.2"))


def test_the_sign_in_lockout_sees_the_client_not_the_proxy(behind_proxy):
    from zhiyuan.accounts.signin import _address

    assert _address(request_from(PROXY, "198.51.100.1")) == "198.51.100.1"
