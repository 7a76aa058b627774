#!/usr/bin/env python3
"""Derive the controlled vocabularies SamÅpne ships (vocab/*.nt) from ../shared snapshots.

Keeps, per concept: rdf:type, skos:inScheme, skos:notation and labels in nb/nn/no/en; per
scheme: rdf:type and labels. Output is sorted N-Triples, so re-running gives the same bytes.
Run from the repository root: python3 vocab/derive.py  (needs rdflib); the country and
continent tables: python3 vocab/derive.py places  (needs pycountry too). Sources and licences
are in vocab/SOURCES.md.
"""
import pathlib
import rdflib
from rdflib.namespace import RDF, SKOS, DCTERMS

ROOT = pathlib.Path(__file__).resolve().parent
SHARED = ROOT.parent.parent / "shared"
EU = "http://publications.europa.eu/resource/authority/"
SETS = {
    "access-right": ("specs/vocabularies/fdk-reference-data-test-fixtures/access-right-sparql-result.ttl", EU + "access-right"),
    "data-theme": ("corpus/vocabularies/eu-op/data-theme-skos-ap-act.rdf", EU + "data-theme"),
    "frequency": ("specs/vocabularies/fdk-reference-data-test-fixtures/frequencies-sparql-result.ttl", EU + "frequency"),
    "file-type": ("corpus/vocabularies/eu-op/filetypes-skos.rdf", EU + "file-type"),
    "licence": ("specs/vocabularies/fdk-reference-data-test-fixtures/licences-sparql-result.ttl", EU + "licence"),
    "language": ("specs/vocabularies/fdk-reference-data-test-fixtures/languages-skos.rdf", EU + "language"),
    "los": ("specs/vocabularies/fdk-reference-data-test-fixtures/los.rdf", None),
    "administrative-units": ("specs/vocabularies/fdk-reference-data-main/administrative-enheter.ttl", None),
}
KEEP = {RDF.type, SKOS.inScheme, SKOS.notation, SKOS.prefLabel, SKOS.altLabel, SKOS.broader, DCTERMS.identifier,
        rdflib.URIRef("http://www.w3.org/2000/01/rdf-schema#label"), DCTERMS.title}
LANGS = {None, "nb", "nn", "no", "en"}


def main():
    for name, (path, scheme) in SETS.items():
        src = SHARED / path
        g = rdflib.Graph().parse(src, format="xml" if src.suffix == ".rdf" else "turtle")
        out = rdflib.Graph()
        for s, p, o in g:
            if p not in KEEP or isinstance(s, rdflib.BNode) or isinstance(o, rdflib.BNode):
                continue
            if isinstance(o, rdflib.Literal) and o.language not in LANGS:
                continue
            if scheme and p == SKOS.inScheme and not str(o).startswith(scheme):
                continue
            out.add((s, p, o))
        if scheme:  # some extracts lack skos:inScheme: every concept under the scheme's IRI is in it
            for s in set(g.subjects()):
                if isinstance(s, rdflib.URIRef) and str(s).startswith(scheme + "/"):
                    out.add((s, SKOS.inScheme, rdflib.URIRef(scheme)))
                    out.add((s, RDF.type, SKOS.Concept))
            out.add((rdflib.URIRef(scheme), RDF.type, SKOS.ConceptScheme))
        lines = sorted(set(out.serialize(format="nt").splitlines()))
        (ROOT / f"{name}.nt").write_text("\n".join(l for l in lines if l.strip()) + "\n")
        print(name, len(lines))


# The EU continent table's codes (http://publications.europa.eu/resource/authority/continent),
# with their names in nb, nn and en.
CONTINENTS = {
    "AFRICA": ("Afrika", "Afrika", "Africa"),
    "ANTARCTICA": ("Antarktis", "Antarktis", "Antarctica"),
    "ASIA": ("Asia", "Asia", "Asia"),
    "EUROPE": ("Europa", "Europa", "Europe"),
    "NORTH_AMERICA": ("Nord-Amerika", "Nord-Amerika", "North America"),
    "OCEANIA": ("Oseania", "Oseania", "Oceania"),
    "SOUTH_AMERICA": ("Sør-Amerika", "Sør-Amerika", "South America"),
}


def places():
    """The EU country table's concepts (ISO 3166-1 alpha-3 codes, as the EU's country IRIs
    use them) with names in nb, nn and en from pycountry (Debian's iso-codes), and the EU
    continent table's. Needs `pip install pycountry`."""
    import gettext
    import pycountry
    tr = {lang: gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
          for lang in ("nb", "nn")}
    for name, scheme, rows in (
        ("country", EU + "country",
         [(c.alpha_3, tr["nb"].gettext(c.name), tr["nn"].gettext(c.name), c.name)
          for c in pycountry.countries]),
        ("continent", EU + "continent", [(k, *v) for k, v in CONTINENTS.items()]),
    ):
        out = rdflib.Graph()
        s_ = rdflib.URIRef(scheme)
        out.add((s_, RDF.type, SKOS.ConceptScheme))
        for code, nb, nn, en in rows:
            c = rdflib.URIRef(f"{scheme}/{code}")
            out.add((c, RDF.type, SKOS.Concept))
            out.add((c, SKOS.inScheme, s_))
            out.add((c, SKOS.notation, rdflib.Literal(code)))
            for text, lang in ((nb, "nb"), (nn, "nn"), (en, "en")):
                out.add((c, SKOS.prefLabel, rdflib.Literal(text, lang=lang)))
        lines = sorted(set(out.serialize(format="nt").splitlines()))
        (ROOT / f"{name}.nt").write_text("\n".join(l for l in lines if l.strip()) + "\n")
        print(name, len(lines))


if __name__ == "__main__":
    import sys
    if sys.argv[1:] == ["places"]:
        places()
    else:
        main()
