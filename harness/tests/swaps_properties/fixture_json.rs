//! Renders a resolved [`TxSpec`] as fixture JSON in raw forms, so a shrunk failing case can be
//! saved under `fixtures/` as a regression: `{"key": NAME}` for the keys the spec names (else
//! `{"key_hash"}`), `{"script_hash"}` for scripts (resolution maps a deployed hash back to its
//! script), raw Plutus Data JSON for datums and redeemers, explicit `"ref"`s, values keyed by
//! `"POLICY:NAME"` hex. The hashes are those of the deployment the spec was built for, so a
//! printed fixture replays against that deployment (the record's, for the harness's `replay`).

use harness::scenario::{Address, Credential, Datum, Output, Script, Stake, TxSpec, Utxo, Value};
use num_bigint::{BigInt, Sign};
use pallas_primitives::{PlutusData, conway::BigInt as PBigInt};
use serde_json::{Map, Value as Json, json};

/// Plutus Data in cardano-cli's detailed JSON schema; integers beyond 64 bits as decimal strings.
pub fn plutus(data: &PlutusData) -> Json {
    match data {
        PlutusData::Constr(c) => {
            let index = match c.tag {
                121..=127 => c.tag - 121,
                1280..=1400 => c.tag - 1280 + 7,
                _ => c.any_constructor.unwrap_or_default(),
            };
            json!({"constructor": index, "fields": c.fields.iter().map(plutus).collect::<Vec<_>>()})
        }
        PlutusData::BigInt(i) => {
            let n = match i {
                PBigInt::Int(i) => BigInt::from(i128::from(*i)),
                PBigInt::BigUInt(b) => BigInt::from_bytes_be(Sign::Plus, b),
                PBigInt::BigNInt(b) => -BigInt::from_bytes_be(Sign::Plus, b) - 1,
            };
            match i64::try_from(&n) {
                Ok(small) => json!({"int": small}),
                Err(_) => json!({"int": n.to_string()}),
            }
        }
        PlutusData::BoundedBytes(b) => json!({"bytes": hex::encode(b.as_slice())}),
        PlutusData::Array(items) => json!({"list": items.iter().map(plutus).collect::<Vec<_>>()}),
        PlutusData::Map(entries) => json!({"map": entries
            .iter()
            .map(|(k, v)| json!({"k": plutus(k), "v": plutus(v)}))
            .collect::<Vec<_>>()}),
    }
}

fn credential(spec: &TxSpec, c: &Credential) -> Json {
    match c {
        Credential::Key(h) => match spec.keys.get(h) {
            Some(name) => json!({"key": name}),
            None => json!({"key_hash": hex::encode(h)}),
        },
        Credential::Script(h) => json!({"script_hash": hex::encode(h)}),
    }
}

fn address(spec: &TxSpec, a: &Address) -> Json {
    let mut m = Map::new();
    m.insert("payment".into(), credential(spec, &a.payment));
    match a.stake {
        Stake::None => {}
        Stake::Inline(c) => {
            m.insert("stake".into(), credential(spec, &c));
        }
        Stake::Pointer(s, t, c) => {
            m.insert("stake".into(), json!({"pointer": [s, t, c]}));
        }
    }
    Json::Object(m)
}

fn value(v: &Value) -> Json {
    let mut m = Map::new();
    if v.lovelace > 0 {
        m.insert("lovelace".into(), json!(v.lovelace));
    }
    for ((policy, name), qty) in &v.assets {
        m.insert(
            format!("{}:{}", hex::encode(policy), hex::encode(name)),
            json!(qty),
        );
    }
    Json::Object(m)
}

fn output_fields(spec: &TxSpec, o: &Output) -> Map<String, Json> {
    let mut m = Map::new();
    m.insert("address".into(), address(spec, &o.address));
    m.insert("value".into(), value(&o.value));
    match &o.datum {
        Datum::None => {}
        Datum::Inline(d) => {
            m.insert("datum".into(), json!({"inline": plutus(d)}));
        }
        Datum::Hash(d) => {
            m.insert("datum".into(), json!({"hash": plutus(d)}));
        }
    }
    if let Some(Script::PlutusV3 { name, .. }) = &o.reference_script {
        m.insert("reference_script".into(), json!(name));
    }
    m
}

fn utxo(spec: &TxSpec, u: &Utxo) -> Json {
    let mut m = output_fields(spec, &u.output);
    m.insert(
        "ref".into(),
        json!(format!(
            "{}#{}",
            hex::encode(u.out_ref.tx_id),
            u.out_ref.index
        )),
    );
    Json::Object(m)
}

/// The fixture: `expect` is `None` for `"ok"` or the rule the transaction must fail for.
pub fn render(spec: &TxSpec, description: &str, rules: &[&str], expect: Option<&str>) -> String {
    let mut utxos = Map::new();
    for u in spec
        .inputs
        .iter()
        .map(|i| &i.utxo)
        .chain(&spec.reference_inputs)
    {
        utxos.insert(u.name.clone(), utxo(spec, u));
    }
    let inputs: Vec<Json> = spec
        .inputs
        .iter()
        .map(|i| {
            let mut m = Map::new();
            m.insert("utxo".into(), json!(i.utxo.name));
            if let Some(r) = &i.redeemer {
                m.insert("redeemer".into(), plutus(r));
            }
            Json::Object(m)
        })
        .collect();
    let outputs: Vec<Json> = spec
        .outputs
        .iter()
        .map(|o| {
            let mut m = output_fields(spec, &o.output);
            if o.change {
                m.insert("change".into(), json!(true));
            }
            Json::Object(m)
        })
        .collect();
    let mint: Vec<Json> = spec
        .mint
        .iter()
        .map(|mint| {
            let mut m = Map::new();
            m.insert(
                "policy".into(),
                json!({"script_hash": hex::encode(mint.policy)}),
            );
            let assets: Map<String, Json> = mint
                .assets
                .iter()
                .map(|(n, q)| (hex::encode(n), json!(q)))
                .collect();
            m.insert("assets".into(), Json::Object(assets));
            if let Some(r) = &mint.redeemer {
                m.insert("redeemer".into(), plutus(r));
            }
            Json::Object(m)
        })
        .collect();
    let withdrawals: Vec<Json> = spec
        .withdrawals
        .iter()
        .map(|w| {
            let mut m = Map::new();
            m.insert("credential".into(), credential(spec, &w.credential));
            m.insert("amount".into(), json!(w.amount));
            if let Some(r) = &w.redeemer {
                m.insert("redeemer".into(), plutus(r));
            }
            Json::Object(m)
        })
        .collect();
    let mut tx = Map::new();
    tx.insert("inputs".into(), json!(inputs));
    tx.insert(
        "reference_inputs".into(),
        json!(
            spec.reference_inputs
                .iter()
                .map(|u| u.name.clone())
                .collect::<Vec<_>>()
        ),
    );
    tx.insert("outputs".into(), json!(outputs));
    if !mint.is_empty() {
        tx.insert("mint".into(), json!(mint));
    }
    if !withdrawals.is_empty() {
        tx.insert("withdrawals".into(), json!(withdrawals));
    }
    if !spec.required_signers.is_empty() {
        tx.insert("required_signers".into(), json!(spec.required_signers));
    }
    if spec.valid_from.is_some() || spec.valid_to.is_some() {
        tx.insert(
            "validity".into(),
            json!({"from": spec.valid_from, "to": spec.valid_to}),
        );
    }
    let fixture = json!({
        "description": description,
        "protocol": "swaps",
        "rules": rules,
        "expect": match expect {
            None => json!("ok"),
            Some(rule) => json!({"fail": rule}),
        },
        "utxos": utxos,
        "tx": tx,
    });
    serde_json::to_string_pretty(&fixture).expect("JSON renders")
}
