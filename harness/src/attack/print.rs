//! Printing an attacked transaction back as a fixture, so that an accepted attack can be saved
//! as a regression test: the inverse of [`crate::resolve`] in raw forms only (hex policies and
//! asset names, `key_hash`/`script_hash` credentials where no name is known, raw Plutus JSON for
//! datums and redeemers, every UTxO with an explicit `ref`). Keys keep their names from
//! [`TxSpec::keys`], since the builder signs by name.

use super::data::to_json;
use crate::{
    rules,
    scenario::{
        Address, CertificateKind, Credential, Datum, Output, Script, Stake, TxSpec, Utxo, Value,
    },
};
use serde_json::{Map, Value as Json, json};

/// The fixture JSON of `tx`, described by `description`, for `protocol`, expected to fail with
/// `rule` (which goes in `rules` too).
pub fn fixture_json(tx: &TxSpec, protocol: &str, description: &str, rule: &str) -> Json {
    let mut utxos = Map::new();
    let mut add_utxo = |utxo: &Utxo| {
        utxos.insert(utxo.name.clone(), utxo_json(tx, utxo));
    };
    for input in &tx.inputs {
        add_utxo(&input.utxo);
    }
    for utxo in &tx.reference_inputs {
        add_utxo(utxo);
    }

    let mut body = Map::new();
    body.insert(
        "inputs".into(),
        tx.inputs
            .iter()
            .map(|input| {
                let mut object = Map::new();
                object.insert("utxo".into(), Json::String(input.utxo.name.clone()));
                if let Some(redeemer) = &input.redeemer {
                    object.insert("redeemer".into(), to_json(redeemer));
                }
                Json::Object(object)
            })
            .collect(),
    );
    if !tx.reference_inputs.is_empty() {
        body.insert(
            "reference_inputs".into(),
            tx.reference_inputs
                .iter()
                .map(|u| Json::String(u.name.clone()))
                .collect(),
        );
    }
    body.insert(
        "outputs".into(),
        tx.outputs
            .iter()
            .map(|o| {
                let mut object = output_json(tx, &o.output);
                if o.change {
                    object.insert("change".into(), Json::Bool(true));
                }
                Json::Object(object)
            })
            .collect(),
    );
    if !tx.mint.is_empty() {
        body.insert(
            "mint".into(),
            tx.mint
                .iter()
                .map(|m| {
                    let mut object = Map::new();
                    object.insert(
                        "policy".into(),
                        credential_json(tx, Credential::Script(m.policy)),
                    );
                    let assets: Map<String, Json> = m
                        .assets
                        .iter()
                        .map(|(name, qty)| (hex::encode(name), Json::from(*qty)))
                        .collect();
                    object.insert("assets".into(), Json::Object(assets));
                    if let Some(r) = &m.redeemer {
                        object.insert("redeemer".into(), to_json(r));
                    }
                    Json::Object(object)
                })
                .collect(),
        );
    }
    if !tx.withdrawals.is_empty() {
        body.insert(
            "withdrawals".into(),
            tx.withdrawals
                .iter()
                .map(|w| {
                    let mut object = Map::new();
                    object.insert("credential".into(), credential_json(tx, w.credential));
                    object.insert("amount".into(), Json::from(w.amount));
                    if let Some(r) = &w.redeemer {
                        object.insert("redeemer".into(), to_json(r));
                    }
                    Json::Object(object)
                })
                .collect(),
        );
    }
    if !tx.certificates.is_empty() {
        body.insert(
            "certificates".into(),
            tx.certificates
                .iter()
                .map(|c| {
                    let credential = credential_json(tx, c.credential);
                    let mut object = Map::new();
                    match &c.kind {
                        CertificateKind::Register { deposit } => {
                            object.insert("register".into(), credential);
                            object.insert("deposit".into(), Json::from(*deposit));
                        }
                        CertificateKind::Unregister { refund } => {
                            object.insert("unregister".into(), credential);
                            object.insert("refund".into(), Json::from(*refund));
                        }
                        CertificateKind::Delegate { pool } => {
                            object.insert("delegate".into(), credential);
                            object.insert("pool".into(), Json::String(hex::encode(pool)));
                        }
                        CertificateKind::RegisterDRep { deposit } => {
                            object.insert("register_drep".into(), credential);
                            object.insert("deposit".into(), Json::from(*deposit));
                        }
                    }
                    if let Some(r) = &c.redeemer {
                        object.insert("redeemer".into(), to_json(r));
                    }
                    Json::Object(object)
                })
                .collect(),
        );
    }
    if !tx.required_signers.is_empty() {
        body.insert("required_signers".into(), json!(tx.required_signers));
    }
    if tx.valid_from.is_some() || tx.valid_to.is_some() {
        let mut validity = Map::new();
        if let Some(from) = tx.valid_from {
            validity.insert("from".into(), Json::from(from));
        }
        if let Some(to) = tx.valid_to {
            validity.insert("to".into(), Json::from(to));
        }
        body.insert("validity".into(), Json::Object(validity));
    }

    json!({
        "description": description,
        "protocol": protocol,
        "rules": [rule],
        "expect": {"fail": rule},
        "utxos": Json::Object(utxos),
        "tx": Json::Object(body),
    })
}

/// The rule an attacked fixture is expected to fail with: the first script rule the original
/// fixture covers, else the first script rule of the protocol's catalogue.
pub fn rule_for(protocol: &str, covered: &[String]) -> Option<String> {
    let is_script = |id: &str| rules::find(id).is_some_and(|r| r.kind == rules::Kind::Script);
    covered
        .iter()
        .find(|id| is_script(id))
        .cloned()
        .or_else(|| {
            rules::catalogue()
                .iter()
                .find(|r| r.protocol == protocol && r.kind == rules::Kind::Script)
                .map(|r| r.id.to_string())
        })
}

fn utxo_json(tx: &TxSpec, utxo: &Utxo) -> Json {
    let mut object = Map::new();
    object.insert(
        "ref".into(),
        Json::String(format!(
            "{}#{}",
            hex::encode(utxo.out_ref.tx_id),
            utxo.out_ref.index
        )),
    );
    object.extend(output_json(tx, &utxo.output));
    Json::Object(object)
}

fn output_json(tx: &TxSpec, output: &Output) -> Map<String, Json> {
    let mut object = Map::new();
    object.insert("address".into(), address_json(tx, &output.address));
    object.insert("value".into(), value_json(&output.value));
    match &output.datum {
        Datum::None => {}
        Datum::Inline(d) => {
            object.insert("datum".into(), json!({"inline": to_json(d)}));
        }
        Datum::Hash(d) => {
            object.insert("datum".into(), json!({"hash": to_json(d)}));
        }
    }
    if let Some(Script::PlutusV3 { name, .. }) = &output.reference_script {
        object.insert("reference_script".into(), Json::String(name.clone()));
    }
    object
}

fn address_json(tx: &TxSpec, address: &Address) -> Json {
    let mut object = Map::new();
    object.insert("payment".into(), credential_json(tx, address.payment));
    match address.stake {
        Stake::None => {}
        Stake::Inline(c) => {
            object.insert("stake".into(), credential_json(tx, c));
        }
        Stake::Pointer(slot, index, cert) => {
            object.insert("stake".into(), json!({"pointer": [slot, index, cert]}));
        }
    }
    Json::Object(object)
}

fn credential_json(tx: &TxSpec, credential: Credential) -> Json {
    match credential {
        Credential::Key(hash) => match tx.keys.get(&hash) {
            Some(name) => json!({"key": name}),
            None => json!({"key_hash": hex::encode(hash)}),
        },
        Credential::Script(hash) => match tx.scripts.get(&hash) {
            Some(Script::Signature { key }) => json!({"native": key}),
            _ => json!({"script_hash": hex::encode(hash)}),
        },
    }
}

fn value_json(value: &Value) -> Json {
    let mut object = Map::new();
    if value.lovelace > 0 {
        object.insert("lovelace".into(), Json::from(value.lovelace));
    }
    for ((policy, name), qty) in &value.assets {
        object.insert(
            format!("{}:{}", hex::encode(policy), hex::encode(name)),
            Json::from(*qty),
        );
    }
    Json::Object(object)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::OutRef;

    #[test]
    fn values_print_lovelace_and_hex_assets() {
        let mut value = Value {
            lovelace: 2,
            ..Value::default()
        };
        value.assets.insert((vec![1; 28], vec![]), 3);
        let json = value_json(&value);
        assert_eq!(json["lovelace"], 2);
        assert_eq!(json[format!("{}:", hex::encode([1u8; 28]))], 3);
    }

    #[test]
    fn unnamed_keys_print_as_hashes() {
        let tx = TxSpec::default();
        let utxo = Utxo {
            name: "u".into(),
            out_ref: OutRef {
                tx_id: [0; 32],
                index: 4,
            },
            output: Output {
                address: Address {
                    payment: Credential::Key([7; 28]),
                    stake: Stake::Pointer(1, 2, 3),
                },
                value: Value::default(),
                datum: Datum::None,
                reference_script: None,
            },
        };
        let json = utxo_json(&tx, &utxo);
        assert_eq!(json["ref"], format!("{}#4", hex::encode([0u8; 32])));
        assert_eq!(
            json["address"]["payment"]["key_hash"],
            hex::encode([7u8; 28])
        );
        assert_eq!(json["address"]["stake"]["pointer"], json!([1, 2, 3]));
    }
}
