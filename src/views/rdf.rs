//! RDF serialization with the prefixes of the vocabularies we use, in a fixed order so that
//! output is byte-stable for unchanged data.
use oxigraph::io::{RdfFormat, RdfSerializer};

/// Prefixes written in Turtle, TriG, N3, RDF/XML and JSON-LD, in this order.
pub const PREFIXES: &[(&str, &str)] = &[
    ("adms", "http://www.w3.org/ns/adms#"),
    ("dcat", "http://www.w3.org/ns/dcat#"),
    ("dcatno", "https://data.norge.no/vocabulary/dcatno#"),
    ("dct", "http://purl.org/dc/terms/"),
    ("foaf", "http://xmlns.com/foaf/0.1/"),
    (
        "modelldcatno",
        "https://data.norge.no/vocabulary/modelldcatno#",
    ),
    ("org", "http://www.w3.org/ns/org#"),
    ("owl", "http://www.w3.org/2002/07/owl#"),
    ("prov", "http://www.w3.org/ns/prov#"),
    ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
    ("samapne", "https://w3id.org/samapne/ns#"),
    ("sh", "http://www.w3.org/ns/shacl#"),
    ("skos", "http://www.w3.org/2004/02/skos/core#"),
    ("skosno", "https://data.norge.no/vocabulary/skosno#"),
    ("vcard", "http://www.w3.org/2006/vcard/ns#"),
    ("xsd", "http://www.w3.org/2001/XMLSchema#"),
];

/// A serializer for `format` with our prefixes.
pub fn serializer(format: RdfFormat) -> RdfSerializer {
    let mut ser = RdfSerializer::from_format(format);
    for (prefix, iri) in PREFIXES {
        ser = ser
            .with_prefix(*prefix, *iri)
            .expect("the prefix table holds valid IRIs");
    }
    ser
}

/// Whether RDF/XML can write `predicate`: it must end in an XML name (NCName) to split off.
pub fn splittable(predicate: &str) -> bool {
    let tail: String = predicate
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    tail.chars().any(|c| c.is_alphabetic() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn predicates_rdf_xml_can_write() {
        assert!(splittable("http://purl.org/dc/terms/title"));
        assert!(splittable("http://www.w3.org/ns/dcat#keyword"));
        assert!(!splittable("http://example.org/p/"));
        assert!(!splittable("http://example.org/p/123"));
        assert!(!splittable("urn:x:1-2"));
        assert!(splittable("http://example.org/p/1abc"));
    }
}
