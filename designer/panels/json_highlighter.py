"""JSON syntax colours for the code view (keys, strings, numbers, literals)."""

from __future__ import annotations

import re

from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat, QTextDocument

from designer.canvas.theme import Theme

# One pass, left to right: a string is a key when a colon follows it. Scanning strings and
# numbers separately would colour the digits inside strings ("2026-01-01", "us-east-1").
_TOKENS = re.compile(
    r'(?P<string>"(?:[^"\\]|\\.)*")(?P<colon>\s*:)?'
    r"|(?P<number>-?\b\d+(?:\.\d+)?(?:[eE][-+]?\d+)?\b)"
    r"|(?P<keyword>\b(?:true|false|null)\b)"
)


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
        for match in _TOKENS.finditer(text):
            if match.group("string") is not None:
                name = "key" if match.group("colon") else "string"
                start, end = match.span("string")
            else:
                name = "number" if match.group("number") is not None else "keyword"
                start, end = match.span()
            self.setFormat(start, end - start, self.formats[name])
