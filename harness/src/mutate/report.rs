//! The mutation report: the score per protocol and module, the mutants per operator, and every
//! survivor with its place, its line before and after and the rule it weakens; as a terminal
//! table, markdown or JSON. The JSON is also what `--merge` reads back.
//!
//! A survivor is excused only by the reviewed list of equivalent mutants,
//! `harness/rules/equivalent-mutants.tsv`: one mutant per line, tab-separated, `module
//! function operator before after reason`, where module is the file's path from the
//! repository root and before and after are the report's lines; `#` starts a comment line.
//! The score is killed / (killed + survivors not listed as equivalent); mutants that do not
//! compile, and those that compile to the original scripts, are counted apart.

use super::{Mutant, Status, operators::Operator};
use crate::report::Format;
use serde::{Deserialize, Serialize};
use std::{collections::BTreeMap, fmt::Write as _, path::Path, time::Duration};

/// Where the list of equivalent mutants lives, from the repository root.
pub const EQUIVALENTS: &str = "harness/rules/equivalent-mutants.tsv";

/// One judged mutant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Judged {
    pub index: usize,
    pub protocol: String,
    pub module: String,
    pub function: String,
    pub operator: Operator,
    pub line: usize,
    pub before: String,
    pub after: String,
    pub rule: Option<String>,
    pub status: Status,
    /// The fixture that killed it, why it timed out, survived or did not compile.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub detail: Option<String>,
    pub seconds: f64,
}

impl Judged {
    pub fn new(mutant: &Mutant, status: Status, detail: Option<String>, time: Duration) -> Judged {
        let v = &mutant.variant;
        Judged {
            index: mutant.index,
            protocol: mutant.protocol.clone(),
            module: mutant.path.display().to_string(),
            function: v.function.clone(),
            operator: v.operator,
            line: v.line,
            before: v.before.clone(),
            after: v.after.clone(),
            rule: mutant.rule.clone(),
            status,
            detail,
            seconds: (time.as_secs_f64() * 10.0).round() / 10.0,
        }
    }

    /// How the list of equivalent mutants names it ([`Mutant::key`]).
    pub fn key(&self) -> [&str; 5] {
        [
            &self.module,
            &self.function,
            self.operator.name(),
            &self.before,
            &self.after,
        ]
    }
}

/// A run, or the merge of a run's shards.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// What was mutated (`swaps,proxy`, ` module …`, ` changed since …`).
    pub selection: String,
    /// `K/N` for one shard of a run; none for a whole run or a merge.
    pub shard: Option<String>,
    /// The modules mutated.
    pub modules: Vec<String>,
    /// Fixtures and chains the mutants were judged against.
    pub fixtures: usize,
    /// Wall-clock time of the run (a merge: the longest shard's).
    pub seconds: f64,
    pub mutants: Vec<Judged>,
}

/// Why a report cannot be made or merged.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum Error {
    #[error("{path}: {message}")]
    #[diagnostic(code(harness::mutate::equivalents))]
    Equivalents { path: String, message: String },
    #[error("{path}: not a mutation report: {message}")]
    #[diagnostic(
        code(harness::mutate::merge),
        help("--merge reads the JSON of `harness mutate --shard K/N --format json`")
    )]
    NotAReport { path: String, message: String },
    #[error("the shards do not make one run: {message}")]
    #[diagnostic(code(harness::mutate::merge))]
    Shards { message: String },
}

/// The reviewed equivalent mutants: their keys and reasons.
#[derive(Debug, Clone, Default)]
pub struct Equivalents(Vec<([String; 5], String)>);

impl Equivalents {
    /// Reads the list at `root`/[`EQUIVALENTS`]; a missing file is an empty list.
    pub fn load(root: &Path) -> Result<Equivalents, Error> {
        let path = root.join(EQUIVALENTS);
        match std::fs::read_to_string(&path) {
            Ok(text) => Equivalents::parse(&text).map_err(|message| Error::Equivalents {
                path: EQUIVALENTS.to_string(),
                message,
            }),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(Equivalents::default()),
            Err(err) => Err(Error::Equivalents {
                path: EQUIVALENTS.to_string(),
                message: err.to_string(),
            }),
        }
    }

    /// Parses the list; each line needs its six fields, a reason among them.
    pub fn parse(text: &str) -> Result<Equivalents, String> {
        let mut entries = Vec::new();
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = line.split('\t').collect();
            let [module, function, operator, before, after, reason] = fields[..] else {
                return Err(format!(
                    "line {}: expected 6 tab-separated fields (module, function, operator, before, after, reason), found {}",
                    n + 1,
                    fields.len()
                ));
            };
            if reason.trim().is_empty() {
                return Err(format!("line {}: the reason is empty", n + 1));
            }
            if !Operator::ALL.iter().any(|o| o.name() == operator) {
                return Err(format!("line {}: unknown operator `{operator}`", n + 1));
            }
            let key = [module, function, operator, before, after].map(str::to_string);
            entries.push((key, reason.to_string()));
        }
        Ok(Equivalents(entries))
    }

    /// Why `mutant` is equivalent, when the list says it is.
    pub fn reason(&self, mutant: &Judged) -> Option<&str> {
        let key = mutant.key();
        self.0
            .iter()
            .find(|(k, _)| k.iter().zip(key).all(|(a, b)| a == b))
            .map(|(_, reason)| reason.as_str())
    }
}

impl Report {
    /// The shards' reports as one: every shard of one run, each once. A single report is
    /// itself (rendered again, against the current list of equivalents).
    pub fn merge(mut reports: Vec<(String, Report)>) -> Result<Report, Error> {
        let shards_error = |message: String| Error::Shards { message };
        if reports.len() == 1 {
            return Ok(reports.remove(0).1);
        }
        let Some((_, first)) = reports.first() else {
            return Err(shards_error("no report given".into()));
        };
        let mut seen = Vec::new();
        let mut count = None;
        for (path, report) in &reports {
            if report.selection != first.selection {
                return Err(shards_error(format!(
                    "{path} mutates `{}`, another shard `{}`",
                    report.selection, first.selection
                )));
            }
            let shard: super::Shard = report
                .shard
                .as_deref()
                .ok_or_else(|| shards_error(format!("{path} is a whole run, not a shard")))?
                .parse()
                .map_err(shards_error)?;
            if count.is_some_and(|c| c != shard.count) {
                return Err(shards_error(format!(
                    "{path} is one of {} shards",
                    shard.count
                )));
            }
            count = Some(shard.count);
            if seen.contains(&shard.index) {
                return Err(shards_error(format!("shard {shard} is given twice")));
            }
            seen.push(shard.index);
        }
        let count = count.unwrap_or(1);
        let missing: Vec<String> = (1..=count)
            .filter(|k| !seen.contains(k))
            .map(|k| format!("{k}/{count}"))
            .collect();
        if !missing.is_empty() {
            return Err(shards_error(format!("missing {}", missing.join(", "))));
        }
        let mut merged = Report {
            shard: None,
            mutants: Vec::new(),
            ..first.clone()
        };
        for (_, report) in reports {
            merged.seconds = merged.seconds.max(report.seconds);
            merged.mutants.extend(report.mutants);
        }
        merged.mutants.sort_by_key(|m| m.index);
        Ok(merged)
    }

    /// Reads a report written with `--format json`.
    pub fn read(path: &Path) -> Result<Report, Error> {
        let bad = |message: String| Error::NotAReport {
            path: path.display().to_string(),
            message,
        };
        let text = std::fs::read_to_string(path).map_err(|e| bad(e.to_string()))?;
        serde_json::from_str(&text).map_err(|e| bad(e.to_string()))
    }

    /// The survivors the list of equivalent mutants does not excuse.
    pub fn unexcused<'a>(&'a self, equivalents: &Equivalents) -> Vec<&'a Judged> {
        self.survivors()
            .filter(|m| equivalents.reason(m).is_none())
            .collect()
    }

    fn survivors(&self) -> impl Iterator<Item = &Judged> {
        self.mutants.iter().filter(|m| m.status == Status::Survived)
    }

    /// The report in `format`.
    pub fn render(&self, equivalents: &Equivalents, format: Format) -> String {
        match format {
            Format::Json => crate::report::json(&self),
            Format::Markdown => self.markdown(equivalents),
            Format::Terminal => self.terminal(equivalents),
            Format::Junit => self.junit(equivalents),
        }
    }

    /// One JUnit case per mutant (suites by module), failing when it survives unexcused.
    fn junit(&self, equivalents: &Equivalents) -> String {
        use crate::junit::{self, Case, Failure};
        let cases = self.mutants.iter().map(|m| {
            let excused = equivalents.reason(m).is_some();
            let failure = (m.status == Status::Survived && !excused).then(|| Failure {
                message: format!("survived: {} → {}", m.before.trim(), m.after.trim()),
                detail: format!(
                    "{}:{} in {} ({:?}), nearest rule {}",
                    m.module,
                    m.line,
                    m.function,
                    m.operator,
                    m.rule.as_deref().unwrap_or("-")
                ),
            });
            let case = Case {
                class: m.module.clone(),
                name: format!("#{} line {} {:?}", m.index, m.line, m.operator),
                failure,
            };
            (m.module.clone(), case)
        });
        junit::render("harness mutate", &junit::group(cases))
    }

    fn heading(&self) -> String {
        let shard = self
            .shard
            .as_ref()
            .map(|s| format!(", shard {s}"))
            .unwrap_or_default();
        format!(
            "{} mutants of {} module(s) ({}{shard}) against {} fixtures, in {}",
            self.mutants.len(),
            self.modules.len(),
            self.selection,
            self.fixtures,
            minutes(self.seconds)
        )
    }

    fn terminal(&self, equivalents: &Equivalents) -> String {
        let mut out = String::new();
        if self.modules.is_empty() {
            return format!("no module of {} to mutate\n", self.selection);
        }
        let _ = writeln!(out, "{}\n", self.heading());
        let _ = writeln!(
            out,
            "{:<42} {:>7} {:>7} {:>8} {:>10} {:>8} {:>9} {:>7}",
            "module",
            "mutants",
            "killed",
            "survived",
            "equivalent",
            "unviable",
            "unchanged",
            "score"
        );
        for row in self.rows(equivalents) {
            let _ = writeln!(
                out,
                "{:<42} {:>7} {:>7} {:>8} {:>10} {:>8} {:>9} {:>7}",
                row.name,
                row.tally.all,
                row.tally.killed,
                row.tally.survived,
                row.tally.equivalent,
                row.tally.unviable,
                row.tally.unchanged,
                row.tally.score()
            );
        }
        let _ = writeln!(
            out,
            "\n{:<14} {:>7} {:>7} {:>8} {:>8} {:>9}",
            "operator", "mutants", "killed", "survived", "unviable", "unchanged"
        );
        for (operator, tally) in self.operators(equivalents) {
            let _ = writeln!(
                out,
                "{:<14} {:>7} {:>7} {:>8} {:>8} {:>9}",
                operator.name(),
                tally.all,
                tally.killed,
                tally.survived,
                tally.unviable,
                tally.unchanged
            );
        }
        let survivors: Vec<&Judged> = self.survivors().collect();
        if !survivors.is_empty() {
            let _ = writeln!(out, "\nsurvivors:");
        }
        for m in survivors {
            let excuse = match equivalents.reason(m) {
                Some(reason) => format!("equivalent: {reason}"),
                None => "NOT in the equivalent list".to_string(),
            };
            let _ = writeln!(
                out,
                "  {}:{} {} in {} ({}): {excuse}\n    - {}\n    + {}",
                m.module,
                m.line,
                m.operator.name(),
                m.function,
                m.rule.as_deref().unwrap_or("no rule"),
                m.before,
                m.after
            );
            if let Some(detail) = &m.detail {
                let _ = writeln!(out, "    ({detail})");
            }
        }
        let unexcused = self.unexcused(equivalents).len();
        let _ = writeln!(
            out,
            "\n{unexcused} survivor(s) not in {EQUIVALENTS}{}",
            if unexcused == 0 {
                ""
            } else {
                ": add a fixture that kills each, fix the validator, or list it with its reason"
            }
        );
        out
    }

    fn markdown(&self, equivalents: &Equivalents) -> String {
        let mut out = String::new();
        if self.modules.is_empty() {
            return format!("No module of {} to mutate.\n", self.selection);
        }
        let _ = writeln!(out, "{}.\n", self.heading());
        let _ = writeln!(
            out,
            "| module | mutants | killed | survived | equivalent | unviable | unchanged | score |\n|---|---:|---:|---:|---:|---:|---:|---:|"
        );
        for row in self.rows(equivalents) {
            let t = &row.tally;
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} | {} |",
                row.name.trim(),
                t.all,
                t.killed,
                t.survived,
                t.equivalent,
                t.unviable,
                t.unchanged,
                t.score()
            );
        }
        let _ = writeln!(
            out,
            "\n| operator | mutants | killed | survived | unviable | unchanged |\n|---|---:|---:|---:|---:|---:|"
        );
        for (operator, t) in self.operators(equivalents) {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                operator.name(),
                t.all,
                t.killed,
                t.survived,
                t.unviable,
                t.unchanged
            );
        }
        let survivors: Vec<&Judged> = self.survivors().collect();
        if !survivors.is_empty() {
            let _ = writeln!(
                out,
                "\n| survivor | operator | rule | before | after | equivalent |\n|---|---|---|---|---|---|"
            );
        }
        let cell = |s: &str| s.replace('|', "\\|");
        for m in survivors {
            let _ = writeln!(
                out,
                "| `{}:{}` ({}) | {} | {} | `{}` | `{}` | {} |",
                m.module,
                m.line,
                m.function,
                m.operator.name(),
                m.rule.as_deref().unwrap_or("—"),
                cell(&m.before),
                cell(&m.after),
                cell(equivalents.reason(m).unwrap_or("**no**"))
            );
        }
        out
    }

    /// One row per protocol, then one per module of it (indented).
    fn rows(&self, equivalents: &Equivalents) -> Vec<Row> {
        let mut protocols: BTreeMap<&str, BTreeMap<&str, Tally>> = BTreeMap::new();
        for m in &self.mutants {
            protocols
                .entry(&m.protocol)
                .or_default()
                .entry(&m.module)
                .or_default()
                .add(m, equivalents);
        }
        let mut rows = Vec::new();
        for (protocol, modules) in protocols {
            let mut total = Tally::default();
            for tally in modules.values() {
                total.merge(tally);
            }
            rows.push(Row {
                name: protocol.to_string(),
                tally: total,
            });
            for (module, tally) in modules {
                rows.push(Row {
                    name: format!("  {module}"),
                    tally,
                });
            }
        }
        rows
    }

    fn operators(&self, equivalents: &Equivalents) -> Vec<(Operator, Tally)> {
        Operator::ALL
            .iter()
            .map(|&operator| {
                let mut tally = Tally::default();
                for m in self.mutants.iter().filter(|m| m.operator == operator) {
                    tally.add(m, equivalents);
                }
                (operator, tally)
            })
            .collect()
    }
}

struct Row {
    name: String,
    tally: Tally,
}

/// Counts of mutants by what became of them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    pub all: usize,
    /// Killed or timed out.
    pub killed: usize,
    pub survived: usize,
    /// Survivors the list excuses.
    pub equivalent: usize,
    pub unviable: usize,
    pub unchanged: usize,
}

impl Tally {
    fn add(&mut self, m: &Judged, equivalents: &Equivalents) {
        self.all += 1;
        match m.status {
            Status::Killed | Status::Timeout => self.killed += 1,
            Status::Survived => {
                self.survived += 1;
                if equivalents.reason(m).is_some() {
                    self.equivalent += 1;
                }
            }
            Status::Unviable => self.unviable += 1,
            Status::Unchanged => self.unchanged += 1,
        }
    }

    fn merge(&mut self, other: &Tally) {
        self.all += other.all;
        self.killed += other.killed;
        self.survived += other.survived;
        self.equivalent += other.equivalent;
        self.unviable += other.unviable;
        self.unchanged += other.unchanged;
    }

    /// killed / (killed + survivors not excused), as a percentage with one decimal; `—` when
    /// no mutant counts.
    pub fn score(&self) -> String {
        let counted = self.killed + self.survived - self.equivalent;
        if counted == 0 {
            return "—".to_string();
        }
        format!("{:.1}%", 100.0 * self.killed as f64 / counted as f64)
    }
}

/// `12m 05s`, or `41s`.
fn minutes(seconds: f64) -> String {
    let s = seconds.round() as u64;
    if s >= 60 {
        format!("{}m {:02}s", s / 60, s % 60)
    } else {
        format!("{s}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judged(index: usize, status: Status) -> Judged {
        Judged {
            index,
            protocol: "swaps".into(),
            module: "validators/lib/swaps/settle.ak".into(),
            function: "amounts".into(),
            operator: Operator::Comparison,
            line: 10 + index,
            before: format!("a < {index}"),
            after: format!("a <= {index}"),
            rule: Some("SWAP-OW-EXEC-09".into()),
            status,
            detail: None,
            seconds: 1.0,
        }
    }

    fn shard(shard: &str, mutants: Vec<Judged>) -> (String, Report) {
        let report = Report {
            selection: "swaps".into(),
            shard: Some(shard.into()),
            modules: vec!["validators/lib/swaps/settle.ak".into()],
            fixtures: 3,
            seconds: 2.0,
            mutants,
        };
        (format!("{shard}.json"), report)
    }

    #[test]
    fn shards_merge_into_one_run_in_mutant_order() {
        let merged = Report::merge(vec![
            shard(
                "2/2",
                vec![judged(1, Status::Survived), judged(3, Status::Killed)],
            ),
            shard(
                "1/2",
                vec![judged(0, Status::Killed), judged(2, Status::Unviable)],
            ),
        ])
        .unwrap();
        let order: Vec<usize> = merged.mutants.iter().map(|m| m.index).collect();
        assert_eq!(order, [0, 1, 2, 3]);
        assert_eq!(merged.shard, None);
        let again = Report::merge(vec![("all.json".into(), merged.clone())]).unwrap();
        assert_eq!(again, merged);
    }

    #[test]
    fn shards_that_do_not_make_one_run_are_refused() {
        let message = |reports| Report::merge(reports).unwrap_err().to_string();
        assert!(message(vec![shard("1/3", vec![]), shard("3/3", vec![])]).contains("missing 2/3"));
        assert!(message(vec![shard("1/3", vec![]), shard("2/3", vec![])]).contains("missing 3/3"));
        assert!(message(vec![shard("1/2", vec![]), shard("1/2", vec![])]).contains("twice"));
        assert!(message(vec![shard("1/2", vec![]), shard("2/3", vec![])]).contains("one of 3"));
    }

    #[test]
    fn listed_survivors_are_excused_and_leave_the_score() {
        let report = shard(
            "1/1",
            vec![
                judged(0, Status::Killed),
                judged(1, Status::Survived),
                judged(2, Status::Survived),
                judged(3, Status::Timeout),
                judged(4, Status::Unchanged),
            ],
        )
        .1;
        let list = "# comment\nvalidators/lib/swaps/settle.ak\tamounts\tcomparison\ta < 1\ta <= 1\ta is never 1 here\n";
        let equivalents = Equivalents::parse(list).unwrap();
        let unexcused: Vec<usize> = report
            .unexcused(&equivalents)
            .iter()
            .map(|m| m.index)
            .collect();
        assert_eq!(unexcused, [2]);
        let rows = report.rows(&equivalents);
        let t = &rows[0].tally;
        assert_eq!(
            (t.all, t.killed, t.survived, t.equivalent, t.unchanged),
            (5, 2, 2, 1, 1)
        );
        assert_eq!(t.score(), "66.7%");
        assert!(
            report
                .render(&equivalents, Format::Terminal)
                .contains("a is never 1 here")
        );
    }

    #[test]
    fn every_equivalent_needs_its_reason() {
        let line = "m\tf\tcomparison\ta\tb\t \n";
        assert!(
            Equivalents::parse(line)
                .unwrap_err()
                .contains("reason is empty")
        );
        assert!(
            Equivalents::parse("m\tf\tcomparison\ta\n")
                .unwrap_err()
                .contains("6 tab-separated")
        );
        assert!(
            Equivalents::parse("m\tf\tnope\ta\tb\tr\n")
                .unwrap_err()
                .contains("unknown operator")
        );
    }
}
