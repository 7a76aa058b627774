//! `samapne export`: the store as TriG or N-Quads, public graphs only unless asked.
use crate::store::Store;
use oxigraph::io::RdfFormat;
use oxigraph::model::{GraphNameRef, NamedNodeRef};
use std::io::Write;

/// Writes the public store (and with `include_internal`, the internal one) to `out`.
pub fn export(
    store: &Store,
    format: RdfFormat,
    include_internal: bool,
    out: impl Write,
) -> std::io::Result<()> {
    let mut ser = crate::rdf::serializer(format).for_writer(out);
    let journal = NamedNodeRef::new_unchecked("urn:samapne:journal");
    let stores = if include_internal {
        vec![&store.public, &store.internal]
    } else {
        vec![&store.public]
    };
    for s in stores {
        for quad in s.iter() {
            let quad = quad.map_err(std::io::Error::other)?;
            if quad.graph_name.as_ref() == GraphNameRef::NamedNode(journal) {
                continue;
            }
            ser.serialize_quad(&quad)?;
        }
    }
    ser.finish()?.flush()
}
