"""The Run panel: which machine, with what input (saved as its default input), how the run is
going (status, Map progress), the time-travel slider, and which Map iteration or Parallel branch
the canvas shows."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from designer.panels.execution_common import JsonEdit, error_label

ALL = "all"


class ExecutionRunPanel(QWidget):
    machine_changed = Signal(str)
    save_input_requested = Signal(str, object)  # machine, input
    cursor_changed = Signal(object)  # event count to show, or None for the live end
    focus_changed = Signal(str, object)  # container state path, index (None: all)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        top = QHBoxLayout()
        top.addWidget(QLabel("State machine"))
        self.machine = QComboBox()
        self.machine.currentTextChanged.connect(self.machine_changed)
        top.addWidget(self.machine, 1)
        self.buttons = QHBoxLayout()
        top.addLayout(self.buttons)
        layout.addLayout(top)
        layout.addWidget(QLabel("Input"))
        self.input = JsonEdit()
        self.input.setPlaceholderText("{}  (the execution's input, as JSON)")
        layout.addWidget(self.input, 1)
        row = QHBoxLayout()
        self.save_input = QPushButton("Save as default input")
        self.save_input.setToolTip("Store this input in the project as the machine's defaultInput (undoable)")
        self.save_input.clicked.connect(self._save)
        row.addWidget(self.save_input)
        self.clock_button = QToolButton()
        row.addWidget(self.clock_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.error = error_label()
        layout.addWidget(self.error)
        self.status = QLabel("Not running.")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.status)
        self.progress = QProgressBar()
        self.progress.setFormat("Map iterations %v / %m")
        self.progress.hide()
        layout.addWidget(self.progress)
        travel = QHBoxLayout()
        travel.addWidget(QLabel("History"))
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 0)
        self.slider.setToolTip("Scrub through the history: the canvas shows the execution as it was")
        self.slider.valueChanged.connect(self._slid)
        travel.addWidget(self.slider, 1)
        self.slider_label = QLabel("")
        self.slider_label.setMinimumWidth(190)
        travel.addWidget(self.slider_label)
        layout.addLayout(travel)
        focus = QHBoxLayout()
        focus.addWidget(QLabel("Show"))
        self.container = QComboBox()
        self.container.setToolTip(
            "A Map or Parallel state whose iterations or branches the canvas can show one by one"
        )
        self.container.currentIndexChanged.connect(lambda _i: self._container_changed())
        focus.addWidget(self.container, 1)
        self.choice = QComboBox()
        self.choice.currentIndexChanged.connect(lambda _i: self._choice_changed())
        focus.addWidget(self.choice, 1)
        layout.addLayout(focus)
        self._updating = False
        self._choices: dict[str, list[tuple[str, Any]]] = {}
        self._selected: dict[str, Any] = {}
        self._length = 0

    # machine and input --------------------------------------------------------------------------

    def set_machines(self, names: list[str], current: str | None) -> None:
        self._updating = True
        try:
            self.machine.clear()
            self.machine.addItems(names)
            if current in names:
                self.machine.setCurrentText(current)
        finally:
            self._updating = False

    def current_machine(self) -> str:
        return self.machine.currentText()

    def input_value(self) -> Any:
        try:
            value = self.input.value()
        except ValueError as exc:
            self.error.setText(f"Input: {exc}")
            raise
        self.error.setText("")
        return value

    def _save(self) -> None:
        try:
            value = self.input_value()
        except ValueError:
            return
        self.save_input_requested.emit(self.current_machine(), value)

    # status -------------------------------------------------------------------------------------

    def set_status(self, html: str) -> None:
        self.status.setText(html)

    def set_progress(self, progress: tuple[int, int] | None) -> None:
        if progress is None or progress[1] == 0:
            self.progress.hide()
            return
        done, total = progress
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self.progress.show()

    # time travel ------------------------------------------------------------------------------

    def set_history_length(self, length: int, live: bool, describe: Any = None) -> None:
        at_end = self.slider.value() >= self._length
        self._length = length
        self._updating = True
        try:
            self.slider.setRange(0, length)
            if live or at_end:
                self.slider.setValue(length)
        finally:
            self._updating = False
        self._label(describe)

    def _label(self, describe: Any = None) -> None:
        value = self.slider.value()
        text = f"event {value} of {self._length}"
        if describe is not None and value:
            text += f": {describe(value)}"
        self.slider_label.setText(text if self._length else "")
        self._describe = describe

    def _slid(self, value: int) -> None:
        self._label(getattr(self, "_describe", None))
        if not self._updating:
            self.cursor_changed.emit(None if value >= self._length else value)

    # iteration and branch focus ---------------------------------------------------------------

    def set_containers(self, containers: list[tuple[str, str, list[tuple[str, Any]]]]) -> None:
        """(state path, label, [(choice label, index or None)]) for the Maps and Parallels that ran."""
        current = self.container.currentData()
        self._updating = True
        try:
            self.container.clear()
            self._choices = {}
            for path, label, choices in containers:
                self.container.addItem(label, path)
                self._choices[path] = choices
            if not containers:
                self.container.addItem("(no Map or Parallel ran)", None)
            index = self.container.findData(current)
            self.container.setCurrentIndex(max(index, 0))
            self._fill_choices()
        finally:
            self._updating = False
        self.container.setEnabled(bool(containers))
        self.choice.setEnabled(bool(containers))

    def _fill_choices(self) -> None:
        path = self.container.currentData()
        self.choice.blockSignals(True)
        try:
            self.choice.clear()
            for label, index in self._choices.get(path, []):
                self.choice.addItem(label, index)
            chosen = self._selected.get(path)
            position = self.choice.findData(chosen) if chosen is not None else 0
            self.choice.setCurrentIndex(max(position, 0))
        finally:
            self.choice.blockSignals(False)

    def _container_changed(self) -> None:
        if not self._updating:
            self._fill_choices()

    def _choice_changed(self) -> None:
        path = self.container.currentData()
        if path is None:
            return
        index = self.choice.currentData()
        self._selected[path] = index
        if not self._updating:
            self.focus_changed.emit(path, index)

    def select_focus(self, path: str, index: Any) -> None:
        """Show `path`'s iteration/branch `index` (what the controller does when a pause is inside one)."""
        self._selected[path] = index
        position = self.container.findData(path)
        if position >= 0:
            self._updating = True
            try:
                self.container.setCurrentIndex(position)
                self._fill_choices()
            finally:
                self._updating = False
