//! Runs the Aiken tests of `validators/` (aiken-project's `check`) and the Aiken formatter check
//! inside `cargo test`: a failing Aiken test fails this test and is named in its message.

use aiken_lang::ast::Tracing;
use aiken_project::{
    Project,
    telemetry::{CoverageMode, Event, EventListener},
};
use std::{
    path::PathBuf,
    sync::{Arc, Mutex},
};

fn validators_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../validators")
}

/// Collects each test's module, name, outcome and logs.
/// A test's qualified name, whether it passed, and its logs.
type Outcome = (String, bool, Vec<String>);

#[derive(Clone, Default)]
struct Outcomes(Arc<Mutex<Vec<Outcome>>>);

impl EventListener for Outcomes {
    fn handle_event(&self, event: Event) {
        if let Event::FinishedTests { tests, .. } = event {
            let mut outcomes = self.0.lock().unwrap();
            for test in tests {
                let name = format!("{}.{}", test.module(), test.title());
                outcomes.push((name, test.is_success(), test.logs().to_vec()));
            }
        }
    }
}

/// On a large stack: the report of a failing Aiken test recurses deeper than a test thread's
/// default stack allows.
#[test]
fn aiken_tests_pass() {
    harness::parallel::on_large_stack(run_aiken_tests)
        .expect("the Aiken tests pass (the failures are listed above)");
}

fn run_aiken_tests() {
    let outcomes = Outcomes::default();
    let mut project =
        Project::new(validators_root(), outcomes.clone()).expect("validators/aiken.toml loads");
    let checked = project.check(
        false,
        None,
        true,
        false,
        42,
        100,
        CoverageMode::default(),
        Tracing::verbose(),
        true,
        None,
    );
    let outcomes = outcomes.0.lock().unwrap().clone();
    let failed: Vec<String> = outcomes
        .iter()
        .filter(|(_, ok, _)| !ok)
        .map(|(name, _, logs)| format!("{name}\n    {}", logs.join("\n    ")))
        .collect();
    assert!(
        failed.is_empty(),
        "failing Aiken tests:\n{}",
        failed.join("\n")
    );
    if let Err(errors) = checked {
        let shown: Vec<String> = errors.iter().map(|e| format!("{e:?}")).collect();
        panic!("aiken check failed:\n{}", shown.join("\n"));
    }
    assert!(!outcomes.is_empty(), "no Aiken test ran");
    println!("{} Aiken tests passed", outcomes.len());
}

#[test]
fn aiken_sources_are_formatted() {
    let root = validators_root();
    let files = vec![
        root.join("lib").display().to_string(),
        root.join("validators").display().to_string(),
    ];
    if let Err(errors) = aiken_project::format::run(false, true, files) {
        let shown: Vec<String> = errors.iter().map(|e| format!("{e:?}")).collect();
        panic!(
            "Aiken sources are not formatted; run `cargo run -p harness --example aiken_fmt`:\n{}",
            shown.join("\n")
        );
    }
}
