//! Compiles `validators/` with aiken-project (no aiken CLI, no network) into two CIP-57 blueprints in
//! `OUT_DIR`:
//! - `plutus.json`, silent traces: the scripts of record, whose sizes and costs count;
//! - `plutus-traced.json`, compact traces: every labelled `expect` logs `<expected> RULE-ID`, which
//!   replay uses to prove a failing fixture fails for its rule.
//!
//! An Aiken error fails `cargo build` and prints the Aiken diagnostic. Aiken test modules
//! (`*.test.ak`, `lib/tests/`) are not watched: editing a test does not compile the scripts of
//! record again (the tests run from the sources, in `cargo test`).

use aiken_lang::ast::{TraceLevel, Tracing};
use aiken_project::{Project, options::BlueprintExport, telemetry::EventListener};
use std::{
    env,
    path::{Path, PathBuf},
    process::exit,
};

struct Silent;
impl EventListener for Silent {}

fn main() {
    let manifest =
        PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let root = manifest.join("..").join("validators");
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    watch(&root);

    let builds = [
        (Tracing::silent(), "plutus.json"),
        (Tracing::All(TraceLevel::Compact), "plutus-traced.json"),
    ];
    for (tracing, file) in builds {
        let mut project = match Project::new(root.clone(), Silent) {
            Ok(project) => project,
            Err(err) => {
                eprintln!("{err:?}");
                exit(1);
            }
        };
        let built = project.build(
            false,
            tracing,
            out.join(file),
            BlueprintExport::OnlyBinaryInterface,
            None,
        );
        if let Err(errors) = built {
            for err in errors {
                eprintln!("{err:?}");
            }
            eprintln!("aiken build of {} failed", root.display());
            exit(1);
        }
        if file == "plutus.json" {
            for warning in project.warnings() {
                for line in format!("{warning:?}")
                    .lines()
                    .filter(|l| !l.trim().is_empty())
                {
                    println!("cargo:warning=aiken: {line}");
                }
            }
        }
    }
}

/// Tells cargo which files the blueprints depend on: `aiken.toml`, the `validators/` folder (a
/// new validator needs no import to count) and every library module but the tests.
fn watch(root: &Path) {
    for path in [root.join("aiken.toml"), root.join("validators")] {
        println!("cargo:rerun-if-changed={}", path.display());
    }
    let mut dirs = vec![root.join("lib")];
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
                if name != "tests" {
                    dirs.push(path);
                }
            } else if name.ends_with(".ak") && !name.ends_with(".test.ak") {
                println!("cargo:rerun-if-changed={}", path.display());
            }
        }
    }
}
