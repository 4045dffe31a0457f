//! Deployment and resolution of swap fixtures (parameters in dependency order, spec §3.6's worked
//! datums, beacon names, typed redeemers and input positions): the tests of [`crate::deploy`] and
//! [`crate::resolve`] that need a protocol, with swaps as the one.

use crate::deploy::{Build, script_hash};
use crate::{
    deploy::Deployment,
    keys::Key,
    protocols::swaps::prev_input,
    resolve::*,
    scenario::{AssetClass, CertificateKind, Credential, Datum, Expect, OutRef, Scenario, Script},
};
use pallas_crypto::hash::Hasher;
use pallas_primitives::PlutusData;
use std::path::Path;
use uplc::ast::Data;

const T_POLICY: &str = "c0f8644a01a6bf5db02f4afe30d604975e63dd274f1098a1738e561d";
const OW_POLICY: &str = "47cec2a1404ed91fc31124f29db15dc1aae77e0617868bcef351b8fd";
const SPEC_DATUM: &str = "d8799f581c47cec2a1404ed91fc31124f29db15dc1aae77e0617868bcef351b8fd58205e09a478610895febe6afe42db300dd3bb985f3ff2e26125dbd4bf966d473350581cc0f8644a01a6bf5db02f4afe30d604975e63dd274f1098a1738e561d4b4f74686572546f6b656e0a582001ef62249bb72641bc1b52e26166f2bbcb6daa9afcb49b061479800bf0ea951940405820dbc1b4c900ffe48d575b5da5c638040125f65db0fe3e24494b76ea986457d986d8799f1a000f424001ffd87a80ff";
const SPEC_FIELD9: &str = "d8799fd8799fd8799f5820f6538bb7a6a0365f3c295aed389df29e752df504ebe691e34f45c0ab9f96272cff00ffff";
const SPEC_TW_DATUM: &str = "d8799f581c84662c22dc5c0cadad7b2ebf9757ce9ea61dbd8fe64bc8c43c112a4058205e23340d7a9c22745a2f2f907c8c17a8962cfac2292a4cb1d3832b4b88cdee9540405820e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855581cc0f8644a01a6bf5db02f4afe30d604975e63dd274f1098a1738e561d4b4f74686572546f6b656e0a58206f245d4be7333223d88e7211c4de116208b8a3898c9a196e0579391fd03c8860d8799f011a000f4240ffd8799f1a000f424001ffd87a80ff";

/// A deployment with made-up script bytes: resolution needs only names, hashes and bytes.
fn deployment() -> Deployment {
    Deployment::stand_in(
        Build::Record,
        &[("ow_swap", b"\x41\x01"), ("ow_beacon", b"\x41\x02")],
    )
}

fn cbor(data: &PlutusData) -> String {
    hex::encode(pallas_codec::minicbor::to_vec(data).unwrap())
}

fn fixture(tokens: &str, utxos: &str, tx: &str) -> String {
    format!(
        r#"{{"description": "d", "protocol": "swaps", "rules": ["SWAP-OW-EXEC-09"], "expect": "ok",
            "tokens": {tokens}, "utxos": {utxos}, "tx": {tx}}}"#
    )
}

fn run(text: &str) -> Result<Scenario, Error> {
    let f = crate::fixture::parse("t.json", text)?;
    resolve(
        &f,
        Path::new("t.json"),
        &deployment(),
        &crate::params::Params::mainnet().unwrap().slot_config,
    )
}

const TOKENS: &str = r#"{"T": {"policy": "c0f8644a01a6bf5db02f4afe30d604975e63dd274f1098a1738e561d", "name": "4f74686572546f6b656e0a"}}"#;

fn datum_fixture(datum: &str) -> String {
    let utxos = format!(
        r#"{{"s": {{"address": {{"payment": {{"script": "ow_swap"}}, "stake": {{"key": "alice"}}}},
              "value": {{"lovelace": 3000000}}, "datum": {{"inline": {datum}}}}}}}"#
    );
    fixture(TOKENS, &utxos, "{}")
}

fn utxo_datum(s: &Scenario) -> PlutusData {
    // Unused UTxOs are still resolved; read the datum back through an input-free fixture by
    // resolving it as a reference input instead.
    match &s.tx.reference_inputs[0].output.datum {
        Datum::Inline(d) | Datum::Hash(d) => d.clone(),
        Datum::None => panic!("no datum"),
    }
}

fn typed_ow(prev_input: &str) -> String {
    format!(
        r#"{{"ow_swap_datum": {{
            "beacon_id": "{OW_POLICY}", "pair_beacon": "pair(T,ADA)",
            "offer_id": "T", "offer_name": "T", "offer_beacon": "offer(T)",
            "ask_id": "ADA", "ask_name": "ADA", "ask_beacon": "ask(ADA)",
            "swap_price": {{"num": 1000000, "den": 1}}, "prev_input": {prev_input}}}}}"#
    )
}

fn resolve_datum(datum: &str) -> Result<PlutusData, Error> {
    let text = datum_fixture(datum).replace(r#""tx": {}"#, r#""tx": {"reference_inputs": ["s"]}"#);
    run(&text).map(|s| utxo_datum(&s))
}

#[test]
fn typed_ow_datum_serialises_to_the_spec_cbor() {
    assert_eq!(cbor(&resolve_datum(&typed_ow("null")).unwrap()), SPEC_DATUM);
}

/// Raw Data naming its parts symbolically is the typed datum, byte for byte.
#[test]
fn raw_datum_with_symbolic_names_is_the_typed_one() {
    let raw = r#"{"constructor": 0, "fields": [
        {"bytes": {"script": "ow_beacon"}}, {"bytes": {"beacon": "ow_beacon:pair(T,ADA)"}},
        {"bytes": {"policy": "T"}}, {"bytes": {"asset_name": "T"}}, {"bytes": {"beacon": "ow_beacon:offer(T)"}},
        {"bytes": ""}, {"bytes": ""}, {"bytes": {"beacon": "ow_beacon:ask(ADA)"}},
        {"constructor": 0, "fields": [{"int": 1000000}, {"int": 1}]}, {"constructor": 1, "fields": []}]}"#;
    let typed = typed_ow("null").replace(OW_POLICY, "ow_beacon");
    assert_eq!(
        cbor(&resolve_datum(raw).unwrap()),
        cbor(&resolve_datum(&typed).unwrap())
    );
}

#[test]
fn typed_prev_input_serialises_to_the_spec_field_9() {
    let datum = typed_ow(
        r#"{"ref": "f6538bb7a6a0365f3c295aed389df29e752df504ebe691e34f45c0ab9f96272c#0"}"#,
    );
    let data = resolve_datum(&datum).unwrap();
    let PlutusData::Constr(constr) = &data else {
        panic!("not a constructor")
    };
    assert_eq!(cbor(&constr.fields[9]), SPEC_FIELD9);
    // Only field 9 differs from the creation datum.
    let expected = SPEC_DATUM.replace("d87a80ff", &format!("{SPEC_FIELD9}ff"));
    assert_eq!(cbor(&data), expected);
}

#[test]
fn raw_ow_datum_serialises_to_the_spec_cbor() {
    let raw = r#"{"constructor":0,"fields":[
        {"bytes":"47cec2a1404ed91fc31124f29db15dc1aae77e0617868bcef351b8fd"},
        {"bytes":"5e09a478610895febe6afe42db300dd3bb985f3ff2e26125dbd4bf966d473350"},
        {"bytes":"c0f8644a01a6bf5db02f4afe30d604975e63dd274f1098a1738e561d"},
        {"bytes":"4f74686572546f6b656e0a"},
        {"bytes":"01ef62249bb72641bc1b52e26166f2bbcb6daa9afcb49b061479800bf0ea9519"},
        {"bytes":""}, {"bytes":""},
        {"bytes":"dbc1b4c900ffe48d575b5da5c638040125f65db0fe3e24494b76ea986457d986"},
        {"constructor":0,"fields":[{"int":1000000},{"int":1}]},
        {"constructor":1,"fields":[]}]}"#;
    assert_eq!(cbor(&resolve_datum(raw).unwrap()), SPEC_DATUM);
}

#[test]
fn typed_tw_datum_serialises_to_the_spec_cbor() {
    let datum = r#"{"tw_swap_datum": {
        "beacon_id": "84662c22dc5c0cadad7b2ebf9757ce9ea61dbd8fe64bc8c43c112a40", "pair_beacon": "pair(T,ADA)",
        "asset1_id": "ADA", "asset1_name": "ADA", "asset1_beacon": "asset(ADA)",
        "asset2_id": "T", "asset2_name": "T", "asset2_beacon": "asset(T)",
        "asset1_price": {"num": 1, "den": "1000000"}, "asset2_price": {"num": 1000000, "den": 1},
        "prev_input": null}}"#;
    assert_eq!(cbor(&resolve_datum(datum).unwrap()), SPEC_TW_DATUM);
}

#[test]
fn raw_fields_and_big_or_negative_integers_are_written_as_given() {
    let datum = typed_ow("null")
        .replace(
            r#""swap_price": {"num": 1000000, "den": 1}"#,
            r#""swap_price": {"num": "-340282366920938463463374607431768211457", "den": 0}"#,
        )
        .replace(
            r#""pair_beacon": "pair(T,ADA)""#,
            r#""pair_beacon": {"raw": {"list": [{"int": 1}]}}"#,
        );
    let data = resolve_datum(&datum).unwrap();
    let PlutusData::Constr(constr) = &data else {
        panic!("not a constructor")
    };
    assert_eq!(cbor(&constr.fields[1]), "9f01ff");
    let PlutusData::Constr(price) = &constr.fields[8] else {
        panic!("not a rational")
    };
    assert_eq!(cbor(&price.fields[1]), "00");
    assert!(
        cbor(&price.fields[0]).starts_with("c3"),
        "negative bignum tag 3"
    );
}

#[test]
fn prev_input_from_a_utxo_name_uses_its_default_reference() {
    let data = resolve_datum(&typed_ow(r#"{"utxo": "s"}"#)).unwrap();
    let PlutusData::Constr(constr) = &data else {
        panic!("not a constructor")
    };
    let id = Hasher::<256>::hash(b"s");
    assert_eq!(
        constr.fields[9],
        prev_input(&OutRef {
            tx_id: *id,
            index: 0
        })
    );
}

#[test]
fn plutus_json_covers_every_form() {
    let raw = r#"{"constructor": 130, "fields": [{"map": [{"k": {"bytes": "00"}, "v": {"list": []}}]}, {"int": -1}]}"#;
    let data = resolve_datum(raw).unwrap();
    // Constructor 130 uses the general tag 102 form: [130, fields].
    assert_eq!(cbor(&data), "d866821882 9fa1410080 20ff".replace(' ', ""));
}

#[test]
fn value_keys_resolve_aliases_beacons_and_hex() {
    let utxos = r#"{"s": {"address": {"payment": {"key": "alice"}},
        "value": {"lovelace": 5, "T": 10, "ow_beacon:pair(T,ADA)": 1, "ow_beacon:offer(T)": 1,
                  "c0f8644a01a6bf5db02f4afe30d604975e63dd274f1098a1738e561d:": 7}}}"#;
    let text = fixture(TOKENS, utxos, r#"{"reference_inputs": ["s"]}"#);
    let s = run(&text).unwrap();
    let value = &s.tx.reference_inputs[0].output.value;
    assert_eq!(value.lovelace, 5);
    let beacon = deployment().script("ow_beacon").unwrap().hash.to_vec();
    let t: AssetClass = (
        hex::decode(T_POLICY).unwrap(),
        hex::decode("4f74686572546f6b656e0a").unwrap(),
    );
    assert_eq!(value.assets[&t], 10);
    let pair = crate::protocols::swaps::ow_pair_beacon(&t, &(vec![], vec![]));
    assert_eq!(value.assets[&(beacon.clone(), pair.to_vec())], 1);
    assert_eq!(value.assets[&(hex::decode(T_POLICY).unwrap(), vec![])], 7);
    assert_eq!(value.assets.len(), 4);
}

#[test]
fn native_credentials_add_a_signature_script_and_the_key() {
    let utxos = r#"{"n": {"address": {"payment": {"native": "carol"}}, "value": {"lovelace": 5}}}"#;
    let s = run(&fixture("{}", utxos, r#"{"inputs": [{"utxo": "n"}]}"#)).unwrap();
    let key = *Key::named("carol").hash;
    let hash = native_script_hash(key).unwrap();
    assert_eq!(
        s.tx.inputs[0].utxo.output.address.payment,
        Credential::Script(hash)
    );
    assert_eq!(
        s.tx.scripts.get(&hash),
        Some(&Script::Signature {
            key: "carol".into()
        })
    );
    assert_eq!(s.tx.keys.get(&key).map(String::as_str), Some("carol"));
    // blake2b-224(0x00 ‖ 82 00 581c <key>) computed independently.
    let mut pre = vec![0x00, 0x82, 0x00, 0x58, 0x1c];
    pre.extend_from_slice(&key);
    assert_eq!(hash, *Hasher::<224>::hash(&pre));
}

#[test]
fn scripts_and_keys_cover_everything_named() {
    let utxos = r#"{"a": {"address": {"payment": {"key": "alice"}, "stake": {"key": "dave"}}, "value": {"lovelace": 5}}}"#;
    let tx = r#"{"inputs": [{"utxo": "a"}], "required_signers": ["bob"],
                 "withdrawals": [{"credential": {"script": "ow_beacon"}, "amount": 0, "redeemer": "UpdateSwaps"}],
                 "validity": {"to": 100}}"#;
    let s = run(&fixture("{}", utxos, tx)).unwrap();
    let names: Vec<_> = s.tx.keys.values().map(String::as_str).collect();
    for name in ["alice", "bob", "dave"] {
        assert!(names.contains(&name), "{name} in {names:?}");
    }
    assert_eq!(s.tx.scripts.len(), 2);
    assert_eq!(s.tx.withdrawals[0].redeemer, Some(Data::constr(1, vec![])));
    assert_eq!((s.tx.valid_from, s.tx.valid_to), (None, Some(100)));
}

#[test]
fn swap_at_resolves_an_input_name_to_its_sorted_position() {
    let swap = r#"{"address": {"payment": {"script": "ow_swap"}, "stake": {"key": "alice"}}, "value": {"lovelace": 5}}"#;
    let utxos = format!(r#"{{"x": {swap}, "y": {swap}}}"#);
    let redeemer =
        |name: &str| format!(r#"{{"SwapAt": {{"input_index": "{name}", "output_index": 0}}}}"#);
    let tx = format!(
        r#"{{"inputs": [{{"utxo": "x", "redeemer": {}}}, {{"utxo": "y", "redeemer": {}}}]}}"#,
        redeemer("x"),
        redeemer("y")
    );
    let s = run(&fixture("{}", &utxos, &tx)).unwrap();
    let x_first = *Hasher::<256>::hash(b"x") < *Hasher::<256>::hash(b"y");
    let (x, y) = if x_first { (0, 1) } else { (1, 0) };
    let expect = |i: i64| {
        Some(Data::constr(
            3,
            vec![Data::integer(i.into()), Data::integer(0.into())],
        ))
    };
    assert_eq!(s.tx.inputs[0].redeemer, expect(x));
    assert_eq!(s.tx.inputs[1].redeemer, expect(y));
}

#[test]
fn expectations_and_certificates_resolve() {
    let text = fixture(
        "{}",
        "{}",
        r#"{"certificates": [
            {"register": {"script": "ow_beacon"}, "deposit": 2000000, "redeemer": {"int": 0}},
            {"delegate": {"key": "alice"}, "pool": "00000000000000000000000000000000000000000000000000000000"},
            {"register_drep": {"key": "alice"}, "deposit": 500000000}]}"#,
    )
    .replace(r#""expect": "ok""#, r#""expect": {"fail": "SWAP-OW-EXEC-09"}"#);
    let s = run(&text).unwrap();
    assert_eq!(s.expect, Expect::Fail("SWAP-OW-EXEC-09".into()));
    assert_eq!(
        s.tx.certificates[0].kind,
        CertificateKind::Register { deposit: 2_000_000 }
    );
    assert_eq!(
        s.tx.certificates[1].kind,
        CertificateKind::Delegate { pool: [0; 28] }
    );
    assert_eq!(s.tx.certificates[1].redeemer, None);
    assert_eq!(
        s.tx.certificates[2].kind,
        CertificateKind::RegisterDRep {
            deposit: 500_000_000
        }
    );
}

#[test]
fn fail_rules_must_be_script_rules() {
    let text = fixture("{}", "{}", "{}")
        .replace(
            r#""rules": ["SWAP-OW-EXEC-09"]"#,
            r#""rules": ["SWAP-COM-08"]"#,
        )
        .replace(r#""expect": "ok""#, r#""expect": {"fail": "SWAP-COM-08"}"#);
    let err = run(&text).unwrap_err().to_string();
    assert!(
        err.contains("$.expect.fail: rule SWAP-COM-08 is a ledger rule"),
        "{err}"
    );
}

#[test]
fn missing_redeemer_on_a_script_input_is_reported() {
    let utxos =
        r#"{"s": {"address": {"payment": {"script": "ow_swap"}}, "value": {"lovelace": 5}}}"#;
    let err = run(&fixture("{}", utxos, r#"{"inputs": [{"utxo": "s"}]}"#))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("$.tx.inputs[0]: missing field \"redeemer\""),
        "{err}"
    );
}

#[test]
fn redeemer_on_a_key_input_is_reported() {
    let utxos = r#"{"k": {"address": {"payment": {"key": "alice"}}, "value": {"lovelace": 5}}}"#;
    let err = run(&fixture(
        "{}",
        utxos,
        r#"{"inputs": [{"utxo": "k", "redeemer": "Swap"}]}"#,
    ))
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("$.tx.inputs[0].redeemer: input \"k\" is locked by key alice"),
        "{err}"
    );
}

#[test]
fn bare_constructor_with_fields_is_reported() {
    let utxos =
        r#"{"s": {"address": {"payment": {"script": "ow_swap"}}, "value": {"lovelace": 5}}}"#;
    let err = run(&fixture(
        "{}",
        utxos,
        r#"{"inputs": [{"utxo": "s", "redeemer": "SwapAt"}]}"#,
    ))
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("redeemer SwapAt has fields (input_index, output_index)"),
        "{err}"
    );
}

#[test]
fn example_fixtures_resolve_against_the_record_deployment() {
    // Decoding the compiled scripts recurses deeply: give it a large stack of its own.
    let run = || {
        let deployment = Deployment::of(Build::Record).unwrap();
        let beacon = deployment.script("ow_beacon").unwrap().hash;
        let swap = deployment.script("ow_swap").unwrap().hash;
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/swaps/one_way");

        let create = load(
            &root.join("create/create_one_token_to_ada.json"),
            deployment,
            &crate::params::Params::mainnet().unwrap().slot_config,
        )
        .unwrap();
        assert_eq!(create.expect, Expect::Ok);
        assert_eq!(create.tx.mint[0].policy, beacon);
        assert_eq!(create.tx.mint[0].assets.len(), 3);
        assert_eq!(create.tx.mint[0].redeemer, Some(Data::constr(0, vec![])));
        let out = &create.tx.outputs[0].output;
        assert_eq!(out.address.payment, Credential::Script(swap));
        assert_eq!(out.value.assets.len(), 4);
        let Datum::Inline(PlutusData::Constr(datum)) = &out.datum else {
            panic!("inline datum")
        };
        assert_eq!(datum.fields[0], Data::bytestring(beacon.to_vec()));
        assert!(create.tx.outputs[1].change);
        assert_eq!(create.tx.scripts.len(), deployment.scripts.len());

        let fill = load(
            &root.join("fill/fill_partial_token_to_ada.json"),
            deployment,
            &crate::params::Params::mainnet().unwrap().slot_config,
        )
        .unwrap();
        assert_eq!(fill.tx.inputs[0].redeemer, Some(Data::constr(2, vec![])));
        assert_eq!(fill.tx.inputs[1].redeemer, None);
        let Datum::Inline(PlutusData::Constr(datum)) = &fill.tx.outputs[0].output.datum else {
            panic!("inline datum")
        };
        assert_eq!(datum.fields[9], prev_input(&fill.tx.inputs[0].utxo.out_ref));
        assert_eq!(
            fill.tx.outputs[0].output.address,
            fill.tx.inputs[0].utxo.output.address
        );
    };
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(run)
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn mint_policy_may_be_a_native_script() {
    let tx = r#"{"mint": [{"policy": {"native": "alice"}, "assets": {"4d59": 5, "4d5a": -1}}]}"#;
    let s = run(&fixture("{}", "{}", tx)).unwrap();
    let hash = native_script_hash(*Key::named("alice").hash).unwrap();
    assert_eq!(s.tx.mint[0].policy, hash);
    assert_eq!(
        s.tx.mint[0].assets,
        vec![(vec![0x4d, 0x59], 5), (vec![0x4d, 0x5a], -1)]
    );
    assert_eq!(s.tx.mint[0].redeemer, None);
}

#[test]
fn mint_policy_credential_errors_carry_the_inner_path() {
    let tx = r#"{"mint": [{"policy": {"native": 5}, "assets": {"4d59": 5}}]}"#;
    let err = run(&fixture("{}", "{}", tx)).unwrap_err().to_string();
    assert!(
        err.contains("$.tx.mint[0].policy.native: invalid type"),
        "{err}"
    );
}

#[test]
fn parameters_are_applied_in_dependency_order() {
    let deployment = Deployment::of(Build::Record).unwrap();
    let swap = deployment.script("ow_swap").unwrap();
    let beacon = deployment.script("ow_beacon").unwrap();
    assert_eq!(beacon.params, vec![("ow_swap", swap.hash)]);
    assert_eq!(swap.hash, script_hash(&swap.bytes));
    assert_ne!(swap.hash, beacon.hash);
}

#[test]
fn traced_build_has_other_hashes() {
    let record = Deployment::of(Build::Record).unwrap();
    let traced = Deployment::of(Build::Traced).unwrap();
    let name = "ow_swap";
    assert_ne!(
        record.script(name).unwrap().hash,
        traced.script(name).unwrap().hash
    );
}
