"""Activities and task tokens: CreateActivity, GetActivityTask (long polling), SendTask*.

An activity Task parks on a task token, as a `.waitForTaskToken` task does, and its token and
input wait in the activity's queue for a worker's GetActivityTask. The answer comes back through
SendTaskSuccess/Failure/Heartbeat, which also answer callback tasks.
"""

from __future__ import annotations

import asyncio
from typing import Any

from engine.integrations import TaskError, unavailable
from engine.runtime import ActivityTask, InvalidToken, activity_arn, to_json_text
from engine.serve.dispatch import AwsError, ServeContext, ServeRequest
from engine.serve.sfn_shapes import arn_parts, check_name, member, paginate, tags_member
from engine.serve.sfn_state import ServeActivity, sfn_state
from engine.strict_json import JsonInputError, loads_strict

# Activity requests name no service (their resource is the activity's ARN): this is their key.
ACTIVITY_SERVICE = ""
LONG_POLL_SECONDS = 60.0


def attach(context: ServeContext) -> None:
    """Let the runtime's activity Tasks hand their work to the activity queues."""
    context.runtime.registry.register_service(
        ACTIVITY_SERVICE, lambda request: _run_activity(context, request)
    )


async def _run_activity(context: ServeContext, request: Any) -> Any:
    if request.kind != "activity":
        raise unavailable(request)
    service = context.runtime.stepfunctions
    callbacks = service.callbacks
    token = callbacks.new_token()
    pending = callbacks.wait(token, request.state_name, request.execution_arn, request.payload)
    queue = service.activities.setdefault(request.resource, asyncio.Queue())
    queue.put_nowait(ActivityTask(token, request.payload))
    try:
        if request.heartbeat_seconds is None:
            return await pending.future
        while True:
            beat = asyncio.ensure_future(pending.beat.wait())
            timer = asyncio.ensure_future(context.clock.sleep(request.heartbeat_seconds))
            try:
                done, _ = await asyncio.wait(
                    {pending.future, beat, timer}, return_when=asyncio.FIRST_COMPLETED
                )
            finally:  # stopped meanwhile: no watcher outlives the task
                beat.cancel()
                timer.cancel()
            if pending.future in done:
                return pending.future.result()
            if beat in done:
                pending.beat.clear()
                continue
            raise TaskError("States.HeartbeatTimeout", None)
    finally:
        callbacks.pending.pop(token, None)


async def create_activity(request: ServeRequest, context: ServeContext) -> dict[str, Any]:
    name = check_name(member(request.params, "name", required=True, min_len=1, max_len=80))
    tags = tags_member(request.params)
    state = sfn_state(context)
    arn = activity_arn(context.region, context.account, name)
    activity = state.activities.get(arn)
    if activity is None:
        activity = ServeActivity(arn, name)
        state.put_activity(activity)
        if tags:
            state.put_tags(arn, tags)
    context.runtime.stepfunctions.create_activity(name)
    return {"activityArn": arn, "creationDate": activity.creation_date}


def _activity(context: ServeContext, arn: str) -> ServeActivity:
    arn_parts(arn, "activity")
    activity = sfn_state(context).activities.get(arn)
    if activity is None:
        raise AwsError("ActivityDoesNotExist", f"Activity Does Not Exist: '{arn}'")
    return activity


async def describe_activity(request: ServeRequest, context: ServeContext) -> dict[str, Any]:
    activity = _activity(
        context, member(request.params, "activityArn", required=True, min_len=1, max_len=256)
    )
    return {"activityArn": activity.arn, "name": activity.name, "creationDate": activity.creation_date}


async def delete_activity(request: ServeRequest, context: ServeContext) -> dict[str, Any]:
    arn = member(request.params, "activityArn", required=True, min_len=1, max_len=256)
    arn_parts(arn, "activity")
    sfn_state(context).forget(arn)
    return {}


async def list_activities(request: ServeRequest, context: ServeContext) -> dict[str, Any]:
    limit = member(request.params, "maxResults", "integer", low=0, high=1000)
    token = member(request.params, "nextToken", min_len=1, max_len=1024)
    activities = sorted(sfn_state(context).activities.values(), key=lambda a: a.name)
    chunk, next_token = paginate(activities, token, limit)
    out: dict[str, Any] = {
        "activities": [{"activityArn": a.arn, "name": a.name, "creationDate": a.creation_date} for a in chunk]
    }
    if next_token:
        out["nextToken"] = next_token
    return out


async def get_activity_task(request: ServeRequest, context: ServeContext) -> dict[str, Any]:
    """Wait up to a minute for work, as AWS's long poll does; {} when none came."""
    arn = member(request.params, "activityArn", required=True, min_len=1, max_len=256)
    member(request.params, "workerName", min_len=1, max_len=80)
    _activity(context, arn)
    service = context.runtime.stepfunctions
    queue = service.activities.setdefault(arn, asyncio.Queue())
    loop = asyncio.get_running_loop()
    deadline = loop.time() + LONG_POLL_SECONDS
    while (left := deadline - loop.time()) > 0:
        try:
            task = await asyncio.wait_for(queue.get(), left)
        except TimeoutError:
            break
        if task.token in service.callbacks.pending:  # not one whose execution has gone meanwhile
            return {"taskToken": task.token, "input": to_json_text(task.input)}
    return {}


def _token(request: ServeRequest) -> str:
    return member(request.params, "taskToken", required=True, min_len=1, max_len=2048)


def _answer(context: ServeContext, action: Any) -> dict[str, Any]:
    try:
        action()
    except InvalidToken as exc:
        raise AwsError("InvalidToken", str(exc)) from None
    return {}


async def send_task_success(request: ServeRequest, context: ServeContext) -> dict[str, Any]:
    token = _token(request)
    text = member(request.params, "output", required=True, max_len=262_144)
    try:
        output = loads_strict(text, "output")
    except (JsonInputError, ValueError) as exc:
        raise AwsError("InvalidOutput", f"Invalid Output: '{exc}'") from None
    callbacks = context.runtime.stepfunctions.callbacks
    return _answer(context, lambda: callbacks.send_success(token, output))


async def send_task_failure(request: ServeRequest, context: ServeContext) -> dict[str, Any]:
    token = _token(request)
    error = member(request.params, "error", max_len=256)
    cause = member(request.params, "cause", max_len=32768)
    callbacks = context.runtime.stepfunctions.callbacks
    return _answer(context, lambda: callbacks.send_failure(token, error, cause))


async def send_task_heartbeat(request: ServeRequest, context: ServeContext) -> dict[str, Any]:
    token = _token(request)
    callbacks = context.runtime.stepfunctions.callbacks
    return _answer(context, lambda: callbacks.send_heartbeat(token))


OPERATIONS = {
    "CreateActivity": create_activity,
    "DescribeActivity": describe_activity,
    "DeleteActivity": delete_activity,
    "ListActivities": list_activities,
    "GetActivityTask": get_activity_task,
    "SendTaskSuccess": send_task_success,
    "SendTaskFailure": send_task_failure,
    "SendTaskHeartbeat": send_task_heartbeat,
}
