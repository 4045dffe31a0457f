//! Budgets of record: each fixture's measured costs (outcome, per-redeemer mem and cpu, size,
//! fee) in `<fixture>.budget.json` beside it, and each script's compiled size in
//! `fixtures/scripts.budget.json`, all measured with the silent-trace build.
//!
//! The gate is a ratchet: any figure that rises, any outcome that changes, and any figure that
//! falls without its baseline being lowered fail the check, so the committed baselines are always
//! the truth. `--update` rewrites them.

use crate::{
    deploy::Build,
    replay::{self, DeploymentError, Replayed, Replays},
    report::{self, Format},
};
use serde::{Deserialize, Serialize};
use std::{
    collections::BTreeMap,
    fmt::Write as _,
    path::{Path, PathBuf},
};

/// A baseline file that could not be read, parsed, written or removed.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum Error {
    #[error("{}: cannot read the budget baseline: {source}", path.display())]
    #[diagnostic(code(harness::budget::io))]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: {json_path}: {message}", path.display())]
    #[diagnostic(
        code(harness::budget::invalid),
        help("baselines are written by `harness budget --update`; rewrite this one with it")
    )]
    Parse {
        path: PathBuf,
        /// JSONPath of the offending value (`$` is the document).
        json_path: String,
        /// What was expected and what was found.
        message: String,
    },
    #[error("{}: cannot write the budget baseline: {source}", path.display())]
    #[diagnostic(code(harness::budget::write))]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: cannot remove the orphaned budget baseline: {source}", path.display())]
    #[diagnostic(code(harness::budget::remove))]
    Remove {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    #[diagnostic(transparent)]
    Walk(#[from] replay::Error),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Deployment(#[from] DeploymentError),
}

/// One redeemer's cost of record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedeemerBudget {
    pub purpose: String,
    pub mem: u64,
    pub cpu: u64,
}

/// A fixture's costs of record. Only a transaction whose scripts all pass has figures: the
/// partial units of a failing script are no ledger figure (nobody pays them, and engines differ
/// in where they stop), so a failing fixture records its outcome and rule alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Budget {
    /// In a chain's baseline (a list of budgets): the step's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
    /// `ok`, `fail RULE…` or `over limit: …`.
    pub outcome: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub figures: Option<Figures>,
}

/// What a passing transaction costs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Figures {
    pub redeemers: Vec<RedeemerBudget>,
    /// Transaction size in bytes.
    pub size: u64,
    /// Fee in lovelace.
    pub fee: u64,
}

impl Budget {
    /// The figures of a replayed fixture: its outcome, and its costs when every script passed
    /// (none when the ledger refused the transaction before its scripts ran).
    pub fn of(replayed: &Replayed) -> Budget {
        Budget {
            step: replayed.scenario.step.clone(),
            outcome: report::actual_text(&replayed.actual),
            figures: replayed
                .record
                .as_ref()
                .filter(|r| r.all_ok())
                .map(|record| Figures {
                    redeemers: record
                        .runs
                        .iter()
                        .map(|r| RedeemerBudget {
                            purpose: r.purpose.clone(),
                            mem: r.mem,
                            cpu: r.cpu,
                        })
                        .collect(),
                    size: record.built.size(),
                    fee: record.built.fee,
                }),
        }
    }

    /// Named figures, for comparison: `size`, `fee`, and `mem`/`cpu` per redeemer.
    fn figures(&self) -> BTreeMap<String, u64> {
        let Some(figures) = &self.figures else {
            return BTreeMap::new();
        };
        let mut named = BTreeMap::from([
            ("size".to_string(), figures.size),
            ("fee".to_string(), figures.fee),
        ]);
        for r in &figures.redeemers {
            named.insert(format!("{} mem", r.purpose), r.mem);
            named.insert(format!("{} cpu", r.purpose), r.cpu);
        }
        named
    }
}

/// The baseline file of a fixture.
pub fn baseline_path(fixture: &Path) -> PathBuf {
    fixture.with_extension("budget.json")
}

/// The script-size baseline beside the fixtures.
pub fn scripts_path(fixtures_root: &Path) -> PathBuf {
    fixtures_root.join("scripts.budget.json")
}

/// Whether `dir` is the fixtures root, where the script-size baseline lives: it holds that
/// baseline or the parameter file (`protocol-params.json`). A subdirectory is neither, so
/// checking it compares its fixtures alone.
pub fn is_fixtures_root(dir: &Path) -> bool {
    scripts_path(dir).is_file() || dir.join("protocol-params.json").is_file()
}

/// Compiled sizes of the scripts of record, by name.
pub fn script_sizes() -> Result<BTreeMap<String, u64>, DeploymentError> {
    let deployment = replay::deployment(Build::Record)?;
    Ok(deployment
        .scripts
        .iter()
        .map(|s| (s.name.to_string(), s.size() as u64))
        .collect())
}

/// Baseline files under `paths` whose fixture no longer exists.
pub fn orphans(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let mut found = Vec::new();
    for path in paths.iter().filter(|p| p.is_dir()) {
        walk_baselines(path, &mut found)?;
    }
    found.retain(|b| {
        let name = b.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        name != "scripts.budget.json"
            && !b
                .with_file_name(name.replace(".budget.json", ".json"))
                .exists()
    });
    Ok(found)
}

fn walk_baselines(dir: &Path, found: &mut Vec<PathBuf>) -> Result<(), Error> {
    let unreadable = |source| replay::Error::ReadDir {
        path: dir.to_path_buf(),
        source,
    };
    for entry in std::fs::read_dir(dir).map_err(unreadable)? {
        let path = entry.map_err(unreadable)?.path();
        if path.is_dir() {
            walk_baselines(&path, found)?;
        } else if path.to_str().is_some_and(|p| p.ends_with(".budget.json")) {
            found.push(path);
        }
    }
    Ok(())
}

/// A replayed fixture's figures (or a chain's, step by step) against its baseline file; with
/// `update`, the baseline is rewritten where they differ.
pub fn against_baseline(
    fixture: &Path,
    replays: &Replays,
    update: bool,
) -> Result<Vec<Line>, Error> {
    let path = baseline_path(fixture);
    let subject = fixture.display().to_string();
    let current: Vec<Budget> = replays.steps.iter().map(Budget::of).collect();
    if !crate::fixture::is_chain(fixture)
        && let [current] = current.as_slice()
    {
        let baseline: Option<Budget> = read(&path)?;
        if update && baseline.as_ref() != Some(current) {
            write(&path, current)?;
        }
        return Ok(compare(&subject, baseline.as_ref(), current));
    }
    let baseline: Option<Vec<Budget>> = read(&path)?;
    if update && baseline.as_ref() != Some(&current) {
        write(&path, &current)?;
    }
    Ok(compare_steps(&subject, baseline.as_deref(), &current))
}

/// A chain's budgets against its baseline, step by step (`file#step`); a recorded step that did
/// not run is gone.
fn compare_steps(subject: &str, baseline: Option<&[Budget]>, current: &[Budget]) -> Vec<Line> {
    let name = |b: &Budget| format!("{subject}#{}", b.step.as_deref().unwrap_or("?"));
    let recorded = |b: &Budget| baseline?.iter().find(|r| r.step == b.step);
    let mut lines: Vec<Line> = current
        .iter()
        .flat_map(|b| compare(&name(b), recorded(b), b))
        .collect();
    for missing in baseline
        .unwrap_or_default()
        .iter()
        .filter(|r| !current.iter().any(|b| b.step == r.step))
    {
        lines.push(Line {
            subject: name(missing),
            figure: "step".into(),
            baseline: Some(missing.outcome.clone()),
            current: Some("not run".into()),
            change: Change::Gone,
        });
    }
    lines
}

/// The compiled sizes of the scripts of record against the baseline at the top of `root`; with
/// `update`, the baseline is rewritten where they differ.
pub fn scripts_against_baseline(root: &Path, update: bool) -> Result<Vec<Line>, Error> {
    let sizes = script_sizes()?;
    let path = scripts_path(root);
    let recorded: BTreeMap<String, u64> = read(&path)?.unwrap_or_default();
    if update && recorded != sizes {
        write(&path, &sizes)?;
    }
    Ok(compare_figures("scripts (bytes)", &recorded, &sizes))
}

/// A line for each baseline file under `paths` whose fixture is gone; with `update`, the file
/// is removed.
pub fn orphan_lines(paths: &[PathBuf], update: bool) -> Result<Vec<Line>, Error> {
    let orphans = orphans(paths)?;
    let mut lines = Vec::with_capacity(orphans.len());
    for orphan in orphans {
        if update {
            std::fs::remove_file(&orphan).map_err(|source| Error::Remove {
                path: orphan.clone(),
                source,
            })?;
        }
        lines.push(Line {
            subject: orphan.display().to_string(),
            figure: "budget file without a fixture".into(),
            baseline: Some("present".into()),
            current: None,
            change: Change::Gone,
        });
    }
    Ok(lines)
}

/// How a figure compares with its baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    Same,
    /// The figure rose: a regression.
    Raised,
    /// The figure fell but the baseline still holds the old value: record it.
    Lowered,
    /// No baseline holds this figure.
    New,
    /// The baseline holds a figure that no longer exists.
    Gone,
    /// The outcome differs from the recorded one.
    Outcome,
}

impl Change {
    /// Whether the gate accepts this change.
    pub fn passes(self) -> bool {
        self == Change::Same
    }
}

/// One line of the budget diff.
#[derive(Debug, Clone, Serialize)]
pub struct Line {
    /// The fixture file, or `scripts` for compiled sizes.
    pub subject: String,
    pub figure: String,
    pub baseline: Option<String>,
    pub current: Option<String>,
    pub change: Change,
}

/// Compares current figures with a baseline (either may be missing).
pub fn compare(subject: &str, baseline: Option<&Budget>, current: &Budget) -> Vec<Line> {
    let mut lines = Vec::new();
    let line = |figure: &str, baseline: Option<String>, current: Option<String>, change| Line {
        subject: subject.to_string(),
        figure: figure.to_string(),
        baseline,
        current,
        change,
    };
    let Some(baseline) = baseline else {
        lines.push(line(
            "budget file",
            None,
            Some(current.outcome.clone()),
            Change::New,
        ));
        return lines;
    };
    let outcome_change = if baseline.outcome == current.outcome {
        Change::Same
    } else {
        Change::Outcome
    };
    lines.push(line(
        "outcome",
        Some(baseline.outcome.clone()),
        Some(current.outcome.clone()),
        outcome_change,
    ));
    lines.extend(compare_figures(
        subject,
        &baseline.figures(),
        &current.figures(),
    ));
    lines
}

/// Compares named figures one by one.
pub fn compare_figures(
    subject: &str,
    baseline: &BTreeMap<String, u64>,
    current: &BTreeMap<String, u64>,
) -> Vec<Line> {
    let mut names: Vec<&String> = baseline.keys().chain(current.keys()).collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .map(|name| {
            let (was, now) = (baseline.get(name), current.get(name));
            let change = match (was, now) {
                (Some(a), Some(b)) if b > a => Change::Raised,
                (Some(a), Some(b)) if b < a => Change::Lowered,
                (Some(_), Some(_)) => Change::Same,
                (None, _) => Change::New,
                (_, None) => Change::Gone,
            };
            Line {
                subject: subject.to_string(),
                figure: name.clone(),
                baseline: was.map(u64::to_string),
                current: now.map(u64::to_string),
                change,
            }
        })
        .collect()
}

/// Reads a baseline file; a missing file is `None`, an unreadable one an error naming it.
pub fn read<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<Option<T>, Error> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(Error::Read {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    let de = &mut serde_json::Deserializer::from_str(&text);
    serde_path_to_error::deserialize(de)
        .map(Some)
        .map_err(|e| Error::Parse {
            path: path.to_path_buf(),
            json_path: format!("${}", e.path()),
            message: e.inner().to_string(),
        })
}

/// Writes a baseline file as pretty JSON with a final newline.
pub fn write<T: Serialize>(path: &Path, value: &T) -> Result<(), Error> {
    // Baselines are maps, lists and numbers: serialising them cannot fail.
    let text = report::json(value);
    std::fs::write(path, text).map_err(|source| Error::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// Renders the lines that matter (every change, or all lines when `all`).
/// One JUnit case per fixture and figure (one suite), failing on every change the gate refuses.
fn render_junit(lines: &[Line]) -> String {
    use crate::junit::{self, Case, Failure};
    let text = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    let cases = lines.iter().map(|l| {
        let failure = (!l.change.passes()).then(|| Failure {
            message: format!(
                "{:?}: {} -> {}",
                l.change,
                text(&l.baseline),
                text(&l.current)
            ),
            detail: "record intended changes with `harness budget --update`".into(),
        });
        let case = Case::at(&format!("{}#{}", l.subject, l.figure), failure);
        ("budget".to_string(), case)
    });
    junit::render("harness budget", &junit::group(cases))
}

pub fn render(lines: &[Line], format: Format, all: bool) -> String {
    let shown: Vec<&Line> = lines.iter().filter(|l| all || !l.change.passes()).collect();
    let failing = lines.iter().filter(|l| !l.change.passes()).count();
    let mut out = String::new();
    let text = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    let delta = |l: &Line| match (
        l.baseline.as_deref().map(str::parse::<i128>),
        l.current.as_deref().map(str::parse::<i128>),
    ) {
        (Some(Ok(a)), Some(Ok(b))) if a != 0 => {
            format!("{:+} ({:+.2}%)", b - a, 100.0 * (b - a) as f64 / a as f64)
        }
        (Some(Ok(a)), Some(Ok(b))) => format!("{:+}", b - a),
        _ => String::new(),
    };
    match format {
        Format::Junit => out = render_junit(lines),
        Format::Json => {
            let doc = serde_json::json!({ "lines": shown, "changes": failing });
            out = report::json(&doc);
        }
        Format::Markdown => {
            let _ = writeln!(
                out,
                "| fixture | figure | baseline | current | delta | change |\n|---|---|---:|---:|---:|---|"
            );
            for l in &shown {
                let _ = writeln!(
                    out,
                    "| `{}` | {} | {} | {} | {} | {:?} |",
                    l.subject,
                    l.figure,
                    text(&l.baseline),
                    text(&l.current),
                    delta(l),
                    l.change
                );
            }
            let _ = writeln!(out, "\n{failing} change(s) against the baselines.");
        }
        Format::Terminal => {
            for l in &shown {
                let _ = writeln!(
                    out,
                    "{:<8} {}  {}: {} -> {} {}",
                    format!("{:?}", l.change).to_lowercase(),
                    l.subject,
                    l.figure,
                    text(&l.baseline),
                    text(&l.current),
                    delta(l)
                );
            }
            let _ = writeln!(out, "{failing} change(s) against the baselines");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn budget(mem: u64, outcome: &str) -> Budget {
        Budget {
            step: None,
            outcome: outcome.into(),
            figures: Some(Figures {
                redeemers: vec![RedeemerBudget {
                    purpose: "spend s (script)".into(),
                    mem,
                    cpu: 10 * mem,
                }],
                size: 1000,
                fee: 200_000,
            }),
        }
    }

    fn changes(baseline: Option<&Budget>, current: &Budget) -> Vec<Change> {
        compare("f.json", baseline, current)
            .into_iter()
            .map(|l| l.change)
            .filter(|c| !c.passes())
            .collect()
    }

    #[test]
    fn the_same_figures_pass() {
        assert!(changes(Some(&budget(100, "ok")), &budget(100, "ok")).is_empty());
    }

    #[test]
    fn a_rise_a_fall_and_an_outcome_change_all_fail() {
        assert_eq!(
            changes(Some(&budget(100, "ok")), &budget(101, "ok")),
            [Change::Raised, Change::Raised]
        );
        assert_eq!(
            changes(Some(&budget(100, "ok")), &budget(99, "ok")),
            [Change::Lowered, Change::Lowered]
        );
        assert_eq!(
            changes(
                Some(&budget(100, "ok")),
                &budget(100, "fail SWAP-OW-EXEC-09")
            ),
            [Change::Outcome]
        );
        assert_eq!(changes(None, &budget(100, "ok")), [Change::New]);
    }

    #[test]
    fn a_redeemer_that_appears_or_disappears_is_a_change() {
        let mut more = budget(100, "ok");
        more.figures
            .as_mut()
            .unwrap()
            .redeemers
            .push(RedeemerBudget {
                purpose: "mint policy".into(),
                mem: 1,
                cpu: 1,
            });
        assert_eq!(
            changes(Some(&budget(100, "ok")), &more),
            [Change::New, Change::New]
        );
        assert_eq!(
            changes(Some(&more), &budget(100, "ok")),
            [Change::Gone, Change::Gone]
        );
    }

    #[test]
    fn a_chain_compares_step_by_step_and_a_step_not_run_is_gone() {
        let step = |name: &str, mem| Budget {
            step: Some(name.into()),
            ..budget(mem, "ok")
        };
        let baseline = [step("create", 100), step("fill", 200)];
        let same = compare_steps("c.chain.json", Some(&baseline), &baseline);
        assert!(same.iter().all(|l| l.change == Change::Same), "{same:?}");
        let rose = compare_steps("c.chain.json", Some(&baseline), &[step("create", 101)]);
        let mut failing: Vec<_> = rose
            .iter()
            .filter(|l| !l.change.passes())
            .map(|l| (l.subject.as_str(), l.change))
            .collect();
        failing.dedup();
        assert_eq!(
            failing,
            [
                ("c.chain.json#create", Change::Raised),
                ("c.chain.json#fill", Change::Gone)
            ]
        );
    }

    #[test]
    fn baselines_sit_beside_their_fixture() {
        assert_eq!(
            baseline_path(Path::new("fixtures/a/b.json")),
            Path::new("fixtures/a/b.budget.json")
        );
    }
}
