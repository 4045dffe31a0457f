//! The loans data of record (spec §3.6): each worked datum, written typed with symbolic beacon
//! expressions, resolves to the spec's Plutus Data byte for byte.

use crate::deploy::{Build, Deployment};
use crate::{
    resolve::*,
    scenario::{Datum, Scenario},
};
use pallas_primitives::PlutusData;
use std::path::Path;

const N: &str = "11111111111111111111111111111111111111111111111111111111";
const A: &str = "22222222222222222222222222222222222222222222222222222222";
const BORROWER: &str = "key_hash:3cefec09a27b6894e2ed9a78b9cc01f083973d7c0afb8cec8bda33fa";
const LENDER_ADDRESS: &str = r#"{"payment": {"script_hash": "12583015ca6846689dd6274271a537c7d40a6a71ce21da0be27a7117"},
    "stake": {"key_hash": "a0b1c2d3e4f5061728394a5b6c7d8e9f00112233445566778899aabb"}}"#;
const TERMS: &str =
    r#""loan_asset": "ADA", "asset_beacon": "asset(ADA)", "loan_principal": 10000000"#;
const OFFER_TERMS: &str = r#""epoch_duration": 86400000, "loan_term": 2592000000,
    "loan_interest": {"num": 1, "den": 100}, "compounding_interest": true, "min_payment": 500000,
    "penalty": {"FixedFee": {"fee": 100000}}, "max_consecutive_misses": 3,
    "collateralization": [["O", {"num": 1, "den": 1000000}], ["T1", {"num": 1, "den": 500000}]],
    "collateral_is_swappable": false"#;

const SPEC_ASK: &str = r#"{"constructor":0,"fields":[
      {"bytes":"11111111111111111111111111111111111111111111111111111111"},
      {"bytes":"22222222222222222222222222222222222222222222222222222222"},
      {"bytes":"3cefec09a27b6894e2ed9a78b9cc01f083973d7c0afb8cec8bda33fa"},
      {"list":[{"bytes":""},{"bytes":""}]},
      {"bytes":"80d298c9f240900f00b327f5b611dc41aa785788d6fd3edbe35812ca88f02e9a"},
      {"int":10000000},
      {"int":2592000000},
      {"map":[{"k":{"bytes":"c0f8644a01a6bf5db02f4afe30d604975e63dd274f1098a1738e561d"},"v":{"bytes":"4f74686572546f6b656e0a"}},{"k":{"bytes":"c0f8644a01a6bf5db02f4afe30d604975e63dd274f1098a1738e561d"},"v":{"bytes":"54657374546f6b656e31"}}]}
    ]}"#;

const SPEC_OFFER: &str = r#"{"constructor":1,"fields":[
      {"bytes":"11111111111111111111111111111111111111111111111111111111"},
      {"bytes":"22222222222222222222222222222222222222222222222222222222"},
      {"bytes":"00a0b1c2d3e4f5061728394a5b6c7d8e9f00112233445566778899aabb"},
      {"constructor":0,"fields":[{"constructor":1,"fields":[{"bytes":"12583015ca6846689dd6274271a537c7d40a6a71ce21da0be27a7117"}]},{"constructor":0,"fields":[{"constructor":0,"fields":[{"constructor":0,"fields":[{"bytes":"a0b1c2d3e4f5061728394a5b6c7d8e9f00112233445566778899aabb"}]}]}]}]},
      {"list":[{"bytes":""},{"bytes":""}]},
      {"bytes":"80d298c9f240900f00b327f5b611dc41aa785788d6fd3edbe35812ca88f02e9a"},
      {"int":10000000},
      {"constructor":0,"fields":[{"int":86400000}]},
      {"int":2592000000},
      {"list":[{"int":1},{"int":100}]},
      {"constructor":1,"fields":[]},
      {"int":500000},
      {"constructor":1,"fields":[{"int":100000}]},
      {"constructor":0,"fields":[{"int":3}]},
      {"map":[{"k":{"list":[{"bytes":"c0f8644a01a6bf5db02f4afe30d604975e63dd274f1098a1738e561d"},{"bytes":"4f74686572546f6b656e0a"}]},"v":{"list":[{"int":1},{"int":1000000}]}},{"k":{"list":[{"bytes":"c0f8644a01a6bf5db02f4afe30d604975e63dd274f1098a1738e561d"},{"bytes":"54657374546f6b656e31"}]},"v":{"list":[{"int":1},{"int":500000}]}}]},
      {"constructor":0,"fields":[]},
      {"int":604800000},
      {"int":4000000},
      {"constructor":0,"fields":[{"int":1700086400000}]},
      {"constructor":0,"fields":[{"constructor":0,"fields":[{"constructor":0,"fields":[{"bytes":"a87b675bdc60d907b50548f982d2ddfdcca527f6b40220894e22088570b2ec3d"}]},{"int":0}]}]}
    ]}"#;

const SPEC_ACTIVE: &str = r#"{"constructor":2,"fields":[
      {"bytes":"22222222222222222222222222222222222222222222222222222222"},
      {"bytes":"33333333333333333333333333333333333333333333333333333333"},
      {"bytes":"44444444444444444444444444444444444444444444444444444444"},
      {"bytes":"3cefec09a27b6894e2ed9a78b9cc01f083973d7c0afb8cec8bda33fa"},
      {"constructor":0,"fields":[{"constructor":1,"fields":[{"bytes":"12583015ca6846689dd6274271a537c7d40a6a71ce21da0be27a7117"}]},{"constructor":0,"fields":[{"constructor":0,"fields":[{"constructor":0,"fields":[{"bytes":"a0b1c2d3e4f5061728394a5b6c7d8e9f00112233445566778899aabb"}]}]}]}]},
      {"list":[{"bytes":""},{"bytes":""}]},
      {"bytes":"80d298c9f240900f00b327f5b611dc41aa785788d6fd3edbe35812ca88f02e9a"},
      {"int":10000000},
      {"constructor":0,"fields":[{"int":86400000}]},
      {"int":1700000000000},
      {"int":2592000000},
      {"list":[{"int":1},{"int":100}]},
      {"constructor":1,"fields":[]},
      {"int":500000},
      {"constructor":1,"fields":[{"int":100000}]},
      {"constructor":0,"fields":[{"int":3}]},
      {"map":[{"k":{"list":[{"bytes":"c0f8644a01a6bf5db02f4afe30d604975e63dd274f1098a1738e561d"},{"bytes":"4f74686572546f6b656e0a"}]},"v":{"list":[{"int":1},{"int":1000000}]}},{"k":{"list":[{"bytes":"c0f8644a01a6bf5db02f4afe30d604975e63dd274f1098a1738e561d"},{"bytes":"54657374546f6b656e31"}]},"v":{"list":[{"int":1},{"int":500000}]}}]},
      {"constructor":0,"fields":[]},
      {"int":1703196800000},
      {"int":1702592000000},
      {"list":[{"int":10100000},{"int":1}]},
      {"int":0},
      {"int":0},
      {"bytes":"d58bc66b3f3778e572797ee4d96d0f81adda164f7865c452e682cf28bcec6362"}
    ]}"#;

/// Resolves `datum` (typed or raw) as the inline datum of a reference input.
fn resolve_datum(datum: &str) -> PlutusData {
    let text = format!(
        r#"{{"description": "d", "protocol": "loans", "rules": [], "expect": "ok",
            "tokens": {{
                "O": {{"policy": "c0f8644a01a6bf5db02f4afe30d604975e63dd274f1098a1738e561d", "name": "4f74686572546f6b656e0a"}},
                "T1": {{"policy": "c0f8644a01a6bf5db02f4afe30d604975e63dd274f1098a1738e561d", "name": "54657374546f6b656e31"}}}},
            "utxos": {{"s": {{"address": {{"payment": {{"key": "alice"}}}}, "value": {{"lovelace": 3000000}},
                "datum": {{"inline": {datum}}}}}}},
            "tx": {{"reference_inputs": ["s"]}}}}"#
    );
    let fixture = crate::fixture::parse("t.json", &text).unwrap();
    let deployment = Deployment::stand_in(Build::Record, &[]);
    let slots = crate::params::Params::mainnet().unwrap().slot_config;
    let scenario: Scenario = resolve(&fixture, Path::new("t.json"), &deployment, &slots).unwrap();
    match &scenario.tx.reference_inputs[0].output.datum {
        Datum::Inline(data) => data.clone(),
        other => panic!("not inline: {other:?}"),
    }
}

fn same(typed: &str, spec: &str) {
    assert_eq!(resolve_datum(typed), resolve_datum(spec));
}

#[test]
fn typed_ask_datum_is_the_spec_example() {
    let typed = format!(
        r#"{{"loan_ask_datum": {{"negotiation_beacon_id": "{N}", "active_beacon_id": "{A}",
            "borrower_id": "borrower({BORROWER})", {TERMS}, "loan_term": 2592000000,
            "collateral": [["O", "O"], ["T1", "T1"]]}}}}"#
    );
    same(&typed, SPEC_ASK);
}

#[test]
fn typed_offer_datum_is_the_spec_example() {
    let typed = format!(
        r#"{{"loan_offer_datum": {{"negotiation_beacon_id": "{N}", "active_beacon_id": "{A}",
            "lender_id": "lender(key_hash:a0b1c2d3e4f5061728394a5b6c7d8e9f00112233445566778899aabb)",
            "lender_address": {LENDER_ADDRESS}, {TERMS}, {OFFER_TERMS},
            "claim_period": 604800000, "offer_deposit": 4000000, "offer_expiration": 1700086400000,
            "corresponding_ask": {{"ref": "a87b675bdc60d907b50548f982d2ddfdcca527f6b40220894e22088570b2ec3d#0"}}}}}}"#
    );
    same(&typed, SPEC_OFFER);
}

#[test]
fn typed_active_datum_is_the_spec_example() {
    let typed = format!(
        r#"{{"loan_active_datum": {{"active_beacon_id": "{A}",
            "payment_observer_hash": "33333333333333333333333333333333333333333333333333333333",
            "address_update_observer_hash": "44444444444444444444444444444444444444444444444444444444",
            "borrower_id": "borrower({BORROWER})", "lender_address": {LENDER_ADDRESS}, {TERMS},
            "last_epoch_boundary": 1700000000000, {OFFER_TERMS},
            "claim_expiration": 1703196800000, "loan_expiration": 1702592000000,
            "loan_outstanding": {{"num": 10100000, "den": 1}}, "total_epoch_payments": 0,
            "current_consecutive_misses": 0,
            "loan_id": "loan(0517795a270cf535deec2c393a70d00e5833cda0e68e20b58a261a63f71917e2#0)"}}}}"#
    );
    same(&typed, SPEC_ACTIVE);
}
