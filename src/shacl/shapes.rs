//! Compiling a SHACL shapes graph into [`Shape`]s (SHACL Core only).
//!
//! Unknown predicates are ignored, as pySHACL does: the official shapes contain typos such as
//! `sh:targetSUbjectOf`, `sh:patern` and `sh:MinCount` that a validator must pass over.
pub use super::lists::{Path, SH, ShapesError, rdf_list, sh};
use super::lists::{literal_usize, parse_path, subject};
use oxigraph::model::vocab::{rdf, rdfs};
use oxigraph::model::{Graph, Literal, NamedNode, Term, TermRef};
use std::collections::HashMap;

/// A compiled shape. Shapes refer to each other by index into [`Shapes::all`].
#[derive(Debug)]
pub struct Shape {
    /// The shape's node in the shapes graph (`sh:sourceShape` of results).
    pub id: Term,
    pub targets: Vec<Target>,
    /// `Some` for a property shape.
    pub path: Option<Path>,
    /// The path's node in the shapes graph (copied into reports as `sh:resultPath`).
    pub path_term: Option<Term>,
    pub severity: NamedNode,
    pub messages: Vec<Literal>,
    pub deactivated: bool,
    pub constraints: Vec<Constraint>,
}

#[derive(Debug)]
pub enum Target {
    Class(Term),
    Node(Term),
    SubjectsOf(NamedNode),
    ObjectsOf(NamedNode),
}

#[derive(Debug)]
pub enum Constraint {
    Class(Term),
    Datatype(NamedNode),
    NodeKind(NamedNode),
    MinCount(usize),
    MaxCount(usize),
    MinExclusive(Literal),
    MinInclusive(Literal),
    MaxExclusive(Literal),
    MaxInclusive(Literal),
    MinLength(usize),
    MaxLength(usize),
    Pattern(regex::Regex),
    LanguageIn(Vec<String>),
    UniqueLang,
    Equals(NamedNode),
    Disjoint(NamedNode),
    LessThan(NamedNode),
    LessThanOrEquals(NamedNode),
    Not(usize),
    And(Vec<usize>),
    Or(Vec<usize>),
    Xone(Vec<usize>),
    Node(usize),
    Property(usize),
    Qualified {
        shape: usize,
        min: Option<usize>,
        max: Option<usize>,
        siblings: Vec<usize>,
    },
    Closed {
        allowed: Vec<NamedNode>,
    },
    HasValue(Term),
    In(Vec<Term>),
}

impl Constraint {
    /// The constraint component IRI, for `sh:sourceConstraintComponent`.
    pub fn component(&self) -> NamedNode {
        sh(match self {
            Self::Class(_) => "ClassConstraintComponent",
            Self::Datatype(_) => "DatatypeConstraintComponent",
            Self::NodeKind(_) => "NodeKindConstraintComponent",
            Self::MinCount(_) => "MinCountConstraintComponent",
            Self::MaxCount(_) => "MaxCountConstraintComponent",
            Self::MinExclusive(_) => "MinExclusiveConstraintComponent",
            Self::MinInclusive(_) => "MinInclusiveConstraintComponent",
            Self::MaxExclusive(_) => "MaxExclusiveConstraintComponent",
            Self::MaxInclusive(_) => "MaxInclusiveConstraintComponent",
            Self::MinLength(_) => "MinLengthConstraintComponent",
            Self::MaxLength(_) => "MaxLengthConstraintComponent",
            Self::Pattern(_) => "PatternConstraintComponent",
            Self::LanguageIn(_) => "LanguageInConstraintComponent",
            Self::UniqueLang => "UniqueLangConstraintComponent",
            Self::Equals(_) => "EqualsConstraintComponent",
            Self::Disjoint(_) => "DisjointConstraintComponent",
            Self::LessThan(_) => "LessThanConstraintComponent",
            Self::LessThanOrEquals(_) => "LessThanOrEqualsConstraintComponent",
            Self::Not(_) => "NotConstraintComponent",
            Self::And(_) => "AndConstraintComponent",
            Self::Or(_) => "OrConstraintComponent",
            Self::Xone(_) => "XoneConstraintComponent",
            Self::Node(_) => "NodeConstraintComponent",
            Self::Property(_) => "PropertyConstraintComponent",
            Self::Qualified { min: Some(_), .. } => "QualifiedMinCountConstraintComponent",
            Self::Qualified { .. } => "QualifiedMaxCountConstraintComponent",
            Self::Closed { .. } => "ClosedConstraintComponent",
            Self::HasValue(_) => "HasValueConstraintComponent",
            Self::In(_) => "InConstraintComponent",
        })
    }
}

/// Every shape of a shapes graph, plus the graph itself (for copying paths into reports).
#[derive(Debug)]
pub struct Shapes {
    pub all: Vec<Shape>,
    pub graph: Graph,
}

impl Shapes {
    /// Compiles every shape in `graph`: nodes typed `sh:NodeShape`/`sh:PropertyShape`, nodes
    /// with a target or a path, and every shape they reference.
    pub fn compile(graph: Graph) -> Result<Self, ShapesError> {
        let mut compiler = Compiler {
            graph: &graph,
            index: HashMap::new(),
            shapes: Vec::new(),
        };
        let mut roots: Vec<Term> = Vec::new();
        for class in ["NodeShape", "PropertyShape"] {
            let class = sh(class);
            roots.extend(
                graph
                    .subjects_for_predicate_object(rdf::TYPE, &class)
                    .map(|s| Term::from(s.into_owned())),
            );
        }
        for p in [
            "targetClass",
            "targetNode",
            "targetSubjectsOf",
            "targetObjectsOf",
            "path",
        ] {
            let p = sh(p);
            roots.extend(
                graph
                    .triples_for_predicate(&p)
                    .map(|t| Term::from(t.subject.into_owned())),
            );
        }
        roots.sort_by_key(Term::to_string);
        roots.dedup();
        for r in roots {
            compiler.shape(&r)?;
        }
        let shapes = compiler
            .shapes
            .into_iter()
            .map(|s| s.expect("every reserved shape is filled"))
            .collect();
        Ok(Self { all: shapes, graph })
    }
}

struct Compiler<'a> {
    graph: &'a Graph,
    index: HashMap<Term, usize>,
    shapes: Vec<Option<Shape>>,
}

impl Compiler<'_> {
    fn objects(&self, s: &Term, p: &str) -> Vec<Term> {
        let Some(s) = subject(s) else {
            return Vec::new();
        };
        let p = sh(p);
        self.graph
            .objects_for_subject_predicate(s, &p)
            .map(TermRef::into_owned)
            .collect()
    }

    fn one(&self, s: &Term, p: &str) -> Option<Term> {
        self.objects(s, p).into_iter().next()
    }

    fn shape(&mut self, id: &Term) -> Result<usize, ShapesError> {
        if let Some(&i) = self.index.get(id) {
            return Ok(i);
        }
        let i = self.shapes.len();
        self.index.insert(id.clone(), i);
        self.shapes.push(None); // reserved: recursive references resolve to `i`
        let shape = self.build(id)?;
        self.shapes[i] = Some(shape);
        Ok(i)
    }

    fn shape_list(&mut self, list: &Term) -> Result<Vec<usize>, ShapesError> {
        rdf_list(self.graph, list)
            .iter()
            .map(|t| self.shape(t))
            .collect()
    }

    fn build(&mut self, id: &Term) -> Result<Shape, ShapesError> {
        let mut targets = Vec::new();
        for t in self.objects(id, "targetClass") {
            targets.push(Target::Class(t));
        }
        // An rdfs:Class that is also a shape targets its own instances (implicit class target).
        if let Some(s) = subject(id) {
            if self
                .graph
                .contains(oxigraph::model::TripleRef::new(s, rdf::TYPE, rdfs::CLASS))
            {
                targets.push(Target::Class(id.clone()));
            }
        }
        targets.extend(self.objects(id, "targetNode").into_iter().map(Target::Node));
        for (p, make) in [
            (
                "targetSubjectsOf",
                Target::SubjectsOf as fn(NamedNode) -> Target,
            ),
            ("targetObjectsOf", Target::ObjectsOf),
        ] {
            for t in self.objects(id, p) {
                if let Term::NamedNode(n) = t {
                    targets.push(make(n));
                }
            }
        }
        let path_term = self.one(id, "path");
        let path = path_term
            .as_ref()
            .map(|p| parse_path(self.graph, p))
            .transpose()?;
        let severity = match self.one(id, "severity") {
            Some(Term::NamedNode(n)) => n,
            _ => sh("Violation"),
        };
        let messages = self
            .objects(id, "message")
            .into_iter()
            .filter_map(|t| {
                if let Term::Literal(l) = t {
                    Some(l)
                } else {
                    None
                }
            })
            .collect();
        let deactivated =
            matches!(self.one(id, "deactivated"), Some(Term::Literal(l)) if l.value() == "true");
        let mut constraints = Vec::new();
        self.constraints(id, &mut constraints)?;
        Ok(Shape {
            id: id.clone(),
            targets,
            path,
            path_term,
            severity,
            messages,
            deactivated,
            constraints,
        })
    }

    fn constraints(&mut self, id: &Term, out: &mut Vec<Constraint>) -> Result<(), ShapesError> {
        let count = |t: &Term| literal_usize(t);
        for t in self.objects(id, "class") {
            out.push(Constraint::Class(t));
        }
        for t in self.objects(id, "datatype") {
            if let Term::NamedNode(n) = t {
                out.push(Constraint::Datatype(n));
            }
        }
        for t in self.objects(id, "nodeKind") {
            if let Term::NamedNode(n) = t {
                out.push(Constraint::NodeKind(n));
            }
        }
        for (p, make) in [
            ("minCount", Constraint::MinCount as fn(usize) -> Constraint),
            ("maxCount", Constraint::MaxCount),
            ("minLength", Constraint::MinLength),
            ("maxLength", Constraint::MaxLength),
        ] {
            for t in self.objects(id, p) {
                out.extend(count(&t).map(make));
            }
        }
        for (p, make) in [
            (
                "minExclusive",
                Constraint::MinExclusive as fn(Literal) -> Constraint,
            ),
            ("minInclusive", Constraint::MinInclusive),
            ("maxExclusive", Constraint::MaxExclusive),
            ("maxInclusive", Constraint::MaxInclusive),
        ] {
            for t in self.objects(id, p) {
                if let Term::Literal(l) = t {
                    out.push(make(l));
                }
            }
        }
        for t in self.objects(id, "pattern") {
            let flags = match self.one(id, "flags") {
                Some(Term::Literal(l)) => l.value().to_owned(),
                _ => String::new(),
            };
            let Term::Literal(l) = t else { continue };
            let mut builder = regex::RegexBuilder::new(l.value());
            for f in flags.chars() {
                match f {
                    'i' => builder.case_insensitive(true),
                    'm' => builder.multi_line(true),
                    's' => builder.dot_matches_new_line(true),
                    'x' => builder.ignore_whitespace(true),
                    _ => &mut builder,
                };
            }
            let re = builder
                .build()
                .map_err(|e| ShapesError(format!("bad sh:pattern {}: {e}", l.value())))?;
            out.push(Constraint::Pattern(re));
        }
        for t in self.objects(id, "languageIn") {
            let tags = rdf_list(self.graph, &t)
                .into_iter()
                .filter_map(|t| {
                    if let Term::Literal(l) = t {
                        Some(l.value().to_ascii_lowercase())
                    } else {
                        None
                    }
                })
                .collect();
            out.push(Constraint::LanguageIn(tags));
        }
        if matches!(self.one(id, "uniqueLang"), Some(Term::Literal(l)) if l.value() == "true") {
            out.push(Constraint::UniqueLang);
        }
        for (p, make) in [
            ("equals", Constraint::Equals as fn(NamedNode) -> Constraint),
            ("disjoint", Constraint::Disjoint),
            ("lessThan", Constraint::LessThan),
            ("lessThanOrEquals", Constraint::LessThanOrEquals),
        ] {
            for t in self.objects(id, p) {
                if let Term::NamedNode(n) = t {
                    out.push(make(n));
                }
            }
        }
        for t in self.objects(id, "not") {
            out.push(Constraint::Not(self.shape(&t)?));
        }
        for (p, make) in [
            ("and", Constraint::And as fn(Vec<usize>) -> Constraint),
            ("or", Constraint::Or),
            ("xone", Constraint::Xone),
        ] {
            for t in self.objects(id, p) {
                out.push(make(self.shape_list(&t)?));
            }
        }
        for t in self.objects(id, "node") {
            out.push(Constraint::Node(self.shape(&t)?));
        }
        for t in self.objects(id, "property") {
            out.push(Constraint::Property(self.shape(&t)?));
        }
        for t in self.objects(id, "qualifiedValueShape") {
            let shape = self.shape(&t)?;
            let min = self.one(id, "qualifiedMinCount").and_then(|t| count(&t));
            let max = self.one(id, "qualifiedMaxCount").and_then(|t| count(&t));
            let disjoint = matches!(self.one(id, "qualifiedValueShapesDisjoint"), Some(Term::Literal(l)) if l.value() == "true");
            let siblings = if disjoint {
                self.siblings(id, &t)?
            } else {
                Vec::new()
            };
            if min.is_some() {
                out.push(Constraint::Qualified {
                    shape,
                    min,
                    max: None,
                    siblings: siblings.clone(),
                });
            }
            if max.is_some() {
                out.push(Constraint::Qualified {
                    shape,
                    min: None,
                    max,
                    siblings,
                });
            }
        }
        if matches!(self.one(id, "closed"), Some(Term::Literal(l)) if l.value() == "true") {
            let mut allowed: Vec<NamedNode> = self
                .objects(id, "property")
                .iter()
                .filter_map(|p| match self.one(p, "path") {
                    Some(Term::NamedNode(n)) => Some(n),
                    _ => None,
                })
                .collect();
            for t in self.objects(id, "ignoredProperties") {
                allowed.extend(rdf_list(self.graph, &t).into_iter().filter_map(|t| {
                    if let Term::NamedNode(n) = t {
                        Some(n)
                    } else {
                        None
                    }
                }));
            }
            out.push(Constraint::Closed { allowed });
        }
        for t in self.objects(id, "hasValue") {
            out.push(Constraint::HasValue(t));
        }
        for t in self.objects(id, "in") {
            out.push(Constraint::In(rdf_list(self.graph, &t)));
        }
        Ok(())
    }

    /// Sibling qualified value shapes: those of the other property shapes of the shapes that
    /// have `property_shape` as a property (SHACL 4.7.3).
    fn siblings(&mut self, property_shape: &Term, own: &Term) -> Result<Vec<usize>, ShapesError> {
        let p = sh("property");
        let parents: Vec<Term> = self
            .graph
            .subjects_for_predicate_object(&p, property_shape)
            .map(|s| Term::from(s.into_owned()))
            .collect();
        let mut out = Vec::new();
        for parent in parents {
            for sibling in self.objects(&parent, "property") {
                for q in self.objects(&sibling, "qualifiedValueShape") {
                    if &q != own {
                        out.push(self.shape(&q)?);
                    }
                }
            }
        }
        Ok(out)
    }
}
