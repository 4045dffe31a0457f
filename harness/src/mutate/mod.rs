//! `harness mutate`: how many deliberate bugs in the validators does the fixture corpus catch?
//! Sits beside the pipeline and drives it: each mutant is a protocol module changed in one
//! place ([`operators`], on the module as `aiken-lang` parses and formats it), compiled with
//! `aiken-project` and run in place of the scripts it changes while the fixtures that run
//! those scripts are replayed ([`kill`]); [`report`] gives the score per protocol and module
//! and every mutant that survived.
//!
//! Mutants are numbered in a fixed order (modules by path, then source order), so `--shard K/N`
//! (the mutants whose number is K−1 modulo N) splits one run into disjoint parts that together
//! make the whole, and `--merge` puts their JSON reports back together.

pub mod kill;
pub mod operators;
pub mod report;
pub mod sources;

use operators::Variant;
use serde::{Deserialize, Serialize};
use std::{
    collections::{BTreeMap, BTreeSet, HashMap, HashSet},
    path::{Path, PathBuf},
    time::Instant,
};

/// What became of a mutant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Some fixture's outcome changed.
    Killed,
    /// It outlived its time budget: counted as killed.
    Timeout,
    /// Every fixture that runs a script it changes had its original outcome.
    Survived,
    /// It does not type-check (or the compiler refused it otherwise): not counted.
    Unviable,
    /// It compiles to the original scripts of record (code only traces use, or code no script
    /// reaches): not counted.
    Unchanged,
}

impl Status {
    /// Killed or timed out.
    pub fn killed(self) -> bool {
        matches!(self, Status::Killed | Status::Timeout)
    }
}

/// One mutant of one module.
#[derive(Debug, Clone)]
pub struct Mutant {
    /// Its number in the run's fixed order.
    pub index: usize,
    pub protocol: String,
    /// The module's file, relative to the repository root.
    pub path: PathBuf,
    /// The module's source, unmutated.
    pub original: String,
    pub variant: Variant,
    /// The rule the mutated code checks ([`sources::nearest_rule`]).
    pub rule: Option<String>,
}

impl Mutant {
    /// How reports and the list of equivalent mutants name it: module, function, operator,
    /// line before, line after.
    pub fn key(&self) -> [String; 5] {
        let v = &self.variant;
        [
            self.path.display().to_string(),
            v.function.clone(),
            v.operator.name().to_string(),
            v.before.clone(),
            v.after.clone(),
        ]
    }
}

/// A part of a run: `K/N` is the K-th of N (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl std::str::FromStr for Shard {
    type Err = String;
    fn from_str(s: &str) -> Result<Shard, String> {
        let bad = || format!("`{s}` is no shard: expected K/N with 1 <= K <= N");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let (index, count): (usize, usize) =
            (k.parse().map_err(|_| bad())?, n.parse().map_err(|_| bad())?);
        if index == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl Shard {
    /// Whether mutant number `index` is in this shard.
    pub fn takes(&self, index: usize) -> bool {
        index % self.count == self.index - 1
    }
}

/// What to mutate.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Protocols by name (none: every registered protocol that has modules).
    pub protocols: Vec<String>,
    /// Only the module whose Aiken name (`swaps/settle`) or path (or path's end) is this.
    pub module: Option<String>,
    /// Only mutants of lines changed since this git revision.
    pub changed_since: Option<String>,
    pub shard: Option<Shard>,
}

impl Selection {
    /// How the report names the selection; shards of one run must agree on it.
    pub fn describe(&self, protocols: &[String]) -> String {
        let mut out = protocols.join(",");
        if let Some(module) = &self.module {
            out.push_str(&format!(" module {module}"));
        }
        if let Some(rev) = &self.changed_since {
            out.push_str(&format!(" changed since {rev}"));
        }
        out
    }
}

/// Why a mutation run cannot be made.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum Error {
    #[error(transparent)]
    #[diagnostic(transparent)]
    Sources(#[from] sources::Error),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Kill(#[from] kill::Error),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Replay(#[from] crate::replay::Error),
    #[error("{0}")]
    #[diagnostic(code(harness::mutate::operators))]
    Operators(#[from] operators::Error),
    #[error("unknown protocol `{name}`")]
    #[diagnostic(code(harness::mutate::protocol), help("the protocols are: {}", known.join(", ")))]
    UnknownProtocol { name: String, known: Vec<String> },
    #[error("no module of {protocols} is `{module}`")]
    #[diagnostic(
        code(harness::mutate::module),
        help("name a module by its Aiken name (swaps/settle) or its path")
    )]
    UnknownModule { protocols: String, module: String },
    #[error(transparent)]
    #[diagnostic(transparent)]
    Report(#[from] report::Error),
    #[error("--iterate: the previous report mutated `{previous}`, this run `{now}`")]
    #[diagnostic(code(harness::mutate::iterate))]
    Iterate { previous: String, now: String },
}

/// The modules of the selection, with the protocols they are of.
fn selected_modules(
    root: &Path,
    selection: &Selection,
) -> Result<(Vec<String>, Vec<sources::Module>), Error> {
    let known: Vec<String> = crate::protocols::all()
        .iter()
        .map(|p| p.name.to_string())
        .collect();
    for name in &selection.protocols {
        if !known.contains(name) {
            return Err(Error::UnknownProtocol {
                name: name.clone(),
                known,
            });
        }
    }
    let mut protocols = Vec::new();
    let mut modules = Vec::new();
    for name in &known {
        if !selection.protocols.is_empty() && !selection.protocols.contains(name) {
            continue;
        }
        let found = sources::modules(root, name)?;
        if !found.is_empty() {
            protocols.push(name.clone());
        }
        modules.extend(found);
    }
    if let Some(wanted) = &selection.module {
        modules
            .retain(|m| m.name == *wanted || m.path.to_string_lossy().ends_with(wanted.as_str()));
        if modules.is_empty() {
            return Err(Error::UnknownModule {
                protocols: protocols.join(", "),
                module: wanted.clone(),
            });
        }
    }
    Ok((protocols, modules))
}

/// What a selection mutates.
#[derive(Debug, Clone)]
pub struct Listed {
    /// The protocols that have modules.
    pub protocols: Vec<String>,
    pub modules: Vec<sources::Module>,
    /// The mutants of the modules, in the shard.
    pub mutants: Vec<Mutant>,
}

/// The mutants of `selection` in the repository at `root`, in its shard, with the protocols
/// and modules they are of.
pub fn list(root: &Path, selection: &Selection) -> Result<Listed, Error> {
    let (protocols, mut modules) = selected_modules(root, selection)?;
    let changed = match &selection.changed_since {
        Some(rev) => {
            let changed = sources::changed_lines(root, rev)?;
            modules.retain(|m| changed.contains_key(&m.path));
            Some(changed)
        }
        None => None,
    };
    if modules.is_empty() {
        return Ok(Listed {
            protocols,
            modules,
            mutants: Vec::new(),
        });
    }
    let types = kill::original_types(&root.join("validators"))?;
    let mutants = mutants(&modules, &types, changed.as_ref())?;
    let mutants = match selection.shard {
        Some(shard) => mutants
            .into_iter()
            .filter(|m| shard.takes(m.index))
            .collect(),
        None => mutants,
    };
    Ok(Listed {
        protocols,
        modules,
        mutants,
    })
}

/// Runs the mutation testing of `selection` in the repository at `root` under `params`: every
/// mutant of [`list`] judged against every fixture under `root/fixtures`.
///
/// With `previous`, a report of the same selection (`--iterate`, as cargo-mutants has it), only
/// the mutants that survived there, and that the list of equivalent mutants does not excuse,
/// are judged again; the others keep their verdicts, so adding fixtures for survivors costs a
/// run of those survivors only (a listed equivalent is judged again by the next full run).
pub fn run(
    root: &Path,
    selection: &Selection,
    params: crate::params::Params,
    previous: Option<(report::Report, &report::Equivalents)>,
) -> Result<report::Report, Error> {
    let start = Instant::now();
    let Listed {
        protocols,
        modules,
        mut mutants,
    } = list(root, selection)?;
    let mut carried = Vec::new();
    if let Some((previous, equivalents)) = previous {
        if previous.selection != selection.describe(&protocols) {
            return Err(Error::Iterate {
                previous: previous.selection,
                now: selection.describe(&protocols),
            });
        }
        let survived: HashSet<[String; 5]> = previous
            .mutants
            .iter()
            .filter(|m| m.status == Status::Survived && equivalents.reason(m).is_none())
            .map(|m| m.key().map(str::to_string))
            .collect();
        let current: Vec<_> = mutants
            .iter()
            .map(|m| (m.key(), m.variant.line, m.index))
            .collect();
        carried = carry(&current, previous.mutants, &survived);
        mutants.retain(|m| survived.contains(&m.key()));
    }
    let mut report = report::Report {
        selection: selection.describe(&protocols),
        shard: selection.shard.map(|s| s.to_string()),
        modules: modules
            .iter()
            .map(|m| m.path.display().to_string())
            .collect(),
        fixtures: 0,
        seconds: 0.0,
        mutants: Vec::new(),
    };
    if mutants.is_empty() {
        report.mutants = carried;
        return Ok(report);
    }
    let fixtures = crate::replay::collect(&[root.join("fixtures")])?;
    let fixtures: Vec<PathBuf> = fixtures
        .iter()
        .map(|f| {
            f.strip_prefix(root)
                .map(Path::to_path_buf)
                .unwrap_or(f.clone())
        })
        .collect();
    let judge = kill::Judge::new(&root.join("validators"), &protocols, &fixtures, params)?;
    report.fixtures = judge.fixtures();
    let done = std::sync::atomic::AtomicUsize::new(0);
    // A bar on a terminal; a line per mutant otherwise (a CI log keeps each verdict).
    let terminal = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let bar = crate::progress::Progress::new("mutate: mutants", mutants.len());
    let judged = crate::parallel::map(&mutants, |mutant| {
        let start = Instant::now();
        let judged = judge
            .judge(mutant)
            .map(|(status, detail)| report::Judged::new(mutant, status, detail, start.elapsed()));
        let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        if terminal {
            bar.tick();
        } else if let Ok(j) = &judged {
            eprintln!(
                "mutate {n}/{}: {:?} {}:{} {} ({:.1} s)",
                mutants.len(),
                j.status,
                j.module,
                j.line,
                j.operator.name(),
                j.seconds
            );
        }
        judged
    });
    bar.finish();
    report.mutants = judged.into_iter().collect::<Result<_, _>>()?;
    report.mutants.extend(carried);
    report.mutants.sort_by_key(|m| m.index);
    report.seconds = start.elapsed().as_secs_f64();
    Ok(report)
}

/// Every mutant of `modules`, numbered in order; with `changed`, only those whose changed
/// lines meet the changed lines of their file (the numbers stay those of the whole run).
pub fn mutants(
    modules: &[sources::Module],
    types: &std::collections::HashMap<String, operators::Types>,
    changed: Option<&BTreeMap<PathBuf, BTreeSet<usize>>>,
) -> Result<Vec<Mutant>, Error> {
    let mut mutants = Vec::new();
    let mut index = 0;
    for module in modules {
        let prefixes: Vec<&str> = crate::protocols::all()
            .iter()
            .flat_map(|p| p.rule_prefixes.iter().copied())
            .collect();
        let empty = operators::Types::default();
        let path = module.path.display().to_string();
        let variants = operators::variants(
            &path,
            &module.source,
            module.kind,
            types.get(&module.name).unwrap_or(&empty),
        )?;
        for variant in variants {
            index += 1;
            let touched = changed.is_none_or(|changed| {
                let end = variant.line + variant.lines.max(1) - 1;
                changed
                    .get(&module.path)
                    .is_some_and(|set| set.range(variant.line..=end).next().is_some())
            });
            if !touched {
                continue;
            }
            mutants.push(Mutant {
                index: index - 1,
                protocol: module.protocol.clone(),
                path: module.path.clone(),
                original: module.source.clone(),
                rule: sources::nearest_rule(&module.source, variant.line, &prefixes),
                variant,
            });
        }
    }
    Ok(mutants)
}

/// The verdicts of an earlier report that `--iterate` keeps (those whose key is not judged
/// `again`), numbered as the `current` mutants (key, line, index). A key may name several
/// mutants (one function can hold the same text on two lines), so a verdict goes to the
/// current mutant of its key and line, or, where the code moved, to the next one of its key
/// left over.
fn carry(
    current: &[([String; 5], usize, usize)],
    previous: Vec<report::Judged>,
    again: &HashSet<[String; 5]>,
) -> Vec<report::Judged> {
    let mut free: HashMap<&[String; 5], Vec<(usize, usize)>> = HashMap::new();
    for (key, line, index) in current {
        free.entry(key).or_default().push((*line, *index));
    }
    let mut kept: Vec<report::Judged> = previous
        .into_iter()
        .filter(|j| !again.contains(&j.key().map(str::to_string)))
        .collect();
    let mut placed = vec![false; kept.len()];
    for exact in [true, false] {
        for (judged, placed) in kept.iter_mut().zip(placed.iter_mut()) {
            let key = judged.key().map(str::to_string);
            let Some(left) = free.get_mut(&key).filter(|_| !*placed) else {
                continue;
            };
            let at = left.iter().position(|&(line, _)| line == judged.line);
            if let Some(at) = at.or((!exact && !left.is_empty()).then_some(0)) {
                judged.index = left.remove(at).1;
                *placed = true;
            }
        }
    }
    kept.into_iter()
        .zip(placed)
        .filter_map(|(judged, placed)| placed.then_some(judged))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judged(key: &[String; 5], line: usize, status: Status) -> report::Judged {
        report::Judged {
            index: 0,
            protocol: "loans".into(),
            module: key[0].clone(),
            function: key[1].clone(),
            operator: operators::Operator::ALL
                .into_iter()
                .find(|o| o.name() == key[2])
                .unwrap(),
            line,
            before: key[3].clone(),
            after: key[4].clone(),
            rule: None,
            status,
            detail: None,
            seconds: 0.0,
        }
    }

    #[test]
    fn iterate_carries_each_verdict_to_its_own_mutant() {
        let key = |after: &str| ["m.ak", "walk", "arg-swap", "a, b", after].map(String::from);
        let (same, other) = (key("b, a"), key("a, a"));
        // Two mutants share a key, on lines 10 and 20; the earlier report lists line 20 first.
        let current = [
            (same.clone(), 10, 4),
            (same.clone(), 20, 7),
            (other.clone(), 30, 9),
        ];
        let previous = vec![
            judged(&same, 20, Status::Timeout),
            judged(&same, 10, Status::Killed),
            judged(&other, 30, Status::Survived),
        ];
        let again = HashSet::from([other]);
        let kept: Vec<_> = carry(&current, previous.clone(), &again)
            .iter()
            .map(|j| (j.index, j.line, j.status))
            .collect();
        assert_eq!(kept, [(7, 20, Status::Timeout), (4, 10, Status::Killed)]);
        // The code moved by a line: the verdicts still go one to each mutant.
        let moved = [(same.clone(), 11, 4), (same, 21, 7)];
        let mut indices: Vec<_> = carry(&moved, previous, &HashSet::new())
            .iter()
            .map(|j| j.index)
            .collect();
        indices.sort();
        assert_eq!(indices, [4, 7]);
    }

    #[test]
    fn shards_partition_the_mutants() {
        for count in 1..=5 {
            for index in 0..23 {
                let takers: Vec<usize> = (1..=count)
                    .filter(|&k| Shard { index: k, count }.takes(index))
                    .collect();
                assert_eq!(
                    takers.len(),
                    1,
                    "mutant {index} of {count} shards: {takers:?}"
                );
            }
        }
        assert_eq!("2/3".parse(), Ok(Shard { index: 2, count: 3 }));
        for bad in ["0/3", "4/3", "3", "a/b", "1/0"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }
}
