"""`statecanvas serve`: AWS wire protocols (Step Functions, EventBridge, SQS, SNS) on one loopback port,
answered by one project runtime, so unchanged SDK code can run against the bundled engine."""
