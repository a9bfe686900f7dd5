#!/usr/bin/env python3
"""Checks JSON Lines files against the schemas in this folder.

    python3 schemas/check.py                      # the bundled examples (valid must pass, invalid must fail)
    python3 schemas/check.py --outputs out.jsonl  # every line of `leadscore replay` output, by its `type`
    python3 schemas/check.py --inputs in.jsonl    # every line must be a valid input event
    python3 schemas/check.py --report r.json      # the JSON of `leadscore evaluate --json`

Needs the `jsonschema` package (>= 4.18, for `referencing`). Exits non-zero on the first mismatch.
"""
import argparse, json, pathlib, sys
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

HERE = pathlib.Path(__file__).resolve().parent
OUTPUT_TYPES = {"lead_rescored", "lead_routed", "enrichment_requested", "lead_sla_breached", "lead_escalated", "lead_erased"}


def load():
    schemas = {p.name.removesuffix(".schema.json"): json.loads(p.read_text()) for p in HERE.glob("*.schema.json")}
    registry = Registry().with_resources(
        (s["$id"], Resource.from_contents(s)) for s in schemas.values())
    for s in schemas.values():
        Draft202012Validator.check_schema(s)
    return {name: Draft202012Validator(s, registry=registry) for name, s in schemas.items()}


def lines(path):
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                yield n, json.loads(line)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--inputs", action="append", default=[])
    ap.add_argument("--outputs", action="append", default=[])
    ap.add_argument("--report", action="append", default=[])
    args = ap.parse_args()
    v = load()
    checked = 0
    if not args.inputs and not args.outputs and not args.report:
        for n, doc in lines(HERE / "examples" / "valid-inputs.jsonl"):
            errors = list(v["input-event"].iter_errors(doc))
            if errors:
                sys.exit(f"valid-inputs.jsonl:{n}: rejected: {errors[0].message}")
            checked += 1
        for n, doc in lines(HERE / "examples" / "invalid-inputs.jsonl"):
            if v["input-event"].is_valid(doc):
                sys.exit(f"invalid-inputs.jsonl:{n}: accepted but should be rejected")
            checked += 1
    for path in args.inputs:
        for n, doc in lines(path):
            errors = list(v["input-event"].iter_errors(doc))
            if errors:
                sys.exit(f"{path}:{n}: {errors[0].message}")
            checked += 1
    for path in args.outputs:
        for n, doc in lines(path):
            kind = doc.get("type")
            if kind not in OUTPUT_TYPES:
                sys.exit(f"{path}:{n}: unknown output type {kind!r}")
            errors = list(v[kind].iter_errors(doc))
            if errors:
                sys.exit(f"{path}:{n}: {errors[0].json_path}: {errors[0].message}")
            checked += 1
    for path in args.report:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        errors = list(v["evaluation_report"].iter_errors(doc))
        if errors:
            sys.exit(f"{path}: {errors[0].json_path}: {errors[0].message}")
        checked += 1
    print(f"{checked} documents checked against the schemas")


if __name__ == "__main__":
    main()
