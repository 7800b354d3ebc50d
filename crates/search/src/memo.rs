//! [`Memo`]: what a pure function of a word gave, remembered for the texts that follow.

use std::sync::RwLock;

use rustc_hash::FxHashMap;

/// Results of a function of a word alone (its stem, its typo correction), shared by the
/// threads that match, up to `max` words: past that, results are computed each time and not
/// kept. A lock poisoned by a panic elsewhere leaves the memo unused, never wrong; since the
/// function depends on the word alone, a remembered result is the result.
#[derive(Debug)]
pub(crate) struct Memo<V> {
    map: RwLock<FxHashMap<Box<str>, V>>,
    max: usize,
}

impl<V> Memo<V> {
    /// An empty memo of at most `max` words.
    pub(crate) fn new(max: usize) -> Self {
        Memo {
            map: RwLock::default(),
            max,
        }
    }

    /// `read` of the result remembered for `word`, if any.
    pub(crate) fn read<R>(&self, word: &str, read: impl FnOnce(&V) -> R) -> Option<R> {
        self.map.read().ok()?.get(word).map(read)
    }

    /// Remembers `results` while there is room (a full memo is not locked for writing).
    pub(crate) fn remember(&self, results: impl IntoIterator<Item = (Box<str>, V)>) {
        let full = self.map.read().map_or(true, |m| m.len() >= self.max);
        if full {
            return;
        }
        if let Ok(mut m) = self.map.write() {
            let room = self.max.saturating_sub(m.len());
            m.extend(results.into_iter().take(room));
        }
    }

    /// Words remembered.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.map.read().map_or(0, |m| m.len())
    }
}
