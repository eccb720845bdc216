"""The inspector: forms generated from the engine's models for the selected state or resource."""

from designer.panels.inspector.panel import InspectorPanel

__all__ = ["InspectorPanel"]
