"""The inspector's building blocks: collapsible sections, cards for list items, tidy forms."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

# Which sections the user folded, remembered across selections for the whole session; the raw
# JSON starts folded (the code view shows it too).
_FOLDED: set[str] = {"JSON"}


def tidy_form(parent: QWidget | None = None) -> QFormLayout:
    form = QFormLayout(parent)
    form.setContentsMargins(0, 0, 0, 0)
    form.setHorizontalSpacing(10)
    form.setVerticalSpacing(6)
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    return form


def align_labels(forms: list[QFormLayout]) -> None:
    """Give the label columns of forms shown one under the other the same width, so their
    fields start at the same x (the header's form and the Configuration tab's, for one)."""
    labels = [
        item.widget()
        for form in forms
        for row in range(form.rowCount())
        if (item := form.itemAt(row, QFormLayout.ItemRole.LabelRole)) is not None
        and isinstance(item.widget(), QLabel)
    ]
    for label in labels:
        label.setMinimumWidth(0)
    width = max((label.sizeHint().width() for label in labels), default=0)
    for label in labels:
        label.setMinimumWidth(width)


def caption(text: str) -> QLabel:
    """A quiet explanatory line."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setObjectName("inspectorCaption")
    label.setStyleSheet("color: palette(placeholder-text);")
    return label


class Section(QWidget):
    """A titled, foldable part of the form; the title row shows a count or a gist when folded.

    A section that is the whole page of a tab (`foldable=False`) has no title row: the tab
    names it, and the tab's tooltip carries the gist.
    """

    def __init__(self, title: str, parent: QWidget | None = None, *, foldable: bool = True) -> None:
        super().__init__(parent)
        self.title = title
        self.foldable = foldable
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 4, 0, 2)
        outer.setSpacing(4)
        self.toggle = QToolButton()
        self.toggle.setObjectName("sectionToggle")
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setCheckable(True)
        self.toggle.setAutoRaise(True)
        self.toggle.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        font = self.toggle.font()
        font.setWeight(QFont.Weight.DemiBold)
        font.setPointSizeF(font.pointSizeF() + 0.5)
        self.toggle.setFont(font)
        self.toggle.setStyleSheet(
            "QToolButton#sectionToggle { border: none; text-align: left; padding: 2px 0; }"
        )
        outer.addWidget(self.toggle)
        rule = QFrame()
        rule.setFrameShape(QFrame.Shape.HLine)
        rule.setFrameShadow(QFrame.Shadow.Plain)
        rule.setStyleSheet("color: palette(mid);")
        outer.addWidget(rule)
        self.body = QWidget()
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.setContentsMargins(2, 2, 0, 6)
        self.body_layout.setSpacing(6)
        outer.addWidget(self.body)
        self.form = tidy_form()
        self.body_layout.addLayout(self.form)
        self.gist = ""
        if not foldable:
            self.toggle.hide()
            rule.hide()
            outer.setContentsMargins(0, 0, 0, 0)
            self.body_layout.setContentsMargins(0, 0, 0, 0)
            return
        opened = title not in _FOLDED
        self.toggle.setChecked(opened)
        self._set_open(opened)
        self.toggle.toggled.connect(self._set_open)

    def set_gist(self, gist: str) -> None:
        self.gist = gist
        if self.foldable:
            self._set_open(self.toggle.isChecked())

    def _set_open(self, opened: bool) -> None:
        self.body.setVisible(opened)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if opened else Qt.ArrowType.RightArrow)
        text = self.title if opened or not self.gist else f"{self.title}   ·  {self.gist}"
        self.toggle.setText(text)
        (_FOLDED.discard if opened else _FOLDED.add)(self.title)

    def add_row(self, label: str, widget: QWidget) -> None:
        self.form.addRow(label, widget)

    def add_widget(self, widget: QWidget) -> None:
        self.body_layout.addWidget(widget)

    def add_wide(self, widget: QWidget, heading: str = "") -> None:
        """A row across the whole width (lists of cards), under a small heading."""
        if heading:
            label = QLabel(heading)
            font = label.font()
            font.setWeight(QFont.Weight.DemiBold)
            label.setFont(font)
            self.form.addRow(label)
        self.form.addRow(widget)


class Card(QFrame):
    """One item of a list (a retrier, a catcher, a rule, a target) with a title and a remove button."""

    remove_requested = Signal()

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inspectorCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            "QFrame#inspectorCard { border: 1px solid palette(mid); border-radius: 6px;"
            " background: palette(base); }"
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 8, 8)
        layout.setSpacing(4)
        head = QHBoxLayout()
        head.setSpacing(6)
        self.heading = QLabel(title)
        self.heading.setWordWrap(True)
        font = self.heading.font()
        font.setWeight(QFont.Weight.DemiBold)
        self.heading.setFont(font)
        head.addWidget(self.heading, 1)
        self.remove = QToolButton()
        self.remove.setText("✕")
        self.remove.setAutoRaise(True)
        self.remove.setToolTip("Remove")
        self.remove.clicked.connect(self.remove_requested.emit)
        head.addWidget(self.remove, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(head)
        self.detail = QLabel("")
        self.detail.setWordWrap(True)
        self.detail.setStyleSheet("color: palette(placeholder-text);")
        self.detail.hide()
        layout.addWidget(self.detail)
        self.form = tidy_form()
        layout.addLayout(self.form)

    def set_title(self, text: str, detail: str = "") -> None:
        self.heading.setText(text)
        self.detail.setText(detail)
        self.detail.setVisible(bool(detail))
