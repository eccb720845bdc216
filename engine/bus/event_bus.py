"""One event bus: its rules and their targets, archives, replays and schedules, and the routing.

Putting an event answers at once, like AWS: the response says which entries were accepted,
and delivery to every matched rule's targets goes on in asyncio tasks, with retries and
dead-lettering per target, on the injected clock. Each event leaves a BusTrace for the
designer and the CLI. `drain()` waits for the deliveries in flight, which is how a test or
`statecanvas put-events` knows the story is complete.
"""

from __future__ import annotations

import asyncio
import random
from datetime import datetime
from typing import Any, Literal

from engine.bus.api_errors import (
    InvalidEventPatternException,
    LimitExceededException,
    ResourceNotFoundException,
    ValidationException,
)
from engine.bus.archive import Archive, ArchiveStore, Replay
from engine.bus.events import bus_arn, event_from_entry, event_json, format_time, rule_arn, scheduled_event
from engine.bus.pattern import PatternEngine, RuleSetLike, default_pattern_engine
from engine.bus.put_events import (
    EntryError,
    bus_name_of,
    check_entry,
    check_request,
    put_events_response,
    unknown_bus,
)
from engine.bus.retry_policy import AttemptRecord, Backoff, deliver_with_retries
from engine.bus.rules import MAX_TARGETS_PER_RULE, Rule, Target, check_rule
from engine.bus.schedule import Scheduler
from engine.bus.targets import (
    INVALID_PARAMETER,
    DeadLetterSink,
    TargetDeliveryError,
    TargetInvoker,
    dead_letter_attributes,
)
from engine.bus.trace import (
    BusTrace,
    DeliveryAttempt,
    RuleEvaluation,
    TargetDelivery,
    TraceHub,
    TraceListener,
)
from engine.runtime.api import DEFAULT_ACCOUNT, DEFAULT_REGION
from engine.runtime.clock import RealClock


class EventBus:
    hops: Any = None  # a HopGate (engine.project.hops) while a debugger steps through choreography

    def __init__(
        self,
        name: str = "default",
        *,
        invoker: TargetInvoker,
        dead_letters: DeadLetterSink | None = None,
        clock: Any = None,
        account: str = DEFAULT_ACCOUNT,
        region: str = DEFAULT_REGION,
        patterns: PatternEngine | None = None,
        rng: random.Random | None = None,
        backoff: Backoff | None = None,
        traces: TraceHub | None = None,
    ) -> None:
        self.name = name
        self.account = account
        self.region = region
        self.arn = bus_arn(name, account=account, region=region)
        self.invoker = invoker
        self.dead_letters = dead_letters
        self.clock = clock or RealClock()
        self.patterns = patterns or default_pattern_engine()
        self.rng = rng or random.Random()
        self.backoff = backoff or Backoff()
        self.traces = traces or TraceHub()
        self.rules: dict[str, Rule] = {}
        self.archive_store = ArchiveStore(
            bus_arn=self.arn,
            account=account,
            region=region,
            clock=self.clock,
            patterns=self.patterns,
            check_rule=self._rule,
            publish=lambda event, rules: self.publish(event, kind="replay", only_rules=rules),
        )
        self._rule_set: RuleSetLike = self.patterns.rule_set({})
        self._tasks: set[asyncio.Task[Any]] = set()
        self._scheduler: Scheduler | None = None

    # Rules and targets (PutRule, DeleteRule, EnableRule, DisableRule, PutTargets, RemoveTargets) ---

    def rule_arn(self, rule_name: str) -> str:
        return rule_arn(rule_name, self.name, account=self.account, region=self.region)

    def put_rule(
        self,
        name: str,
        *,
        event_pattern: dict[str, Any] | str | None = None,
        schedule_expression: str | None = None,
        state: str = "ENABLED",
        description: str | None = None,
    ) -> str:
        """Create or update a rule (keeping its targets, as PutRule does); return its ARN."""
        pattern, schedule = check_rule(
            name,
            bus=self.name,
            event_pattern=event_pattern,
            schedule_expression=schedule_expression,
            state=state,
        )
        if pattern is not None:
            reason = self.patterns.check(pattern)
            if reason is not None:
                raise InvalidEventPatternException(f"Event pattern is not valid. Reason: {reason}")
        existing = self.rules.get(name)
        if existing is not None and existing.event_pattern is not None:
            self._rule_set.remove(name)
        rule = Rule(name, self.name, pattern, schedule_expression, state, description, schedule=schedule)
        if existing is not None:
            rule.targets = existing.targets
        if pattern is not None:
            self._rule_set.add(name, pattern)
        self.rules[name] = rule
        self._reschedule(rule)
        return self.rule_arn(name)

    def delete_rule(self, name: str) -> None:
        rule = self._rule(name)
        if rule.targets:
            raise ValidationException("Rule can't be deleted since it has targets.")
        if rule.event_pattern is not None:
            self._rule_set.remove(name)
        del self.rules[name]
        if self._scheduler is not None:
            self._scheduler.remove(name)

    def enable_rule(self, name: str) -> None:
        self._rule(name).state = "ENABLED"
        self._reschedule(self.rules[name])

    def disable_rule(self, name: str) -> None:
        self._rule(name).state = "DISABLED"
        self._reschedule(self.rules[name])

    def put_targets(self, rule_name: str, targets: list[Target | dict[str, Any]]) -> None:
        """Add or replace targets by Id; every target is validated before any is stored."""
        rule = self._rule(rule_name)
        parsed = [t if isinstance(t, Target) else Target.from_aws(t) for t in targets]
        for target in parsed:
            target.validate()
        if len(set(rule.targets) | {t.id for t in parsed}) > MAX_TARGETS_PER_RULE:
            raise LimitExceededException("The requested resource exceeds the maximum number allowed.")
        for target in parsed:
            rule.targets[target.id] = target

    def remove_targets(self, rule_name: str, ids: list[str]) -> None:
        rule = self._rule(rule_name)
        for target_id in ids:
            rule.targets.pop(target_id, None)

    def _rule(self, name: str) -> Rule:
        rule = self.rules.get(name)
        if rule is None:
            raise ResourceNotFoundException(f"Rule {name} does not exist on EventBus {self.name}.")
        return rule

    # Events ---------------------------------------------------------------------------------------

    def put_events(self, entries: list[dict[str, Any]]) -> dict[str, Any]:
        """PutEvents for entries aimed at this bus (an entry naming another bus fails, as unknown)."""
        results: list[str | EntryError] = []
        for entry in check_request(entries):
            error = check_entry(entry)
            if error is None and bus_name_of(entry) != self.name:
                error = unknown_bus(bus_name_of(entry))
            results.append(error if error is not None else self.accept(entry))
        return put_events_response(results)

    def accept(self, entry: dict[str, Any]) -> str:
        """Route a validated entry; return the event id."""
        now = self.clock.now()
        event = event_from_entry(entry, account=self.account, region=self.region, now=now)
        self.publish(event, received_at=now)
        return str(event["id"])

    def publish(
        self,
        event: dict[str, Any],
        *,
        received_at: datetime | None = None,
        kind: Literal["put", "replay", "forwarded"] = "put",
        only_rules: list[str] | None = None,
    ) -> BusTrace:
        """Archive and route an envelope: test every rule, start deliveries, record the trace."""
        received_at = received_at or self.clock.now()
        trace = BusTrace(self.name, event, received_at, kind=kind)
        trace.archived_in = self.archive_store.record(event, received_at)
        matched = set(self._rule_set.matches(event))
        chosen: list[Rule] = []
        for rule in self.rules.values():
            if only_rules is not None and rule.name not in only_rules:
                continue
            if rule.event_pattern is None:
                trace.rules.append(
                    RuleEvaluation(rule.name, False, ["scheduled rule: it has no event pattern"])
                )
            elif rule.name not in matched:
                reasons = self.patterns.explain(rule.event_pattern, event) or ["the pattern does not match"]
                trace.rules.append(RuleEvaluation(rule.name, False, list(reasons)))
            elif not rule.enabled:
                trace.rules.append(
                    RuleEvaluation(rule.name, False, ["the pattern matches but the rule is DISABLED"])
                )
            else:
                trace.rules.append(RuleEvaluation(rule.name, True))
                chosen.append(rule)
        self._dispatch(trace, chosen)
        return trace

    def fire_schedule(self, rule_name: str, at: datetime) -> BusTrace | None:
        """A scheduled rule's moment: its targets (only its) receive a Scheduled Event."""
        rule = self.rules.get(rule_name)
        if rule is None or not rule.enabled:
            return None
        event = scheduled_event(
            rule_arn_=self.rule_arn(rule_name), account=self.account, region=self.region, time=at
        )
        trace = BusTrace(self.name, event, at, kind="scheduled")
        trace.rules.append(RuleEvaluation(rule_name, True, ["schedule " + (rule.schedule_expression or "")]))
        self._dispatch(trace, [rule])
        return trace

    def _dispatch(self, trace: BusTrace, rules: list[Rule]) -> None:
        jobs: list[tuple[Rule, Target, TargetDelivery]] = []
        for rule in rules:
            for target in rule.targets.values():
                delivery = TargetDelivery(
                    rule.name, target.id, target.arn, dead_letter_queue=target.dead_letter_queue
                )
                trace.deliveries.append(delivery)
                jobs.append((rule, target, delivery))
        self.traces.record(trace)
        hops = self.hops
        if hops is not None and hops.watching:
            self._track(asyncio.get_running_loop().create_task(self._dispatch_at_hop(hops, trace, jobs)))
            return
        self._start_deliveries(trace, jobs)

    async def _dispatch_at_hop(
        self, hops: Any, trace: BusTrace, jobs: list[tuple[Rule, Target, TargetDelivery]]
    ) -> None:
        """Under a stepping debugger the routed event first stops at the bus, rules decided,
        nothing delivered; its deliveries then run as that hop's story."""
        async with hops.passing(hops.bus_hop(trace)):
            self._start_deliveries(trace, jobs)

    def _start_deliveries(self, trace: BusTrace, jobs: list[tuple[Rule, Target, TargetDelivery]]) -> None:
        if not jobs:
            return
        loop = asyncio.get_running_loop()
        for rule, target, delivery in jobs:
            self._track(loop.create_task(self._deliver(trace, rule, target, delivery)))

    def _track(self, task: asyncio.Task[Any]) -> None:
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _deliver(self, trace: BusTrace, rule: Rule, target: Target, delivery: TargetDelivery) -> None:
        rule_arn_text = self.rule_arn(rule.name)
        try:
            payload = target.shape(
                trace.event,
                rule_arn=rule_arn_text,
                rule_name=rule.name,
                ingestion_time=format_time(trace.received_at),
            )
        except Exception as exc:
            payload = None
            shaping_error: TargetDeliveryError | None = TargetDeliveryError(INVALID_PARAMETER, str(exc))
        else:
            shaping_error = None
        delivery.payload = payload

        async def send() -> None:
            if shaping_error is not None:
                raise shaping_error
            assert payload is not None
            await self.invoker.invoke(target.arn, payload, message_group_id=target.message_group_id)

        def attempted(record: AttemptRecord) -> None:
            attempt = DeliveryAttempt(
                record.number,
                record.at,
                record.error.code if record.error else None,
                record.error.message if record.error else None,
                record.next_delay,
            )
            delivery.attempts.append(attempt)
            self.traces.emit(trace, attempt)

        outcome = await deliver_with_retries(
            send,
            policy=target.retry_policy,
            clock=self.clock,
            received_at=trace.received_at,
            rng=self.rng,
            backoff=self.backoff,
            on_attempt=attempted,
        )
        delivery.exhausted_condition = outcome.exhausted_condition
        if outcome.delivered:
            delivery.outcome = "delivered"
        elif target.dead_letter_queue and self.dead_letters is not None and outcome.error is not None:
            attributes = dead_letter_attributes(
                rule_arn=rule_arn_text,
                target_arn=target.target_arn(account=self.account, region=self.region),
                error=outcome.error,
                retry_attempts=outcome.retry_attempts,
                exhausted_condition=outcome.exhausted_condition,
            )
            delivery.dead_letter_attributes = attributes
            try:
                await self.dead_letters.send(target.dead_letter_queue, event_json(trace.event), attributes)
            except Exception:
                delivery.outcome = "dead-letter-failed"
            else:
                delivery.outcome = "dead-lettered"
        else:
            delivery.outcome = "dropped"
        self.traces.emit(trace, delivery)

    @property
    def pending_deliveries(self) -> int:
        return len(self._tasks)

    async def drain(self) -> None:
        """Wait until every delivery started so far (and any it leads to) has finished."""
        while True:
            # A finished task leaves the set in its done callback, which runs a loop turn later;
            # gather() over finished tasks completes without yielding, so waiting on those would spin.
            self._tasks.difference_update([task for task in self._tasks if task.done()])
            if not self._tasks:
                return
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    # Traces -----------------------------------------------------------------------------------------

    def add_trace_listener(self, listener: TraceListener) -> None:
        self.traces.add(listener)

    def remove_trace_listener(self, listener: TraceListener) -> None:
        self.traces.remove(listener)

    # Archives and replays (the store does the work; these are the API's names) ------------------

    @property
    def archives(self) -> dict[str, Archive]:
        return self.archive_store.archives

    @property
    def replays(self) -> dict[str, Replay]:
        return self.archive_store.replays

    def create_archive(
        self,
        name: str,
        *,
        event_pattern: dict[str, Any] | str | None = None,
        retention_days: int = 0,
        description: str | None = None,
    ) -> Archive:
        return self.archive_store.create(
            name, event_pattern=event_pattern, retention_days=retention_days, description=description
        )

    def update_archive(
        self,
        name: str,
        *,
        event_pattern: dict[str, Any] | str | None = None,
        retention_days: int | None = None,
        description: str | None = None,
    ) -> Archive:
        return self.archive_store.update(
            name, event_pattern=event_pattern, retention_days=retention_days, description=description
        )

    def delete_archive(self, name: str) -> None:
        self.archive_store.delete(name)

    def start_replay(
        self,
        name: str,
        archive_name: str,
        start_time: datetime,
        end_time: datetime,
        destination_rules: list[str] | None = None,
    ) -> Replay:
        return self.archive_store.start_replay(name, archive_name, start_time, end_time, destination_rules)

    def cancel_replay(self, name: str) -> None:
        self.archive_store.cancel_replay(name)

    # Schedules -----------------------------------------------------------------------------------------

    def start_schedules(self) -> None:
        """Start firing scheduled rules on the clock (needs a running loop)."""
        if self._scheduler is None:
            self._scheduler = Scheduler(self.clock, self.fire_schedule)
            for rule in self.rules.values():
                self._reschedule(rule)

    async def close(self) -> None:
        """Stop schedules and replays; deliveries in flight are cancelled."""
        if self._scheduler is not None:
            await self._scheduler.stop()
            self._scheduler = None
        self.archive_store.cancel_all()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def _reschedule(self, rule: Rule) -> None:
        if self._scheduler is None:
            return
        if rule.schedule is not None and rule.enabled:
            self._scheduler.add(rule.name, rule.schedule)
        else:
            self._scheduler.remove(rule.name)
