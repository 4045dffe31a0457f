//! The off-chain harness of p2p-defi-kernel: it replays scenario fixtures as real Conway
//! transactions through the compiled validators and reports what each script costs.
//!
//! Pipeline: [`fixture`] (JSON as written) → [`resolve`] (names to bytes, per [`deploy`]ment) →
//! [`scenario`] (a checked, resolved transaction description) → [`tx`] (a balanced Conway
//! transaction, fee included) → [`eval`] (each redeemer in the CEK machine) → [`replay`]
//! (outcome against the fixture's expectation) → [`report`] (table, markdown, JSON).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod attack;
pub mod budget;
pub mod capacity;
pub mod commands;
pub mod coverage;
pub mod deploy;
pub mod eval;
pub mod fixture;
pub mod keys;
pub mod ledger;
pub mod params;
pub mod protocols;
pub mod replay;
pub mod report;
pub mod resolve;
pub mod rules;
pub mod scenario;
pub mod tx;

/// Stack for the `uplc` machine and flat decoder: deep programs and large script contexts recurse
/// further than a test thread's default 2 MiB allows.
const LARGE_STACK: usize = 256 << 20;

/// Runs `work` on a thread with [`LARGE_STACK`] and returns its result, or why it could not run.
pub(crate) fn on_large_stack<T: Send>(work: impl FnOnce() -> T + Send) -> Result<T, String> {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(LARGE_STACK)
            .spawn_scoped(scope, work)
            .map_err(|e| format!("cannot start a worker thread: {e}"))?
            .join()
            .map_err(|_| "a worker thread panicked".to_string())
    })
}
