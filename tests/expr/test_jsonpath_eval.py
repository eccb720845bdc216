"""Evaluation with Jayway semantics, the $$ context object, variables and ResultPath."""

from __future__ import annotations

import copy

import pytest

from engine.expr import (
    PathNotFoundError,
    PathSyntaxError,
    ResultPathMatchError,
    evaluate,
    set_at_reference_path,
)

STORE = {
    "store": {
        "book": [
            {"category": "reference", "author": "Rees", "title": "Sayings", "price": 8.95},
            {"category": "fiction", "author": "Waugh", "title": "Sword", "price": 12.99},
            {
                "category": "fiction",
                "author": "Melville",
                "title": "Moby Dick",
                "isbn": "0-553",
                "price": 8.99,
            },
            {"category": "fiction", "author": "Tolkien", "title": "LOTR", "isbn": "0-395", "price": 22.99},
        ],
        "bicycle": {"color": "red", "price": 19.95},
    },
    "expensive": 10,
}


def test_definite_paths_return_values() -> None:
    assert evaluate("$", STORE) is STORE
    assert evaluate("$.store.bicycle.color", STORE) == "red"
    assert evaluate("$.store.book[0].author", STORE) == "Rees"
    assert evaluate("$.store.book[-1].author", STORE) == "Tolkien"
    assert evaluate("$['store']['bicycle']['price']", STORE) == 19.95
    assert evaluate("$.a", {"a": None}) is None


def test_indefinite_paths_return_lists() -> None:
    assert evaluate("$.store.book[*].author", STORE) == ["Rees", "Waugh", "Melville", "Tolkien"]
    assert evaluate("$.store.book[1:3].author", STORE) == ["Waugh", "Melville"]
    assert evaluate("$.store.book[:2].author", STORE) == ["Rees", "Waugh"]
    assert evaluate("$.store.book[-2:].author", STORE) == ["Melville", "Tolkien"]
    assert evaluate("$.store.book[0,2].title", STORE) == ["Sayings", "Moby Dick"]
    assert evaluate("$.store.book[*].isbn", STORE) == ["0-553", "0-395"]  # missing members are skipped
    assert evaluate("$.store.book[9:]", STORE) == []
    assert evaluate("$.store.bicycle.*", STORE) == ["red", 19.95]


def test_deep_scan() -> None:
    assert evaluate("$..author", STORE) == ["Rees", "Waugh", "Melville", "Tolkien"]
    assert sorted(evaluate("$..price", STORE)) == [8.95, 8.99, 12.99, 19.95, 22.99]
    assert evaluate("$..book[2].title", STORE) == ["Moby Dick"]
    assert evaluate("$..nothing", STORE) == []


def test_filters() -> None:
    assert evaluate("$.store.book[?(@.price < 10)].title", STORE) == ["Sayings", "Moby Dick"]
    assert evaluate("$.store.book[?(@.isbn)].author", STORE) == ["Melville", "Tolkien"]
    assert evaluate("$.store.book[?(!@.isbn)].author", STORE) == ["Rees", "Waugh"]
    assert evaluate("$.store.book[?(@.category == 'fiction' && @.price > 20)].author", STORE) == ["Tolkien"]
    assert evaluate("$.store.book[?(@.price > $.expensive)].author", STORE) == ["Waugh", "Tolkien"]
    assert evaluate("$.store.book[?(@.author =~ /m.*/i)].author", STORE) == ["Melville"]
    assert evaluate("$.store.book[?(@.author in ['Rees', 'Waugh'])].price", STORE) == [8.95, 12.99]
    assert evaluate("$.store.book[?(@.isbn != '0-553')].author", STORE) == ["Rees", "Waugh", "Tolkien"]
    assert evaluate("$..[?(@.color == 'red')].price", STORE) == [19.95]


def test_filter_equality_keeps_json_types_apart() -> None:
    data = [{"v": 1}, {"v": 1.0}, {"v": True}, {"v": "1"}]
    assert evaluate("$[?(@.v == 1)]", data) == [{"v": 1}, {"v": 1.0}]
    assert evaluate("$[?(@.v == true)]", data) == [{"v": True}]


def test_context_object_and_variables() -> None:
    context = {
        "Execution": {"Input": {"x": 1}},
        "Map": {"Item": {"Value": {"id": 7}, "Index": 2}},
        "Task": {"Token": "t"},
    }
    assert evaluate("$$.Execution.Input.x", {}, context=context) == 1
    assert evaluate("$$.Map.Item.Value.id", {}, context=context) == 7
    assert evaluate("$$.Task.Token", {}, context=context) == "t"
    assert evaluate("$$", {}, context=context) is context
    variables = {"answer": 42, "obj": {"list": [1, 2, 3]}}
    assert evaluate("$answer", {}, variables=variables) == 42
    assert evaluate("$obj.list[1]", {}, variables=variables) == 2
    assert evaluate("$obj.list[*]", {}, variables=variables) == [1, 2, 3]
    with pytest.raises(PathNotFoundError, match="not defined"):
        evaluate("$nope", {}, variables=variables)


@pytest.mark.parametrize(
    "path",
    [
        "$.missing",
        "$.store.missing.deeper",
        "$.store.book[10]",
        "$.store.bicycle[0]",
        "$.store.bicycle.color.x",
        "$.missing[*]",  # strict while the path so far is definite, as in Jayway
        "$.store.bicycle.color[1:]",
        "$$.Execution",
    ],
)
def test_missing_paths(path: str) -> None:
    with pytest.raises(PathNotFoundError):
        evaluate(path, STORE)


def test_trailing_name_union_merges() -> None:
    assert evaluate("$.store.bicycle['color','price','nope']", STORE) == {"color": "red", "price": 19.95}
    assert evaluate("$.store['bicycle','x'].color", STORE) == ["red"]


def test_functions() -> None:
    assert evaluate("$.store.book.length()", STORE) == 4
    assert evaluate("$.store.book[*].price.max()", STORE) == 22.99
    assert evaluate("$.n.sum()", {"n": [1, 2, 3]}) == 6.0
    assert evaluate("$.n.avg()", {"n": [1, 2, 3]}) == 2.0
    assert evaluate("$.store.bicycle.keys()", STORE) == ["color", "price"]


def test_set_at_reference_path() -> None:
    data = {"a": {"b": 1}, "list": [{"x": 1}, {"x": 2}]}
    original = copy.deepcopy(data)
    assert set_at_reference_path(data, "$", "whole") == "whole"
    assert set_at_reference_path(data, "$.a.c", 2) == {"a": {"b": 1, "c": 2}, "list": data["list"]}
    assert set_at_reference_path(data, "$.new.deep.er", 3)["new"] == {"deep": {"er": 3}}
    assert set_at_reference_path(data, "$.list[1].x", 9)["list"] == [{"x": 1}, {"x": 9}]
    assert set_at_reference_path(data, "$.list[-1]", 0)["list"] == [{"x": 1}, 0]
    assert data == original  # never mutated


@pytest.mark.parametrize("path", ["$.a.b.c", "$.list[5]", "$.a[0]", "$.list.x"])
def test_set_at_reference_path_mismatch(path: str) -> None:
    with pytest.raises(ResultPathMatchError):
        set_at_reference_path({"a": {"b": 1}, "list": [1]}, path, 0)


@pytest.mark.parametrize("path", ["$.a[*]", "$..a", "$$.x", "$var.x", "$.a.length()"])
def test_set_at_reference_path_needs_a_reference_path(path: str) -> None:
    with pytest.raises(PathSyntaxError):
        set_at_reference_path({}, path, 0)
