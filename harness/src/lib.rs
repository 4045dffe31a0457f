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
pub mod blueprint;
pub mod budget;
pub mod capacity;
pub mod chain;
pub mod commands;
pub mod coverage;
pub mod deploy;
pub mod eval;
pub mod explain;
pub mod fixture;
pub mod html;
pub mod junit;
pub mod keys;
pub mod ledger;
pub mod parallel;
pub mod params;
pub mod plutus;
pub mod progress;
pub mod protocols;
pub mod replay;
pub mod report;
pub mod resolve;
pub mod rules;
pub mod scenario;
pub mod tx;
