//! The vocabulary terms the code names, as constants, in the style of Oxigraph's
//! `oxrdf::vocab` (which we use for `rdf`, `rdfs` and `xsd`): one module per namespace,
//! with `NS` for the namespace IRI.
//!
//! Constants carry the term's local name exactly (`dcat::Dataset` the class, `dcat::dataset`
//! the property): DCAT and DCTERMS have class/property pairs that differ only in case, and a
//! name that is the IRI's own cannot be misread.
#![allow(non_upper_case_globals)]

macro_rules! terms {
    ($ns:literal; $($name:ident),* $(,)?) => {
        /// The namespace IRI.
        pub const NS: &str = $ns;
        $(
            pub const $name: oxigraph::model::NamedNodeRef<'static> =
                oxigraph::model::NamedNodeRef::new_unchecked(concat!($ns, stringify!($name)));
        )*
    };
}

/// DCAT 2/3: <http://www.w3.org/ns/dcat#>.
pub mod dcat {
    terms!("http://www.w3.org/ns/dcat#";
        Catalog, Dataset, DatasetSeries, DataService,
        dataset, service, distribution, theme, keyword, contactPoint, accessURL,
        downloadURL, landingPage, endpointURL, inSeries, first, last, servesDataset,
    );
}

/// DCMI Metadata Terms: <http://purl.org/dc/terms/>.
pub mod dct {
    terms!("http://purl.org/dc/terms/";
        publisher, modified, issued, created, title, description, identifier, license,
        accessRights, format, language, subject, conformsTo, accrualPeriodicity, hasPart,
    );
}

/// SKOS: <http://www.w3.org/2004/02/skos/core#>.
pub mod skos {
    terms!("http://www.w3.org/2004/02/skos/core#";
        Concept, ConceptScheme, Collection, prefLabel, altLabel, definition, member,
        related,
    );
}

/// FOAF: <http://xmlns.com/foaf/0.1/>.
pub mod foaf {
    terms!("http://xmlns.com/foaf/0.1/"; Agent, Organization, name, page);
}

/// vCard: <http://www.w3.org/2006/vcard/ns#>.
pub mod vcard {
    terms!("http://www.w3.org/2006/vcard/ns#"; Organization, hasOrganizationName);
}

/// Activity Streams 2.0: <https://www.w3.org/ns/activitystreams#>.
pub mod activity {
    terms!("https://www.w3.org/ns/activitystreams#";
        Tombstone, formerType, deleted, Create, Update, Delete, object, published,
    );
}

pub mod prov {
    terms!("http://www.w3.org/ns/prov#";
        Activity, used, wasAssociatedWith, endedAtTime,
    );
}

/// TREE and LDES, for the event streams.
pub mod tree {
    terms!("https://w3id.org/tree#";
        Node, view, relation, path, value, node, member,
        GreaterThanOrEqualToRelation, LessThanRelation,
    );
}

pub mod ldes {
    terms!("https://w3id.org/ldes#";
        EventStream, timestampPath, versionOfPath, retentionPolicy, DurationAgoPolicy,
    );
}

/// The lifecycle states of the opening process, one IRI per state (`ontologies/`).
pub mod lifecycle {
    terms!("https://w3id.org/samapne/lifecycle#";);
}

/// ModellDCAT-AP-NO: <https://data.norge.no/vocabulary/modelldcatno#>.
pub mod modelldcatno {
    terms!("https://data.norge.no/vocabulary/modelldcatno#";
        InformationModel, model, containsModelElement,
    );
}

/// OWL: <http://www.w3.org/2002/07/owl#>.
pub mod owl {
    terms!("http://www.w3.org/2002/07/owl#"; Ontology, sameAs);
}

/// The W3C Organization Ontology.
pub mod org {
    terms!("http://www.w3.org/ns/org#"; Organization);
}

/// Our own terms, `ontologies/samapne.ttl`: <https://w3id.org/samapne/ns#>.
pub mod samapne {
    terms!("https://w3id.org/samapne/ns#";
        organisation, role, grant, passwordHash, municipalityNumber,
        // The opening process (internal).
        OpeningProcess, lifecycleState, justification, legalNote, proposedPriority, priority,
        approved, approvalNote, businessModel, accessMethod, dataSource,
        ProcessStep, step, fromState, toState,
        // Data sources, needs and interest (internal).
        DataSource, sourceId, extractionMethod, vendor,
        DataNeed, needKind, concerns, contact, Interest,
        // Change records, the open overview, the journal and the event log.
        RecordChange, changedRecord, changeKind, previousDescription,
        OpenOverview, interestCount, needCount,
        journalEntry, journalEvent, streamKind,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_are_the_namespace_plus_their_local_name() {
        assert_eq!(dcat::Dataset.as_str(), "http://www.w3.org/ns/dcat#Dataset");
        assert_eq!(dcat::dataset.as_str(), "http://www.w3.org/ns/dcat#dataset");
        assert_eq!(
            dct::publisher.as_str(),
            "http://purl.org/dc/terms/publisher"
        );
        assert!(skos::prefLabel.as_str().starts_with(skos::NS));
    }
}
