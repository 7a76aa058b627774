//! The domain: what records are and the rules for changing them, independent of HTTP.
pub mod inventory;
pub mod needs;
pub mod overview;
pub mod process;
pub mod steps;
pub mod write;

use oxigraph::model::{NamedNode, NamedNodeRef};

pub const DCAT_DATASET: NamedNodeRef<'_> =
    NamedNodeRef::new_unchecked("http://www.w3.org/ns/dcat#dataset");
pub const DCAT_SERVICE: NamedNodeRef<'_> =
    NamedNodeRef::new_unchecked("http://www.w3.org/ns/dcat#service");
pub const DCAT_CATALOG: NamedNodeRef<'_> =
    NamedNodeRef::new_unchecked("http://www.w3.org/ns/dcat#Catalog");
pub const DCT_PUBLISHER: NamedNodeRef<'_> =
    NamedNodeRef::new_unchecked("http://purl.org/dc/terms/publisher");
pub const DCT_MODIFIED: NamedNodeRef<'_> =
    NamedNodeRef::new_unchecked("http://purl.org/dc/terms/modified");

/// The kinds of record the write API accepts, one per `/api/{kind}/{id}` path segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Dataset,
    DataService,
    Concept,
    Model,
    Coordination,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Dataset,
        Kind::DataService,
        Kind::Concept,
        Kind::Model,
        Kind::Coordination,
    ];

    /// The path segment, both under `/api/` and in the record's IRI.
    pub fn segment(self) -> &'static str {
        match self {
            Self::Dataset => "datasets",
            Self::DataService => "data-services",
            Self::Concept => "concepts",
            Self::Model => "models",
            Self::Coordination => "coordinations",
        }
    }

    pub fn from_segment(segment: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.segment() == segment)
    }

    /// The class the record must have (its `rdf:type`).
    pub fn class(self) -> NamedNodeRef<'static> {
        NamedNodeRef::new_unchecked(match self {
            Self::Dataset => "http://www.w3.org/ns/dcat#Dataset",
            Self::DataService => "http://www.w3.org/ns/dcat#DataService",
            Self::Concept => "http://www.w3.org/2004/02/skos/core#Concept",
            Self::Model => "https://data.norge.no/vocabulary/modelldcatno#InformationModel",
            Self::Coordination => "http://www.w3.org/ns/dcat#DatasetSeries",
        })
    }

    /// The class as a reader knows it, for messages.
    pub fn class_name(self) -> &'static str {
        match self {
            Self::Dataset => "dcat:Dataset",
            Self::DataService => "dcat:DataService",
            Self::Concept => "skos:Concept",
            Self::Model => "modelldcatno:InformationModel",
            Self::Coordination => "dcat:DatasetSeries",
        }
    }

    /// The role that may write records of this kind (DOMAIN.md: data stewards write metadata,
    /// national coordinators document coordinated datasets).
    pub fn writer_role(self) -> &'static str {
        match self {
            Self::Coordination => "coordinator",
            _ => "data-steward",
        }
    }

    /// Whether `dct:modified` must be an `xsd:date` (SKOS-AP-NO-Begrep allows nothing finer);
    /// the other profiles take an `xsd:dateTime`.
    pub fn modified_is_date(self) -> bool {
        self == Self::Concept
    }

    /// The property that links the organisation's catalogue `/catalogs/{orgnr}` to records of
    /// this kind. Concepts and models have their own harvest documents, and coordinations
    /// are listed in the national `/coordinations` catalogue only (a harvester that saw a
    /// series in two catalogues would count it twice or as moved).
    pub fn catalog_link(self) -> Option<NamedNodeRef<'static>> {
        match self {
            Self::Dataset => Some(DCAT_DATASET),
            Self::DataService => Some(DCAT_SERVICE),
            Self::Concept | Self::Model | Self::Coordination => None,
        }
    }
}

/// An internal record read back: its graph and its (property's local name, value) pairs.
pub(crate) type InternalRecord = (NamedNode, Vec<(String, String)>);

/// The small internal records of organisation `org` whose graph names start with `prefix`
/// (data sources, needs): each graph's name and its (property's local name, value) pairs.
pub(crate) fn internal_records(
    store: &crate::store::Store,
    prefix: &str,
    org: &str,
) -> Result<Vec<InternalRecord>, oxigraph::store::StorageError> {
    use oxigraph::model::{GraphName, Literal, Term};
    let organisation = NamedNode::new_unchecked(format!("{}organisation", process::NS));
    let mut out = Vec::new();
    for q in store.internal.quads_for_pattern(
        None,
        Some(organisation.as_ref()),
        Some(Literal::new_simple_literal(org).as_ref().into()),
        None,
    ) {
        let GraphName::NamedNode(g) = q?.graph_name else {
            continue;
        };
        if !g.as_str().starts_with(prefix) {
            continue;
        }
        let mut values = Vec::new();
        for t in store
            .internal
            .quads_for_pattern(None, None, None, Some(g.as_ref().into()))
        {
            let t = t?;
            let value = match t.object {
                Term::Literal(l) => l.value().to_owned(),
                Term::NamedNode(n) => n.into_string(),
                _ => continue,
            };
            let local = t
                .predicate
                .as_str()
                .rsplit(['#', '/'])
                .next()
                .unwrap_or_default();
            values.push((local.to_owned(), value));
        }
        out.push((g, values));
    }
    Ok(out)
}
