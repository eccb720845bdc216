"""Deploy a project to AWS through the services' own APIs, and pull deployed resources back.

`deploy` reads what exists, plans (create / update / replace / unchanged / skip per resource)
and applies only the changes; `pull` builds a project from what is deployed. Both use boto3
(the `aws` extra) and the usual AWS credentials and region.
"""

from engine.deploy.clients import Clients, DeployError, DeploySetupError, make_clients
from engine.deploy.deploy import DeployResult, deploy, make_plan
from engine.deploy.plan import Change, Desired, Plan

__all__ = [
    "Change",
    "Clients",
    "DeployError",
    "DeployResult",
    "DeploySetupError",
    "Desired",
    "Plan",
    "deploy",
    "make_clients",
    "make_plan",
]
