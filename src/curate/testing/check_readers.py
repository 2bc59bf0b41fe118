"""Reads a Distill export with the reference readers and prints what they saw, as one JSON object.

Usage: python check_readers.py EXPORT_DIR:FORMAT [EXPORT_DIR:FORMAT ...]   (FORMAT: jsonl | parquet)

- mlcroissant: loads croissant.json (validation errors, warnings and anything logged at WARNING or above),
  then reads every record of the `train` and `provenance` record sets and compares each with the row it
  describes (the JSONL line, or the Parquet row as pyarrow reads it).
- datasets: load_dataset("json" | "parquet", data_files=...) offline, row count and first row.

Run in the venv of src/curate/export/readers-requirements.txt (the slow test readers.test.ts does).
"""

import json
import logging
import os
import sys
import tempfile
import warnings
from importlib.metadata import version

import numpy as np


class Collect(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.messages = []

    def emit(self, record):
        self.messages.append(f"{record.name}: {record.getMessage()}")


def plain(value):
    """A record value as plain JSON data: bytes decoded, numpy unwrapped, field ids shortened to column names."""
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (list, tuple, np.ndarray)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            name = k.rsplit("/", 1)[-1] if isinstance(k, str) else k
            out[name] = plain(v)
        return out
    return value


def read_rows(path, fmt):
    if fmt == "jsonl":
        with open(path, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]
    import pyarrow.parquet as pq

    return pq.read_table(path).to_pylist()


def croissant_records(ds, record_set):
    return [plain(r) for r in ds.records(record_set=record_set)]


def check(export_dir, fmt):
    data_file = os.path.join(export_dir, "train.jsonl" if fmt == "jsonl" else "train.parquet")
    prov_file = os.path.join(export_dir, "provenance", "samples.jsonl")
    rows = read_rows(data_file, fmt)
    prov_rows = read_rows(prov_file, "jsonl")

    # mlcroissant reports through absl logging, which propagates to the root logger.
    handler = Collect()
    logging.getLogger().addHandler(handler)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ds = mlc.Dataset(jsonld=os.path.join(export_dir, "croissant.json"))
        issues = ds.metadata.ctx.issues
        errors = sorted(str(e) for e in issues.errors)
        warns = sorted(str(w) for w in issues.warnings)
        train = croissant_records(ds, "train")
        prov = croissant_records(ds, "provenance")
    # A DeprecationWarning is about the library's own code (rdflib's ConjunctiveGraph in mlcroissant), not the data.
    deprecations = sorted({str(w.message) for w in caught if issubclass(w.category, DeprecationWarning)})
    logged = handler.messages + [
        f"{w.category.__name__}: {w.message}" for w in caught if not issubclass(w.category, DeprecationWarning)
    ]

    mismatches = []
    for i, (rec, row) in enumerate(zip(train, rows)):
        expected = {k: row.get(k) for k in rec}
        if rec != expected or set(rec) != set(row):
            mismatches.append({"index": i, "record": rec, "row": row})
            break
    prov_mismatches = []
    for i, (rec, row) in enumerate(zip(prov, prov_rows)):
        expected = {
            "sample_id": row["sample_id"],
            "content_sha256": row["content_sha256"],
            "source_dataset": row["prompt"]["source_dataset"],
            "record_id": row["prompt"]["record_id"],
            "teacher_provider": row["teacher"]["provider"],
            "teacher_model": row["teacher"]["model_id"],
            "terms_url": row["terms"]["url"],
            "terms_sha256": row["terms"]["snapshot_sha256"],
            "train_policy": row["use_policy"]["train"],
            "finish_reason": row["output"]["finish_reason"],
        }
        if rec != expected:
            prov_mismatches.append({"index": i, "record": rec, "expected": expected})
            break

    logging.getLogger().removeHandler(handler)

    with tempfile.TemporaryDirectory() as cache:
        hf = datasets.load_dataset(
            "json" if fmt == "jsonl" else "parquet", data_files=data_file, split="train", cache_dir=cache
        )
        hf_rows = len(hf)
        hf_first = hf[0]
        hf_columns = sorted(hf.column_names)

    return {
        "dir": export_dir,
        "format": fmt,
        "croissant": {
            "errors": errors,
            "warnings": warns,
            "logged": logged,
            "library_deprecations": deprecations,
            "records": len(train),
            "first": train[0] if train else None,
            "mismatches": mismatches,
        },
        "provenance": {"records": len(prov), "rows": len(prov_rows), "mismatches": prov_mismatches},
        "rows": len(rows),
        "first_row": rows[0] if rows else None,
        "datasets": {"rows": hf_rows, "first_equal": hf_first == rows[0], "columns": hf_columns},
    }


if __name__ == "__main__":
    os.environ["HF_DATASETS_OFFLINE"] = "1"
    os.environ["HF_HUB_OFFLINE"] = "1"
    logging.getLogger().setLevel(logging.WARNING)
    from absl import logging as absl_logging

    absl_logging.set_verbosity(absl_logging.WARNING)
    import datasets
    import mlcroissant as mlc

    results = [check(*arg.rsplit(":", 1)) for arg in sys.argv[1:]]
    versions = {"mlcroissant": version("mlcroissant"), "datasets": version("datasets")}
    print(json.dumps({"versions": versions, "exports": results}))
