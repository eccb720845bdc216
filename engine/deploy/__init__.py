"""Deploy a project to AWS through the services' own APIs, and pull deployed resources back.

`deploy` reads what exists, plans (create / update / replace / unchanged / skip per resource)
and applies only the changes; `pull` builds a project from what is deployed. Both use boto3
(the `aws` extra) and the usual AWS credentials and region. `run_deploy` and `run_pull` are
what the command line and the designer's Deploy dialog run: the same steps, the same reports.
"""

from engine.deploy.clients import (
    Clients,
    DeployError,
    DeploySetupError,
    aws_errors,
    describe_error,
    make_clients,
)
from engine.deploy.deploy import DeployResult, deploy, make_plan
from engine.deploy.plan import Change, Desired, Plan
from engine.deploy.reports import (
    INSTALL_HINT,
    DeployReport,
    PullReport,
    applying_line,
    boto3_available,
    explain_failure,
    json_failure,
    json_result,
)
from engine.deploy.session import AwsSettings, output_problem, run_deploy, run_pull, settings_clients

__all__ = [
    "INSTALL_HINT",
    "AwsSettings",
    "Change",
    "Clients",
    "DeployError",
    "DeployReport",
    "DeployResult",
    "DeploySetupError",
    "Desired",
    "Plan",
    "PullReport",
    "applying_line",
    "aws_errors",
    "boto3_available",
    "deploy",
    "describe_error",
    "explain_failure",
    "json_failure",
    "json_result",
    "make_clients",
    "make_plan",
    "output_problem",
    "run_deploy",
    "run_pull",
    "settings_clients",
]
