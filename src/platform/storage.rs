//! Where the shopper's memory lives: localStorage when the browser lets us
//! and the privacy mode allows it, otherwise memory for this page only
//! (Safari private mode, blocked storage, GPC, no consent yet). Saving
//! applies retention and the byte cap, and survives a full quota by
//! evicting the oldest events and retrying. The stored shape and version
//! are defined in `core::store`; the consent answer has its own key.

use std::cell::RefCell;

use thiserror::Error;

use crate::core::store::{self, Limits, Memory, StoreError, CONSENT_KEY, STORAGE_KEY};

#[derive(Debug, Error)]
pub enum StorageError {
    #[error("localStorage is unavailable; keeping memory for this page only")]
    Unavailable,
    #[error("could not save even after dropping old events: {0}")]
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

/// Most times a save drops old events and retries when the quota is full.
const QUOTA_RETRIES: usize = 8;

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

    /// Whether what is saved outlives this page.
    pub fn is_persistent(&self) -> bool {
        matches!(self.backend, Backend::Local(_))
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

    /// Saves `memory` as it is (no retention, no cap; see [`Self::save_within`]).
    pub fn save(&self, memory: &Memory) -> Result<(), StorageError> {
        let text = store::encode(memory);
        match &self.backend {
            Backend::Local(s) => s
                .set_item(STORAGE_KEY, &text)
                .map_err(|e| StorageError::Write(js_message(&e))),
            Backend::Page(cell) => {
                *cell.borrow_mut() = Some(text);
                Ok(())
            }
        }
    }

    /// Saves `memory` after applying retention and the byte cap at `now`
    /// (so `memory` is left as stored). A full quota drops a quarter of the
    /// oldest events and tries again.
    pub fn save_within(
        &self,
        memory: &mut Memory,
        now: u64,
        limits: Limits,
    ) -> Result<(), StorageError> {
        let mut text = store::fit(memory, now, limits);
        let storage = match &self.backend {
            Backend::Local(s) => s,
            Backend::Page(cell) => {
                *cell.borrow_mut() = Some(text);
                return Ok(());
            }
        };
        let mut last_error = String::new();
        for _ in 0..=QUOTA_RETRIES {
            match storage.set_item(STORAGE_KEY, &text) {
                Ok(()) => return Ok(()),
                Err(e) => {
                    last_error = js_message(&e);
                    if memory.history.is_empty() {
                        break;
                    }
                    let n = memory.history.len().div_ceil(4);
                    memory.history.drop_oldest(n);
                    text = store::fit(memory, now, limits);
                }
            }
        }
        Err(StorageError::Write(last_error))
    }

    /// Removes the browsing memory (the consent answer stays).
    pub fn clear(&self) {
        match &self.backend {
            Backend::Local(s) => {
                let _ = s.remove_item(STORAGE_KEY);
            }
            Backend::Page(cell) => *cell.borrow_mut() = None,
        }
    }
}

/// The shopper's stored consent answer, if any and if storage is readable.
pub fn read_consent() -> Option<bool> {
    let text = local_storage()?.get_item(CONSENT_KEY).ok().flatten();
    store::decode_consent(text.as_deref())
}

/// Remembers the shopper's consent answer (not browsing data: only so the
/// answer holds on the next page). Silently nothing when storage is blocked.
pub fn write_consent(given: bool) {
    if let Some(s) = local_storage() {
        let _ = s.set_item(CONSENT_KEY, store::encode_consent(given));
    }
}

/// Removes Tailor's browsing memory from localStorage whatever the current
/// backend (used when a privacy signal or a refusal says keep nothing).
pub fn erase_persistent() {
    if let Some(s) = local_storage() {
        let _ = s.remove_item(STORAGE_KEY);
    }
}

fn js_message(value: &wasm_bindgen::JsValue) -> String {
    js_sys::Reflect::get(value, &"name".into())
        .ok()
        .and_then(|n| n.as_string())
        .unwrap_or_else(|| "write refused".to_string())
}

/// localStorage if reading it does not throw and a test write succeeds (a
/// full quota still counts as usable: saving evicts old events to fit).
fn local_storage() -> Option<web_sys::Storage> {
    let storage = web_sys::window()?.local_storage().ok()??;
    let probe = "tailor:probe";
    match storage.set_item(probe, "1") {
        Ok(()) => {
            let _ = storage.remove_item(probe);
            Some(storage)
        }
        Err(e) if js_message(&e) == "QuotaExceededError" => Some(storage),
        Err(_) => None,
    }
}
