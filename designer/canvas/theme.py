"""Colours the painters use, in a light and a dark variant.

Status colours are Okabe-Ito (safe for colour-blind users) and never the only signal: every
status is also drawn as an icon. Text colours are chosen for at least 4.5:1 contrast on the
fills they sit on (tests check it). The canvas's painters are the theme's main users; the panels
(code colours, forms) and the window (the application palette) take theirs from the same theme,
so a switch to dark changes everything at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from PySide6.QtGui import QColor, QPalette

OKABE_ITO = {
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
}


@dataclass(frozen=True)
class Theme:
    name: str
    background: str
    grid: str
    frame_fill: str
    frame_border: str
    frame_title: str
    node_fill: str
    node_border: str
    node_text: str
    node_caption: str
    container_fill: str
    lane_fill: str
    lane_border: str
    accent: str  # selection outline
    edge: str
    edge_label_fill: str
    edge_label_text: str
    catch: str  # Catch edges and error marks
    back_edge: str
    route: str  # event routes (bus -> rule -> target)
    badge_fill: str
    badge_text: str
    warning: str
    marker_fill: str  # Start / End markers
    marker_text: str
    type_colors: dict[str, str] = field(default_factory=dict)
    ui_window: str = "#F4F5F7"
    ui_base: str = "#FFFFFF"
    ui_text: str = "#1F2328"
    ui_highlight: str = "#0072B2"
    code_colors: dict[str, str] = field(default_factory=dict)

    def color(self, name: str) -> QColor:
        return _qcolor(getattr(self, name))

    def type_color(self, kind: str) -> QColor:
        return _qcolor(self.type_colors.get(kind, self.node_border))

    def palette(self) -> QPalette:
        pal = QPalette()
        window, base, text = _qcolor(self.ui_window), _qcolor(self.ui_base), _qcolor(self.ui_text)
        for role, colour in (
            (QPalette.ColorRole.Window, window),
            (QPalette.ColorRole.Base, base),
            (QPalette.ColorRole.AlternateBase, window),
            (QPalette.ColorRole.Button, window),
            (QPalette.ColorRole.WindowText, text),
            (QPalette.ColorRole.Text, text),
            (QPalette.ColorRole.ButtonText, text),
            (QPalette.ColorRole.ToolTipBase, base),
            (QPalette.ColorRole.ToolTipText, text),
            (QPalette.ColorRole.PlaceholderText, _qcolor(self.node_caption)),
            (QPalette.ColorRole.Highlight, _qcolor(self.ui_highlight)),
            (QPalette.ColorRole.HighlightedText, QColor("#FFFFFF")),
        ):
            pal.setColor(role, colour)
        # Setting a role sets it for every colour group, the disabled one too: without this a
        # disabled button or action (Run from here inside a Map, Step Out at the top level) would
        # read exactly like an enabled one.
        muted = QColor(
            (text.red() + window.red()) // 2,
            (text.green() + window.green()) // 2,
            (text.blue() + window.blue()) // 2,
        )  # halfway between the text and the window: plainly inactive in both themes
        for role in (
            QPalette.ColorRole.WindowText,
            QPalette.ColorRole.Text,
            QPalette.ColorRole.ButtonText,
        ):
            pal.setColor(QPalette.ColorGroup.Disabled, role, muted)
        return pal


@lru_cache(maxsize=256)
def _qcolor(text: str) -> QColor:
    return QColor(text)


LIGHT = Theme(
    name="light",
    background="#F7F8FA",
    grid="#DADFE6",
    frame_fill="#FFFFFF",
    frame_border="#C9D0DA",
    frame_title="#2F3A48",
    node_fill="#FFFFFF",
    node_border="#A9B2BF",
    node_text="#1F2328",
    node_caption="#5A6472",
    container_fill="#F3F5F8",
    lane_fill="#FFFFFF",
    lane_border="#D3D9E1",
    accent="#0072B2",
    edge="#5B6573",
    edge_label_fill="#FFFFFF",
    edge_label_text="#2F3A48",
    catch="#C24E00",
    back_edge="#7A8491",
    route="#A4457F",
    badge_fill="#C23B00",
    badge_text="#FFFFFF",
    warning="#E69F00",
    marker_fill="#E9EDF2",
    marker_text="#3C4654",
    type_colors={
        "Task": "#0072B2",
        "Pass": "#6B7480",
        "Choice": "#B87A00",
        "Wait": "#2C8CC4",
        "Succeed": "#007A5A",
        "Fail": "#C24E00",
        "Parallel": "#A4457F",
        "Map": "#A4457F",
        "bus": "#5B3F8C",
        "rule": "#A4457F",
        "queue": "#0072B2",
        "dlq": "#C24E00",
        "topic": "#B87A00",
        "function": "#D55E00",
        "stateMachine": "#2F3A48",
    },
    code_colors={
        "key": "#0B5394",
        "string": "#0A7B55",
        "number": "#A04800",
        "keyword": "#8A3F7A",
        "punct": "#5A6472",
        "highlight": "#FFF4C2",
        "error": "#C24E00",
    },
)

DARK = Theme(
    name="dark",
    background="#1B1E23",
    grid="#2C3139",
    frame_fill="#22262C",
    frame_border="#3A414C",
    frame_title="#D5DBE3",
    node_fill="#2B3038",
    node_border="#59616E",
    node_text="#E8ECF1",
    node_caption="#A9B2BF",
    container_fill="#262A31",
    lane_fill="#2B3038",
    lane_border="#404854",
    accent="#56B4E9",
    edge="#9AA4B2",
    edge_label_fill="#2B3038",
    edge_label_text="#DDE3EA",
    catch="#F08A4B",
    back_edge="#8A94A2",
    route="#E293C0",
    badge_fill="#C23B00",
    badge_text="#FFFFFF",
    warning="#F0C05A",
    marker_fill="#333944",
    marker_text="#D5DBE3",
    type_colors={
        "Task": "#56B4E9",
        "Pass": "#A9B2BF",
        "Choice": "#E6B84A",
        "Wait": "#7CC6EE",
        "Succeed": "#3FC79F",
        "Fail": "#F08A4B",
        "Parallel": "#E293C0",
        "Map": "#E293C0",
        "bus": "#B7A2E8",
        "rule": "#E293C0",
        "queue": "#56B4E9",
        "dlq": "#F08A4B",
        "topic": "#E6B84A",
        "function": "#F08A4B",
        "stateMachine": "#D5DBE3",
    },
    ui_window="#23272E",
    ui_base="#1B1E23",
    ui_text="#E8ECF1",
    ui_highlight="#2F6FA0",
    code_colors={
        "key": "#7CC6EE",
        "string": "#7FD6B4",
        "number": "#F0B27A",
        "keyword": "#E293C0",
        "punct": "#A9B2BF",
        "highlight": "#3A3A24",
        "error": "#F08A4B",
    },
)

THEMES = {"light": LIGHT, "dark": DARK}


def theme_named(name: str) -> Theme:
    return THEMES.get(name, LIGHT)


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio between two colours."""

    def luminance(text: str) -> float:
        colour = QColor(text)
        channels = []
        for c in (colour.redF(), colour.greenF(), colour.blueF()):
            channels.append(c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
        r, g, b = channels
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    a, b = luminance(foreground), luminance(background)
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)
