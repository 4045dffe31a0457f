//! Replays every fixture under `fixtures/` in the conformance style: each must reach the outcome
//! it declares (failing ones for the rule they name), and every built transaction must round-trip
//! through CBOR byte for byte. Each failure names the fixture file.

mod common;

use common::{fixtures, over_cores};
use harness::{params::Params, replay, report};
use pallas_codec::minicbor;
use pallas_primitives::conway;
use std::path::Path;

/// Runs `check` on every fixture over the machine's cores and gathers the problems it reports.
fn each_fixture(check: impl Fn(&Path, &Params) -> Option<String> + Sync) -> Vec<String> {
    let params = Params::mainnet().expect("bundled parameters load");
    over_cores(&fixtures(), |f| check(f, &params))
        .into_iter()
        .flatten()
        .collect()
}

#[test]
fn every_fixture_reaches_its_declared_outcome() {
    let problems = each_fixture(|file, params| match replay::replay_file(file, params) {
        Ok(replayed) if replayed.matches() => None,
        Ok(replayed) => {
            let line = report::line(&replayed, params);
            let traces: Vec<String> = replayed
                .record
                .runs
                .iter()
                .filter(|r| !r.ok)
                .map(|r| format!("{}: {}", r.purpose, r.error.clone().unwrap_or_default()))
                .collect();
            Some(format!(
                "{}: expected {}, actual {} {}",
                file.display(),
                line.expected,
                report::actual_text(&line.actual),
                traces.join("; ")
            ))
        }
        Err(err) => Some(format!("{}: cannot replay: {err}", file.display())),
    });
    assert!(
        problems.is_empty(),
        "{} fixture(s) misbehave:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn every_transaction_round_trips_through_cbor() {
    let problems = each_fixture(|file, params| {
        let replayed = replay::replay_file(file, params).ok()?;
        let bytes = &replayed.record.built.bytes;
        let decoded: conway::Tx = match minicbor::decode(bytes) {
            Ok(tx) => tx,
            Err(err) => {
                return Some(format!(
                    "{}: transaction does not decode: {err}",
                    file.display()
                ));
            }
        };
        let again = minicbor::to_vec(&decoded).expect("encoding into a Vec cannot fail");
        (again != *bytes).then(|| format!("{}: re-encoded transaction differs", file.display()))
    });
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
