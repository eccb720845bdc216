"""Export projects to what AWS deploys, and import what people deploy back into projects.

Out: ASL (canonical JSON, YAML), EventBridge PutRule/PutTargets requests, CloudFormation and
SAM templates, Mermaid charts. In: ASL files and CloudFormation/SAM templates (CDK output
included). Imports never raise for a bad file; they return `ImportProblem`s.
"""

from engine.export.asl_text import asl_json, asl_yaml, export_asl, import_asl
from engine.export.cloudformation import cloudformation_template
from engine.export.eventbridge_rules import eventbridge_requests, put_rule_request, put_targets_request
from engine.export.mermaid import mermaid_event_routes, mermaid_state_machine
from engine.export.problems import ImportProblem, ImportResult
from engine.export.sam import sam_template
from engine.export.template_builder import TemplateExport, check_references
from engine.export.template_import import import_file, import_template

__all__ = [
    "ImportProblem",
    "ImportResult",
    "TemplateExport",
    "asl_json",
    "asl_yaml",
    "check_references",
    "cloudformation_template",
    "eventbridge_requests",
    "export_asl",
    "import_asl",
    "import_file",
    "import_template",
    "mermaid_event_routes",
    "mermaid_state_machine",
    "put_rule_request",
    "put_targets_request",
    "sam_template",
]
