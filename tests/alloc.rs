//! A counting allocator for the tests and benchmarks that bound memory: every call goes to the system allocator,
//! and the bytes held are counted for the whole process and for each thread. A binary that wants the counts
//! installs it with `#[global_allocator] static ALLOCATOR: Counting = Counting;`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The allocator.
pub struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static THREAD_CURRENT: Cell<usize> = const { Cell::new(0) };
    static THREAD_PEAK: Cell<usize> = const { Cell::new(0) };
}

// The one unsafe item of the project: a test allocator. SAFETY: every call is forwarded to the system allocator
// unchanged; only the byte counts are recorded, in atomics and const-initialised thread locals, which do not
// allocate.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(now, Ordering::Relaxed);
        let _ = THREAD_CURRENT.try_with(|c| {
            let now = c.get() + layout.size();
            c.set(now);
            let _ = THREAD_PEAK.try_with(|p| p.set(p.get().max(now)));
        });
        // SAFETY: same layout as given.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
        let _ = THREAD_CURRENT.try_with(|c| c.set(c.get().saturating_sub(layout.size())));
        // SAFETY: the pointer came from `alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

/// Runs `f` and returns its result with the most heap it held at once beyond what was held before, counted over
/// the whole process.
pub fn peak_of<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = CURRENT.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let value = f();
    (value, PEAK.load(Ordering::Relaxed).saturating_sub(base))
}

/// Runs `f` and returns its result with the most heap the calling thread held at once beyond what it held before
/// (what other threads allocate, such as a server's runtime, is not counted).
pub fn thread_peak_of<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = THREAD_CURRENT.with(Cell::get);
    THREAD_PEAK.with(|p| p.set(base));
    let value = f();
    (value, THREAD_PEAK.with(Cell::get).saturating_sub(base))
}
