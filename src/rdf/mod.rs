//! RDF serialization with the prefixes of the vocabularies we use, in a fixed order so that
//! output is byte-stable for unchanged data.
pub mod rdfjson;
pub mod trix;

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

/// `triples` in `format`: a graph format Oxigraph writes (with our prefixes), RDF/JSON or
/// TriX; `Unsupported` for other formats.
pub fn write_triples(
    triples: &[oxigraph::model::Triple],
    format: crate::conneg::Format,
) -> std::io::Result<Vec<u8>> {
    use crate::conneg::Format;
    match format {
        Format::RdfJson => Ok(rdfjson::write(triples)),
        Format::TriX => Ok(trix::write(triples)),
        other => {
            let rdf = other.rdf_format().ok_or_else(|| {
                std::io::Error::new(std::io::ErrorKind::Unsupported, "not an RDF format")
            })?;
            let mut ser = serializer(rdf).for_writer(Vec::new());
            for t in triples {
                ser.serialize_triple(t)?;
            }
            ser.finish()
        }
    }
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

/// Expanded JSON-LD (as Oxigraph writes it) compacted with our prefixes: `{"@context":
/// context_url, "@graph": [...]}` with `prefix:local` names for properties, types and node
/// IRIs. The context at `context_url` must define [`PREFIXES`] (see `GET /context.jsonld`).
pub fn compact_jsonld(expanded: &[u8], context_url: &str) -> Result<Vec<u8>, serde_json::Error> {
    use serde_json::Value;
    fn name(iri: &str) -> String {
        for (prefix, ns) in PREFIXES {
            if let Some(local) = iri.strip_prefix(ns) {
                // A compact IRI must not look like an absolute IRI or a blank node.
                if !local.is_empty() && !local.starts_with("//") && !local.contains(['/', '#']) {
                    return format!("{prefix}:{local}");
                }
            }
        }
        iri.to_owned()
    }
    fn value(v: Value) -> Value {
        match v {
            Value::Object(mut m) if m.len() == 1 && m.contains_key("@id") => {
                if let Some(Value::String(id)) = m.remove("@id") {
                    m.insert("@id".into(), Value::String(name(&id)));
                }
                Value::Object(m)
            }
            other => other,
        }
    }
    let parsed: Value = serde_json::from_slice(expanded)?;
    let nodes = match parsed {
        Value::Array(nodes) => nodes,
        other => vec![other],
    };
    let graph: Vec<Value> = nodes
        .into_iter()
        .map(|node| match node {
            Value::Object(m) => Value::Object(
                m.into_iter()
                    .map(|(k, v)| match k.as_str() {
                        "@id" => (k, v.as_str().map_or(v.clone(), |s| Value::String(name(s)))),
                        "@type" => {
                            let types = match v {
                                Value::Array(a) => Value::Array(
                                    a.into_iter()
                                        .map(|t| {
                                            t.as_str().map_or(t.clone(), |s| Value::String(name(s)))
                                        })
                                        .collect(),
                                ),
                                other => other,
                            };
                            (k, types)
                        }
                        _ if k.starts_with('@') => (k, v),
                        _ => {
                            let v = match v {
                                Value::Array(a) => Value::Array(a.into_iter().map(value).collect()),
                                other => value(other),
                            };
                            (name(&k), v)
                        }
                    })
                    .collect(),
            ),
            other => other,
        })
        .collect();
    serde_json::to_vec(&serde_json::json!({ "@context": context_url, "@graph": graph }))
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
