//! Loading RDF files: parse everything first, then write, so a file with any error changes
//! nothing ("all or nothing").
//!
//! Triples from all files are merged (graph names in TriG/N-Quads input are ignored), split
//! into one graph per record by [`crate::records::partition`], and each record's graph is
//! replaced in one transaction. Blank nodes are renamed per file so that `_:b1` in two files
//! are two nodes.
use crate::records;
use crate::store::{GraphWrite, Store};
use indicatif::{ProgressBar, ProgressStyle};
use oxigraph::io::{RdfFormat, RdfParseError, RdfParser};
use oxigraph::model::{NamedNode, Triple};
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
    /// A query on the store failed.
    #[error("query failed: {0}")]
    Query(#[from] oxigraph::sparql::QueryEvaluationError),
}

/// What an import did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub files: usize,
    pub triples: usize,
    pub records: usize,
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
    for quad in parser.for_reader(reader) {
        match quad {
            Ok(q) => triples.push(Triple::from(q)),
            Err(RdfParseError::Io(e)) => {
                return Err(ImportError::Unreadable(format!("{name}: {e}")));
            }
            Err(RdfParseError::Syntax(e)) => {
                let mut msg = format!("{name}: {e}");
                if let Some(loc) = e.location() {
                    let line_no = loc.start.line as usize; // zero-based
                    msg = format!("{name}:{}:{}: {e}", line_no + 1, loc.start.column + 1);
                    if let Some(line) = source().lines().nth(line_no) {
                        msg.push_str(&format!("\n  | {}", line.trim_end()));
                    }
                }
                return Err(ImportError::Syntax(msg));
            }
        }
    }
    Ok(triples)
}

/// Imports `files` into the public store: all parsed first, then one write.
pub fn import_files(
    store: &Store,
    files: &[impl AsRef<Path>],
    base_url: &str,
) -> Result<ImportSummary, ImportError> {
    let base_iri = format!("{base_url}/");
    let mut triples = Vec::new();
    for f in files {
        triples.extend(read_file(f.as_ref(), &base_iri)?);
    }
    let mut summary = load(store, triples, base_url)?;
    summary.files = files.len();
    Ok(summary)
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
        // Blank nodes nobody links to: kept, in one graph, so nothing given is lost.
        let graph = NamedNode::new_unchecked(format!("{base_url}/graphs/unlinked"));
        let mut quads: Vec<_> = store
            .public
            .quads_for_pattern(None, None, None, Some(graph.as_ref().into()))
            .collect::<Result<_, _>>()?;
        quads.extend(
            part.orphans
                .iter()
                .cloned()
                .map(|t| t.in_graph(graph.clone())),
        );
        writes.push(GraphWrite {
            graph,
            quads: Some(quads),
        });
    }
    for (graph, triples) in part.graphs {
        let quads = triples
            .into_iter()
            .map(|t| t.in_graph(graph.clone()))
            .collect();
        writes.push(GraphWrite {
            graph,
            quads: Some(quads),
        });
    }
    store.write(writes, Vec::new())?;
    Ok(ImportSummary {
        files: 0,
        triples: count,
        records,
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
