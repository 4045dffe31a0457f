//! Bad fixtures: every way a fixture can be wrong yields an error naming the file, the JSON path
//! (or line and column) and what was expected — never a panic. Each test writes one broken
//! variant of a valid fill fixture to a temporary file and loads it like `harness replay` does.

use harness::{
    deploy::{Build, Deployment},
    fixture, resolve,
};
use serde_json::Value as Json;
use std::path::{Path, PathBuf};

/// A valid fixture (a partial fill); tests break one thing in it.
const BASE: &str = r#"{
  "description": "Bob partially fills a swap.",
  "protocol": "swaps",
  "rules": ["SWAP-OW-EXEC-09"],
  "expect": "ok",
  "tokens": {
    "T": {"policy": "c0f8644a01a6bf5db02f4afe30d604975e63dd274f1098a1738e561d", "name": "4f74686572546f6b656e0a"}
  },
  "utxos": {
    "swap1": {
      "address": {"payment": {"script": "ow_swap"}, "stake": {"key": "alice"}},
      "value": {"lovelace": 3000000, "T": 10, "ow_beacon:pair(T,ADA)": 1, "ow_beacon:offer(T)": 1, "ow_beacon:ask(ADA)": 1},
      "datum": {"inline": {"ow_swap_datum": {
        "beacon_id": "ow_beacon", "pair_beacon": "pair(T,ADA)",
        "offer_id": "T", "offer_name": "T", "offer_beacon": "offer(T)",
        "ask_id": "ADA", "ask_name": "ADA", "ask_beacon": "ask(ADA)",
        "swap_price": {"num": 1000000, "den": 1}, "prev_input": null}}}
    },
    "bob_funds": {"address": {"payment": {"key": "bob"}}, "value": {"lovelace": 20000000}}
  },
  "tx": {
    "inputs": [{"utxo": "swap1", "redeemer": "Swap"}, {"utxo": "bob_funds"}],
    "outputs": [
      {"address": {"payment": {"script": "ow_swap"}, "stake": {"key": "alice"}},
       "value": {"lovelace": 8000000, "T": 5, "ow_beacon:pair(T,ADA)": 1, "ow_beacon:offer(T)": 1, "ow_beacon:ask(ADA)": 1},
       "datum": {"inline": {"ow_swap_datum": {
         "beacon_id": "ow_beacon", "pair_beacon": "pair(T,ADA)",
         "offer_id": "T", "offer_name": "T", "offer_beacon": "offer(T)",
         "ask_id": "ADA", "ask_name": "ADA", "ask_beacon": "ask(ADA)",
         "swap_price": {"num": 1000000, "den": 1}, "prev_input": {"utxo": "swap1"}}}}},
      {"address": {"payment": {"key": "bob"}}, "change": true}
    ]
  }
}"#;

/// A deployment with made-up script bytes: resolution needs only names, hashes and bytes, and
/// these tests must not depend on the validators compiling.
fn deployment() -> Deployment {
    Deployment::stand_in(
        Build::Record,
        &[("ow_swap", b"\x41\x01"), ("ow_beacon", b"\x41\x02")],
    )
}

/// Writes `text` to a temporary fixture file named after the test.
fn write(name: &str, text: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!(
        "harness-bad-input-{}-{name}.json",
        std::process::id()
    ));
    std::fs::write(&path, text).unwrap();
    path
}

/// Loads and resolves the fixture at `path`.
fn load(path: &Path) -> Result<harness::scenario::Scenario, fixture::Error> {
    let fixture = fixture::load(path)?;
    resolve::resolve(
        &fixture,
        path,
        &deployment(),
        &harness::params::Params::mainnet().unwrap().slot_config,
    )
}

/// Writes `text`, expects loading to fail, and returns the message after checking that it
/// starts with the file name.
fn error(name: &str, text: &str) -> String {
    let path = write(name, text);
    let result = load(&path);
    std::fs::remove_file(&path).ok();
    let message = match result {
        Ok(_) => panic!("{name}: the broken fixture resolved"),
        Err(e) => e.to_string(),
    };
    eprintln!("{name}: {message}");
    let file = path.display().to_string();
    assert!(
        message.starts_with(&format!("{file}: ")),
        "{name}: message does not name the file: {message}"
    );
    message[file.len() + 2..].to_string()
}

/// `BASE` with `from` replaced by `to` (exactly once).
fn edit(from: &str, to: &str) -> String {
    assert_eq!(
        BASE.matches(from).count(),
        1,
        "{from:?} must occur once in BASE"
    );
    BASE.replacen(from, to, 1)
}

fn assert_has(message: &str, parts: &[&str]) {
    for part in parts {
        assert!(message.contains(part), "expected {part:?} in: {message}");
    }
}

#[test]
fn the_base_fixture_is_valid() {
    let path = write("base", BASE);
    let scenario = load(&path);
    std::fs::remove_file(&path).ok();
    let scenario = scenario.unwrap();
    assert_eq!(scenario.tx.inputs.len(), 2);
}

#[test]
fn malformed_json_names_line_and_column() {
    let message = error(
        "malformed",
        &edit(r#""expect": "ok","#, r#""expect": "ok""#),
    );
    assert!(
        message.starts_with("line 6, column 3: malformed JSON: "),
        "{message}"
    );
    assert_has(&message, &["expected `,` or `}`"]);
}

#[test]
fn missing_field_names_the_object() {
    let message = error("missing", &edit(r#""expect": "ok","#, ""));
    assert!(
        message.starts_with("$: missing field `expect`"),
        "{message}"
    );
}

#[test]
fn missing_nested_field_names_the_path() {
    let message = error(
        "missing_nested",
        &edit(r#"{"utxo": "bob_funds"}"#, r#"{"redeemer": "Swap"}"#),
    );
    assert!(
        message.starts_with("$.tx.inputs[1]: missing field `utxo`"),
        "{message}"
    );
}

#[test]
fn unknown_field_names_the_path_and_the_expected_fields() {
    let message = error(
        "unknown_field",
        &edit(r#""change": true"#, r#""change": true, "colour": "red""#),
    );
    assert!(message.starts_with("$.tx.outputs[1]"), "{message}");
    assert_has(
        &message,
        &["unknown field `colour`", "expected one of", "`change`"],
    );
}

#[test]
fn unknown_field_in_a_typed_datum_lists_the_fields() {
    let message = error(
        "unknown_datum_field",
        &edit(r#""prev_input": null"#, r#""prev_input": null, "fee": 1"#),
    );
    assert_has(
        &message,
        &[
            "$.utxos.swap1.datum.inline.ow_swap_datum.fee",
            "unknown field \"fee\" of ow_swap_datum",
            "expected: beacon_id",
        ],
    );
}

#[test]
fn missing_field_in_a_typed_datum_is_named() {
    let message = error("missing_datum_field", &edit(r#", "prev_input": null"#, ""));
    assert!(
        message.starts_with("$.utxos.swap1.datum.inline.ow_swap_datum: missing field \"prev_input\" of ow_swap_datum"),
        "{message}"
    );
}

#[test]
fn wrong_field_type_names_expected_and_found() {
    let message = error(
        "wrong_type",
        &edit(r#""lovelace": 20000000"#, r#""lovelace": "lots""#),
    );
    assert!(
        message.starts_with("$.utxos.bob_funds.value.lovelace: invalid type: string \"lots\""),
        "{message}"
    );
    assert_has(&message, &["expected an integer quantity"]);
}

#[test]
fn wrong_type_for_rules_names_the_path() {
    let message = error(
        "wrong_type_rules",
        &edit(
            r#""rules": ["SWAP-OW-EXEC-09"]"#,
            r#""rules": "SWAP-OW-EXEC-09""#,
        ),
    );
    assert!(
        message.starts_with("$.rules: invalid type: string"),
        "{message}"
    );
    assert_has(&message, &["expected a sequence"]);
}

#[test]
fn bad_hex_is_reported() {
    let message = error(
        "bad_hex",
        &edit(r#""name": "4f74686572546f6b656e0a""#, r#""name": "4f7g""#),
    );
    assert!(
        message.starts_with("$.tokens.T.name: bad hex \"4f7g\""),
        "{message}"
    );
    assert_has(&message, &["expected lowercase hex digits"]);
}

#[test]
fn odd_length_hex_is_reported() {
    let message = error(
        "odd_hex",
        &edit(r#""name": "4f74686572546f6b656e0a""#, r#""name": "4f7""#),
    );
    assert!(
        message.starts_with("$.tokens.T.name: bad hex \"4f7\""),
        "{message}"
    );
    assert_has(&message, &["even number of hex digits"]);
}

#[test]
fn policy_of_wrong_length_is_reported() {
    let message = error(
        "short_policy",
        &edit(
            "c0f8644a01a6bf5db02f4afe30d604975e63dd274f1098a1738e561d",
            "c0f8644a01a6bf5db02f4afe30d604975e63dd274f1098a1738e56",
        ),
    );
    assert!(
        message.starts_with(
            "$.tokens.T.policy: expected 56 hex digits (a policy id, 28 bytes), found 54"
        ),
        "{message}"
    );
}

#[test]
fn tx_id_of_wrong_length_is_reported() {
    let message = error(
        "short_tx_id",
        &edit(
            r#""bob_funds": {"#,
            r#""bob_funds": {"ref": "f6538bb7a6a0365f3c295aed389df29e752df504ebe691e34f45c0ab9f9627#1", "#,
        ),
    );
    assert!(
        message.starts_with(
            "$.utxos.bob_funds.ref: expected 64 hex digits (a transaction id, 32 bytes), found 62"
        ),
        "{message}"
    );
}

#[test]
fn malformed_output_reference_is_reported() {
    let message = error(
        "bad_ref",
        &edit(r#""bob_funds": {"#, r#""bob_funds": {"ref": "abcd", "#),
    );
    assert!(
        message.starts_with("$.utxos.bob_funds.ref: expected \"<64 hex>#<index>\", found \"abcd\""),
        "{message}"
    );
}

#[test]
fn unknown_script_name_lists_the_known_ones() {
    let message = error(
        "unknown_script",
        &edit(
            r#""inputs": [{"utxo": "swap1", "redeemer": "Swap"}, {"utxo": "bob_funds"}],"#,
            r#""inputs": [{"utxo": "swap1", "redeemer": "Swap"}, {"utxo": "bob_funds"}],
               "withdrawals": [{"credential": {"script": "ow_staking"}, "amount": 0, "redeemer": "UpdateSwaps"}],"#,
        ),
    );
    assert!(
        message.starts_with("$.tx.withdrawals[0].credential.script: unknown script \"ow_staking\" (known: ow_beacon, ow_swap)"),
        "{message}"
    );
}

#[test]
fn unknown_value_policy_is_reported() {
    let message = error(
        "unknown_policy",
        &edit(
            r#""value": {"lovelace": 20000000}"#,
            r#""value": {"lovelace": 20000000, "nope:00": 1}"#,
        ),
    );
    assert!(
        message.starts_with(r#"$.utxos.bob_funds.value["nope:00"]: unknown script "nope""#),
        "{message}"
    );
}

#[test]
fn unknown_token_alias_lists_the_known_ones() {
    let text = edit(
        r#""T": {"policy": "c0f8644a01a6bf5db02f4afe30d604975e63dd274f1098a1738e561d", "name": "4f74686572546f6b656e0a"}"#,
        r#""D": {"policy": "5c84e7433fdd13ca161bd4a6cd68fc6462fcca5aea07c5692be091df", "name": "444a4544"}"#,
    );
    let message = error("unknown_alias_value", &text);
    assert_eq!(
        message,
        r#"$.utxos.swap1.value.T: unknown token alias "T" (known: ADA, D); a value key is "lovelace", a token alias or "POLICY:NAME""#
    );
    // Without the plain `T` key, the first unknown alias is inside the pair beacon.
    let text = text.replacen(
        r#""lovelace": 3000000, "T": 10, "#,
        r#""lovelace": 3000000, "#,
        1,
    );
    let message = error("unknown_alias_beacon", &text);
    assert_eq!(
        message,
        r#"$.utxos.swap1.value["ow_beacon:pair(T,ADA)"]: unknown token alias "T" (known: ADA, D)"#
    );
}

#[test]
fn unknown_token_alias_inside_a_beacon_expression_is_reported() {
    let message = error(
        "unknown_alias_expr",
        &edit(
            r#""T": 10, "ow_beacon:pair(T,ADA)": 1"#,
            r#""T": 10, "ow_beacon:pair(X,ADA)": 1"#,
        ),
    );
    assert_eq!(
        message,
        r#"$.utxos.swap1.value["ow_beacon:pair(X,ADA)"]: unknown token alias "X" (known: ADA, T)"#
    );
}

#[test]
fn unknown_token_alias_in_a_datum_field_is_reported() {
    let message = error(
        "unknown_alias_datum",
        &edit(
            r#""offer_id": "T", "offer_name": "T", "offer_beacon": "offer(T)",
        "ask_id": "ADA", "ask_name": "ADA", "ask_beacon": "ask(ADA)",
        "swap_price": {"num": 1000000, "den": 1}, "prev_input": null"#,
            r#""offer_id": "T", "offer_name": "Q", "offer_beacon": "offer(T)",
        "ask_id": "ADA", "ask_name": "ADA", "ask_beacon": "ask(ADA)",
        "swap_price": {"num": 1000000, "den": 1}, "prev_input": null"#,
        ),
    );
    assert!(
        message.starts_with("$.utxos.swap1.datum.inline.ow_swap_datum.offer_name: unknown token alias \"Q\" (known: ADA, T)"),
        "{message}"
    );
}

#[test]
fn hex_looking_alias_is_rejected() {
    let message = error(
        "hex_alias",
        &edit(r#""T": {"policy""#, r#""beef": {"policy""#),
    );
    assert!(
        message.starts_with("$.tokens.beef: token alias \"beef\" is valid lowercase hex"),
        "{message}"
    );
}

#[test]
fn unknown_utxo_name_lists_the_known_ones() {
    let message = error(
        "unknown_utxo",
        &edit(r#"{"utxo": "bob_funds"}"#, r#"{"utxo": "carol_funds"}"#),
    );
    assert_eq!(
        message,
        r#"$.tx.inputs[1].utxo: unknown utxo "carol_funds" (known: swap1, bob_funds)"#
    );
}

/// The output datum of `BASE` written as `{"datum_of": …}`.
fn with_datum_of(datum_of: &str) -> String {
    let output_datum = r#"{"inline": {"ow_swap_datum": {
         "beacon_id": "ow_beacon", "pair_beacon": "pair(T,ADA)",
         "offer_id": "T", "offer_name": "T", "offer_beacon": "offer(T)",
         "ask_id": "ADA", "ask_name": "ADA", "ask_beacon": "ask(ADA)",
         "swap_price": {"num": 1000000, "den": 1}, "prev_input": {"utxo": "swap1"}}}}"#;
    edit(output_datum, &format!(r#"{{"inline": {datum_of}}}"#))
}

#[test]
fn a_copied_datum_with_a_changed_field_is_the_written_datum() {
    let copied = load(&write(
        "datum_of",
        &with_datum_of(r#"{"datum_of": "swap1", "with": {"prev_input": {"utxo": "swap1"}}}"#),
    ))
    .unwrap();
    let written = load(&write("datum_written", BASE)).unwrap();
    assert_eq!(copied.tx.outputs, written.tx.outputs);
    let unchanged = load(&write(
        "datum_of_unchanged",
        &with_datum_of(r#"{"datum_of": "swap1"}"#),
    ))
    .unwrap();
    assert_eq!(
        unchanged.tx.outputs[0].output.datum,
        written.tx.inputs[0].utxo.output.datum
    );
}

#[test]
fn a_copied_datum_names_a_known_utxo_and_fields_of_its_type() {
    let message = error(
        "datum_of_unknown_utxo",
        &with_datum_of(r#"{"datum_of": "swap2"}"#),
    );
    assert!(
        message.starts_with(r#"$.tx.outputs[0].datum.inline.datum_of: no datum of utxo "swap2" is known here (UTxOs with a datum, resolved before this one: swap1)"#),
        "{message}"
    );
    let message = error(
        "datum_of_unknown_field",
        &with_datum_of(r#"{"datum_of": "swap1", "with": {"price": 1}}"#),
    );
    assert!(
        message.starts_with(r#"$.tx.outputs[0].datum.inline.with.price: unknown field "price" of ow_swap_datum (expected: beacon_id,"#),
        "{message}"
    );
    let message = error(
        "datum_of_bad_field",
        &with_datum_of(r#"{"datum_of": "swap1", "with": {"swap_price": 1}}"#),
    );
    assert!(
        message.starts_with(
            r#"$.tx.outputs[0].datum.inline.with.swap_price: expected {"num": INT, "den": INT}"#
        ),
        "{message}"
    );
}

#[test]
fn unknown_utxo_in_prev_input_is_reported() {
    let message = error(
        "unknown_prev_input",
        &edit(
            r#""prev_input": {"utxo": "swap1"}"#,
            r#""prev_input": {"utxo": "swap2"}"#,
        ),
    );
    assert!(
        message.starts_with(
            r#"$.tx.outputs[0].datum.inline.ow_swap_datum.prev_input.utxo: unknown utxo "swap2""#
        ),
        "{message}"
    );
}

#[test]
fn bad_beacon_expression_is_reported() {
    let message = error(
        "bad_beacon",
        &edit(
            r#""T": 10, "ow_beacon:pair(T,ADA)": 1"#,
            r#""T": 10, "ow_beacon:pair(T,ADA": 1"#,
        ),
    );
    assert!(
        message.starts_with(
            r#"$.utxos.swap1.value["ow_beacon:pair(T,ADA"]: bad beacon expression "pair(T,ADA""#
        ),
        "{message}"
    );
    assert_has(
        &message,
        &["expected FUNCTION(ARG, …), one of pair(A,B), offer(A), ask(A)"],
    );
}

#[test]
fn unknown_beacon_function_is_reported() {
    let message = error(
        "unknown_beacon_fn",
        &edit(
            r#""ow_beacon:offer(T)": 1, "ow_beacon:ask(ADA)": 1},
      "datum""#,
            r#""ow_beacon:asset(T)": 1, "ow_beacon:ask(ADA)": 1},
      "datum""#,
        ),
    );
    assert!(
        message.starts_with(r#"$.utxos.swap1.value["ow_beacon:asset(T)"]: unknown beacon function "asset" for ow_beacon (known: pair(A,B), offer(A), ask(A))"#),
        "{message}"
    );
}

#[test]
fn beacon_with_wrong_arity_is_reported() {
    let message = error(
        "beacon_arity",
        &edit(
            r#""pair_beacon": "pair(T,ADA)",
        "offer_id": "T", "offer_name": "T", "offer_beacon": "offer(T)",
        "ask_id": "ADA", "ask_name": "ADA", "ask_beacon": "ask(ADA)",
        "swap_price": {"num": 1000000, "den": 1}, "prev_input": null"#,
            r#""pair_beacon": "pair(T)",
        "offer_id": "T", "offer_name": "T", "offer_beacon": "offer(T)",
        "ask_id": "ADA", "ask_name": "ADA", "ask_beacon": "ask(ADA)",
        "swap_price": {"num": 1000000, "den": 1}, "prev_input": null"#,
        ),
    );
    assert!(
        message.starts_with("$.utxos.swap1.datum.inline.ow_swap_datum.pair_beacon: bad beacon expression \"pair(T)\": pair takes 2 argument(s) (pair(A,B)), found 1"),
        "{message}"
    );
}

#[test]
fn beacon_expression_under_a_non_beacon_policy_is_reported() {
    let message = error(
        "beacon_non_beacon",
        &edit(
            r#""value": {"lovelace": 20000000}"#,
            r#""value": {"lovelace": 20000000, "ow_swap:pair(T,ADA)": 1}"#,
        ),
    );
    assert_has(
        &message,
        &[
            r#"$.utxos.bob_funds.value["ow_swap:pair(T,ADA)"]"#,
            "ow_swap is not a beacon policy",
        ],
    );
}

#[test]
fn zero_quantity_is_reported() {
    let message = error(
        "zero_qty",
        &edit(r#""lovelace": 20000000"#, r#""lovelace": 0"#),
    );
    assert_eq!(
        message,
        "$.utxos.bob_funds.value.lovelace: expected a positive quantity (1 to 2^64-1), found 0"
    );
}

#[test]
fn negative_quantity_is_reported() {
    let message = error(
        "negative_qty",
        &edit(
            r#""lovelace": 8000000, "T": 5"#,
            r#""lovelace": 8000000, "T": -5"#,
        ),
    );
    assert_eq!(
        message,
        "$.tx.outputs[0].value.T: expected a positive quantity (1 to 2^64-1), found -5"
    );
}

#[test]
fn zero_mint_quantity_is_reported() {
    let message = error(
        "zero_mint",
        &edit(
            r#""outputs": ["#,
            r#""mint": [{"policy": "ow_beacon", "assets": {"offer(T)": 0}, "redeemer": "CreateOrCloseSwaps"}], "outputs": ["#,
        ),
    );
    assert_eq!(
        message,
        r#"$.tx.mint[0].assets["offer(T)"]: expected a non-zero 64-bit quantity, found 0"#
    );
}

#[test]
fn two_change_outputs_are_reported() {
    let message = error(
        "two_change",
        &edit(
            r#"{"address": {"payment": {"key": "bob"}}, "change": true}"#,
            r#"{"address": {"payment": {"key": "bob"}}, "change": true}, {"address": {"payment": {"key": "alice"}}, "change": true}"#,
        ),
    );
    assert_eq!(
        message,
        "$.tx.outputs[2].change: expected at most one change output, found a second one (the first is $.tx.outputs[1])"
    );
}

#[test]
fn unknown_rule_id_is_reported() {
    let message = error(
        "unknown_rule",
        &edit(
            r#""rules": ["SWAP-OW-EXEC-09"]"#,
            r#""rules": ["SWAP-OW-EXEC-09", "SWAP-OW-EXEC-99"]"#,
        ),
    );
    assert!(
        message.starts_with(r#"$.rules[1]: unknown rule ID "SWAP-OW-EXEC-99""#),
        "{message}"
    );
    assert_has(&message, &["harness/rules/*.tsv"]);
}

#[test]
fn rules_of_another_catalogue_resolve() {
    let path = write(
        "cross_catalogue_rule",
        &edit(
            r#""rules": ["SWAP-OW-EXEC-09"]"#,
            r#""rules": ["SWAP-OW-EXEC-09", "LOAN-ADDR-01"]"#,
        ),
    );
    let scenario = load(&path).expect("a rule of any registered catalogue may be cited");
    assert!(scenario.rules.iter().any(|r| r == "LOAN-ADDR-01"));
}

#[test]
fn fail_rule_not_in_rules_is_reported() {
    let message = error(
        "fail_not_listed",
        &edit(
            r#""expect": "ok""#,
            r#""expect": {"fail": "SWAP-OW-EXEC-08"}"#,
        ),
    );
    assert_eq!(
        message,
        r#"$.expect.fail: fail rule "SWAP-OW-EXEC-08" is not listed in $.rules (expected one of: SWAP-OW-EXEC-09)"#
    );
}

#[test]
fn unknown_expectation_is_reported() {
    let message = error(
        "bad_expect",
        &edit(r#""expect": "ok""#, r#""expect": "pass""#),
    );
    assert!(
        message.starts_with(
            r#"$.expect: invalid value: string "pass", expected "ok", {"fail": "RULE-ID"}, {"unlabelled": "PURPOSE"} or {"refused": "LEDGER-RULE"}"#
        ),
        "{message}"
    );
}

#[test]
fn unknown_protocol_is_reported() {
    let message = error(
        "bad_protocol",
        &edit(r#""protocol": "swaps""#, r#""protocol": "swap""#),
    );
    // Protocols registered later follow in the list.
    assert!(
        message.starts_with(r#"$.protocol: unknown protocol "swap" (known: proxy, swaps"#),
        "{message}"
    );
}

#[test]
fn unknown_redeemer_constructor_lists_the_known_ones() {
    let message = error(
        "unknown_redeemer",
        &edit(r#""redeemer": "Swap""#, r#""redeemer": "Fill""#),
    );
    assert_eq!(
        message,
        r#"$.tx.inputs[0].redeemer: unknown redeemer constructor "Fill" for script ow_swap (known: SpendWithMint, SpendWithStake, Swap, SwapAt, SpendWithMintAt, SpendWithStakeAt)"#
    );
}

#[test]
fn unknown_redeemer_field_is_reported() {
    let message = error(
        "unknown_redeemer_field",
        &edit(
            r#""redeemer": "Swap""#,
            r#""redeemer": {"SwapAt": {"input_index": "swap1", "output": 0}}"#,
        ),
    );
    assert!(
        message.starts_with(r#"$.tx.inputs[0].redeemer.SwapAt.output: unknown field "output" of SwapAt (expected: input_index, output_index)"#),
        "{message}"
    );
}

#[test]
fn swap_at_with_an_input_that_is_not_spent_is_reported() {
    let message = error(
        "swap_at_not_spent",
        &edit(
            r#""redeemer": "Swap""#,
            r#""redeemer": {"SwapAt": {"input_index": "nobody", "output_index": 0}}"#,
        ),
    );
    assert!(
        message.starts_with(
            r#"$.tx.inputs[0].redeemer.SwapAt.input_index: utxo "nobody" is not a spent input"#
        ),
        "{message}"
    );
}

#[test]
fn typed_redeemer_for_a_non_deployment_script_is_reported() {
    let hash = "00000000000000000000000000000000000000000000000000000000";
    let message = error(
        "typed_redeemer_foreign",
        &edit(
            r#""inputs": [{"utxo": "swap1", "redeemer": "Swap"}, {"utxo": "bob_funds"}],"#,
            &format!(
                r#""inputs": [{{"utxo": "swap1", "redeemer": "Swap"}}, {{"utxo": "bob_funds"}}],
                   "withdrawals": [{{"credential": {{"script_hash": "{hash}"}}, "amount": 0, "redeemer": "UpdateSwaps"}}],"#
            ),
        ),
    );
    assert_eq!(
        message,
        format!(
            r#"$.tx.withdrawals[0].redeemer: typed redeemer "UpdateSwaps" needs a deployment script, but script hash {hash} is not one (write raw Plutus JSON)"#
        )
    );
}

#[test]
fn raw_redeemer_for_a_non_deployment_script_is_accepted() {
    let hash = "00000000000000000000000000000000000000000000000000000000";
    let text = edit(
        r#""inputs": [{"utxo": "swap1", "redeemer": "Swap"}, {"utxo": "bob_funds"}],"#,
        &format!(
            r#""inputs": [{{"utxo": "swap1", "redeemer": "Swap"}}, {{"utxo": "bob_funds"}}],
               "withdrawals": [{{"credential": {{"script_hash": "{hash}"}}, "amount": 0, "redeemer": {{"constructor": 1, "fields": []}}}}],"#
        ),
    );
    let path = write("raw_redeemer_foreign", &text);
    let scenario = load(&path);
    std::fs::remove_file(&path).ok();
    assert!(scenario.unwrap().tx.withdrawals[0].redeemer.is_some());
}

#[test]
fn bad_plutus_json_is_reported_with_its_path() {
    let message = error(
        "bad_plutus",
        &edit(
            r#""prev_input": null}}}
    },"#,
            r#""prev_input": {"raw": {"constructor": 0, "fields": [{"bytes": "zz"}]}}}}}
    },"#,
        ),
    );
    assert!(
        message.starts_with(r#"$.utxos.swap1.datum.inline.ow_swap_datum.prev_input.raw.fields[0].bytes: bad hex "zz""#),
        "{message}"
    );
}

#[test]
fn unknown_datum_type_lists_the_known_ones() {
    let message = error(
        "unknown_datum_type",
        &edit(
            r#""datum": {"inline": {"ow_swap_datum": {
        "beacon_id": "ow_beacon", "pair_beacon": "pair(T,ADA)",
        "offer_id": "T", "offer_name": "T", "offer_beacon": "offer(T)",
        "ask_id": "ADA", "ask_name": "ADA", "ask_beacon": "ask(ADA)",
        "swap_price": {"num": 1000000, "den": 1}, "prev_input": null}}}"#,
            r#""datum": {"inline": {"swap_datum": {}}}"#,
        ),
    );
    assert!(
        message.starts_with(r#"$.utxos.swap1.datum.inline.swap_datum: unknown datum type "swap_datum" (known: ow_swap_datum, tw_swap_datum"#),
        "{message}"
    );
}

#[test]
fn unreadable_file_is_reported() {
    let path = std::env::temp_dir().join(format!(
        "harness-bad-input-{}-absent.json",
        std::process::id()
    ));
    let message = fixture::load(&path).unwrap_err().to_string();
    assert!(
        message.starts_with(&format!("{}: cannot read the fixture", path.display())),
        "{message}"
    );
}

/// Every node of the base fixture, replaced in turn by values of other JSON types, and the file
/// cut at every byte: each must give an error (or, rarely, still resolve), never a panic.
#[test]
fn no_mutation_panics() {
    let base: Json = serde_json::from_str(BASE).unwrap();
    let replacements = [
        Json::Null,
        Json::Bool(true),
        serde_json::json!(0),
        serde_json::json!(-1),
        serde_json::json!(1.5),
        serde_json::json!("x"),
        serde_json::json!("ab"),
        serde_json::json!([]),
        serde_json::json!({}),
        serde_json::json!({"raw": {"int": 1}}),
    ];
    let deployment = deployment();
    let slots = harness::params::Params::mainnet().unwrap().slot_config;
    let mut count = 0;
    for pointer in pointers(&base, String::new()) {
        for replacement in &replacements {
            let mut mutated = base.clone();
            if let Some(slot) = mutated.pointer_mut(&pointer) {
                *slot = replacement.clone();
            }
            let text = mutated.to_string();
            if let Ok(f) = fixture::parse("mutated.json", &text) {
                let _ = resolve::resolve(
                    &f,
                    std::path::Path::new("mutated.json"),
                    &deployment,
                    &slots,
                );
            }
            count += 1;
        }
    }
    assert!(count > 500, "only {count} mutations");
    for cut in 0..BASE.len() {
        if BASE.is_char_boundary(cut) {
            assert!(fixture::parse("cut.json", &BASE[..cut]).is_err());
        }
    }
}

/// JSON pointers of every node below the root.
fn pointers(json: &Json, at: String) -> Vec<String> {
    let mut out = Vec::new();
    let children: Vec<(String, &Json)> = match json {
        Json::Object(map) => map
            .iter()
            .map(|(k, v)| (k.replace('~', "~0").replace('/', "~1"), v))
            .collect(),
        Json::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (i.to_string(), v))
            .collect(),
        _ => Vec::new(),
    };
    for (key, child) in children {
        let pointer = format!("{at}/{key}");
        out.push(pointer.clone());
        out.extend(pointers(child, pointer));
    }
    out
}

#[test]
fn credential_with_two_keys_is_reported() {
    let message = error(
        "two_key_credential",
        &edit(
            r#"{"address": {"payment": {"key": "bob"}}, "change": true}"#,
            r#"{"address": {"payment": {"key": "bob", "script": "ow_swap"}}, "change": true}"#,
        ),
    );
    assert!(
        message.starts_with(
            "$.tx.outputs[1].address.payment: expected only one of the keys `key`, `script`"
        ),
        "{message}"
    );
    assert_has(&message, &["found `key` and `script`"]);
}
