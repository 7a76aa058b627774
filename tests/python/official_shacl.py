#!/usr/bin/env python3
"""Validate RDF files against the official DCAT-AP-NO 2.2 shapes with pySHACL.

Usage: official_shacl.py BASE_IRI FILE...   (exit 0 if conforms, 1 if not; report on stdout)

The data graph is the union of the files plus the controlled vocabularies, as in
../shared/corpus/SOURCES.md: every file under specs/vocabularies and corpus/vocabularies/eu-op.
This is an independent check of our data (demo content, harvest documents) with the
reference implementation the specs are tested with.
"""
import pathlib
import sys

import pyshacl
import rdflib

SHARED = pathlib.Path(__file__).resolve().parents[3] / "shared"


def main():
    base, files = sys.argv[1], sys.argv[2:]
    data = rdflib.Graph()
    for f in files:
        data.parse(f, publicID=base, format=rdflib.util.guess_format(f) or "turtle")
    vocab_dirs = [SHARED / "specs" / "vocabularies", SHARED / "corpus" / "vocabularies" / "eu-op"]
    for d in vocab_dirs:
        for p in sorted(d.rglob("*")):
            if p.suffix in (".ttl", ".rdf"):
                data.parse(p, format="xml" if p.suffix == ".rdf" else "turtle")
    shapes = rdflib.Graph().parse(SHARED / "specs/dcat-ap-no/v2/DCAT-AP-NO-shacl_shapes_2.00.ttl")
    conforms, _, text = pyshacl.validate(data, shacl_graph=shapes, inference="none", allow_warnings=False)
    print(text)
    sys.exit(0 if conforms else 1)


if __name__ == "__main__":
    main()
