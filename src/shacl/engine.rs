//! Evaluating compiled shapes on a data graph (SHACL Core, sections 2–4 of the spec).
use super::data::DataGraph;
use super::shapes::{Constraint, Path, Shapes, Target};
use super::values::{compare, has_datatype, node_kind, string_of};
use super::{Report, ValidationResult};
use oxigraph::model::vocab::{rdf, rdfs};
use oxigraph::model::{NamedOrBlankNodeRef, Term, TermRef};
use std::cell::RefCell;
use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

/// Validates `data` against every shape's targets.
pub fn validate(shapes: &Shapes, data: &DataGraph) -> Report {
    let v = Validator {
        shapes,
        data,
        conforms_memo: RefCell::default(),
        in_progress: RefCell::default(),
        subclass_memo: RefCell::default(),
    };
    let mut results = Vec::new();
    for (i, shape) in shapes.all.iter().enumerate() {
        if shape.deactivated || shape.targets.is_empty() {
            continue;
        }
        let mut focus: Vec<Term> = Vec::new();
        for t in &shape.targets {
            v.target_nodes(t, &mut focus);
        }
        let mut seen = HashSet::new();
        for f in focus {
            if seen.insert(f.clone()) {
                v.validate_shape(i, &f, &mut results);
            }
        }
    }
    Report { results }
}

struct Validator<'a> {
    shapes: &'a Shapes,
    data: &'a DataGraph,
    /// (shape, node) → conforms; shared shapes (vocabulary checks) are evaluated once per node.
    conforms_memo: RefCell<HashMap<(usize, Term), bool>>,
    /// (shape, node) pairs being checked, so recursive shapes terminate (assumed to conform).
    in_progress: RefCell<HashSet<(usize, Term)>>,
    subclass_memo: RefCell<HashMap<(Term, Term), bool>>,
}

fn subject(t: &Term) -> Option<NamedOrBlankNodeRef<'_>> {
    match t {
        Term::NamedNode(n) => Some(n.into()),
        Term::BlankNode(b) => Some(b.into()),
        _ => None,
    }
}

impl Validator<'_> {
    fn target_nodes(&self, target: &Target, out: &mut Vec<Term>) {
        match target {
            Target::Class(c) => {
                for class in self.subclasses(c) {
                    out.extend(
                        self.data
                            .subjects_for_predicate_object(rdf::TYPE, &class)
                            .map(|s| Term::from(s.into_owned())),
                    );
                }
            }
            Target::Node(n) => out.push(n.clone()),
            Target::SubjectsOf(p) => out.extend(
                self.data
                    .triples_for_predicate(p)
                    .map(|t| Term::from(t.subject.into_owned())),
            ),
            Target::ObjectsOf(p) => out.extend(
                self.data
                    .triples_for_predicate(p)
                    .map(|t| t.object.into_owned()),
            ),
        }
    }

    /// `class` and every class declared (transitively) `rdfs:subClassOf` it in the data.
    fn subclasses(&self, class: &Term) -> Vec<Term> {
        let mut out = vec![class.clone()];
        let mut i = 0;
        while i < out.len() {
            let c = out[i].clone();
            for s in self
                .data
                .subjects_for_predicate_object(rdfs::SUB_CLASS_OF, &c)
            {
                let s = Term::from(s.into_owned());
                if !out.contains(&s) {
                    out.push(s);
                }
            }
            i += 1;
        }
        out
    }

    fn is_subclass(&self, sub: &Term, sup: &Term) -> bool {
        if sub == sup {
            return true;
        }
        let key = (sub.clone(), sup.clone());
        if let Some(&b) = self.subclass_memo.borrow().get(&key) {
            return b;
        }
        let mut seen = vec![sub.clone()];
        let mut i = 0;
        let mut found = false;
        while i < seen.len() && !found {
            if let Some(s) = subject(&seen[i].clone()) {
                for o in self
                    .data
                    .objects_for_subject_predicate(s, rdfs::SUB_CLASS_OF)
                {
                    let o = o.into_owned();
                    found |= &o == sup;
                    if !seen.contains(&o) {
                        seen.push(o);
                    }
                }
            }
            i += 1;
        }
        self.subclass_memo.borrow_mut().insert(key, found);
        found
    }

    fn instance_of(&self, node: &Term, class: &Term) -> bool {
        let Some(s) = subject(node) else { return false };
        self.data
            .objects_for_subject_predicate(s, rdf::TYPE)
            .any(|t| self.is_subclass(&t.into_owned(), class))
    }

    fn path_values(&self, path: &Path, focus: &Term) -> Vec<Term> {
        let mut out = Vec::new();
        self.eval(path, focus, true, &mut out);
        let mut seen = HashSet::new();
        out.retain(|t| seen.insert(t.clone()));
        out
    }

    /// Nodes reached from `node` by `path`, forwards or backwards.
    fn eval(&self, path: &Path, node: &Term, forward: bool, out: &mut Vec<Term>) {
        match path {
            Path::Predicate(p) => {
                if forward {
                    if let Some(s) = subject(node) {
                        out.extend(
                            self.data
                                .objects_for_subject_predicate(s, p)
                                .map(TermRef::into_owned),
                        );
                    }
                } else {
                    out.extend(
                        self.data
                            .subjects_for_predicate_object(p, node)
                            .map(|s| Term::from(s.into_owned())),
                    );
                }
            }
            Path::Inverse(inner) => self.eval(inner, node, !forward, out),
            Path::Sequence(parts) => {
                let mut current = vec![node.clone()];
                let ordered: Vec<&Path> = if forward {
                    parts.iter().collect()
                } else {
                    parts.iter().rev().collect()
                };
                for part in ordered {
                    let mut next = Vec::new();
                    for n in &current {
                        self.eval(part, n, forward, &mut next);
                    }
                    next.dedup();
                    current = next;
                }
                out.extend(current);
            }
            Path::Alternative(parts) => {
                for part in parts {
                    self.eval(part, node, forward, out);
                }
            }
            Path::ZeroOrOne(inner) => {
                out.push(node.clone());
                self.eval(inner, node, forward, out);
            }
            Path::ZeroOrMore(inner) | Path::OneOrMore(inner) => {
                // `seen` makes membership O(1); `reached` keeps discovery order.
                let mut seen: HashSet<Term> = HashSet::new();
                let mut reached: Vec<Term> = Vec::new();
                let mut frontier = vec![node.clone()];
                while let Some(n) = frontier.pop() {
                    let mut next = Vec::new();
                    self.eval(inner, &n, forward, &mut next);
                    for m in next {
                        if seen.insert(m.clone()) {
                            reached.push(m.clone());
                            frontier.push(m);
                        }
                    }
                }
                if matches!(path, Path::ZeroOrMore(_)) && !seen.contains(node) {
                    out.push(node.clone());
                }
                out.extend(reached);
            }
        }
    }

    fn conforms(&self, shape: usize, node: &Term) -> bool {
        let key = (shape, node.clone());
        if let Some(&b) = self.conforms_memo.borrow().get(&key) {
            return b;
        }
        if !self.in_progress.borrow_mut().insert(key.clone()) {
            return true;
        }
        let mut results = Vec::new();
        self.validate_shape(shape, node, &mut results);
        self.in_progress.borrow_mut().remove(&key);
        let ok = results.is_empty();
        self.conforms_memo.borrow_mut().insert(key, ok);
        ok
    }

    fn validate_shape(&self, i: usize, focus: &Term, out: &mut Vec<ValidationResult>) {
        let shape = &self.shapes.all[i];
        if shape.deactivated {
            return;
        }
        let values = match &shape.path {
            Some(p) => self.path_values(p, focus),
            None => vec![focus.clone()],
        };
        for c in &shape.constraints {
            self.check(i, c, focus, &values, out);
        }
    }

    fn check(
        &self,
        i: usize,
        c: &Constraint,
        focus: &Term,
        values: &[Term],
        out: &mut Vec<ValidationResult>,
    ) {
        let shape = &self.shapes.all[i];
        let mut fail = |value: Option<&Term>| {
            out.push(ValidationResult {
                focus: focus.clone(),
                path: shape.path_term.clone(),
                value: value.cloned(),
                source_shape: shape.id.clone(),
                component: c.component(),
                severity: shape.severity.clone(),
                messages: shape.messages.clone(),
            })
        };
        match c {
            Constraint::Class(class) => values
                .iter()
                .filter(|v| !self.instance_of(v, class))
                .for_each(|v| fail(Some(v))),
            Constraint::Datatype(d) => values
                .iter()
                .filter(|v| !has_datatype(v, d.as_ref()))
                .for_each(|v| fail(Some(v))),
            Constraint::NodeKind(k) => values
                .iter()
                .filter(|v| !node_kind(v, k.as_str()))
                .for_each(|v| fail(Some(v))),
            Constraint::MinCount(n) if values.len() < *n => fail(None),
            Constraint::MaxCount(n) if values.len() > *n => fail(None),
            Constraint::MinCount(_) | Constraint::MaxCount(_) => {}
            Constraint::MinExclusive(l) => values
                .iter()
                .filter(|v| compare(v, l) != Some(Ordering::Greater))
                .for_each(|v| fail(Some(v))),
            Constraint::MinInclusive(l) => values
                .iter()
                .filter(|v| !matches!(compare(v, l), Some(Ordering::Greater | Ordering::Equal)))
                .for_each(|v| fail(Some(v))),
            Constraint::MaxExclusive(l) => values
                .iter()
                .filter(|v| compare(v, l) != Some(Ordering::Less))
                .for_each(|v| fail(Some(v))),
            Constraint::MaxInclusive(l) => values
                .iter()
                .filter(|v| !matches!(compare(v, l), Some(Ordering::Less | Ordering::Equal)))
                .for_each(|v| fail(Some(v))),
            Constraint::MinLength(n) => values
                .iter()
                .filter(|v| string_of(v).is_none_or(|s| s.chars().count() < *n))
                .for_each(|v| fail(Some(v))),
            Constraint::MaxLength(n) => values
                .iter()
                .filter(|v| string_of(v).is_none_or(|s| s.chars().count() > *n))
                .for_each(|v| fail(Some(v))),
            Constraint::Pattern(re) => values
                .iter()
                .filter(|v| string_of(v).is_none_or(|s| !re.is_match(s)))
                .for_each(|v| fail(Some(v))),
            Constraint::LanguageIn(tags) => values
                .iter()
                .filter(|v| match v {
                    Term::Literal(l) => !l.language().is_some_and(|lang| {
                        let lang = lang.to_ascii_lowercase();
                        tags.iter()
                            .any(|t| lang == *t || t == "*" || lang.starts_with(&format!("{t}-")))
                    }),
                    _ => true,
                })
                .for_each(|v| fail(Some(v))),
            Constraint::UniqueLang => {
                let mut counts: HashMap<String, usize> = HashMap::new();
                for v in values {
                    if let Term::Literal(l) = v {
                        if let Some(lang) = l.language() {
                            *counts.entry(lang.to_ascii_lowercase()).or_default() += 1;
                        }
                    }
                }
                let mut dup: Vec<_> = counts.into_iter().filter(|(_, n)| *n > 1).collect();
                dup.sort();
                dup.iter().for_each(|_| fail(None));
            }
            Constraint::Equals(p)
            | Constraint::Disjoint(p)
            | Constraint::LessThan(p)
            | Constraint::LessThanOrEquals(p) => {
                let others: Vec<Term> = match subject(focus) {
                    Some(s) => self
                        .data
                        .objects_for_subject_predicate(s, p)
                        .map(TermRef::into_owned)
                        .collect(),
                    None => Vec::new(),
                };
                match c {
                    Constraint::Equals(_) => {
                        values
                            .iter()
                            .filter(|v| !others.contains(v))
                            .for_each(|v| fail(Some(v)));
                        others
                            .iter()
                            .filter(|o| !values.contains(o))
                            .for_each(|o| fail(Some(o)));
                    }
                    Constraint::Disjoint(_) => values
                        .iter()
                        .filter(|v| others.contains(v))
                        .for_each(|v| fail(Some(v))),
                    _ => {
                        let or_equal = matches!(c, Constraint::LessThanOrEquals(_));
                        for v in values {
                            for o in &others {
                                let ok = match (v, o) {
                                    (Term::Literal(_), Term::Literal(ol)) => match compare(v, ol) {
                                        Some(Ordering::Less) => true,
                                        Some(Ordering::Equal) => or_equal,
                                        _ => false,
                                    },
                                    _ => false,
                                };
                                if !ok {
                                    fail(Some(v));
                                }
                            }
                        }
                    }
                }
            }
            Constraint::Not(s) => values
                .iter()
                .filter(|v| self.conforms(*s, v))
                .for_each(|v| fail(Some(v))),
            Constraint::And(list) => values
                .iter()
                .filter(|v| !list.iter().all(|s| self.conforms(*s, v)))
                .for_each(|v| fail(Some(v))),
            Constraint::Or(list) => values
                .iter()
                .filter(|v| !list.iter().any(|s| self.conforms(*s, v)))
                .for_each(|v| fail(Some(v))),
            Constraint::Xone(list) => values
                .iter()
                .filter(|v| list.iter().filter(|s| self.conforms(**s, v)).count() != 1)
                .for_each(|v| fail(Some(v))),
            Constraint::Node(s) => values
                .iter()
                .filter(|v| !self.conforms(*s, v))
                .for_each(|v| fail(Some(v))),
            Constraint::Property(s) => {
                for v in values {
                    self.validate_shape(*s, v, out);
                }
            }
            Constraint::Qualified {
                shape: q,
                min,
                max,
                siblings,
            } => {
                let n = values
                    .iter()
                    .filter(|v| {
                        self.conforms(*q, v) && !siblings.iter().any(|s| self.conforms(*s, v))
                    })
                    .count();
                if min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m) {
                    fail(None);
                }
            }
            Constraint::Closed { allowed } => {
                for v in values {
                    let Some(s) = subject(v) else { continue };
                    for t in self.data.triples_for_subject(s) {
                        if !allowed.iter().any(|a| a.as_ref() == t.predicate) {
                            out.push(ValidationResult {
                                focus: focus.clone(),
                                path: Some(t.predicate.into_owned().into()),
                                value: Some(t.object.into_owned()),
                                source_shape: shape.id.clone(),
                                component: c.component(),
                                severity: shape.severity.clone(),
                                messages: shape.messages.clone(),
                            });
                        }
                    }
                }
            }
            Constraint::HasValue(t) if !values.contains(t) => fail(None),
            Constraint::HasValue(_) => {}
            Constraint::In(list) => values
                .iter()
                .filter(|v| !list.contains(v))
                .for_each(|v| fail(Some(v))),
        }
    }
}
