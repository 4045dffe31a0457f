//! `harness explain`: one fixture (or chain) read closely. For each redeemer, its outcome and
//! costs; for each rule a failing script names in the traced build, the rule's catalogue text and
//! the Aiken lines that carry its label (`/// RULE-ID: …` above an `expect`, or a
//! `"<expected> RULE-ID"` trace), so an auditor goes from a verdict to the check behind it.

use crate::{
    replay::{self, Replayed, Replays},
    report, rules,
};
use std::{
    fmt::Write as _,
    path::{Path, PathBuf},
};

/// A line of an Aiken source that labels a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub file: PathBuf,
    /// 1-based.
    pub line: usize,
    pub text: String,
}

/// The lines under `validators` (test modules left out) that label rule `id`.
pub fn labels(validators: &Path, id: &str) -> Vec<Label> {
    let doc = format!("/// {id}:");
    let trace = format!("<expected> {id}\"");
    let mut found = Vec::new();
    for file in sources(validators) {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.starts_with(&doc) || line.contains(&trace) {
                found.push(Label {
                    file: file.clone(),
                    line: i + 1,
                    text: line.to_string(),
                });
            }
        }
    }
    found
}

/// The Aiken modules of the validators, without test modules, sorted.
fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for path in entries.flatten().map(|e| e.path()) {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if path.is_dir() && name != "tests" && name != "build" {
            found.extend(sources(&path));
        } else if name.ends_with(".ak") && !name.ends_with(".test.ak") {
            found.push(path);
        }
    }
    found.sort();
    found
}

/// The explanation of a file's replays; `validators` is where the labels are looked up.
pub fn render(replays: &Replays, validators: &Path) -> String {
    let mut out = String::new();
    for replayed in &replays.steps {
        step(&mut out, replayed, validators);
    }
    for name in &replays.not_run {
        let _ = writeln!(
            out,
            "{name}: not run (an earlier step did not do what it expected)\n"
        );
    }
    out
}

fn step(out: &mut String, replayed: &Replayed, validators: &Path) {
    let verdict = if replayed.matches() {
        "as expected"
    } else {
        "MISMATCH"
    };
    let _ = writeln!(out, "{}: {verdict}", replayed.scenario.subject());
    let _ = writeln!(out, "  {}", replayed.scenario.description);
    let _ = writeln!(
        out,
        "  expected {}, actual {}",
        report::expected_text(&replayed.scenario.expect),
        report::actual_text(&replayed.actual)
    );
    for run in replayed.runs() {
        let result = if run.ok { "ok" } else { "failed" };
        let _ = writeln!(
            out,
            "  {}: {result} ({} mem, {} cpu)",
            run.purpose, run.mem, run.cpu
        );
        let traced = replayed
            .traced
            .iter()
            .flatten()
            .filter(|t| t.purpose == run.purpose);
        for id in replay::failing_rules(&traced.cloned().collect::<Vec<_>>()) {
            rule(out, &id, validators);
        }
    }
    let _ = writeln!(out);
}

fn rule(out: &mut String, id: &str, validators: &Path) {
    let summary = rules::find(id).map_or("not in the catalogue", |r| r.summary);
    let _ = writeln!(out, "    {id}: {summary}");
    for label in labels(validators, id) {
        let _ = writeln!(
            out,
            "      {}:{}  {}",
            label.file.display(),
            label.line,
            label.text
        );
    }
}
