"""The EventBridge service of one account and region: its buses, and PutEvents across them.

PutEvents entries each name their bus, so the call belongs to the service rather than to a
bus. The service is also where a rule's target can be another bus: it delivers those itself
and passes every other target to the invoker it was given. `from_project` builds the whole
thing from a project document, which is what the designer's Run and the CLI start from.
"""

from __future__ import annotations

import asyncio
import json
import random
from typing import Any

from engine.bus.api_errors import (
    ResourceAlreadyExistsException,
    ResourceNotFoundException,
    ValidationException,
)
from engine.bus.event_bus import EventBus
from engine.bus.pattern import PatternEngine, default_pattern_engine
from engine.bus.put_events import (
    EntryError,
    bus_name_of,
    check_entry,
    check_request,
    put_events_response,
    unknown_bus,
)
from engine.bus.retry_policy import Backoff
from engine.bus.rules import Target
from engine.bus.targets import (
    INVALID_PARAMETER,
    NO_RESOURCE,
    DeadLetterSink,
    TargetDeliveryError,
    TargetInvoker,
    target_kind,
)
from engine.bus.trace import TraceHub, TraceListener
from engine.resource_refs import parse_ref
from engine.runtime.api import DEFAULT_ACCOUNT, DEFAULT_REGION
from engine.runtime.clock import RealClock


class EventBridge:
    def __init__(
        self,
        *,
        invoker: TargetInvoker,
        dead_letters: DeadLetterSink | None = None,
        clock: Any = None,
        account: str = DEFAULT_ACCOUNT,
        region: str = DEFAULT_REGION,
        patterns: PatternEngine | None = None,
        rng: random.Random | None = None,
        backoff: Backoff | None = None,
    ) -> None:
        self.invoker = invoker
        self.dead_letters = dead_letters
        self.clock = clock or RealClock()
        self.account = account
        self.region = region
        self.patterns = patterns or default_pattern_engine()
        self.rng = rng or random.Random()
        self.backoff = backoff
        self.traces = TraceHub()
        self.buses: dict[str, EventBus] = {}
        self.create_event_bus("default")

    # Buses -----------------------------------------------------------------------------------------

    def create_event_bus(self, name: str) -> EventBus:
        if name in self.buses:
            raise ResourceAlreadyExistsException(f"Event bus {name} already exists.")
        bus = EventBus(
            name,
            invoker=self,
            dead_letters=self.dead_letters,
            clock=self.clock,
            account=self.account,
            region=self.region,
            patterns=self.patterns,
            rng=self.rng,
            backoff=self.backoff,
            traces=self.traces,
        )
        self.buses[name] = bus
        return bus

    def delete_event_bus(self, name: str) -> None:
        if name == "default":
            raise ValidationException("Cannot delete event bus default.")
        self.buses.pop(name, None)

    def bus(self, name_or_arn: str = "default") -> EventBus:
        name = bus_name_of({"EventBusName": name_or_arn})
        bus = self.buses.get(name)
        if bus is None:
            raise ResourceNotFoundException(f"Event bus {name} does not exist.")
        return bus

    # PutEvents -------------------------------------------------------------------------------------

    def put_events(self, entries: list[dict[str, Any]]) -> dict[str, Any]:
        """AWS's PutEvents: each entry to its bus; the response in entry order."""
        results: list[str | EntryError] = []
        for entry in check_request(entries):
            error = check_entry(entry)
            if error is None:
                bus = self.buses.get(bus_name_of(entry))
                if bus is None:
                    error = unknown_bus(bus_name_of(entry))
                else:
                    results.append(bus.accept(entry))
                    continue
            results.append(error)
        return put_events_response(results)

    # Targets: another bus is delivered here, anything else by the given invoker ---------------------

    async def invoke(self, target_ref: str, payload: str, *, message_group_id: str | None) -> None:
        if target_kind(target_ref) != "bus":
            await self.invoker.invoke(target_ref, payload, message_group_id=message_group_id)
            return
        ref = parse_ref(target_ref)
        bus = self.buses.get(ref.name) if ref else None
        if bus is None:
            raise TargetDeliveryError(NO_RESOURCE, f"Event bus {target_ref} does not exist.")
        try:
            event = json.loads(payload)
        except ValueError:
            event = None
        if not isinstance(event, dict) or not {"source", "detail-type", "detail"} <= event.keys():
            raise TargetDeliveryError(INVALID_PARAMETER, "An event bus target must receive an event.")
        bus.publish(event, kind="forwarded")

    # Running ---------------------------------------------------------------------------------------

    def add_trace_listener(self, listener: TraceListener) -> None:
        self.traces.add(listener)

    def remove_trace_listener(self, listener: TraceListener) -> None:
        self.traces.remove(listener)

    def start_schedules(self) -> None:
        for bus in self.buses.values():
            bus.start_schedules()

    async def drain(self) -> None:
        """Wait for every delivery on every bus, including those that forwarding starts."""
        while any(bus.pending_deliveries for bus in self.buses.values()):
            for bus in list(self.buses.values()):
                await bus.drain()
            await asyncio.sleep(0)

    async def close(self) -> None:
        for bus in self.buses.values():
            await bus.close()

    # Projects --------------------------------------------------------------------------------------

    @classmethod
    def from_project(cls, project: Any, **options: Any) -> EventBridge:
        """A service with the project's buses, rules and targets (options as for the constructor).

        Every rule is validated as PutRule/PutTargets would validate it; the first refusal raises.
        """
        bridge = cls(account=project.account, region=project.region, **options)
        for name in sorted(project.buses):
            if name != "default":
                bridge.create_event_bus(name)
        for rule_name, spec in project.rules.items():
            if spec.bus not in bridge.buses:
                raise ResourceNotFoundException(f"Event bus {spec.bus} does not exist.")
            bus = bridge.buses[spec.bus]
            bus.put_rule(
                rule_name,
                event_pattern=spec.event_pattern,
                schedule_expression=spec.schedule_expression,
                state=spec.state,
                description=spec.description,
            )
            if spec.targets:
                bus.put_targets(rule_name, [Target.from_spec(t) for t in spec.targets])
        return bridge
