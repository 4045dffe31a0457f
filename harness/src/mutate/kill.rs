//! Killing mutants: each is compiled in process with `aiken-project` (silent traces, as the
//! scripts of record) in a copy of `validators/` of its worker's own, and the fixtures and
//! chains that run a script it changes are replayed with the mutant in the script's place.
//!
//! The mutant runs under the hash and parameters of the script it mutates
//! ([`crate::eval::with_stand_ins`]), so each transaction is byte for byte the fixture's and
//! only the code differs: recompiled hashes would move policy ids, addresses and with them value
//! orders and fees, none of which is behaviour of the mutated check. A fixture's outcome is what
//! the scripts of record do with each of its steps (accept, reject, exceed a limit); the mutant
//! is killed at the first fixture whose outcome differs from the original scripts'. The
//! transactions are those replay built for the original scripts, evaluated again.

use super::{Mutant, Status, operators::Types};
use crate::{
    deploy::{Build, Deployment},
    eval::{self, RedeemerRun},
    fixture,
    params::{ExUnits, Params},
    replay,
    tx::Built,
};
use aiken_lang::ast::Tracing;
use aiken_project::{Project, options::BlueprintExport, telemetry::EventListener};
use std::{
    cell::RefCell,
    collections::{BTreeSet, HashMap},
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

/// What the scripts of record did with one step of a fixture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Accepted,
    Rejected,
    OverLimit,
}

impl Outcome {
    /// What the scripts of record did with the transaction `built`, running `runs`.
    fn of(built: &Built, runs: &[RedeemerRun], params: &Params) -> Outcome {
        let total = runs.iter().fold(ExUnits::default(), |acc, r| ExUnits {
            mem: acc.mem + r.mem,
            steps: acc.steps + r.cpu,
        });
        if !runs.iter().all(|r| r.ok) {
            Outcome::Rejected
        } else if replay::limits_exceeded(total, built.size(), params).is_empty() {
            Outcome::Accepted
        } else {
            Outcome::OverLimit
        }
    }
}

/// One fixture or chain as the original scripts run it: each step's transaction, as replay
/// built it with its fee settled, and its outcome.
#[derive(Debug, Clone)]
struct Baseline {
    path: PathBuf,
    steps: Vec<(Built, Outcome)>,
    /// The serialised scripts its redeemers run.
    scripts: Vec<Vec<u8>>,
    /// The rules it covers (a chain: its steps').
    rules: Vec<String>,
    /// How long evaluating its transactions took.
    time: Duration,
}

/// Why mutants cannot be judged at all.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum Error {
    #[error(transparent)]
    #[diagnostic(transparent)]
    Replay(#[from] replay::Error),
    #[error("the unmutated validators do not compile: {message}")]
    #[diagnostic(code(harness::mutate::compile))]
    Compile { message: String },
    #[error(
        "the unmutated validators compile to other scripts than the harness was built with ({scripts} differ)"
    )]
    #[diagnostic(
        code(harness::mutate::stale),
        help("rebuild the harness (`cargo build -p harness`) after changing validators/")
    )]
    Stale { scripts: usize },
    #[error("{}: {message}", path.display())]
    #[diagnostic(code(harness::mutate::io))]
    Io { path: PathBuf, message: String },
    #[error("{0}")]
    #[diagnostic(code(harness::mutate::blueprint))]
    Blueprint(String),
}

/// The compiled corpus against which mutants are judged.
pub struct Judge {
    params: Params,
    record: &'static Deployment,
    /// `validators/` of the repository.
    validators: PathBuf,
    baselines: Vec<Baseline>,
    /// Where the workers' copies of `validators/` go (removed when the judge is dropped).
    scratch: PathBuf,
    /// The validator files a mutant can change: the only ones the copies compile.
    keep: BTreeSet<String>,
}

struct Silent;
impl EventListener for Silent {}

/// Where this process copies `validators/` to.
fn scratch() -> PathBuf {
    std::env::temp_dir().join(format!("harness-mutate-{}", std::process::id()))
}

/// Checks that `validators` compiles to the scripts the harness was built with, and gives the
/// types of the expressions of each of its modules, by Aiken module name, for the operators
/// that need them.
pub fn original_types(validators: &Path) -> Result<HashMap<String, Types>, Error> {
    let record = replay::deployment(Build::Record).map_err(replay::Error::from)?;
    let copy = fresh_copy(validators, &scratch().join("original"), None)?;
    let compiled = compile(&copy, true);
    let _ = std::fs::remove_dir_all(&copy);
    // The scratch directory itself, unless a judge's copies are in it already.
    let _ = std::fs::remove_dir(scratch());
    let (json, types) = compiled.map_err(|message| Error::Compile { message })?;
    let changed = record
        .changed_by(&json)
        .map_err(|e| Error::Blueprint(e.to_string()))?;
    if !changed.is_empty() {
        return Err(Error::Stale {
            scripts: changed.len(),
        });
    }
    Ok(types)
}

impl Judge {
    /// Replays every fixture of `fixtures` with the original scripts (over every core): the
    /// outcomes mutants of `protocols` are judged against.
    pub fn new(
        validators: &Path,
        protocols: &[String],
        fixtures: &[PathBuf],
        params: Params,
    ) -> Result<Judge, Error> {
        let keep =
            super::sources::dependent_validators(validators, protocols).map_err(|e| Error::Io {
                path: validators.to_path_buf(),
                message: e.to_string(),
            })?;
        let record = replay::deployment(Build::Record).map_err(replay::Error::from)?;
        let baselines = crate::parallel::map(fixtures, |path| baseline(path, &params));
        Ok(Judge {
            baselines: baselines.into_iter().collect::<Result<Vec<_>, _>>()?,
            params,
            record,
            validators: validators.to_path_buf(),
            scratch: scratch(),
            keep,
        })
    }

    /// How many fixtures and chains the judge replays.
    pub fn fixtures(&self) -> usize {
        self.baselines.len()
    }

    /// Judges `mutant` on this thread (a [`crate::parallel::map`] worker: the replays evaluate
    /// here), in this worker's copy of `validators/`. It is killed when a fixture's outcome
    /// changes, or when it outlives its time budget: 30 s, plus five times what its fixtures
    /// took with the original scripts.
    pub fn judge(&self, mutant: &Mutant) -> Result<(Status, Option<String>), Error> {
        let start = Instant::now();
        let json = self.with_worker_copy(|copy| {
            let file = copy.join(
                mutant
                    .path
                    .strip_prefix("validators")
                    .unwrap_or(&mutant.path),
            );
            write(&file, &mutant.variant.source)?;
            let compiled = compile(copy, false).map(|(json, _)| json);
            write(&file, &mutant.original)?;
            Ok(compiled)
        })?;
        let json = match json {
            Ok(json) => json,
            Err(message) => return Ok((Status::Unviable, Some(message))),
        };
        let changed = self
            .record
            .changed_by(&json)
            .map_err(|e| Error::Blueprint(e.to_string()))?;
        if changed.is_empty() {
            return Ok((Status::Unchanged, None));
        }
        let mut fixtures: Vec<&Baseline> = self
            .baselines
            .iter()
            .filter(|b| changed.iter().any(|(script, _)| b.scripts.contains(script)))
            .collect();
        if fixtures.is_empty() {
            return Ok((Status::Survived, Some("no fixture runs the script".into())));
        }
        // Fixtures of the rule the mutant weakens first: they are the likeliest to notice.
        fixtures.sort_by_key(|b| !mutant.rule.as_ref().is_some_and(|r| b.rules.contains(r)));
        let budget =
            Duration::from_secs(30) + fixtures.iter().map(|b| b.time * 5).sum::<Duration>();
        let verdict = eval::with_stand_ins(&changed, || {
            for baseline in fixtures {
                if start.elapsed() > budget {
                    return (
                        Status::Timeout,
                        Some(format!("over {} s", budget.as_secs())),
                    );
                }
                if self.changes(baseline) {
                    return (Status::Killed, Some(baseline.path.display().to_string()));
                }
            }
            (Status::Survived, None)
        })
        .map_err(|source| replay::Error::Eval {
            path: mutant.path.clone(),
            source,
        })?;
        Ok(verdict)
    }

    /// Whether the stand-ins of this thread change what the scripts of record do with one of
    /// the baseline's transactions. Each step is the transaction the original scripts saw, fee
    /// and execution units included: the stand-ins change no byte of it, and until a step's
    /// outcome changes, the ledger every later step starts from is the baseline's too. A
    /// transaction that cannot be evaluated any more has changed its outcome.
    fn changes(&self, baseline: &Baseline) -> bool {
        baseline.steps.iter().any(|(built, outcome)| {
            eval::evaluate(built, &self.params).map_or(true, |runs| {
                Outcome::of(built, &runs, &self.params) != *outcome
            })
        })
    }

    /// Runs `work` in this thread's copy of `validators/`, made on first use.
    fn with_worker_copy<T>(
        &self,
        work: impl FnOnce(&Path) -> Result<T, Error>,
    ) -> Result<T, Error> {
        thread_local! {
            static COPY: RefCell<Option<PathBuf>> = const { RefCell::new(None) };
        }
        let existing = COPY.with(|c| c.borrow().clone());
        let copy = match existing {
            Some(copy) if copy.starts_with(&self.scratch) && copy.exists() => copy,
            _ => {
                let id = format!("{:?}", std::thread::current().id());
                let name: String = id.chars().filter(char::is_ascii_alphanumeric).collect();
                let copy =
                    fresh_copy(&self.validators, &self.scratch.join(name), Some(&self.keep))?;
                COPY.with(|c| *c.borrow_mut() = Some(copy.clone()));
                copy
            }
        };
        work(&copy)
    }
}

impl Drop for Judge {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.scratch);
    }
}

/// A fresh copy at `to` of the Aiken project `from`, without its test modules, and with only
/// the validator files `keep` names, if given.
fn fresh_copy(from: &Path, to: &Path, keep: Option<&BTreeSet<String>>) -> Result<PathBuf, Error> {
    if to.exists() {
        std::fs::remove_dir_all(to).map_err(|e| io(to, e))?;
    }
    copy_tree(from, to, keep)?;
    Ok(to.to_path_buf())
}

/// `path` replayed with the original scripts.
fn baseline(path: &Path, params: &Params) -> Result<Baseline, Error> {
    let runs = replay::record_runs(path, params)?;
    let mut scripts = Vec::new();
    let mut steps = Vec::with_capacity(runs.len());
    let start = Instant::now();
    for run in runs {
        let ran = eval::scripts_run(&run.built).map_err(|source| replay::Error::Eval {
            path: path.to_path_buf(),
            source,
        })?;
        for script in ran {
            if !scripts.contains(&script) {
                scripts.push(script);
            }
        }
        let outcome = Outcome::of(&run.built, &run.runs, params);
        steps.push((run.built, outcome));
    }
    let rules = if fixture::is_chain(path) {
        let chain = fixture::load_chain(path).map_err(replay::Error::from)?;
        chain.steps.into_iter().flat_map(|s| s.rules).collect()
    } else {
        fixture::load(path).map_err(replay::Error::from)?.rules
    };
    Ok(Baseline {
        path: path.to_path_buf(),
        steps,
        scripts,
        rules,
        time: start.elapsed(),
    })
}

/// Compiles the Aiken project at `dir` with silent traces: its blueprint and, when `typed`, the
/// types of every module's expressions; or the first error. A compiler panic is an error too.
pub(super) fn compile(dir: &Path, typed: bool) -> Result<(String, HashMap<String, Types>), String> {
    let blueprint = dir.join("plutus.json");
    let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut project = Project::new(dir.to_path_buf(), Silent).map_err(|e| format!("{e:?}"))?;
        project
            .build(
                false,
                Tracing::silent(),
                blueprint.clone(),
                BlueprintExport::OnlyBinaryInterface,
                None,
            )
            .map_err(|errors| first_error(&errors))?;
        let types = match typed {
            true => project
                .modules()
                .into_iter()
                .map(|m| (m.name, Types::of(&m.ast)))
                .collect(),
            false => HashMap::new(),
        };
        Ok::<_, String>(types)
    }))
    .map_err(|_| "the Aiken compiler panicked".to_string())??;
    let json = std::fs::read_to_string(&blueprint).map_err(|e| e.to_string())?;
    Ok((json, built))
}

/// The first line of the first of a compilation's errors.
fn first_error(errors: &[aiken_project::error::Error]) -> String {
    errors
        .first()
        .map(|e| e.to_string().lines().next().unwrap_or_default().to_string())
        .unwrap_or_default()
}

fn io(path: &Path, error: std::io::Error) -> Error {
    Error::Io {
        path: path.to_path_buf(),
        message: error.to_string(),
    }
}

fn write(path: &Path, text: &str) -> Result<(), Error> {
    std::fs::write(path, text).map_err(|e| io(path, e))
}

/// Copies the Aiken project `from` to `to`: `aiken.toml` and the `.ak` modules of `lib/` and
/// `validators/`, test modules (`*.test.ak`) left out, and validator files other than those
/// `keep` names, if given.
fn copy_tree(from: &Path, to: &Path, keep: Option<&BTreeSet<String>>) -> Result<(), Error> {
    std::fs::create_dir_all(to).map_err(|e| io(to, e))?;
    let manifest = from.join("aiken.toml");
    std::fs::copy(&manifest, to.join("aiken.toml")).map_err(|e| io(&manifest, e))?;
    let mut dirs = vec![PathBuf::from("lib"), PathBuf::from("validators")];
    while let Some(dir) = dirs.pop() {
        let source = from.join(&dir);
        std::fs::create_dir_all(to.join(&dir)).map_err(|e| io(to, e))?;
        let entries = std::fs::read_dir(&source).map_err(|e| io(&source, e))?;
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if path.is_dir() {
                dirs.push(dir.join(&name));
            } else if name.ends_with(".ak")
                && !name.ends_with(".test.ak")
                && (dir != Path::new("validators") || keep.is_none_or(|k| k.contains(&name)))
            {
                std::fs::copy(&path, to.join(&dir).join(&name)).map_err(|e| io(&path, e))?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mutate::operators::{Operator, Variant};

    fn root() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
    }

    /// The fill module of `variant` (`one_way`, `two_way`) with `from` replaced by `to`.
    fn mutant(variant: &str, from: &str, to: &str) -> Mutant {
        let path = PathBuf::from(format!("validators/lib/swaps/{variant}/exec.ak"));
        let original = std::fs::read_to_string(root().join(&path)).unwrap();
        assert!(original.contains(from), "{from}");
        Mutant {
            index: 0,
            protocol: "swaps".into(),
            path,
            variant: Variant {
                operator: Operator::ExpectTrue,
                function: "swap_with".into(),
                line: 1,
                lines: 1,
                before: from.into(),
                after: to.into(),
                source: original.replacen(from, to, 1),
            },
            original,
            rule: Some("SWAP-OW-EXEC-05".into()),
        }
    }

    #[test]
    fn a_mutant_dies_by_the_fixture_whose_outcome_it_changes() {
        let fixtures = [
            "fill_partial_token_to_ada.json",
            "fill_output_datum_hash_swap_at.json",
        ]
        .map(|f| root().join("fixtures/swaps/one_way/fill").join(f));
        let params = Params::mainnet().unwrap();
        let protocols = ["swaps".to_string()];
        let judge = Judge::new(&root().join("validators"), &protocols, &fixtures, params).unwrap();
        let verdicts = crate::parallel::map(
            &[
                // The indexed output's datum is no longer checked: the fixture whose indexed
                // output carries its datum by hash now passes.
                mutant("one_way", "expect out_datum == required", "expect True"),
                // Rule labels are traces, which the scripts of record drop.
                mutant("one_way", "status == ask_taken", "status != ask_taken"),
                // An Int is no datum.
                mutant(
                    "one_way",
                    "expect out_datum == required",
                    "expect out_datum == 1",
                ),
                // The two-way scripts: neither fixture runs them.
                mutant("two_way", "expect out_datum == required", "expect True"),
            ],
            |m| judge.judge(m).unwrap(),
        );
        let statuses: Vec<Status> = verdicts.iter().map(|(s, _)| *s).collect();
        assert_eq!(
            statuses,
            [
                Status::Killed,
                Status::Unchanged,
                Status::Unviable,
                Status::Survived
            ]
        );
        assert!(
            verdicts[0]
                .1
                .as_deref()
                .unwrap()
                .ends_with("fill_output_datum_hash_swap_at.json"),
            "{:?}",
            verdicts[0]
        );
    }
}
