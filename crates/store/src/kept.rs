//! Reference data kept briefly by each instance: the unit directory, the industry profile, the
//! accounts' display names and the dispatch rules. Nearly every page names units, people or chains;
//! a province has a few hundred units, a few thousand accounts and links, and they change rarely.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long an instance keeps what it read. Writes through the instance forget it at once; another
/// instance serving the same database shows the change within this time.
const KEPT_SECONDS: u64 = 5;

#[derive(Debug)]
struct Slot<T> {
    /// Counts the forgets: a read that began before one must not be kept after it.
    generation: u64,
    value: Option<(Instant, Arc<T>)>,
}

/// One kept value, shared by the clones of a [`crate::Store`].
#[derive(Debug)]
pub(crate) struct Kept<T>(Arc<Mutex<Slot<T>>>);

impl<T> Default for Kept<T> {
    fn default() -> Self {
        Kept(Arc::new(Mutex::new(Slot { generation: 0, value: None })))
    }
}

impl<T> Clone for Kept<T> {
    fn clone(&self) -> Self {
        Kept(self.0.clone())
    }
}

/// A read in progress, to be kept with [`Kept::keep`] unless forgotten meanwhile.
struct Reading {
    generation: u64,
    began: Instant,
}

impl<T> Kept<T> {
    fn slot(&self) -> std::sync::MutexGuard<'_, Slot<T>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The value, when read less than [`KEPT_SECONDS`] ago and not forgotten since.
    pub(crate) fn get(&self) -> Option<Arc<T>> {
        self.slot().value.as_ref().filter(|(at, _)| at.elapsed() < Duration::from_secs(KEPT_SECONDS)).map(|(_, v)| v.clone())
    }

    /// Call before reading the database.
    fn reading(&self) -> Reading {
        Reading { generation: self.slot().generation, began: Instant::now() }
    }

    /// Keeps what `reading` read, unless it was forgotten after the read began.
    fn keep(&self, reading: Reading, value: Arc<T>) {
        let mut slot = self.slot();
        if slot.generation == reading.generation {
            slot.value = Some((reading.began, value));
        }
    }

    /// The value, or what `read` reads, kept unless forgotten while it was being read.
    pub(crate) async fn get_or_read<F, Fut>(&self, read: F) -> crate::Result<Arc<T>>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = crate::Result<T>>,
    {
        if let Some(kept) = self.get() {
            return Ok(kept);
        }
        let reading = self.reading();
        let value = Arc::new(read().await?);
        self.keep(reading, value.clone());
        Ok(value)
    }

    /// Forgets the value; the next read goes to the database.
    pub(crate) fn forget(&self) {
        let mut slot = self.slot();
        slot.generation += 1;
        slot.value = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_that_began_before_a_forget_is_not_kept() {
        let kept: Kept<u32> = Kept::default();
        let reading = kept.reading();
        kept.forget();
        kept.keep(reading, Arc::new(1));
        assert_eq!(kept.get(), None, "the value may predate the write that forgot it");
        let reading = kept.reading();
        kept.keep(reading, Arc::new(2));
        assert_eq!(kept.get().as_deref(), Some(&2));
        kept.clone().forget();
        assert_eq!(kept.get(), None, "clones share one value");
    }
}
