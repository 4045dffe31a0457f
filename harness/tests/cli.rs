//! The `harness` binary as a user runs it: exit codes (0 as expected, 1 mismatch, 2 bad input),
//! machine-readable output, the files `--emit-cbor` writes, errors rendered as diagnostics, and
//! defaults taken from where the user stands (never from the tree the binary was built from).

use std::{
    io::Read as _,
    path::{Path, PathBuf},
    process::{Command, Output, Stdio},
};

fn harness(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_harness"))
        .args(args)
        .output()
        .expect("the binary runs")
}

/// Runs the binary from `dir`.
fn harness_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_harness"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the binary runs")
}

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Asserts that `text` mentions every one of `parts`.
fn assert_mentions(text: &str, parts: &[&str]) {
    let missing: Vec<&&str> = parts.iter().filter(|p| !text.contains(**p)).collect();
    assert!(missing.is_empty(), "{missing:?} not in:\n{text}");
}

/// A scratch checkout: `fixtures/` holding the example create fixture (as `create.json`) with its
/// baseline and the script-size baseline, an empty `validators/`, and a subdirectory `sub/`.
fn checkout(test: &str) -> PathBuf {
    let dir = scratch(test);
    let fixtures = dir.join("fixtures");
    for sub in [&fixtures, &dir.join("validators"), &dir.join("sub")] {
        std::fs::create_dir_all(sub).expect("temp dir is writable");
    }
    let example = PathBuf::from(example("create/create_one_token_to_ada.json"));
    let copy = |from: &Path, to: &str| std::fs::copy(from, fixtures.join(to)).expect("copy");
    copy(&example, "create.json");
    copy(&example.with_extension("budget.json"), "create.budget.json");
    copy(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/scripts.budget.json"),
        "scripts.budget.json",
    );
    dir
}

/// Runs the binary, expects exit 0, and parses its standard output as JSON.
fn json_ok(args: &[&str]) -> serde_json::Value {
    let out = harness(args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

fn example(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/swaps/one_way")
        .join(name);
    path.display().to_string()
}

/// A scratch directory for one test, emptied first.
fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("harness-cli-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir is writable");
    dir
}

/// The example create fixture, with its expectation replaced.
fn with_expectation(dir: &Path, rules: &str, expect: &str) -> String {
    let text = std::fs::read_to_string(example("create/create_one_token_to_ada.json"))
        .expect("example exists");
    let mut json: serde_json::Value = serde_json::from_str(&text).expect("example is JSON");
    json["rules"] = serde_json::from_str(rules).expect("rules JSON");
    json["expect"] = serde_json::from_str(expect).expect("expect JSON");
    let path = dir.join("changed.json");
    std::fs::write(&path, json.to_string()).expect("write fixture");
    path.display().to_string()
}

#[test]
fn replay_exits_zero_when_every_outcome_is_expected() {
    let out = harness(&[
        "replay",
        &example("create/create_one_token_to_ada.json"),
        &example("fill"),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("PASS"), "{stdout}");
    assert!(stdout.contains("0 failed"), "{stdout}");
}

/// `{"refused": LEDGER-RULE}` is checked: the right refusal passes, another refusal or none is a
/// mismatch, an unknown name is bad input naming the known ones.
#[test]
fn a_ledger_refusal_is_checked_for_its_rule() {
    let dir = scratch("refused");
    let below_min = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/swaps/one_way/ledger/ledger_refuses_swap_below_min_utxo.json");
    let out = harness(&["replay", &below_min.display().to_string()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out).0);
    assert_mentions(
        &text(&out).0,
        &["the builder: output 0: holds 1000000 lovelace, below the minimum"],
    );
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&below_min).unwrap()).unwrap();
    json["expect"] = serde_json::json!({"refused": "ValueNotConservedUTxO"});
    let other = dir.join("other.json");
    std::fs::write(&other, json.to_string()).unwrap();
    let out = harness(&["replay", &other.display().to_string()]);
    assert_eq!(out.status.code(), Some(1));
    assert_mentions(
        &text(&out).0,
        &[
            "expected refused by the ledger (ValueNotConservedUTxO), actual refused by the ledger (OutputTooSmallUTxO)",
        ],
    );
    let fine = with_expectation(&dir, "[]", r#"{"refused": "OutputTooSmallUTxO"}"#);
    let out = harness(&["replay", &fine]);
    assert_eq!(out.status.code(), Some(1));
    assert_mentions(&text(&out).0, &["actual ok"]);
    let unknown = with_expectation(&dir, "[]", r#"{"refused": "TooSmall"}"#);
    let out = harness(&["replay", &unknown]);
    assert_eq!(out.status.code(), Some(2));
    assert_mentions(
        &text(&out).1,
        &["TooSmall", "OutputTooSmallUTxO", "ExUnitsTooBigUTxO"],
    );
}

#[test]
fn replay_exits_one_on_a_mismatch() {
    let dir = scratch("mismatch");
    let fixture = with_expectation(
        &dir,
        r#"["SWAP-OW-CREATE-12"]"#,
        r#"{"fail": "SWAP-OW-CREATE-12"}"#,
    );
    let out = harness(&["replay", &fixture]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("MISMATCH")
            && stdout.contains("expected fail SWAP-OW-CREATE-12, actual ok"),
        "{stdout}"
    );
}

/// `--format junit` is read by a real JUnit consumer (the `junit-parser` crate): one case per
/// fixture, the mismatch a failure carrying expected and actual, the counts those of the replay.
#[test]
fn replay_junit_is_read_by_a_junit_consumer() {
    let dir = scratch("junit");
    let mismatch = with_expectation(
        &dir,
        r#"["SWAP-OW-CREATE-12"]"#,
        r#"{"fail": "SWAP-OW-CREATE-12"}"#,
    );
    let fill = example("fill");
    let out = harness(&["replay", &mismatch, &fill, "--format", "junit"]);
    assert_eq!(out.status.code(), Some(1));
    let report = junit_parser::from_reader(std::io::Cursor::new(out.stdout)).expect("JUnit XML");
    let json = json_ok(&["replay", &fill, "--format", "json"]);
    let fills = json["scenarios"].as_array().expect("scenarios").len() as u64;
    assert_eq!(report.tests, fills + 1);
    assert_eq!(report.failures, 1);
    let suite = &report.suites[0];
    assert_eq!(suite.name, "swaps");
    let failed: Vec<_> = suite
        .cases
        .iter()
        .filter(|c| c.status.is_failure())
        .collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].original_name, "changed.json");
    let failure = failed[0].status.failure_as_ref();
    assert_eq!(
        failure.message,
        "expected fail SWAP-OW-CREATE-12, actual ok"
    );
    assert!(failure.text.contains("MISMATCH"), "{}", failure.text);
    let out = harness(&["scripts", "--format", "junit"]);
    assert_eq!(out.status.code(), Some(2));
    assert_mentions(&text(&out).1, &["has no JUnit report"]);
}

/// The attack, budget and coverage reports in JUnit are read by the same consumer: one case per
/// fixture and attack class, per budget figure, per rule.
#[test]
fn attack_budget_and_coverage_junit_are_read_by_a_junit_consumer() {
    let fixture = example("create/create_one_token_to_ada.json");
    let read = |args: &[&str]| {
        let out = harness(args);
        let report = junit_parser::from_reader(std::io::Cursor::new(out.stdout)).expect("JUnit");
        (out.status.code(), report)
    };
    let (code, attack) = read(&["attack", &fixture, "--limit", "1", "--format", "junit"]);
    assert_eq!(code, Some(0));
    assert!(attack.tests > 1 && attack.failures == 0, "{attack:?}");
    assert!(attack.suites.iter().any(|s| s.name == "redirect"));
    let (code, budget) = read(&["budget", "--check", &fixture, "--format", "junit"]);
    assert_eq!(code, Some(0));
    assert!(budget.tests > 1 && budget.failures == 0, "{budget:?}");
    let (code, coverage) = read(&[
        "coverage",
        &example("create"),
        "--rules",
        "SWAP-OW-",
        "--format",
        "junit",
    ]);
    assert_eq!(code, Some(1));
    assert!(coverage.failures > 0 && coverage.failures < coverage.tests);
}

/// The `data-` attributes of the rows of `class` in a report page, one map per row.
fn rows(page: &str, class: &str) -> Vec<std::collections::BTreeMap<String, String>> {
    let open = format!("<tr class=\"{class}\"");
    page.lines()
        .filter_map(|line| line.strip_prefix(&open))
        .map(|row| {
            let attributes = &row[..row.find('>').expect("the row's tag ends")];
            attributes
                .split("\" ")
                .filter_map(|a| a.trim().strip_prefix("data-"))
                .filter_map(|a| a.split_once("=\""))
                .map(|(k, v)| (k.to_string(), v.trim_end_matches('"').to_string()))
                .collect()
        })
        .collect()
}

/// `harness report` writes one page whose figures are the measured ones: script sizes as
/// `scripts` gives them, coverage as `coverage` counts it, budgets as `replay` measures them,
/// attacks as `attack` tries them.
#[test]
fn the_report_page_shows_the_measured_figures() {
    let dir = scratch("report");
    let create = example("create");
    let action = "ow-create-same-pair";
    let out = harness(&[
        "report",
        &create,
        "--out",
        &dir.display().to_string(),
        "--attacks",
        "1",
        "--action",
        action,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out).1);
    let page = std::fs::read_to_string(dir.join("index.html")).expect("index.html");
    assert!(page.contains("<svg") && !page.contains("http://cdn") && !page.contains("<script"));
    let scripts = json_ok(&["scripts", "--format", "json"]);
    let sizes = rows(&page, "script");
    for script in scripts
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["name"] != "ledger_probe")
    {
        let row = sizes
            .iter()
            .find(|r| r["script"] == script["name"].as_str().unwrap());
        let row = row.unwrap_or_else(|| panic!("no row for {}", script["name"]));
        assert_eq!(row["size"], script["size"].to_string());
    }
    assert_eq!(
        sizes.iter().find(|r| r["script"] == "ow_swap").unwrap()["original"],
        "4842"
    );
    // Coverage of one folder is incomplete (exit 1): read its JSON all the same.
    let coverage: serde_json::Value =
        serde_json::from_slice(&harness(&["coverage", &create, "--format", "json"]).stdout)
            .unwrap();
    let rules = rows(&page, "rule");
    for rule in coverage["rules"].as_array().unwrap() {
        let row = rules
            .iter()
            .find(|r| r["rule"] == rule["id"].as_str().unwrap())
            .unwrap();
        assert_eq!(
            row["passing"],
            rule["passing"].as_array().unwrap().len().to_string()
        );
        assert_eq!(
            row["failing"],
            rule["failing"].as_array().unwrap().len().to_string()
        );
    }
    let replay = json_ok(&["replay", &create, "--format", "json"]);
    let budgets = rows(&page, "budget");
    let scenarios = replay["scenarios"].as_array().unwrap();
    assert_eq!(budgets.len(), scenarios.len());
    for scenario in scenarios {
        let row = budgets
            .iter()
            .find(|r| r["fixture"] == scenario["fixture"].as_str().unwrap())
            .unwrap();
        for figure in ["mem", "cpu", "size", "fee"] {
            assert_eq!(row[figure], scenario[figure].to_string(), "{figure}");
        }
    }
    let capacity = json_ok(&["capacity", "--action", action, "--format", "json"]);
    let measured = &capacity["actions"][0];
    let curve = rows(&page, "capacity");
    assert_eq!(curve.len(), 1);
    assert_eq!(curve[0]["fits"], measured["max"]["n"].to_string());
    assert_eq!(
        curve[0]["bottleneck"],
        measured["next"]["over"][0].as_str().unwrap()
    );
    assert!(page.contains("<div class=\"curve\"><svg"));
    let attack = json_ok(&["attack", &create, "--limit", "1", "--format", "json"]);
    let classes = rows(&page, "attacks");
    for total in attack["totals"].as_array().unwrap() {
        let row = classes
            .iter()
            .find(|r| r["class"] == total["class"].as_str().unwrap());
        let row = row.unwrap_or_else(|| panic!("no row for class {}", total["class"]));
        assert_eq!(row["tried"], total["tried"].to_string());
    }
}

#[test]
fn a_budget_check_of_a_subdirectory_compares_its_fixtures_alone() {
    let fill = PathBuf::from(example("fill"));
    let out = harness(&["budget", "--check", &fill.display().to_string()]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert!(!stdout.contains("scripts (bytes)"), "{stdout}");
    assert!(!fill.join("scripts.budget.json").exists());
}

#[test]
fn explain_names_each_failing_rule_with_its_text_and_label_lines() {
    let fixture = example("fill/fill_ask_one_unit_short.json");
    let out = harness(&["explain", &fixture]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    let rule = harness::rules::find("SWAP-OW-EXEC-09").expect("catalogued");
    assert!(
        stdout.contains(&format!("SWAP-OW-EXEC-09: {}", rule.summary)),
        "{stdout}"
    );
    // The label's place in the Aiken sources, which a reader can open.
    let label = stdout
        .lines()
        .find(|l| l.contains(".ak:") && l.contains("SWAP-OW-EXEC-09"))
        .unwrap_or_else(|| panic!("no label line in {stdout}"));
    let place = label.split_whitespace().next().expect("file:line");
    let (file, line) = place.rsplit_once(':').expect("file:line");
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let source = std::fs::read_to_string(root.join(file)).expect("the label's file exists");
    let n: usize = line.parse().expect("a line number");
    assert!(
        source
            .lines()
            .nth(n - 1)
            .is_some_and(|l| l.contains("SWAP-OW-EXEC-09"))
    );
    let missing = harness(&["explain", "no/such.json"]);
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn traces_show_what_the_traced_build_logged_when_asked() {
    let fixture = example("close/close_signed_by_other_key.json");
    let logged = |out: &Output| {
        let (stdout, _) = text(out);
        stdout
            .lines()
            .filter(|l| l.starts_with("        | ") && l.contains("SWAP-"))
            .count()
    };
    let with = harness(&["replay", "--traces", &fixture]);
    assert_eq!(with.status.code(), Some(0));
    assert!(logged(&with) > 0, "{}", text(&with).0);
    let without = harness(&["replay", &fixture]);
    assert_eq!(logged(&without), 0, "{}", text(&without).0);
    let json = harness(&["replay", "--traces", "--format", "json", &fixture]);
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json report");
    let traces = &doc["scenarios"][0]["redeemers"][0]["traces"];
    assert!(traces.as_array().is_some_and(|t| !t.is_empty()), "{doc}");
}

#[test]
fn files_set_aside_with_an_underscore_are_not_fixtures() {
    let dir = scratch("set_aside");
    let fixture = example("create/create_one_token_to_ada.json");
    std::fs::copy(&fixture, dir.join("create.json")).expect("copy fixture");
    std::fs::write(dir.join("_results.json"), "[1, 2, 3]").expect("write results");
    std::fs::create_dir_all(dir.join("_drafts")).expect("mkdir");
    std::fs::write(dir.join("_drafts/half.json"), "{\"description\": ").expect("write draft");
    let out = harness(&["replay", &dir.display().to_string()]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert!(stdout.contains("1 passed, 0 failed"), "{stdout}");
    // Not set aside, the same results file is a broken fixture whose message says how to skip it.
    std::fs::write(dir.join("results.json"), "[1, 2, 3]").expect("write results");
    let out = harness(&["replay", &dir.display().to_string()]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_mentions(&stderr, &["results.json", "starts with `_`"]);
}

#[test]
fn replay_exits_two_on_bad_input_and_names_the_file() {
    let dir = scratch("bad");
    let path = dir.join("broken.json");
    std::fs::write(&path, "{\"description\": ").expect("write fixture");
    let out = harness(&["replay", &path.display().to_string()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("broken.json") && stderr.contains("malformed JSON"),
        "{stderr}"
    );
    // A diagnostic: the code, and the text quoted at the place the parser stopped.
    assert_mentions(
        &stderr,
        &[
            "harness::bad_fixtures",
            "1 fixture(s) could not be replayed",
            "harness::fixture::syntax",
            "{\"description\": ",
        ],
    );

    let missing = harness(&["replay", "no/such/dir"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no/such/dir"));

    let usage = harness(&["replay", "--no-such-flag"]);
    assert_eq!(usage.status.code(), Some(2), "usage errors exit 2");
    let format = harness(&["replay", "--format", "xml", &example("fill")]);
    assert_eq!(
        format.status.code(),
        Some(2),
        "an unknown format is a usage error"
    );
}

#[test]
fn replay_json_reports_every_redeemer_and_the_totals() {
    let out = harness(&[
        "replay",
        "--format",
        "json",
        &example("create/create_one_token_to_ada.json"),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    let scenario = &json["scenarios"][0];
    assert_eq!(scenario["matches"], true);
    assert_eq!(scenario["actual"]["outcome"], "ok");
    let redeemers = scenario["redeemers"].as_array().expect("redeemers");
    assert_eq!(redeemers.len(), 1);
    assert_eq!(redeemers[0]["purpose"], "mint ow_beacon");
    let mem = redeemers[0]["mem"].as_u64().expect("mem");
    assert!(mem > 0 && scenario["mem"] == mem, "{scenario}");
    assert!(
        scenario["fee"].as_u64().expect("fee") > 155_381,
        "a fee above the fixed part"
    );
    assert_eq!(json["summary"]["mismatched"], 0);
}

#[test]
fn emit_cbor_writes_the_transaction_and_its_utxos() {
    let dir = scratch("emit");
    let out = harness(&[
        "replay",
        "--emit-cbor",
        &dir.display().to_string(),
        &example("fill"),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let names: Vec<String> = std::fs::read_dir(&dir)
        .expect("emit dir exists")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    let tx = names
        .iter()
        .find(|n| n.ends_with(".tx.json"))
        .expect("a transaction envelope");
    let envelope: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join(tx)).expect("read"))
            .expect("envelope is JSON");
    assert_eq!(envelope["type"], "Tx ConwayEra");
    let bytes = hex::decode(envelope["cborHex"].as_str().expect("cborHex")).expect("hex");
    assert!(
        pallas_traverse::MultiEraTx::decode_for_era(pallas_traverse::Era::Conway, &bytes).is_ok()
    );
    let utxos = names
        .iter()
        .find(|n| n.ends_with(".utxos.json"))
        .expect("the resolved UTxOs");
    let utxos: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join(utxos)).expect("read"))
            .expect("utxos are JSON");
    assert!(
        utxos
            .as_array()
            .is_some_and(|u| !u.is_empty() && u[0]["output_cbor"].is_string())
    );
}

#[test]
fn scripts_lists_hashes_sizes_and_parameters() {
    let out = harness(&["scripts", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    let beacon = rows
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["name"] == "ow_beacon")
        .expect("ow_beacon");
    let swap = rows
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["name"] == "ow_swap")
        .expect("ow_swap");
    assert_eq!(
        beacon["parameters"][0],
        format!("ow_swap={}", swap["hash"].as_str().expect("hash"))
    );
    assert_eq!(beacon["plutus"], "v3");
    assert!(beacon["size"].as_u64().expect("size") > 100);
}

#[test]
fn coverage_reports_rules_and_what_they_lack() {
    let out = harness(&["coverage", "--format", "json", &example("create")]);
    // Only the create examples: plenty of rules lack fixtures, so coverage is incomplete.
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    let rules = json["rules"].as_array().expect("rules");
    let exec = rules
        .iter()
        .find(|r| r["id"] == "SWAP-OW-EXEC-09")
        .expect("EXEC-09 is catalogued");
    assert_eq!(exec["kind"], "script");
    let ledger = rules
        .iter()
        .find(|r| r["id"] == "SWAP-COM-08")
        .expect("COM-08");
    assert_eq!(ledger["kind"], "ledger");
    assert!(
        json["incomplete"]
            .as_array()
            .expect("incomplete")
            .iter()
            .any(|r| r["id"] == "SWAP-OW-EXEC-09")
    );
    assert!(
        !json["incomplete"]
            .as_array()
            .expect("incomplete")
            .iter()
            .any(|r| r["id"] == "SWAP-COM-08")
    );
}

#[test]
fn an_unbalanced_fixture_is_bad_input_naming_what_is_missing() {
    let dir = scratch("unbalanced");
    let text = std::fs::read_to_string(example("create/create_one_token_to_ada.json"))
        .expect("example exists");
    let mut json: serde_json::Value = serde_json::from_str(&text).expect("example is JSON");
    // Without a change output the value must balance exactly, and it does not.
    let outputs = json["tx"]["outputs"].as_array_mut().expect("outputs");
    outputs.retain(|o| o.get("change").is_none());
    let path = dir.join("unbalanced.json");
    std::fs::write(&path, json.to_string()).expect("write fixture");
    let out = harness(&["replay", &path.display().to_string()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("unbalanced.json") && stderr.contains("value does not balance"),
        "{stderr}"
    );
    assert!(stderr.contains("lovelace left over"), "{stderr}");
    assert!(stderr.contains("harness::replay::build"), "{stderr}");
    // The builder's own diagnostic is shown under it, with its code.
    assert!(stderr.contains("harness::tx::unbalanced"), "{stderr}");
    // The message ends with its cause; the rendering does not repeat it as a chain.
    assert_eq!(
        stderr.matches("value does not balance").count(),
        1,
        "{stderr}"
    );

    // With a change output, spending more than the inputs hold is reported as missing.
    let mut json: serde_json::Value = serde_json::from_str(&text).expect("example is JSON");
    json["tx"]["outputs"][0]["value"]["lovelace"] = serde_json::json!(900_000_000u64);
    std::fs::write(&path, json.to_string()).expect("write fixture");
    let out = harness(&["replay", &path.display().to_string()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("lovelace missing"), "{stderr}");
}

#[test]
fn what_if_lists_the_fixtures_whose_limit_status_changes() {
    let dir = scratch("whatif");
    let mainnet =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/protocol-params.json");
    let mut params: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(mainnet).expect("params exist"))
            .expect("params are JSON");
    params["name"] = "tiny".into();
    params["max_tx_size"] = 1000.into();
    let path = dir.join("tiny.json");
    std::fs::write(&path, params.to_string()).expect("write params");
    let json = json_ok(&[
        "what-if",
        "--params",
        &path.display().to_string(),
        "--format",
        "json",
        &example("create"),
    ]);
    let changes = json["changes"].as_array().expect("changes");
    let create = changes
        .iter()
        .find(|c| {
            c["subject"]
                .as_str()
                .is_some_and(|s| s.ends_with("create_one_token_to_ada.json"))
        })
        .expect("the create no longer fits 1000 bytes");
    assert_eq!(create["base"], "ok");
    assert!(
        create["other"]
            .as_str()
            .is_some_and(|s| s.contains("over limit") && s.contains("size")),
        "{create}"
    );
}

#[test]
fn attack_reports_every_class_and_exits_zero_when_all_are_rejected() {
    let fixture = example("fill/fill_partial_token_to_ada_swap_at.json");
    let json = json_ok(&["attack", "--limit", "2", "--format", "json", &fixture]);
    let totals = json["totals"].as_array().expect("totals per class");
    let class = |name: &str| {
        totals
            .iter()
            .find(|c| c["class"] == name)
            .expect("class is reported")
    };
    for name in [
        "double_satisfaction",
        "redirect",
        "value_theft",
        "token_dust",
        "datum_tampering",
        "beacon_theft",
    ] {
        assert!(class(name)["tried"].as_u64() > Some(0), "{name} was tried");
    }
    let none_accepted = totals
        .iter()
        .all(|c| c["accepted"].as_array().is_some_and(|a| a.is_empty()));
    assert!(none_accepted, "{json}");
}

#[test]
fn capacity_with_dust_reports_the_adversarial_capacity() {
    let json = json_ok(&[
        "capacity",
        "--action",
        "tw-update-different-pairs",
        "--dust",
        "--format",
        "json",
    ]);
    let entries: Vec<_> = json["dust_entries"]
        .as_array()
        .expect("dust entries")
        .iter()
        .filter(|e| e["group"] == "one-way" || e["group"] == "two-way")
        .collect();
    assert_eq!(
        entries.len(),
        6,
        "create, fill, update of both swap variants"
    );
    assert!(entries.iter().all(|e| e["accepted"] == false), "{json}");
    let row = &json["adversarial"][0];
    let honest = json["actions"][0]["max"]["n"]
        .as_u64()
        .expect("honest capacity");
    assert_eq!(row["honest"].as_u64(), Some(honest));
    assert_eq!(row["dust_reaches"], false);
    assert_eq!(row["adversarial"].as_u64(), Some(honest));
    let dusted = &row["dusted"]["capacity"];
    assert_eq!(dusted["load"], "dust");
    assert!(dusted["max"]["n"].as_u64() < Some(honest), "{row}");
    assert_eq!(dusted["next"]["over"][0], "size");
}

#[test]
fn capacity_names_the_known_actions_for_an_unknown_one() {
    let out = harness(&["capacity", "--action", "ow-teleport"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("ow-teleport") && err.contains("ow-fill-same-pair"),
        "{err}"
    );
}

#[test]
fn an_invalid_fixture_is_reported_with_its_json_path_and_a_help() {
    let dir = scratch("invalid");
    let fixture = with_expectation(&dir, r#"["SWAP-OW-CREATE-12"]"#, r#"{"fail": 12}"#);
    let out = harness(&["replay", &fixture]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_mentions(
        &stderr,
        &[
            "harness::fixture::invalid",
            "changed.json: $.expect.fail",
            "expected a string",
            "fixtures/README.md",
        ],
    );
}

/// See issue 9, item 8: `budget --check` without a path, inside another checkout whose baseline
/// had changed, checked the tree the binary was built from and exited 0.
#[test]
fn budget_check_without_paths_checks_the_checkout_the_user_stands_in() {
    let root = checkout("budget-default");
    for dir in [root.clone(), root.join("sub")] {
        let out = harness_in(&dir, &["budget", "--check"]);
        let (stdout, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
        assert!(stdout.contains("0 change(s)"), "{stdout}");
    }
    let baseline = root.join("fixtures/create.budget.json");
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&baseline).expect("baseline")).expect("JSON");
    json["figures"]["fee"] = serde_json::json!(1);
    std::fs::write(&baseline, json.to_string()).expect("write baseline");
    for dir in [root.clone(), root.join("sub")] {
        let out = harness_in(&dir, &["budget", "--check"]);
        let (stdout, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
        // Named relative to the root, from the root and from below it alike.
        assert!(
            stdout.contains("raised   fixtures/create.json  fee: 1 -> "),
            "{stdout}"
        );
    }
}

#[test]
fn commands_without_paths_outside_a_checkout_say_what_was_looked_for() {
    let dir = scratch("no-root");
    for args in [
        &["budget", "--check"][..],
        &["coverage"],
        &["replay"],
        &["attack"],
    ] {
        let out = harness_in(&dir, args);
        let (stdout, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stdout}{stderr}");
        let looked_in = format!("no fixtures/ directory in {}", dir.display());
        assert_mentions(
            &stderr,
            &[
                "harness::no_root",
                &looked_in,
                "fixtures/ and validators/",
                "git root",
            ],
        );
    }
}

#[test]
fn the_binary_works_from_any_directory_with_its_embedded_parameters() {
    let dir = scratch("anywhere");
    let fixture = example("create/create_one_token_to_ada.json");
    let out = harness_in(&dir, &["replay", "--format", "json", &fixture]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("stdout is JSON");
    assert_eq!(json["params"], "mainnet");
    // Outside a checkout a path is reported as given.
    assert_eq!(json["scenarios"][0]["fixture"], fixture.as_str());
    assert_eq!(harness_in(&dir, &["scripts"]).status.code(), Some(0));
}

#[test]
fn reports_name_fixtures_relative_to_the_root() {
    let root = checkout("relative");
    let sub = root.join("sub");
    let out = harness_in(&sub, &["coverage", "--format", "json"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "incomplete: {stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("stdout is JSON");
    let create = json["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .find(|r| r["id"] == "SWAP-OW-CREATE-12")
        .expect("CREATE-12");
    assert_eq!(create["passing"][0], "fixtures/create.json", "{create}");

    // A path given from below the root, relative to where the user stands.
    let out = harness_in(
        &sub,
        &["replay", "--format", "json", "../fixtures/create.json"],
    );
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("stdout is JSON");
    assert_eq!(json["scenarios"][0]["fixture"], "fixtures/create.json");
}

/// `harness coverage --format json | head` panicked on the closed pipe.
#[test]
fn a_closed_stdout_ends_the_program_quietly() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    for read_first in [0, 16] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_harness"))
            .current_dir(&root)
            // Only the landed protocols' rules, whose coverage is complete (exit 0).
            .args(["coverage", "--rules", "SWAP-", "--format", "json"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary runs");
        let mut stdout = child.stdout.take().expect("piped stdout");
        let mut head = vec![0; read_first];
        stdout.read_exact(&mut head).expect("the report starts");
        drop(stdout);
        let out = child.wait_with_output().expect("the binary ends");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{stderr}");
        assert!(stderr.is_empty(), "quietly: {stderr}");
    }
}

#[test]
fn help_says_what_the_defaults_are() {
    for command in ["replay", "budget", "coverage", "attack", "what-if"] {
        let out = harness(&[command, "--help"]);
        let (stdout, _) = text(&out);
        assert_eq!(out.status.code(), Some(0));
        assert!(
            stdout
                .contains("default: fixtures/ in the current directory, or in the repository root"),
            "{command}: {stdout}"
        );
    }
    let (stdout, _) = text(&harness(&["replay", "--help"]));
    assert!(stdout.contains("embedded in the binary"), "{stdout}");
}
