//! What the fixture-wide integration tests share: the fixture list and a parallel map.

use harness::replay;
use std::path::{Path, PathBuf};

/// Every fixture under `fixtures/`.
pub fn fixtures() -> Vec<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures");
    let files = replay::collect(&[root]).expect("fixtures/ is readable");
    assert!(!files.is_empty(), "no fixture found under fixtures/");
    files
}

/// `work` on every file over the machine's cores. Files are dealt round-robin, so the large
/// fixtures (ten swaps) do not all land on one worker; results come back grouped by worker.
pub fn over_cores<T: Send>(files: &[PathBuf], work: impl Fn(&Path) -> T + Sync) -> Vec<T> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let work = &work;
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                scope.spawn(move || {
                    files
                        .iter()
                        .skip(w)
                        .step_by(workers)
                        .map(|f| work(f))
                        .collect::<Vec<T>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("worker does not panic"))
            .collect()
    })
}
