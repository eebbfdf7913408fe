//! Where the shopper's memory lives: localStorage when the browser lets us,
//! otherwise memory for this page only (Safari private mode, blocked storage).
//! The stored shape and version are defined in `core::store`.

use std::cell::RefCell;

use thiserror::Error;

use crate::core::store::{self, Memory, StoreError, STORAGE_KEY};

#[derive(Debug, Error)]
pub enum StorageError {
    #[error("localStorage is unavailable; keeping memory for this page only")]
    Unavailable,
    #[error("could not save: {0}")]
    Write(String),
    #[error(transparent)]
    Stored(#[from] StoreError),
}

enum Backend {
    Local(web_sys::Storage),
    Page(RefCell<Option<String>>),
}

/// The shopper's storage.
pub struct Storage {
    backend: Backend,
}

impl Storage {
    /// Opens localStorage, falling back to page memory when it is missing
    /// or throws. The second value says why it fell back.
    pub fn open() -> (Self, Option<StorageError>) {
        match local_storage() {
            Some(storage) => (
                Self {
                    backend: Backend::Local(storage),
                },
                None,
            ),
            None => (Self::page_only(), Some(StorageError::Unavailable)),
        }
    }

    /// Storage that keeps nothing past this page (no consent, GPC).
    pub fn page_only() -> Self {
        Self {
            backend: Backend::Page(RefCell::new(None)),
        }
    }

    /// Reads the memory; unreadable or newer data is reported and replaced.
    pub fn load(&self) -> (Memory, Option<StorageError>) {
        let text = match &self.backend {
            Backend::Local(s) => s.get_item(STORAGE_KEY).ok().flatten(),
            Backend::Page(cell) => cell.borrow().clone(),
        };
        match store::decode(text.as_deref()) {
            Ok(memory) => (memory, None),
            Err(e) => {
                self.clear();
                (Memory::default(), Some(e.into()))
            }
        }
    }

    pub fn save(&self, memory: &Memory) -> Result<(), StorageError> {
        let text = store::encode(memory);
        match &self.backend {
            Backend::Local(s) => s
                .set_item(STORAGE_KEY, &text)
                .map_err(|e| StorageError::Write(format!("{e:?}"))),
            Backend::Page(cell) => {
                *cell.borrow_mut() = Some(text);
                Ok(())
            }
        }
    }

    pub fn clear(&self) {
        match &self.backend {
            Backend::Local(s) => {
                let _ = s.remove_item(STORAGE_KEY);
            }
            Backend::Page(cell) => *cell.borrow_mut() = None,
        }
    }
}

/// localStorage if reading it does not throw and a test write succeeds.
fn local_storage() -> Option<web_sys::Storage> {
    let storage = web_sys::window()?.local_storage().ok()??;
    let probe = "tailor:probe";
    storage.set_item(probe, "1").ok()?;
    let _ = storage.remove_item(probe);
    Some(storage)
}
