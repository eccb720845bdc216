"""Layered layout, short labels, and theme contrast."""

from __future__ import annotations

import pytest

from designer.canvas.labels import catch_label, choice_label, pattern_gist, state_caption
from designer.canvas.layout import layered_layout
from designer.canvas.theme import DARK, LIGHT, contrast_ratio


def test_layout_ranks_by_longest_path_and_finds_back_edges() -> None:
    sizes = {n: (100.0, 40.0) for n in "SABCD"}
    result = layered_layout(
        sizes, [("S", "A"), ("A", "B"), ("B", "C"), ("A", "C"), ("C", "A"), ("C", "D")], start="S"
    )
    assert result.back_edges == {("C", "A")}
    assert [result.ranks[n] for n in "SABCD"] == [0, 1, 2, 3, 4]
    ys = {n: y for n, (_x, y) in result.positions.items()}
    assert ys["S"] < ys["A"] < ys["B"] < ys["C"] < ys["D"]


def test_layout_left_right_and_no_overlaps() -> None:
    sizes = {n: (120.0, 50.0) for n in "SABCDE"}
    edges = [("S", "A"), ("S", "B"), ("S", "C"), ("A", "D"), ("B", "D"), ("C", "E")]
    result = layered_layout(sizes, edges, start="S", direction="LR")
    assert result.positions["A"][0] > result.positions["S"][0]
    boxes = [(x, y, x + 120, y + 50) for x, y in result.positions.values()]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], "nodes never overlap"


def test_choice_labels_in_short_form() -> None:
    assert choice_label({"Variable": "$.total", "NumericGreaterThan": 100, "Next": "X"}) == "$.total > 100"
    assert choice_label({"Variable": "$.kind", "StringEquals": "gift"}) == '$.kind == "gift"'
    assert choice_label({"Variable": "$.a", "NumericLessThanEqualsPath": "$.b"}) == "$.a <= $.b"
    assert choice_label({"Not": {"Variable": "$.x", "IsPresent": True}}) == "not $.x is present"
    assert choice_label({"Condition": "{% $states.input.ok %}"}) == "$states.input.ok"
    assert (
        choice_label(
            {
                "And": [
                    {"Variable": "$.a", "BooleanEquals": True},
                    {"Variable": "$.b", "NumericGreaterThan": 0},
                ]
            }
        )
        == "$.a == true and $.b > 0"
    )
    long = choice_label(
        {
            "Or": [
                {"Variable": "$.order.customer.tier", "StringEquals": "gold"},
                {"Variable": "$.order.total", "NumericGreaterThan": 1000},
            ]
        }
    )
    assert long.endswith("…") and len(long) <= 30
    assert catch_label({"ErrorEquals": ["States.ALL"]}) == "all errors"
    assert catch_label({"ErrorEquals": ["States.Timeout", "MyError"]}) == "Timeout, MyError"


def test_pattern_gist_and_captions() -> None:
    gist = pattern_gist(
        {
            "source": ["retail.orders"],
            "detail-type": ["OrderCreated"],
            "detail": {"total": [{"numeric": [">", 100]}]},
        }
    )
    assert gist[0] == "source = retail.orders"
    assert gist[1].startswith("detail-type = OrderCreated") and "+1" in gist[1]
    assert pattern_gist(None, "rate(5 minutes)") == ["rate(5 minutes)"]
    assert state_caption({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke"}) == "lambda:invoke"
    assert state_caption({"Type": "Wait", "Seconds": 5}) == "Wait 5 s"
    assert state_caption({"Type": "Map", "MaxConcurrency": 5, "ItemProcessor": {}}) == "Map · max 5"


@pytest.mark.parametrize("theme", [LIGHT, DARK], ids=["light", "dark"])
def test_text_contrast_meets_wcag_aa(theme) -> None:
    pairs = [
        (theme.node_text, theme.node_fill),
        (theme.node_caption, theme.node_fill),
        (theme.frame_title, theme.frame_fill),
        (theme.edge_label_text, theme.edge_label_fill),
        (theme.catch, theme.edge_label_fill),
        (theme.badge_text, theme.badge_fill),
        (theme.marker_text, theme.marker_fill),
        (theme.node_text, theme.container_fill),
        (theme.node_caption, theme.container_fill),
    ]
    for fg, bg in pairs:
        assert contrast_ratio(fg, bg) >= 4.5, f"{fg} on {bg} in the {theme.name} theme"
