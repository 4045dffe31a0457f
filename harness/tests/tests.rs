//! The harness's integration tests, one binary for all (each test file linked on its own would
//! link uplc and aiken-project once per file). What belongs in each module:

/// What the fixture-wide tests share, and the property runner of the loans, options and
/// aftermarket property tests.
mod common;

/// Property tests of the aftermarket observer and beacon script: purchases, acceptances and
/// claims of random batches, and the targeted mutations each refused for its rule.
mod aftermarket_properties;
/// The Aiken tests of `validators/` and the Aiken format check.
mod aiken;
/// The threat catalogue over every passing fixture, bounded per class.
mod attacks;
/// Every kind of malformed fixture: an error naming file, JSON path and what was expected.
mod bad_input;
/// The budget gate as CI runs it, on scratch corpora.
mod budget_gate;
/// The `harness` binary as a user runs it: exit codes, formats, files written.
mod cli;
/// The corpus, replayed once: outcome, CBOR round trip and budget of record per fixture.
mod corpus;
/// The evaluator gives what `uplc`'s own per-redeemer path gives, redeemer for redeemer.
mod eval_paths;
/// `lib/ledger` reads the V3 script context in the ledger's order.
mod ledger_layout;
/// Property tests of the loans payment observer, with a Rust model of its arithmetic.
mod loans_properties;
/// Property tests of the options active beacon script, with a Rust model of purchases,
/// executions and expired closes.
mod options_properties;
/// Property tests of the swap validators, with their Rust model of swaps.
mod swaps_properties;
