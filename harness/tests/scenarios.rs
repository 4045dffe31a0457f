//! Replays every fixture under `fixtures/` in the conformance style: each must reach the outcome
//! it declares (failing ones for the rule they name), and every built transaction must round-trip
//! through CBOR byte for byte. Each failure names the fixture file.

use harness::{params::Params, replay, report};
use pallas_codec::minicbor;
use pallas_primitives::conway;
use std::path::PathBuf;

fn fixtures() -> Vec<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures");
    let files = replay::collect(&[root]).expect("fixtures/ is readable");
    assert!(!files.is_empty(), "no fixture found under fixtures/");
    files
}

/// Runs `check` on every fixture over the machine's cores and gathers the problems it reports.
fn each_fixture(check: impl Fn(&PathBuf, &Params) -> Option<String> + Sync) -> Vec<String> {
    let params = Params::mainnet().expect("bundled parameters load");
    let files = fixtures();
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = files.len().div_ceil(workers);
    std::thread::scope(|scope| {
        let handles: Vec<_> = files
            .chunks(chunk)
            .map(|part| {
                scope.spawn(|| {
                    part.iter()
                        .filter_map(|f| check(f, &params))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("worker does not panic"))
            .collect()
    })
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
