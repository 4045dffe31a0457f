//! The budget gate as CI runs it: `harness budget --check` passes on the recorded state and fails
//! on an injected regression (a raised figure), an unrecorded improvement (a lowered figure), a
//! changed outcome and a missing baseline; `--update` records the current state.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

fn budget(args: &[&str], dir: &Path) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_harness"))
        .arg("budget")
        .args(args)
        .arg(dir)
        .output()
        .expect("the binary runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

/// A scratch corpus holding a copy of the example create fixture.
fn corpus(test: &str) -> (PathBuf, PathBuf) {
    corpus_of(test, "create_one_token_to_ada.json")
}

/// A scratch fixtures root holding a copy of the one-way create fixture `name`.
fn corpus_of(test: &str, name: &str) -> (PathBuf, PathBuf) {
    let dir = std::env::temp_dir().join(format!("harness-budget-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir is writable");
    let example = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/swaps/one_way/create")
        .join(name);
    let fixture = dir.join("create.json");
    std::fs::copy(example, &fixture).expect("copy the example");
    // A fixtures root: the script-size baseline is kept where the parameter file is.
    let params = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/protocol-params.json");
    std::fs::copy(params, dir.join("protocol-params.json")).expect("copy the parameters");
    (dir, fixture)
}

/// Rewrites the fixture's baseline through `edit`.
fn edit_baseline(fixture: &Path, edit: impl Fn(&mut serde_json::Value)) {
    let path = fixture.with_extension("budget.json");
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("baseline exists"))
            .expect("baseline is JSON");
    edit(&mut json);
    std::fs::write(&path, json.to_string()).expect("write baseline");
}

#[test]
fn check_fails_without_a_baseline_and_passes_once_recorded() {
    let (dir, fixture) = corpus("record");
    let (code, text) = budget(&["--check"], &dir);
    assert_eq!(
        code, 1,
        "a fixture without a baseline must fail the gate: {text}"
    );
    assert_eq!(budget(&["--update"], &dir).0, 0);
    assert!(
        fixture.with_extension("budget.json").exists() && dir.join("scripts.budget.json").exists()
    );
    let (code, text) = budget(&["--check"], &dir);
    assert_eq!(code, 0, "the recorded state passes: {text}");
}

#[test]
fn check_fails_on_an_injected_regression() {
    let (dir, fixture) = corpus("regression");
    assert_eq!(budget(&["--update"], &dir).0, 0);
    // The baseline says the mint cost one unit less than it does now: the cost "rose".
    edit_baseline(&fixture, |b| {
        let mem = b["figures"]["redeemers"][0]["mem"].as_u64().expect("mem");
        b["figures"]["redeemers"][0]["mem"] = (mem - 1).into();
    });
    let (code, text) = budget(&["--check"], &dir);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("raised") && text.contains("mint ow_beacon mem"),
        "{text}"
    );
}

#[test]
fn check_fails_on_an_unrecorded_improvement_and_a_changed_outcome() {
    let (dir, fixture) = corpus("ratchet");
    assert_eq!(budget(&["--update"], &dir).0, 0);
    edit_baseline(&fixture, |b| {
        b["figures"]["fee"] = (b["figures"]["fee"].as_u64().expect("fee") + 1).into()
    });
    let (code, text) = budget(&["--check"], &dir);
    assert_eq!(code, 1, "an improvement must be recorded: {text}");
    assert!(text.contains("lowered") && text.contains("fee"), "{text}");

    assert_eq!(budget(&["--update"], &dir).0, 0);
    edit_baseline(&fixture, |b| b["outcome"] = "fail SWAP-OW-CREATE-12".into());
    let (code, text) = budget(&["--check"], &dir);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("outcome"), "{text}");
}

#[test]
fn check_fails_when_a_script_grows() {
    let (dir, _) = corpus("scripts");
    assert_eq!(budget(&["--update"], &dir).0, 0);
    let path = dir.join("scripts.budget.json");
    let mut sizes: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("sizes exist"))
            .expect("sizes are JSON");
    sizes["ow_swap"] = (sizes["ow_swap"].as_u64().expect("size") - 1).into();
    std::fs::write(&path, sizes.to_string()).expect("write sizes");
    let (code, text) = budget(&["--check"], &dir);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("ow_swap") && text.contains("raised"),
        "{text}"
    );
}

#[test]
fn a_failing_fixture_records_its_outcome_and_no_units() {
    let (dir, fixture) = corpus_of("failing", "create_no_datum.json");
    assert_eq!(budget(&["--update"], &dir).0, 0);
    let path = fixture.with_extension("budget.json");
    let recorded: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("baseline exists"))
            .expect("baseline is JSON");
    assert!(
        recorded["outcome"]
            .as_str()
            .is_some_and(|o| o.starts_with("fail SWAP-")),
        "{recorded}"
    );
    assert!(recorded.get("figures").is_none(), "{recorded}");
    // Figures recorded for it (say, by an older harness) are no longer the gate's business:
    // they show as gone, which fails the check until re-recorded.
    edit_baseline(&fixture, |b| {
        b["figures"] = serde_json::json!({"redeemers": [], "size": 1, "fee": 1})
    });
    let (code, text) = budget(&["--check"], &dir);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("gone") && text.contains("fee"), "{text}");
}
