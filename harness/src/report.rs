//! Reports: replay verdicts as a terminal table, GitHub markdown or JSON.
//!
//! Every figure comes from the deployment of record (silent traces): per redeemer mem and cpu,
//! transaction totals as a share of the parameter set's per-transaction limits, size, fee and
//! collateral.

use crate::{
    junit,
    params::Params,
    replay::{Actual, Replayed, Replays},
    scenario::Expect,
};
use serde::Serialize;
use std::fmt::Write;

/// Output format of the reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Terminal,
    Markdown,
    Json,
    /// JUnit XML, for CI test reporters (replay, attack and the budget gate).
    Junit,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "terminal" | "text" => Ok(Format::Terminal),
            "markdown" | "md" => Ok(Format::Markdown),
            "json" => Ok(Format::Json),
            "junit" => Ok(Format::Junit),
            other => Err(format!(
                "unknown format `{other}` (expected terminal, markdown, json or junit)"
            )),
        }
    }
}

/// One redeemer's line in a report.
#[derive(Debug, Clone, Serialize)]
pub struct RedeemerLine {
    pub purpose: String,
    pub ok: bool,
    pub mem: u64,
    pub cpu: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// What the traced build of this redeemer logged (when it was run; see
    /// [`Replayed::traced`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub traces: Vec<String>,
}

/// One scenario in a report.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioLine {
    pub fixture: String,
    pub description: String,
    pub protocol: String,
    pub rules: Vec<String>,
    pub expected: String,
    pub actual: Actual,
    pub matches: bool,
    pub redeemers: Vec<RedeemerLine>,
    pub mem: u64,
    pub cpu: u64,
    /// Shares of the per-transaction limits, in percent.
    pub mem_share: f64,
    pub cpu_share: f64,
    pub size: u64,
    pub size_share: f64,
    pub fee: u64,
    pub collateral: u64,
}

/// Summarises a replay for reporting.
pub fn line(replayed: &Replayed, params: &Params) -> ScenarioLine {
    let total = replayed
        .record
        .as_ref()
        .map(|r| r.total())
        .unwrap_or_default();
    let (size, fee, collateral) = replayed.record.as_ref().map_or((0, 0, 0), |r| {
        (r.built.size(), r.built.fee, r.built.collateral)
    });
    let share = |a: u64, b: u64| {
        if b == 0 {
            0.0
        } else {
            100.0 * a as f64 / b as f64
        }
    };
    ScenarioLine {
        fixture: replayed.scenario.subject(),
        description: replayed.scenario.description.clone(),
        protocol: replayed.scenario.protocol.clone(),
        rules: replayed.scenario.rules.clone(),
        expected: expected_text(&replayed.scenario.expect),
        actual: replayed.actual.clone(),
        matches: replayed.matches(),
        redeemers: replayed
            .runs()
            .map(|r| RedeemerLine {
                purpose: r.purpose.clone(),
                ok: r.ok,
                mem: r.mem,
                cpu: r.cpu,
                error: r.error.clone(),
                traces: traces_of(replayed, &r.purpose),
            })
            .collect(),
        mem: total.mem,
        cpu: total.steps,
        mem_share: share(total.mem, params.max_tx_ex_units.mem),
        cpu_share: share(total.steps, params.max_tx_ex_units.steps),
        size,
        size_share: share(size, params.max_tx_size),
        fee,
        collateral,
    }
}

/// The readable form of an expected outcome.
pub fn expected_text(expect: &Expect) -> String {
    match expect {
        Expect::Ok => "ok".into(),
        Expect::Fail(rule) => format!("fail {rule}"),
        Expect::Unlabelled(purpose) => format!("fail without a rule ({purpose})"),
        Expect::Refused(refusal) => format!("refused by the ledger ({})", refusal.name()),
    }
}

/// What the traced build logged for the redeemer of `purpose`.
fn traces_of(replayed: &Replayed, purpose: &str) -> Vec<String> {
    let runs = replayed.traced.iter().flatten();
    runs.filter(|r| r.purpose == purpose)
        .flat_map(|r| r.traces.iter().cloned())
        .collect()
}

/// The lines without their traces (a report that was not asked for them).
pub fn without_traces(mut lines: Vec<ScenarioLine>) -> Vec<ScenarioLine> {
    for redeemer in lines.iter_mut().flat_map(|l| l.redeemers.iter_mut()) {
        redeemer.traces.clear();
    }
    lines
}

/// The readable form of an actual outcome.
pub fn actual_text(actual: &Actual) -> String {
    match actual {
        Actual::Ok => "ok".into(),
        Actual::Fail { rules } if rules.is_empty() => "fail (no rule ID logged)".into(),
        Actual::Fail { rules } => format!("fail {}", rules.join(", ")),
        Actual::OverLimit { limits } => format!("over limit: {}", limits.join(", ")),
        Actual::NotRun => "not run (an earlier step did not do what it expected)".into(),
        Actual::Refused { refusal, .. } => format!("refused by the ledger ({})", refusal.name()),
    }
}

/// The lines of one file's replays: each step that ran, and each that was never reached.
pub fn lines(replays: &Replays, params: &Params) -> Vec<ScenarioLine> {
    let mut lines: Vec<ScenarioLine> = replays.steps.iter().map(|r| line(r, params)).collect();
    let Some(last) = replays.steps.last() else {
        return lines;
    };
    for step in &replays.not_run {
        lines.push(ScenarioLine {
            fixture: format!("{}#{step}", last.scenario.path.display()),
            description: String::new(),
            protocol: last.scenario.protocol.clone(),
            rules: Vec::new(),
            expected: "-".into(),
            actual: Actual::NotRun,
            matches: false,
            redeemers: Vec::new(),
            mem: 0,
            cpu: 0,
            mem_share: 0.0,
            cpu_share: 0.0,
            size: 0,
            size_share: 0.0,
            fee: 0,
            collateral: 0,
        });
    }
    lines
}

/// Renders the lines in a format.
pub fn render(lines: &[ScenarioLine], params: &Params, format: Format) -> String {
    match format {
        Format::Terminal => terminal(lines, params),
        Format::Markdown => markdown(lines, params),
        Format::Json => {
            let doc = serde_json::json!({ "params": params.name, "scenarios": lines, "summary": summary(lines) });
            json(&doc)
        }
        Format::Junit => junit::render(
            "harness replay",
            &junit::group(lines.iter().map(|l| {
                let failure = (!l.matches).then(|| junit::Failure {
                    message: format!("expected {}, actual {}", l.expected, actual_text(&l.actual)),
                    detail: terminal(std::slice::from_ref(l), params),
                });
                (l.protocol.clone(), junit::Case::at(&l.fixture, failure))
            })),
        ),
    }
}

#[derive(Serialize)]
struct Summary {
    scenarios: usize,
    matched: usize,
    mismatched: usize,
}

fn summary(lines: &[ScenarioLine]) -> Summary {
    let matched = lines.iter().filter(|l| l.matches).count();
    Summary {
        scenarios: lines.len(),
        matched,
        mismatched: lines.len() - matched,
    }
}

/// A report as pretty JSON, ending with a newline.
pub fn json(value: &impl Serialize) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

/// Thousands separators for readability.
fn num(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Lovelace as ADA with six decimals.
pub fn ada(lovelace: u64) -> String {
    format!("{}.{:06}", lovelace / 1_000_000, lovelace % 1_000_000)
}

fn terminal(lines: &[ScenarioLine], params: &Params) -> String {
    let mut out = String::new();
    for l in lines {
        let verdict = if l.matches { "PASS" } else { "MISMATCH" };
        let _ = writeln!(out, "{verdict}  {}", l.fixture);
        let _ = writeln!(out, "      {}", l.description);
        let _ = writeln!(
            out,
            "      expected {}, actual {}",
            l.expected,
            actual_text(&l.actual)
        );
        if let Actual::Refused { reason, .. } = &l.actual {
            // Never built: no redeemer ran, and there is no size or fee.
            let _ = writeln!(out, "      the builder: {reason}\n");
            continue;
        }
        let width = l
            .redeemers
            .iter()
            .map(|r| r.purpose.len())
            .max()
            .unwrap_or(8)
            .max(8);
        let _ = writeln!(
            out,
            "      {:<width$}  {:<6} {:>12} {:>16}",
            "redeemer", "result", "mem", "cpu"
        );
        for r in &l.redeemers {
            let result = if r.ok { "ok" } else { "failed" };
            let _ = writeln!(
                out,
                "      {:<width$}  {:<6} {:>12} {:>16}",
                r.purpose,
                result,
                num(r.mem),
                num(r.cpu)
            );
            for trace in &r.traces {
                let _ = writeln!(out, "        | {trace}");
            }
        }
        let _ = writeln!(
            out,
            "      {:<width$}  {:<6} {:>12} {:>16}   ({:.2}% mem, {:.2}% cpu)",
            "total",
            "",
            num(l.mem),
            num(l.cpu),
            l.mem_share,
            l.cpu_share
        );
        let _ = writeln!(
            out,
            "      size {} B ({:.1}% of {}), fee {} ADA, collateral {} ADA\n",
            num(l.size),
            l.size_share,
            num(params.max_tx_size),
            ada(l.fee),
            ada(l.collateral)
        );
    }
    let s = summary(lines);
    let _ = writeln!(out, "parameters: {}", params.name);
    let _ = writeln!(out, "{} passed, {} failed", s.matched, s.mismatched);
    out
}

fn markdown(lines: &[ScenarioLine], params: &Params) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "| fixture | expected | actual | mem | cpu | mem % | cpu % | size | fee (ADA) |"
    );
    let _ = writeln!(out, "|---|---|---|---:|---:|---:|---:|---:|---:|");
    for l in lines {
        let mark = if l.matches { "" } else { " **MISMATCH**" };
        let _ = writeln!(
            out,
            "| `{}` | {} | {}{} | {} | {} | {:.2} | {:.2} | {} | {} |",
            l.fixture,
            l.expected,
            actual_text(&l.actual),
            mark,
            num(l.mem),
            num(l.cpu),
            l.mem_share,
            l.cpu_share,
            num(l.size),
            ada(l.fee)
        );
    }
    let s = summary(lines);
    let _ = writeln!(
        out,
        "\n{} scenarios under `{}`: {} matched, {} mismatched.",
        s.scenarios, params.name, s.matched, s.mismatched
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_and_ada_has_six_decimals() {
        assert_eq!(num(0), "0");
        assert_eq!(num(1234567), "1,234,567");
        assert_eq!(num(123), "123");
        assert_eq!(ada(1_234_567), "1.234567");
        assert_eq!(ada(5), "0.000005");
    }

    #[test]
    fn formats_parse() {
        assert_eq!("json".parse::<Format>(), Ok(Format::Json));
        assert_eq!("markdown".parse::<Format>(), Ok(Format::Markdown));
        assert!("xml".parse::<Format>().is_err());
    }
}
