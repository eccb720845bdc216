"""What an emulated account holds: seeding it before a run and looking inside after one.

A project can start its runs with tables and their items, buckets and their objects, and
parameters already there (a lookup table the workflow reads), and the designer shows what a run
left behind. Both speak plain JSON: items as ordinary objects (not DynamoDB's typed attribute
values), object bodies as text, parameters as name -> value.

    {"dynamodb": {"Orders": {"key": "id", "items": [{"id": "o-1", "total": 42}]}},
     "s3": {"reports": {"2024/day.json": {"orders": 3}}},
     "ssm": {"/shop/threshold": "10"}}

A table's `key` is its partition key name, or `[partition, sort]`; key attributes are strings
unless the first item holds a number there.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from engine.integrations import TaskError

# Larger object bodies are summarised, not copied into the snapshot.
MAX_BODY_BYTES = 64 * 1024


class SeedError(ValueError):
    """A seed that cannot be applied, with where in the seed it went wrong."""


def seed(account: Any, spec: dict[str, Any]) -> None:
    """Create what `spec` describes in `account` (an EmulatedAccount)."""
    if not isinstance(spec, dict):
        raise SeedError("the emulated resources must be a JSON object")
    unknown = set(spec) - {"dynamodb", "s3", "ssm"}
    if unknown:
        raise SeedError(f"/{sorted(unknown)[0]}: only dynamodb, s3 and ssm resources can be seeded")
    try:
        for table, table_spec in (spec.get("dynamodb") or {}).items():
            _seed_table(account, table, table_spec)
        for bucket, objects in (spec.get("s3") or {}).items():
            account.call("s3", "createBucket", {"Bucket": bucket})
            for key, body in (objects or {}).items():
                text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
                account.call("s3", "putObject", {"Bucket": bucket, "Key": key, "Body": text})
        for name, value in (spec.get("ssm") or {}).items():
            kind = "StringList" if isinstance(value, list) else "String"
            text = ",".join(map(str, value)) if isinstance(value, list) else str(value)
            account.call(
                "ssm", "putParameter", {"Name": name, "Value": text, "Type": kind, "Overwrite": True}
            )
    except TaskError as exc:
        raise SeedError(f"{exc.error}: {exc.cause}") from None


def _seed_table(account: Any, table: str, spec: Any) -> None:
    # Imported here for start-up time: boto3 loads once a seeded DynamoDB table is written.
    from boto3.dynamodb.types import TypeSerializer

    if not isinstance(spec, dict) or not spec.get("key"):
        raise SeedError(f"/dynamodb/{table}: give the table's key (a name, or [partition, sort])")
    keys = spec["key"] if isinstance(spec["key"], list) else [spec["key"]]
    items = spec.get("items") or []
    first = items[0] if items and isinstance(items[0], dict) else {}
    schema = [{"AttributeName": k, "KeyType": t} for k, t in zip(keys, ("HASH", "RANGE"), strict=False)]
    definitions = [
        {"AttributeName": k, "AttributeType": "N" if isinstance(first.get(k), (int, float)) else "S"}
        for k in keys[:2]
    ]
    account.call(
        "dynamodb",
        "createTable",
        {
            "TableName": table,
            "KeySchema": schema,
            "AttributeDefinitions": definitions,
            "BillingMode": "PAY_PER_REQUEST",
        },
    )
    serializer = TypeSerializer()
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise SeedError(f"/dynamodb/{table}/items/{index}: an item must be a JSON object")
        exact = json.loads(json.dumps(item), parse_float=Decimal)
        typed = {name: serializer.serialize(value) for name, value in exact.items()}
        account.call("dynamodb", "putItem", {"TableName": table, "Item": _typed_json(typed)})


def _typed_json(value: Any) -> Any:
    """boto3's typed values as the JSON a Task would write (numbers as strings, sets as lists)."""
    if isinstance(value, dict):
        return {k: _typed_json(v) for k, v in value.items()}
    if isinstance(value, (list, set, tuple)):
        return [_typed_json(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    return value


def snapshot(account: Any) -> dict[str, Any]:
    """Tables and items, buckets and objects, parameters: what the account holds now."""
    out: dict[str, Any] = {"dynamodb": {}, "s3": {}, "ssm": {}}
    touched = account.touched
    if "dynamodb" in touched:
        out["dynamodb"] = _tables(account.client("dynamodb"))
    if "s3" in touched:
        out["s3"] = _buckets(account.client("s3"))
    if "ssm" in touched:
        client = account.client("ssm")
        for page in client.get_paginator("describe_parameters").paginate():
            for meta in page.get("Parameters", []):
                found = client.get_parameter(Name=meta["Name"], WithDecryption=True)["Parameter"]
                out["ssm"][meta["Name"]] = found["Value"]
    return out


def _tables(client: Any) -> dict[str, Any]:
    # Imported here for start-up time: boto3 loads once emulated tables are read back.
    from boto3.dynamodb.types import TypeDeserializer

    reader = TypeDeserializer()
    tables: dict[str, Any] = {}
    for name in client.list_tables().get("TableNames", []):
        described = client.describe_table(TableName=name)["Table"]
        keys = [k["AttributeName"] for k in described["KeySchema"]]
        items = []
        for page in client.get_paginator("scan").paginate(TableName=name):
            for item in page.get("Items", []):
                plain = {k: reader.deserialize(v) for k, v in item.items()}
                items.append(json.loads(json.dumps(plain, default=_json_default)))
        tables[name] = {"key": keys[0] if len(keys) == 1 else keys, "items": items}
    return tables


def _buckets(client: Any) -> dict[str, Any]:
    buckets: dict[str, Any] = {}
    for bucket in client.list_buckets().get("Buckets", []):
        objects: dict[str, Any] = {}
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket["Name"]):
            for entry in page.get("Contents", []):
                if entry["Size"] > MAX_BODY_BYTES:
                    objects[entry["Key"]] = f"<{entry['Size']} bytes>"
                    continue
                body = client.get_object(Bucket=bucket["Name"], Key=entry["Key"])["Body"].read()
                objects[entry["Key"]] = body.decode("utf-8", errors="replace")
        buckets[bucket["Name"]] = objects
    return buckets


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=str)
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", errors="replace")
    if hasattr(value, "value"):  # boto3's Binary
        return bytes(value.value).decode("utf-8", errors="replace")
    raise TypeError(type(value).__name__)
