//! The search index as the server keeps it: built on first use (and at start), then brought
//! up to date with the store's changes before each search.
use super::Index;
use oxigraph::store::StorageError;
use std::sync::RwLock;

/// The index, built on first use (and at start) and refreshed when the store changes.
#[derive(Default)]
pub struct SearchIndex(RwLock<Option<Index>>);

impl SearchIndex {
    /// The index as it is (call [`ensure_fresh`] first).
    pub fn read(&self) -> std::sync::RwLockReadGuard<'_, Option<Index>> {
        self.0.read().unwrap_or_else(|e| e.into_inner())
    }
}

/// Builds the index if there is none, or applies the changes since it was last refreshed.
pub fn ensure_fresh(index: &SearchIndex, store: &crate::store::Store) -> Result<(), StorageError> {
    let fresh = index
        .0
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .as_ref()
        .is_some_and(|i| i.generation == store.generation());
    if fresh {
        return Ok(());
    }
    let mut guard = index.0.write().unwrap_or_else(|e| e.into_inner());
    match guard.as_mut() {
        Some(i) => i.refresh(store)?,
        None => *guard = Some(Index::build(store)?),
    }
    Ok(())
}
