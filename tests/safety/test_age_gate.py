"""Tests for papote.safety.age_gate: the sticky age gate."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from papote.safety.age_gate import (
    COOKIE_NAME,
    DAY_MS,
    HELP_3018_FR,
    HELP_RESOURCES_FR,
    LOCKED_MESSAGE_FR,
    UNDERAGE_MESSAGE_FR,
    UNKNOWN_PREFIX,
    AgeGate,
    GateDecision,
    GateOutcome,
    InMemoryAgeGateStore,
    coarse_device_signals,
    hash_ip,
    ip_prefix,
)

SECRET = b"server-secret-for-tests-0123456789"
# 2025-11-23 12:00 UTC, in milliseconds: mid-day, so +/- a few hours stays on the same day.
NOON = 1_763_899_200_000
HOUR = 3_600_000

PHONE = {
    "user-agent": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
    ),
    "accept-language": "fr-FR,fr;q=0.9",
    "sec-ch-ua-mobile": "?1",
    "screen": "390x844",
}
LAPTOP = {
    "user-agent": (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0"
    ),
    "accept-language": "fr,en-US;q=0.7",
    "screen": "1920x1080",
}


@pytest.fixture
def gate() -> AgeGate:
    return AgeGate(SECRET)


@pytest.fixture
def store() -> InMemoryAgeGateStore:
    return InMemoryAgeGateStore()


async def test_an_adult_gets_in(gate: AgeGate, store: InMemoryAgeGateStore) -> None:
    decision = await gate.check_entry(34, None, "203.0.113.7", PHONE, store, NOON)
    assert decision.allowed and decision.code == "allow"
    assert decision.set_cookie is None and not decision.clear_cookie


async def test_underage_is_refused_kindly_with_help(
    gate: AgeGate, store: InMemoryAgeGateStore
) -> None:
    decision = await gate.check_entry(14, None, "203.0.113.7", PHONE, store, NOON)
    assert decision.outcome is GateOutcome.UNDERAGE and decision.code == "underage"
    assert decision.message == UNDERAGE_MESSAGE_FR
    assert decision.help == HELP_RESOURCES_FR
    assert "3018" in HELP_3018_FR and "e-Enfance" in HELP_3018_FR
    assert decision.set_cookie is not None and gate.cookie_locked(decision.set_cookie, NOON)


@pytest.mark.parametrize("age", [-1, 121, 10_000, True])
async def test_absurd_ages_are_invalid_and_lock_nothing(
    gate: AgeGate, store: InMemoryAgeGateStore, age: int
) -> None:
    decision = await gate.check_entry(age, None, "203.0.113.7", PHONE, store, NOON)
    assert decision.outcome is GateOutcome.INVALID_AGE
    assert (await gate.check_entry(30, None, "203.0.113.7", PHONE, store, NOON)).allowed


async def test_14_then_18_is_locked_by_the_cookie_alone(
    gate: AgeGate, store: InMemoryAgeGateStore
) -> None:
    refused = await gate.check_entry(14, None, "203.0.113.7", PHONE, store, NOON)
    # Another network and another browser: only the cookie links the two entries.
    other = await gate.check_entry(
        18, refused.set_cookie, "198.51.100.9", LAPTOP, store, NOON + 60_000
    )
    assert other.outcome is GateOutcome.LOCKED and other.code == "age_gate_locked"
    assert other.message == LOCKED_MESSAGE_FR and other.help == HELP_RESOURCES_FR
    # The same browser on the other network, without the cookie, gets in: the device lock
    # is the only other link, and the network differs.
    assert (await gate.check_entry(18, None, "198.51.100.9", LAPTOP, store, NOON)).allowed


def challenged(decision: GateDecision) -> bool:
    """Allowed (a device mark is never a lock on neighbours), after a challenge."""
    return decision.allowed and decision.challenge and decision.set_cookie is None


def free(decision: GateDecision) -> bool:
    return decision.allowed and not decision.challenge


async def test_device_and_prefix_alone_ask_for_a_challenge_never_lock(
    gate: AgeGate, store: InMemoryAgeGateStore
) -> None:
    await gate.check_entry(14, None, "203.0.113.7", PHONE, store, NOON)
    # Private window (no cookie) or a neighbour: same /24, same kind of phone.
    assert challenged(await gate.check_entry(18, None, "203.0.113.200", PHONE, store, NOON + HOUR))
    # Another /24: nothing.
    assert free(await gate.check_entry(18, None, "203.0.114.7", PHONE, store, NOON + HOUR))
    # Same /24, another kind of device: nothing.
    assert free(await gate.check_entry(18, None, "203.0.113.7", LAPTOP, store, NOON + HOUR))


async def test_device_lock_expires_after_24_hours(
    gate: AgeGate, store: InMemoryAgeGateStore
) -> None:
    await gate.check_entry(15, None, "203.0.113.7", PHONE, store, NOON)
    at = NOON + 24 * HOUR - 1
    assert challenged(await gate.check_entry(18, None, "203.0.113.7", PHONE, store, at))
    at = NOON + 24 * HOUR + 1
    assert free(await gate.check_entry(18, None, "203.0.113.7", PHONE, store, at))


async def test_cookie_locks_for_30_days(gate: AgeGate, store: InMemoryAgeGateStore) -> None:
    refused = await gate.check_entry(16, None, "203.0.113.7", PHONE, store, NOON)
    cookie = refused.set_cookie
    assert cookie is not None
    day29 = await gate.check_entry(18, cookie, "203.0.113.7", PHONE, store, NOON + 29 * DAY_MS)
    assert day29.outcome is GateOutcome.LOCKED
    day31 = await gate.check_entry(18, cookie, "203.0.113.7", PHONE, store, NOON + 31 * DAY_MS)
    assert day31.allowed


async def test_tampered_or_foreign_cookie_is_ignored(
    gate: AgeGate, store: InMemoryAgeGateStore
) -> None:
    cookie = gate.lock_cookie(NOON)
    payload, _, signature = cookie.rpartition(".")
    flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    other_server = AgeGate(b"another-server-secret-0123456789").lock_cookie(NOON)
    for bad in (f"{payload}.{flipped}", other_server, "garbage", "", "x" * 10_000, None):
        assert not gate.cookie_locked(bad, NOON)
        decision = await gate.check_entry(18, bad, "198.51.100.1", LAPTOP, store, NOON)
        assert decision.allowed


async def test_ipv6_locks_the_64(gate: AgeGate, store: InMemoryAgeGateStore) -> None:
    await gate.check_entry(13, None, "2001:db8:1:2::10", PHONE, store, NOON)
    same_64 = await gate.check_entry(18, None, "2001:db8:1:2:aaaa::1", PHONE, store, NOON)
    assert challenged(same_64)
    assert free(await gate.check_entry(18, None, "2001:db8:1:3::10", PHONE, store, NOON))


async def test_ipv4_mapped_ipv6_is_the_same_network(
    gate: AgeGate, store: InMemoryAgeGateStore
) -> None:
    await gate.check_entry(13, None, "::ffff:203.0.113.7", PHONE, store, NOON)
    assert challenged(await gate.check_entry(18, None, "203.0.113.8", PHONE, store, NOON))


async def test_lift_after_attestation(gate: AgeGate, store: InMemoryAgeGateStore) -> None:
    refused = await gate.check_entry(14, None, "203.0.113.7", PHONE, store, NOON)
    assert await gate.lift(refused.set_cookie, "203.0.113.7", PHONE, store, NOON + HOUR)
    # The core deletes the cookie with the lift; the device lock is gone from the store.
    assert free(await gate.check_entry(18, None, "203.0.113.9", PHONE, store, NOON + HOUR))
    assert not await gate.lift(None, "203.0.113.7", PHONE, store, NOON + HOUR)


async def test_verified_adult_entry_lifts_both_locks(
    gate: AgeGate, store: InMemoryAgeGateStore
) -> None:
    refused = await gate.check_entry(14, None, "203.0.113.7", PHONE, store, NOON)
    cookie = refused.set_cookie
    decision = await gate.check_entry(
        25, cookie, "203.0.113.7", PHONE, store, NOON + HOUR, verified_adult=True
    )
    assert decision.allowed and decision.clear_cookie
    assert free(await gate.check_entry(25, None, "203.0.113.7", PHONE, store, NOON + HOUR))
    # A verified attestation does not turn a declared 14 into an adult.
    again = await gate.check_entry(
        14, None, "203.0.113.7", PHONE, store, NOON + HOUR, verified_adult=True
    )
    assert again.outcome is GateOutcome.UNDERAGE


async def test_salt_rotates_daily_and_locks_survive_midnight(store: InMemoryAgeGateStore) -> None:
    gate = AgeGate(SECRET)
    late = NOON + 11 * HOUR  # 23:00 UTC
    today = gate.device_keys("203.0.113.7", PHONE, late)
    tomorrow = gate.device_keys("203.0.113.7", PHONE, late + 2 * HOUR)
    assert len(today) == 2 and len(set(today)) == 2
    assert tomorrow[1] == today[0] and tomorrow[0] not in today  # new salt, previous kept
    assert gate.device_keys("203.0.113.7", PHONE, late + 2 * DAY_MS)[1] not in today

    await gate.check_entry(14, None, "203.0.113.7", PHONE, store, late)
    after_midnight = await gate.check_entry(18, None, "203.0.113.7", PHONE, store, late + 2 * HOUR)
    assert challenged(after_midnight)


async def test_keys_depend_on_the_secret_and_reveal_no_address(gate: AgeGate) -> None:
    keys = gate.device_keys("203.0.113.7", PHONE, NOON)
    other = AgeGate(b"another-server-secret-0123456789").device_keys("203.0.113.7", PHONE, NOON)
    assert not set(keys) & set(other)
    assert all("203" not in key and len(key) == 32 for key in keys)
    assert gate.device_keys("203.0.113.7", PHONE, NOON) == keys  # stable within the day


def test_longer_device_locks_check_more_salts() -> None:
    assert len(AgeGate(SECRET, device_ttl_s=2 * 86400).device_keys("1.2.3.4", {}, NOON)) == 3


def test_seconds_instead_of_milliseconds_is_a_programming_error(gate: AgeGate) -> None:
    with pytest.raises(ValueError):
        gate.lock_cookie(NOON // 1000)


def test_short_secret_is_refused() -> None:
    with pytest.raises(ValueError):
        AgeGate(b"short")


def test_cookie_name_is_stable() -> None:
    assert COOKIE_NAME == "papote_age_gate"


def test_coarse_signals_keep_only_families() -> None:
    coarse = coarse_device_signals(
        {"User-Agent": PHONE["user-agent"], "Accept-Language": "fr-FR,fr;q=0.9,en;q=0.8,de;q=0.1"}
    )
    assert coarse["ua"] == "safari/ios"
    assert coarse["lang"] == "fr-fr,fr,en"
    assert coarse_device_signals(LAPTOP)["ua"] == "firefox/windows"
    # A phone turned sideways is the same phone.
    assert coarse_device_signals({"screen": "844x390"}) == coarse_device_signals(
        {"screen": "390x844"}
    )
    # Version bumps do not change the device.
    newer = PHONE["user-agent"].replace("17_4", "17_5").replace("17.4", "17.5")
    assert coarse_device_signals(PHONE | {"user-agent": newer}) == coarse_device_signals(PHONE)


def test_ip_prefix_examples() -> None:
    assert ip_prefix("203.0.113.77") == "203.0.113.0/24"
    assert ip_prefix(" 203.0.113.77 ") == "203.0.113.0/24"
    assert ip_prefix("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64"
    assert ip_prefix("[2001:db8::1]") == "2001:db8::/64"
    assert ip_prefix("fe80::1%eth0") == "fe80::/64"
    assert ip_prefix("::ffff:203.0.113.77") == "203.0.113.0/24"
    for garbage in ("", "testclient", "999.1.1.1", "1.2.3", "::g", "1.2.3.4/24"):
        assert ip_prefix(garbage) == UNKNOWN_PREFIX


def test_hash_ip_is_keyed_canonical_and_never_the_address() -> None:
    h = hash_ip("203.0.113.77", SECRET)
    assert h == hash_ip("::ffff:203.0.113.77", SECRET) == hash_ip(" 203.0.113.77", SECRET)
    assert h != hash_ip("203.0.113.78", SECRET)
    assert h != hash_ip("203.0.113.77", b"another-server-secret-0123456789")
    assert "203" not in h and len(h) == 32
    assert hash_ip("garbage", SECRET) != hash_ip("other garbage", SECRET)


@given(st.text(max_size=100))
def test_ip_helpers_never_crash_on_text(text: str) -> None:
    prefix = ip_prefix(text)
    assert prefix == UNKNOWN_PREFIX or ipaddress.ip_network(prefix).prefixlen in {24, 64}
    assert len(hash_ip(text, SECRET)) == 32


@given(st.ip_addresses())
def test_ip_prefix_contains_the_address(
    address: ipaddress.IPv4Address | ipaddress.IPv6Address,
) -> None:
    network = ipaddress.ip_network(ip_prefix(str(address)))
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        assert address.ipv4_mapped in network
    else:
        assert address in network
    assert str(address) not in hash_ip(str(address), SECRET)


@given(st.dictionaries(st.text(max_size=30), st.text(max_size=300), max_size=8), st.text())
def test_device_keys_never_crash_on_garbage_signals(signals: dict[str, str], ip: str) -> None:
    keys = AgeGate(SECRET).device_keys(ip, signals, NOON)
    assert len(keys) == 2 and all(len(key) == 32 for key in keys)
