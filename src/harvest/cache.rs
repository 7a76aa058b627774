//! Harvest documents as last built, per document and format: an unchanged catalogue is answered
//! from memory, and its gzip is made once.
use super::{Doc, hydra};
use crate::conneg::Format;
use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

/// Cached representations, keyed by document and format.
#[derive(Default)]
pub struct HarvestCache {
    entries: Mutex<HashMap<(Doc, Format), Arc<Representation>>>,
}

/// Entries are dropped wholesale past this many (documents × formats), to bound memory.
const MAX_ENTRIES: usize = 512;

/// One built document in one format.
pub struct Representation {
    pub generation: u64,
    pub body: Vec<u8>,
    gzip: Mutex<Option<Arc<Vec<u8>>>>,
    pub etag: String,
    pub last_modified: SystemTime,
    pub links: Option<hydra::Links>,
}

impl Representation {
    pub fn new(
        generation: u64,
        body: Vec<u8>,
        etag: String,
        last_modified: SystemTime,
        links: Option<hydra::Links>,
    ) -> Self {
        Self {
            generation,
            body,
            gzip: Mutex::default(),
            etag,
            last_modified,
            links,
        }
    }

    /// The body gzipped, made on first use.
    pub fn gzipped(&self) -> Arc<Vec<u8>> {
        let mut slot = self.gzip.lock().unwrap_or_else(|e| e.into_inner());
        slot.get_or_insert_with(|| {
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            // Writing to a Vec cannot fail.
            let _ = enc.write_all(&self.body);
            Arc::new(enc.finish().unwrap_or_default())
        })
        .clone()
    }
}

impl HarvestCache {
    pub fn get(&self, key: &(Doc, Format)) -> Option<Arc<Representation>> {
        lock(self).get(key).cloned()
    }

    pub fn insert(&self, key: (Doc, Format), rep: Arc<Representation>) {
        let mut cache = lock(self);
        if cache.len() >= MAX_ENTRIES {
            cache.clear();
        }
        cache.insert(key, rep);
    }
}

fn lock(
    cache: &HarvestCache,
) -> std::sync::MutexGuard<'_, HashMap<(Doc, Format), Arc<Representation>>> {
    cache.entries.lock().unwrap_or_else(|e| e.into_inner())
}
