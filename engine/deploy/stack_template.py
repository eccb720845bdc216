"""The template a stack deploy sends: the CloudFormation export, its functions' code packaged.

Before anything goes to AWS, the project is checked for what CloudFormation would refuse
halfway through a deploy (a stack name it rejects, a bus name outside its pattern, a function
whose handler file is missing so there is no code to upload), and refused
with the resource named. Functions' code is zipped the same way the API deploy zips it
(`packaging`), uploaded once per content (the key holds the zip's hash, so unchanged code
leaves the template unchanged and the stack without an update).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from engine.deploy.clients import Clients, DeployError, error_code
from engine.deploy.packaging import Package, PackagingError, package_function
from engine.export import DEFAULT_BUS, Catalog, cloudformation_template
from engine.project import LoadedProject
from engine.resource_refs import ResourceRef

STACK_NAME = re.compile(r"[A-Za-z][-A-Za-z0-9]{0,127}")
BUS_NAME = re.compile(r"[/.\-_A-Za-z0-9]{1,256}")


@dataclass
class StackTemplate:
    template: dict[str, Any]
    parameters: dict[str, str] = field(default_factory=dict)
    uploads: dict[str, bytes] = field(default_factory=dict)  # S3 key -> zip
    bucket: str | None = None
    notes: list[str] = field(default_factory=list)


def refusals(loaded: LoadedProject, stack: str) -> list[str]:
    """What CloudFormation would refuse, one line per resource; empty when the stack can be made."""
    out: list[str] = []
    if not STACK_NAME.fullmatch(stack):
        out.append(
            f"stack name {stack!r}: CloudFormation takes a letter, then letters, digits and hyphens "
            "(at most 128)"
        )
    project = loaded.project
    for name in sorted(project.buses):
        if name != DEFAULT_BUS and not BUS_NAME.fullmatch(name):
            out.append(f"event bus {name!r}: a bus name is letters, digits and . - _ / (at most 256)")
    for name, spec in sorted(project.functions.items()):
        try:
            package_function(loaded.base_dir, spec.handler)
        except (PackagingError, OSError) as exc:
            out.append(f"function {name!r}: {exc}; a stack needs every function's code")
    return out


def stack_template(loaded: LoadedProject, clients: Clients, stack: str) -> StackTemplate:
    """The export with code keys filled in; raises DeployError listing every refusal first."""
    problems = refusals(loaded, stack)
    if problems:
        raise DeployError("cannot deploy as a CloudFormation stack:\n  " + "\n  ".join(problems))
    export = cloudformation_template(loaded)
    out = StackTemplate(export.template, notes=list(export.notes))
    if not loaded.project.functions:
        return out
    out.bucket = f"statecanvas-{clients.account}-{clients.region}"
    out.parameters["CodeBucket"] = out.bucket
    catalog = Catalog.of(loaded.project)
    resources = out.template["Resources"]
    for name, spec in sorted(loaded.project.functions.items()):
        logical = catalog.logical(ResourceRef("function", name))
        resource = resources.get(logical or "")
        if resource is None:
            continue
        package: Package = package_function(loaded.base_dir, spec.handler)
        digest = hashlib.sha256(package.zip_bytes).hexdigest()[:20]
        key = f"{stack}/{logical}-{digest}.zip"
        out.uploads[key] = package.zip_bytes
        resource["Properties"]["Code"] = {"S3Bucket": {"Ref": "CodeBucket"}, "S3Key": key}
    return out


def upload_code(clients: Clients, prepared: StackTemplate) -> None:
    """Make the code bucket if needed and upload each zip not there yet."""
    if not prepared.uploads or prepared.bucket is None:
        return
    s3 = clients("s3")
    try:
        s3.head_bucket(Bucket=prepared.bucket)
    except Exception as exc:  # botocore's ClientError; 404 means make it
        if error_code(exc) not in ("404", "NoSuchBucket", "NotFound"):
            raise
        kwargs: dict[str, Any] = {"Bucket": prepared.bucket}
        if clients.region != "us-east-1":
            kwargs["CreateBucketConfiguration"] = {"LocationConstraint": clients.region}
        s3.create_bucket(**kwargs)
    for key, data in sorted(prepared.uploads.items()):
        try:
            s3.head_object(Bucket=prepared.bucket, Key=key)
            continue  # same content, same key: already there
        except Exception as exc:
            if error_code(exc) not in ("404", "NoSuchKey", "NotFound"):
                raise
        s3.put_object(Bucket=prepared.bucket, Key=key, Body=data)
