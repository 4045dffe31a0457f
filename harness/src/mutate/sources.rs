//! The Aiken modules a protocol is made of, the lines a change touched, and the rule a line of
//! them checks.
//!
//! A protocol's modules are `validators/lib/<protocol>/` (every module but the `.test.ak` ones)
//! and `validators/validators/<protocol>.ak`.

use aiken_lang::ast::ModuleKind;
use std::{
    collections::{BTreeMap, BTreeSet},
    path::{Path, PathBuf},
    process::Command,
};

/// One module to mutate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Module {
    pub protocol: String,
    /// Its file, relative to the repository root (`validators/lib/swaps/settle.ak`).
    pub path: PathBuf,
    /// Its Aiken name (`swaps/settle`).
    pub name: String,
    pub kind: ModuleKind,
    pub source: String,
}

/// Why the sources cannot be read.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum Error {
    #[error("{}: cannot read: {source}", path.display())]
    #[diagnostic(code(harness::mutate::io))]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("`git {args}` failed: {message}")]
    #[diagnostic(
        code(harness::mutate::git),
        help("--changed-since takes a revision git knows (a fresh clone may need `git fetch`)")
    )]
    Git { args: String, message: String },
}

/// The modules of `protocol` under the repository root `root`, sorted by path.
pub fn modules(root: &Path, protocol: &str) -> Result<Vec<Module>, Error> {
    let validators = root.join("validators");
    let mut found = Vec::new();
    let lib = validators.join("lib");
    let mut dirs = vec![lib.join(protocol)];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for path in entries.flatten().map(|e| e.path()) {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            if path.is_dir() {
                dirs.push(path);
            } else if name.ends_with(".ak") && !name.ends_with(".test.ak") {
                found.push((path, &lib, ModuleKind::Lib));
            }
        }
    }
    let validator = validators.join("validators");
    let handlers = validator.join(format!("{protocol}.ak"));
    if handlers.is_file() {
        found.push((handlers, &validator, ModuleKind::Validator));
    }
    let mut modules = Vec::new();
    for (path, base, kind) in found {
        let source = std::fs::read_to_string(&path).map_err(|source| Error::Read {
            path: path.clone(),
            source,
        })?;
        let name = path
            .strip_prefix(base)
            .unwrap_or(&path)
            .with_extension("")
            .to_string_lossy()
            .replace('\\', "/");
        modules.push(Module {
            protocol: protocol.to_string(),
            path: path.strip_prefix(root).unwrap_or(&path).to_path_buf(),
            name,
            kind,
            source,
        });
    }
    modules.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(modules)
}

/// The modules `source` imports (`use swaps/types.{…}` imports `swaps/types`).
pub fn imports(source: &str) -> Vec<String> {
    source
        .lines()
        .filter_map(|line| line.strip_prefix("use "))
        .map(|rest| {
            rest.split(|c: char| c == '.' || c == '{' || c.is_whitespace())
                .next()
                .unwrap_or_default()
                .to_string()
        })
        .collect()
}

/// The validator files of the Aiken project `validators` (names in its `validators/` folder)
/// whose code can change with a module of one of `protocols`: the protocol's own, and those
/// that import one of its modules, directly or through other modules.
pub fn dependent_validators(
    validators: &Path,
    protocols: &[String],
) -> Result<BTreeSet<String>, Error> {
    let mut sources: BTreeMap<String, String> = BTreeMap::new();
    for (dir, kind) in [
        ("lib", ModuleKind::Lib),
        ("validators", ModuleKind::Validator),
    ] {
        let base = validators.join(dir);
        let mut dirs = vec![base.clone()];
        while let Some(d) = dirs.pop() {
            let Ok(entries) = std::fs::read_dir(&d) else {
                continue;
            };
            for path in entries.flatten().map(|e| e.path()) {
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "ak") {
                    let source = std::fs::read_to_string(&path).map_err(|source| Error::Read {
                        path: path.clone(),
                        source,
                    })?;
                    let name = path.strip_prefix(&base).unwrap_or(&path).with_extension("");
                    let name = name.to_string_lossy().replace('\\', "/");
                    let key = match kind {
                        ModuleKind::Validator => format!("validators:{name}"),
                        _ => name,
                    };
                    sources.insert(key, source);
                }
            }
        }
    }
    let of_protocol = |name: &str| protocols.iter().any(|p| name.starts_with(&format!("{p}/")));
    let mut kept = BTreeSet::new();
    for (key, source) in &sources {
        let Some(validator) = key.strip_prefix("validators:") else {
            continue;
        };
        let mut seen: BTreeSet<String> = BTreeSet::new();
        let mut todo = imports(source);
        let mut reaches = protocols.iter().any(|p| p == validator);
        while let Some(module) = todo.pop() {
            if reaches || !seen.insert(module.clone()) {
                continue;
            }
            reaches = of_protocol(&module);
            if let Some(source) = sources.get(&module) {
                todo.extend(imports(source));
            }
        }
        if reaches {
            kept.insert(format!("{validator}.ak"));
        }
    }
    Ok(kept)
}

/// The lines, 1-based, of each file under `validators/` that differ from revision `rev` (the
/// working tree against it, uncommitted changes included); a file git does not track counts
/// whole. Paths are relative to the repository root `root`.
pub fn changed_lines(root: &Path, rev: &str) -> Result<BTreeMap<PathBuf, BTreeSet<usize>>, Error> {
    let diff = git(
        root,
        &[
            "diff",
            "--no-color",
            "--no-ext-diff",
            "--unified=0",
            rev,
            "--",
            "validators",
        ],
    )?;
    let mut changed = parse_diff(&diff);
    let untracked = git(
        root,
        &[
            "ls-files",
            "--others",
            "--exclude-standard",
            "--",
            "validators",
        ],
    )?;
    for file in untracked.lines().filter(|l| !l.is_empty()) {
        let path = PathBuf::from(file);
        let lines = std::fs::read_to_string(root.join(&path))
            .map(|s| s.lines().count())
            .unwrap_or_default();
        changed.entry(path).or_default().extend(1..=lines);
    }
    Ok(changed)
}

/// The new-side lines of each file of a `git diff --unified=0`. A hunk that only deletes marks
/// the lines on either side of the cut.
pub fn parse_diff(diff: &str) -> BTreeMap<PathBuf, BTreeSet<usize>> {
    let mut changed: BTreeMap<PathBuf, BTreeSet<usize>> = BTreeMap::new();
    let mut file: Option<PathBuf> = None;
    for line in diff.lines() {
        if let Some(path) = line.strip_prefix("+++ ") {
            file = path.strip_prefix("b/").map(PathBuf::from);
        } else if let (Some(hunk), Some(file)) = (line.strip_prefix("@@ "), &file) {
            let Some(new) = hunk.split_whitespace().find_map(|w| w.strip_prefix('+')) else {
                continue;
            };
            let mut parts = new.split(',');
            let start: usize = parts.next().and_then(|s| s.parse().ok()).unwrap_or(0);
            let count: usize = parts.next().and_then(|s| s.parse().ok()).unwrap_or(1);
            let lines = changed.entry(file.clone()).or_default();
            if count == 0 {
                lines.extend([start, start + 1].into_iter().filter(|&l| l > 0));
            } else {
                lines.extend(start..start + count);
            }
        }
    }
    changed
}

fn git(root: &Path, args: &[&str]) -> Result<String, Error> {
    let failed = |message: String| Error::Git {
        args: args.join(" "),
        message,
    };
    let out = Command::new("git")
        .args(args)
        .current_dir(root)
        .output()
        .map_err(|e| failed(e.to_string()))?;
    if !out.status.success() {
        return Err(failed(
            String::from_utf8_lossy(&out.stderr).trim().to_string(),
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The rule the code at `line` (1-based) of `source` checks: the nearest rule ID at or above
/// it in its definition (a `/// RULE: …` label, a comment, a `@"RULE"` string), else the first
/// in the definition's doc comment; `None` when neither names one. A rule ID starts with one
/// of `prefixes` and is made of capitals, digits and dashes.
pub fn nearest_rule(source: &str, line: usize, prefixes: &[&str]) -> Option<String> {
    let lines: Vec<&str> = source.lines().collect();
    let mut at = line.min(lines.len());
    while at > 0 {
        let text = lines[at - 1];
        if let Some(rule) = rule_in(text, prefixes) {
            return Some(rule);
        }
        if starts_definition(text) {
            break;
        }
        at -= 1;
    }
    // The definition's doc comment, above its first line.
    let mut doc = at.saturating_sub(1);
    let mut first = None;
    while doc > 0 && lines[doc - 1].trim_start().starts_with("///") {
        first = rule_in(lines[doc - 1], prefixes).or(first);
        doc -= 1;
    }
    first
}

/// A line that opens a top-level definition.
fn starts_definition(line: &str) -> bool {
    [
        "fn ",
        "pub fn ",
        "validator ",
        "const ",
        "pub const ",
        "test ",
    ]
    .iter()
    .any(|start| line.starts_with(start))
}

/// The first rule ID in `text`.
fn rule_in(text: &str, prefixes: &[&str]) -> Option<String> {
    text.split(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-'))
        .map(|w| w.trim_end_matches('-'))
        .find(|w| {
            prefixes.iter().any(|p| w.starts_with(p))
                && w.len() > 1
                && w.chars().any(|c| c.is_ascii_digit())
        })
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imports_are_the_modules_of_use_lines() {
        let source = "use ledger/value.{PolicyId}\nuse p2p/approval\nuse swaps/two_way/redeemer.{\n  X,\n} as r\nuse tests/fixtures as f\n";
        assert_eq!(
            imports(source),
            [
                "ledger/value",
                "p2p/approval",
                "swaps/two_way/redeemer",
                "tests/fixtures"
            ]
        );
    }

    #[test]
    fn only_validators_that_reach_a_protocol_module_depend_on_it() {
        let validators = Path::new(env!("CARGO_MANIFEST_DIR")).join("../validators");
        let kept = dependent_validators(&validators, &["swaps".to_string()]).unwrap();
        // loans.ak's handler tests use `tests/fixtures`, which imports the swap types.
        assert_eq!(
            kept.into_iter().collect::<Vec<_>>(),
            ["loans.ak", "swaps.ak"]
        );
        let kept = dependent_validators(&validators, &["options".to_string()]).unwrap();
        assert_eq!(kept.into_iter().collect::<Vec<_>>(), ["options.ak"]);
        let kept = dependent_validators(&validators, &["proxy".to_string()]).unwrap();
        assert_eq!(kept.into_iter().collect::<Vec<_>>(), ["proxy.ak"]);
    }

    #[test]
    fn a_diff_gives_the_new_lines_of_each_hunk() {
        let diff = "\
diff --git a/validators/lib/swaps/settle.ak b/validators/lib/swaps/settle.ak
--- a/validators/lib/swaps/settle.ak
+++ b/validators/lib/swaps/settle.ak
@@ -10,2 +10,3 @@ fn a() {
@@ -40 +41 @@ fn b() {
@@ -50,2 +51,0 @@ fn c() {
+++ /dev/null
@@ -1,3 +0,0 @@
";
        let changed = parse_diff(diff);
        let lines: Vec<usize> = changed[Path::new("validators/lib/swaps/settle.ak")]
            .iter()
            .copied()
            .collect();
        assert_eq!(lines, [10, 11, 12, 41, 51, 52]);
        assert_eq!(changed.len(), 1);
    }

    #[test]
    fn the_nearest_rule_is_the_label_above_or_the_definitions_doc() {
        let source = "\
/// SWAP-OW-EXEC-02: the doc's rule
fn fill(x: Int) -> Bool {
  let y = x + 1
  /// SWAP-OW-EXEC-05: the label
  expect y == 2
  y > 0
}

/// No rule here.
fn other() -> Bool {
  1 < 2
}

fn first() -> Bool {
  fail @\"SWAP-V3-06\"
}
";
        let prefixes = ["SWAP-"];
        let rule = |line| nearest_rule(source, line, &prefixes);
        assert_eq!(rule(5).as_deref(), Some("SWAP-OW-EXEC-05"));
        assert_eq!(rule(6).as_deref(), Some("SWAP-OW-EXEC-05"));
        assert_eq!(rule(3).as_deref(), Some("SWAP-OW-EXEC-02"));
        assert_eq!(rule(11), None);
        assert_eq!(rule(15).as_deref(), Some("SWAP-V3-06"));
    }
}
