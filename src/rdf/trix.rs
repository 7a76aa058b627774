//! TriX (Carroll and Stickler, 2004: RDF triples in XML), which Felles datakatalog accepts as
//! a source format (`application/trix`) and Jena and rdflib read. Oxigraph has no writer for
//! it. One unnamed `<graph>` with the triples in the order given (the callers sort them).
use oxigraph::model::{NamedOrBlankNode, Term, Triple};

const NS: &str = "http://www.w3.org/2004/03/trix/trix-1/";

/// The triples as a TriX document.
pub fn write(triples: &[Triple]) -> Vec<u8> {
    let mut out = String::with_capacity(triples.len() * 200 + 100);
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str(&format!("<TriX xmlns=\"{NS}\">\n<graph>\n"));
    for t in triples {
        out.push_str("<triple>");
        match &t.subject {
            NamedOrBlankNode::NamedNode(n) => element(&mut out, "uri", None, n.as_str()),
            NamedOrBlankNode::BlankNode(b) => element(&mut out, "id", None, b.as_str()),
        }
        element(&mut out, "uri", None, t.predicate.as_str());
        match &t.object {
            Term::NamedNode(n) => element(&mut out, "uri", None, n.as_str()),
            Term::BlankNode(b) => element(&mut out, "id", None, b.as_str()),
            Term::Literal(l) => match l.language() {
                Some(lang) => element(
                    &mut out,
                    "plainLiteral",
                    Some(("xml:lang", lang)),
                    l.value(),
                ),
                None if l.datatype() == oxigraph::model::vocab::xsd::STRING => {
                    element(&mut out, "plainLiteral", None, l.value())
                }
                None => element(
                    &mut out,
                    "typedLiteral",
                    Some(("datatype", l.datatype().as_str())),
                    l.value(),
                ),
            },
        }
        out.push_str("</triple>\n");
    }
    out.push_str("</graph>\n</TriX>\n");
    out.into_bytes()
}

fn element(out: &mut String, name: &str, attribute: Option<(&str, &str)>, text: &str) {
    out.push('<');
    out.push_str(name);
    if let Some((key, value)) = attribute {
        out.push(' ');
        out.push_str(key);
        out.push_str("=\"");
        escape(out, value);
        out.push('"');
    }
    out.push('>');
    escape(out, text);
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

/// XML text and attribute escaping. Characters XML 1.0 cannot carry at all (most C0
/// controls) become U+FFFD; our shapes and parsers do not let them into the store anyway.
fn escape(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\r' => out.push_str("&#13;"),
            '\t' | '\n' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::model::{Literal, NamedNode};

    #[test]
    fn writes_escaped_triples_in_one_graph() {
        let s = NamedNode::new_unchecked("http://x/s?a=1&b=2");
        let p = NamedNode::new_unchecked("http://x/p");
        let triples = vec![
            Triple::new(
                s.clone(),
                p.clone(),
                Literal::new_language_tagged_literal_unchecked("<b> & \"c\"", "nb"),
            ),
            Triple::new(s.clone(), p.clone(), Literal::from(true)),
        ];
        let xml = String::from_utf8(write(&triples)).unwrap();
        assert!(xml.contains("<uri>http://x/s?a=1&amp;b=2</uri>"));
        assert!(xml.contains(
            "<plainLiteral xml:lang=\"nb\">&lt;b&gt; &amp; &quot;c&quot;</plainLiteral>"
        ));
        assert!(xml.contains("<typedLiteral datatype=\"http://www.w3.org/2001/XMLSchema#boolean\">true</typedLiteral>"));
        assert_eq!(xml.matches("<triple>").count(), 2);
    }
}
