"""Distributed Map data sets: ItemReader, ItemBatcher and ResultWriter against the local S3 store."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from engine.integrations import ServiceRegistry, TaskRequest
from engine.integrations.s3_objects import S3Error, S3ObjectStore, attach_s3
from engine.runtime.api import run_async
from engine.testing.corpus_resources import seed_store, uses_only_s3

CSV_BODY = "Value1,Value2,Value3\nValue4,Value5,Value6\n,,,\ntrue,1,'HelloWorld'\nNull,None,\n   \n"


def distributed_map(**fields: Any) -> dict[str, Any]:
    state = {
        "Type": "Map",
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "Pass",
            "States": {"Pass": {"Type": "Pass", "End": True}},
        },
        "End": True,
        **fields,
    }
    return {"StartAt": "Map", "States": {"Map": state}}


def reader(input_type: str | None = None, resource: str = "getObject", **config: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "Resource": f"arn:aws:states:::s3:{resource}",
        "Parameters": {"Bucket.$": "$.Bucket", "Key.$": "$.Key"},
    }
    if input_type is not None:
        config["InputType"] = input_type
    if config:
        out["ReaderConfig"] = config
    return out


async def run_with(store: S3ObjectStore, definition: dict[str, Any], data: Any) -> Any:
    registry = ServiceRegistry()
    attach_s3(registry, store)
    return await run_async(definition, data, services=registry)


def store_with(bucket: str = "data", **objects: Any) -> S3ObjectStore:
    return S3ObjectStore.from_dict({bucket: objects})


# The store ---------------------------------------------------------------------------------------


def test_store_from_dict_get_and_put() -> None:
    store = S3ObjectStore.from_dict({"b": {"a.txt": "hello", "j.json": [1, 2]}})
    assert store.get_object("b", "a.txt").body == b"hello"
    assert json.loads(store.get_object("b", "j.json").text()) == [1, 2]
    etag = store.put_object("b", "c.txt", b"x")["ETag"]
    assert etag.startswith('"') and etag.endswith('"') and len(etag) == 34
    with pytest.raises(S3Error) as missing_key:
        store.get_object("b", "nope")
    assert missing_key.value.code == "NoSuchKey"
    with pytest.raises(S3Error) as missing_bucket:
        store.put_object("nobucket", "k", "v")
    assert missing_bucket.value.code == "NoSuchBucket"


def test_list_objects_v2_pages_with_prefix_and_delimiter() -> None:
    store = S3ObjectStore.from_dict({"b": {f"in/{i:02d}.txt": str(i) for i in range(5)} | {"out/x": "x"}})
    first = store.list_objects_v2("b", prefix="in/", max_keys=2)
    assert [c["Key"] for c in first["Contents"]] == ["in/00.txt", "in/01.txt"]
    assert first["IsTruncated"] is True and first["KeyCount"] == 2
    second = store.list_objects_v2(
        "b", prefix="in/", max_keys=10, continuation_token=first["NextContinuationToken"]
    )
    assert [c["Key"] for c in second["Contents"]] == ["in/02.txt", "in/03.txt", "in/04.txt"]
    assert second["IsTruncated"] is False and "NextContinuationToken" not in second
    rolled = store.list_objects_v2("b", delimiter="/")
    assert rolled["CommonPrefixes"] == [{"Prefix": "in/"}, {"Prefix": "out/"}] and "Contents" not in rolled


def test_mounted_folder_is_read_and_written(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "items.json").write_text("[1, 2]", encoding="utf-8")
    store = S3ObjectStore.from_dict({"disk": str(tmp_path)})
    assert store.get_object("disk", "sub/items.json").text() == "[1, 2]"
    store.put_object("disk", "results/out.json", "{}")
    assert (tmp_path / "results" / "out.json").read_text(encoding="utf-8") == "{}"
    listed = [c["Key"] for c in store.list_objects_v2("disk")["Contents"]]
    assert listed == ["results/out.json", "sub/items.json"]


async def test_store_serves_aws_sdk_s3_tasks() -> None:
    store = store_with(**{"k.txt": "body"})
    request = TaskRequest(
        "arn:aws:states:::aws-sdk:s3:getObject",
        "aws-sdk",
        "s3",
        "getObject",
        "",
        {"Bucket": "data", "Key": "k.txt"},
        "T",
        0,
        "arn",
        "sm",
        "us-east-1",
        "123456789012",
    )
    assert (await store.invoke(request))["Body"] == "body"


# ItemReader --------------------------------------------------------------------------------------


async def test_csv_given_headers_fill_missing_fields_and_drop_extra_ones() -> None:
    store = store_with(**{"f.csv": CSV_BODY})
    config = {"CSVHeaderLocation": "GIVEN", "CSVHeaders": ["H1", "H2", "H3"]}
    definition = distributed_map(ItemReader=reader("CSV", **config))
    execution = await run_with(store, definition, {"Bucket": "data", "Key": "f.csv"})
    assert execution.status == "SUCCEEDED"
    assert execution.output[2] == {"H1": "", "H2": "", "H3": ""}
    assert execution.output[3] == {"H1": "true", "H2": "1", "H3": "'HelloWorld'"}
    assert execution.output[5] == {"H1": "   ", "H2": "", "H3": ""}
    assert len(execution.output) == 6


async def test_csv_first_row_headers_stay_strings_and_delimiter_applies() -> None:
    store = store_with(**{"f.csv": "0|True|{}\na|b|c\n"})
    definition = distributed_map(ItemReader=reader("CSV", CSVHeaderLocation="FIRST_ROW", CSVDelimiter="PIPE"))
    execution = await run_with(store, definition, {"Bucket": "data", "Key": "f.csv"})
    assert execution.output == [{"0": "a", "True": "b", "{}": "c"}]


@pytest.mark.parametrize(
    "config, cause",
    [
        (
            {"InputType": "CSV", "CSVHeaderLocation": "GIVEN", "CSVHeaders": ["H1", "H1"]},
            "CSV headers cannot contain duplicates.",
        ),
        ({"InputType": "CSV", "MaxItems": -1}, "field MaxItems must be positive"),
        ({"InputType": "JSON"}, "Attempting to map over non-iterable node."),
    ],
)
async def test_reader_failures_fail_the_map_run(config: dict[str, Any], cause: str) -> None:
    store = store_with(**{"f": '{"Hello": "world"}' if config["InputType"] == "JSON" else CSV_BODY})
    definition = distributed_map(ItemReader=reader(**config))
    execution = await run_with(store, definition, {"Bucket": "data", "Key": "f"})
    assert (execution.status, execution.error) == ("FAILED", "States.ItemReaderFailed")
    assert execution.cause == cause
    types = [event["type"] for event in execution.history]
    assert types == [
        "ExecutionStarted",
        "MapStateEntered",
        "MapStateStarted",
        "MapRunStarted",
        "MapRunFailed",
        "MapStateFailed",
        "ExecutionFailed",
    ]


async def test_max_items_path_accepts_numeric_strings_and_zero_means_all() -> None:
    store = store_with(**{"f.json": json.dumps(list(range(5)))})
    definition = distributed_map(ItemReader=reader("JSON", MaxItemsPath="$.Max"))
    two = await run_with(store, definition, {"Bucket": "data", "Key": "f.json", "Max": "2"})
    assert two.output == [0, 1]
    everything = await run_with(store, definition, {"Bucket": "data", "Key": "f.json", "Max": 0})
    assert everything.output == [0, 1, 2, 3, 4]


async def test_jsonl_and_jsonata_arguments_and_max_items() -> None:
    store = store_with(**{"f.jsonl": '{"a": 1}\n\n{"a": 2}\n{"a": 3}\n'})
    definition = distributed_map(
        ItemReader={
            "Resource": "arn:aws:states:::s3:getObject",
            "ReaderConfig": {"InputType": "JSONL", "MaxItems": "{% 2 %}"},
            "Arguments": {"Bucket": "{% $states.input.Bucket %}", "Key": "{% $states.input.Key %}"},
        }
    )
    definition["QueryLanguage"] = "JSONata"
    execution = await run_with(store, definition, {"Bucket": "data", "Key": "f.jsonl"})
    assert execution.output == [{"a": 1}, {"a": 2}]


async def test_items_path_is_not_applied_to_what_the_reader_read() -> None:
    store = store_with(**{"f.json": '[["from-bucket"]]'})
    definition = distributed_map(ItemReader=reader("JSON"), ItemsPath="$.nothing_here")
    execution = await run_with(store, definition, {"Bucket": "data", "Key": "f.json"})
    assert execution.output == [["from-bucket"]]


async def test_list_objects_v2_items_describe_each_object() -> None:
    store = S3ObjectStore.from_dict({"b": {"p/1.txt": "one", "p/2.txt": "two!", "q.txt": "x"}})
    definition = distributed_map(
        ItemReader={
            "Resource": "arn:aws:states:::s3:listObjectsV2",
            "Parameters": {"Bucket": "b", "Prefix": "p/"},
        }
    )
    execution = await run_with(store, definition, {})
    assert [item["Key"] for item in execution.output] == ["p/1.txt", "p/2.txt"]
    first = execution.output[0]
    assert set(first) == {"Etag", "Key", "LastModified", "Size", "StorageClass"}
    assert first["Size"] == 3 and first["StorageClass"] == "STANDARD" and first["Etag"].startswith('"')


async def test_missing_object_fails_with_item_reader_failed() -> None:
    execution = await run_with(
        store_with(), distributed_map(ItemReader=reader("JSON")), {"Bucket": "data", "Key": "absent.json"}
    )
    assert execution.error == "States.ItemReaderFailed"
    assert execution.cause.startswith("The specified key does not exist.")


# ItemBatcher -------------------------------------------------------------------------------------


async def test_batches_by_count_with_batch_input() -> None:
    store = store_with(**{"f.json": json.dumps(list(range(5)))})
    definition = distributed_map(
        ItemReader=reader("JSON"),
        ItemBatcher={
            "MaxItemsPerBatchPath": "$.per",
            "BatchInput": {"tag.$": "$.Key"},
        },
    )
    execution = await run_with(store, definition, {"Bucket": "data", "Key": "f.json", "per": 2})
    assert execution.output == [
        {"BatchInput": {"tag": "f.json"}, "Items": items} for items in ([0, 1], [2, 3], [4])
    ]


async def test_batches_by_bytes() -> None:
    definition = distributed_map(ItemsPath="$.items", ItemBatcher={"MaxInputBytesPerBatch": 25})
    execution = await run_with(S3ObjectStore(), definition, {"items": ["aaaa", "bbbb", "cccc", "dddd"]})
    # {"Items":["aaaa","bbbb"]} is 24 bytes; a third item would make it 31.
    assert execution.output == [{"Items": ["aaaa", "bbbb"]}, {"Items": ["cccc", "dddd"]}]


# ResultWriter ------------------------------------------------------------------------------------


async def test_result_writer_exports_manifest_and_results() -> None:
    store = S3ObjectStore.from_dict({"results": {}})
    definition = distributed_map(
        Label="TestMap",
        ResultWriter={
            "Resource": "arn:aws:states:::s3:putObject",
            "Parameters": {"Bucket": "results", "Prefix": "jobs"},
        },
    )
    execution = await run_with(store, definition, ["Hello", "World"])
    assert execution.status == "SUCCEEDED"
    details = execution.output
    run_id = details["MapRunArn"].rsplit(":", 1)[1]
    assert ":mapRun:StateMachine/TestMap:" in details["MapRunArn"]
    assert details["ResultWriterDetails"] == {"Bucket": "results", "Key": f"jobs/{run_id}/manifest.json"}
    manifest = json.loads(store.get_object("results", f"jobs/{run_id}/manifest.json").text())
    assert manifest["DestinationBucket"] == "results" and manifest["MapRunArn"] == details["MapRunArn"]
    assert manifest["ResultFiles"]["FAILED"] == [] and manifest["ResultFiles"]["PENDING"] == []
    [succeeded] = manifest["ResultFiles"]["SUCCEEDED"]
    assert succeeded["Key"] == f"jobs/{run_id}/SUCCEEDED_0.json"
    entries = json.loads(store.get_object("results", succeeded["Key"]).text())
    assert succeeded["Size"] == len(store.get_object("results", succeeded["Key"]).body)
    assert [(e["Input"], e["Output"], e["Status"]) for e in entries] == [
        ('"Hello"', '"Hello"', "SUCCEEDED"),
        ('"World"', '"World"', "SUCCEEDED"),
    ]


async def test_writer_config_flatten_without_export_reshapes_the_result() -> None:
    writer = {"WriterConfig": {"Transformation": "FLATTEN", "OutputType": "JSON"}}
    definition = distributed_map(ItemsPath="$.items", ResultWriter=writer)
    execution = await run_with(S3ObjectStore(), definition, {"items": [[1, 2], 3, [4]]})
    assert execution.output == [1, 2, 3, 4]


async def test_result_writer_to_missing_bucket_fails() -> None:
    definition = distributed_map(
        ResultWriter={
            "Resource": "arn:aws:states:::s3:putObject",
            "Parameters": {"Bucket": "nowhere", "Prefix": "p"},
        }
    )
    execution = await run_with(S3ObjectStore(), definition, [1])
    assert execution.error == "States.ResultWriterFailed"


# Corpus resources --------------------------------------------------------------------------------


def test_seed_store_from_a_corpus_case() -> None:
    case = {
        "resources": [
            "ItemReader:arn:aws:states:::s3:getObject",
            "ResultWriter:arn:aws:states:::s3:putObject",
        ],
        "s3_objects": [{"Bucket": "bucket-0", "Key": "file.json", "Body": "[1]"}],
        "definition": distributed_map(
            ResultWriter={
                "Resource": "arn:aws:states:::s3:putObject",
                "Parameters": {"Bucket": "out", "Prefix": "x"},
            }
        ),
    }
    store = seed_store(case)
    assert store.get_object("bucket-0", "file.json").text() == "[1]"
    assert store.buckets() == ["bucket-0", "out"]
    assert uses_only_s3(case)
    assert not uses_only_s3({"resources": ["Task:arn:aws:states:::lambda:invoke"]})
