"""ItemReader: a Distributed Map's items read from S3 instead of from the state input.

`s3:getObject` reads one object as a JSON array, JSON Lines, CSV or an S3 inventory manifest;
`s3:listObjectsV2` lists a bucket (under a prefix) and makes one item per object. The bucket and
key come from Parameters (JSONPath, `.$` fields resolved against the effective input) or
Arguments (JSONata). MaxItems caps the number of items. Anything wrong with the data set fails
the state with States.ItemReaderFailed and a cause worded as Step Functions words it.

With an ItemReader, a JSONPath Map's ItemsPath is not applied to what the reader produced:
executions recorded on AWS iterate over the reader's items whatever ItemsPath says (even a path
that selects nothing), so map_state never calls ItemsPath when a reader is present.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import uuid
from typing import Any

from engine.expr import PathNotFoundError
from engine.integrations import S3Error, S3ObjectStore, StoredObject, store_of
from engine.runtime import arns
from engine.runtime.errors import RUNTIME, StateFailure
from engine.runtime.history import to_json_text
from engine.runtime.jsonpath_flow import render_template
from engine.runtime.state_run import StateRun

ITEM_READER_FAILED = "States.ItemReaderFailed"
# The most items a reader hands over, whatever MaxItems asks for.
MAX_ITEMS_LIMIT = 100_000_000
DELIMITERS = {"COMMA": ",", "PIPE": "|", "SEMICOLON": ";", "SPACE": " ", "TAB": "\t"}


def reader_failed(cause: str) -> StateFailure:
    return StateFailure(ITEM_READER_FAILED, cause)


async def read_items(run: StateRun, effective: Any) -> list[Any]:
    """The Map's items as the ItemReader produces them, MaxItems applied.

    A Distributed Map reads its items inside its map run, so when reading fails AWS's history
    shows the map starting (with length 0), the map run starting and the map run failing with
    the reader's error before the state fails; those events are written here.
    """
    reader: dict[str, Any] = run.state["ItemReader"]
    params = _parameters(run, reader, effective)
    try:
        return _read(run, reader, params, effective)
    except StateFailure as failure:
        if failure.error == ITEM_READER_FAILED and _distributed(run):
            history = run.env.history
            history.add("MapStateStarted", {"length": 0})
            history.add("MapRunStarted", {"mapRunArn": new_map_run_arn(run)})
            history.add("MapRunFailed", {"error": failure.error, "cause": failure.cause})
        raise


def _distributed(run: StateRun) -> bool:
    processor = run.state.get("ItemProcessor") or run.state.get("Iterator") or {}
    return (processor.get("ProcessorConfig") or {}).get("Mode") == "DISTRIBUTED"


def new_map_run_arn(run: StateRun) -> str:
    """A map run's ARN: the state machine, the Map's Label (or name) and a fresh id."""
    info = run.env.info
    label = run.state.get("Label") or run.name
    return arns.map_run_arn(info.region, info.account, info.state_machine_name, label, str(uuid.uuid4()))


def _read(run: StateRun, reader: dict[str, Any], params: dict[str, Any], effective: Any) -> list[Any]:
    config: dict[str, Any] = reader.get("ReaderConfig") or {}
    max_items = _max_items(run, config, effective)
    store = store_of(run.env.services)
    action = str(reader.get("Resource", "")).rsplit(":", 1)[-1]
    try:
        if action == "listObjectsV2":
            items = _list_objects(store, params, config, max_items)
        elif action == "getObject":
            obj = store.get_object(_text_param(params, "Bucket"), _text_param(params, "Key"))
            items = _parse(store, obj, config, max_items)
        else:
            raise reader_failed(f"Unsupported ItemReader resource: {reader.get('Resource')}")
    except S3Error as exc:
        raise reader_failed(exc.described()) from None
    return items[:max_items] if max_items else items


def _parameters(run: StateRun, reader: dict[str, Any], effective: Any) -> dict[str, Any]:
    if run.jsonata:
        value = run.jsonata_scope().evaluate(reader.get("Arguments") or {}, "Arguments")
    else:
        value = render_template(reader.get("Parameters") or {}, effective, run.path_scope())
    return value if isinstance(value, dict) else {}


def _text_param(params: dict[str, Any], name: str) -> str:
    value = params.get(name)
    if not isinstance(value, str) or not value:
        raise reader_failed(
            f"The ItemReader's {name} must be a non-empty string, but was: {to_json_text(value)}"
        )
    return value


def _max_items(run: StateRun, config: dict[str, Any], effective: Any) -> int:
    """MaxItems or MaxItemsPath; 0 (or none) reads everything, above the limit reads up to it."""
    if "MaxItems" in config:
        value = config["MaxItems"]
        if run.jsonata and isinstance(value, str):
            value = run.jsonata_scope().evaluate(value, "MaxItems")
        shown, source = to_json_text(value), "MaxItems"
    elif "MaxItemsPath" in config:
        path = config["MaxItemsPath"]
        scope = run.path_scope()
        try:
            value = scope.evaluate(path, effective)
        except PathNotFoundError:
            raise StateFailure(
                RUNTIME, run.prefix + f"Invalid path '{path}' : No results for path: {path}"
            ) from None
        shown, source = value if isinstance(value, str) else to_json_text(value), path
    else:
        return 0
    number = as_integer(value)
    if number is None:
        if "MaxItemsPath" in config and "MaxItems" not in config:
            raise StateFailure(
                RUNTIME,
                run.prefix + f'The MaxItemsPath field refers to value "{shown}" which is not a valid '
                f"integer: {source}",
            )
        raise reader_failed(f"field MaxItems must be an integer, but was: {shown}")
    if number < 0:
        raise reader_failed("field MaxItems must be positive")
    return min(number, MAX_ITEMS_LIMIT)


def as_integer(value: Any) -> int | None:
    """An integer, also when written as a string ("2") or a whole float, as AWS accepts it."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value) if any(c in value for c in ".eE") else int(value)
        except ValueError:
            return None
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    return value if isinstance(value, int) else None


# listObjectsV2 ---------------------------------------------------------------------------------


def _list_objects(
    store: S3ObjectStore, params: dict[str, Any], config: dict[str, Any], max_items: int
) -> list[Any]:
    """Every object under the prefix (all pages), as the item AWS hands each child.

    With ReaderConfig Transformation LOAD_AND_FLATTEN each listed object is read instead, as
    InputType says, and the items of all of them are concatenated.
    """
    bucket = _text_param(params, "Bucket")
    prefix = params.get("Prefix") or ""
    token: str | None = None
    items: list[Any] = []
    load = config.get("Transformation") == "LOAD_AND_FLATTEN"
    while True:
        page = store.list_objects_v2(
            bucket,
            prefix=prefix,
            delimiter=params.get("Delimiter"),
            continuation_token=token,
            start_after=params.get("StartAfter"),
        )
        for entry in page.get("Contents", []):
            if load:
                items.extend(_parse(store, store.get_object(bucket, entry["Key"]), config, 0))
            else:
                items.append(
                    {
                        "Etag": entry["ETag"],
                        "Key": entry["Key"],
                        "LastModified": int(entry["LastModified"].timestamp()),
                        "Size": entry["Size"],
                        "StorageClass": entry["StorageClass"],
                    }
                )
            if max_items and len(items) >= max_items:
                return items
        token = page.get("NextContinuationToken")
        if not page.get("IsTruncated") or token is None:
            return items


# getObject -------------------------------------------------------------------------------------


def _parse(store: S3ObjectStore, obj: StoredObject, config: dict[str, Any], max_items: int) -> list[Any]:
    kind = config.get("InputType", "JSON")
    if kind == "JSON":
        return _json_items(obj.text(), config)
    if kind == "JSONL":
        return _jsonl_items(obj.text())
    if kind == "CSV":
        return _csv_items(obj.text(), config, max_items)
    if kind == "MANIFEST":
        return _manifest_items(store, obj.text(), max_items)
    raise reader_failed(f"Unsupported InputType: {kind}")


def _json_items(text: str, config: dict[str, Any]) -> list[Any]:
    try:
        document = json.loads(text)
    except ValueError:
        raise reader_failed("The JSON input could not be parsed.") from None
    pointer = config.get("ItemsPointer")
    if isinstance(pointer, str) and pointer:
        document = _follow_pointer(document, pointer)
    if not isinstance(document, list):
        raise reader_failed("Attempting to map over non-iterable node.")
    return document


def _follow_pointer(document: Any, pointer: str) -> Any:
    """A JSON Pointer (RFC 6901) into the document: where ItemsPointer says the array is."""
    current = document
    for raw in pointer.lstrip("/").split("/") if pointer != "/" else []:
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(current, dict) and token in current:
            current = current[token]
        elif isinstance(current, list) and token.isdigit() and int(token) < len(current):
            current = current[int(token)]
        else:
            raise reader_failed(f"The ItemsPointer '{pointer}' does not point to a node in the JSON input.")
    return current


def _jsonl_items(text: str) -> list[Any]:
    items = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            items.append(json.loads(line))
        except ValueError:
            raise reader_failed(f"The JSONL input could not be parsed at line {number}.") from None
    return items


def _csv_items(text: str, config: dict[str, Any], max_items: int) -> list[dict[str, str]]:
    """One object per row, every value a string, keyed by the header.

    A row shorter than the header gets "" for the missing columns; fields beyond the header are
    dropped. Blank lines are not rows. Headers are strings whatever they look like ("0",
    "True", "{}"), and must be unique.
    """
    delimiter = DELIMITERS.get(config.get("CSVDelimiter", "COMMA"), ",")
    rows = (row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter) if row)
    location = config.get("CSVHeaderLocation", "FIRST_ROW")
    if location == "GIVEN":
        headers = config.get("CSVHeaders")
        if not isinstance(headers, list) or not headers:
            raise reader_failed("CSVHeaders must be given when CSVHeaderLocation is GIVEN.")
        headers = [str(h) for h in headers]
    else:
        first = next(rows, None)
        if first is None:
            return []
        headers = first
    if len(set(headers)) != len(headers):
        raise reader_failed("CSV headers cannot contain duplicates.")
    items: list[dict[str, str]] = []
    for row in rows:
        items.append({name: row[i] if i < len(row) else "" for i, name in enumerate(headers)})
        if max_items and len(items) >= max_items:
            break
    return items


def _manifest_items(store: S3ObjectStore, text: str, max_items: int) -> list[dict[str, str]]:
    """The objects an S3 Inventory report lists: its manifest names gzipped CSV files and their schema."""
    try:
        manifest = json.loads(text)
    except ValueError:
        raise reader_failed("The manifest file could not be parsed.") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), list):
        raise reader_failed("The manifest file does not list any inventory files.")
    bucket = str(manifest.get("destinationBucket", "")).rsplit(":", 1)[-1]
    columns = [c.strip() for c in str(manifest.get("fileSchema", "Bucket, Key")).split(",")]
    items: list[dict[str, str]] = []
    for entry in manifest["files"]:
        key = entry.get("key") if isinstance(entry, dict) else None
        if not isinstance(key, str):
            continue
        data = store.get_object(bucket, key).body
        if key.endswith(".gz"):
            data = gzip.decompress(data)
        for row in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")):
            if not row:
                continue
            items.append({name: row[i] if i < len(row) else "" for i, name in enumerate(columns)})
            if max_items and len(items) >= max_items:
                return items
    return items
