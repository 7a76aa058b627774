//! Views: turning results into bytes. Handlers never touch serializers themselves.
pub mod rdf;
