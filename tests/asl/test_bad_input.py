"""Bad input gives a clear, located error quickly, from the library and from the CLI alike.

Nothing may hang, exhaust memory or end in a traceback: malformed JSON, YAML alias bombs,
oversized, binary, non-UTF-8, empty and absurdly nested files are all refused with a message.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_runner import run_cli

import engine
from engine.asl.document import load_definition
from engine.asl.loader import MAX_DEFINITION_LENGTH, DefinitionLoadError, parse_text, read_text_file
from engine.asl.validation import validate_file

ROOT = Path(__file__).resolve().parents[2]
HANG_GUARD = 10.0  # seconds; every case here should take well under one

MALFORMED = '{\n  "StartAt": "A"\n  "States": {"A": {"Type": "Succeed"}}\n}\n'  # no comma after "A"
BILLION_LAUGHS = "\n".join(
    [
        'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
        *(
            f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]"
            for prev, name in zip("abcdefgh", "bcdefghi", strict=True)
        ),
        "StartAt: A",
        "States: {A: {Type: Succeed}}",
        "",
    ]
)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00"


def cli(*args: str) -> tuple[int, str, str]:
    """`statecanvas ARGS` in this process: exit code, standard output and standard error."""
    done = run_cli(args)
    assert "Traceback" not in done.stdout, done.stdout
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, done.stdout, done.stderr


def timed(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - start


def load_error(path: Path) -> DefinitionLoadError:
    with pytest.raises(DefinitionLoadError) as info:
        load_definition(path)
    return info.value


# --- malformed JSON ----------------------------------------------------------------------------


def test_malformed_json_library(tmp_path: Path) -> None:
    path = tmp_path / "comma.asl.json"
    path.write_text(MALFORMED, encoding="utf-8")

    with pytest.raises(DefinitionLoadError) as info:
        parse_text(MALFORMED, source=str(path))
    assert (info.value.source, info.value.line, info.value.column) == (str(path), 3, 3)
    assert info.value.located().startswith(f"{path}:3:3: ")
    assert "','" in info.value.message

    exc = load_error(path)
    assert (exc.source, exc.line, exc.column) == (str(path), 3, 3)

    [diagnostic] = validate_file(path)
    assert diagnostic.severity == "ERROR"
    assert diagnostic.code == "INVALID_JSON_DESCRIPTION"
    assert diagnostic.location == "line 3, column 3"


def test_malformed_json_cli(tmp_path: Path) -> None:
    path = tmp_path / "comma.asl.json"
    path.write_text(MALFORMED, encoding="utf-8")
    code, out, err = cli("validate", str(path))
    assert code == 1, (out, err)
    assert str(path) in out
    assert "line 3, column 3" in out
    assert "INVALID_JSON_DESCRIPTION" in out

    code, out, err = cli("validate", str(path), "--json")
    assert code == 1
    response = json.loads(out)
    assert response["result"] == "FAIL"
    assert response["file"] == str(path)
    assert response["diagnostics"][0]["location"] == "line 3, column 3"


# --- the YAML "billion laughs" -----------------------------------------------------------------


def test_yaml_alias_bomb_library(tmp_path: Path) -> None:
    path = tmp_path / "laughs.asl.yaml"
    path.write_text(BILLION_LAUGHS, encoding="utf-8")

    with pytest.raises(DefinitionLoadError) as info:
        parse_text(BILLION_LAUGHS, source=str(path), prefer="yaml")
    assert "aliases" in info.value.message
    assert info.value.source == str(path)
    assert info.value.line is not None

    start = time.perf_counter()
    exc = load_error(path)
    assert "aliases" in exc.message
    diagnostics = validate_file(path)
    elapsed = time.perf_counter() - start
    assert elapsed < HANG_GUARD
    assert len(diagnostics) == 1
    assert "aliases" in diagnostics[0].message
    assert diagnostics[0].severity == "ERROR"


def test_yaml_alias_bomb_validate_text_is_refused_quickly() -> None:
    diagnostics, elapsed = timed(engine.validate, BILLION_LAUGHS)
    assert elapsed < HANG_GUARD
    assert [d.severity for d in diagnostics] == ["ERROR"]


def test_yaml_alias_bomb_validate_text_says_aliases() -> None:
    [diagnostic] = engine.validate(BILLION_LAUGHS)
    assert "aliases" in diagnostic.message


def test_yaml_alias_bomb_cli(tmp_path: Path) -> None:
    path = tmp_path / "laughs.asl.yaml"
    path.write_text(BILLION_LAUGHS, encoding="utf-8")
    (code, out, err), elapsed = timed(cli, "validate", str(path))
    assert elapsed < HANG_GUARD
    assert code == 1, (out, err)
    assert "aliases" in out
    assert str(path) in out


def test_self_referencing_yaml_is_refused() -> None:
    # PyYAML cannot build a recursive alias; it must still end in a clear error.
    diagnostics, elapsed = timed(engine.validate, "a: &a [*a]\n")
    assert elapsed < HANG_GUARD
    assert diagnostics and diagnostics[0].severity == "ERROR"


# --- too large ---------------------------------------------------------------------------------


def big_definition_text(size: int) -> str:
    filler = "x" * size
    return json.dumps({"Comment": filler, "StartAt": "A", "States": {"A": {"Type": "Succeed"}}})


def test_ten_megabyte_file_library(tmp_path: Path) -> None:
    path = tmp_path / "huge.asl.json"
    path.write_text(big_definition_text(10_000_000), encoding="utf-8")

    with pytest.raises(DefinitionLoadError) as info:
        read_text_file(path)
    assert "1,048,576" in info.value.message
    assert info.value.source == str(path)

    diagnostics, elapsed = timed(validate_file, path)
    assert elapsed < HANG_GUARD
    [diagnostic] = diagnostics
    assert diagnostic.severity == "ERROR"
    assert str(MAX_DEFINITION_LENGTH) in diagnostic.message

    exc = load_error(path)
    assert "1,048,576" in exc.message


def test_ten_megabyte_file_cli(tmp_path: Path) -> None:
    path = tmp_path / "huge.asl.json"
    path.write_text(big_definition_text(10_000_000), encoding="utf-8")
    (code, out, err), elapsed = timed(cli, "validate", str(path))
    assert elapsed < HANG_GUARD
    assert code == 1, (out, err)
    assert "1048576" in out


def test_just_over_the_limit_is_refused_just_under_is_not(tmp_path: Path) -> None:
    overhead = len(big_definition_text(0))
    under = tmp_path / "under.asl.json"
    under.write_text(big_definition_text(MAX_DEFINITION_LENGTH - overhead), encoding="utf-8")
    assert validate_file(under) == []
    over = tmp_path / "over.asl.json"
    over.write_text(big_definition_text(MAX_DEFINITION_LENGTH - overhead + 1), encoding="utf-8")
    [diagnostic] = validate_file(over)
    assert str(MAX_DEFINITION_LENGTH) in diagnostic.message


def test_oversized_text_and_dict() -> None:
    text = big_definition_text(MAX_DEFINITION_LENGTH)
    [from_text] = engine.validate(text)
    [from_dict] = engine.validate(json.loads(text))
    assert from_text == from_dict
    assert str(MAX_DEFINITION_LENGTH) in from_text.message


# --- binary, not UTF-8, empty, wrong top level -------------------------------------------------


def test_binary_file_library(tmp_path: Path) -> None:
    path = tmp_path / "image.asl.json"
    path.write_bytes(PNG)
    with pytest.raises(DefinitionLoadError) as info:
        read_text_file(path)
    assert "binary" in info.value.message
    assert info.value.source == str(path)
    assert "binary" in load_error(path).message
    [diagnostic] = validate_file(path)
    assert "binary" in diagnostic.message


def test_binary_file_cli(tmp_path: Path) -> None:
    path = tmp_path / "image.png"
    path.write_bytes(PNG)
    code, out, err = cli("validate", str(path))
    assert code == 2, (out, err)
    assert "binary" in err
    assert str(path) in err


def test_nul_bytes_file_cli(tmp_path: Path) -> None:
    path = tmp_path / "nuls.asl.json"
    path.write_bytes(b'{"StartAt": "A",\x00\x00\x00 "States": {}}')
    code, out, err = cli("validate", str(path))
    assert code == 2, (out, err)
    assert "binary" in err


def test_non_utf8_file_library(tmp_path: Path) -> None:
    path = tmp_path / "latin1.asl.json"
    path.write_bytes('{\n  "Comment": "café"\n}\n'.encode("latin-1"))
    with pytest.raises(DefinitionLoadError) as info:
        read_text_file(path)
    assert "UTF-8" in info.value.message
    assert info.value.source == str(path)
    assert info.value.line == 2
    exc = load_error(path)
    assert exc.line == 2
    [diagnostic] = validate_file(path)
    assert "UTF-8" in diagnostic.message
    assert diagnostic.location == "line 2"


def test_non_utf8_file_cli(tmp_path: Path) -> None:
    path = tmp_path / "latin1.asl.json"
    path.write_bytes('{\n  "Comment": "café"\n}\n'.encode("latin-1"))
    code, out, err = cli("validate", str(path))
    assert code == 2, (out, err)
    assert "UTF-8" in err
    assert f"{path}:2" in err


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.asl.json"
    path.write_bytes(
        b"\xef\xbb\xbf" + json.dumps({"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}).encode()
    )
    assert validate_file(path) == []
    assert cli("validate", str(path))[0] == 0


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.asl.json"
    path.write_bytes(b"")
    diagnostics = validate_file(path)
    assert [d.severity for d in diagnostics] == ["ERROR"]
    with pytest.raises(DefinitionLoadError):
        load_definition(path)
    code, out, err = cli("validate", str(path))
    assert code == 1, (out, err)
    assert "invalid" in out


def test_empty_file_library_matches_text_and_cli(tmp_path: Path) -> None:
    path = tmp_path / "empty.asl.json"
    path.write_bytes(b"")
    assert validate_file(path) == engine.validate("")


def test_whitespace_only_text() -> None:
    [diagnostic] = engine.validate("  \n ")
    assert (diagnostic.code, diagnostic.message) == (
        "SCHEMA_VALIDATION_FAILED",
        "Definition must be a valid JSON object",
    )


def test_top_level_array(tmp_path: Path) -> None:
    path = tmp_path / "array.asl.json"
    path.write_text('[{"StartAt": "A"}]', encoding="utf-8")
    [diagnostic] = validate_file(path)
    assert (diagnostic.code, diagnostic.message) == (
        "SCHEMA_VALIDATION_FAILED",
        "Definition must be a valid JSON object",
    )
    exc = load_error(path)
    assert exc.source == str(path)
    assert "JSON object" in exc.message
    code, out, err = cli("validate", str(path))
    assert code == 1, (out, err)
    assert "Definition must be a valid JSON object" in out


@pytest.mark.parametrize("text", ["42", '"a string"', "null", "true"])
def test_top_level_scalar(text: str) -> None:
    [diagnostic] = engine.validate(text)
    assert diagnostic.severity == "ERROR"
    assert diagnostic.code in ("SCHEMA_VALIDATION_FAILED", "INVALID_JSON_DESCRIPTION")


# --- absurd nesting ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("lists", "[" * 100_000 + "]" * 100_000),
        ("objects", '{"a":' * 100_000 + "1" + "}" * 100_000),
        (
            "in-a-definition",
            '{"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": '
            + "[" * 100_000
            + "]" * 100_000
            + ', "End": true}}}',
        ),
    ],
)
def test_deep_nesting(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / f"{name}.asl.json"
    path.write_text(text, encoding="utf-8")

    diagnostics, elapsed = timed(validate_file, path)
    assert elapsed < HANG_GUARD
    assert [d.severity for d in diagnostics] == ["ERROR"]
    assert "nested too deeply" in diagnostics[0].message

    exc = load_error(path)
    assert exc.source == str(path)
    assert "nested too deeply" in exc.message

    [from_text] = engine.validate(text)
    assert "nested too deeply" in from_text.message

    code, out, err = cli("validate", str(path))
    assert code == 1, (out, err)
    assert "nested too deeply" in out


RECURSION_BUG = (
    "engine bug: engine/asl/validation/expressions.py imports jsonata directly (not through "
    "engine.expr.jsonata.library), and importing jsonata-python sets sys.setrecursionlimit(10000) for "
    "the whole process; the loader relies on the limit to stop deep YAML and PyYAML's flow parser is "
    "quadratic in depth, so a 100 kB nested YAML file takes ~14 s to refuse (CLI included)"
)
DEEP_YAML_SCRIPT = """
import sys, time
from pathlib import Path
import engine
from engine.asl.validation import validate_file
# What every long-running process (the designer, a test session) has done by then.
engine.validate({"QueryLanguage": "JSONata", "StartAt": "A",
                 "States": {"A": {"Type": "Pass", "Output": "{% 1 %}", "End": True}}})
start = time.perf_counter()
diagnostics = validate_file(Path(sys.argv[1]))
print(f"{time.perf_counter() - start:.3f}", [(d.severity, d.message) for d in diagnostics])
"""


def python(*args: str) -> str:
    proc = subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_deep_yaml_nesting(tmp_path: Path) -> None:
    # In a fresh interpreter: the test session's own recursion limit must not decide the outcome.
    path = tmp_path / "deep.asl.yaml"
    path.write_text("StartAt: A\nStates: " + "[" * 50_000 + "]" * 50_000 + "\n", encoding="utf-8")
    elapsed, diagnostics = python("-c", DEEP_YAML_SCRIPT, str(path)).split(" ", 1)
    assert "nested too deeply" in diagnostics
    assert float(elapsed) < 5.0


def test_engine_leaves_the_recursion_limit_alone() -> None:
    script = (
        "import sys\n"
        "before = sys.getrecursionlimit()\n"
        "import engine, engine.cli\n"
        "engine.validate({'QueryLanguage': 'JSONata', 'StartAt': 'A', "
        "'States': {'A': {'Type': 'Pass', 'Output': '{% 1 %}', 'End': True}}})\n"
        "print(before, sys.getrecursionlimit())\n"
    )
    before, after = python("-c", script).split()
    assert before == after


def nested_dict(depth: int) -> object:
    value: object = 1
    for _ in range(depth):
        value = {"a": value}
    return value


def test_deeply_nested_dict_gives_a_diagnostic() -> None:
    definition = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": nested_dict(3000), "End": True}}}
    diagnostics = engine.validate(definition)
    assert [d.severity for d in diagnostics] == ["ERROR"]


# --- control characters: the YAML fallback must not leak its own exception ----------------------


CONTROL_BUG = (
    "engine bug: engine/asl/loader.py _parse_yaml builds _SafeLoader(text) outside its try, so "
    "PyYAML's ReaderError for a non-printable character escapes parse_text/validate/validate_file "
    "(CLI: 'internal error: ReaderError', exit 2) instead of a located INVALID_JSON_DESCRIPTION"
)


@pytest.mark.parametrize("text", ['{"StartAt": "A",\x01 "States": {}}', "\x07", '{"a": 1,}\x00'])
def test_control_characters_in_text(text: str) -> None:
    with pytest.raises(DefinitionLoadError):
        parse_text(text)
    [diagnostic] = engine.validate(text)
    assert diagnostic.code == "INVALID_JSON_DESCRIPTION"


def test_nul_after_the_binary_sniff_window(tmp_path: Path) -> None:
    path = tmp_path / "late-nul.asl.json"
    path.write_bytes(b"{" + b" " * 9000 + b"\x00}")
    [diagnostic] = validate_file(path)
    assert diagnostic.severity == "ERROR"


def test_control_character_file_cli(tmp_path: Path) -> None:
    path = tmp_path / "bell.asl.json"
    path.write_bytes(b'{"StartAt": "A",\x07 "States": {}}')
    code, out, err = cli("validate", str(path))
    assert "internal error" not in err
    assert code == 1, (out, err)
