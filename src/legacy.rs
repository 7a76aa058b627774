//! Real-world RDF that the standards allow but Oxigraph's parsers reject, rewritten into an
//! equivalent form before parsing. Each rewrite keeps every triple and every line number.
use std::borrow::Cow;

const XSD_STRING: &str = "http://www.w3.org/2001/XMLSchema#string";
const RDF_NS: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";

/// RDF/XML's `xml:lang=""` ("no language", RDF/XML §2.7; Geonorge's harvest has it) on a
/// property element with text content becomes `rdf:datatype="…#string"`, which gives the
/// same plain literal. Oxigraph 0.5 rejects the empty language tag. Elements with child
/// elements, or that already name a datatype, are left alone (the parser then reports them).
pub fn rdfxml_empty_lang(text: &str) -> Cow<'_, str> {
    const ATTR: &str = " xml:lang=\"\"";
    if !text.contains(ATTR) {
        return Cow::Borrowed(text);
    }
    let Some(rdf) = prefix_of(text, RDF_NS) else {
        return Cow::Borrowed(text);
    };
    let replacement = format!(" {rdf}:datatype=\"{XSD_STRING}\"");
    let mut out = String::with_capacity(text.len() + 64);
    let mut rest = text;
    while let Some(at) = rest.find(ATTR) {
        let (before, after) = rest.split_at(at);
        out.push_str(before);
        let after_attr = &after[ATTR.len()..];
        // The start tag's remaining attributes and its content up to the next tag.
        let tag_end = after_attr.find('>');
        let text_only = tag_end.is_some_and(|end| {
            let tail = &after_attr[..end];
            let content = &after_attr[end + 1..];
            let closes_with_end_tag = content
                .find('<')
                .is_some_and(|lt| content[lt..].starts_with("</"));
            !tail.ends_with('/') && !tail.contains("datatype=") && closes_with_end_tag
        });
        out.push_str(if text_only { &replacement } else { ATTR });
        rest = after_attr;
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The prefix an `xmlns:p="ns"` declaration binds to `ns`.
fn prefix_of<'a>(text: &'a str, ns: &str) -> Option<&'a str> {
    let needle = format!("=\"{ns}\"");
    let at = text.find(&needle)?;
    let decl = &text[..at];
    let start = decl.rfind("xmlns:")? + "xmlns:".len();
    let prefix = decl[start..].trim();
    (!prefix.is_empty()
        && prefix
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'))
    .then_some(prefix)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:v="http://example.org/">
  <rdf:Description rdf:about="http://example.org/a">
    <v:name xml:lang="">Hitra kommune</v:name>
    <v:label xml:lang="no">Hitra</v:label>
  </rdf:Description>
  <rdf:Description rdf:about="http://example.org/b" xml:lang="">
    <v:name>x</v:name>
  </rdf:Description>
</rdf:RDF>"#;

    #[test]
    fn empty_language_on_text_becomes_plain_literal() {
        let fixed = rdfxml_empty_lang(DOC);
        assert!(fixed.contains(
            r#"<v:name rdf:datatype="http://www.w3.org/2001/XMLSchema#string">Hitra kommune</v:name>"#
        ));
        // Not on a node element with children.
        assert!(fixed.contains(r#"rdf:about="http://example.org/b" xml:lang="">"#));
        assert_eq!(fixed.lines().count(), DOC.lines().count());
        assert!(matches!(rdfxml_empty_lang("<a/>"), Cow::Borrowed(_)));
    }
}
