"""One workflow per seed integration family, run locally end to end: `.sync` jobs that complete
(and fail) on the engine's clock, a callback that resumes, a nested execution, and an API
Gateway call served by a local route."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import engine
from engine.runtime.service import LocalStepFunctions


def _task(resource: str, parameters: dict[str, Any], **rest: Any) -> dict[str, Any]:
    return {"Type": "Task", "Resource": f"arn:aws:states:::{resource}", "Parameters": parameters, **rest}


def _machine(state: dict[str, Any]) -> dict[str, Any]:
    return {"StartAt": "Job", "States": {"Job": {**state, "End": True}}}


def _seconds_between(history: list[dict[str, Any]], first: str, last: str) -> float:
    times = {event["type"]: event["timestamp"] for event in history}
    return (times[last] - times[first]).total_seconds()


def test_glue_sync_job_runs_on_the_clock_and_answers_with_its_job_run() -> None:
    execution = engine.run(_machine(_task("glue:startJobRun.sync", {"JobName": "nightly-etl"})), {})
    assert execution.status == "SUCCEEDED", execution.cause
    run = execution.output
    assert run["JobName"] == "nightly-etl" and run["JobRunState"] == "SUCCEEDED"
    assert run["Id"].startswith("jr_") and isinstance(run["CompletedOn"], int)
    types = [event["type"] for event in execution.history]
    assert types.index("TaskSubmitted") < types.index("TaskSucceeded")
    submitted = next(event for event in execution.history if event["type"] == "TaskSubmitted")
    assert json.loads(submitted["taskSubmittedEventDetails"]["output"])["JobRunId"] == run["Id"]
    assert _seconds_between(execution.history, "TaskSubmitted", "TaskSucceeded") == 60


def test_glue_request_response_returns_the_run_id_with_the_job_name_copied_in() -> None:
    execution = engine.run(_machine(_task("glue:startJobRun", {"JobName": "etl"})), {})
    assert execution.output["JobName"] == "etl" and execution.output["JobRunId"].startswith("jr_")
    assert execution.output["SdkHttpMetadata"]["HttpStatusCode"] == 200


def test_a_batch_job_whose_code_fails_fails_the_task_as_states_task_failed_and_is_caught() -> None:
    def crunch(event: Any, context: Any) -> Any:
        raise ValueError(f"cannot read {event['Parameters']['input']}")

    definition = {
        "StartAt": "Job",
        "States": {
            "Job": _task(
                "batch:submitJob.sync",
                {
                    "JobName": "crunch-1",
                    "JobDefinition": "arn:aws:batch:us-east-1:123456789012:job-definition/crunch:3",
                    "JobQueue": "default",
                    "Parameters": {"input": "s3://data/x"},
                },
                Catch=[{"ErrorEquals": ["States.TaskFailed"], "ResultPath": "$.error", "Next": "Handled"}],
                End=True,
            ),
            "Handled": {"Type": "Pass", "End": True},
        },
    }
    execution = engine.run(definition, {}, handlers={"crunch": crunch})
    assert execution.status == "SUCCEEDED"
    error = execution.output["error"]
    assert error["Error"] == "States.TaskFailed"
    job = json.loads(error["Cause"])
    assert job["Status"] == "FAILED" and job["JobName"] == "crunch-1" and job["JobQueue"] == "default"
    assert "cannot read s3://data/x" in job["Container"]["Reason"]


def test_ecs_codebuild_and_athena_sync_jobs_end_with_their_services_descriptions() -> None:
    seen: list[Any] = []

    def report(event: Any, context: Any) -> Any:
        seen.append(event)
        return [{"region": "eu", "total": 3}]

    definition = {
        "StartAt": "Task",
        "States": {
            "Task": _task("ecs:runTask.sync", {"TaskDefinition": "web:4", "Cluster": "apps"}, Next="Build"),
            "Build": _task(
                "codebuild:startBuild.sync", {"ProjectName": "site"}, ResultPath="$.build", Next="Q"
            ),
            "Q": _task(
                "athena:startQueryExecution.sync",
                {"QueryString": "SELECT 1", "WorkGroup": "report"},
                ResultPath="$.query",
                Next="Rows",
            ),
            "Rows": _task(
                "athena:getQueryResults",
                {"QueryExecutionId.$": "$.query.QueryExecution.QueryExecutionId"},
                ResultSelector={"rows.$": "$.ResultSet.Rows"},
                End=True,
            ),
        },
    }
    execution = engine.run(definition, {}, handlers={"report": report})
    assert execution.status == "SUCCEEDED", execution.cause
    assert execution.output["rows"][1] == {"Data": [{"VarCharValue": "eu"}, {"VarCharValue": "3"}]}
    assert seen and seen[0]["QueryString"] == "SELECT 1"


def test_ecs_task_description_after_sync() -> None:
    execution = engine.run(
        _machine(_task("ecs:runTask.sync", {"TaskDefinition": "web:4", "Cluster": "apps"})), {}
    )
    task = execution.output
    assert task["LastStatus"] == "STOPPED" and task["Containers"][0]["ExitCode"] == 0
    assert task["ClusterArn"].endswith(":cluster/apps")
    assert task["TaskDefinitionArn"].endswith("task-definition/web:4")


def test_a_job_missing_a_required_parameter_fails_with_the_services_validation_error() -> None:
    execution = engine.run(_machine(_task("codebuild:startBuild.sync", {})), {})
    assert execution.status == "FAILED"
    assert execution.error == "CodeBuild.ValidationException" and "projectName" in execution.cause


def test_an_athena_query_that_was_never_started_is_not_found() -> None:
    execution = engine.run(_machine(_task("athena:getQueryExecution", {"QueryExecutionId": "nope"})), {})
    assert execution.error == "Athena.InvalidRequestException" and "QUERY_NOT_FOUND" in execution.cause


def _service_run(parent: dict[str, Any], child: dict[str, Any] | None = None, **handlers: Any) -> Any:
    async def main() -> Any:
        service = LocalStepFunctions()
        for name, handler in handlers.items():
            service.services.functions.register(name, handler)
        service.services.functions.context_extras["stepfunctions"] = service
        if child is not None:
            service.create_state_machine("Child", child)
        arn = service.create_state_machine("Parent", parent)
        return await service.start_execution(arn, {"order": 7}).task

    return asyncio.run(main())


def test_a_callback_task_resumes_when_its_token_is_answered() -> None:
    def approve(event: Any, context: Any) -> Any:
        context.stepfunctions.send_task_success(event["token"], {"approved": event["order"]})
        return {}

    parent = _machine(
        _task(
            "lambda:invoke.waitForTaskToken",
            {"FunctionName": "approve", "Payload": {"token.$": "$$.Task.Token", "order.$": "$.order"}},
        )
    )
    execution = _service_run(parent, approve=approve)
    assert execution.status == "SUCCEEDED", execution.cause
    assert execution.output == {"approved": 7}
    assert "TaskSubmitted" in [event["type"] for event in execution.history]


def test_a_nested_execution_runs_the_child_to_its_end() -> None:
    child = {
        "StartAt": "Double",
        "States": {"Double": {"Type": "Pass", "Parameters": {"n.$": "$.order"}, "End": True}},
    }
    parent = _machine(
        _task(
            "states:startExecution.sync:2",
            {
                "StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:Child",
                "Input": {"order.$": "$.order"},
            },
            ResultSelector={"out.$": "$.Output", "status.$": "$.Status"},
        )
    )
    execution = _service_run(parent, child)
    assert execution.status == "SUCCEEDED", execution.cause
    assert execution.output == {"out": {"n": 7}, "status": "SUCCEEDED"}


def _api_call(path: str, **extra: Any) -> dict[str, Any]:
    return _machine(
        _task(
            "apigateway:invoke",
            {
                "ApiEndpoint": "a1b2c3.execute-api.us-east-1.amazonaws.com",
                "Method": "POST",
                "Stage": "dev",
                "Path": path,
                "Headers": {"x-trace": ["t1"]},
                "QueryParameters": {"dry": ["true"]},
                "RequestBody": {"amount": 12},
            },
            **extra,
        )
    )


def test_an_api_gateway_call_is_served_by_the_local_route_with_the_documented_response() -> None:
    def pay(event: Any, context: Any) -> Any:
        assert event["pathParameters"] == {"id": "42"} and event["requestContext"]["stage"] == "dev"
        assert event["queryStringParameters"] == {"dry": "true"} and event["headers"]["x-trace"] == "t1"
        body = json.loads(event["body"])
        return {"statusCode": 201, "headers": {"x-paid": "yes"}, "body": json.dumps({"paid": body["amount"]})}

    execution = engine.run(_api_call("/orders/42/pay"), {}, handlers={"POST /orders/{id}/pay": pay})
    assert execution.status == "SUCCEEDED", execution.cause
    answer = execution.output
    assert answer["StatusCode"] == 201 and answer["StatusText"] == "Created"
    assert answer["ResponseBody"] == {"paid": 12} and answer["Headers"]["x-paid"] == ["yes"]


def test_an_api_gateway_error_status_fails_as_api_gateway_status_and_retry_sees_it() -> None:
    calls: list[int] = []

    def busy(event: Any, context: Any) -> Any:
        calls.append(1)
        return {"statusCode": 503, "body": '{"message":"try later"}'}

    retry = [{"ErrorEquals": ["ApiGateway.503"], "IntervalSeconds": 1, "MaxAttempts": 2}]
    execution = engine.run(
        _api_call("/orders/1/pay", Retry=retry), {}, handlers={"POST /orders/{id}/pay": busy}
    )
    assert execution.status == "FAILED"
    assert execution.error == "ApiGateway.503" and execution.cause == '{"message":"try later"}'
    assert len(calls) == 3


def test_an_api_gateway_route_nothing_serves_says_how_to_serve_it() -> None:
    execution = engine.run(_api_call("/nowhere"), {})
    assert execution.error == "ApiGateway.403"
    assert "POST /dev/nowhere" in execution.cause and "apiRoutes" in execution.cause


ROLE = "arn:aws:iam::123456789012:role/StateCanvasTest"


def _sdk(resource: str, parameters: dict[str, Any], **rest: Any) -> dict[str, Any]:
    return {**_task(f"aws-sdk:{resource}", parameters), "End": True, **rest}


def test_test_state_calls_the_emulated_service_for_an_sdk_task() -> None:
    response = engine.test_state(
        _sdk("s3:createBucket", {"Bucket": "reports"}), {}, role_arn=ROLE, inspection_level="DEBUG"
    )
    assert response["status"] == "SUCCEEDED"
    assert response["output"] == {"Location": "/reports"}
    assert json.loads(response["inspectionData"]["afterParameters"]) == {"Bucket": "reports"}


def test_test_state_names_an_sdk_error_as_step_functions_does_and_catch_sees_it() -> None:
    missing = engine.test_state(
        _sdk("dynamodb:getItem", {"TableName": "Nope", "Key": {"id": {"S": "1"}}}), {}, role_arn=ROLE
    )
    assert missing["status"] == "FAILED"
    assert missing["error"] == "DynamoDb.ResourceNotFoundException"
    assert "(Service: DynamoDb, Status Code: 400" in missing["cause"]
    caught = engine.test_state(
        _sdk(
            "ssm:getParameter",
            {"Name": "/shop/currency"},
            Catch=[{"ErrorEquals": ["Ssm.ParameterNotFoundException"], "Next": "Fallback"}],
        ),
        {},
        role_arn=ROLE,
    )
    assert caught["status"] == "CAUGHT_ERROR" and caught["nextState"] == "Fallback"
    assert caught["output"]["Error"] == "Ssm.ParameterNotFoundException"


def test_test_state_of_an_unknown_service_says_how_to_serve_it() -> None:
    response = engine.test_state(_sdk("nosuchservice:doThing", {}), {}, role_arn=ROLE)
    assert response["status"] == "FAILED" and "nosuchservice" in response["cause"]
    assert "mock" in response["cause"]


def test_a_project_route_maps_an_api_path_to_a_project_function(tmp_path: Any) -> None:
    from engine.project.loader import load_project
    from engine.project.runtime import ProjectRuntime

    (tmp_path / "pay.py").write_text(
        "import json\n"
        "def handler(event, context):\n"
        "    return {'statusCode': 200, 'body': json.dumps({'order': event['pathParameters']['id']})}\n"
    )
    project = {
        "name": "shop",
        "functions": {"pay": {"handler": "pay.py:handler"}},
        "apiRoutes": {"POST /orders/{id}/pay": "pay"},
        "stateMachines": {"Shop": {"definition": _api_call("/orders/9/pay")}},
    }
    path = tmp_path / "shop.statecanvas.json"
    path.write_text(json.dumps(project))

    async def main() -> Any:
        runtime = ProjectRuntime(load_project(path))
        running = runtime.start_execution("Shop", {})
        await runtime.settle()
        return await running.task

    execution = asyncio.run(main())
    assert execution.status == "SUCCEEDED", execution.cause
    assert execution.output["ResponseBody"] == {"order": "9"} and execution.output["StatusCode"] == 200


def test_a_route_to_a_function_the_project_lacks_is_a_located_problem() -> None:
    import pytest

    from engine.project.loader import ProjectError, project_from_value

    with pytest.raises(ProjectError, match=r"/apiRoutes/GET ~1orders: no function named 'nope'"):
        project_from_value({"apiRoutes": {"GET /orders": "nope"}})


def test_the_inspector_calls_the_local_jobs_and_api_routes_built_in() -> None:
    from engine.project.behaviour import task_behaviour
    from engine.project.model import Project

    for resource in (
        "glue:startJobRun.sync",
        "batch:submitJob.sync",
        "apigateway:invoke",
        "athena:getQueryResults",
    ):
        state = {"Type": "Task", "Resource": f"arn:aws:states:::{resource}", "End": True}
        behaviour = task_behaviour(Project(), "M", "S", state)
        assert behaviour.kind == "builtin", resource


def test_an_ecs_task_answers_the_token_it_was_started_with() -> None:
    def worker(event: Any, context: Any) -> Any:
        environment = event["Overrides"]["ContainerOverrides"][0]["Environment"]
        token = next(pair["Value"] for pair in environment if pair["Name"] == "TASK_TOKEN")
        context.stepfunctions.send_task_success(token, {"resized": True})

    parent = _machine(
        _task(
            "ecs:runTask.waitForTaskToken",
            {
                "Cluster": "apps",
                "TaskDefinition": "arn:aws:ecs:us-east-1:123456789012:task-definition/worker:2",
                "Overrides": {
                    "ContainerOverrides": [
                        {
                            "Name": "worker",
                            "Environment": [{"Name": "TASK_TOKEN", "Value.$": "$$.Task.Token"}],
                        }
                    ]
                },
            },
        )
    )
    execution = _service_run(parent, worker=worker)
    assert execution.status == "SUCCEEDED", execution.cause
    assert execution.output == {"resized": True}
