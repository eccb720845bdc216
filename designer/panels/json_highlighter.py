"""JSON syntax colours for the code view (keys, strings, numbers, literals)."""

from __future__ import annotations

import re

from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat, QTextDocument

from designer.theme import Theme

_RULES = [
    ("key", re.compile(r'"(?:[^"\\]|\\.)*"(?=\s*:)')),
    ("string", re.compile(r'"(?:[^"\\]|\\.)*"(?!\s*:)')),
    ("number", re.compile(r"-?\b\d+(?:\.\d+)?(?:[eE][-+]?\d+)?\b")),
    ("keyword", re.compile(r"\b(?:true|false|null)\b")),
]


class JsonHighlighter(QSyntaxHighlighter):
    def __init__(self, document: QTextDocument, theme: Theme) -> None:
        super().__init__(document)
        self.set_theme(theme)

    def set_theme(self, theme: Theme) -> None:
        self.formats = {}
        for name in ("key", "string", "number", "keyword"):
            fmt = QTextCharFormat()
            fmt.setForeground(QColor(theme.code_colors[name]))
            if name == "key":
                fmt.setFontWeight(QFont.Weight.DemiBold)
            self.formats[name] = fmt
        self.rehighlight()

    def highlightBlock(self, text: str) -> None:
        taken: list[tuple[int, int]] = []
        for name, pattern in _RULES:
            for match in pattern.finditer(text):
                start, end = match.span()
                if any(s < end and start < e for s, e in taken):
                    continue
                taken.append((start, end))
                self.setFormat(start, end - start, self.formats[name])
