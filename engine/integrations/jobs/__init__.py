"""Optimized integrations served by local models: `.sync` jobs (Glue, Batch, ECS, Athena,
CodeBuild) on the engine's clock, and API Gateway routes served by local functions."""

from __future__ import annotations

from typing import Any

from engine.integrations.api_gateway import ApiGatewayRoutes
from engine.integrations.jobs.integrations import JobIntegrations
from engine.integrations.jobs.runs import JobRun, JobRunner
from engine.integrations.request import TaskRequest, unavailable

__all__ = ["ApiGatewayRoutes", "JobIntegrations", "JobRun", "JobRunner", "attach_local_integrations"]


def attach_local_integrations(registry: Any) -> tuple[JobIntegrations, ApiGatewayRoutes]:
    """Register the job services and API Gateway on `registry`; SDK calls to the same services
    go on to the emulated account (or, without one, fail naming what would serve them)."""

    async def emulated(request: TaskRequest) -> Any:
        try:
            # Imported here for start-up time: the emulated services load when a Task first calls one.
            from engine.services import emulation_of
        except ImportError:
            emulation_of = None
        account = (
            emulation_of(registry, account=request.account, region=request.region)
            if emulation_of is not None
            else None
        )
        if account is None:
            raise unavailable(request)
        return await account.invoke(request)

    jobs = JobIntegrations(registry, emulated)
    for service, invoker in jobs.invokers().items():
        registry.services.setdefault(service, invoker)
    routes = ApiGatewayRoutes(registry)
    registry.services.setdefault("apigateway", routes.invoke)
    registry.jobs, registry.api_routes = jobs, routes
    return jobs, routes
