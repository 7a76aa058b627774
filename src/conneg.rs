//! Content negotiation: the one place that knows media types.
//!
//! [`Format`] owns every media type, alias and `?format=` name we serve. [`negotiate`]
//! implements the rules of RFC 9110 §12.5.1 the way Oxigraph's server does: for each format we
//! can produce, the most specific matching media range gives its quality; the highest quality
//! wins and ties go to the order the caller lists (its preference). `q=0` excludes.
use oxigraph::io::{JsonLdProfileSet, RdfFormat};
use oxigraph::sparql::results::QueryResultsFormat;

/// Every representation the server produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Html,
    Turtle,
    JsonLd,
    RdfXml,
    NTriples,
    NQuads,
    TriG,
    N3,
    /// RDF 1.1 JSON Alternate Serialization (written by `rdf::rdfjson`).
    RdfJson,
    /// TriX (written by `rdf::trix`).
    TriX,
    SparqlJson,
    SparqlXml,
    Csv,
    Tsv,
    Json,
}

impl Format {
    /// The canonical media type, as sent in `Content-Type` (with `; charset=utf-8` for text).
    pub fn media_type(self) -> &'static str {
        self.media_types()[0]
    }

    /// Media types that select this format; the first is canonical.
    pub fn media_types(self) -> &'static [&'static str] {
        match self {
            Self::Html => &["text/html", "application/xhtml+xml"],
            Self::Turtle => &["text/turtle", "application/x-turtle", "text/ttl"],
            Self::JsonLd => &["application/ld+json"],
            Self::RdfXml => &["application/rdf+xml"],
            Self::NTriples => &["application/n-triples", "text/plain"],
            Self::NQuads => &["application/n-quads"],
            Self::TriG => &["application/trig", "application/x-trig"],
            Self::N3 => &["text/n3"],
            Self::RdfJson => &["application/rdf+json"],
            Self::TriX => &["application/trix", "application/trix+xml"],
            Self::SparqlJson => &["application/sparql-results+json", "application/json"],
            Self::SparqlXml => &[
                "application/sparql-results+xml",
                "application/xml",
                "text/xml",
            ],
            Self::Csv => &["text/csv"],
            Self::Tsv => &["text/tab-separated-values"],
            Self::Json => &["application/json"],
        }
    }

    /// `Content-Type` header value.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Html => "text/html; charset=utf-8",
            Self::Turtle => "text/turtle; charset=utf-8",
            Self::NTriples => "application/n-triples; charset=utf-8",
            Self::Csv => "text/csv; charset=utf-8",
            Self::Tsv => "text/tab-separated-values; charset=utf-8",
            Self::N3 => "text/n3; charset=utf-8",
            other => other.media_type(),
        }
    }

    /// Names accepted by `?format=` (and file extensions).
    pub fn names(self) -> &'static [&'static str] {
        match self {
            Self::Html => &["html"],
            Self::Turtle => &["ttl", "turtle"],
            Self::JsonLd => &["jsonld", "json-ld"],
            Self::RdfXml => &["rdf", "xml", "rdfxml"],
            Self::NTriples => &["nt", "ntriples"],
            Self::NQuads => &["nq", "nquads"],
            Self::TriG => &["trig"],
            Self::N3 => &["n3"],
            Self::RdfJson => &["rj", "rdfjson"],
            Self::TriX => &["trix"],
            Self::SparqlJson => &["json", "srj"],
            Self::SparqlXml => &["xml", "srx"],
            Self::Csv => &["csv"],
            Self::Tsv => &["tsv"],
            Self::Json => &["json"],
        }
    }

    /// The Oxigraph RDF format, for graph formats.
    pub fn rdf_format(self) -> Option<RdfFormat> {
        Some(match self {
            Self::Turtle => RdfFormat::Turtle,
            Self::JsonLd => RdfFormat::JsonLd {
                profile: JsonLdProfileSet::empty(),
            },
            Self::RdfXml => RdfFormat::RdfXml,
            Self::NTriples => RdfFormat::NTriples,
            Self::NQuads => RdfFormat::NQuads,
            Self::TriG => RdfFormat::TriG,
            Self::N3 => RdfFormat::N3,
            _ => return None,
        })
    }

    /// The SPARQL results format, for solution and boolean results.
    pub fn results_format(self) -> Option<QueryResultsFormat> {
        Some(match self {
            Self::SparqlJson => QueryResultsFormat::Json,
            Self::SparqlXml => QueryResultsFormat::Xml,
            Self::Csv => QueryResultsFormat::Csv,
            Self::Tsv => QueryResultsFormat::Tsv,
            _ => return None,
        })
    }
}

/// Graph formats offered for records and CONSTRUCT/DESCRIBE results, in preference order.
pub const RDF_FORMATS: &[Format] = &[
    Format::Turtle,
    Format::JsonLd,
    Format::RdfXml,
    Format::NTriples,
    Format::NQuads,
    Format::TriG,
    Format::N3,
];

/// Harvest documents come in every format Felles datakatalog can register for a source:
/// the graph formats, RDF/JSON and TriX.
pub const HARVEST_FORMATS: &[Format] = &[
    Format::Turtle,
    Format::JsonLd,
    Format::RdfXml,
    Format::NTriples,
    Format::NQuads,
    Format::TriG,
    Format::N3,
    Format::RdfJson,
    Format::TriX,
];

/// Formats of SELECT and ASK results, in preference order.
pub const RESULTS_FORMATS: &[Format] = &[
    Format::SparqlJson,
    Format::SparqlXml,
    Format::Csv,
    Format::Tsv,
];

/// Why negotiation failed: the caller answers `406` listing `supported`.
#[derive(Debug)]
pub struct NotAcceptable {
    pub supported: Vec<&'static str>,
}

/// Picks the format for a response.
///
/// `format_param` (`?format=`) beats `Accept`; an unknown name is refused like an unsatisfiable
/// `Accept`. No `Accept`, or an empty one, gives `supported[0]`.
pub fn negotiate(
    accept: Option<&str>,
    format_param: Option<&str>,
    supported: &[Format],
) -> Result<Format, NotAcceptable> {
    let refuse = || NotAcceptable {
        supported: supported.iter().map(|f| f.media_type()).collect(),
    };
    if let Some(name) = format_param {
        let name = name.trim().to_ascii_lowercase();
        return supported
            .iter()
            .copied()
            .find(|f| {
                f.names().contains(&name.as_str()) || f.media_types().contains(&name.as_str())
            })
            .ok_or_else(refuse);
    }
    let accept = accept.map(str::trim).unwrap_or_default();
    if accept.is_empty() {
        return supported.first().copied().ok_or_else(refuse);
    }
    let ranges: Vec<MediaRange<'_>> = accept.split(',').filter_map(MediaRange::parse).collect();
    let mut best: Option<(f32, Format)> = None;
    for &format in supported {
        // The most specific range matching any of the format's media types decides its q.
        let q = format
            .media_types()
            .iter()
            .filter_map(|mt| {
                ranges
                    .iter()
                    .filter_map(|r| r.specificity(mt).map(|s| (s, r.q)))
                    .max_by(|a, b| a.0.cmp(&b.0))
            })
            .max_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)))
            .map(|(_, q)| q);
        if let Some(q) = q.filter(|q| *q > 0.0) {
            if best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, format));
            }
        }
    }
    best.map(|(_, f)| f).ok_or_else(refuse)
}

/// Whether `text/html` is what the client wants most (a browser), among `others`.
///
/// HTML must be named (`text/html` or `application/xhtml+xml`): `*/*` alone means a program
/// that takes anything, and gets the first of `others`.
pub fn prefers_html(accept: Option<&str>, others: &[Format]) -> bool {
    let Some(accept) = accept.filter(|a| !a.trim().is_empty()) else {
        return false;
    };
    let named = accept.split(',').filter_map(MediaRange::parse).any(|r| {
        r.q > 0.0
            && Format::Html
                .media_types()
                .iter()
                .any(|mt| r.specificity(mt) == Some(2))
    });
    let mut all = vec![Format::Html];
    all.extend_from_slice(others);
    named && matches!(negotiate(Some(accept), None, &all), Ok(Format::Html))
}

/// The UI and report language for an `Accept-Language` header: `nb`, `nn` or `en`, by the
/// highest q-value (ties: the header's order); `no` and unknown languages give `nb`.
pub fn language(accept_language: Option<&str>) -> &'static str {
    let mut best: Option<(f32, &'static str)> = None;
    for item in accept_language.unwrap_or_default().split(',') {
        let mut parts = item.split(';');
        let tag = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|v| v.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        let primary = tag.split('-').next().unwrap_or_default();
        let lang = match primary {
            "nb" | "no" => "nb",
            "nn" => "nn",
            "en" => "en",
            _ => continue,
        };
        if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
            best = Some((q, lang));
        }
    }
    best.map_or("nb", |(_, l)| l)
}

struct MediaRange<'a> {
    kind: &'a str,
    subtype: &'a str,
    q: f32,
    charset_ok: bool,
}

impl<'a> MediaRange<'a> {
    fn parse(s: &'a str) -> Option<Self> {
        let mut parts = s.split(';');
        let (kind, subtype) = parts.next()?.trim().split_once('/')?;
        let mut q = 1.0;
        let mut charset_ok = true;
        for p in parts {
            let Some((k, v)) = p.split_once('=') else {
                continue;
            };
            match k.trim().to_ascii_lowercase().as_str() {
                "q" => {
                    q = v
                        .trim()
                        .parse::<f32>()
                        .ok()
                        .filter(|q| (0.0..=1.0).contains(q))?
                }
                // We only ever write UTF-8.
                "charset" => charset_ok = v.trim().trim_matches('"').eq_ignore_ascii_case("utf-8"),
                _ => {}
            }
        }
        Some(Self {
            kind: kind.trim(),
            subtype: subtype.trim(),
            q,
            charset_ok,
        })
    }

    /// 0 for `*/*`, 1 for `type/*`, 2 for an exact match; `None` if it does not match.
    fn specificity(&self, media_type: &str) -> Option<u8> {
        if !self.charset_ok {
            return None;
        }
        let (kind, subtype) = media_type.split_once('/')?;
        match (self.kind, self.subtype) {
            ("*", "*") => Some(0),
            (k, "*") if k.eq_ignore_ascii_case(kind) => Some(1),
            (k, s) if k.eq_ignore_ascii_case(kind) && s.eq_ignore_ascii_case(subtype) => Some(2),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHROME: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7";

    #[test]
    fn chrome_gets_html_and_star_gets_default() {
        let mut all = vec![Format::Html];
        all.extend_from_slice(RDF_FORMATS);
        assert_eq!(negotiate(Some(CHROME), None, &all).unwrap(), Format::Html);
        assert_eq!(
            negotiate(Some("*/*"), None, RDF_FORMATS).unwrap(),
            Format::Turtle
        );
        assert_eq!(negotiate(None, None, RDF_FORMATS).unwrap(), Format::Turtle);
    }

    #[test]
    fn q_values_and_specificity() {
        let got = negotiate(
            Some("text/turtle;q=0.5, application/ld+json"),
            None,
            RDF_FORMATS,
        );
        assert_eq!(got.unwrap(), Format::JsonLd);
        // The exact range's q=0 beats the wildcard's q=1.
        let got = negotiate(Some("*/*, text/turtle;q=0"), None, RDF_FORMATS);
        assert_eq!(got.unwrap(), Format::JsonLd);
        assert!(negotiate(Some("image/png"), None, RDF_FORMATS).is_err());
        assert!(negotiate(Some("text/turtle;charset=latin1"), None, RDF_FORMATS).is_err());
    }

    #[test]
    fn html_only_when_named() {
        assert!(prefers_html(Some(CHROME), RDF_FORMATS));
        assert!(!prefers_html(Some("*/*"), RDF_FORMATS));
        assert!(!prefers_html(None, RDF_FORMATS));
        assert!(!prefers_html(
            Some("text/html;q=0.5, text/turtle"),
            RDF_FORMATS
        ));
        assert!(prefers_html(Some("text/html, */*;q=0.1"), RDF_FORMATS));
    }

    #[test]
    fn languages() {
        assert_eq!(language(None), "nb");
        assert_eq!(language(Some("en-GB,en;q=0.9")), "en");
        assert_eq!(language(Some("nn-NO, nb;q=0.9, en;q=0.8")), "nn");
        assert_eq!(language(Some("de, en;q=0.5, nb;q=0.7")), "nb");
        assert_eq!(language(Some("no")), "nb");
        assert_eq!(language(Some("fr, en;q=0")), "nb");
    }

    #[test]
    fn format_parameter_wins() {
        let got = negotiate(Some("text/turtle"), Some("nt"), RDF_FORMATS);
        assert_eq!(got.unwrap(), Format::NTriples);
        assert!(negotiate(None, Some("docx"), RDF_FORMATS).is_err());
    }
}
