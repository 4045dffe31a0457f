//! The corpus, replayed once: every fixture under `fixtures/`, over every core, checked in that
//! one pass for what CI gates, so no later step replays it again:
//! - the outcome it declares (a failing one for the rule it names, by the traced scripts);
//! - its transaction round-trips through CBOR byte for byte;
//! - its budget of record (`<fixture>.budget.json`) holds exactly the current figures.
//!
//! Besides: the compiled script sizes against `fixtures/scripts.budget.json`, and no baseline
//! without its fixture. Each problem names the fixture file.

use crate::common::{fixtures, fixtures_root};
use harness::{budget, parallel, params::Params, replay, replay::Replayed, report};
use pallas_codec::minicbor;
use pallas_primitives::conway;
use std::path::Path;

#[test]
fn every_fixture_meets_its_outcome_cbor_and_budget_of_record() {
    let params = Params::mainnet().expect("bundled parameters load");
    let files = fixtures();
    let problems: Vec<String> = parallel::map(&files, |file| check(file, &params))
        .into_iter()
        .flatten()
        .collect();
    assert!(
        problems.is_empty(),
        "{} problem(s) in {} fixtures:\n{}",
        problems.len(),
        files.len(),
        problems.join("\n")
    );
    println!(
        "{} fixtures: outcome, CBOR and budget as recorded",
        files.len()
    );
}

/// Everything wrong with one fixture, or with the steps of one chain.
fn check(file: &Path, params: &Params) -> Vec<String> {
    let replays = match replay::replay_path(file, params) {
        Ok(replays) => replays,
        Err(err) => return vec![format!("{}: cannot replay: {err}", file.display())],
    };
    let mut problems: Vec<String> = replays
        .steps
        .iter()
        .flat_map(|r| {
            [outcome(r, params), round_trip(r)]
                .into_iter()
                .flatten()
                .map(|p| format!("{}: {p}", r.scenario.subject()))
        })
        .collect();
    if !replays.not_run.is_empty() {
        problems.push(format!(
            "{}: steps not run: {}",
            file.display(),
            replays.not_run.join(", ")
        ));
    }
    match budget::against_baseline(file, &replays, false) {
        Ok(lines) => problems.extend(changes(&lines)),
        Err(err) => problems.push(err.to_string()),
    }
    problems
}

fn outcome(replayed: &Replayed, params: &Params) -> Option<String> {
    if replayed.matches() {
        return None;
    }
    let line = report::line(replayed, params);
    let errors: Vec<String> = replayed
        .runs()
        .filter(|r| !r.ok)
        .map(|r| format!("{}: {}", r.purpose, r.error.clone().unwrap_or_default()))
        .collect();
    Some(format!(
        "expected {}, actual {} {}",
        line.expected,
        report::actual_text(&line.actual),
        errors.join("; ")
    ))
}

fn round_trip(replayed: &Replayed) -> Option<String> {
    // A transaction the ledger refuses before its scripts run was never built.
    let bytes = &replayed.record.as_ref()?.built.bytes;
    let decoded: conway::Tx = match minicbor::decode(bytes) {
        Ok(tx) => tx,
        Err(err) => return Some(format!("transaction does not decode: {err}")),
    };
    let again = minicbor::to_vec(&decoded).expect("encoding into a Vec cannot fail");
    (again != *bytes).then(|| "re-encoded transaction differs".to_string())
}

/// The budget lines that fail the gate, each with the command that records them.
fn changes(lines: &[budget::Line]) -> Vec<String> {
    lines
        .iter()
        .filter(|l| !l.change.passes())
        .map(|l| {
            format!(
                "{}: budget {} {:?}: {} -> {} (record with `harness budget --update`)",
                l.subject,
                l.figure,
                l.change,
                l.baseline.as_deref().unwrap_or("-"),
                l.current.as_deref().unwrap_or("-")
            )
        })
        .collect()
}

#[test]
fn script_sizes_and_baseline_files_are_as_recorded() {
    let root = fixtures_root();
    let mut lines = budget::scripts_against_baseline(&root, false).expect("sizes baseline reads");
    lines.extend(budget::orphan_lines(&[root], false).expect("fixtures/ is readable"));
    let problems = changes(&lines);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
