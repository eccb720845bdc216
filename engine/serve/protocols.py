"""The protocol modules the server loads: each exposes ``register(dispatcher: Dispatcher)`` and,
optionally, ``async start(context: ServeContext)`` (create a project's resources, restore state) and
``async stop(context)`` (persist, release)."""

PROTOCOL_MODULES: list[str] = [
    "engine.serve.stepfunctions",
    "engine.serve.events",
    "engine.serve.sqs",
    "engine.serve.sns",
]
