//! Work over every core: the fixtures of a replay, the attacks of a catalogue, the probes of a
//! capacity search. Sits beside the pipeline; [`crate::eval`] relies on it for its per-thread
//! cache of decoded scripts.
//!
//! Each worker is a thread with [`LARGE_STACK`], kept for the whole of one [`map`], so the
//! scripts a worker decodes stay decoded for every item it takes. Items are taken one at a time
//! from a shared counter (a large fixture does not hold back a queue behind it) and results
//! come back in the order of the items, whatever the order they finished in.

use std::{
    cell::Cell,
    sync::atomic::{AtomicUsize, Ordering},
};

/// Stack for the `uplc` machine and flat decoder: deep programs and large script contexts recurse
/// further than a thread's default 2 MiB allows.
const LARGE_STACK: usize = 256 << 20;

/// The environment variable that sets how many workers a [`map`] uses (default: every core).
pub const JOBS_VAR: &str = "HARNESS_JOBS";

thread_local! {
    /// Whether this thread was started with [`LARGE_STACK`].
    static LARGE: Cell<bool> = const { Cell::new(false) };
}

/// How many workers a [`map`] starts: `HARNESS_JOBS` when it is a positive integer, else the
/// number of cores.
pub fn jobs() -> usize {
    std::env::var(JOBS_VAR)
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// `work` on every item over [`jobs`] workers with large stacks; the results in item order.
/// A panic in `work` is a bug and is passed on to the caller.
pub fn map<T: Sync, R: Send>(items: &[T], work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let workers = jobs().min(items.len()).max(1);
    let (next, work) = (&next, &work);
    let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .filter_map(|_| {
                std::thread::Builder::new()
                    .stack_size(LARGE_STACK)
                    .spawn_scoped(scope, move || {
                        LARGE.with(|large| large.set(true));
                        drain(items, next, work)
                    })
                    .ok()
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    // Whatever no worker took (none could be started): here, on this thread's stack.
    done.extend(drain(items, next, work));
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

/// [`map`], with the run's progress on standard error ([`crate::progress`]) under `label`.
pub fn map_shown<T: Sync, R: Send>(
    label: &str,
    items: &[T],
    work: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let progress = crate::progress::Progress::new(label, items.len());
    let done = map(items, |item| {
        let result = work(item);
        progress.tick();
        result
    });
    progress.finish();
    done
}

/// Takes items from `next` until none is left, with their positions.
fn drain<T, R>(items: &[T], next: &AtomicUsize, work: impl Fn(&T) -> R) -> Vec<(usize, R)> {
    let mut done = Vec::new();
    loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        let Some(item) = items.get(i) else {
            return done;
        };
        done.push((i, work(item)));
    }
}

/// Runs `work` with [`LARGE_STACK`]: here when this thread has it (a [`map`] worker), else on a
/// thread of its own. The error says why no thread could run it.
pub fn on_large_stack<T: Send>(work: impl FnOnce() -> T + Send) -> Result<T, String> {
    if LARGE.with(Cell::get) {
        return Ok(work());
    }
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(LARGE_STACK)
            .spawn_scoped(scope, || {
                LARGE.with(|large| large.set(true));
                work()
            })
            .map_err(|e| format!("cannot start a worker thread: {e}"))?
            .join()
            .map_err(|_| "a worker thread panicked".to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_item_order() {
        let items: Vec<u64> = (0..100).collect();
        let squares = map(&items, |&n| {
            // Uneven work, so workers finish out of order.
            std::thread::sleep(std::time::Duration::from_micros((n % 7) * 50));
            n * n
        });
        assert_eq!(squares, items.iter().map(|n| n * n).collect::<Vec<_>>());
    }

    #[test]
    fn workers_have_large_stacks() {
        assert!(map(&[(); 3], |_| LARGE.with(Cell::get)).iter().all(|&l| l));
        assert!(!LARGE.with(Cell::get));
        assert_eq!(on_large_stack(|| LARGE.with(Cell::get)), Ok(true));
    }

    #[test]
    fn an_empty_list_maps_to_nothing() {
        assert!(map(&Vec::<u8>::new(), |_| 1).is_empty());
    }
}
