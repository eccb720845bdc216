"""Edges answer Qt's hit tests from their segments' boxes exactly as their stroked shape does."""

from __future__ import annotations

import random
from typing import Any

from PySide6.QtCore import QLineF, QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QPainterPath
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QGraphicsItem

from designer.canvas.editor import CanvasEditor
from designer.canvas.items.edge_item import EdgeItem
from designer.canvas.scene import DesignerScene
from designer.canvas.view import CanvasView

SHAPE_MODES = (Qt.ItemSelectionMode.IntersectsItemShape, Qt.ItemSelectionMode.ContainsItemShape)


def _edges(scene: DesignerScene) -> list[EdgeItem]:
    return [i for i in scene.items() if isinstance(i, EdgeItem) and len(i._points) >= 2]


def test_point_and_area_hits_match_the_stroked_shape(scene: DesignerScene) -> None:
    rng = random.Random(7)
    edges = _edges(scene)
    assert len(edges) > 5
    for edge in edges:
        bounds = edge.boundingRect()
        assert bounds.contains(edge.shape().boundingRect())
        for _ in range(60):
            edge._shape = None  # the path a first hover takes: no stroke made yet
            point = QPointF(
                rng.uniform(bounds.left(), bounds.right()), rng.uniform(bounds.top(), bounds.bottom())
            )
            if rng.random() < 0.5:  # near the line itself, where the answer changes
                a, b = rng.choice(list(zip(edge._points, edge._points[1:], strict=False)))
                point = QLineF(a, b).pointAt(rng.random()) + QPointF(rng.uniform(-7, 7), rng.uniform(-7, 7))
            expected = edge.shape().contains(point)
            edge._shape = None
            assert edge.contains(point) == expected
            assert edge.contains(point) == expected  # the stroke is made now
            area = QPainterPath()
            area.addRect(
                QRectF(point, QPointF(point.x() + rng.uniform(0, 30), point.y() + rng.uniform(0, 30)))
            )
            for mode in SHAPE_MODES:
                assert edge.collidesWithPath(area, mode) == QGraphicsItem.collidesWithPath(edge, area, mode)


def test_clicking_an_edge_selects_it(qtbot: Any, scene: DesignerScene) -> None:
    view = CanvasView(scene, CanvasEditor(scene.document, scene))
    qtbot.addWidget(view)
    view.resize(1200, 900)
    view.show()
    view.fit(readable=False)
    edge = max(
        (e for e in _edges(scene) if e.kind in ("next", "catch")),
        key=lambda e: max(QLineF(a, b).length() for a, b in zip(e._points, e._points[1:], strict=False)),
    )
    a, b = max(zip(edge._points, edge._points[1:], strict=False), key=lambda s: QLineF(*s).length())
    spot = view.mapFromScene(edge.mapToScene(QLineF(a, b).pointAt(0.5)))
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(spot))
    assert scene.selectedItems() == [edge]
