#!/usr/bin/env python3
"""An independent verdict per record of an import, to check `samapne import --as-drafts`.

Usage: record_verdicts.py BASE_IRI FILE...   → JSON {"FILE": {"<iri>": {"record": bool, "valid": bool}}}
Each file is judged as an import of that file alone into an empty store.

Re-implements, apart from the server's code, what the import promises: split the triples into
one graph per record (src/records.rs: record classes; IRIs under a record's IRI; reachability
in IRI order; other IRIs on their own), validate everything with pySHACL against our shapes
(shapes/*.ttl) plus the shipped reference data (vocab/*.nt, ontologies/*.ttl), ignore triples
about reference terms, and call a graph invalid when a Violation is about a node it owns, or
about a node it links to that no graph owns (Warnings are recommendations: they never make a
record invalid).
"""
import collections
import json
import pathlib
import re
import sys

import pyshacl
import rdflib
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD


REPO = pathlib.Path(__file__).resolve().parents[2]
RECORD_CLASSES = {URIRef(c) for c in [
    "http://www.w3.org/ns/dcat#Catalog",
    "http://www.w3.org/ns/dcat#Dataset",
    "http://www.w3.org/ns/dcat#DataService",
    "http://www.w3.org/ns/dcat#DatasetSeries",
    "http://www.w3.org/2004/02/skos/core#Concept",
    "http://www.w3.org/2004/02/skos/core#ConceptScheme",
    "http://www.w3.org/2004/02/skos/core#Collection",
    "https://data.norge.no/vocabulary/modelldcatno#InformationModel",
    "http://xmlns.com/foaf/0.1/Agent",
    "http://xmlns.com/foaf/0.1/Organization",
    "http://www.w3.org/ns/org#Organization",
    "http://www.w3.org/2002/07/owl#Ontology",
]}


def parse(path, base):
    text = pathlib.Path(path).read_text(encoding="utf-8")
    fmt = {".ttl": "turtle", ".jsonld": "json-ld", ".xml": "xml", ".rdf": "xml", ".nt": "nt"}[
        pathlib.Path(path).suffix]
    if fmt == "turtle":
        # rdflib rejects whitespace between a string and its language tag; Turtle allows it.
        text = re.sub(r'"[ \t]+@([a-zA-Z])', r'"@\1', text)
    if fmt == "json-ld":
        # JSON-LD expansion flattens an array inside an array (JSON-LD 1.1 §13.1, step 5.2);
        # rdflib drops such items, so flatten them first.
        text = json.dumps(flatten(json.loads(text)))
    # Keep literals' lexical forms as written: rdflib rewrites "2013-03-04"^^xsd:dateTime
    # into a valid dateTime otherwise, and the check for ill-typed dates in judge() would not
    # see it. (Set for each parse: pySHACL turns normalising back on.)
    rdflib.NORMALIZE_LITERALS = False
    g = rdflib.Graph()
    g.parse(data=text, format=fmt, publicID=base)
    return g


def flatten(value):
    if isinstance(value, list):
        out = []
        for item in value:
            item = flatten(item)
            out.extend(item if isinstance(item, list) else [item])
        return out
    if isinstance(value, dict):
        return {k: flatten(v) for k, v in value.items()}
    return value


DATE = re.compile(r"-?\d{4,}-\d{2}-\d{2}(Z|[+-]\d{2}:\d{2})?$")
DATE_TIME = re.compile(r"-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")


def well_typed(literal):
    """Whether an xsd:date or xsd:dateTime literal has a lexical form of its type."""
    if literal.datatype == XSD.date:
        return bool(DATE.match(str(literal)))
    if literal.datatype == XSD.dateTime:
        return bool(DATE_TIME.match(str(literal)))
    return True


def main():
    base, files = sys.argv[1], sys.argv[2:]
    reference = rdflib.Graph()
    for p in sorted((REPO / "vocab").glob("*.nt")):
        reference.parse(p, format="nt")
    for p in sorted((REPO / "ontologies").glob("*.ttl")):
        reference.parse(p, format="turtle", publicID="https://w3id.org/samapne/")
    shapes = rdflib.Graph()
    for p in sorted((REPO / "shapes").glob("*.ttl")):
        shapes.parse(p, format="turtle")
    out = {f: judge(parse(f, base), reference, shapes) for f in files}
    print(json.dumps(out, sort_keys=True))


def judge(parsed, reference, shapes):
    ref_subjects = set(reference.subjects())
    data = rdflib.Graph()
    for t in parsed:
        if t[0] not in ref_subjects:
            data.add(t)
    by_subject = collections.defaultdict(list)
    for s, p, o in data:
        by_subject[s].append((p, o))
    records = sorted({s for s, o in data.subject_objects(RDF.type)
                      if isinstance(s, URIRef) and o in RECORD_CLASSES}, key=str)
    owner = {r: r for r in records}
    for s in by_subject:
        if isinstance(s, URIRef) and s not in owner:
            parts = [r for r in records if len(s) > len(r) and s.startswith(r) and s[len(r)] in "/#"]
            if parts:
                owner[s] = max(parts, key=len)
    queue = collections.deque([(r, r) for r in records]
                              + [(s, r) for s, r in owner.items() if s != r])
    while queue:
        node, rec = queue.popleft()
        for _, o in by_subject.get(node, []):
            if isinstance(o, (URIRef, BNode)) and o in by_subject and o not in owner:
                owner[o] = rec
                queue.append((o, rec))
    for s in by_subject:
        if s not in owner and isinstance(s, URIRef):
            owner[s] = s
    graphs = set(owner.values())
    links = collections.defaultdict(set)  # object -> graphs linking to it
    for s, p, o in data:
        if s in owner:
            links[o].add(owner[s])

    _, report, _ = pyshacl.validate(data + reference, shacl_graph=shapes, inference="none")
    invalid = set()
    for r in report.subjects(RDF.type, SH.ValidationResult):
        # Only top-level results: pySHACL also types the nested results of a failed sh:node
        # (sh:detail) as results, with the nested shape's default severity.
        if report.value(r, SH.resultSeverity) != SH.Violation or (None, SH.detail, r) in report:
            continue
        focus = report.value(r, SH.focusNode)
        if focus in ref_subjects:
            continue
        if focus in owner:
            invalid.add(owner[focus])
        else:
            invalid.update(links.get(focus, ()))
    # rdflib reads "2013-03-04"^^xsd:dateTime as a dateTime (not ill-typed), so pySHACL
    # passes it; XML Schema's lexical space wants the time, and SHACL's sh:datatype fails an
    # ill-typed literal (SHACL 1.0 section 4.2.2). Our shapes type every date property.
    for s, p, o in data:
        if isinstance(o, Literal) and s in owner and not well_typed(o):
            invalid.add(owner[s])
    return {str(g): {"record": g in records, "valid": g not in invalid}
            for g in graphs if isinstance(g, URIRef)}



if __name__ == "__main__":
    main()
