//! The subcommands of the `harness` binary, as library functions: `main.rs` only parses
//! arguments and maps [`Exit`] and [`Error`] to exit codes.

use crate::{
    budget,
    capacity::{self, Adversarial, Batch, Capacity, DustEntry, Dusted, Load},
    coverage,
    deploy::Build,
    parallel,
    params::{self, Params},
    protocols,
    replay::{self, Actual, DeploymentError, Replayed, Replays},
    report::{self, Format},
    scenario::Expect,
};
use pallas_codec::minicbor;
use std::{
    fmt::Write as _,
    path::{Path, PathBuf},
};

/// How a command ended, when it could run at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Every outcome is the one expected.
    Success,
    /// Some outcome differs from its fixture (or coverage is incomplete).
    Mismatch,
}

/// Why a command could not run: bad input, usage or I/O (exit code 2). Rendered by the binary
/// as a miette diagnostic; nothing below is flattened into a string on the way.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum Error {
    #[error(transparent)]
    #[diagnostic(transparent)]
    Params(#[from] params::Error),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Paths(#[from] replay::Error),
    #[error("no fixture found under {}", shown(paths))]
    #[diagnostic(
        code(harness::no_fixtures),
        help(
            "fixtures are the .json files other than *.budget.json, protocol-params*.json and schema.json"
        )
    )]
    NoFixtures { paths: Vec<PathBuf> },
    #[error(
        "no fixtures/ directory in {} or above it (looked for a directory holding fixtures/ and validators/, or a git root holding fixtures/)",
        cwd.display()
    )]
    #[diagnostic(
        code(harness::no_root),
        help(
            "run the harness inside a p2p-defi-kernel checkout, or name the fixture files or directories"
        )
    )]
    NoRoot { cwd: PathBuf },
    #[error("cannot read the current directory: {source}")]
    #[diagnostic(code(harness::io))]
    CurrentDir { source: std::io::Error },
    #[error("{}: cannot enter the repository root: {source}", root.display())]
    #[diagnostic(code(harness::io))]
    EnterRoot {
        root: PathBuf,
        source: std::io::Error,
    },
    #[error("{} fixture(s) could not be {done}", failures.len())]
    #[diagnostic(code(harness::bad_fixtures))]
    BadFixtures {
        /// What the command does to a fixture: `replayed`, `attacked`, ...
        done: &'static str,
        #[related]
        failures: Vec<Failure>,
    },
    #[error(transparent)]
    #[diagnostic(transparent)]
    Fixture(#[from] crate::fixture::Error),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Deployment(#[from] DeploymentError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Budget(#[from] budget::Error),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Capacity(#[from] capacity::Error),
    #[error("unknown action `{name}`")]
    #[diagnostic(code(harness::unknown_action), help("the actions are: {}", known.join(", ")))]
    UnknownAction { name: String, known: Vec<String> },
    #[error("{}: cannot write the emitted transaction: {source}", path.display())]
    #[diagnostic(code(harness::emit))]
    Emit {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    #[diagnostic(transparent)]
    Mutate(#[from] crate::mutate::Error),
    #[error("cannot write the report to standard output: {source}")]
    #[diagnostic(code(harness::stdout))]
    Stdout { source: std::io::Error },
    #[error(transparent)]
    #[diagnostic(transparent)]
    Blueprint(#[from] crate::blueprint::Error),
    #[error("{}: cannot write: {source}", path.display())]
    #[diagnostic(code(harness::io))]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("`harness {command}` has no JUnit report")]
    #[diagnostic(
        code(harness::usage),
        help(
            "--format junit is for replay, attack, budget and coverage; use terminal, markdown or json"
        )
    )]
    NoJunit { command: &'static str },
}

/// Refuses `--format junit` for a command whose report is no list of test cases.
fn tabular(format: Format, command: &'static str) -> Result<(), Error> {
    match format {
        Format::Junit => Err(Error::NoJunit { command }),
        _ => Ok(()),
    }
}

/// One fixture that could not be worked on, listed with the others in [`Error::BadFixtures`].
/// Each keeps its diagnostic (code, file, JSON path, help) but not its cause chain: messages end
/// with their cause already, and miette lists related diagnostics with their chain.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum Failure {
    #[error("{0}")]
    #[diagnostic(transparent)]
    Replay(replay::Error),
    #[error("{0}")]
    #[diagnostic(transparent)]
    Attack(crate::attack::Error),
    #[error("{count} attack(s) could not be built (engine errors, listed in the report)")]
    #[diagnostic(code(harness::attack::engine))]
    Engine { count: usize },
}

impl From<replay::Error> for Failure {
    fn from(err: replay::Error) -> Failure {
        Failure::Replay(err)
    }
}

impl From<crate::attack::Error> for Failure {
    /// Keeps the fixture's and the replay's own diagnostics (code, file, JSON path).
    fn from(err: crate::attack::Error) -> Failure {
        match err {
            crate::attack::Error::Fixture(err) => Failure::Replay(err.into()),
            crate::attack::Error::Replay(err) => Failure::Replay(err),
            other => Failure::Attack(other),
        }
    }
}

/// Paths as a list for a message.
fn shown(paths: &[PathBuf]) -> String {
    let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    shown.join(", ")
}

/// Where the binary stands: the current directory, and the repository root found from it
/// ([`find_root`]). The binary works from the root, so that every path it reports is relative
/// to it; paths the user gives are rebased onto it ([`Workspace::path`]).
#[derive(Debug, Clone)]
pub struct Workspace {
    /// The directory the binary was started in.
    pub cwd: PathBuf,
    /// The repository root, when one was found.
    pub root: Option<PathBuf>,
}

impl Workspace {
    /// Finds the root from the current directory and moves there.
    pub fn enter() -> Result<Workspace, Error> {
        let cwd = std::env::current_dir().map_err(|source| Error::CurrentDir { source })?;
        let root = find_root(&cwd);
        if let Some(root) = &root {
            std::env::set_current_dir(root).map_err(|source| Error::EnterRoot {
                root: root.clone(),
                source,
            })?;
        }
        Ok(Workspace { cwd, root })
    }

    /// A path the user gave (relative to where they stand), as the binary, working from the
    /// root, must name it: relative to the root when it lies below it, absolute otherwise.
    pub fn path(&self, given: &Path) -> PathBuf {
        let Some(root) = &self.root else {
            return given.to_path_buf();
        };
        let absolute = normalise(&self.cwd.join(given));
        match absolute.strip_prefix(root) {
            Ok(below) if below.as_os_str().is_empty() => PathBuf::from("."),
            Ok(below) => below.to_path_buf(),
            Err(_) => absolute,
        }
    }

    /// The fixture paths of a command: those given, rebased, or `fixtures/` under the root.
    pub fn fixture_paths(&self, given: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
        if !given.is_empty() {
            return Ok(given.iter().map(|p| self.path(p)).collect());
        }
        match &self.root {
            Some(_) => Ok(vec![PathBuf::from("fixtures")]),
            None => Err(Error::NoRoot {
                cwd: self.cwd.clone(),
            }),
        }
    }
}

/// The repository root seen from `start`: `start` itself when it holds `fixtures/`, else the
/// nearest directory above it holding both `fixtures/` and `validators/`, or the git root (the
/// directory holding `.git`) when it holds `fixtures/`. The search stops at the git root.
pub fn find_root(start: &Path) -> Option<PathBuf> {
    for dir in start.ancestors() {
        let fixtures = dir.join("fixtures").is_dir();
        let git_root = dir.join(".git").exists();
        if fixtures && (dir == start || git_root || dir.join("validators").is_dir()) {
            return Some(dir.to_path_buf());
        }
        if git_root {
            return None;
        }
    }
    None
}

/// `path` without `.` and with each `..` taking away the component before it, without asking
/// the file system (the path may not exist).
fn normalise(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Writes a report to standard output. A closed standard output (`harness ... | head`) is a
/// quiet end of the report, as in other Unix tools, not an error; every command prints through
/// here.
pub fn print(text: &str) -> Result<(), Error> {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        result => result.map_err(|source| Error::Stdout { source }),
    }
}

/// `harness replay`: replays every fixture under `paths` and prints the report, with what the
/// traced build logged for each failing redeemer when `traces` is set.
pub fn replay(
    paths: &[PathBuf],
    format: Format,
    params: Option<&Path>,
    emit_cbor: Option<&Path>,
    traces: bool,
) -> Result<Exit, Error> {
    let params = load_params(params)?;
    let files = fixture_files(paths)?;
    let mut lines = Vec::new();
    let mut failures = Vec::new();
    for replays in parallel::map_shown("replay: files", &files, |file| {
        replay::replay_path(file, &params)
    }) {
        match replays {
            Ok(replays) => {
                if let Some(dir) = emit_cbor {
                    for replayed in &replays.steps {
                        emit(dir, replayed)?;
                    }
                }
                lines.extend(report::lines(&replays, &params));
            }
            Err(err) => failures.push(err.into()),
        }
    }
    if !traces {
        lines = report::without_traces(lines);
    }
    print(&report::render(&lines, &params, format))?;
    if !failures.is_empty() {
        return Err(Error::BadFixtures {
            done: "replayed",
            failures,
        });
    }
    Ok(if lines.iter().all(|l| l.matches) {
        Exit::Success
    } else {
        Exit::Mismatch
    })
}

/// What `harness budget` does with the baselines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BudgetMode {
    /// Print the changes against the baselines.
    Report,
    /// Print them and exit 1 when there is any (the CI gate).
    Check,
    /// Rewrite the baselines with the current figures.
    Update,
}

/// Every fixture under `paths`; finding none is an error naming the paths.
fn fixture_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let files = replay::collect(paths)?;
    if files.is_empty() {
        return Err(Error::NoFixtures {
            paths: paths.to_vec(),
        });
    }
    Ok(files)
}

/// The parameter file given, or the bundled current mainnet set.
fn load_params(path: Option<&Path>) -> Result<Params, Error> {
    Ok(match path {
        Some(path) => Params::load(path)?,
        None => Params::mainnet()?,
    })
}

/// `harness budget`: the current costs of every fixture and script against the baselines.
pub fn budget(
    paths: &[PathBuf],
    format: Format,
    params: Option<&Path>,
    mode: BudgetMode,
    all: bool,
) -> Result<Exit, Error> {
    let params = load_params(params)?;
    let files = fixture_files(paths)?;
    let mut lines = Vec::new();
    let mut failures = Vec::new();
    let replays = parallel::map_shown("replay: files", &files, |file| {
        replay::replay_path(file, &params)
    });
    for (file, replays) in files.iter().zip(replays) {
        let replays = match replays {
            Ok(replays) => replays,
            Err(err) => {
                failures.push(err.into());
                continue;
            }
        };
        lines.extend(budget::against_baseline(
            file,
            &replays,
            mode == BudgetMode::Update,
        )?);
    }
    lines.extend(budget::orphan_lines(paths, mode == BudgetMode::Update)?);
    // Script sizes are recorded at the fixtures root, checked when it is the directory given.
    if let [root] = paths
        && budget::is_fixtures_root(root)
    {
        lines.extend(budget::scripts_against_baseline(
            root,
            mode == BudgetMode::Update,
        )?);
    }

    print(&budget::render(&lines, format, all))?;
    if !failures.is_empty() {
        return Err(Error::BadFixtures {
            done: "replayed",
            failures,
        });
    }
    let changed = lines.iter().any(|l| !l.change.passes());
    Ok(match mode {
        BudgetMode::Check if changed => Exit::Mismatch,
        _ => Exit::Success,
    })
}

/// `harness capacity`: for each action (all when none is named), the most that fit in one
/// transaction under the parameter set's limits; with `dust`, also the adversarial capacity.
/// Progress goes to standard error.
pub fn capacity(
    actions: &[String],
    dust: bool,
    format: Format,
    params: Option<&Path>,
) -> Result<Exit, Error> {
    tabular(format, "capacity")?;
    let params = load_params(params)?;
    let known = protocols::batches();
    let actions: Vec<&dyn Batch> = if actions.is_empty() {
        known.clone()
    } else {
        actions
            .iter()
            .map(|name| {
                known
                    .iter()
                    .copied()
                    .find(|a| a.name() == *name)
                    .ok_or_else(|| Error::UnknownAction {
                        name: name.clone(),
                        known: known.iter().map(|a| a.name()).collect(),
                    })
            })
            .collect::<Result<_, _>>()?
    };
    let progress = |action: &dyn Batch, load: Load| {
        let name = action.name();
        move |p: &capacity::Point| {
            let verdict = if p.over.is_empty() {
                "fits".to_string()
            } else {
                format!("over {}", p.over.join(", "))
            };
            let dusted = if load == Load::Dust { " (dust)" } else { "" };
            // Progress is a courtesy: a closed standard error does not stop the search.
            use std::io::Write as _;
            let _ = writeln!(
                std::io::stderr(),
                "{name}{dusted}: {} actions, {} mem, {} steps, {} bytes: {verdict}",
                p.n,
                p.mem,
                p.steps,
                p.size
            );
        }
    };
    let table = parallel::map_shown("capacity: actions", &actions, |&action| {
        capacity::search(
            action,
            Load::Honest,
            &params,
            progress(action, Load::Honest),
        )
    })
    .into_iter()
    .collect::<Result<Vec<_>, _>>()?;
    let adversarial = if dust {
        let entries: Vec<DustEntry> =
            parallel::map(protocols::all(), |p| (p.capacity.dust_entries)(&params))
                .into_iter()
                .collect::<Result<Vec<_>, _>>()?
                .into_iter()
                .flatten()
                .collect();
        let pairs: Vec<(&dyn Batch, &Capacity)> = actions.iter().copied().zip(&table).collect();
        let rows = parallel::map_shown("capacity: dust", &pairs, |&(action, honest)| {
            let progress = progress(action, Load::Dust);
            capacity::adversarial(action, honest, &entries, &params, progress)
        })
        .into_iter()
        .collect::<Result<Vec<_>, _>>()?;
        Some((entries, rows))
    } else {
        None
    };
    print(&render_capacity(
        &table,
        adversarial.as_ref(),
        &params,
        format,
    ))?;
    Ok(Exit::Success)
}

/// The adversarial capacity as markdown tables: whether dust reaches each group of UTxOs, then
/// each action's capacity with and without it.
fn render_adversarial(entries: &[DustEntry], rows: &[Adversarial], params: &Params) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Adversarial capacity: token dust up to the maximum value size ({} bytes) in every protocol UTxO a batch spends.\n",
        params.max_value_size
    );
    let _ = writeln!(
        out,
        "| dust added to the protocol output of | accepted | rejected by |"
    );
    let _ = writeln!(out, "|---|---|---|");
    for e in entries {
        let _ = writeln!(
            out,
            "| {} {} | {} | {} |",
            e.group,
            e.via,
            if e.accepted { "yes" } else { "no" },
            if e.rejected_by.is_empty() {
                "-".to_string()
            } else {
                e.rejected_by.join(", ")
            }
        );
    }
    let _ = writeln!(
        out,
        "\n| action | honest | with dust | bottleneck with dust | dust reaches its UTxOs | adversarial |"
    );
    let _ = writeln!(out, "|---|---:|---:|---|---|---:|");
    for r in rows {
        let (dusted, bottleneck) = match &r.dusted {
            Dusted::NotApplicable => ("-".to_string(), "spends no protocol UTxO".to_string()),
            Dusted::Refused { rules } => (
                "0".to_string(),
                format!("refused by the scripts ({})", rules.join(", ")),
            ),
            Dusted::Measured { capacity } => (capacity.fits().to_string(), capacity.bottleneck()),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {dusted} | {bottleneck} | {} | {} |",
            r.action,
            r.honest,
            if r.dust_reaches { "yes" } else { "no" },
            r.adversarial
        );
    }
    out
}

fn render_capacity(
    table: &[Capacity],
    adversarial: Option<&(Vec<DustEntry>, Vec<Adversarial>)>,
    params: &Params,
    format: Format,
) -> String {
    let ada = report::ada;
    let fee = |p: &Option<capacity::Point>| p.as_ref().map_or("-".to_string(), |p| ada(p.fee));
    let mut out = String::new();
    match format {
        Format::Json => {
            let mut doc = serde_json::json!({ "params": params.name, "limits": {
                "mem": params.max_tx_ex_units.mem, "steps": params.max_tx_ex_units.steps, "size": params.max_tx_size,
                "value_size": params.max_value_size },
                "actions": table });
            if let Some((entries, rows)) = adversarial {
                doc["dust_entries"] = serde_json::json!(entries);
                doc["adversarial"] = serde_json::json!(rows);
            }
            out = report::json(&doc);
        }
        Format::Markdown | Format::Terminal | Format::Junit => {
            let _ = writeln!(
                out,
                "Limits of `{}`: {} mem, {} steps, {} bytes per transaction.\n",
                params.name,
                params.max_tx_ex_units.mem,
                params.max_tx_ex_units.steps,
                params.max_tx_size
            );
            let _ = writeln!(
                out,
                "| action | max per tx | bottleneck | mem @max | size @max | mem @1 | fee @1 | mem @10 | fee @10 | mem @25 | fee @25 | fee @max | collateral @max |"
            );
            let _ = writeln!(
                out,
                "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
            );
            // A figure measured over a limit is shown with the limit it exceeds.
            let mem = |p: &Option<capacity::Point>| {
                p.as_ref().map_or("-".to_string(), |p| {
                    if p.over.is_empty() {
                        p.mem.to_string()
                    } else {
                        format!("{} (over {})", p.mem, p.over.join(", "))
                    }
                })
            };
            for c in table {
                let max = c.max.as_ref();
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                    c.action,
                    c.fits(),
                    c.bottleneck(),
                    max.map_or("-".into(), |p| p.mem.to_string()),
                    max.map_or("-".into(), |p| p.size.to_string()),
                    mem(&c.one),
                    fee(&c.one),
                    mem(&c.ten),
                    fee(&c.ten),
                    mem(&c.twenty_five),
                    fee(&c.twenty_five),
                    fee(&c.max),
                    max.map_or("-".into(), |p| ada(p.collateral)),
                );
            }
            if let Some((entries, rows)) = adversarial {
                let _ = writeln!(out);
                out.push_str(&render_adversarial(entries, rows, params));
            }
        }
    }
    out
}

/// The subjects (a fixture, or a chain's steps) whose outcome differs between two replays of
/// one file, with the outcome in each.
fn changed_statuses(base: &Replays, other: &Replays) -> Vec<(String, String, String)> {
    let (a, b) = (statuses(base), statuses(other));
    let mut subjects: Vec<&String> = a.iter().chain(&b).map(|(s, _)| s).collect();
    subjects.dedup();
    let of = |list: &[(String, String)], subject: &str| {
        list.iter()
            .find(|(s, _)| s == subject)
            .map_or("-".to_string(), |(_, status)| status.clone())
    };
    subjects
        .into_iter()
        .map(|s| (s.clone(), of(&a, s), of(&b, s)))
        .filter(|(_, was, now)| was != now)
        .collect()
}

/// Each subject of a file's replays with its outcome and the limits it exceeds.
fn statuses(replays: &Replays) -> Vec<(String, String)> {
    let status = |r: &Replayed| {
        let limits = if r.over_limits.is_empty() {
            String::new()
        } else {
            format!(" (over: {})", r.over_limits.join(", "))
        };
        format!("{}{limits}", report::actual_text(&r.actual))
    };
    let ran = replays
        .steps
        .iter()
        .map(|r| (r.scenario.subject(), status(r)));
    let path = replays
        .steps
        .first()
        .map(|r| r.scenario.path.display().to_string())
        .unwrap_or_default();
    let not_run = replays.not_run.iter().map(|step| {
        let text = report::actual_text(&Actual::NotRun);
        (format!("{path}#{step}"), text)
    });
    ran.chain(not_run).collect()
}

/// `harness what-if`: replays the fixtures (and, with `capacity`, searches every action's capacity)
/// under a base parameter set and another one, and lists what changes: outcomes, the limits a
/// transaction exceeds, capacities and their bottlenecks.
pub fn what_if(
    paths: &[PathBuf],
    base: Option<&Path>,
    other: &Path,
    capacity: bool,
    format: Format,
) -> Result<Exit, Error> {
    tabular(format, "what-if")?;
    let base = load_params(base)?;
    let other = Params::load(other)?;
    let files = fixture_files(paths)?;
    let mut rows: Vec<serde_json::Value> = Vec::new();
    let mut failures = Vec::new();
    let pairs = parallel::map(&files, |file| {
        (
            replay::replay_path(file, &base),
            replay::replay_path(file, &other),
        )
    });
    for pair in pairs {
        match pair {
            (Ok(a), Ok(b)) => {
                for (subject, was, now) in changed_statuses(&a, &b) {
                    rows.push(serde_json::json!({ "subject": subject, "base": was, "other": now }));
                }
            }
            (Err(err), _) | (_, Err(err)) => failures.push(err.into()),
        }
    }
    if capacity {
        let actions = protocols::batches();
        let searches = parallel::map(&actions, |&action| {
            let quiet = |_: &capacity::Point| {};
            (
                capacity::search(action, Load::Honest, &base, quiet),
                capacity::search(action, Load::Honest, &other, quiet),
            )
        });
        for (action, (a, b)) in actions.iter().zip(searches) {
            let (a, b) = (a?, b?);
            let describe =
                |c: &Capacity| format!("{} per tx (bottleneck {})", c.fits(), c.bottleneck());
            let (was, now) = (describe(&a), describe(&b));
            if was != now {
                rows.push(serde_json::json!({ "subject": format!("capacity {}", action.name()), "base": was, "other": now }));
            }
        }
    }
    let mut out = String::new();
    match format {
        Format::Json => {
            let doc =
                serde_json::json!({ "base": base.name, "other": other.name, "changes": rows });
            out = report::json(&doc);
        }
        Format::Markdown | Format::Terminal | Format::Junit => {
            let _ = writeln!(
                out,
                "| what | under `{}` | under `{}` |\n|---|---|---|",
                base.name, other.name
            );
            for row in &rows {
                let cell = |k: &str| row[k].as_str().unwrap_or_default().to_string();
                let _ = writeln!(
                    out,
                    "| `{}` | {} | {} |",
                    cell("subject"),
                    cell("base"),
                    cell("other")
                );
            }
            let _ = writeln!(
                out,
                "\n{} change(s) over {} fixture(s){}.",
                rows.len(),
                files.len(),
                if capacity {
                    " and every action's capacity"
                } else {
                    ""
                }
            );
        }
    }
    print(&out)?;
    if !failures.is_empty() {
        return Err(Error::BadFixtures {
            done: "replayed",
            failures,
        });
    }
    Ok(Exit::Success)
}

/// `harness attack`: derives attacked transactions from every passing fixture under `paths` and
/// reports, per fixture and class, the attacks tried and rejected. Any accepted attack is a
/// mismatch (exit 1, printed as a fixture to save as a regression); an attack the engine could
/// not build is an error (exit 2).
pub fn attack(
    paths: &[PathBuf],
    limit: Option<usize>,
    format: Format,
    params: Option<&Path>,
) -> Result<Exit, Error> {
    let params = load_params(params)?;
    let files = fixture_files(paths)?;
    let mut reports = Vec::with_capacity(files.len());
    let mut failures = Vec::new();
    for report in parallel::map_shown("attack: files", &files, |file| {
        crate::attack::attack_file(file, &params, limit)
    }) {
        match report {
            Ok(report) => reports.extend(report),
            Err(err) => failures.push(err.into()),
        }
    }
    print(&crate::attack::render(&reports, format))?;
    let broken: usize = reports.iter().map(|r| r.errors()).sum();
    if broken > 0 {
        failures.push(Failure::Engine { count: broken });
    }
    if !failures.is_empty() {
        return Err(Error::BadFixtures {
            done: "attacked",
            failures,
        });
    }
    Ok(if reports.iter().any(|r| r.accepted() > 0) {
        Exit::Mismatch
    } else {
        Exit::Success
    })
}

/// `harness explain`: one fixture or chain read closely (see [`crate::explain`]); the labels are
/// looked up in `validators/` of the root.
pub fn explain(path: &Path, params: Option<&Path>) -> Result<Exit, Error> {
    let params = load_params(params)?;
    let replays = replay::replay_path(path, &params).map_err(|err| Error::BadFixtures {
        done: "explained",
        failures: vec![err.into()],
    })?;
    print(&crate::explain::render(&replays, Path::new("validators")))?;
    Ok(if replays.matches() {
        Exit::Success
    } else {
        Exit::Mismatch
    })
}

/// `harness mutate`: the mutation testing of `selection` in the repository at `root` (see
/// [`crate::mutate`]), or, with `merge`, the shards' JSON reports put together, or, with
/// `list`, the mutants it would judge (compiled for their types only); `iterate` judges again
/// only the survivors of an earlier report. A survivor
/// missing from the list of equivalent mutants is a mismatch (exit 1).
pub fn mutate(
    root: &Path,
    selection: &crate::mutate::Selection,
    merge: &[PathBuf],
    iterate: Option<&Path>,
    list: bool,
    format: Format,
    params: Option<&Path>,
) -> Result<Exit, Error> {
    use crate::mutate::{Error as MutateError, report::Report};
    if list {
        let mutants = crate::mutate::list(root, selection)?.mutants;
        let mut out = String::new();
        for m in &mutants {
            let v = &m.variant;
            let _ = writeln!(
                out,
                "{}:{} {} in {} ({})\n  - {}\n  + {}",
                m.path.display(),
                v.line,
                v.operator.name(),
                v.function,
                m.rule.as_deref().unwrap_or("no rule"),
                v.before,
                v.after
            );
        }
        let _ = writeln!(out, "{} mutants", mutants.len());
        print(&out)?;
        return Ok(Exit::Success);
    }
    let equivalents = crate::mutate::report::Equivalents::load(root).map_err(MutateError::from)?;
    let report = if merge.is_empty() {
        let previous = match iterate {
            Some(path) => Some(Report::read(path).map_err(MutateError::from)?),
            None => None,
        };
        let previous = previous.map(|report| (report, &equivalents));
        crate::mutate::run(root, selection, load_params(params)?, previous)?
    } else {
        let mut reports = Vec::with_capacity(merge.len());
        for path in merge {
            let report = Report::read(path).map_err(MutateError::from)?;
            reports.push((path.display().to_string(), report));
        }
        Report::merge(reports).map_err(MutateError::from)?
    };
    print(&report.render(&equivalents, format))?;
    Ok(if report.unexcused(&equivalents).is_empty() {
        Exit::Success
    } else {
        Exit::Mismatch
    })
}

/// `harness scripts`: every deployed script of record.
/// `harness report`: replays the fixtures under `paths`, runs up to `attacks` attacks per class
/// and fixture (none for 0) and, with `capacity`, the capacity search and curve of the actions
/// named (every action when none is), and writes the page ([`crate::html`]) to
/// `out/index.html`.
pub fn html_report(
    paths: &[PathBuf],
    out: &Path,
    attacks: usize,
    capacity: Option<&[String]>,
    params: Option<&Path>,
) -> Result<Exit, Error> {
    let params = load_params(params)?;
    let files = fixture_files(paths)?;
    let mut replays = Vec::with_capacity(files.len());
    let mut budget = Vec::new();
    let mut failures = Vec::new();
    for (file, replayed) in files
        .iter()
        .zip(parallel::map_shown("replay: files", &files, |file| {
            replay::replay_path(file, &params)
        }))
    {
        match replayed {
            Ok(r) => {
                budget.extend(budget::against_baseline(file, &r, false)?);
                replays.push(r);
            }
            Err(err) => failures.push(err.into()),
        }
    }
    if !failures.is_empty() {
        return Err(Error::BadFixtures {
            done: "replayed",
            failures,
        });
    }
    let covered: Vec<_> = replays
        .iter()
        .flat_map(|r| &r.steps)
        .map(|r| {
            (
                PathBuf::from(r.scenario.subject()),
                r.scenario.rules.clone(),
                r.scenario.expect.clone(),
            )
        })
        .collect();
    let attacked = if attacks == 0 {
        Vec::new()
    } else {
        parallel::map_shown("attack: files", &files, |file| {
            crate::attack::attack_file(file, &params, Some(attacks))
        })
        .into_iter()
        .filter_map(Result::ok)
        .flatten()
        .collect()
    };
    let curves = match capacity {
        Some(names) => curves(names, &params)?,
        None => Vec::new(),
    };
    let deployment = replay::deployment(Build::Record)?;
    let page = crate::html::page(&crate::html::Figures {
        params: &params,
        deployment,
        replays: &replays,
        budget: &budget,
        coverage: &coverage::compute(&covered),
        attacks: &attacked,
        curves: &curves,
    });
    std::fs::create_dir_all(out).map_err(|source| Error::Write {
        path: out.to_path_buf(),
        source,
    })?;
    let path = out.join("index.html");
    std::fs::write(&path, page).map_err(|source| Error::Write { path, source })?;
    Ok(Exit::Success)
}

/// The actions `names` (every protocol's when empty): their capacity, and their figures at a
/// quarter, half and three quarters of it, at it and one beyond.
fn curves(names: &[String], params: &Params) -> Result<Vec<crate::html::Curve>, Error> {
    let actions: Vec<(&'static str, &dyn Batch)> = protocols::all()
        .iter()
        .flat_map(|p| (p.capacity.batches)().into_iter().map(move |b| (p.name, b)))
        .filter(|(_, b)| names.is_empty() || names.contains(&b.name()))
        .collect();
    if let Some(unknown) = names
        .iter()
        .find(|n| !actions.iter().any(|(_, b)| b.name() == **n))
    {
        return Err(Error::UnknownAction {
            name: unknown.clone(),
            known: protocols::batches().iter().map(|a| a.name()).collect(),
        });
    }
    parallel::map_shown("capacity: actions", &actions, |&(protocol, action)| {
        let capacity = capacity::search(action, Load::Honest, params, |_| {})?;
        let fits = capacity.fits();
        let mut sizes = vec![1, fits / 4, fits / 2, 3 * fits / 4, fits, fits + 1];
        sizes.retain(|&n| n > 0);
        sizes.dedup();
        let points = sizes
            .into_iter()
            .filter_map(|n| capacity::measure(action, n, Load::Honest, params).ok())
            .collect();
        Ok(crate::html::Curve {
            protocol,
            capacity,
            points,
        })
    })
    .into_iter()
    .collect()
}

/// Writes the deployed blueprint ([`crate::blueprint`]) to `out`, or prints it.
pub fn blueprint(out: Option<&Path>) -> Result<Exit, Error> {
    let text = report::json(&crate::blueprint::of_record()?);
    match out {
        Some(path) => std::fs::write(path, text).map_err(|source| Error::Write {
            path: path.to_path_buf(),
            source,
        })?,
        None => print(&text)?,
    }
    Ok(Exit::Success)
}

pub fn scripts(format: Format) -> Result<Exit, Error> {
    tabular(format, "scripts")?;
    let deployment = replay::deployment(Build::Record)?;
    let rows: Vec<serde_json::Value> = deployment
        .scripts
        .iter()
        .map(|s| {
            serde_json::json!({
                "name": s.name,
                "validator": s.validator,
                "hash": hex::encode(s.hash),
                "size": s.size(),
                "parameters": s.params.iter().map(|(n, h)| format!("{n}={}", hex::encode(h))).collect::<Vec<_>>(),
                "plutus": s.plutus_version,
            })
        })
        .collect();
    let mut out = String::new();
    match format {
        Format::Json => out = report::json(&rows),
        Format::Markdown => {
            let _ = writeln!(
                out,
                "| script | hash | size (bytes) | parameters | plutus |\n|---|---|---:|---|---|"
            );
            for s in &deployment.scripts {
                let params: Vec<String> =
                    s.params.iter().map(|(n, _)| format!("{n} hash")).collect();
                let _ = writeln!(
                    out,
                    "| `{}` | `{}` | {} | {} | {} |",
                    s.name,
                    hex::encode(s.hash),
                    s.size(),
                    params.join(", "),
                    s.plutus_version
                );
            }
        }
        Format::Terminal | Format::Junit => {
            let _ = writeln!(
                out,
                "{:<12} {:<56} {:>7}  {:<3}  parameters",
                "script", "hash", "bytes", "plutus"
            );
            for s in &deployment.scripts {
                let params: Vec<String> = s
                    .params
                    .iter()
                    .map(|(n, h)| format!("{n}={}", hex::encode(h)))
                    .collect();
                let params = if params.is_empty() {
                    "none".to_string()
                } else {
                    params.join(" ")
                };
                let _ = writeln!(
                    out,
                    "{:<12} {} {:>7}  {:<6} {}",
                    s.name,
                    hex::encode(s.hash),
                    s.size(),
                    s.plutus_version,
                    params
                );
            }
        }
    }
    print(&format!("{}\n", out.trim_end()))?;
    Ok(Exit::Success)
}

/// `harness coverage`: which fixtures cover each rule of the catalogue (only the rules whose ID
/// starts with one of `prefixes`, when any is given).
pub fn coverage(paths: &[PathBuf], prefixes: &[String], format: Format) -> Result<Exit, Error> {
    let files = fixture_files(paths)?;
    let mut fixtures = Vec::with_capacity(files.len());
    let expect = Expect::from;
    for file in files {
        if crate::fixture::is_chain(&file) {
            for step in crate::fixture::load_chain(&file)?.steps {
                let subject = PathBuf::from(format!("{}#{}", file.display(), step.name));
                fixtures.push((subject, step.rules, expect(step.expect)));
            }
            continue;
        }
        let fixture = crate::fixture::load(&file)?;
        fixtures.push((file, fixture.rules, expect(fixture.expect)));
    }
    let mut table = coverage::compute(&fixtures);
    if !prefixes.is_empty() {
        table.retain(|rule| prefixes.iter().any(|p| rule.id.starts_with(p.as_str())));
    }
    print(&coverage::render(&table, format))?;
    Ok(if table.iter().all(|r| r.complete()) {
        Exit::Success
    } else {
        Exit::Mismatch
    })
}

/// The name of a fixture's emitted files: its path below `fixtures/` (or its file name), without
/// the extension, directories joined by `__`. Only plain path components are kept, so nothing
/// can land outside the output directory.
fn emitted_name(path: &Path) -> String {
    let path = path.with_extension("");
    let parts: Vec<&str> = path
        .components()
        .filter_map(|c| match c {
            std::path::Component::Normal(part) => part.to_str(),
            _ => None,
        })
        .collect();
    let below = parts
        .iter()
        .rposition(|p| *p == "fixtures")
        .map_or(parts.len().saturating_sub(1), |i| i + 1);
    parts[below.min(parts.len())..].join("__")
}

/// Writes a replayed scenario's signed transaction (a cardano-cli text envelope) and the UTxOs it
/// reads (CBOR of each input and output) for cross-checking with other tools.
fn emit(dir: &Path, replayed: &Replayed) -> Result<(), Error> {
    let failed = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Emit { path, source }
    };
    std::fs::create_dir_all(dir).map_err(failed(dir))?;
    let mut stem = emitted_name(&replayed.scenario.path);
    if let Some(step) = &replayed.scenario.step {
        stem = format!("{stem}__{step}");
    }
    // A transaction the ledger refuses before its scripts run was never built.
    let Some(built) = replayed.record.as_ref().map(|r| &r.built) else {
        return Ok(());
    };
    let envelope = serde_json::json!({
        "type": "Tx ConwayEra",
        "description": replayed.scenario.description,
        "cborHex": hex::encode(&built.bytes),
    });
    let path = dir.join(format!("{stem}.tx.json"));
    std::fs::write(&path, report::json(&envelope)).map_err(failed(&path))?;
    let utxos: Vec<serde_json::Value> = built
        .utxos
        .iter()
        .map(|u| {
            serde_json::json!({
                "input": format!("{}#{}", hex::encode(u.input.transaction_id), u.input.index),
                "input_cbor": hex::encode(minicbor::to_vec(&u.input).unwrap_or_default()),
                "output_cbor": hex::encode(minicbor::to_vec(&u.output).unwrap_or_default()),
            })
        })
        .collect();
    let path = dir.join(format!("{stem}.utxos.json"));
    std::fs::write(&path, report::json(&utxos)).map_err(failed(&path))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emitted_names_stay_inside_the_output_directory() {
        let name = |p: &str| emitted_name(Path::new(p));
        assert_eq!(
            name("/work/main/harness/../fixtures/swaps/one_way/fill/a.json"),
            "swaps__one_way__fill__a"
        );
        assert_eq!(name("fixtures/x.json"), "x");
        assert_eq!(name("/tmp/other/y.json"), "y");
        assert_eq!(name("../z.json"), "z");
    }

    #[test]
    fn the_root_is_found_from_below_and_not_past_the_git_root() {
        let base = std::env::temp_dir().join(format!("harness-root-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        let repo = base.join("repo");
        for dir in ["fixtures/swaps", "validators", "harness/src"] {
            std::fs::create_dir_all(repo.join(dir)).unwrap();
        }
        assert_eq!(find_root(&repo), Some(repo.clone()));
        assert_eq!(find_root(&repo.join("harness/src")), Some(repo.clone()));
        assert_eq!(find_root(&repo.join("fixtures/swaps")), Some(repo.clone()));
        // A git root holding fixtures/ needs no validators/; nothing above a git root counts.
        let other = base.join("other");
        std::fs::create_dir_all(other.join("fixtures")).unwrap();
        std::fs::create_dir_all(other.join("nested/.git")).unwrap();
        std::fs::create_dir_all(other.join("nested/deep")).unwrap();
        assert_eq!(find_root(&other.join("nested/deep")), None);
        std::fs::create_dir_all(other.join("nested/fixtures")).unwrap();
        assert_eq!(
            find_root(&other.join("nested/deep")),
            Some(other.join("nested"))
        );
        let _ = std::fs::remove_dir_all(&base);
    }

    #[test]
    fn paths_given_are_rebased_onto_the_root() {
        let ws = Workspace {
            cwd: PathBuf::from("/repo/harness/src"),
            root: Some(PathBuf::from("/repo")),
        };
        let path = |p: &str| ws.path(Path::new(p));
        assert_eq!(path("../../fixtures/a.json"), Path::new("fixtures/a.json"));
        assert_eq!(path("x.json"), Path::new("harness/src/x.json"));
        assert_eq!(path("/repo/fixtures"), Path::new("fixtures"));
        assert_eq!(path("../.."), Path::new("."));
        assert_eq!(path("/tmp/y.json"), Path::new("/tmp/y.json"));
        assert_eq!(path("../../../elsewhere"), Path::new("/elsewhere"));
        assert_eq!(
            ws.fixture_paths(&[]).unwrap(),
            vec![PathBuf::from("fixtures")]
        );
        let lost = Workspace {
            cwd: PathBuf::from("/tmp"),
            root: None,
        };
        assert_eq!(lost.path(Path::new("a.json")), Path::new("a.json"));
        assert!(matches!(
            lost.fixture_paths(&[]),
            Err(Error::NoRoot { cwd }) if cwd == Path::new("/tmp")
        ));
    }
}
