//! Bounds on RDF input before a parser builds anything from it.
//!
//! - **Nesting.** JSON-LD nested 5,000 levels overflows the parser's stack and 2,000 levels
//!   cost 728 MB; Turtle's `[ [ [` and `( ( (` grow the parser's state. A byte scanner that
//!   skips strings, IRIs and comments bounds the nesting as the input streams past
//!   ([`Nesting`], [`MAX_NESTING`]): no real description nests more than a dozen levels.
//! - **Entities.** RDF/XML may declare entities (`<!ENTITY xsd "http://…#">`), and the parser
//!   expands one inside another: 1.3 KB of "billion laughs" grew the process past 5.9 GB.
//!   [`check_entities`] refuses, before parsing, an entity value that refers to another
//!   entity or is longer than [`MAX_ENTITY`], and references that could add more than
//!   [`MIN_EXPANSION`] or twice the input, whichever is larger.
use std::io::Read;

/// Deepest nesting of `{ [ (` accepted in JSON-LD, Turtle, TriG and N-Triples input.
pub const MAX_NESTING: usize = 64;
/// Longest expansion of one XML entity, in bytes.
pub const MAX_ENTITY: usize = 4096;
/// What entity references may add to a document, at least (or twice its size if larger).
pub const MIN_EXPANSION: usize = 4 << 20;

/// Which syntax the nesting scanner reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// JSON: strings in `"`, no comments.
    Json,
    /// Turtle family: strings in `"` or `'` (short or long), `<IRIs>`, `#` comments.
    Turtle,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Normal,
    /// `n` quote characters `q` seen at the start of a Turtle string.
    Opening(u8, u8),
    Short(u8),
    /// Inside a long string; `n` closing quotes seen.
    Long(u8, u8),
    Iri,
    Comment,
}

/// A reader that fails with `InvalidData` once its input nests deeper than [`MAX_NESTING`].
pub struct Nesting<R> {
    inner: R,
    syntax: Syntax,
    state: State,
    escaped: bool,
    depth: usize,
}

impl<R: Read> Nesting<R> {
    pub fn new(inner: R, syntax: Syntax) -> Self {
        Self {
            inner,
            syntax,
            state: State::Normal,
            escaped: false,
            depth: 0,
        }
    }

    fn feed(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        for &b in bytes {
            self.byte(b);
            if self.depth > MAX_NESTING {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("the input nests deeper than {MAX_NESTING} levels"),
                ));
            }
        }
        Ok(())
    }

    fn byte(&mut self, b: u8) {
        if self.escaped {
            self.escaped = false;
            return;
        }
        let turtle = self.syntax == Syntax::Turtle;
        self.state = match self.state {
            State::Opening(q, n) if b == q && n == 2 => State::Long(q, 0),
            State::Opening(q, n) if b == q => State::Opening(q, n + 1),
            // `""` is an empty string: this byte is outside it.
            State::Opening(_, 2) => {
                self.state = State::Normal;
                return self.byte(b);
            }
            State::Opening(q, _) => {
                self.state = State::Short(q);
                return self.byte(b);
            }
            State::Short(_) | State::Long(..) if b == b'\\' => {
                self.escaped = true;
                self.state
            }
            State::Short(q) if b == q || (turtle && b == b'\n') => State::Normal,
            State::Short(q) => State::Short(q),
            State::Long(q, 2) if b == q => State::Normal,
            State::Long(q, n) if b == q => State::Long(q, n + 1),
            State::Long(q, _) => State::Long(q, 0),
            State::Iri if b == b'>' => State::Normal,
            State::Comment if b == b'\n' => State::Normal,
            s @ (State::Iri | State::Comment) => s,
            State::Normal => match b {
                b'{' | b'[' | b'(' => {
                    self.depth += 1;
                    State::Normal
                }
                b'}' | b']' | b')' => {
                    self.depth = self.depth.saturating_sub(1);
                    State::Normal
                }
                b'"' if !turtle => State::Short(b'"'),
                b'"' | b'\'' if turtle => State::Opening(b, 1),
                b'<' if turtle => State::Iri,
                b'#' if turtle => State::Comment,
                _ => State::Normal,
            },
        };
    }
}

impl<R: Read> Read for Nesting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.feed(&buf[..n])?;
        Ok(n)
    }
}

/// Refuses RDF/XML whose entity references could expand beyond the bounds (module doc).
///
/// Deliberately blunt, so that no way of writing a DOCTYPE escapes it: every `<!ENTITY`
/// anywhere in the text counts (any case, in any DOCTYPE, even in a comment), an entity value
/// may not refer to another entity (so none expands inside another), and the expansion is
/// bounded by the number of `&` in the whole text times the longest value. One linear pass.
pub fn check_entities(xml: &str) -> Result<(), String> {
    let lower = xml.to_ascii_lowercase();
    let mut longest = 0usize;
    for (at, _) in lower.match_indices("<!entity") {
        // oxrdfxml takes the value between the first two double quotes after the name.
        let rest = &xml[at + "<!entity".len()..];
        let Some(open) = rest.find('"') else { continue };
        let value = &rest[open + 1..];
        let value = &value[..value.find('"').unwrap_or(value.len())];
        if value.len() > MAX_ENTITY {
            return Err(format!(
                "an XML entity value is longer than {MAX_ENTITY} bytes"
            ));
        }
        if refers_to_entity(value) {
            return Err(
                "an XML entity value refers to another entity; entities are accepted \
                        only as plain text (such as a namespace IRI)"
                    .into(),
            );
        }
        longest = longest.max(value.len());
    }
    if longest == 0 {
        return Ok(());
    }
    let references = xml.bytes().filter(|&b| b == b'&').count();
    let bound = MIN_EXPANSION.max(2 * xml.len());
    if references.saturating_mul(longest) > bound {
        return Err(format!(
            "the XML entity references could add more than {bound} bytes to the document"
        ));
    }
    Ok(())
}

/// Whether `value` holds a reference other than XML's five and character references.
fn refers_to_entity(value: &str) -> bool {
    value.match_indices('&').any(|(at, _)| {
        let name = value[at + 1..].split(';').next().unwrap_or_default();
        !(name.starts_with('#') || matches!(name, "amp" | "lt" | "gt" | "quot" | "apos"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depth_ok(text: &str, syntax: Syntax) -> bool {
        let mut out = Vec::new();
        Nesting::new(text.as_bytes(), syntax)
            .read_to_end(&mut out)
            .is_ok()
    }

    #[test]
    fn nesting_counts_brackets_outside_strings_iris_and_comments() {
        let deep = format!("{}{}", "[".repeat(65), "]".repeat(65));
        assert!(!depth_ok(&deep, Syntax::Json));
        assert!(!depth_ok(&deep, Syntax::Turtle));
        let hidden = format!(
            "<a:{}> <b:c> \"{}\" , '''{}''' , \"\" . # {}\n",
            "[".repeat(100),
            "[".repeat(100),
            "\"\"[".repeat(100),
            "(".repeat(100)
        );
        assert!(depth_ok(&hidden, Syntax::Turtle), "{hidden}");
        let json = format!("{{\"a\": \"{}\\\"[\"}}", "[".repeat(100));
        assert!(depth_ok(&json, Syntax::Json));
    }

    #[test]
    fn billion_laughs_is_refused_and_ordinary_entities_pass() {
        let mut dtd = String::from("<!DOCTYPE rdf:RDF [\n<!ENTITY lol0 \"lol\">\n");
        for i in 1..10 {
            let refs = format!("&lol{};", i - 1).repeat(10);
            dtd.push_str(&format!("<!ENTITY lol{i} \"{refs}\">\n"));
        }
        dtd.push_str("]>\n<rdf:RDF>&lol9;</rdf:RDF>");
        assert!(check_entities(&dtd).is_err());
        let ordinary = "<!DOCTYPE rdf:RDF [ <!ENTITY xsd \"http://www.w3.org/2001/XMLSchema#\"> ]>\
            <rdf:RDF><x rdf:datatype=\"&xsd;date\">2020-01-01</x></rdf:RDF>";
        assert_eq!(check_entities(ordinary), Ok(()));
        let wide = format!(
            "<!DOCTYPE r [ <!ENTITY a \"{}\"> ]><r>{}</r>",
            "x".repeat(4000),
            "&a;".repeat(3000)
        );
        assert!(check_entities(&wide).is_err(), "12 MB from a 13 KB body");
        // Ways around a check that reads DOCTYPEs as the parser does (review of issue 11).
        for bypass in [
            "<!DOCTYPE r [<!ENTITY % a \"x\"><!ENTITY % b \"&a;&a;\">]><r>&b;</r>",
            "<!DOCTYPE r [<!ENTITY a \"x\"><!ENTITY a \"&b;&b;\">] ><r/>",
            "<!doctype r [<!ENTITY a \"x\"><!ENTITY b \"&a;&a;\">]><r/>",
            "<!-- <!DOCTYPE x []> --><!DOCTYPE r [<!ENTITY b \"&a;\">]><r/>",
            "<!DOCTYPE r <!ENTITY b \"&a;\">><r/>",
        ] {
            assert!(check_entities(bypass).is_err(), "{bypass}");
        }
        let many = format!(
            "<!DOCTYPE r [<!ENTITY a \"wxyz\">]><r>{}</r>",
            "&".repeat(1 << 22)
        );
        assert!(
            check_entities(&many).is_err(),
            "linear, and bounded by the references"
        );
    }
}
