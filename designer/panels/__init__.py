"""Docked panels: palette, code view, problems and the inspector."""
