#!/usr/bin/env python3
"""Validate RDF files with pySHACL, the reference implementation the specs are tested with.

Usage: official_shacl.py [--shapes FILE]... [--no-vocab] [--json] [--time] BASE_IRI FILE...
Exit 0 if the data conforms, 1 if not; the report (or, with --json, the results) on stdout.

Shapes default to the official DCAT-AP-NO 2.2 shapes. The data graph is the union of the files
plus, unless --no-vocab, the controlled vocabularies as in ../shared/corpus/SOURCES.md (every
file under specs/vocabularies and corpus/vocabularies/eu-op). With --json, each result is
[focus, component, value], blank nodes written "_:", so another engine's results compare.
"""
import argparse
import json
import pathlib
import sys
import time

import pyshacl
import rdflib
from rdflib.namespace import SH

SHARED = pathlib.Path(__file__).resolve().parents[3] / "shared"


def term(t):
    if t is None:
        return ""
    if isinstance(t, rdflib.BNode):
        return "_:"
    return t.n3()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shapes", action="append")
    ap.add_argument("--no-vocab", action="store_true")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--time", action="store_true", help="print validate()'s seconds on stderr")
    ap.add_argument("base")
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()
    data = rdflib.Graph()
    for f in args.files:
        data.parse(f, publicID=args.base, format=rdflib.util.guess_format(f) or "turtle")
    if not args.no_vocab:
        for d in [SHARED / "specs" / "vocabularies", SHARED / "corpus" / "vocabularies" / "eu-op"]:
            for p in sorted(d.rglob("*")):
                if p.suffix in (".ttl", ".rdf"):
                    data.parse(p, format="xml" if p.suffix == ".rdf" else "turtle")
    shapes = rdflib.Graph()
    for s in args.shapes or [SHARED / "specs/dcat-ap-no/v2/DCAT-AP-NO-shacl_shapes_2.00.ttl"]:
        shapes.parse(s, format="turtle")
    started = time.perf_counter()
    conforms, report, text = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", allow_warnings=False
    )
    if args.time:
        print(f"validate seconds: {time.perf_counter() - started:.3f}", file=sys.stderr)
    if args.json:
        results = [
            [term(report.value(r, SH.focusNode)), term(report.value(r, SH.sourceConstraintComponent)),
             term(report.value(r, SH.value))]
            for r in report.subjects(rdflib.RDF.type, SH.ValidationResult)
        ]
        print(json.dumps(sorted(results)))
    else:
        print(text)
    sys.exit(0 if conforms else 1)


if __name__ == "__main__":
    main()
