"""The obstacle index answers exactly as walking every box does, so routes do not change with it."""

from __future__ import annotations

import random

import pytest
from PySide6.QtCore import QPointF, QRectF

from designer.canvas.obstacles import CLEARANCE, BoxIndex, RectBlockers, transposed
from designer.canvas.routing import route


def _boxes(rng: random.Random, count: int, spread: float) -> list[tuple[object, QRectF]]:
    boxes = []
    for _ in range(count):
        x, y = rng.uniform(-spread, spread), rng.uniform(-spread, spread)
        boxes.append(
            (object(), QRectF(x, y, rng.choice([156.0, 188.0, 240.0, 600.0]), rng.choice([42.0, 54.0])))
        )
    return boxes


def _linear(boxes: list[tuple[object, QRectF]], skip: tuple[object, ...], lr: bool) -> RectBlockers:
    return RectBlockers(
        [
            (transposed(r) if lr else r).adjusted(-CLEARANCE, -CLEARANCE, CLEARANCE, CLEARANCE)
            for key, r in boxes
            if key not in skip
        ]
    )


@pytest.mark.parametrize("direction", ["TB", "LR"])
@pytest.mark.parametrize("spread", [800.0, 20000.0])
def test_index_matches_walking_every_box(direction: str, spread: float) -> None:
    rng = random.Random(f"{direction}{spread}")
    boxes = _boxes(rng, 400, spread)
    index = BoxIndex(boxes, direction)
    for _ in range(600):
        skip = tuple(key for key, _r in rng.sample(boxes, rng.choice([0, 1, 2])))
        fast, slow = index.without(skip), _linear(boxes, skip, direction == "LR")
        a = QPointF(rng.uniform(-spread, spread), rng.uniform(-spread, spread))
        b = (
            QPointF(a.x(), rng.uniform(-spread, spread))
            if rng.random() < 0.5
            else QPointF(rng.uniform(-spread, spread), a.y())
        )
        segment = QRectF(a, b).normalized().adjusted(-0.5, -0.5, 0.5, 0.5)
        assert fast.crossed(segment) == slow.crossed(segment)
        top = rng.uniform(-spread, spread)
        bottom = top + rng.choice([-4.0, 0.0, 30.0, 200.0, rng.uniform(0, 2 * spread)])
        assert fast.band(top, bottom) == slow.band(top, bottom)


@pytest.mark.parametrize("direction", ["TB", "LR"])
def test_routes_through_the_index_are_the_routes_through_the_list(direction: str) -> None:
    rng = random.Random(direction)
    boxes = _boxes(rng, 300, 3000.0)
    index = BoxIndex(boxes, direction)
    for _ in range(300):
        (s_key, source), (t_key, target) = rng.sample(boxes, 2)
        others = [r for key, r in boxes if key is not s_key and key is not t_key]
        options = {
            "back": rng.random() < 0.2,
            "direction": direction,
            "exit_offset": rng.choice([0.0, -13.0, 26.0]),
            "lane": rng.randrange(3),
        }
        expected = route(source, target, others, **options)
        assert route(source, target, index.without((s_key, t_key)), **options) == expected
