"""The AWS service catalog, read from botocore's service models.

botocore ships AWS's own models of every API (operations, input and output shapes,
documentation, errors) and keeps them current, so StateCanvas never lists services by hand.
Reading all ~450 models takes seconds, so the catalog is lazy:

- the *index* (each service's Step Functions name and its operations' names) is built once per
  botocore version and cached on disk as JSON; later starts read it in milliseconds;
- a service's full model is loaded only when an operation of it is asked about, and kept.

Step Functions names SDK services as the AWS SDK for Java v2 does: the model's `serviceId`
lower-cased with spaces and dashes removed (`SFN` -> `sfn`, `EventBridge` -> `eventbridge`,
`CloudWatch Logs` -> `cloudwatchlogs`), not botocore's file names (`stepfunctions`, `events`,
`logs`), and actions in camelCase (`putItem` for `PutItem`).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

INDEX_FORMAT = 2
_lock = threading.Lock()
_state: dict[str, Any] = {}


@dataclass(frozen=True, slots=True)
class ServiceEntry:
    """One SDK service as Step Functions names it."""

    sdk: str  # Step Functions' name: `sfn`, `eventbridge`, `dynamodb`
    botocore: str  # botocore's model name: `stepfunctions`, `events`, `dynamodb`
    title: str  # AWS's full name: "Amazon DynamoDB"
    operations: tuple[str, ...]  # PascalCase, as the model names them


def sdk_service_name(service_id: str) -> str:
    """Step Functions' name for a service from its model's `serviceId` (as the AWS SDK for
    Java names its clients: a trailing "Service" dropped, `Config Service` -> `config`)."""
    words = service_id.split()
    if len(words) > 1 and words[-1].lower() == "service":
        words = words[:-1]
    return re.sub(r"[^a-z0-9]", "", "".join(words).lower())


def action_name(operation: str) -> str:
    """Step Functions' camelCase action for a model operation: `PutItem` -> `putItem`."""
    return operation[:1].lower() + operation[1:]


def operation_name(action: str) -> str:
    return action[:1].upper() + action[1:]


def _loader() -> Any:
    loader = _state.get("loader")
    if loader is None:
        import botocore.loaders

        loader = _state["loader"] = botocore.loaders.create_loader()
    return loader


def botocore_version() -> str:
    import botocore

    return str(botocore.__version__)


def cache_dir() -> Path:
    """Where the index is cached: `$STATECANVAS_CACHE_DIR`, else the user's cache folder."""
    explicit = os.environ.get("STATECANVAS_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "statecanvas"


def _index_path() -> Path:
    return cache_dir() / f"aws-catalog-{botocore_version()}-{INDEX_FORMAT}.json"


def _build_index() -> list[dict[str, Any]]:
    loader = _loader()
    out: dict[str, dict[str, Any]] = {}
    for name in sorted(loader.list_available_services("service-2")):
        model = loader.load_service_model(name, "service-2")
        meta = model.get("metadata", {})
        sdk = sdk_service_name(meta.get("serviceId") or name)
        if sdk in out:
            continue
        title = meta.get("serviceFullName") or meta.get("serviceId") or name
        out[sdk] = {"sdk": sdk, "botocore": name, "title": title, "operations": sorted(model["operations"])}
    return list(out.values())


def _read_index() -> list[dict[str, Any]] | None:
    try:
        data = json.loads(_index_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != INDEX_FORMAT:
        return None
    services = data.get("services")
    return services if isinstance(services, list) else None


def _write_index(services: list[dict[str, Any]]) -> None:
    """Atomically, so a second StateCanvas reading it never sees half a file; a read-only cache
    folder only costs the next start the build again."""
    path = _index_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, encoding="utf-8") as f:
            json.dump({"format": INDEX_FORMAT, "botocore": botocore_version(), "services": services}, f)
        os.replace(f.name, path)
    except OSError:
        pass


def services() -> dict[str, ServiceEntry]:
    """Every SDK service by its Step Functions name (built once, then cached on disk)."""
    with _lock:
        cached = _state.get("services")
        if cached is not None:
            return cached
        raw = _read_index()
        if raw is None:
            raw = _build_index()
            _write_index(raw)
        entries = {
            s["sdk"]: ServiceEntry(s["sdk"], s["botocore"], s["title"], tuple(s["operations"])) for s in raw
        }
        _state["services"] = entries
        return entries


def index_ready() -> bool:
    """Whether `services()` answers at once (built in this process already)."""
    return "services" in _state


def service_by_botocore(name: str) -> ServiceEntry | None:
    return next((s for s in services().values() if s.botocore == name), None)


def service_model(botocore_name: str) -> Any:
    """botocore's `ServiceModel` for a service, loaded on first use and kept."""
    models: dict[str, Any] = _state.setdefault("models", {})
    model = models.get(botocore_name)
    if model is None:
        from botocore.model import ServiceModel

        data = _loader().load_service_model(botocore_name, "service-2")
        model = models[botocore_name] = ServiceModel(data, service_name=botocore_name)
    return model


def operation_model(botocore_name: str, operation: str) -> Any | None:
    """botocore's `OperationModel`, or None when the service or operation is unknown."""
    from botocore.exceptions import DataNotFoundError

    try:
        model = service_model(botocore_name)
    except DataNotFoundError:
        return None
    if operation not in model.operation_names:
        return None
    return model.operation_model(operation)


def sdk_operation(sdk: str, action: str) -> Any | None:
    """The operation an `aws-sdk:{sdk}:{action}` resource calls, or None when there is none."""
    entry = services().get(sdk)
    if entry is None:
        return None
    operation = operation_name(action)
    if operation not in entry.operations:
        return None
    return operation_model(entry.botocore, operation)


def documentation_text(html: str, limit: int = 600) -> str:
    """A model's HTML documentation as plain text (for tooltips), cut at `limit` characters."""
    text = re.sub(r"<[^>]+>", " ", html or "")
    text = re.sub(r"\s+", " ", text).strip()
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").replace("&quot;", '"')
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"
