"""Source config checking (harvesters/config.py): the checks, the combinators, parse_config; pure."""

from __future__ import annotations

import json

import pytest

from ckanext.tangerang.harvesters import base, config, pages, sql, tabular
from ckanext.tangerang.harvesters.config import (
    COMMON_CONFIG,
    ConfigError,
    dict_of,
    exactly_one,
    is_int,
    obj,
    parse_config,
    table_list,
)

# --- the checks and combinators --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("check", "good", "bad", "message"),
    [
        (is_int(0), [0, 7], [-1, True, 1.5, "3", None], "must be a whole number ≥ 0"),
        (is_int(1, 600), [1, 600], [0, 601, False], "must be a whole number 1-600"),
    ],
)
def test_one_integer_check_with_optional_bounds(check, good, bad, message):
    assert [check(v) for v in good] == [None] * len(good)
    for value in bad:
        problem = check(value)
        assert problem and message in problem and problem.count(" / ") == 1, (value, problem)


def test_an_object_checks_unknown_then_required_then_rules_then_keys():
    check = obj(
        {"id": config.is_str, "a": config.is_str, "b": is_int(0)},
        required=("id",),
        missing="id wajib / id is required",
        rules=(exactly_one("a", "b"),),
    )
    assert check({"id": "x", "a": "y"}) is None
    assert check([]) == "harus objek JSON / must be a JSON object"
    assert "unknown keys ['z']; known: id, a, b" in check({"id": "x", "a": "y", "z": 1})
    assert check({"a": "y"}) == check({"id": " ", "a": "y"}) == "id wajib / id is required"
    assert 'give exactly one of "a" or "b"' in check({"id": "x", "a": "y", "b": 1})
    assert check({"id": "x", "b": -1}) == "b: harus bilangan bulat ≥ 0 / must be a whole number ≥ 0"


def test_dict_of_names_the_bad_entry_or_says_its_own_message():
    named = dict_of(is_int(0), keys=config.is_str)
    assert named({"a": 1}) is None
    assert named({"a": -1}).startswith("a: ")
    plain = dict_of(is_int(0), message="angka / numbers")
    assert plain({"a": -1}) == plain("x") == "angka / numbers"


def test_a_table_list_is_non_empty_with_unique_ids_and_names_the_bad_table():
    check = table_list(obj({"id": config.is_str, "n": is_int(0)}, required=("id",)))
    assert check([{"id": "a"}, {"id": "b", "n": 1}]) is None
    assert "non-empty list of tables" in check([])
    assert "duplicate table id: a" in check([{"id": "a"}, {"id": "a"}])
    assert check([{"id": "a"}, {"id": "b", "n": -1}]).startswith("tabel ke-2 / table 2: n: ")


def test_both_table_cascades_are_the_same_combinator():
    # The file and SQL sources differ only in their table spec (data), not in how a list of tables is checked.
    files = tabular.TabularHarvester.CONFIG["tables"]
    database = sql.SqlHarvester.CONFIG["tables"]
    assert "id and url are required" in files([{"url": "a.csv"}])
    assert "id is required" in database([{"table": "a"}])
    assert 'exactly one of "table" or "query"' in database([{"id": "t"}])


def test_pagination_is_checked_in_the_page_walker_module():
    assert pages.check_pagination({"type": "offset", "size": 1000, "offset_param": "start"}) is None
    assert "must be one of" in pages.check_pagination({"type": "scroll"})
    assert "1-1000" in pages.check_pagination({"size": 0})


def test_parse_config_lists_every_problem_and_refuses_stored_secrets():
    with pytest.raises(ConfigError) as raised:
        parse_config(
            json.dumps({"limits": {"max_pages": -1}, "bogus": 1, "password": "x"}),
            COMMON_CONFIG,
            required=("tables",),
        )
    message = str(raised.value)
    for expected in ("tables: required", "max_pages", "bogus: unknown key", "password: secrets must not"):
        assert expected in message
    assert parse_config("", COMMON_CONFIG) == {}


def test_base_still_exports_the_config_api():
    assert base.ConfigError is ConfigError
    assert base.parse_config is parse_config
    assert base.COMMON_CONFIG is COMMON_CONFIG
