"""Local stand-ins for the AWS resources a corpus case used, so it runs offline.

Only S3 is rebuilt: the objects a case's ItemReader read (`s3_objects`, recorded with the case)
and the buckets its ResultWriter writes to. Task results are replayed from the recorded history
by the corpus runner instead, so a case whose only resources are S3 needs nothing more.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from engine.integrations import S3ObjectStore, ServiceRegistry, attach_s3

# Resources (as the corpus names them, "<field>:<resource>") that the local S3 store serves.
S3_RESOURCES = ("ItemReader:", "ResultWriter:")


def uses_only_s3(case: dict[str, Any]) -> bool:
    """True when every AWS resource the case used is an S3 reader or writer."""
    resources = case.get("resources") or []
    return bool(resources) and all(
        isinstance(r, str) and r.startswith(S3_RESOURCES) and ":s3:" in r for r in resources
    )


def needs_s3(case: dict[str, Any]) -> bool:
    resources = case.get("resources") or []
    return bool(case.get("s3_objects")) or any(
        isinstance(r, str) and r.startswith(S3_RESOURCES) for r in resources
    )


def seed_store(case: dict[str, Any], store: S3ObjectStore | None = None) -> S3ObjectStore:
    """A store holding the case's recorded objects and the buckets its ResultWriters name."""
    store = store or S3ObjectStore()
    for obj in case.get("s3_objects") or []:
        bucket, key = obj.get("Bucket"), obj.get("Key")
        if not isinstance(bucket, str) or not isinstance(key, str):
            continue
        body = obj.get("Body", "")
        store.create_bucket(bucket)
        store.put_object(bucket, key, body if isinstance(body, (str, bytes)) else json.dumps(body))
    for bucket in _writer_buckets(case.get("definition")):
        store.create_bucket(bucket)
    return store


def seed_services(case: dict[str, Any]) -> ServiceRegistry | None:
    """A registry whose S3 store is seeded for the case, or None when the case uses no S3."""
    if not needs_s3(case):
        return None
    registry = ServiceRegistry()
    attach_s3(registry, seed_store(case))
    return registry


def _writer_buckets(node: Any) -> Iterator[str]:
    """Buckets written literally in ResultWriter Parameters/Arguments anywhere in the definition."""
    if isinstance(node, dict):
        writer = node.get("ResultWriter")
        if isinstance(writer, dict):
            for field in ("Parameters", "Arguments"):
                params = writer.get(field)
                bucket = params.get("Bucket") if isinstance(params, dict) else None
                if isinstance(bucket, str) and not bucket.startswith("{%"):
                    yield bucket
        for value in node.values():
            yield from _writer_buckets(value)
    elif isinstance(node, list):
        for value in node:
            yield from _writer_buckets(value)
