//! Loading RDF files: parse everything first, then write, so a file with any error changes
//! nothing ("all or nothing").
//!
//! Triples from all files are merged (graph names in TriG/N-Quads input are ignored), split
//! into one graph per record by [`crate::records::partition`], and each record's graph is
//! replaced in one transaction. Blank nodes are renamed per file so that `_:b1` in two files
//! are two nodes.
pub mod bounds;

use crate::records;
use crate::store::{GraphWrite, Store};
use crate::validate::{RecordVerdict, judge};
use indicatif::{ProgressBar, ProgressStyle};
use oxigraph::io::{RdfFormat, RdfParseError, RdfParser};
use oxigraph::model::{Graph, NamedNode, Quad, Triple};
use std::io::{IsTerminal, Read};
use std::path::Path;

/// Why an import failed. Nothing was written in any case.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file cannot be read, or its extension names no RDF format (exit code 2).
    #[error("{0}")]
    Unreadable(String),
    /// The file is not valid RDF: where and why (exit code 2).
    #[error("{0}")]
    Syntax(String),
    /// The store failed.
    #[error("storage error: {0}")]
    Storage(#[from] oxigraph::store::StorageError),
    /// Some records are invalid (exit code 1); nothing was written.
    #[error("{} of {} records are invalid", .records.iter().filter(|r| !r.valid).count(), .records.len())]
    Invalid {
        report: String,
        records: Vec<RecordVerdict>,
    },
    /// A query on the store failed.
    #[error("query failed: {0}")]
    Query(#[from] oxigraph::sparql::QueryEvaluationError),
}

/// What an import did.
#[derive(Debug, Default)]
pub struct ImportSummary {
    pub files: usize,
    pub triples: usize,
    /// Typed records (catalogues, datasets, concepts, ...) among the graphs written.
    pub records: usize,
    /// Records kept as internal drafts (with `--as-drafts`); invalid other resources are
    /// kept as drafts too, but not counted here.
    pub drafts: usize,
    /// Graphs of resources that are not records (untyped IRIs nobody in the files links to).
    pub others: usize,
    /// Triples about terms of the shipped vocabularies, which are kept as shipped.
    pub ignored: usize,
    /// Per-record verdicts (empty for unvalidated loads).
    pub verdicts: Vec<RecordVerdict>,
}

/// The format a file's extension names.
pub fn format_of(path: &Path) -> Option<RdfFormat> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "ttl" => RdfFormat::Turtle,
        "trig" => RdfFormat::TriG,
        "nt" => RdfFormat::NTriples,
        "nq" => RdfFormat::NQuads,
        "rdf" | "owl" | "xml" => RdfFormat::RdfXml,
        "jsonld" | "json" => RdfFormat::JsonLd {
            profile: oxigraph::io::JsonLdProfileSet::empty(),
        },
        "n3" => RdfFormat::N3,
        _ => return None,
    })
}

/// Parses one file completely, with a progress bar on a terminal for large files.
pub fn read_file(path: &Path, base_iri: &str) -> Result<Vec<Triple>, ImportError> {
    let name = path.display().to_string();
    let format = format_of(path).ok_or_else(|| {
        ImportError::Unreadable(format!(
            "{name}: unknown extension; use .ttl .trig .nt .nq .rdf .jsonld"
        ))
    })?;
    let file =
        std::fs::File::open(path).map_err(|e| ImportError::Unreadable(format!("{name}: {e}")))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let bar = (std::io::stderr().is_terminal() && size > 8 * 1024 * 1024).then(|| {
        let bar = ProgressBar::new(size);
        bar.set_style(
            ProgressStyle::with_template("{msg} [{bar:40}] {bytes}/{total_bytes} {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar.set_message(name.clone());
        bar
    });
    let reader = Progress {
        inner: file,
        bar: bar.clone(),
    };
    let text_for_errors = || std::fs::read_to_string(path).unwrap_or_default();
    parse(reader, format, base_iri, &name, text_for_errors)
}

/// Parses RDF from a reader; `source` lazily gives the text for error messages.
pub fn parse(
    reader: impl Read,
    format: RdfFormat,
    base_iri: &str,
    name: &str,
    source: impl Fn() -> String,
) -> Result<Vec<Triple>, ImportError> {
    let parser = RdfParser::from_format(format)
        .with_base_iri(base_iri)
        .map_err(|e| ImportError::Unreadable(format!("invalid base IRI: {e}")))?
        .rename_blank_nodes();
    let mut triples = Vec::new();
    // RDF/XML is read whole so that `xml:lang=""` can be rewritten (see `legacy`).
    let mut xml = String::new();
    let reader: Box<dyn Read + '_> = match format {
        RdfFormat::RdfXml => {
            let mut reader = reader;
            reader
                .read_to_string(&mut xml)
                .map_err(|e| ImportError::Unreadable(format!("{name}: {e}")))?;
            bounds::check_entities(&xml)
                .map_err(|e| ImportError::Syntax(format!("{name}: {e}")))?;
            if let std::borrow::Cow::Owned(fixed) = crate::legacy::rdfxml_empty_lang(&xml) {
                xml = fixed;
            }
            Box::new(xml.as_bytes())
        }
        RdfFormat::JsonLd { .. } => Box::new(bounds::Nesting::new(reader, bounds::Syntax::Json)),
        _ => Box::new(bounds::Nesting::new(reader, bounds::Syntax::Turtle)),
    };
    for quad in parser.for_reader(reader) {
        match quad {
            Ok(q) => triples.push(Triple::from(q)),
            // The bounds' refusals come through the reader.
            Err(RdfParseError::Io(e)) if e.kind() == std::io::ErrorKind::InvalidData => {
                return Err(ImportError::Syntax(format!("{name}: {e}")));
            }
            Err(RdfParseError::Io(e)) => {
                return Err(ImportError::Unreadable(format!("{name}: {e}")));
            }
            Err(RdfParseError::Syntax(e)) => {
                let text = source();
                // The RDF/XML parser gives no position; its message quotes the offending text,
                // so find that instead.
                let at = e
                    .location()
                    .map(|l| (l.start.line as usize, l.start.column as usize))
                    .or_else(|| quoted(&e.to_string()).and_then(|q| position_of(&text, q)));
                let msg = match at {
                    Some((line_no, column)) => {
                        let line = text.lines().nth(line_no).unwrap_or_default();
                        format!(
                            "{name}:{}:{}: {e}\n  | {}",
                            line_no + 1,
                            column + 1,
                            line.trim_end()
                        )
                    }
                    None => format!("{name}: {e}"),
                };
                return Err(ImportError::Syntax(msg));
            }
        }
    }
    Ok(triples)
}

/// The first non-empty '…' quotation in a parser message.
fn quoted(message: &str) -> Option<&str> {
    let start = message.find('\'')? + 1;
    let len = message[start..].find('\'')?;
    (len > 0).then(|| &message[start..start + len])
}

/// Zero-based line and column (in characters) of the first occurrence of `needle`.
fn position_of(text: &str, needle: &str) -> Option<(usize, usize)> {
    let at = text.find(needle)?;
    let before = &text[..at];
    let line = before.matches('\n').count();
    let column = before[before.rfind('\n').map_or(0, |i| i + 1)..]
        .chars()
        .count();
    Some((line, column))
}

/// Imports `files`: everything is parsed and validated before anything is written.
///
/// Without `as_drafts`, one invalid record (a Violation from our shapes) stops the whole
/// import ([`ImportError::Invalid`]). With `as_drafts`, valid records become public and each
/// invalid one is kept as an internal draft with its validation report. Warnings never
/// block: a record with Warnings only is imported, its report kept with it.
pub fn import_files(
    store: &Store,
    files: &[impl AsRef<Path>],
    base_url: &str,
    as_drafts: bool,
) -> Result<ImportSummary, ImportError> {
    let base_iri = format!("{base_url}/");
    let mut triples = Vec::new();
    for f in files {
        triples.extend(read_file(f.as_ref(), &base_iri)?);
    }
    // Harvesters fail on a whole catalogue whose RDF/XML cannot be written.
    let mut unsplittable: Vec<&str> = triples
        .iter()
        .map(|t| t.predicate.as_str())
        .filter(|p| !crate::rdf::splittable(p))
        .collect();
    unsplittable.sort_unstable();
    unsplittable.dedup();
    if !unsplittable.is_empty() {
        return Err(ImportError::Syntax(format!(
            "these predicates cannot be written in RDF/XML (their IRI must end in a name), so \
             harvesters would fail on the catalogue: <{}>",
            unsplittable.join(">, <")
        )));
    }
    // Legacy catalogues often restate EU vocabulary terms; the shipped tables stay the truth.
    let validator = crate::validate::Validator::ours();
    let before = triples.len();
    triples.retain(|t| !validator.is_reference(&t.subject.clone().into()));
    let ignored = before - triples.len();
    let part = records::partition(triples);
    let verdicts = judge(store, &part, "nb")?;
    let invalid: Vec<&RecordVerdict> = verdicts.iter().filter(|v| !v.valid).collect();
    if !invalid.is_empty() && !as_drafts {
        return Err(ImportError::Invalid {
            report: report_turtle(&invalid),
            records: verdicts,
        });
    }
    let mut public = Vec::new();
    let mut internal = Vec::new();
    let count = part.graphs.values().map(Vec::len).sum::<usize>() + part.orphans.len();
    if !part.orphans.is_empty() {
        public.push(unlinked(store, &part.orphans, base_url)?);
    }
    let mut by_record: std::collections::HashMap<NamedNode, &RecordVerdict> =
        verdicts.iter().map(|v| (v.record.clone(), v)).collect();
    for (graph, triples) in part.graphs {
        match by_record.remove(&graph) {
            Some(v) if !v.valid => {
                let report_graph = crate::store::draft_report_graph(&graph);
                internal.push(GraphWrite::replace(graph, triples));
                internal.push(GraphWrite::replace(report_graph, v.report.iter().cloned()));
            }
            Some(v) if v.warnings > 0 => {
                let report_graph = crate::store::draft_report_graph(&graph);
                public.push(GraphWrite::replace(graph, triples));
                internal.push(GraphWrite::replace(report_graph, v.report.iter().cloned()));
            }
            _ => public.push(GraphWrite::replace(graph, triples)),
        }
    }
    store.write(public, internal)?;
    let records = verdicts.iter().filter(|v| v.is_record).count();
    Ok(ImportSummary {
        files: files.len(),
        triples: count,
        records,
        drafts: invalid.iter().filter(|v| v.is_record).count(),
        others: verdicts.len() - records,
        ignored,
        verdicts,
    })
}

fn report_turtle(invalid: &[&RecordVerdict]) -> String {
    let mut g = Graph::new();
    for v in invalid {
        for t in &v.report {
            g.insert(t);
        }
    }
    let mut ser = crate::rdf::serializer(RdfFormat::Turtle).for_writer(Vec::new());
    for t in g.iter() {
        let _ = ser.serialize_triple(t);
    }
    ser.finish()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default()
}

/// Blank nodes nobody links to: kept in one public graph, so nothing given is lost.
fn unlinked(store: &Store, orphans: &[Triple], base_url: &str) -> Result<GraphWrite, ImportError> {
    let graph = NamedNode::new_unchecked(format!("{base_url}/graphs/unlinked"));
    let mut quads: Vec<Quad> = store
        .public
        .quads_for_pattern(None, None, None, Some(graph.as_ref().into()))
        .collect::<Result<_, _>>()?;
    quads.extend(orphans.iter().cloned().map(|t| t.in_graph(graph.clone())));
    Ok(GraphWrite {
        graph,
        quads: Some(quads),
    })
}

/// Writes already-parsed triples as public records (shared by import, demo and ontology).
pub fn load(
    store: &Store,
    triples: Vec<Triple>,
    base_url: &str,
) -> Result<ImportSummary, ImportError> {
    let count = triples.len();
    let part = records::partition(triples);
    let records = part.graphs.len();
    let mut writes: Vec<GraphWrite> = Vec::new();
    if !part.orphans.is_empty() {
        writes.push(unlinked(store, &part.orphans, base_url)?);
    }
    for (graph, triples) in part.graphs {
        writes.push(GraphWrite::replace(graph, triples));
    }
    store.write(writes, Vec::new())?;
    Ok(ImportSummary {
        triples: count,
        records,
        ..Default::default()
    })
}

/// A reader that advances a progress bar.
struct Progress<R> {
    inner: R,
    bar: Option<ProgressBar>,
}

impl<R: Read> Read for Progress<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(bar) = &self.bar {
            bar.inc(n as u64);
            if n == 0 {
                bar.finish_and_clear();
            }
        }
        Ok(n)
    }
}
