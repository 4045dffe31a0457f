//! Replay: one fixture from file to verdict.
//!
//! The fixture is resolved against the deployment of record and its transaction is built and
//! evaluated until the fee covers the Conway minimum for the measured execution units; those are
//! the figures reported. When a script fails (or the fixture expects one to), the same fixture is
//! resolved against the traced deployment and replayed again, and the rule IDs the failing
//! scripts logged are compared with the one the fixture names.

use crate::{
    deploy::{Build, Deployment},
    eval::{self, RedeemerRun},
    fixture,
    ledger::Refusal,
    params::{ExUnits, Params},
    resolve,
    scenario::{Expect, Scenario, TxSpec},
    tx::{self, Built},
};
use pallas_primitives::conway::RedeemersKey;
use serde::Serialize;
use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
};

/// A fixture that could not be replayed: bad input, never a script verdict.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum Error {
    #[error(transparent)]
    #[diagnostic(transparent)]
    Fixture(#[from] fixture::Error),
    /// The fixture resolves but its transaction cannot be built.
    #[error("{}: the transaction cannot be built", path.display())]
    #[diagnostic(code(harness::replay::build))]
    Build {
        path: PathBuf,
        /// What the builder refused, rendered as its own diagnostic (with its code).
        #[source]
        #[diagnostic_source]
        source: tx::Error,
    },
    /// The transaction is built but cannot be evaluated.
    #[error("{}: the transaction cannot be evaluated: {source}", path.display())]
    #[diagnostic(code(harness::replay::eval))]
    Eval { path: PathBuf, source: eval::Error },
    #[error("{}: the fee did not settle after {rounds} rounds", path.display())]
    #[diagnostic(code(harness::replay::fee))]
    FeeDoesNotSettle { path: PathBuf, rounds: usize },
    #[error(transparent)]
    #[diagnostic(transparent)]
    Deployment(#[from] DeploymentError),
    #[error("{}: no such file or directory", path.display())]
    #[diagnostic(
        code(harness::replay::not_found),
        help("give fixture files or directories that exist")
    )]
    NotFound { path: PathBuf },
    /// A chain's step passed but the ledger cannot move on from it.
    #[error("{}: step {step}: {message}", path.display())]
    #[diagnostic(code(harness::replay::chain))]
    Chain {
        path: PathBuf,
        step: String,
        message: String,
    },
    #[error("{}: cannot read the directory: {source}", path.display())]
    #[diagnostic(code(harness::replay::io))]
    ReadDir {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The compiled validators could not be made into a deployment: a bug in the build, never
/// user input. The deployment keeps only the message of what went wrong.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("the {build:?} deployment cannot be made from its compiled blueprint: {message}")]
#[diagnostic(
    code(harness::deployment),
    help("the blueprint is compiled by harness/build.rs; rebuild the harness")
)]
pub struct DeploymentError {
    pub build: Build,
    pub message: String,
}

/// The deployment of one build, its failure typed.
pub fn deployment(build: Build) -> Result<&'static Deployment, DeploymentError> {
    Deployment::of(build).map_err(|message| DeploymentError { build, message })
}

/// A transaction built with its fee settled, and what each redeemer did.
#[derive(Debug, Clone)]
pub struct Measured {
    pub built: Built,
    pub runs: Vec<RedeemerRun>,
    /// Build-and-evaluate rounds it took to settle the fee.
    pub rounds: usize,
}

impl Measured {
    /// Execution units of all redeemers together.
    pub fn total(&self) -> ExUnits {
        self.runs.iter().fold(ExUnits::default(), |acc, r| ExUnits {
            mem: acc.mem + r.mem,
            steps: acc.steps + r.cpu,
        })
    }

    /// True when every redeemer passed.
    pub fn all_ok(&self) -> bool {
        self.runs.iter().all(|r| r.ok)
    }
}

/// What actually happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum Actual {
    /// Every script passed and the transaction is within the per-transaction limits.
    Ok,
    /// Some script failed; `rules` are the rule IDs the traced build logged while failing.
    Fail { rules: Vec<String> },
    /// Every script passed but the transaction exceeds a per-transaction limit.
    OverLimit { limits: Vec<String> },
    /// A chain's step never reached: an earlier step did not do what it expected.
    NotRun,
    /// The ledger refuses the transaction before any script runs (the builder's diagnostic).
    Refused { refusal: Refusal, reason: String },
}

/// The verdict on one fixture.
#[derive(Debug, Clone)]
pub struct Replayed {
    pub scenario: Scenario,
    /// The deployment of record's run: the figures that count (none when the ledger refuses
    /// the transaction before its scripts run).
    pub record: Option<Measured>,
    pub actual: Actual,
    /// Limits the transaction exceeds (memory, steps, size).
    pub over_limits: Vec<String>,
    /// The traced deployment's runs, when they were needed (a script failed, or the fixture
    /// expects one to): what the failing checks logged.
    pub traced: Option<Vec<RedeemerRun>>,
}

impl Replayed {
    /// True when the actual outcome is the one the fixture expects: a fixture that must fail
    /// for a rule fails when the traced scripts name that rule, or one of the checks the
    /// catalogue says the rule is enforced through (`via`).
    pub fn matches(&self) -> bool {
        match (&self.scenario.expect, &self.actual) {
            (Expect::Ok, Actual::Ok) => true,
            (Expect::Unlabelled(purpose), Actual::Fail { rules }) => {
                rules.is_empty()
                    && self
                        .runs()
                        .any(|r| !r.ok && r.purpose.starts_with(purpose.as_str()))
            }
            (Expect::Refused(expected), Actual::Refused { refusal, .. }) => expected == refusal,
            (Expect::Refused(expected), Actual::OverLimit { limits }) => {
                limits.iter().any(|l| limit_refusal(l) == *expected)
            }
            (Expect::Fail(rule), Actual::Fail { rules }) => {
                let via = crate::rules::find(rule)
                    .map(|r| r.via.as_slice())
                    .unwrap_or_default();
                rules
                    .iter()
                    .any(|logged| logged == rule || via.contains(&logged.as_str()))
            }
            _ => false,
        }
    }

    /// The record run's redeemers (none for a refused transaction).
    pub fn runs(&self) -> impl Iterator<Item = &RedeemerRun> {
        self.record.iter().flat_map(|m| &m.runs)
    }

    /// The verdict on a transaction the ledger refuses before its scripts run.
    pub fn refused(scenario: Scenario, source: &tx::Error) -> Option<Replayed> {
        Some(Replayed {
            scenario,
            record: None,
            actual: Actual::Refused {
                refusal: source.refusal()?,
                reason: source.to_string(),
            },
            over_limits: Vec::new(),
            traced: None,
        })
    }
}

/// The ledger's failure for an exceeded limit of [`over_limits`] (`size …` or `mem`/`steps …`).
fn limit_refusal(limit: &str) -> Refusal {
    if limit.starts_with("size") {
        Refusal::MaxTxSizeUTxO
    } else {
        Refusal::ExUnitsTooBigUTxO
    }
}

/// What replaying one file gives: a fixture's one verdict, or a chain's steps in order (up to
/// the first that did not do what it expected) and the names of the steps never reached.
#[derive(Debug, Clone)]
pub struct Replays {
    pub steps: Vec<Replayed>,
    pub not_run: Vec<String>,
}

impl Replays {
    /// True when every step ran and did what it expected.
    pub fn matches(&self) -> bool {
        self.not_run.is_empty() && self.steps.iter().all(Replayed::matches)
    }
}

/// Replays the fixture or chain (`*.chain.json`) at `path` under `params`.
pub fn replay_path(path: &Path, params: &Params) -> Result<Replays, Error> {
    if fixture::is_chain(path) {
        return crate::chain::replay_chain(path, params);
    }
    Ok(Replays {
        steps: vec![replay_file(path, params)?],
        not_run: Vec::new(),
    })
}

/// The runs of the fixture or chain at `path` on the deployment of record alone, one per step:
/// what its scripts of record do, without the traced replay that names rules. A chain stops
/// after the first step whose acceptance is not the one it expects ([`crate::chain::record_runs`]);
/// a transaction the builder refuses, as expected, has no run (no script can change that).
/// Mutation testing compares these runs, made under a mutant's stand-ins, with the originals'.
pub fn record_runs(path: &Path, params: &Params) -> Result<Vec<Measured>, Error> {
    if fixture::is_chain(path) {
        return crate::chain::record_runs(path, params);
    }
    let fixture = fixture::load(path)?;
    let record = deployment(Build::Record)?;
    let scenario = resolve::resolve(&fixture, path, record, &params.slot_config)?;
    // A transaction the builder refuses, as the fixture expects, runs no script.
    Ok(match settle_or_refuse(scenario, params, path)? {
        Ok((_, run)) => vec![run],
        Err(_) => Vec::new(),
    })
}

/// Replays one fixture file under `params`.
pub fn replay_file(path: &Path, params: &Params) -> Result<Replayed, Error> {
    let fixture = fixture::load(path)?;
    let record = deployment(Build::Record)?;
    let scenario = resolve::resolve(&fixture, path, record, &params.slot_config)?;
    let (scenario, measured) = match settle_or_refuse(scenario, params, path)? {
        Ok(settled) => settled,
        Err(refused) => return Ok(refused),
    };
    judge(scenario, measured, params, || {
        let traced = deployment(Build::Traced)?;
        let traced_scenario = resolve::resolve(&fixture, path, traced, &params.slot_config)?;
        settle(&traced_scenario.tx, params, path)
    })
}

/// The scenario's transaction settled, or, when the fixture expects the ledger to refuse it and
/// the builder finds a ledger rule broken, the verdict on that refusal (right or wrong rule).
pub fn settle_or_refuse(
    scenario: Scenario,
    params: &Params,
    path: &Path,
) -> Result<Result<(Scenario, Measured), Replayed>, Error> {
    match settle(&scenario.tx, params, path) {
        Ok(measured) => Ok(Ok((scenario, measured))),
        Err(Error::Build { source, path }) => match scenario.expect {
            Expect::Refused(_) => Replayed::refused(scenario, &source)
                .map(Err)
                .ok_or(Error::Build { source, path }),
            _ => Err(Error::Build { source, path }),
        },
        Err(other) => Err(other),
    }
}

/// The verdict on a scenario measured with the deployment of record; `traced` gives the same
/// transaction's run on the traced deployment, asked for only when a script fails or the
/// scenario expects one to, to learn which rules the failing scripts name.
pub fn judge(
    scenario: Scenario,
    measured: Measured,
    params: &Params,
    traced: impl FnOnce() -> Result<Measured, Error>,
) -> Result<Replayed, Error> {
    let over_limits = over_limits(&measured, params);
    let wants_failure = matches!(scenario.expect, Expect::Fail(_) | Expect::Unlabelled(_));
    let mut traced_runs = None;
    let actual = if measured.all_ok() && !wants_failure {
        if over_limits.is_empty() {
            Actual::Ok
        } else {
            Actual::OverLimit {
                limits: over_limits.clone(),
            }
        }
    } else if measured.all_ok() {
        Actual::Ok
    } else {
        let runs = traced()?.runs;
        let rules = failing_rules(&runs);
        traced_runs = Some(runs);
        Actual::Fail { rules }
    };
    Ok(Replayed {
        scenario,
        record: Some(measured),
        actual,
        over_limits,
        traced: traced_runs,
    })
}

/// Builds and evaluates until the fee covers the minimum for the measured execution units.
///
/// Execution units enter the transaction (redeemers) and the fee enters the script context, so
/// both are iterated together; after two rounds the fee only rises, which guarantees an end.
pub fn settle(spec: &TxSpec, params: &Params, path: &Path) -> Result<Measured, Error> {
    const ROUNDS: usize = 8;
    let mut fee = 0;
    let mut units: BTreeMap<RedeemersKey, ExUnits> = BTreeMap::new();
    for round in 0..ROUNDS {
        let built = tx::build(spec, params, fee, &units).map_err(|source| Error::Build {
            path: path.into(),
            source,
        })?;
        let runs = eval::evaluate(&built, params).map_err(|source| Error::Eval {
            path: path.into(),
            source,
        })?;
        let measured: BTreeMap<_, _> = runs
            .iter()
            .map(|r| {
                (
                    r.key.clone(),
                    ExUnits {
                        mem: r.mem,
                        steps: r.cpu,
                    },
                )
            })
            .collect();
        let result = Measured {
            built,
            runs,
            rounds: round + 1,
        };
        let needed = params.min_fee(
            result.built.size(),
            result.total(),
            result.built.reference_script_bytes,
        );
        if needed <= fee && measured == units {
            return Ok(result);
        }
        fee = if round < 2 { needed } else { needed.max(fee) };
        units = measured;
    }
    Err(Error::FeeDoesNotSettle {
        path: path.into(),
        rounds: ROUNDS,
    })
}

/// The per-transaction limits a transaction exceeds (the ledger rules the builder cannot check
/// before evaluation; it checks each output's).
pub fn over_limits(measured: &Measured, params: &Params) -> Vec<String> {
    limits_exceeded(measured.total(), measured.built.size(), params)
}

/// The per-transaction limits that `total` execution units and `size` bytes exceed.
pub fn limits_exceeded(total: ExUnits, size: u64, params: &Params) -> Vec<String> {
    let max = params.max_tx_ex_units;
    let mut over = Vec::new();
    if total.mem > max.mem {
        over.push(format!("memory {} > {}", total.mem, max.mem));
    }
    if total.steps > max.steps {
        over.push(format!("steps {} > {}", total.steps, max.steps));
    }
    if size > params.max_tx_size {
        over.push(format!("size {size} > {}", params.max_tx_size));
    }
    over
}

/// Rule IDs logged by the failing redeemers, in order of appearance, without repeats.
pub fn failing_rules(runs: &[RedeemerRun]) -> Vec<String> {
    let mut rules: Vec<String> = Vec::new();
    for run in runs.iter().filter(|r| !r.ok) {
        for word in run.traces.iter().flat_map(|t| t.split_whitespace()) {
            if is_rule_id(word) && !rules.iter().any(|r| r == word) {
                rules.push(word.to_string());
            }
        }
    }
    rules
}

/// A rule ID: upper-case words and numbers joined by dashes, starting with a protocol's prefix.
fn is_rule_id(word: &str) -> bool {
    let prefixed = crate::protocols::all()
        .iter()
        .flat_map(|p| p.rule_prefixes)
        .any(|prefix| word.starts_with(prefix));
    prefixed
        && word
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
}

/// Every `.json` fixture under the given files and directories, sorted, skipping the parameter
/// files and JSON schemas that live beside fixtures.
pub fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let mut found = Vec::new();
    for path in paths {
        if path.is_dir() {
            walk(path, &mut found)?;
        } else if path.exists() {
            found.push(path.clone());
        } else {
            return Err(Error::NotFound { path: path.clone() });
        }
    }
    found.sort();
    found.dedup();
    Ok(found)
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>) -> Result<(), Error> {
    let unreadable = |source| Error::ReadDir {
        path: dir.to_path_buf(),
        source,
    };
    for entry in std::fs::read_dir(dir).map_err(unreadable)? {
        let path = entry.map_err(unreadable)?.path();
        if is_set_aside(&path) {
            continue;
        }
        if path.is_dir() {
            walk(&path, found)?;
        } else if is_fixture(&path) {
            found.push(path);
        }
    }
    Ok(())
}

/// Files and directories whose name starts with `_` or `.` are set aside: a place for results,
/// notes and drafts beside the fixtures, which a directory walk never takes for fixtures.
fn is_set_aside(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('_') || n.starts_with('.'))
}

/// Fixture files (and chains, `*.chain.json`) are `.json` files other than schemas, parameter
/// sets and budget baselines.
fn is_fixture(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    name.ends_with(".json")
        && !name.ends_with(".budget.json")
        && !name.starts_with("protocol-params")
        && name != "schema.json"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_ids_are_found_in_traces() {
        let run = |ok, traces: &[&str]| RedeemerRun {
            key: RedeemersKey {
                tag: pallas_primitives::conway::RedeemerTag::Spend,
                index: 0,
            },
            purpose: String::new(),
            ok,
            mem: 0,
            cpu: 0,
            traces: traces.iter().map(|t| t.to_string()).collect(),
            error: None,
        };
        let runs = [
            run(true, &["<expected> SWAP-OW-EXEC-03"]),
            run(
                false,
                &[
                    "<expected> SWAP-OW-EXEC-09",
                    "SWAP-COM-05",
                    "swap-lower",
                    "SWAP-OW-EXEC-09",
                ],
            ),
        ];
        assert_eq!(failing_rules(&runs), vec!["SWAP-OW-EXEC-09", "SWAP-COM-05"]);
    }

    #[test]
    fn fixture_files_skip_schemas_and_parameters() {
        assert!(is_fixture(Path::new("fixtures/swaps/a.json")));
        assert!(!is_fixture(Path::new("fixtures/schema.json")));
        assert!(!is_fixture(Path::new("fixtures/protocol-params.json")));
        assert!(!is_fixture(Path::new("fixtures/a.budget.json")));
        assert!(!is_fixture(Path::new("fixtures/README.md")));
        assert!(is_set_aside(Path::new("fixtures/swaps/_results.json")));
        assert!(is_set_aside(Path::new("fixtures/_drafts")));
        assert!(!is_set_aside(Path::new("fixtures/swaps/a_b.json")));
    }

    /// A fill fixture of the corpus with its expectation (and redeemer, when given) replaced.
    fn replayed_with(
        name: &str,
        expect: serde_json::Value,
        redeemer: Option<serde_json::Value>,
    ) -> Replayed {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../fixtures/swaps/one_way/fill")
            .join(name);
        let mut json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        json["expect"] = expect;
        if let Some(redeemer) = redeemer {
            json["tx"]["inputs"][0]["redeemer"] = redeemer;
        }
        let file =
            std::env::temp_dir().join(format!("harness-expect-{}-{name}", std::process::id()));
        std::fs::write(&file, json.to_string()).unwrap();
        let replayed = replay_file(&file, &Params::mainnet().unwrap()).unwrap();
        std::fs::remove_file(&file).ok();
        replayed
    }

    #[test]
    fn an_unlabelled_rejection_matches_only_a_failure_that_names_no_rule() {
        let unlabelled = |purpose: &str| serde_json::json!({"unlabelled": purpose});
        let cast = Some(serde_json::json!({"constructor": 9, "fields": []}));
        let base = "fill_partial_token_to_ada.json";
        assert!(replayed_with(base, unlabelled("spend swap1"), cast.clone()).matches());
        // Another redeemer's purpose is not the one that failed.
        assert!(!replayed_with(base, unlabelled("mint"), cast).matches());
        // A failure that names its rule is a labelled one.
        assert!(
            !replayed_with(
                "fill_ask_one_unit_short.json",
                unlabelled("spend swap1"),
                None
            )
            .matches()
        );
        // A transaction every script accepts is no rejection.
        assert!(!replayed_with(base, unlabelled("spend swap1"), None).matches());
    }
}
