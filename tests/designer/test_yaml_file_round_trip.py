"""A definition saved as YAML reopens unchanged: text that YAML 1.2 would read as a number,
boolean or null is quoted, and state names such as Yes and No stay names."""

from __future__ import annotations

from pathlib import Path

from designer.document.files import load_document_file, save_document_file


def test_a_yaml_definition_saves_and_reopens_unchanged(tmp_path: Path) -> None:
    source = tmp_path / "machine.asl.yaml"
    source.write_text(
        "StartAt: Yes\nStates:\n  Yes:\n    Type: Pass\n    Result: {a: 1e3, b: '1e3', c: 0o17, d: '0o17'}\n"
        "    Next: No\n  No:\n    Type: Succeed\n",
        encoding="utf-8",
    )
    first = load_document_file(source)
    (definition,) = first.definitions.values()
    assert definition["States"]["Yes"]["Result"] == {"a": 1000.0, "b": "1e3", "c": 15, "d": "0o17"}
    target = tmp_path / "saved.asl.yaml"
    save_document_file(first, target)
    (again,) = load_document_file(target).definitions.values()
    assert again == definition
