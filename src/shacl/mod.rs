//! SHACL Core validation, written for the Norwegian application profiles.
//!
//! We evaluated rudof's `shacl` crate: it pulls in ~300 crates and turns on Oxigraph's
//! `http-client` feature (which would let SERVICE reach the network). The official shapes
//! need SHACL Core only, so this module implements it: targets, all property paths, every
//! Core constraint component (including qualified value shapes, `sh:or/and/xone/not`,
//! `sh:closed`), severities and messages. Unknown predicates are ignored, as pySHACL does.
//!
//! - [`shapes`]: compiles a shapes graph into indexed [`shapes::Shape`]s.
//! - [`engine`]: evaluates them on an in-memory data graph ([`data::DataGraph`]).
//! - [`Report`]: the results, as a standard `sh:ValidationReport` graph.
pub mod data;
pub mod engine;
mod lists;
pub mod shapes;
mod values;

use oxigraph::model::vocab::{rdf, xsd};
use oxigraph::model::{
    BlankNode, Graph, Literal, NamedNode, NamedOrBlankNode, Term, TermRef, Triple,
};
use shapes::sh;

/// One `sh:ValidationResult`.
#[derive(Debug, Clone)]
pub struct ValidationResult {
    pub focus: Term,
    /// `sh:resultPath`: the shape's path node (or the predicate, for `sh:closed`).
    pub path: Option<Term>,
    pub value: Option<Term>,
    pub source_shape: Term,
    pub component: NamedNode,
    pub severity: NamedNode,
    /// Every `sh:message` of the shape; [`Report::to_graph`] picks one language.
    pub messages: Vec<Literal>,
}

impl ValidationResult {
    pub fn is_violation_or_warning(&self) -> bool {
        self.severity == sh("Violation") || self.severity == sh("Warning")
    }
}

/// The outcome of a validation.
#[derive(Debug, Default)]
pub struct Report {
    pub results: Vec<ValidationResult>,
}

impl Report {
    /// `sh:conforms`: no result at all (SHACL §3.6.2).
    pub fn conforms(&self) -> bool {
        self.results.is_empty()
    }

    /// No Violation or Warning (Info results allowed): what writes and `validate` require.
    pub fn acceptable(&self) -> bool {
        !self
            .results
            .iter()
            .any(ValidationResult::is_violation_or_warning)
    }

    /// The report as RDF. Messages in `lang` (`nb`, `nn`, `en`) are preferred, then nb, then
    /// any; paths are copied from the shapes graph so that `sh:resultPath` is complete.
    pub fn to_graph(&self, shapes_graph: Option<&Graph>, lang: &str) -> Graph {
        let mut g = Graph::new();
        let report = BlankNode::default();
        g.insert(&Triple::new(
            report.clone(),
            rdf::TYPE,
            sh("ValidationReport"),
        ));
        let conforms = Literal::new_typed_literal(
            if self.conforms() { "true" } else { "false" },
            xsd::BOOLEAN,
        );
        g.insert(&Triple::new(report.clone(), sh("conforms"), conforms));
        for r in &self.results {
            let node = BlankNode::default();
            g.insert(&Triple::new(report.clone(), sh("result"), node.clone()));
            g.insert(&Triple::new(
                node.clone(),
                rdf::TYPE,
                sh("ValidationResult"),
            ));
            g.insert(&Triple::new(node.clone(), sh("focusNode"), r.focus.clone()));
            g.insert(&Triple::new(
                node.clone(),
                sh("resultSeverity"),
                r.severity.clone(),
            ));
            g.insert(&Triple::new(
                node.clone(),
                sh("sourceConstraintComponent"),
                r.component.clone(),
            ));
            g.insert(&Triple::new(
                node.clone(),
                sh("sourceShape"),
                r.source_shape.clone(),
            ));
            if let Some(v) = &r.value {
                g.insert(&Triple::new(node.clone(), sh("value"), v.clone()));
            }
            if let Some(p) = &r.path {
                g.insert(&Triple::new(node.clone(), sh("resultPath"), p.clone()));
                if let (Some(shapes), Term::BlankNode(_)) = (shapes_graph, p) {
                    copy_closure(shapes, p, &mut g);
                }
            }
            if let Some(m) = pick_message(&r.messages, lang) {
                g.insert(&Triple::new(node.clone(), sh("resultMessage"), m.clone()));
            }
        }
        g
    }
}

fn pick_message<'a>(messages: &'a [Literal], lang: &str) -> Option<&'a Literal> {
    let with = |l: &str| {
        messages
            .iter()
            .find(|m| m.language().is_some_and(|x| x.eq_ignore_ascii_case(l)))
    };
    with(lang)
        .or_else(|| with("nb"))
        .or_else(|| with("no"))
        .or_else(|| messages.first())
}

/// Copies the triples of a blank-node structure (a path expression) from `from` into `to`.
fn copy_closure(from: &Graph, node: &Term, to: &mut Graph) {
    let mut stack = vec![node.clone()];
    while let Some(t) = stack.pop() {
        let s: NamedOrBlankNode = match &t {
            Term::BlankNode(b) => b.clone().into(),
            _ => continue,
        };
        for triple in from.triples_for_subject(&s) {
            if to.insert(triple) {
                if let TermRef::BlankNode(_) = triple.object {
                    stack.push(triple.object.into_owned());
                }
            }
        }
    }
}

/// Parses shapes from Turtle texts and compiles them.
pub fn compile_turtle(texts: &[&str]) -> Result<shapes::Shapes, shapes::ShapesError> {
    let mut graph = Graph::new();
    for text in texts {
        for t in oxigraph::io::RdfParser::from_format(oxigraph::io::RdfFormat::Turtle)
            .for_slice(text.as_bytes())
        {
            let q = t.map_err(|e| shapes::ShapesError(e.to_string()))?;
            graph.insert(&Triple::from(q));
        }
    }
    shapes::Shapes::compile(graph)
}

/// Validates `data` against `shapes`.
pub fn validate(shapes: &shapes::Shapes, data: &Graph) -> Report {
    engine::validate(shapes, &data::DataGraph::from_refs(data))
}
