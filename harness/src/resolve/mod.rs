//! Resolution: turns a [`Fixture`] (JSON as written) into a [`Scenario`] for one [`Deployment`] —
//! script names to hashes and bytes, key names to key hashes, token aliases and beacon
//! expressions to asset classes, typed datums and redeemers to Plutus Data. Second stage of the
//! pipeline: fixture → resolve → scenario → tx → eval.
//!
//! Protocol-specific meaning (datum fields, redeemer constructors, beacon names) comes from
//! [`crate::protocols`]; this module only interprets the generic [`Type`]s. Every error is an
//! [`Error`] naming the file, the JSON path and what was expected versus found.

use crate::{
    deploy::Deployment,
    fixture::{
        AddressSpec, CertificateSpec, CredentialSpec, DatumSpec, ExpectSpec, Fixture, StakeSpec,
        ValueSpec, index_path, key_path,
    },
    keys::Key,
    params::SlotConfig,
    plutus,
    protocols::{self, BeaconVariant, Constructor, Derive, Type},
    rules,
    scenario::{
        Address, AssetClass, Certificate, CertificateKind, Credential, Datum, Expect, Hash28,
        Input, Mint, OutRef, Output, Scenario, Script, Stake, TxOutput, TxSpec, Utxo, Value,
        Withdrawal,
    },
};
use num_bigint::BigInt;
use pallas_crypto::hash::Hasher;
use pallas_primitives::PlutusData;
use serde_json::Value as Json;
use std::{collections::BTreeMap, path::Path, str::FromStr};
use uplc::ast::Data;

mod data;
mod names;
mod tx;

pub use crate::fixture::Error;

/// The keys of raw Plutus Data JSON objects: cardano-cli's detailed schema, and the symbolic
/// forms the harness adds inside it (`{"address": …}`, `{"credential": …}`, `{"out_ref": …}`,
/// `{"time": …}`, `{"input_index": UTXO}`).
const PLUTUS_KEYS: &[&str] = &[
    "constructor",
    "fields",
    "int",
    "bytes",
    "list",
    "map",
    "address",
    "credential",
    "out_ref",
    "time",
    "input_index",
];

/// Loads the fixture at `path` and resolves it against `deployment` (see [`resolve`]).
pub fn load(path: &Path, deployment: &Deployment, slots: &SlotConfig) -> Result<Scenario, Error> {
    let fixture = crate::fixture::load(path)?;
    resolve(&fixture, path, deployment, slots)
}

/// Resolves a parsed fixture (read from `path`, which errors name) against `deployment`; times
/// written relative to the validity interval become POSIX times through `slots`.
pub fn resolve(
    fixture: &Fixture,
    path: &Path,
    deployment: &Deployment,
    slots: &SlotConfig,
) -> Result<Scenario, Error> {
    resolve_in(fixture, path, deployment, slots, None)
}

/// What the steps of a chain before this one left on the ledger: their named outputs, and the
/// keys and native scripts they named (so the builder can sign for them).
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    /// Unspent named outputs, by name, in the order they were created.
    pub utxos: Vec<Utxo>,
    pub keys: BTreeMap<Hash28, String>,
    pub natives: BTreeMap<Hash28, String>,
    /// Names spent so far, with the step that spent them (for messages) and their reference
    /// (a spent UTxO still names what derives from its reference, such as a Loan ID).
    pub spent: BTreeMap<String, (String, OutRef)>,
}

/// Resolves a step of a chain (see [`resolve`]): its inputs and reference inputs may also name
/// the UTxOs of `ledger`, and its outputs may be named. Without a ledger (a plain fixture) a
/// named output is an error.
pub fn resolve_in(
    fixture: &Fixture,
    path: &Path,
    deployment: &Deployment,
    slots: &SlotConfig,
    ledger: Option<&Ledger>,
) -> Result<Scenario, Error> {
    let mut r = Resolver {
        file: path.display().to_string(),
        deployment,
        slots: *slots,
        validity: fixture
            .tx
            .validity
            .as_ref()
            .map_or((None, None), |v| (v.from, v.to)),
        protocol: fixture.protocol.clone(),
        datums: Vec::new(),
        tokens: vec![("ADA".to_string(), (Vec::new(), Vec::new()))],
        refs: Vec::new(),
        sorted_inputs: Vec::new(),
        keys: BTreeMap::new(),
        natives: BTreeMap::new(),
        ledger: Vec::new(),
        spent: BTreeMap::new(),
    };
    if let Some(ledger) = ledger {
        r.enter(ledger);
    }
    let expect = r.header(fixture)?;
    r.tokens(fixture)?;
    r.refs(fixture)?;
    r.sort_inputs(fixture)?;
    r.output_names(fixture, ledger.is_some())?;
    let tx = r.tx(fixture)?;
    Ok(Scenario {
        path: path.to_path_buf(),
        step: None,
        description: fixture.description.clone(),
        protocol: fixture.protocol.clone(),
        rules: fixture.rules.clone(),
        expect,
        tx,
    })
}

/// Who runs when a credential is exercised: decides whether a redeemer is needed and which
/// redeemer constructors apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Executor {
    /// A key: a signature, no script.
    Key,
    /// A native script: no redeemer.
    Native,
    /// A deployment script, by name.
    Deployed(&'static str),
    /// A script hash the harness does not know (raw redeemers only).
    Unknown,
}

/// A resolved credential with what it runs.
#[derive(Debug, Clone)]
struct Cred {
    credential: Credential,
    executor: Executor,
    /// How messages describe it (`script proxy`, `key alice`).
    label: String,
}

/// A resolved minting policy or value policy.
struct Policy {
    hash: Vec<u8>,
    label: String,
    variant: Option<&'static BeaconVariant>,
}

struct Resolver<'a> {
    file: String,
    deployment: &'a Deployment,
    /// Converts validity slots to POSIX times.
    slots: SlotConfig,
    /// The validity interval's bounds, in slots: what `{"from": MS}` and `{"to": MS}` times
    /// are relative to.
    validity: (Option<u64>, Option<u64>),
    /// The fixture's protocol, whose typed datums `{"datum_of": …}` reads.
    protocol: String,
    /// The datums of the UTxOs resolved so far, by name, for `{"datum_of": …}`.
    datums: Vec<(String, PlutusData)>,
    /// The UTxOs earlier steps of a chain left, with their payment credentials.
    ledger: Vec<(Utxo, Cred)>,
    /// Names earlier steps spent, with the step that spent each and its reference.
    spent: BTreeMap<String, (String, OutRef)>,
    /// Aliases in file order, `ADA` first.
    tokens: Vec<(String, AssetClass)>,
    /// Every UTxO's name and reference, in file order.
    refs: Vec<(String, OutRef)>,
    /// Names of the spent UTxOs in the ledger's input order.
    sorted_inputs: Vec<String>,
    keys: BTreeMap<Hash28, String>,
    natives: BTreeMap<Hash28, String>,
}

type R<T> = Result<T, Error>;

impl Resolver<'_> {
    fn err(&self, path: &str, message: impl Into<String>) -> Error {
        Error::invalid(&self.file, path, message)
    }

    // ## Header: protocol, rules, expectation

    fn header(&self, f: &Fixture) -> R<Expect> {
        if protocols::find(&f.protocol).is_none() {
            let known: Vec<_> = protocols::all().iter().map(|p| p.name).collect();
            return Err(self.err(
                "$.protocol",
                format!(
                    "unknown protocol {:?} (known: {})",
                    f.protocol,
                    known.join(", ")
                ),
            ));
        }
        for (i, id) in f.rules.iter().enumerate() {
            let path = index_path("$.rules", i);
            // A rule may come from any registered catalogue: a fixture composing two
            // protocols (an aftermarket sale of a loans Key) covers rules of both.
            if rules::find(id).is_none() {
                return Err(self.err(
                    &path,
                    format!("unknown rule ID {id:?} (in no rule catalogue harness/rules/*.tsv)"),
                ));
            }
            if f.rules[..i].contains(id) {
                return Err(self.err(&path, format!("rule {id} is listed twice")));
            }
        }
        match &f.expect {
            ExpectSpec::Ok => Ok(Expect::Ok),
            ExpectSpec::Unlabelled(purpose) if purpose.trim().is_empty() => Err(self.err(
                "$.expect.unlabelled",
                "expected the purpose of the redeemer that fails (\"spend swap1\", \"mint <policy>\"), found an empty string",
            )),
            ExpectSpec::Unlabelled(purpose) => Ok(Expect::Unlabelled(purpose.clone())),
            ExpectSpec::Refused(refusal) => Ok(Expect::Refused(*refusal)),
            ExpectSpec::Fail(id) => {
                let path = "$.expect.fail";
                if !f.rules.contains(id) {
                    return Err(self.err(
                        path,
                        format!(
                            "fail rule {id:?} is not listed in $.rules (expected one of: {})",
                            f.rules.join(", ")
                        ),
                    ));
                }
                match rules::find(id) {
                    Some(rule) if rule.kind == rules::Kind::Script => Ok(Expect::Fail(id.clone())),
                    Some(rule) => Err(self.err(
                        path,
                        format!(
                            "rule {id} is a {} rule: no script fails with it (expected a script rule)",
                            rule.kind.as_str()
                        ),
                    )),
                    None => Err(self.err(path, format!("unknown rule ID {id:?}"))),
                }
            }
        }
    }

    // ## Names: tokens, UTxO references, input order

    fn tokens(&mut self, f: &Fixture) -> R<()> {
        for (alias, spec) in f.tokens.iter() {
            let path = key_path("$.tokens", alias);
            let is_ident = alias
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && alias.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if alias == "ADA" || alias == "lovelace" {
                return Err(self.err(&path, format!("token alias {alias:?} is predefined")));
            }
            if !is_ident {
                return Err(self.err(
                    &path,
                    format!("expected a token alias of letters, digits and _ (not starting with a digit), found {alias:?}"),
                ));
            }
            if is_lower_hex(alias) {
                return Err(self.err(
                    &path,
                    format!("token alias {alias:?} is valid lowercase hex, so it would be ambiguous with hex names; rename it"),
                ));
            }
            if self.deployment.script(alias).is_some() {
                return Err(self.err(
                    &path,
                    format!("token alias {alias:?} is also a script name; rename it"),
                ));
            }
            let policy = self.policy(&spec.policy, &key_path(&path, "policy"))?;
            let name = self.hex(&spec.name, &key_path(&path, "name"), "an asset name")?;
            if name.len() > 32 {
                return Err(self.err(
                    &key_path(&path, "name"),
                    format!(
                        "expected an asset name of at most 32 bytes, found {} bytes",
                        name.len()
                    ),
                ));
            }
            self.tokens.push((alias.to_string(), (policy.hash, name)));
        }
        Ok(())
    }

    fn refs(&mut self, f: &Fixture) -> R<()> {
        for (name, utxo) in f.utxos.iter() {
            let path = key_path("$.utxos", name);
            if self.ledger.iter().any(|(u, _)| u.name == name) {
                return Err(self.err(
                    &path,
                    format!("utxo {name:?} is already on the ledger: an earlier step's output has that name"),
                ));
            }
            let out_ref = match &utxo.out_ref {
                Some(text) => self.out_ref(text, &key_path(&path, "ref"))?,
                None => OutRef {
                    tx_id: *Hasher::<256>::hash(name.as_bytes()),
                    index: 0,
                },
            };
            if let Some((other, _)) = self.refs.iter().find(|(_, r)| *r == out_ref) {
                return Err(self.err(
                    &path,
                    format!("utxo {name:?} has the same output reference as utxo {other:?}"),
                ));
            }
            self.refs.push((name.to_string(), out_ref));
        }
        Ok(())
    }

    fn sort_inputs(&mut self, f: &Fixture) -> R<()> {
        let mut spent: Vec<(OutRef, String)> = Vec::new();
        for (i, input) in f.tx.inputs.iter().enumerate() {
            let path = key_path(&index_path("$.tx.inputs", i), "utxo");
            let out_ref = self.utxo_ref(&input.utxo, &path)?;
            if spent.iter().any(|(r, _)| *r == out_ref) {
                return Err(self.err(&path, format!("utxo {:?} is spent twice", input.utxo)));
            }
            spent.push((out_ref, input.utxo.clone()));
        }
        spent.sort();
        self.sorted_inputs = spent.into_iter().map(|(_, name)| name).collect();
        Ok(())
    }

    fn utxo_ref(&self, name: &str, path: &str) -> R<OutRef> {
        self.refs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, r)| *r)
            .ok_or_else(|| {
                let known: Vec<_> = self.refs.iter().map(|(n, _)| n.as_str()).collect();
                let spent = match self.spent.get(name) {
                    Some((step, _)) => format!("; step {step} spent it"),
                    None => String::new(),
                };
                self.err(
                    path,
                    format!("unknown utxo {name:?} (known: {}){spent}", list(&known)),
                )
            })
    }

    /// `"<64 hex>#<index>"`.
    fn out_ref(&self, text: &str, path: &str) -> R<OutRef> {
        let Some((id, index)) = text.split_once('#') else {
            return Err(self.err(
                path,
                format!("expected \"<64 hex>#<index>\", found {text:?}"),
            ));
        };
        let tx_id = self.hex_array::<32>(id, path, "a transaction id")?;
        let index = index.parse::<u64>().map_err(|_| {
            self.err(
                path,
                format!(
                    "expected an output index (a non-negative integer) after '#', found {index:?}"
                ),
            )
        })?;
        Ok(OutRef { tx_id, index })
    }

    /// Takes in what earlier steps of a chain left: their UTxOs become names this step can
    /// spend, reference or copy the datum of.
    fn enter(&mut self, ledger: &Ledger) {
        self.keys.extend(ledger.keys.clone());
        self.spent.extend(ledger.spent.clone());
        self.natives.extend(ledger.natives.clone());
        for utxo in &ledger.utxos {
            self.refs.push((utxo.name.clone(), utxo.out_ref));
            if let Datum::Inline(data) | Datum::Hash(data) = &utxo.output.datum {
                self.datums.push((utxo.name.clone(), data.clone()));
            }
            let payment = self.ledger_credential(utxo.output.address.payment);
            self.ledger.push((utxo.clone(), payment));
        }
    }

    /// A ledger UTxO's payment credential, with what it runs.
    fn ledger_credential(&self, credential: Credential) -> Cred {
        let (executor, label) = match credential {
            Credential::Key(hash) => match self.keys.get(&hash) {
                Some(name) => (Executor::Key, format!("key {name}")),
                None => (Executor::Key, format!("key hash {}", hex::encode(hash))),
            },
            Credential::Script(hash) => {
                if let Some(s) = self.deployment.scripts.iter().find(|s| s.hash == hash) {
                    (Executor::Deployed(s.name), format!("script {}", s.name))
                } else if let Some(key) = self.natives.get(&hash) {
                    (Executor::Native, format!("native script of key {key}"))
                } else {
                    (
                        Executor::Unknown,
                        format!("script hash {}", hex::encode(hash)),
                    )
                }
            }
        };
        Cred {
            credential,
            executor,
            label,
        }
    }

    /// Output names: only in a chain's steps, each unique, and none the name of a UTxO that
    /// stays unspent (a spent one's name may be reused, as a fill's continuing output does).
    fn output_names(&self, f: &Fixture, in_chain: bool) -> R<()> {
        let mut named: Vec<&str> = Vec::new();
        for (i, output) in f.tx.outputs.iter().enumerate() {
            let Some(name) = output.name.as_deref() else {
                continue;
            };
            let path = key_path(&index_path("$.tx.outputs", i), "name");
            if !in_chain {
                return Err(self.err(
                    &path,
                    "only the steps of a chain (a .chain.json file) name their outputs",
                ));
            }
            let spent = f.tx.inputs.iter().any(|input| input.utxo == name);
            if named.contains(&name) {
                return Err(self.err(&path, format!("output name {name:?} is given twice")));
            }
            if !spent && self.refs.iter().any(|(n, _)| n == name) {
                return Err(self.err(
                    &path,
                    format!("output name {name:?} is the name of a UTxO this step does not spend"),
                ));
            }
            named.push(name);
        }
        Ok(())
    }

    // ## Scalars

    /// A JSON integer or a decimal string (for values beyond 64 bits).
    fn integer(&self, json: &Json, path: &str) -> R<BigInt> {
        match json {
            Json::Number(n) => {
                if let Some(i) = n.as_i64() {
                    Ok(BigInt::from(i))
                } else if let Some(u) = n.as_u64() {
                    Ok(BigInt::from(u))
                } else {
                    Err(self.err(
                        path,
                        format!(
                            "expected an integer (write big ones as decimal strings), found {n}"
                        ),
                    ))
                }
            }
            Json::String(text) if is_decimal(text) => BigInt::from_str(text).map_err(|e| {
                self.err(
                    path,
                    format!("expected a decimal integer, found {text:?} ({e})"),
                )
            }),
            other => Err(self.err(
                path,
                format!(
                    "expected an integer or a decimal string, found {}",
                    found(other)
                ),
            )),
        }
    }

    /// Lowercase hex of any even length.
    fn hex(&self, text: &str, path: &str, what: &str) -> R<Vec<u8>> {
        if !is_lower_hex(text) {
            return Err(self.err(
                path,
                format!("bad hex {text:?} ({what}): expected lowercase hex digits 0-9a-f"),
            ));
        }
        hex::decode(text).map_err(|_| {
            self.err(
                path,
                format!(
                    "bad hex {text:?} ({what}): expected an even number of hex digits, found {}",
                    text.len()
                ),
            )
        })
    }

    /// Exactly `N` bytes of lowercase hex.
    fn hex_array<const N: usize>(&self, text: &str, path: &str, what: &str) -> R<[u8; N]> {
        let bytes = self.hex(text, path, what)?;
        <[u8; N]>::try_from(bytes.as_slice()).map_err(|_| {
            self.err(
                path,
                format!(
                    "expected {} hex digits ({what}, {N} bytes), found {} hex digits",
                    2 * N,
                    text.len()
                ),
            )
        })
    }

    /// Deserialises a credential object held as raw JSON, with paths relative to `path`.
    fn deserialize_at<T: serde::de::DeserializeOwned>(&self, json: &Json, path: &str) -> R<T> {
        serde_path_to_error::deserialize(json).map_err(|e| {
            let relative = crate::fixture::json_path(e.path());
            let full = format!("{path}{}", relative.strip_prefix('$').unwrap_or(&relative));
            self.err(&full, e.into_inner().to_string())
        })
    }
}

/// The hash of the native script `ScriptPubkey(key)`: blake2b-224 of `0x00 ‖ CBOR`.
pub fn native_script_hash(key: Hash28) -> Result<Hash28, String> {
    let script = pallas_primitives::conway::NativeScript::ScriptPubkey(key.into());
    let cbor = pallas_codec::minicbor::to_vec(&script).map_err(|e| e.to_string())?;
    Ok(*Hasher::<224>::hash_tagged(&cbor, 0))
}

/// The only entry of a one-key object.
fn single_entry(json: &Json) -> Option<(&str, &Json)> {
    match json {
        Json::Object(object) if object.len() == 1 => {
            object.iter().next().map(|(k, v)| (k.as_str(), v))
        }
        _ => None,
    }
}

fn is_lower_hex(text: &str) -> bool {
    text.chars()
        .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
}

fn is_decimal(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())
}

fn list<S: AsRef<str>>(items: &[S]) -> String {
    if items.is_empty() {
        "none".to_string()
    } else {
        items
            .iter()
            .map(AsRef::as_ref)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A short rendering of a JSON value for messages.
fn found(json: &Json) -> String {
    let text = json.to_string();
    if text.chars().count() > 60 {
        format!("{}…", text.chars().take(60).collect::<String>())
    } else {
        text
    }
}
