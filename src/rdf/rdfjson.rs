//! RDF 1.1 JSON Alternate Serialization (RDF/JSON, W3C Working Group Note, 2013), which
//! Felles datakatalog accepts as a source format (`application/rdf+json`). Oxigraph has no
//! writer for it; it is small: `{ subject: { predicate: [ object, … ] } }`, with subjects and
//! predicates in IRI order and objects in term order, so equal graphs give equal bytes.
use oxigraph::model::{NamedOrBlankNode, Term, Triple};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// The triples as an RDF/JSON document.
pub fn write(triples: &[Triple]) -> Vec<u8> {
    let mut by_subject: BTreeMap<String, BTreeMap<&str, Vec<&Term>>> = BTreeMap::new();
    for t in triples {
        let subject = match &t.subject {
            NamedOrBlankNode::NamedNode(n) => n.as_str().to_owned(),
            NamedOrBlankNode::BlankNode(b) => format!("_:{}", b.as_str()),
        };
        by_subject
            .entry(subject)
            .or_default()
            .entry(t.predicate.as_str())
            .or_default()
            .push(&t.object);
    }
    let mut doc = Map::new();
    for (subject, predicates) in by_subject {
        let mut properties = Map::new();
        for (predicate, mut objects) in predicates {
            objects.sort_by_cached_key(|o| o.to_string());
            objects.dedup();
            properties.insert(
                predicate.to_owned(),
                Value::Array(objects.into_iter().map(object).collect()),
            );
        }
        doc.insert(subject, Value::Object(properties));
    }
    serde_json::to_vec(&Value::Object(doc)).unwrap_or_default()
}

/// One object: `{"type": "uri"|"bnode"|"literal", "value", "lang"?, "datatype"?}`; simple
/// literals (xsd:string) carry no datatype, as the Note writes plain literals.
fn object(term: &Term) -> Value {
    match term {
        Term::NamedNode(n) => json!({ "type": "uri", "value": n.as_str() }),
        Term::BlankNode(b) => json!({ "type": "bnode", "value": format!("_:{}", b.as_str()) }),
        Term::Literal(l) => {
            let mut o = json!({ "type": "literal", "value": l.value() });
            if let Some(lang) = l.language() {
                o["lang"] = json!(lang);
            } else if l.datatype() != oxigraph::model::vocab::xsd::STRING {
                o["datatype"] = json!(l.datatype().as_str());
            }
            o
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::model::{BlankNode, Literal, NamedNode};

    #[test]
    fn writes_the_notes_shape_in_a_stable_order() {
        let s = NamedNode::new_unchecked("http://x/s");
        let p = NamedNode::new_unchecked("http://x/p");
        let triples = vec![
            Triple::new(
                s.clone(),
                p.clone(),
                Literal::new_language_tagged_literal_unchecked("hei", "nb"),
            ),
            Triple::new(s.clone(), p.clone(), Literal::from(3)),
            Triple::new(s.clone(), p.clone(), Literal::new_simple_literal("plain")),
            Triple::new(BlankNode::new_unchecked("b0"), p.clone(), s.clone()),
        ];
        let doc: Value = serde_json::from_slice(&write(&triples)).unwrap();
        let objects = doc["http://x/s"]["http://x/p"].as_array().unwrap();
        assert_eq!(objects.len(), 3);
        assert!(objects.contains(&json!({"type": "literal", "value": "hei", "lang": "nb"})));
        assert!(objects.contains(&json!({"type": "literal", "value": "plain"})));
        assert!(objects.contains(&json!({"type": "literal", "value": "3",
            "datatype": "http://www.w3.org/2001/XMLSchema#integer"})));
        assert_eq!(
            doc["_:b0"]["http://x/p"][0],
            json!({"type": "uri", "value": "http://x/s"})
        );
        let mut reversed = triples.clone();
        reversed.reverse();
        assert_eq!(write(&triples), write(&reversed));
    }
}
