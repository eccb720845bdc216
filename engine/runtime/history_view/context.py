"""What a state run saw, rebuilt from the history: the variables earlier states assigned, the
context object (`$$`), and a Map's or Parallel's result from its iterations' outputs (a part of
ExecutionPicture)."""

from __future__ import annotations

from typing import Any

from engine.runtime.history_view.records import Visit, details_of


class PictureContext:
    """ExecutionPicture's answers about one run's surroundings."""

    events: list[dict[str, Any]]
    order: list[int]
    visits: dict[int, Visit]
    execution_arn: str
    input: Any

    def _state_values(self) -> dict[str, dict[str, Any]]:
        raise NotImplementedError

    def variables_at(self, visit: Visit) -> dict[str, Any]:
        """The variables a state saw: what earlier states in its scope chain assigned."""
        out: dict[str, Any] = {}
        for vid in self.order:
            other = self.visits[vid]
            if vid >= visit.entered_id:
                break
            if other.exited_id is None or other.exited_id > visit.entered_id:
                continue
            if visit.thread[: len(other.thread)] == other.thread and visit.scope.startswith(other.scope):
                out.update(other.assigned)
        return out

    def context_at(self, visit: Visit) -> dict[str, Any]:
        """The context object (`$$`) as the state saw it, rebuilt from the history."""
        started = self.events[0] if self.events else {}
        arn = self.execution_arn
        context: dict[str, Any] = {
            "Execution": {
                "Id": arn,
                "Input": self.input,
                "Name": arn.rsplit(":", 1)[-1] if arn else "",
                "RoleArn": details_of(started).get("roleArn"),
                "StartTime": stamp(started.get("timestamp")),
            },
            "State": {"EnteredTime": stamp(visit.entered_time), "Name": visit.name},
            "StateMachine": {
                "Id": arn.replace(":execution:", ":stateMachine:").rsplit(":", 1)[0] if arn else "",
                "Name": arn.split(":")[6] if arn.count(":") >= 7 else "",
            },
        }
        if visit.state_type == "Task":
            context["State"]["RetryCount"] = visit.retries
        if visit.thread:
            map_name, index = visit.thread[-1]
            owner = next(
                (v for v in self.visits.values() if v.name == map_name and v.state_type == "Map"), None
            )
            items = _items_of(owner.input, self._state_values().get(owner.path or "", {})) if owner else None
            value = items[index] if isinstance(items, list) and index < len(items) else None
            context["Map"] = {"Item": {"Index": index, "Value": value}}
        return context

    def iteration_result(self, map_visit: Visit) -> list[Any]:
        """A Map's result array (or a Parallel's branch outputs), from its inner states' outputs."""
        last: dict[Any, Visit] = {}
        for vid in self.order:
            visit = self.visits[vid]
            if vid <= map_visit.entered_id or visit.exited_id is None:
                continue
            if map_visit.exited_id is not None and vid > map_visit.exited_id:
                break
            if map_visit.state_type == "Map":
                if visit.thread[: len(map_visit.thread) + 1][:-1] != map_visit.thread:
                    continue
                if (
                    len(visit.thread) <= len(map_visit.thread)
                    or visit.thread[len(map_visit.thread)][0] != map_visit.name
                ):
                    continue
                key: Any = visit.thread[len(map_visit.thread)][1]
            else:
                prefix = f"{map_visit.path}/Branches["  # branch scopes are written Branches[i]
                if (
                    visit.path is None
                    or not visit.path.startswith(prefix)
                    or visit.thread != map_visit.thread
                ):
                    continue
                key = int(visit.path[len(prefix) :].split("]", 1)[0])
            if visit.scope.count("/States/") == (map_visit.path or "").count("/States/"):
                last[key] = visit
        return [last[k].output for k in sorted(last)]


def stamp(value: Any) -> Any:
    if value is None or isinstance(value, str):
        return value
    try:
        return value.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    except AttributeError:
        return str(value)


def _items_of(data: Any, state: dict[str, Any]) -> Any:
    path = state.get("ItemsPath")
    if isinstance(path, str) and path.startswith("$.") and isinstance(data, dict):
        value: Any = data
        for part in path[2:].split("."):
            value = value.get(part) if isinstance(value, dict) else None
        return value
    return data if isinstance(data, list) else None
