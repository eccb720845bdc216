"""A project brought to life: state machines, functions, buses, queues, topics and consumers
wired to each other, on one clock, with one trace of everything that happens.

This is what `statecanvas put-events` and the designer's Run start from. Choreography
(events over the bus, messages through queues and topics) and orchestration (executions)
run on the same event loop, so one event can be followed across the whole canvas.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

from engine.bus import NO_RESOURCE, EventBridge, TargetDeliveryError
from engine.integrations import FileHandler, SavedMocks, ServiceRegistry
from engine.messaging import QueueConsumer, SnsService, SqliteQueueStore, SqsService
from engine.project.loader import LoadedProject, ProjectError, ProjectProblem
from engine.project.service_tasks import ProjectServiceTasks
from engine.project.trace import Trace
from engine.resource_refs import parse_ref
from engine.runtime.clock import RealClock, VirtualClock
from engine.runtime.service import LocalStepFunctions


class ProjectRuntime:
    def __init__(
        self,
        loaded: LoadedProject,
        *,
        clock: str | Any = "virtual",
        store: Any = None,
        queue_state: str | None = None,
    ) -> None:
        """`store` keeps executions and histories; `queue_state` a SQLite file for queue messages, so
        what is waiting in a queue (a dead-letter queue's poison messages) survives between runs."""
        self.loaded = loaded
        self.hops: Any = None  # a HopGate (engine.project.hops) while a debugger steps through choreography
        project = loaded.project
        self.clock = VirtualClock() if clock == "virtual" else RealClock() if clock == "real" else clock
        self.trace = Trace()
        registry = ServiceRegistry()
        self.stepfunctions = LocalStepFunctions(
            services=registry, clock=self.clock, account=project.account, region=project.region, store=store
        )
        registry.functions.context_extras["stepfunctions"] = self.stepfunctions
        registry.functions.clock = self.clock
        for name, spec in project.functions.items():
            registry.functions.register(name, FileHandler(spec.handler, loaded.base_dir))
        saved = {name: spec.mocks for name, spec in project.state_machines.items() if spec.mocks}
        if saved:
            registry.saved_mocks = SavedMocks(saved)
        self.machine_arns: dict[str, str] = {}
        for name, definition in loaded.definitions.items():
            spec = project.state_machines[name]
            self.machine_arns[name] = self.stepfunctions.create_state_machine(
                name, definition, type=spec.type
            )
        queue_store = None
        if queue_state is not None:
            queue_store = SqliteQueueStore(queue_state)
        self.sqs = SqsService(
            clock=self.clock, store=queue_store, account_id=project.account, region=project.region
        )
        self.sqs.subscribe(self.trace.on_queue_event)
        for name in _dead_letter_first(project):
            self.sqs.create_queue(name, _queue_attributes(self, name))
        self.sns = SnsService(self._deliver_from_topic, account=project.account, region=project.region)
        self.sns.listeners.append(self.trace.on_publish)
        for name, topic in project.topics.items():
            self.sns.create_topic(
                name, fifo=topic.fifo, content_based_deduplication=topic.content_based_deduplication
            )
        for sub in project.subscriptions:
            endpoint = parse_ref(sub.endpoint)
            self.sns.subscribe(
                sub.topic.split(":")[-1],
                endpoint.kind if endpoint else "unknown",
                sub.endpoint,
                raw=sub.raw_message_delivery,
                filter_policy=sub.filter_policy,
                filter_policy_scope=sub.filter_policy_scope,
            )
        self.events = EventBridge.from_project(project, invoker=self, dead_letters=self, clock=self.clock)
        self.events.traces.add(self.trace.on_bus_trace)
        tasks = ProjectServiceTasks(self)
        registry.register_service("sqs", tasks.sqs)
        registry.register_service("sns", tasks.sns)
        registry.register_service("events", tasks.events)
        self.registry = registry
        registry.api_routes.routes.update(project.api_routes)
        self.emulation = self._seeded_emulation()
        self.consumers = [self._consumer(spec) for spec in project.consumers]

    def _seeded_emulation(self) -> Any:
        """The run's emulated AWS account, holding the project's seed from the start (created
        at once only when there is a seed; else on the first call that needs it)."""
        project = self.loaded.project
        if project.seed.is_empty():
            return None
        # Imported here for start-up time: the emulated services load only for a project with a seed.
        from engine.services import SeedError, emulation_of

        account = emulation_of(self.registry, account=project.account, region=project.region)
        if account is not None:
            try:
                account.seed(project.seed.emulation_spec())
            except SeedError as exc:  # "/dynamodb/Orders: ..." where the seed says where
                account.close()  # what was seeded before the refusal must not outlive the run
                text = str(exc)
                pointer, _, message = text.partition(": ") if text.startswith("/") else ("", "", text)
                where = str(self.loaded.path) if self.loaded.path else "<project>"
                problem = ProjectProblem(
                    where, "/seed" + pointer, f"the emulated account refuses the seed: {message}"
                )
                raise ProjectError([problem]) from None
        return account

    def emulated_state(self) -> dict[str, Any]:
        """What the run's emulated account holds now (tables and items, buckets and objects,
        parameters); empty when nothing in the run touched emulated AWS."""
        account = getattr(self.registry, "emulation", None)
        if account is None or getattr(account, "closed", False):
            return {}
        return account.snapshot()

    # TargetInvoker / DeadLetterSink for the bus ------------------------------------------------

    async def invoke(self, target_ref: str, payload: str, *, message_group_id: str | None) -> None:
        await self._deliver(target_ref, payload, {}, message_group_id=message_group_id, source="bus")

    async def send(self, queue_ref: str, body: str, attributes: dict[str, str]) -> None:
        ref = parse_ref(queue_ref)
        name = ref.name if ref else queue_ref
        self.sqs.send_message(
            name,
            body,
            message_attributes={
                key: {"DataType": "String", "StringValue": value} for key, value in attributes.items()
            },
        )

    async def _deliver_from_topic(
        self,
        endpoint: str,
        payload: str,
        attributes: dict[str, Any],
        *,
        message_group_id: str | None = None,
        deduplication_id: str | None = None,
    ) -> None:
        ref = parse_ref(endpoint)
        if ref is not None and ref.kind == "function":
            payload = _lambda_sns_event(payload)
        await self._deliver(
            endpoint,
            payload,
            attributes,
            message_group_id=message_group_id,
            source="topic",
            deduplication_id=deduplication_id,
        )

    async def _deliver(
        self,
        target_ref: str,
        payload: str,
        attributes: dict[str, Any],
        *,
        message_group_id: str | None,
        source: str,
        deduplication_id: str | None = None,
    ) -> None:
        ref = parse_ref(target_ref)
        if ref is None:
            raise TargetDeliveryError(NO_RESOURCE, f"{target_ref} is not a resource of this project")
        hops = self.stepping_hops()
        if ref.kind == "queue":
            sent = self.sqs.send_message(
                ref.name,
                payload,
                message_attributes=attributes or None,
                message_group_id=message_group_id,
                message_deduplication_id=deduplication_id,
            )
            if hops is not None:
                await hops.queued(ref.name, payload, sent, self.sqs.depth(ref.name))
        elif ref.kind == "topic":
            hop = hops.topic_hop(self.sns, ref.name, payload, attributes) if hops else None
            at_topic = hops.passing(hop) if hops else NO_HOP
            options = {"message_attributes": attributes or None, "message_group_id": message_group_id}
            async with at_topic:
                await self.sns.publish(ref.name, payload, **options)
        elif ref.kind == "stateMachine":
            await self.start_execution_at_hop(ref.name, json.loads(payload), cause=f"{source} delivery")
        elif ref.kind == "function":
            event = json.loads(payload)
            await self._call_function(ref.name, event)
        elif ref.kind == "bus":
            self.events.put_events([{**json.loads(payload), "EventBusName": ref.name}])
        else:
            raise TargetDeliveryError(NO_RESOURCE, f"{target_ref} cannot receive deliveries")

    async def _call_function(self, name: str, event: Any) -> Any:
        functions = self.registry.functions
        self.trace.function_invoked(name, event)
        try:
            result = await functions.invoke(
                name, event, region=self.loaded.project.region, account=self.loaded.project.account
            )
        except Exception as exc:
            self.trace.function_failed(name, exc)
            raise
        return result

    # Executions ---------------------------------------------------------------------------------

    def start_execution(self, machine: str, data: Any, *, cause: str = "started") -> Any:
        running = self.stepfunctions.start_execution(self.machine_arns[machine], data)
        self.trace.execution_started(machine, running.arn, cause)
        running.task.add_done_callback(lambda task: self.trace.execution_finished(machine, running.arn, task))
        return running

    async def start_execution_at_hop(self, machine: str, data: Any, *, cause: str) -> Any:
        """Start `machine` for a delivery; under a stepping debugger the start is a hop of its own,
        and the execution's work belongs to that hop's story."""
        hops = self.stepping_hops()
        if hops is None:
            return self.start_execution(machine, data, cause=cause)
        async with hops.passing(hops.hop("execution", machine, data, cause=cause)):
            return self.start_execution(machine, data, cause=cause)

    def put_events(self, entries: list[dict[str, Any]]) -> dict[str, Any]:
        for entry in entries:
            if "Detail" in entry and not isinstance(entry["Detail"], str):
                entry["Detail"] = json.dumps(entry["Detail"])
        response = self.events.put_events(entries)
        self.trace.events_put(entries, response)
        return response

    # Consumers ---------------------------------------------------------------------------------

    def _consumer(self, spec: Any) -> Any:
        target = parse_ref(spec.target)
        assert target is not None
        queue = spec.queue.split(":")[-1]
        if target.kind == "function":

            async def handler(event: Any, context: Any) -> Any:
                async with self._received(queue, event["Records"], spec.target):
                    return await self._call_function(target.name, event)
        else:

            async def handler(event: Any, context: Any) -> Any:
                for record in event["Records"]:  # a pipe to a state machine: fire and forget
                    async with self._received(queue, [record], spec.target):
                        await self.start_execution_at_hop(
                            target.name, json.loads(record["body"]), cause=f"queue {queue}"
                        )
                return None

        return QueueConsumer(
            self.sqs,
            queue,
            handler,
            batch_size=min(spec.batch_size, 10),
            wait_time_seconds=0,
            report_batch_item_failures=spec.report_batch_item_failures or target.kind == "function",
            function_name=target.name,
        )

    def stepping_hops(self) -> Any:
        """The hop gate, when a debugger could pause choreography now; else None (nothing to do)."""
        hops = self.hops
        return hops if hops is not None and hops.watching else None

    def _received(self, queue: str, records: list[dict[str, Any]], target: str) -> Any:
        """The consumer of `queue` holds `records`: a hop under a stepping debugger, else nothing."""
        hops = self.stepping_hops()
        if hops is None:
            return NO_HOP
        return hops.passing(hops.consumer_hop(queue, records, target, self.sqs.depth(queue)))

    async def settle(self, *, max_rounds: int = 100_000) -> None:
        """Run until nothing more can happen: no deliverable message, no execution or delivery
        that can move.

        On the virtual clock this is a discrete-event loop: the clock is frozen, everything that
        is ready runs, queues are polled, and only when nothing moves any more does time jump to
        the next timer (a Wait, a back-off, a visibility timeout). So virtual time never races
        past a message that is waiting to be delivered.
        """
        virtual = hasattr(self.clock, "freeze")
        if virtual:
            self.clock.freeze()
        try:
            for _ in range(max_rounds):
                if self.hops is not None:
                    await self.hops.wait_resumed()  # paused at a hop: nothing is delivered, time stands
                before = self._progress()
                for _ in range(5):
                    await asyncio.sleep(0)
                moved = 0
                for consumer in self.consumers:
                    if self.hops is not None:
                        await self.hops.wait_resumed()
                    outcome = await consumer.poll_once(wait_time_seconds=0)
                    moved += outcome.received
                if moved or self._progress() != before:
                    continue
                if not await self._quiet():
                    continue
                if virtual and self.clock.busy_in_real_time:
                    await asyncio.sleep(0.002)  # a handler is working in real time
                    continue
                if virtual and getattr(self.clock, "time_paused", False):
                    await asyncio.sleep(0.005)  # a debugger holds an execution: time stands still
                    continue
                busy = self._work_in_flight()
                due = self._next_message_due()
                if not virtual:
                    if busy:
                        await asyncio.wait(busy, timeout=0.05)
                        continue
                    if due is not None:
                        await asyncio.sleep(min(due, 0.05))
                        continue
                    break
                if busy or due is not None:
                    if self.clock.advance_to_next():
                        continue
                    if due is not None:
                        self.clock.advance(due)
                        continue
                    await asyncio.sleep(0.002)  # work in flight without a timer: let it finish
                    continue
                break
            for _ in range(3):  # let finished executions' callbacks record their outcome
                await asyncio.sleep(0)
        finally:
            if virtual:
                self.clock.thaw()

    async def _quiet(self, turns: int = 20) -> bool:
        """Whether nothing moves while the loop is only yielded to, `turns` times over.

        The round above also awaited the hop gate and the consumers' handlers, which may take real
        time (a user at a paused hop, a handler in a thread); work released then (a bus's
        deliveries, created but not yet begun) has not moved yet. Time jumps only after a window
        in which nothing but yielding happened and still nothing moved."""
        fingerprint = self._progress()
        for _ in range(turns):
            await asyncio.sleep(0)
            if self.hops is not None and self.hops.paused:
                return False
        return self._progress() == fingerprint

    def _progress(self) -> tuple[int, int, int, int]:
        """A fingerprint that changes whenever anything happens in the run."""
        sf = self.stepfunctions
        done = sum(1 for r in sf.executions.values() if r.task.done())
        return len(self.trace.entries), len(sf.executions), done, sf.events_written

    def _work_in_flight(self) -> list[asyncio.Task[Any]]:
        """Executions that can still move (not just waiting for a callback) and bus deliveries."""
        running = [r.task for r in self.stepfunctions.executions.values() if not r.task.done()]
        deliveries = [t for bus in self.events.buses.values() for t in bus._tasks if not t.done()]
        if len(running) <= len(self.stepfunctions.pending_tasks()):
            running = []  # every running execution is waiting for someone outside to answer
        return running + deliveries

    def _next_message_due(self) -> float | None:
        """Seconds until a message held back (in flight or delayed) in a consumed queue is visible."""
        for consumer in self.consumers:
            depth = self.sqs.depth(consumer.queue)
            if depth.in_flight or depth.delayed:
                return 1.0
        return None

    async def close(self) -> None:
        await self.events.close()
        emulation = getattr(self.registry, "emulation", None)
        if emulation is not None:  # the run's emulated account goes with it
            emulation.close()


NO_HOP = contextlib.nullcontext()


def _lambda_sns_event(payload: str) -> str:
    """What Lambda receives from SNS: the notification inside `Records`, so a handler written
    for AWS (`event["Records"][0]["Sns"]["Message"]`) reads it the same way locally."""
    try:
        envelope = json.loads(payload)
    except ValueError:
        return payload
    if not isinstance(envelope, dict) or envelope.get("Type") != "Notification":
        return payload
    unsubscribe = str(envelope.get("UnsubscribeURL", ""))
    subscription = unsubscribe.partition("SubscriptionArn=")[2] or str(envelope.get("TopicArn", ""))
    record = {"EventSource": "aws:sns", "EventVersion": "1.0", "EventSubscriptionArn": subscription}
    return json.dumps({"Records": [{**record, "Sns": envelope}]})


def _dead_letter_first(project: Any) -> list[str]:
    dlqs = {
        q.redrive_policy.dead_letter_queue.split(":")[-1] for q in project.queues.values() if q.redrive_policy
    }
    return sorted(name for name in project.queues if name in dlqs) + sorted(
        name for name in project.queues if name not in dlqs
    )


def _queue_attributes(runtime: ProjectRuntime, name: str) -> dict[str, str]:
    spec = runtime.loaded.project.queues[name]
    attributes = {
        "VisibilityTimeout": str(spec.visibility_timeout),
        "DelaySeconds": str(spec.delay_seconds),
        "MessageRetentionPeriod": str(spec.message_retention_period),
        "ReceiveMessageWaitTimeSeconds": str(spec.receive_message_wait_time),
    }
    if spec.fifo:
        attributes["FifoQueue"] = "true"
        attributes["ContentBasedDeduplication"] = "true" if spec.content_based_deduplication else "false"
    if spec.redrive_policy is not None:
        dlq = spec.redrive_policy.dead_letter_queue.split(":")[-1]
        project = runtime.loaded.project
        attributes["RedrivePolicy"] = json.dumps(
            {
                "deadLetterTargetArn": f"arn:aws:sqs:{project.region}:{project.account}:{dlq}",
                "maxReceiveCount": spec.redrive_policy.max_receive_count,
            }
        )
    return attributes
