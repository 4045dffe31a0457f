//! `harness`: replays scenario fixtures through the compiled validators and reports their cost.
//!
//! Exit codes: 0 all outcomes as expected, 1 some outcome differs from its fixture, 2 bad input,
//! usage or I/O error. Errors are rendered as miette diagnostics on standard error.
//!
//! Nothing depends on where the binary was built: the mainnet parameters are embedded, and
//! fixture paths default to `fixtures/` of the repository root found from the current directory
//! ([`commands::find_root`]). The binary works from that root, so reports and errors name files
//! relative to it.

use clap::{Parser, Subcommand};
use harness::{
    commands::{self, BudgetMode, Exit, Workspace},
    report::Format,
};
use std::{path::PathBuf, process::ExitCode};

/// What the fixture arguments of every command default to.
const DEFAULT_FIXTURES: &str = "Fixture files or directories, searched recursively for .json fixtures \
     (default: fixtures/ in the current directory, or in the repository root above it: the \
     nearest directory holding fixtures/ and validators/, or the git root)";

#[derive(Parser)]
#[command(
    name = "harness",
    version,
    about = "Replay p2p-defi-kernel fixtures as Conway transactions and measure the validators"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Replay fixtures (files or directories) and compare each outcome with its fixture.
    Replay {
        #[arg(help = DEFAULT_FIXTURES)]
        paths: Vec<PathBuf>,
        /// Output format: terminal, markdown or json.
        #[arg(long, default_value = "terminal")]
        format: Format,
        /// Protocol-parameter file (default: the current mainnet set, fixtures/protocol-params.json as embedded in the binary).
        #[arg(long)]
        params: Option<PathBuf>,
        /// Write each scenario's transaction CBOR and resolved UTxOs into this directory.
        #[arg(long, value_name = "DIR")]
        emit_cbor: Option<PathBuf>,
        /// Show what the traced build logged for each failing redeemer (its rule labels and
        /// traces), in every format.
        #[arg(long)]
        traces: bool,
    },
    /// Compare every fixture's costs and every script's size with the committed baselines (the
    /// script sizes in scripts.budget.json at the top of the one directory given, fixtures/ by
    /// default).
    Budget {
        #[arg(help = DEFAULT_FIXTURES)]
        paths: Vec<PathBuf>,
        /// Exit 1 when any figure or outcome differs from its baseline (the CI gate).
        #[arg(long, conflicts_with = "update")]
        check: bool,
        /// Rewrite the baselines with the current figures.
        #[arg(long)]
        update: bool,
        /// Also show the figures that did not change.
        #[arg(long)]
        all: bool,
        #[arg(long, default_value = "terminal")]
        format: Format,
        /// Protocol-parameter file (default: the current mainnet set, fixtures/protocol-params.json as embedded in the binary).
        #[arg(long)]
        params: Option<PathBuf>,
    },
    /// Find, for each batchable action, the most actions one transaction can carry.
    Capacity {
        /// Actions to search (default: all): ow-create-same-pair, ow-fill-same-pair, ...
        #[arg(long = "action", value_name = "NAME")]
        actions: Vec<String>,
        /// Also the adversarial capacity: with token dust up to the maximum value size in every
        /// swap a batch spends, and whether dust can reach those swaps at all.
        #[arg(long)]
        dust: bool,
        #[arg(long, default_value = "terminal")]
        format: Format,
        /// Protocol-parameter file (default: the current mainnet set, fixtures/protocol-params.json as embedded in the binary).
        #[arg(long)]
        params: Option<PathBuf>,
    },
    /// Compare two parameter sets: the fixtures (and capacities) whose outcome, limit status or
    /// capacity changes.
    WhatIf {
        #[arg(help = DEFAULT_FIXTURES)]
        paths: Vec<PathBuf>,
        /// The other parameter set.
        #[arg(long)]
        params: PathBuf,
        /// The base parameter set (default: the current mainnet set, fixtures/protocol-params.json as embedded in the binary).
        #[arg(long)]
        base: Option<PathBuf>,
        /// Also search every action's capacity under both sets (slower).
        #[arg(long)]
        capacity: bool,
        #[arg(long, default_value = "terminal")]
        format: Format,
    },
    /// Attack every passing fixture (double satisfaction, redirects, value theft, token dust,
    /// datum tampering, beacon theft, missing authorisation, other redeemers, ...) and report the
    /// attacks tried and rejected; exit 1 if any is accepted.
    Attack {
        #[arg(help = DEFAULT_FIXTURES)]
        paths: Vec<PathBuf>,
        /// At most this many attacks per class and fixture (default: all).
        #[arg(long)]
        limit: Option<usize>,
        #[arg(long, default_value = "terminal")]
        format: Format,
        /// Protocol-parameter file (default: the current mainnet set, fixtures/protocol-params.json as embedded in the binary).
        #[arg(long)]
        params: Option<PathBuf>,
    },
    /// Write the CIP-57 blueprint (plutus.json) of the scripts of record as deployed: typed
    /// datum and redeemer schemas, parameters applied, deployed hashes and policy ids, the
    /// unapplied code under "<title> (unapplied)"; no test-only validator.
    Blueprint {
        /// Where to write it (default: standard output).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Write one self-contained HTML page (OUT/index.html): per protocol, script sizes against
    /// the original's, capacity curves, budgets of record and their diff, rule coverage,
    /// attacks per class and the failing fixtures with their rules' text.
    Report {
        #[arg(help = DEFAULT_FIXTURES)]
        paths: Vec<PathBuf>,
        /// The directory to write index.html to.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// At most this many attacks per class and fixture (0: no attacks).
        #[arg(long, default_value_t = 2)]
        attacks: usize,
        /// Also search every action's capacity and draw its curve (minutes).
        #[arg(long)]
        capacity: bool,
        /// Only these capacity actions (repeatable; implies --capacity).
        #[arg(long = "action", value_name = "NAME")]
        actions: Vec<String>,
        /// Protocol-parameter file (default: the current mainnet set, embedded in the binary).
        #[arg(long)]
        params: Option<PathBuf>,
    },
    /// List the deployed scripts: name, hash, size, parameters, Plutus version.
    Scripts {
        #[arg(long, default_value = "terminal")]
        format: Format,
    },
    /// Explain one fixture or chain: each redeemer's outcome, and for each rule a failing script
    /// names, the rule's catalogue text and the Aiken lines that carry its label.
    Explain {
        /// The fixture or chain (`*.chain.json`).
        path: PathBuf,
        /// Protocol-parameter file (default: the current mainnet set, embedded in the binary).
        #[arg(long)]
        params: Option<PathBuf>,
    },
    /// Mutation testing: change the protocols' Aiken modules one place at a time (comparisons,
    /// integer constants, expects and conjuncts dropped, `||`/`&&`, branches returning True,
    /// swapped arguments), replay the fixtures that run each changed script, and report the
    /// mutants no fixture notices; exit 1 if one is not in harness/rules/equivalent-mutants.tsv.
    Mutate {
        /// Only this protocol (repeatable; default: every protocol with modules).
        #[arg(long = "protocol", value_name = "NAME")]
        protocols: Vec<String>,
        /// Only this module: its Aiken name (swaps/settle) or its path.
        #[arg(long, value_name = "MODULE")]
        module: Option<String>,
        /// Only mutants of the lines changed since this git revision (working tree included).
        #[arg(long, value_name = "REV")]
        changed_since: Option<String>,
        /// Only the K-th of N deterministic parts of the mutants (for a CI matrix).
        #[arg(long, value_name = "K/N")]
        shard: Option<harness::mutate::Shard>,
        /// Merge the JSON reports of a run's shards (or render one report again) instead of running.
        #[arg(long, value_name = "FILE", num_args = 1.., conflicts_with_all = ["protocols", "module", "changed_since", "shard", "params"])]
        merge: Vec<PathBuf>,
        /// Judge again only the mutants that survived in this earlier JSON report of the same
        /// selection; the others keep its verdicts.
        #[arg(long, value_name = "FILE", conflicts_with = "merge")]
        iterate: Option<PathBuf>,
        /// List the mutants of the selection without judging them.
        #[arg(long, conflicts_with = "merge")]
        list: bool,
        #[arg(long, default_value = "terminal")]
        format: Format,
        /// Protocol-parameter file (default: the current mainnet set, embedded in the binary).
        #[arg(long)]
        params: Option<PathBuf>,
    },
    /// Show, for every spec rule, the passing and failing fixtures that cover it.
    Coverage {
        #[arg(help = DEFAULT_FIXTURES)]
        paths: Vec<PathBuf>,
        /// Only rules whose ID starts with this prefix (repeatable), e.g. `--rules SWAP-OW-`.
        #[arg(long = "rules", value_name = "PREFIX")]
        prefixes: Vec<String>,
        #[arg(long, default_value = "terminal")]
        format: Format,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match run(cli) {
        Ok(Exit::Success) => 0,
        Ok(Exit::Mismatch) => 1,
        Err(err) => {
            use std::io::Write as _;
            // Long messages (a file, a JSON path, what was expected) stay on one line each. Every
            // message already ends with its cause, which the chain would only repeat.
            let handler = miette::GraphicalReportHandler::new()
                .with_wrap_lines(false)
                .without_cause_chain();
            let mut text = String::new();
            if handler.render_report(&mut text, &err).is_err() {
                text = format!("error: {err}");
            }
            // Nothing is left to say when standard error is closed too.
            let _ = writeln!(std::io::stderr(), "{text}");
            2
        }
    };
    ExitCode::from(code)
}

/// Finds the repository root, rebases the paths given onto it and runs the command.
fn run(cli: Cli) -> Result<Exit, commands::Error> {
    let ws = Workspace::enter()?;
    let file = |path: Option<PathBuf>| path.map(|p| ws.path(&p));
    match cli.command {
        Command::Replay {
            paths,
            format,
            params,
            emit_cbor,
            traces,
        } => commands::replay(
            &ws.fixture_paths(&paths)?,
            format,
            file(params).as_deref(),
            file(emit_cbor).as_deref(),
            traces,
        ),
        Command::Budget {
            paths,
            check,
            update,
            all,
            format,
            params,
        } => {
            let mode = match (check, update) {
                (true, _) => BudgetMode::Check,
                (_, true) => BudgetMode::Update,
                _ => BudgetMode::Report,
            };
            let paths = ws.fixture_paths(&paths)?;
            commands::budget(&paths, format, file(params).as_deref(), mode, all)
        }
        Command::Capacity {
            actions,
            dust,
            format,
            params,
        } => commands::capacity(&actions, dust, format, file(params).as_deref()),
        Command::WhatIf {
            paths,
            params,
            base,
            capacity,
            format,
        } => commands::what_if(
            &ws.fixture_paths(&paths)?,
            file(base).as_deref(),
            &ws.path(&params),
            capacity,
            format,
        ),
        Command::Attack {
            paths,
            limit,
            format,
            params,
        } => commands::attack(
            &ws.fixture_paths(&paths)?,
            limit,
            format,
            file(params).as_deref(),
        ),
        Command::Scripts { format } => commands::scripts(format),
        Command::Blueprint { out } => commands::blueprint(file(out).as_deref()),
        Command::Report {
            paths,
            out,
            attacks,
            capacity,
            actions,
            params,
        } => commands::html_report(
            &ws.fixture_paths(&paths)?,
            &ws.path(&out),
            attacks,
            (capacity || !actions.is_empty()).then_some(actions.as_slice()),
            file(params).as_deref(),
        ),
        Command::Explain { path, params } => {
            commands::explain(&ws.path(&path), file(params).as_deref())
        }
        Command::Coverage {
            paths,
            prefixes,
            format,
        } => commands::coverage(&ws.fixture_paths(&paths)?, &prefixes, format),
        Command::Mutate {
            protocols,
            module,
            changed_since,
            shard,
            merge,
            iterate,
            list,
            format,
            params,
        } => {
            let selection = harness::mutate::Selection {
                protocols,
                module,
                changed_since,
                shard,
            };
            let merge: Vec<PathBuf> = merge.iter().map(|p| ws.path(p)).collect();
            let root = ws.root.clone().ok_or(commands::Error::NoRoot {
                cwd: ws.cwd.clone(),
            })?;
            commands::mutate(
                &root,
                &selection,
                &merge,
                file(iterate).as_deref(),
                list,
                format,
                file(params).as_deref(),
            )
        }
    }
}
