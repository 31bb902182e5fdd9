"""The portal's one cache mechanism (cache.py): computed once, bounded, and never shared with the signed-in."""

from __future__ import annotations

from ckanext.tangerang import cache


def test_a_value_is_computed_once_and_the_least_recently_used_makes_room():
    kept = cache.Cache(2)
    calls = []

    def compute(key):
        return lambda: calls.append(key) or key.upper()

    assert kept.get("a", compute("a")) == "A"
    assert kept.get("a", compute("a")) == "A"
    kept.get("b", compute("b"))
    kept.get("a", compute("a"))  # "a" used again: "b" is now the least recently used
    kept.get("c", compute("c"))
    assert calls == ["a", "b", "c"]
    assert "a" in kept and "c" in kept and "b" not in kept
    kept.clear()
    assert "a" not in kept


def test_a_timed_cache_forgets_after_its_seconds():
    now = [0.0]
    kept = cache.Cache(4, seconds=60, clock=lambda: now[0])
    kept.get("x", lambda: 1)
    now[0] = 59
    assert "x" in kept
    now[0] = 61
    assert "x" not in kept
    assert kept.get("x", lambda: 2) == 2


def test_outside_a_request_the_memo_is_fresh_each_time():
    cache.request_memo("titles")["laksa"] = "LAKSA"
    assert cache.request_memo("titles") == {}
