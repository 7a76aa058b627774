#!/usr/bin/env python3
"""Reads harvest documents with rdflib, as harvesters do, and reports what they would trip on.

Usage: harvest_check.py FILE...   (files named STEM.EXT, one STEM per document and one EXT per
format: ttl, rdf, jsonld, nt, nq, trig, n3, trix, rj). Prints a JSON list of problems; exit 1
if any. rdflib reads TriX; RDF/JSON (the W3C Note) it has no parser for, so `read_rdfjson`
turns the Note's structure into rdflib terms.

Per document: every format parses with base http://example.com/ (FDK's) to a graph isomorphic
to the Turtle one; no IRI resolved against that base (a relative IRI); the graph
re-serialises as RDF/XML (FDK fails the whole harvest when a predicate cannot be written).
"""
import collections
import json
import pathlib
import sys

import rdflib
from rdflib.compare import isomorphic

FORMATS = {"ttl": "turtle", "rdf": "xml", "jsonld": "json-ld", "nt": "nt", "nq": "nquads",
           "trig": "trig", "n3": "n3", "trix": "trix"}


def read_rdfjson(path):
    """An RDF/JSON document (W3C Note, 2013) as an rdflib graph; strict about its shape."""
    doc = json.loads(pathlib.Path(path).read_text(encoding="utf-8"))
    node = lambda v: rdflib.BNode(v[2:]) if v.startswith("_:") else rdflib.URIRef(v)
    g = rdflib.Graph()
    for s, properties in doc.items():
        for p, objects in properties.items():
            for o in objects:
                kind, value = o["type"], o["value"]
                if kind == "uri":
                    term = rdflib.URIRef(value)
                elif kind == "bnode":
                    term = rdflib.BNode(value[2:])
                elif kind == "literal":
                    term = rdflib.Literal(value, lang=o.get("lang"),
                                          datatype=o.get("datatype"))
                else:
                    raise ValueError(f"unknown object type {kind!r}")
                g.add((node(s), rdflib.URIRef(p), term))
    return g
BASE = "http://example.com/"


def main():
    groups = collections.defaultdict(dict)
    for f in sys.argv[1:]:
        p = pathlib.Path(f)
        groups[p.stem][p.suffix[1:]] = p
    problems = []
    for stem, files in sorted(groups.items()):
        graphs = {}
        for ext, path in files.items():
            try:
                if ext == "rj":
                    g = read_rdfjson(path)
                elif ext in ("nq", "trig", "trix"):
                    ds = rdflib.Dataset()
                    ds.parse(path, format=FORMATS[ext], publicID=BASE)
                    g = rdflib.Graph()
                    for s, p, o, _ in ds.quads((None, None, None, None)):
                        g.add((s, p, o))
                else:
                    g = rdflib.Graph().parse(path, format=FORMATS[ext], publicID=BASE)
            except Exception as e:  # noqa: BLE001 - any parser failure is a finding
                problems.append(f"{stem}.{ext}: does not parse: {e}")
                continue
            graphs[ext] = g
            relative = {str(t) for triple in g for t in triple
                        if isinstance(t, rdflib.URIRef) and str(t).startswith(BASE)}
            if relative:
                problems.append(f"{stem}.{ext}: relative IRIs {sorted(relative)[:3]}")
            if any(isinstance(t, rdflib.BNode) for triple in g for t in triple):
                problems.append(f"{stem}.{ext}: blank nodes")
        reference = graphs.get("ttl")
        if reference is None:
            problems.append(f"{stem}: no Turtle")
            continue
        if len(reference) == 0:
            problems.append(f"{stem}: empty")
        for ext, g in graphs.items():
            if not isomorphic(g, reference):
                problems.append(f"{stem}.{ext}: not isomorphic to the Turtle ({len(g)} vs {len(reference)})")
        try:
            reference.serialize(format="xml")
        except Exception as e:  # noqa: BLE001
            problems.append(f"{stem}: cannot be written as RDF/XML: {e}")
    print(json.dumps(problems))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
