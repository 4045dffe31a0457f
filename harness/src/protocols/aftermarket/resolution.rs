//! The aftermarket data of record (spec §3.5, §4.3, §4.4): each worked datum and redeemer,
//! written typed, resolves to the spec's Plutus Data; the PaymentDatum encodes to the spec's
//! CBOR; the beacon names and the SpotBid value order are the spec's.

use super::{bidder_id, policy_beacon};
use crate::deploy::{Build, Deployment};
use crate::{
    resolve::*,
    scenario::{Credential, Datum, Scenario, Value},
};
use pallas_primitives::PlutusData;
use std::path::Path;

const BEACON: &str = "aaf0120441cd081de58de8d1bdc91f911c767c0a8487cc7ebb8a71e2";
const OBSERVER: &str = "9c41d1758e0877361cc0765e46608c81983d772b4c6dadebc5a9a641";
const NFT: &str = "79ef91e2c75eeb620979fbcdc8a6ffe8d79eefb16a9356510f25b5cd";
const DJED_POLICY: &str = "c70668ece22b907e154330e703e3f6347bc6b55f2a23dfef7de7a8c2";
const BIDDER_STAKE: &str = "5e82a40bd39cf7a75a21c9516988dbc7231280d37f8dde35a33f5753";
const MULTISIG: &str = "7e7018e4422607b9eda4eb5bf19bf76e267e0e0518f022adb1009f34";
const NAMES: &str = r#"["4cab299c8961081e1d0f8a52262df6df0258d6e66411862742c5954fa2120259",
    "7d7d2dac6a140fc0f76de482e2a4e5869939e66c1d0ed4f17493f96c9f965fa9"]"#;
const FIRST_NAME: &str = r#"["4cab299c8961081e1d0f8a52262df6df0258d6e66411862742c5954fa2120259"]"#;
const SELLER_ADDRESS: &str = r#"{"payment": {"key_hash": "cee9946333c705baefd1e4dbe84278020c678e0460631ae019042db7"},
    "stake": {"key_hash": "bfb83722ac10125c43544e12bcaeb8fe677d0c7c517b46533af77403"}}"#;
const BIDDER_ADDRESS: &str = r#"{"payment": {"key_hash": "e77adf05c05241db900760c002a22a64ef6fe948335112421382c401"},
    "stake": {"key_hash": "5e82a40bd39cf7a75a21c9516988dbc7231280d37f8dde35a33f5753"}}"#;
const PROXY_MULTISIG: &str = r#"{"payment": {"script_hash": "12583015ca6846689dd6274271a537c7d40a6a71ce21da0be27a7117"},
    "stake": {"script_hash": "7e7018e4422607b9eda4eb5bf19bf76e267e0e0518f022adb1009f34"}}"#;

const SPEC_SPOT: &str = r#"{"constructor":0,"fields":[{"bytes":"aaf0120441cd081de58de8d1bdc91f911c767c0a8487cc7ebb8a71e2"},{"bytes":"9c41d1758e0877361cc0765e46608c81983d772b4c6dadebc5a9a641"},{"bytes":"79ef91e2c75eeb620979fbcdc8a6ffe8d79eefb16a9356510f25b5cd"},{"list":[{"bytes":"4cab299c8961081e1d0f8a52262df6df0258d6e66411862742c5954fa2120259"},{"bytes":"7d7d2dac6a140fc0f76de482e2a4e5869939e66c1d0ed4f17493f96c9f965fa9"}]},{"constructor":0,"fields":[{"constructor":0,"fields":[{"bytes":"cee9946333c705baefd1e4dbe84278020c678e0460631ae019042db7"}]},{"constructor":0,"fields":[{"constructor":0,"fields":[{"constructor":0,"fields":[{"bytes":"bfb83722ac10125c43544e12bcaeb8fe677d0c7c517b46533af77403"}]}]}]}]},{"int":3000000},{"map":[{"k":{"list":[{"bytes":""},{"bytes":""}]},"v":{"int":100000000}},{"k":{"list":[{"bytes":"c70668ece22b907e154330e703e3f6347bc6b55f2a23dfef7de7a8c2"},{"bytes":"444a4544"}]},"v":{"int":25000000}}]}]}"#;

const SPEC_AUCTION: &str = r#"{"constructor":1,"fields":[{"bytes":"aaf0120441cd081de58de8d1bdc91f911c767c0a8487cc7ebb8a71e2"},{"bytes":"9c41d1758e0877361cc0765e46608c81983d772b4c6dadebc5a9a641"},{"bytes":"79ef91e2c75eeb620979fbcdc8a6ffe8d79eefb16a9356510f25b5cd"},{"list":[{"bytes":"4cab299c8961081e1d0f8a52262df6df0258d6e66411862742c5954fa2120259"},{"bytes":"7d7d2dac6a140fc0f76de482e2a4e5869939e66c1d0ed4f17493f96c9f965fa9"}]},{"map":[{"k":{"list":[{"bytes":""},{"bytes":""}]},"v":{"int":150000000}}]}]}"#;

const SPEC_SPOT_BID: &str = r#"{"constructor":2,"fields":[{"bytes":"aaf0120441cd081de58de8d1bdc91f911c767c0a8487cc7ebb8a71e2"},{"bytes":"9c41d1758e0877361cc0765e46608c81983d772b4c6dadebc5a9a641"},{"bytes":"79ef91e2c75eeb620979fbcdc8a6ffe8d79eefb16a9356510f25b5cd"},{"constructor":0,"fields":[{"bytes":"5e82a40bd39cf7a75a21c9516988dbc7231280d37f8dde35a33f5753"}]},{"list":[{"bytes":"4cab299c8961081e1d0f8a52262df6df0258d6e66411862742c5954fa2120259"}]},{"constructor":0,"fields":[{"constructor":0,"fields":[{"bytes":"e77adf05c05241db900760c002a22a64ef6fe948335112421382c401"}]},{"constructor":0,"fields":[{"constructor":0,"fields":[{"constructor":0,"fields":[{"bytes":"5e82a40bd39cf7a75a21c9516988dbc7231280d37f8dde35a33f5753"}]}]}]}]},{"int":3000000},{"map":[{"k":{"list":[{"bytes":""},{"bytes":""}]},"v":{"int":40000000}},{"k":{"list":[{"bytes":"c70668ece22b907e154330e703e3f6347bc6b55f2a23dfef7de7a8c2"},{"bytes":"444a4544"}]},"v":{"int":10000000}}]}]}"#;

const SPEC_CLAIM_BID: &str = r#"{"constructor":3,"fields":[{"bytes":"aaf0120441cd081de58de8d1bdc91f911c767c0a8487cc7ebb8a71e2"},{"bytes":"9c41d1758e0877361cc0765e46608c81983d772b4c6dadebc5a9a641"},{"bytes":"79ef91e2c75eeb620979fbcdc8a6ffe8d79eefb16a9356510f25b5cd"},{"constructor":0,"fields":[{"bytes":"5e82a40bd39cf7a75a21c9516988dbc7231280d37f8dde35a33f5753"}]},{"list":[{"bytes":"4cab299c8961081e1d0f8a52262df6df0258d6e66411862742c5954fa2120259"},{"bytes":"7d7d2dac6a140fc0f76de482e2a4e5869939e66c1d0ed4f17493f96c9f965fa9"}]},{"int":5000000},{"map":[{"k":{"list":[{"bytes":""},{"bytes":""}]},"v":{"int":90000000}}]},{"constructor":0,"fields":[{"int":1735603200000}]},{"int":1735689600000}]}"#;

const SPEC_CLAIM_BID_SCRIPT: &str = r#"{"constructor":3,"fields":[{"bytes":"aaf0120441cd081de58de8d1bdc91f911c767c0a8487cc7ebb8a71e2"},{"bytes":"9c41d1758e0877361cc0765e46608c81983d772b4c6dadebc5a9a641"},{"bytes":"79ef91e2c75eeb620979fbcdc8a6ffe8d79eefb16a9356510f25b5cd"},{"constructor":1,"fields":[{"bytes":"7e7018e4422607b9eda4eb5bf19bf76e267e0e0518f022adb1009f34"}]},{"list":[{"bytes":"4cab299c8961081e1d0f8a52262df6df0258d6e66411862742c5954fa2120259"}]},{"int":5000000},{"map":[{"k":{"list":[{"bytes":"c70668ece22b907e154330e703e3f6347bc6b55f2a23dfef7de7a8c2"},{"bytes":"444a4544"}]},"v":{"int":50000000}}]},{"constructor":1,"fields":[]},{"int":1735689600000}]}"#;

const SPEC_ACCEPTED_BID: &str = r#"{"constructor":4,"fields":[{"bytes":"aaf0120441cd081de58de8d1bdc91f911c767c0a8487cc7ebb8a71e2"},{"bytes":"9c41d1758e0877361cc0765e46608c81983d772b4c6dadebc5a9a641"},{"bytes":"79ef91e2c75eeb620979fbcdc8a6ffe8d79eefb16a9356510f25b5cd"},{"constructor":0,"fields":[{"bytes":"5e82a40bd39cf7a75a21c9516988dbc7231280d37f8dde35a33f5753"}]},{"list":[{"bytes":"4cab299c8961081e1d0f8a52262df6df0258d6e66411862742c5954fa2120259"},{"bytes":"7d7d2dac6a140fc0f76de482e2a4e5869939e66c1d0ed4f17493f96c9f965fa9"}]},{"int":5000000},{"int":0},{"map":[{"k":{"list":[{"bytes":""},{"bytes":""}]},"v":{"int":90000000}}]},{"constructor":0,"fields":[{"constructor":1,"fields":[{"bytes":"12583015ca6846689dd6274271a537c7d40a6a71ce21da0be27a7117"}]},{"constructor":0,"fields":[{"constructor":0,"fields":[{"constructor":1,"fields":[{"bytes":"7e7018e4422607b9eda4eb5bf19bf76e267e0e0518f022adb1009f34"}]}]}]}]},{"int":1735689600000}]}"#;

const SPEC_ACCEPT_CLAIM_BID: &str = r#"{"constructor":4,"fields":[{"int":0},{"constructor":0,"fields":[{"constructor":1,"fields":[{"bytes":"12583015ca6846689dd6274271a537c7d40a6a71ce21da0be27a7117"}]},{"constructor":0,"fields":[{"constructor":0,"fields":[{"constructor":1,"fields":[{"bytes":"7e7018e4422607b9eda4eb5bf19bf76e267e0e0518f022adb1009f34"}]}]}]}]}]}"#;

const SPEC_PAYMENT: &str = r#"{"list":[{"bytes":"aaf0120441cd081de58de8d1bdc91f911c767c0a8487cc7ebb8a71e2"},{"constructor":0,"fields":[{"constructor":0,"fields":[{"bytes":"7717a78ab0090d2d5e3bb9c9dbe4345004064b7e2b245f82e2cdf4761f678625"}]},{"int":1}]}]}"#;

/// The fields every market datum starts with.
fn common() -> String {
    format!(
        r#""beacon_policy_id": "{BEACON}", "aftermarket_observer_hash": "{OBSERVER}",
        "nft_policy_id": "{NFT}""#
    )
}

/// Resolves a fixture whose one reference input carries `datum` inline and whose one input, at
/// the market script, is spent with `redeemer`.
fn resolve_with(datum: &str, redeemer: &str) -> Scenario {
    let text = format!(
        r#"{{"description": "d", "protocol": "aftermarket", "rules": [], "expect": "ok",
            "tokens": {{"DJED": {{"policy": "{DJED_POLICY}", "name": "444a4544"}}}},
            "utxos": {{
                "s": {{"address": {{"payment": {{"key": "alice"}}}}, "value": {{"lovelace": 3000000}},
                    "datum": {{"inline": {datum}}}}},
                "m": {{"address": {{"payment": {{"script": "market"}}, "stake": {{"key": "alice"}}}},
                    "value": {{"lovelace": 3000000}}}}}},
            "tx": {{"reference_inputs": ["s"], "inputs": [{{"utxo": "m", "redeemer": {redeemer}}}]}}}}"#
    );
    let fixture = crate::fixture::parse("t.json", &text).unwrap();
    let deployment = Deployment::stand_in(Build::Record, &[("market", b"market")]);
    let slots = crate::params::Params::mainnet().unwrap().slot_config;
    resolve(&fixture, Path::new("t.json"), &deployment, &slots).unwrap()
}

fn resolve_datum(datum: &str) -> PlutusData {
    let scenario = resolve_with(datum, r#""PurchaseSpot""#);
    match &scenario.tx.reference_inputs[0].output.datum {
        Datum::Inline(data) => data.clone(),
        other => panic!("not inline: {other:?}"),
    }
}

fn same(typed: &str, spec: &str) {
    assert_eq!(resolve_datum(typed), resolve_datum(spec));
}

#[test]
fn typed_spot_datum_is_the_spec_example() {
    let typed = format!(
        r#"{{"spot_datum": {{{}, "nft_names": {NAMES}, "payment_address": {SELLER_ADDRESS},
            "sale_deposit": 3000000, "sale_price": [["ADA", 100000000], ["DJED", 25000000]]}}}}"#,
        common()
    );
    same(&typed, SPEC_SPOT);
}

#[test]
fn typed_auction_datum_is_the_spec_example() {
    let typed = format!(
        r#"{{"auction_datum": {{{}, "nft_names": {NAMES},
            "starting_price": [["ADA", 150000000]]}}}}"#,
        common()
    );
    same(&typed, SPEC_AUCTION);
}

#[test]
fn typed_spot_bid_datum_is_the_spec_example() {
    let typed = format!(
        r#"{{"spot_bid_datum": {{{}, "bidder_credential": {{"key_hash": "{BIDDER_STAKE}"}},
            "nft_names": {FIRST_NAME}, "payment_address": {BIDDER_ADDRESS}, "bid_deposit": 3000000,
            "bid": [["ADA", 40000000], ["DJED", 10000000]]}}}}"#,
        common()
    );
    same(&typed, SPEC_SPOT_BID);
}

#[test]
fn typed_claim_bid_datums_are_the_spec_examples() {
    let key = format!(
        r#"{{"claim_bid_datum": {{{}, "bidder_credential": {{"key_hash": "{BIDDER_STAKE}"}},
            "nft_names": {NAMES}, "bid_deposit": 5000000, "bid": [["ADA", 90000000]],
            "bid_expiration": 1735603200000, "claim_expiration": 1735689600000}}}}"#,
        common()
    );
    same(&key, SPEC_CLAIM_BID);
    let script = format!(
        r#"{{"claim_bid_datum": {{{}, "bidder_credential": {{"script_hash": "{MULTISIG}"}},
            "nft_names": {FIRST_NAME}, "bid_deposit": 5000000,
            "bid": [[["{DJED_POLICY}", "444a4544"], 50000000]],
            "bid_expiration": null, "claim_expiration": 1735689600000}}}}"#,
        common()
    );
    same(&script, SPEC_CLAIM_BID_SCRIPT);
}

#[test]
fn typed_accepted_bid_datum_is_the_spec_example() {
    let typed = format!(
        r#"{{"accepted_bid_datum": {{{}, "bidder_credential": {{"key_hash": "{BIDDER_STAKE}"}},
            "nft_names": {NAMES}, "bid_deposit": 5000000, "seller_deposit": 0,
            "bid": [["ADA", 90000000]], "payment_address": {PROXY_MULTISIG},
            "claim_expiration": 1735689600000}}}}"#,
        common()
    );
    same(&typed, SPEC_ACCEPTED_BID);
}

#[test]
fn typed_accept_claim_bid_redeemer_is_the_spec_example() {
    let redeemer = |r: &str| resolve_with(SPEC_SPOT, r).tx.inputs[0].redeemer.clone();
    let typed = format!(
        r#"{{"AcceptClaimBid": {{"seller_deposit": 0, "payment_address": {PROXY_MULTISIG}}}}}"#
    );
    assert_eq!(redeemer(&typed), redeemer(SPEC_ACCEPT_CLAIM_BID));
    assert!(redeemer(&typed).is_some());
}

#[test]
fn payment_datum_encodes_to_the_spec_cbor() {
    let ours = format!(
        r#"{{"list": [{{"bytes": "{BEACON}"}}, {{"out_ref": {{"ref":
            "7717a78ab0090d2d5e3bb9c9dbe4345004064b7e2b245f82e2cdf4761f678625#1"}}}}]}}"#
    );
    let data = resolve_datum(&ours);
    assert_eq!(data, resolve_datum(SPEC_PAYMENT));
    assert_eq!(
        hex::encode(pallas_codec::minicbor::to_vec(&data).unwrap()),
        "9f581caaf0120441cd081de58de8d1bdc91f911c767c0a8487cc7ebb8a71e2d8799fd8799f58207717a78ab0090d2d5e3bb9c9dbe4345004064b7e2b245f82e2cdf4761f678625ff01ffff"
    );
}

fn hash28(text: &str) -> [u8; 28] {
    hex::decode(text).unwrap().try_into().unwrap()
}

// §4.3, row by row.

#[test]
fn policy_beacons_match_spec() {
    let rows = [
        (
            NFT,
            "3d6264ff1deeb777b1f10bcde39774beee2b94d4c0769be93f0fdc24a66911cf",
        ),
        (
            DJED_POLICY,
            "81c66303a3bb645af19f6fbe3b64ca54fd17bb73c01bc9895753d707d1ac226d",
        ),
        (
            "",
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        ),
    ];
    for (policy, expected) in rows {
        let policy = hex::decode(policy).unwrap();
        assert_eq!(hex::encode(policy_beacon(&policy)), expected);
    }
}

#[test]
fn bidder_ids_match_spec_and_differ_from_policy_beacons() {
    let key = Credential::Key(hash28(BIDDER_STAKE));
    let script = Credential::Script(hash28(MULTISIG));
    assert_eq!(hex::encode(bidder_id(&key)), format!("01{BIDDER_STAKE}"));
    assert_eq!(hex::encode(bidder_id(&script)), format!("01{MULTISIG}"));
    // AFTER-NAME-01: the same 28 bytes give two different names.
    assert_ne!(bidder_id(&key), policy_beacon(key.hash()).to_vec());
}

/// §4.4: the SpotBid value (bid 40 ADA + 10 DJED, deposit 3 ADA, three beacons) walked in the
/// ledger's order is the spec's list, entry by entry.
#[test]
fn spot_bid_value_is_in_the_spec_order() {
    let beacon = hex::decode(BEACON).unwrap();
    let bidder = bidder_id(&Credential::Key(hash28(BIDDER_STAKE)));
    let policy = policy_beacon(&hash28(NFT)).to_vec();
    let djed = (hex::decode(DJED_POLICY).unwrap(), b"DJED".to_vec());
    let value = Value {
        lovelace: 43_000_000,
        assets: [
            (djed.clone(), 10_000_000),
            ((beacon.clone(), b"Bid".to_vec()), 1),
            ((beacon.clone(), policy.clone()), 1),
            ((beacon.clone(), bidder.clone()), 1),
        ]
        .into_iter()
        .collect(),
    };
    let walked: Vec<_> = value.assets.iter().map(|(a, q)| (a.clone(), *q)).collect();
    assert_eq!(
        walked,
        [
            ((beacon.clone(), bidder), 1),
            ((beacon.clone(), policy), 1),
            ((beacon, hex::decode("426964").unwrap()), 1),
            (djed, 10_000_000),
        ]
    );
    assert_eq!(value.lovelace, 40_000_000 + 3_000_000);
}
