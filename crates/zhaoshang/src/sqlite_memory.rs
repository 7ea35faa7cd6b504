//! Memory: SQLite's own through mimalloc and without its global statistics, and how long mimalloc
//! keeps freed memory.
//!
//! Under load every SQLite connection runs on a thread of its own (sqlx's workers). By default
//! SQLite counts every allocation under one process-wide mutex (`SQLITE_CONFIG_MEMSTATUS`) and
//! allocates with the C library's `malloc`; profiling the province load showed the worker threads
//! waiting on that mutex and in glibc's arena consolidation (docs/performance.md). The Rust side
//! already allocates with mimalloc; this gives SQLite the same allocator and turns the counting off
//! (nothing here reads `sqlite3_memory_used`).

use std::ffi::{c_int, c_void};

use libsqlite3_sys as ffi;

// mimalloc's C functions, linked through the `mimalloc` crate (the global allocator).
unsafe extern "C" {
    fn mi_malloc(size: usize) -> *mut c_void;
    fn mi_realloc(p: *mut c_void, size: usize) -> *mut c_void;
    fn mi_free(p: *mut c_void);
    fn mi_usable_size(p: *const c_void) -> usize;
}

unsafe extern "C" fn x_malloc(n: c_int) -> *mut c_void {
    // SAFETY: mi_malloc accepts any size and returns memory aligned to at least 8 bytes, or null.
    unsafe { mi_malloc(n.max(0) as usize) }
}

unsafe extern "C" fn x_free(p: *mut c_void) {
    // SAFETY: SQLite frees only what x_malloc or x_realloc returned.
    unsafe { mi_free(p) }
}

unsafe extern "C" fn x_realloc(p: *mut c_void, n: c_int) -> *mut c_void {
    // SAFETY: as x_free; SQLite never asks for a size below 1 here.
    unsafe { mi_realloc(p, n.max(0) as usize) }
}

unsafe extern "C" fn x_size(p: *mut c_void) -> c_int {
    // SAFETY: p came from x_malloc or x_realloc; SQLite's allocations are far below 2 GiB.
    unsafe { mi_usable_size(p).min(c_int::MAX as usize) as c_int }
}

unsafe extern "C" fn x_roundup(n: c_int) -> c_int {
    (n.max(0) + 7) & !7
}

unsafe extern "C" fn x_init(_: *mut c_void) -> c_int {
    ffi::SQLITE_OK
}

unsafe extern "C" fn x_shutdown(_: *mut c_void) {}

/// How long mimalloc keeps memory freed by the program before giving it back to the system. Its
/// default (a second) gave the pages back between two bursts of the same work and took them again
/// at once: under the province load 18 page faults a request, with the kernel clearing each fresh
/// page, about 4 % of the server's time. Ten seconds keeps what steady work reuses and still gives
/// back what one large export took, once it is over.
pub fn keep_freed_memory_briefly() {
    // SAFETY: sets one of mimalloc's options; any value is valid for this one.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, FREED_MEMORY_KEPT_MS) };
}

const FREED_MEMORY_KEPT_MS: std::ffi::c_long = 10_000;

/// `mi_option_purge_delay`, the sixteenth of mimalloc.h's `mi_option_e` (in mimalloc 2 and 3 alike),
/// which libmimalloc-sys does not name. The test below checks that it is the option whose default is
/// mimalloc's purge delay.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Configures SQLite's allocator. Must run before the first connection is opened; returns false
/// (and changes nothing) when SQLite had already started.
pub fn configure() -> bool {
    let methods = ffi::sqlite3_mem_methods {
        xMalloc: Some(x_malloc),
        xFree: Some(x_free),
        xRealloc: Some(x_realloc),
        xSize: Some(x_size),
        xRoundup: Some(x_roundup),
        xInit: Some(x_init),
        xShutdown: Some(x_shutdown),
        pAppData: std::ptr::null_mut(),
    };
    // SAFETY: called once at start-up, before any SQLite connection exists; SQLite copies the
    // methods structure, so a local is enough.
    unsafe {
        let statistics = ffi::sqlite3_config(ffi::SQLITE_CONFIG_MEMSTATUS, 0 as c_int);
        let allocator = ffi::sqlite3_config(ffi::SQLITE_CONFIG_MALLOC, &methods as *const ffi::sqlite3_mem_methods);
        statistics == ffi::SQLITE_OK && allocator == ffi::SQLITE_OK
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn freed_memory_is_kept_ten_seconds() {
        // SAFETY: reads and sets one of mimalloc's options.
        unsafe {
            if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
                // Only the purge delay defaults to a second: the number names the right option.
                assert_eq!(libmimalloc_sys::mi_option_get(super::MI_OPTION_PURGE_DELAY), 1000);
            }
            super::keep_freed_memory_briefly();
            assert_eq!(libmimalloc_sys::mi_option_get(super::MI_OPTION_PURGE_DELAY), 10_000);
        }
    }

    #[test]
    fn sqlite_runs_on_the_configured_allocator() {
        assert!(super::configure(), "SQLite accepts the allocator before it starts");
        // A database opened afterwards works: allocate, grow and free through the new methods.
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let store = store::Store::connect("sqlite::memory:", 1).await.unwrap();
            store.migrate().await.unwrap();
            assert!(store.is_empty().await.unwrap());
        });
    }
}
