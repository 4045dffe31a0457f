//! Rule coverage: for every rule of the catalogue, the fixtures that show it holding (a passing
//! fixture listing it) and the fixtures that show it enforced (a failing fixture that must fail
//! for it). Script rules need both; permissive and informative rules need a passing fixture;
//! ledger and off-chain rules are marked as such and need nothing.
//!
//! Coverage reads the fixtures' declarations; `harness replay` (and `cargo test`) prove each
//! declaration true.

use crate::{
    report::{self, Format},
    rules::{self, Kind},
    scenario::Expect,
};
use serde::Serialize;
use std::{fmt::Write, path::PathBuf};

/// One rule's coverage.
#[derive(Debug, Clone, Serialize)]
pub struct RuleCoverage {
    pub id: &'static str,
    #[serde(serialize_with = "kind_name")]
    pub kind: Kind,
    pub summary: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deviation: Option<&'static str>,
    pub passing: Vec<String>,
    pub failing: Vec<String>,
}

impl RuleCoverage {
    /// Whether the rule has every fixture its kind demands.
    pub fn complete(&self) -> bool {
        match self.kind {
            Kind::Script => !self.passing.is_empty() && !self.failing.is_empty(),
            Kind::Permit | Kind::Info => !self.passing.is_empty(),
            Kind::Ledger | Kind::Off => true,
        }
    }

    /// What the rule still lacks, if anything.
    pub fn missing(&self) -> Vec<&'static str> {
        let mut missing = Vec::new();
        let needs_pass = matches!(self.kind, Kind::Script | Kind::Permit | Kind::Info);
        if needs_pass && self.passing.is_empty() {
            missing.push("passing");
        }
        if self.kind == Kind::Script && self.failing.is_empty() {
            missing.push("failing");
        }
        missing
    }
}

/// Coverage of every catalogued rule by fixtures given as (path, rules listed, expectation).
/// A passing fixture covers every rule it lists; a failing fixture covers the rule it must fail
/// for; a fixture the ledger must refuse covers, as failing, the ledger rules it lists.
pub fn compute(fixtures: &[(PathBuf, Vec<String>, Expect)]) -> Vec<RuleCoverage> {
    rules::catalogue()
        .iter()
        .map(|rule| {
            let mut passing = Vec::new();
            let mut failing = Vec::new();
            for (path, listed, expect) in fixtures {
                let name = path.display().to_string();
                match expect {
                    Expect::Ok if listed.iter().any(|r| *r == rule.id) => passing.push(name),
                    Expect::Fail(r) if *r == rule.id => failing.push(name),
                    // The ledger enforces a ledger rule: a refused transaction is its failure.
                    Expect::Refused(_)
                        if rule.kind == Kind::Ledger && listed.iter().any(|r| *r == rule.id) =>
                    {
                        failing.push(name)
                    }
                    _ => {}
                }
            }
            RuleCoverage {
                id: rule.id,
                kind: rule.kind,
                summary: rule.summary,
                deviation: rule.deviation,
                passing,
                failing,
            }
        })
        .collect()
}

/// One JUnit case per rule (suites by protocol prefix), failing when it lacks a fixture.
fn render_junit(table: &[RuleCoverage]) -> String {
    use crate::junit::{self, Case, Failure};
    let cases = table.iter().map(|r| {
        let failure = (!r.complete()).then(|| Failure {
            message: format!("lacks a {} fixture", r.missing().join(" and a ")),
            detail: r.summary.to_string(),
        });
        let protocol = r.id.split('-').next().unwrap_or(r.id).to_string();
        let case = Case {
            class: protocol.clone(),
            name: r.id.to_string(),
            failure,
        };
        (protocol, case)
    });
    junit::render("harness coverage", &junit::group(cases))
}

/// Renders the coverage table, with the rules that lack fixtures listed last.
pub fn render(table: &[RuleCoverage], format: Format) -> String {
    let incomplete: Vec<&RuleCoverage> = table.iter().filter(|r| !r.complete()).collect();
    let mut out = String::new();
    match format {
        Format::Junit => out = render_junit(table),
        Format::Json => {
            let missing: Vec<_> = incomplete
                .iter()
                .map(|r| serde_json::json!({ "id": r.id, "missing": r.missing() }))
                .collect();
            let doc = serde_json::json!({ "rules": table, "incomplete": missing });
            out = report::json(&doc);
        }
        Format::Markdown => {
            let _ = writeln!(
                out,
                "| rule | kind | passing | failing |\n|---|---|---:|---:|"
            );
            for r in table {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} |",
                    r.id,
                    r.kind.as_str(),
                    r.passing.len(),
                    r.failing.len()
                );
            }
        }
        Format::Terminal => {
            let _ = writeln!(
                out,
                "{:<22} {:<7} {:>4} {:>4}  fixtures",
                "rule", "kind", "pass", "fail"
            );
            for r in table {
                let names: Vec<String> = r
                    .passing
                    .iter()
                    .map(|p| format!("+{}", short(p)))
                    .chain(r.failing.iter().map(|p| format!("-{}", short(p))))
                    .collect();
                let shown = if names.len() > 3 {
                    format!("{} …", names[..3].join(" "))
                } else {
                    names.join(" ")
                };
                let _ = writeln!(
                    out,
                    "{:<22} {:<7} {:>4} {:>4}  {}",
                    r.id,
                    r.kind.as_str(),
                    r.passing.len(),
                    r.failing.len(),
                    shown
                );
            }
        }
    }
    if format != Format::Json {
        let _ = writeln!(
            out,
            "\n{} rules, {} complete, {} incomplete",
            table.len(),
            table.len() - incomplete.len(),
            incomplete.len()
        );
        for r in &incomplete {
            let _ = writeln!(
                out,
                "  {} lacks a {} fixture",
                r.id,
                r.missing().join(" and a ")
            );
        }
    }
    out
}

fn kind_name<S: serde::Serializer>(kind: &Kind, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(kind.as_str())
}

/// A fixture path without the directories, for the terminal table.
fn short(path: &str) -> &str {
    path.rsplit('/')
        .next()
        .unwrap_or(path)
        .trim_end_matches(".json")
}
