"""Shared configuration for the ASL document models.

Every model speaks ASL's PascalCase on the wire and snake_case in Python. Field order in a
class is the canonical order in which the writer emits keys, so classes list their fields in
the order a reader of the JSON expects them (Type first, transitions last).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_pascal


class AslModel(BaseModel):
    """Base of every ASL object: strict about unknown fields, lossless on the way out."""

    model_config = ConfigDict(
        alias_generator=to_pascal,
        populate_by_name=True,
        extra="forbid",
        frozen=False,
        arbitrary_types_allowed=False,
    )

    def to_json(self) -> dict[str, Any]:
        """The JSON value of this object, with exactly the fields the author wrote."""
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)


class OpenAslModel(AslModel):
    """An ASL object whose extra fields are kept as written (service configs grow over time)."""

    model_config = ConfigDict(extra="allow")
