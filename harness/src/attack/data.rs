//! Plutus Data helpers for the attack engine: reading constructors and integers, the one-step
//! mutations an attacker applies to a field, and raw Plutus JSON (cardano-cli's detailed schema,
//! as [`crate::resolve`] reads it) for printing attacked transactions as fixtures.

use crate::plutus::{constr_index, integer};
use num_bigint::BigInt;
use pallas_primitives::PlutusData;
use serde_json::{Value as Json, json};
use uplc::ast::Data;

/// One mutation of some data: where it applies (a path such as `.fields[2]`) and the result.
#[derive(Debug, Clone)]
pub struct Mutation {
    /// Readable change, e.g. `int 5 → 6`.
    pub change: String,
    /// The path of the changed part inside the mutated data, `""` for the data itself.
    pub path: String,
    /// The mutated data.
    pub data: PlutusData,
}

/// Every one-step mutation of `data` and of its parts down to `depth` levels: integers ±1,
/// bytes with their first bit flipped or their last byte dropped, constructor indexes +1,
/// lists with their last element dropped or their first one repeated.
pub fn mutations(data: &PlutusData, depth: usize) -> Vec<Mutation> {
    let mut out = Vec::new();
    match data {
        PlutusData::BigInt(i) => {
            let n = integer(i);
            for delta in [1, -1] {
                let m = &n + delta;
                out.push(Mutation {
                    change: format!("int {n} → {m}"),
                    path: String::new(),
                    data: Data::integer(m),
                });
            }
        }
        PlutusData::BoundedBytes(bytes) => {
            let mut flipped = bytes.to_vec();
            match flipped.first_mut() {
                Some(b) => *b ^= 0x80,
                None => flipped.push(0),
            }
            out.push(Mutation {
                change: format!("bytes {} → {}", short_hex(bytes), short_hex(&flipped)),
                path: String::new(),
                data: Data::bytestring(flipped),
            });
            if !bytes.is_empty() {
                let cut = bytes[..bytes.len() - 1].to_vec();
                out.push(Mutation {
                    change: format!(
                        "bytes {} → {} (last byte dropped)",
                        short_hex(bytes),
                        short_hex(&cut)
                    ),
                    path: String::new(),
                    data: Data::bytestring(cut),
                });
            }
        }
        PlutusData::Constr(c) => {
            let index = constr_index(c);
            out.push(Mutation {
                change: format!("constructor {index} → {}", index + 1),
                path: String::new(),
                data: Data::constr(index + 1, c.fields.iter().cloned().collect::<Vec<_>>()),
            });
            if depth > 0 {
                for (i, field) in c.fields.iter().enumerate() {
                    for m in mutations(field, depth - 1) {
                        let mut fields = c.fields.iter().cloned().collect::<Vec<_>>();
                        fields[i] = m.data;
                        out.push(Mutation {
                            change: m.change,
                            path: format!(".fields[{i}]{}", m.path),
                            data: Data::constr(index, fields),
                        });
                    }
                }
            }
        }
        PlutusData::Array(items) => {
            if let Some(first) = items.first() {
                let mut dropped = items.iter().cloned().collect::<Vec<_>>();
                dropped.pop();
                out.push(Mutation {
                    change: "last list element dropped".into(),
                    path: String::new(),
                    data: Data::list(dropped),
                });
                let mut repeated = items.iter().cloned().collect::<Vec<_>>();
                repeated.push(first.clone());
                out.push(Mutation {
                    change: "first list element repeated at the end".into(),
                    path: String::new(),
                    data: Data::list(repeated),
                });
            } else {
                out.push(Mutation {
                    change: "empty list given one element".into(),
                    path: String::new(),
                    data: Data::list(vec![Data::integer(BigInt::from(0))]),
                });
            }
        }
        PlutusData::Map(pairs) => {
            let mut dropped = pairs.iter().cloned().collect::<Vec<_>>();
            if dropped.pop().is_some() {
                out.push(Mutation {
                    change: "last map entry dropped".into(),
                    path: String::new(),
                    data: Data::map(dropped),
                });
            }
        }
    }
    out
}

/// Hex of at most 8 bytes, with an ellipsis beyond.
pub fn short_hex(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        "\"\"".into()
    } else if bytes.len() <= 8 {
        hex::encode(bytes)
    } else {
        format!("{}…", hex::encode(&bytes[..8]))
    }
}

/// Raw Plutus JSON of `data`, in the schema [`crate::resolve`] reads back to the same data.
pub fn to_json(data: &PlutusData) -> Json {
    match data {
        PlutusData::Constr(c) => json!({
            "constructor": constr_index(c),
            "fields": c.fields.iter().map(to_json).collect::<Vec<_>>(),
        }),
        PlutusData::BigInt(i) => {
            let n = integer(i);
            let number = i64::try_from(&n)
                .map(Json::from)
                .unwrap_or_else(|_| Json::String(n.to_string()));
            json!({ "int": number })
        }
        PlutusData::BoundedBytes(bytes) => json!({ "bytes": hex::encode(bytes.as_slice()) }),
        PlutusData::Array(items) => {
            json!({ "list": items.iter().map(to_json).collect::<Vec<_>>() })
        }
        PlutusData::Map(pairs) => json!({
            "map": pairs
                .iter()
                .map(|(k, v)| json!({ "k": to_json(k), "v": to_json(v) }))
                .collect::<Vec<_>>(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mutations_reach_nested_fields() {
        let data = Data::constr(
            0,
            vec![
                Data::integer(5.into()),
                Data::constr(1, vec![Data::bytestring(vec![1, 2])]),
            ],
        );
        let changes: Vec<String> = mutations(&data, 3)
            .iter()
            .map(|m| format!("{} {}", m.path, m.change).trim().to_string())
            .collect();
        assert!(
            changes.contains(&"constructor 0 → 1".to_string()),
            "{changes:?}"
        );
        assert!(
            changes.contains(&".fields[0] int 5 → 6".to_string()),
            "{changes:?}"
        );
        assert!(
            changes.contains(&".fields[1] constructor 1 → 2".to_string()),
            "{changes:?}"
        );
        assert!(
            changes.contains(&".fields[1].fields[0] bytes 0102 → 8102".to_string()),
            "{changes:?}"
        );
        assert!(mutations(&data, 3).iter().all(|m| m.data != data));
    }

    #[test]
    fn json_uses_strings_for_big_integers() {
        let big: BigInt = "340282366920938463463374607431768211457".parse().unwrap();
        let json = to_json(&Data::list(vec![
            Data::integer(big),
            Data::integer(7.into()),
            Data::bytestring(vec![0xab]),
            Data::map(vec![(Data::integer(1.into()), Data::constr(8, vec![]))]),
        ]));
        assert_eq!(
            json,
            json!({"list": [
                {"int": "340282366920938463463374607431768211457"},
                {"int": 7},
                {"bytes": "ab"},
                {"map": [{"k": {"int": 1}, "v": {"constructor": 8, "fields": []}}]}
            ]})
        );
    }
}
