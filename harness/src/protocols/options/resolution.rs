//! The options data of record (spec §3.6, §3.7): each worked datum and redeemer, written typed
//! with symbolic beacon expressions as fixtures write them, resolves to the spec's Plutus Data
//! and to its CBOR byte for byte (T-NAME-03).

use crate::deploy::{Build, Deployment};
use crate::{
    resolve::*,
    scenario::{Datum, Scenario},
};
use pallas_primitives::PlutusData;
use std::path::Path;

const P1: &str = "11111111111111111111111111111111111111111111111111111111";
const P2: &str = "22222222222222222222222222222222222222222222222222222222";
const P3: &str = "33333333333333333333333333333333333333333333333333333333";
const H: &str = "7a1d3bb453b1ea065f391529d1a56e7e02bc03f4dc802acf3a1967dc447c3259";
const WRITER: &str = r#"{"payment": {"key_hash": "ae0d001455a855e6c00f98fa9061028f5c00d297926383bc501be2d2"},
    "stake": {"key_hash": "623a2b9a369454b382c131d7e3d12c4f93024022e5c5668cf0c5c25c"}}"#;
const PROXY_WRITER: &str = r#"{"payment": {"script_hash": "12583015ca6846689dd6274271a537c7d40a6a71ce21da0be27a7117"},
    "stake": {"key_hash": "623a2b9a369454b382c131d7e3d12c4f93024022e5c5668cf0c5c25c"}}"#;
/// The fields a proposal and its contract share.
const SHARED: &str = r#""offer_asset": "O", "offer_quantity": 10, "ask_asset": "T1",
    "trading_pair_beacon": "pair(O,T1)", "offer_asset_beacon": "offer(O)", "ask_asset_beacon": "ask(T1)""#;

const SPEC_PROPOSAL: &str = r#"{"constructor": 0, "fields": [
  {"bytes": "11111111111111111111111111111111111111111111111111111111"},
  {"bytes": "22222222222222222222222222222222222222222222222222222222"},
  {"list": [{"bytes": "c0f8644a01a6bf5db02f4afe30d604975e63dd274f1098a1738e561d"}, {"bytes": "4f74686572546f6b656e0a"}]},
  {"int": 10},
  {"list": [{"bytes": "c0f8644a01a6bf5db02f4afe30d604975e63dd274f1098a1738e561d"}, {"bytes": "54657374546f6b656e31"}]},
  {"bytes": "038abf5f918a0f73196686d735873be5feb8d3746c2cd7be9b56b1cb8b88d819"},
  {"bytes": "01ef62249bb72641bc1b52e26166f2bbcb6daa9afcb49b061479800bf0ea9519"},
  {"bytes": "b573c8fb3a34a53953dbed9bcb4cc9ea5ffe4f908d46d6c0177a8c20507fa756"},
  {"list": [{"bytes": ""}, {"bytes": ""}]},
  {"bytes": "084fed08b978af4d7d196a7446a86b58009e636b611db16211b65a9aadff29c5"},
  {"int": 5000000},
  {"constructor": 0, "fields": [{"constructor": 0, "fields": [{"bytes": "ae0d001455a855e6c00f98fa9061028f5c00d297926383bc501be2d2"}]}, {"constructor": 0, "fields": [{"constructor": 0, "fields": [{"constructor": 0, "fields": [{"bytes": "623a2b9a369454b382c131d7e3d12c4f93024022e5c5668cf0c5c25c"}]}]}]}]},
  {"list": [{"constructor": 0, "fields": [{"int": 2000000}, {"list": [{"int": 1}, {"int": 1}]}, {"int": 1714755185000}]}, {"constructor": 0, "fields": [{"int": 3000000}, {"list": [{"int": 1}, {"int": 2}]}, {"int": 1714756185000}]}]}
]}"#;

/// §3.7's CBOR of the §3.6 ProposalDatum, its lines concatenated.
const SPEC_PROPOSAL_CBOR: &str = concat!(
    "d8799f581c11111111111111111111111111111111111111111111111111111111581c22222222222222222222222222",
    "2222222222222222222222222222229f581cc0f8644a01a6bf5db02f4afe30d604975e63dd274f1098a1738e561d4b4f",
    "74686572546f6b656e0aff0a9f581cc0f8644a01a6bf5db02f4afe30d604975e63dd274f1098a1738e561d4a54657374",
    "546f6b656e31ff5820038abf5f918a0f73196686d735873be5feb8d3746c2cd7be9b56b1cb8b88d819582001ef62249b",
    "b72641bc1b52e26166f2bbcb6daa9afcb49b061479800bf0ea95195820b573c8fb3a34a53953dbed9bcb4cc9ea5ffe4f",
    "908d46d6c0177a8c20507fa7569f4040ff5820084fed08b978af4d7d196a7446a86b58009e636b611db16211b65a9aad",
    "ff29c51a004c4b40d8799fd8799f581cae0d001455a855e6c00f98fa9061028f5c00d297926383bc501be2d2ffd8799f",
    "d8799fd8799f581c623a2b9a369454b382c131d7e3d12c4f93024022e5c5668cf0c5c25cffffffff9fd8799f1a001e84",
    "809f0101ff1b0000018f3f5fa968ffd8799f1a002dc6c09f0102ff1b0000018f3f6eeba8ffffff",
);

/// §3.7's CBOR of `Terms{2000000, 1/1, 1714755185000}`.
const SPEC_TERMS_CBOR: &str = "d8799f1a001e84809f0101ff1b0000018f3f5fa968ff";

const SPEC_ACTIVE: &str = r#"{"constructor": 1, "fields": [
  {"bytes": "11111111111111111111111111111111111111111111111111111111"},
  {"bytes": "22222222222222222222222222222222222222222222222222222222"},
  {"bytes": "33333333333333333333333333333333333333333333333333333333"},
  {"list": [{"bytes": "c0f8644a01a6bf5db02f4afe30d604975e63dd274f1098a1738e561d"}, {"bytes": "4f74686572546f6b656e0a"}]},
  {"int": 10},
  {"list": [{"bytes": "c0f8644a01a6bf5db02f4afe30d604975e63dd274f1098a1738e561d"}, {"bytes": "54657374546f6b656e31"}]},
  {"bytes": "038abf5f918a0f73196686d735873be5feb8d3746c2cd7be9b56b1cb8b88d819"},
  {"bytes": "01ef62249bb72641bc1b52e26166f2bbcb6daa9afcb49b061479800bf0ea9519"},
  {"bytes": "b573c8fb3a34a53953dbed9bcb4cc9ea5ffe4f908d46d6c0177a8c20507fa756"},
  {"list": [{"int": 1}, {"int": 1}]},
  {"int": 1714755185000},
  {"int": 5000000},
  {"constructor": 0, "fields": [{"constructor": 0, "fields": [{"bytes": "ae0d001455a855e6c00f98fa9061028f5c00d297926383bc501be2d2"}]}, {"constructor": 0, "fields": [{"constructor": 0, "fields": [{"constructor": 0, "fields": [{"bytes": "623a2b9a369454b382c131d7e3d12c4f93024022e5c5668cf0c5c25c"}]}]}]}]},
  {"bytes": "522c821f25a8feca8cfcfc9711c9cf2eb9ef470a0efaf4bc49c89c53bdb5b576"}
]}"#;

/// §3.6: the ActiveDatum after `UpdatePaymentAddress{proxy address, 1000000}`.
const SPEC_UPDATED_ACTIVE: &str = r#"{"constructor": 1, "fields": [
  {"bytes": "11111111111111111111111111111111111111111111111111111111"},
  {"bytes": "22222222222222222222222222222222222222222222222222222222"},
  {"bytes": "33333333333333333333333333333333333333333333333333333333"},
  {"list": [{"bytes": "c0f8644a01a6bf5db02f4afe30d604975e63dd274f1098a1738e561d"}, {"bytes": "4f74686572546f6b656e0a"}]},
  {"int": 10},
  {"list": [{"bytes": "c0f8644a01a6bf5db02f4afe30d604975e63dd274f1098a1738e561d"}, {"bytes": "54657374546f6b656e31"}]},
  {"bytes": "038abf5f918a0f73196686d735873be5feb8d3746c2cd7be9b56b1cb8b88d819"},
  {"bytes": "01ef62249bb72641bc1b52e26166f2bbcb6daa9afcb49b061479800bf0ea9519"},
  {"bytes": "b573c8fb3a34a53953dbed9bcb4cc9ea5ffe4f908d46d6c0177a8c20507fa756"},
  {"list": [{"int": 1}, {"int": 1}]},
  {"int": 1714755185000},
  {"int": 6000000},
  {"constructor": 0, "fields": [{"constructor": 1, "fields": [{"bytes": "12583015ca6846689dd6274271a537c7d40a6a71ce21da0be27a7117"}]}, {"constructor": 0, "fields": [{"constructor": 0, "fields": [{"constructor": 0, "fields": [{"bytes": "623a2b9a369454b382c131d7e3d12c4f93024022e5c5668cf0c5c25c"}]}]}]}]},
  {"bytes": "522c821f25a8feca8cfcfc9711c9cf2eb9ef470a0efaf4bc49c89c53bdb5b576"}
]}"#;

/// §3.7's CBOR of the PaymentDatum of §3.6.
const SPEC_PAYMENT_CBOR: &str = "9f581c222222222222222222222222222222222222222222222222222222225820522c821f25a8feca8cfcfc9711c9cf2eb9ef470a0efaf4bc49c89c53bdb5b576ff";

/// Made-up script bytes: resolution needs only the names (typed redeemers) and hashes.
fn deployment() -> Deployment {
    Deployment::stand_in(
        Build::Record,
        &[
            ("opt_script", b"\x41\x01"),
            ("opt_observer", b"\x41\x02"),
            ("opt_active", b"\x41\x03"),
            ("opt_proposal", b"\x41\x04"),
        ],
    )
}

fn resolve_fixture(utxos: &str, tx: &str) -> Scenario {
    let text = format!(
        r#"{{"description": "d", "protocol": "options", "rules": [], "expect": "ok",
            "tokens": {{
                "O": {{"policy": "c0f8644a01a6bf5db02f4afe30d604975e63dd274f1098a1738e561d", "name": "4f74686572546f6b656e0a"}},
                "T1": {{"policy": "c0f8644a01a6bf5db02f4afe30d604975e63dd274f1098a1738e561d", "name": "54657374546f6b656e31"}}}},
            "utxos": {utxos}, "tx": {tx}}}"#
    );
    let fixture = crate::fixture::parse("t.json", &text).unwrap();
    let slots = crate::params::Params::mainnet().unwrap().slot_config;
    resolve(&fixture, Path::new("t.json"), &deployment(), &slots).unwrap()
}

fn inline(datum: &Datum) -> PlutusData {
    match datum {
        Datum::Inline(data) => data.clone(),
        other => panic!("not inline: {other:?}"),
    }
}

/// Resolves `datum` (typed or raw) as the inline datum of a reference input.
fn resolve_datum(datum: &str) -> PlutusData {
    let utxos = format!(
        r#"{{"s": {{"address": {{"payment": {{"key": "alice"}}}}, "value": {{"lovelace": 3000000}},
            "datum": {{"inline": {datum}}}}}}}"#
    );
    let scenario = resolve_fixture(&utxos, r#"{"reference_inputs": ["s"]}"#);
    inline(&scenario.tx.reference_inputs[0].output.datum)
}

fn cbor(data: &PlutusData) -> String {
    hex::encode(pallas_codec::minicbor::to_vec(data).unwrap())
}

fn typed_proposal() -> String {
    format!(
        r#"{{"proposal_datum": {{"proposal_beacon_policy_id": "{P1}", "active_beacon_policy_id": "{P2}",
            {SHARED}, "premium_asset": "ADA", "premium_asset_beacon": "premium(ADA)",
            "contract_deposit": 5000000, "payment_address": {WRITER},
            "possible_terms": [
                {{"Terms": {{"premium": 2000000, "strike_price": {{"num": 1, "den": 1}}, "expiration": 1714755185000}}}},
                {{"Terms": {{"premium": 3000000, "strike_price": {{"num": 1, "den": 2}}, "expiration": 1714756185000}}}}]}}}}"#
    )
}

fn typed_active() -> String {
    format!(
        r#"{{"options_active_datum": {{"proposal_beacon_policy_id": "{P1}", "active_beacon_policy_id": "{P2}",
            "address_observer_hash": "{P3}", {SHARED}, "strike_price": {{"num": 1, "den": 1}},
            "expiration": 1714755185000, "contract_deposit": 5000000, "payment_address": {WRITER},
            "contract_id": "contract({H}#0)"}}}}"#
    )
}

#[test]
fn typed_proposal_datum_is_the_spec_example_and_its_cbor() {
    let typed = resolve_datum(&typed_proposal());
    assert_eq!(typed, resolve_datum(SPEC_PROPOSAL));
    assert_eq!(cbor(&typed), SPEC_PROPOSAL_CBOR);
    assert!(SPEC_PROPOSAL_CBOR.contains(SPEC_TERMS_CBOR));
}

#[test]
fn typed_active_datum_is_the_spec_example() {
    assert_eq!(resolve_datum(&typed_active()), resolve_datum(SPEC_ACTIVE));
}

#[test]
fn the_address_update_changes_only_the_deposit_and_address() {
    // As the address-update fixtures write the continuing datum: the input's, two fields changed.
    let utxos = format!(
        r#"{{"a": {{"address": {{"payment": {{"key": "alice"}}}}, "value": {{"lovelace": 3000000}},
            "datum": {{"inline": {}}}}}}}"#,
        typed_active()
    );
    let tx = format!(
        r#"{{"outputs": [{{"address": {{"payment": {{"key": "alice"}}}}, "value": {{"lovelace": 3000000}},
            "datum": {{"inline": {{"datum_of": "a", "with": {{"contract_deposit": 6000000,
            "payment_address": {PROXY_WRITER}}}}}}}}}]}}"#
    );
    let scenario = resolve_fixture(&utxos, &tx);
    let updated = inline(&scenario.tx.outputs[0].output.datum);
    assert_eq!(updated, resolve_datum(SPEC_UPDATED_ACTIVE));
}

#[test]
fn the_payment_datum_is_the_spec_example_and_its_cbor() {
    let raw = format!(
        r#"{{"list": [{{"bytes": "{P2}"}}, {{"bytes": {{"beacon": "opt_active:contract({H}#0)"}}}}]}}"#
    );
    assert_eq!(cbor(&resolve_datum(&raw)), SPEC_PAYMENT_CBOR);
}

/// The CBOR of the redeemer `redeemer` given to `script` (spent, minted or withdrawn from).
fn redeemer_cbor(script: &str, redeemer: &str) -> String {
    let utxos = r#"{"o": {"address": {"payment": {"script": "opt_script"}, "stake": {"key": "alice"}},
        "value": {"lovelace": 3000000}}}"#;
    let tx = match script {
        "opt_script" => format!(r#"{{"inputs": [{{"utxo": "o", "redeemer": {redeemer}}}]}}"#),
        "opt_observer" => format!(
            r#"{{"withdrawals": [{{"credential": {{"script": "opt_observer"}}, "amount": 0, "redeemer": {redeemer}}}]}}"#
        ),
        policy => format!(
            r#"{{"mint": [{{"policy": "{policy}", "assets": {{"00": -1}}, "redeemer": {redeemer}}}]}}"#
        ),
    };
    let scenario = resolve_fixture(utxos, &tx);
    let data = match script {
        "opt_script" => scenario.tx.inputs[0].redeemer.clone(),
        "opt_observer" => scenario.tx.withdrawals[0].redeemer.clone(),
        _ => scenario.tx.mint[0].redeemer.clone(),
    };
    cbor(&data.expect("a redeemer"))
}

#[test]
fn typed_redeemers_are_the_spec_examples() {
    let update = r#"{"UpdatePaymentAddress": {"new_address": {"payment": {"key_hash": "ae0d001455a855e6c00f98fa9061028f5c00d297926383bc501be2d2"}}, "deposit_increase": 1000000}}"#;
    let purchase =
        format!(r#"{{"PurchaseExecuteOrCloseExpired": {{"proposal_beacon_id": "{P1}"}}}}"#);
    let rows = [
        ("opt_script", r#""CloseOrUpdateProposal""#, "d87980"),
        (
            "opt_script",
            r#"{"PurchaseContract": {"desired_terms_index": 0}}"#,
            "d87a9f00ff",
        ),
        ("opt_script", r#""ExecuteContract""#, "d87b80"),
        ("opt_script", r#""CloseExpiredContract""#, "d87c80"),
        (
            "opt_script",
            update,
            "d87d9fd8799fd8799f581cae0d001455a855e6c00f98fa9061028f5c00d297926383bc501be2d2ffd87a80ff1a000f4240ff",
        ),
        (
            "opt_proposal",
            r#""CreateCloseOrUpdateProposals""#,
            "d87980",
        ),
        ("opt_proposal", r#""BurnProposalBeacons""#, "d87a80"),
        ("opt_proposal", r#""RegisterProposalScript""#, "d87b80"),
        (
            "opt_active",
            &purchase,
            "d8799f581c11111111111111111111111111111111111111111111111111111111ff",
        ),
        ("opt_active", r#""BurnActiveBeacons""#, "d87a80"),
        ("opt_observer", r#""ObserveAddressUpdate""#, "d87980"),
        (
            "opt_observer",
            r#""RegisterAddressObserverScript""#,
            "d87a80",
        ),
    ];
    for (script, redeemer, expected) in rows {
        assert_eq!(redeemer_cbor(script, redeemer), expected, "{redeemer}");
    }
}
