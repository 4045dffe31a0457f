//! Resolution: turns a [`Fixture`] (JSON as written) into a [`Scenario`] for one [`Deployment`] —
//! script names to hashes and bytes, key names to key hashes, token aliases and beacon
//! expressions to asset classes, typed datums and redeemers to Plutus Data. Second stage of the
//! pipeline: fixture → resolve → scenario → tx → eval.
//!
//! Protocol-specific meaning (datum fields, redeemer constructors, beacon names) comes from
//! [`crate::protocols`]; this module only interprets the generic [`FieldKind`]s. Every error is an
//! [`Error`] naming the file, the JSON path and what was expected versus found.

use crate::{
    deploy::Deployment,
    fixture::{
        AddressSpec, CertificateSpec, CredentialSpec, DatumSpec, ExpectSpec, Fixture, StakeSpec,
        ValueSpec, index_path, key_path,
    },
    keys::Key,
    protocols::{self, BeaconVariant, Constructor, FieldKind},
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

pub use crate::fixture::Error;

/// The keys of raw Plutus Data JSON objects (cardano-cli's detailed schema).
const PLUTUS_KEYS: &[&str] = &["constructor", "fields", "int", "bytes", "list", "map"];

/// Loads the fixture at `path` and resolves it against `deployment`.
pub fn load(path: &Path, deployment: &Deployment) -> Result<Scenario, Error> {
    let fixture = crate::fixture::load(path)?;
    resolve(&fixture, path, deployment)
}

/// Resolves a parsed fixture (read from `path`, which errors name) against `deployment`.
pub fn resolve(fixture: &Fixture, path: &Path, deployment: &Deployment) -> Result<Scenario, Error> {
    let mut r = Resolver {
        file: path.display().to_string(),
        deployment,
        tokens: vec![("ADA".to_string(), (Vec::new(), Vec::new()))],
        refs: Vec::new(),
        sorted_inputs: Vec::new(),
        keys: BTreeMap::new(),
        natives: BTreeMap::new(),
    };
    let expect = r.header(fixture)?;
    r.tokens(fixture)?;
    r.refs(fixture)?;
    r.sort_inputs(fixture)?;
    let tx = r.tx(fixture)?;
    Ok(Scenario {
        path: path.to_path_buf(),
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
    /// How messages describe it (`script ow_swap`, `key alice`).
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
            let Some(rule) = rules::find(id) else {
                return Err(self.err(
                    &path,
                    format!(
                        "unknown rule ID {id:?} (not in the rule catalogue harness/rules/{}.tsv)",
                        f.protocol
                    ),
                ));
            };
            if rule.protocol != f.protocol {
                return Err(self.err(
                    &path,
                    format!(
                        "rule {id} belongs to protocol {}, but the fixture's protocol is {}",
                        rule.protocol, f.protocol
                    ),
                ));
            }
            if f.rules[..i].contains(id) {
                return Err(self.err(&path, format!("rule {id} is listed twice")));
            }
        }
        match &f.expect {
            ExpectSpec::Ok => Ok(Expect::Ok),
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
                self.err(
                    path,
                    format!("unknown utxo {name:?} (known: {})", list(&known)),
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

    // ## Transaction

    fn tx(&mut self, f: &Fixture) -> R<TxSpec> {
        // Every UTxO resolves, used or not, so mistakes in unused ones surface too.
        let mut utxos: Vec<(Utxo, Cred)> = Vec::new();
        for (name, spec) in f.utxos.iter() {
            let path = key_path("$.utxos", name);
            let out_ref = self.utxo_ref(name, &path)?;
            let (address, payment) = self.address(&spec.address, &key_path(&path, "address"))?;
            let output = Output {
                address,
                value: self.value(&spec.value, &key_path(&path, "value"))?,
                datum: self.datum(spec.datum.as_ref(), &key_path(&path, "datum"))?,
                reference_script: self.reference_script(spec.reference_script.as_deref(), &path)?,
            };
            utxos.push((
                Utxo {
                    name: name.to_string(),
                    out_ref,
                    output,
                },
                payment,
            ));
        }
        let find = |name: &str| utxos.iter().find(|(u, _)| u.name == name);

        let mut inputs = Vec::new();
        for (i, input) in f.tx.inputs.iter().enumerate() {
            let path = index_path("$.tx.inputs", i);
            let (utxo, payment) = find(&input.utxo).ok_or_else(|| {
                self.err(
                    &key_path(&path, "utxo"),
                    format!("unknown utxo {:?}", input.utxo),
                )
            })?;
            let what = format!("input {:?}", input.utxo);
            let redeemer = self.redeemer(input.redeemer.as_ref(), &path, payment, &what)?;
            inputs.push(Input {
                utxo: utxo.clone(),
                redeemer,
            });
        }

        let mut reference_inputs: Vec<Utxo> = Vec::new();
        for (i, name) in f.tx.reference_inputs.iter().enumerate() {
            let path = index_path("$.tx.reference_inputs", i);
            let (utxo, _) = find(name).ok_or_else(|| {
                let known: Vec<_> = utxos.iter().map(|(u, _)| u.name.as_str()).collect();
                self.err(
                    &path,
                    format!("unknown utxo {name:?} (known: {})", list(&known)),
                )
            })?;
            if reference_inputs.iter().any(|u| u.name == *name) {
                return Err(self.err(&path, format!("utxo {name:?} is referenced twice")));
            }
            reference_inputs.push(utxo.clone());
        }

        let mut outputs = Vec::new();
        let mut change_at: Option<String> = None;
        for (i, spec) in f.tx.outputs.iter().enumerate() {
            let path = index_path("$.tx.outputs", i);
            if spec.change {
                if let Some(first) = &change_at {
                    return Err(self.err(
                        &key_path(&path, "change"),
                        format!("expected at most one change output, found a second one (the first is {first})"),
                    ));
                }
                change_at = Some(path.clone());
            }
            let (address, _) = self.address(&spec.address, &key_path(&path, "address"))?;
            let output = Output {
                address,
                value: self.value(&spec.value, &key_path(&path, "value"))?,
                datum: self.datum(spec.datum.as_ref(), &key_path(&path, "datum"))?,
                reference_script: self.reference_script(spec.reference_script.as_deref(), &path)?,
            };
            outputs.push(TxOutput {
                output,
                change: spec.change,
            });
        }

        let mint = self.mint(f)?;
        let withdrawals = self.withdrawals(f)?;
        let certificates = self.certificates(f)?;

        let mut required_signers: Vec<String> = Vec::new();
        for (i, name) in f.tx.required_signers.iter().enumerate() {
            let path = index_path("$.tx.required_signers", i);
            let hash = self.key(name, &path)?;
            if required_signers.contains(name) {
                return Err(self.err(&path, format!("key {name:?} is a required signer twice")));
            }
            self.keys.insert(hash, name.clone());
            required_signers.push(name.clone());
        }

        let mut scripts: BTreeMap<Hash28, Script> = BTreeMap::new();
        for s in &self.deployment.scripts {
            scripts.insert(
                s.hash,
                Script::PlutusV3 {
                    name: s.name.to_string(),
                    bytes: s.bytes.clone(),
                },
            );
        }
        for (hash, key) in &self.natives {
            scripts.insert(*hash, Script::Signature { key: key.clone() });
        }

        Ok(TxSpec {
            inputs,
            reference_inputs,
            outputs,
            mint,
            withdrawals,
            certificates,
            required_signers,
            valid_from: f.tx.validity.as_ref().and_then(|v| v.from),
            valid_to: f.tx.validity.as_ref().and_then(|v| v.to),
            scripts,
            keys: std::mem::take(&mut self.keys),
        })
    }

    fn mint(&mut self, f: &Fixture) -> R<Vec<Mint>> {
        let mut mints: Vec<(Mint, String)> = Vec::new();
        for (i, spec) in f.tx.mint.iter().enumerate() {
            let path = index_path("$.tx.mint", i);
            let policy_path = key_path(&path, "policy");
            let cred = match &spec.policy {
                Json::String(name) => self.deployed(name, &policy_path)?,
                other => {
                    let cred: CredentialSpec = self.deserialize_at(other, &policy_path)?;
                    self.credential(&cred, &policy_path)?
                }
            };
            let Credential::Script(hash) = cred.credential else {
                return Err(self.err(
                    &policy_path,
                    format!("expected a script as minting policy, found {}", cred.label),
                ));
            };
            if let Some((_, first)) = mints.iter().find(|(m, _)| m.policy == hash) {
                return Err(self.err(
                    &policy_path,
                    format!(
                        "policy {} already mints at {first}; merge the two entries",
                        cred.label
                    ),
                ));
            }
            let variant = match cred.executor {
                Executor::Deployed(name) => protocols::script(name)
                    .and_then(|s| s.beacon_variant)
                    .and_then(protocols::variant),
                _ => None,
            };
            let policy = Policy {
                hash: hash.to_vec(),
                label: cred.label.clone(),
                variant,
            };
            let mut assets: Vec<(Vec<u8>, i64)> = Vec::new();
            let assets_path = key_path(&path, "assets");
            for (name, qty) in spec.assets.iter() {
                let apath = key_path(&assets_path, name);
                let name = self.asset_name(&policy, name, &apath)?;
                let qty = i64::try_from(qty.0)
                    .ok()
                    .filter(|q| *q != 0)
                    .ok_or_else(|| {
                        self.err(
                            &apath,
                            format!("expected a non-zero 64-bit quantity, found {}", qty.0),
                        )
                    })?;
                if assets.iter().any(|(n, _)| *n == name) {
                    return Err(self.err(
                        &apath,
                        format!("asset name {} is given twice", hex::encode(&name)),
                    ));
                }
                assets.push((name, qty));
            }
            let what = format!("minting policy {}", cred.label);
            let redeemer = self.redeemer(spec.redeemer.as_ref(), &path, &cred, &what)?;
            mints.push((
                Mint {
                    policy: hash,
                    assets,
                    redeemer,
                },
                path,
            ));
        }
        Ok(mints.into_iter().map(|(m, _)| m).collect())
    }

    fn withdrawals(&mut self, f: &Fixture) -> R<Vec<Withdrawal>> {
        let mut out: Vec<Withdrawal> = Vec::new();
        for (i, spec) in f.tx.withdrawals.iter().enumerate() {
            let path = index_path("$.tx.withdrawals", i);
            let cred = self.credential(&spec.credential, &key_path(&path, "credential"))?;
            if out.iter().any(|w| w.credential == cred.credential) {
                return Err(self.err(
                    &key_path(&path, "credential"),
                    format!("{} withdraws twice", cred.label),
                ));
            }
            let what = format!("withdrawal from {}", cred.label);
            let redeemer = self.redeemer(spec.redeemer.as_ref(), &path, &cred, &what)?;
            out.push(Withdrawal {
                credential: cred.credential,
                amount: spec.amount,
                redeemer,
            });
        }
        Ok(out)
    }

    fn certificates(&mut self, f: &Fixture) -> R<Vec<Certificate>> {
        let mut out = Vec::new();
        for (i, spec) in f.tx.certificates.iter().enumerate() {
            let path = index_path("$.tx.certificates", i);
            out.push(self.certificate(spec, &path)?);
        }
        Ok(out)
    }

    fn certificate(&mut self, spec: &CertificateSpec, path: &str) -> R<Certificate> {
        let forbid = |present: bool, field: &str, kind: &str| -> R<()> {
            if present {
                Err(self.err(
                    &key_path(path, field),
                    format!("unexpected field {field:?} in a {kind} certificate"),
                ))
            } else {
                Ok(())
            }
        };
        let require = |value: Option<u64>, field: &str, kind: &str| -> R<u64> {
            value.ok_or_else(|| {
                self.err(
                    path,
                    format!("missing field {field:?} of a {kind} certificate"),
                )
            })
        };
        let (field, cred_spec, kind) = match (&spec.register, &spec.unregister, &spec.delegate) {
            (Some(c), None, None) => {
                forbid(spec.refund.is_some(), "refund", "register")?;
                forbid(spec.pool.is_some(), "pool", "register")?;
                (
                    "register",
                    c,
                    CertificateKind::Register {
                        deposit: require(spec.deposit, "deposit", "register")?,
                    },
                )
            }
            (None, Some(c), None) => {
                forbid(spec.deposit.is_some(), "deposit", "unregister")?;
                forbid(spec.pool.is_some(), "pool", "unregister")?;
                (
                    "unregister",
                    c,
                    CertificateKind::Unregister {
                        refund: require(spec.refund, "refund", "unregister")?,
                    },
                )
            }
            (None, None, Some(c)) => {
                forbid(spec.deposit.is_some(), "deposit", "delegate")?;
                forbid(spec.refund.is_some(), "refund", "delegate")?;
                let pool_text = spec.pool.as_deref().ok_or_else(|| {
                    self.err(path, "missing field \"pool\" of a delegate certificate")
                })?;
                let pool = self.hex_array::<28>(pool_text, &key_path(path, "pool"), "a pool id")?;
                ("delegate", c, CertificateKind::Delegate { pool })
            }
            _ => {
                return Err(self.err(
                    path,
                    "expected exactly one of \"register\", \"unregister\" or \"delegate\" in a certificate",
                ));
            }
        };
        let cred = self.credential(cred_spec, &key_path(path, field))?;
        let what = format!("{field} certificate of {}", cred.label);
        let redeemer = self.redeemer(spec.redeemer.as_ref(), path, &cred, &what)?;
        Ok(Certificate {
            credential: cred.credential,
            kind,
            redeemer,
        })
    }

    // ## Addresses, credentials, keys, scripts

    /// The address and its payment credential.
    fn address(&mut self, spec: &AddressSpec, path: &str) -> R<(Address, Cred)> {
        let payment = self.credential(&spec.payment, &key_path(path, "payment"))?;
        let stake = match &spec.stake {
            None => Stake::None,
            Some(StakeSpec::Pointer([slot, tx, cert])) => Stake::Pointer(*slot, *tx, *cert),
            Some(stake) => match stake.credential() {
                Some(c) => Stake::Inline(self.credential(&c, &key_path(path, "stake"))?.credential),
                None => Stake::None,
            },
        };
        Ok((
            Address {
                payment: payment.credential,
                stake,
            },
            payment,
        ))
    }

    /// `path` is the credential object's path; errors point inside it.
    fn credential(&mut self, spec: &CredentialSpec, path: &str) -> R<Cred> {
        match spec {
            CredentialSpec::Key(name) => {
                let hash = self.key(name, &key_path(path, "key"))?;
                self.keys.insert(hash, name.clone());
                Ok(Cred {
                    credential: Credential::Key(hash),
                    executor: Executor::Key,
                    label: format!("key {name}"),
                })
            }
            CredentialSpec::Script(name) => self.deployed(name, &key_path(path, "script")),
            CredentialSpec::Native(name) => {
                let key = self.key(name, &key_path(path, "native"))?;
                let hash = native_script_hash(key).map_err(|e| {
                    self.err(
                        &key_path(path, "native"),
                        format!("cannot encode the native script: {e}"),
                    )
                })?;
                self.keys.insert(key, name.clone());
                self.natives.insert(hash, name.clone());
                Ok(Cred {
                    credential: Credential::Script(hash),
                    executor: Executor::Native,
                    label: format!("native script of key {name}"),
                })
            }
            CredentialSpec::KeyHash(text) => {
                let hash = self.hex_array::<28>(text, &key_path(path, "key_hash"), "a key hash")?;
                let label = match self.keys.get(&hash) {
                    Some(name) => format!("key {name}"),
                    None => format!("key hash {text}"),
                };
                Ok(Cred {
                    credential: Credential::Key(hash),
                    executor: Executor::Key,
                    label,
                })
            }
            CredentialSpec::ScriptHash(text) => {
                let hash =
                    self.hex_array::<28>(text, &key_path(path, "script_hash"), "a script hash")?;
                if let Some(s) = self.deployment.scripts.iter().find(|s| s.hash == hash) {
                    return self.deployed(s.name, path);
                }
                Ok(Cred {
                    credential: Credential::Script(hash),
                    executor: Executor::Unknown,
                    label: format!("script hash {text}"),
                })
            }
        }
    }

    /// A deployment script as a credential.
    fn deployed(&self, name: &str, path: &str) -> R<Cred> {
        let script = self
            .deployment
            .script(name)
            .ok_or_else(|| self.unknown_script(name, path))?;
        Ok(Cred {
            credential: Credential::Script(script.hash),
            executor: Executor::Deployed(script.name),
            label: format!("script {}", script.name),
        })
    }

    fn unknown_script(&self, name: &str, path: &str) -> Error {
        self.err(
            path,
            format!("unknown script {name:?} (known: {})", self.script_names()),
        )
    }

    fn script_names(&self) -> String {
        let mut names: Vec<_> = self.deployment.scripts.iter().map(|s| s.name).collect();
        names.sort_unstable();
        list(&names)
    }

    fn key(&self, name: &str, path: &str) -> R<Hash28> {
        if name.is_empty() {
            return Err(self.err(path, "expected a key name, found an empty string"));
        }
        Ok(*Key::named(name).hash)
    }

    fn reference_script(&self, name: Option<&str>, parent: &str) -> R<Option<Script>> {
        let Some(name) = name else { return Ok(None) };
        let script = self
            .deployment
            .script(name)
            .ok_or_else(|| self.unknown_script(name, &key_path(parent, "reference_script")))?;
        Ok(Some(Script::PlutusV3 {
            name: script.name.to_string(),
            bytes: script.bytes.clone(),
        }))
    }

    // ## Values, policies, asset names, beacons

    fn value(&self, spec: &ValueSpec, path: &str) -> R<Value> {
        let mut value = Value::default();
        let mut lovelace_at: Option<String> = None;
        for (key, qty) in spec.iter() {
            let kpath = key_path(path, key);
            let asset = if key == "lovelace" || key == "ADA" {
                None
            } else if let Some((policy, name)) = key.split_once(':') {
                let policy = self.policy(policy, &kpath)?;
                Some((policy.hash.clone(), self.asset_name(&policy, name, &kpath)?))
            } else {
                match self.alias(key) {
                    Some(asset) => Some(asset.clone()),
                    None => {
                        return Err(self.err(
                            &kpath,
                            format!(
                                "unknown token alias {key:?} (known: {}); a value key is \"lovelace\", a token alias or \"POLICY:NAME\"",
                                self.aliases()
                            ),
                        ));
                    }
                }
            };
            let qty = u64::try_from(qty.0)
                .ok()
                .filter(|q| *q > 0)
                .ok_or_else(|| {
                    self.err(
                        &kpath,
                        format!(
                            "expected a positive quantity (1 to 2^64-1), found {}",
                            qty.0
                        ),
                    )
                })?;
            match asset {
                None => {
                    if let Some(first) = &lovelace_at {
                        return Err(
                            self.err(&kpath, format!("lovelace is already given at {first}"))
                        );
                    }
                    lovelace_at = Some(kpath);
                    value.lovelace = qty;
                }
                Some(asset) => {
                    if value.assets.insert(asset.clone(), qty).is_some() {
                        return Err(self.err(
                            &kpath,
                            format!(
                                "asset {}.{} is given twice",
                                hex::encode(&asset.0),
                                hex::encode(&asset.1)
                            ),
                        ));
                    }
                }
            }
        }
        Ok(value)
    }

    /// A policy written as a deployment script name or 56 hex digits.
    fn policy(&self, text: &str, path: &str) -> R<Policy> {
        if let Some(script) = self.deployment.script(text) {
            let variant = protocols::script(script.name)
                .and_then(|s| s.beacon_variant)
                .and_then(protocols::variant);
            return Ok(Policy {
                hash: script.hash.to_vec(),
                label: script.name.to_string(),
                variant,
            });
        }
        if is_lower_hex(text) && !text.is_empty() {
            let hash = self.hex_array::<28>(text, path, "a policy id")?;
            return Ok(Policy {
                hash: hash.to_vec(),
                label: text.to_string(),
                variant: None,
            });
        }
        Err(self.err(
            path,
            format!(
                "unknown script {text:?} (known: {}); a policy is a script name or 56 hex digits",
                self.script_names()
            ),
        ))
    }

    /// An asset name under `policy`: hex, or a beacon expression of the policy's variant.
    fn asset_name(&self, policy: &Policy, text: &str, path: &str) -> R<Vec<u8>> {
        if text.contains('(') {
            let Some(variant) = policy.variant else {
                return Err(self.err(
                    path,
                    format!("{} is not a beacon policy, so {text:?} cannot be a beacon expression (write the asset name as hex)", policy.label),
                ));
            };
            return Ok(self.beacon(variant, &policy.label, text, path)?.to_vec());
        }
        let name = self.hex(text, path, "an asset name")?;
        if name.len() > 32 {
            return Err(self.err(
                path,
                format!(
                    "expected an asset name of at most 32 bytes, found {} bytes",
                    name.len()
                ),
            ));
        }
        Ok(name)
    }

    /// Evaluates a beacon expression such as `pair(T,ADA)`.
    fn beacon(&self, variant: &BeaconVariant, owner: &str, text: &str, path: &str) -> R<[u8; 32]> {
        let Some(expr) = protocols::parse_beacon_expr(text) else {
            return Err(self.err(
                path,
                format!(
                    "bad beacon expression {text:?}: expected FUNCTION(ASSET, …), one of {}",
                    variant.usages()
                ),
            ));
        };
        let Some(function) = variant.function(expr.function) else {
            return Err(self.err(
                path,
                format!(
                    "unknown beacon function {:?} for {owner} (known: {})",
                    expr.function,
                    variant.usages()
                ),
            ));
        };
        if expr.args.len() != function.arity {
            return Err(self.err(
                path,
                format!(
                    "bad beacon expression {text:?}: {} takes {} asset(s) ({}), found {}",
                    function.name,
                    function.arity,
                    function.usage,
                    expr.args.len()
                ),
            ));
        }
        let mut args = Vec::with_capacity(expr.args.len());
        for arg in &expr.args {
            let asset = self.alias(arg).ok_or_else(|| {
                self.err(
                    path,
                    format!("unknown token alias {arg:?} (known: {})", self.aliases()),
                )
            })?;
            args.push(asset.clone());
        }
        Ok((function.derive)(&args))
    }

    fn alias(&self, name: &str) -> Option<&AssetClass> {
        self.tokens
            .iter()
            .find(|(a, _)| a == name)
            .map(|(_, asset)| asset)
    }

    fn aliases(&self) -> String {
        self.tokens
            .iter()
            .map(|(a, _)| a.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    // ## Datums and redeemers

    fn datum(&self, spec: Option<&DatumSpec>, path: &str) -> R<Datum> {
        Ok(match spec {
            None => Datum::None,
            Some(DatumSpec::Inline(json)) => {
                Datum::Inline(self.datum_data(json, &key_path(path, "inline"))?)
            }
            Some(DatumSpec::Hash(json)) => {
                Datum::Hash(self.datum_data(json, &key_path(path, "hash"))?)
            }
        })
    }

    /// Raw Plutus JSON, or a typed form `{"ow_swap_datum": {FIELDS}}`.
    fn datum_data(&self, json: &Json, path: &str) -> R<PlutusData> {
        if let Some((key, fields)) = single_entry(json)
            && !PLUTUS_KEYS.contains(&key)
        {
            let Some(datum) = protocols::datum_type(key) else {
                return Err(self.err(
                    &key_path(path, key),
                    format!(
                        "unknown datum type {key:?} (known: {}); raw Plutus JSON has one of the keys {}",
                        protocols::datum_keys().join(", "),
                        PLUTUS_KEYS.join(", ")
                    ),
                ));
            };
            let variant = protocols::variant(datum.variant);
            return self.fields(
                &datum.constructor,
                datum.key,
                variant,
                fields,
                &key_path(path, key),
            );
        }
        self.plutus(json, path)
    }

    /// The redeemer of an execution by `cred`; `parent` is the path of the object that holds the
    /// `redeemer` field.
    fn redeemer(
        &self,
        json: Option<&Json>,
        parent: &str,
        cred: &Cred,
        what: &str,
    ) -> R<Option<PlutusData>> {
        let path = key_path(parent, "redeemer");
        match (cred.executor, json) {
            (Executor::Key | Executor::Native, Some(_)) => Err(self.err(
                &path,
                format!("{what} is locked by {}, which takes no redeemer (only Plutus scripts do); remove it", cred.label),
            )),
            (Executor::Key | Executor::Native, None) | (Executor::Unknown, None) => Ok(None),
            (Executor::Deployed(name), None) => Err(self.err(
                parent,
                format!("missing field \"redeemer\": {what} runs script {name}, which needs a redeemer"),
            )),
            (Executor::Deployed(name), Some(json)) => self.redeemer_data(json, &path, Some(name), &cred.label).map(Some),
            (Executor::Unknown, Some(json)) => self.redeemer_data(json, &path, None, &cred.label).map(Some),
        }
    }

    fn redeemer_data(
        &self,
        json: &Json,
        path: &str,
        script: Option<&str>,
        label: &str,
    ) -> R<PlutusData> {
        let (name, fields) = match json {
            Json::String(name) => (name.as_str(), None),
            Json::Object(_) => match single_entry(json) {
                Some((key, fields)) if !PLUTUS_KEYS.contains(&key) => (key, Some(fields)),
                _ => return self.plutus(json, path),
            },
            other => {
                return Err(self.err(
                    path,
                    format!(
                        "expected a redeemer constructor name, {{\"Name\": {{FIELDS}}}} or raw Plutus JSON, found {}",
                        found(other)
                    ),
                ));
            }
        };
        let constructors: &[Constructor] = match script {
            None => {
                return Err(self.err(
                    path,
                    format!("typed redeemer {name:?} needs a deployment script, but {label} is not one (write raw Plutus JSON)"),
                ));
            }
            Some(script) => match protocols::script(script) {
                Some(info) => info.redeemers,
                None => {
                    return Err(self.err(
                        path,
                        format!("script {script} has no typed redeemers (write raw Plutus JSON), found {name:?}"),
                    ));
                }
            },
        };
        let Some(constructor) = constructors.iter().find(|c| c.name == name) else {
            let known: Vec<_> = constructors.iter().map(|c| c.name).collect();
            let at = if fields.is_some() {
                key_path(path, name)
            } else {
                path.to_string()
            };
            return Err(self.err(
                &at,
                format!(
                    "unknown redeemer constructor {name:?} for {label} (known: {})",
                    known.join(", ")
                ),
            ));
        };
        match fields {
            None if constructor.fields.is_empty() => {
                Ok(Data::constr(constructor.index, Vec::new()))
            }
            None => {
                let names: Vec<_> = constructor.fields.iter().map(|f| f.name).collect();
                Err(self.err(
                    path,
                    format!(
                        "redeemer {name} has fields ({}): write {{\"{name}\": {{…}}}}, found the bare name",
                        names.join(", ")
                    ),
                ))
            }
            Some(fields) => self.fields(constructor, name, None, fields, &key_path(path, name)),
        }
    }

    /// A typed constructor's fields object: every field required, no others.
    fn fields(
        &self,
        constructor: &Constructor,
        owner: &str,
        variant: Option<&BeaconVariant>,
        json: &Json,
        path: &str,
    ) -> R<PlutusData> {
        let names: Vec<_> = constructor.fields.iter().map(|f| f.name).collect();
        let Json::Object(object) = json else {
            return Err(self.err(
                path,
                format!(
                    "expected an object with the fields of {owner} ({}), found {}",
                    names.join(", "),
                    found(json)
                ),
            ));
        };
        if let Some(unknown) = object.keys().find(|k| !names.contains(&k.as_str())) {
            return Err(self.err(
                &key_path(path, unknown),
                format!(
                    "unknown field {unknown:?} of {owner} (expected: {})",
                    names.join(", ")
                ),
            ));
        }
        let mut data = Vec::with_capacity(constructor.fields.len());
        for field in constructor.fields {
            let Some(value) = object.get(field.name) else {
                return Err(self.err(path, format!("missing field {:?} of {owner}", field.name)));
            };
            data.push(self.field(
                field.kind,
                variant,
                owner,
                value,
                &key_path(path, field.name),
            )?);
        }
        Ok(Data::constr(constructor.index, data))
    }

    fn field(
        &self,
        kind: FieldKind,
        variant: Option<&BeaconVariant>,
        owner: &str,
        json: &Json,
        path: &str,
    ) -> R<PlutusData> {
        if let Some(("raw", raw)) = single_entry(json) {
            return self.plutus(raw, &key_path(path, "raw"));
        }
        let string = |what: &str| -> R<&str> {
            json.as_str().ok_or_else(|| {
                self.err(
                    path,
                    format!(
                        "expected {what} (or {{\"raw\": PLUTUS_JSON}}), found {}",
                        found(json)
                    ),
                )
            })
        };
        match kind {
            FieldKind::PolicyId => {
                let text = string("a script name, token alias, \"ADA\" or hex")?;
                let bytes = if let Some(asset) = self.alias(text) {
                    asset.0.clone()
                } else if let Some(script) = self.deployment.script(text) {
                    script.hash.to_vec()
                } else if is_lower_hex(text) {
                    self.hex(text, path, "a policy id")?
                } else {
                    return Err(self.err(
                        path,
                        format!(
                            "expected a script name ({}), token alias ({}) or lowercase hex, found {text:?}",
                            self.script_names(),
                            self.aliases()
                        ),
                    ));
                };
                Ok(Data::bytestring(bytes))
            }
            FieldKind::AssetName => {
                let text = string("a token alias, \"ADA\" or hex")?;
                let bytes = match self.alias(text) {
                    Some(asset) => asset.1.clone(),
                    None if is_lower_hex(text) => self.hex(text, path, "an asset name")?,
                    None => {
                        return Err(self.err(
                            path,
                            format!(
                                "unknown token alias {text:?} (known: {}), and not lowercase hex",
                                self.aliases()
                            ),
                        ));
                    }
                };
                Ok(Data::bytestring(bytes))
            }
            FieldKind::Beacon => {
                let text = string("a beacon expression or hex")?;
                if text.contains('(') {
                    let Some(variant) = variant else {
                        return Err(self.err(
                            path,
                            format!("{owner} has no beacon variant: write the name as hex"),
                        ));
                    };
                    Ok(Data::bytestring(
                        self.beacon(variant, owner, text, path)?.to_vec(),
                    ))
                } else {
                    Ok(Data::bytestring(self.hex(text, path, "a beacon name")?))
                }
            }
            FieldKind::Rational => {
                let Some(object) = json.as_object() else {
                    return Err(self.err(
                        path,
                        format!(
                            "expected {{\"num\": INT, \"den\": INT}}, found {}",
                            found(json)
                        ),
                    ));
                };
                if let Some(unknown) = object.keys().find(|k| *k != "num" && *k != "den") {
                    return Err(self.err(
                        &key_path(path, unknown),
                        format!("unknown field {unknown:?} of a rational (expected: num, den)"),
                    ));
                }
                let mut parts = Vec::with_capacity(2);
                for part in ["num", "den"] {
                    let value = object.get(part).ok_or_else(|| {
                        self.err(path, format!("missing field {part:?} of a rational"))
                    })?;
                    parts.push(Data::integer(self.integer(value, &key_path(path, part))?));
                }
                Ok(Data::constr(0, parts))
            }
            FieldKind::PrevInput => {
                let out_ref = match single_entry(json) {
                    _ if json.is_null() => return Ok(Data::constr(1, Vec::new())),
                    Some(("utxo", Json::String(name))) => {
                        self.utxo_ref(name, &key_path(path, "utxo"))?
                    }
                    Some(("ref", Json::String(text))) => {
                        self.out_ref(text, &key_path(path, "ref"))?
                    }
                    _ => {
                        return Err(self.err(
                            path,
                            format!(
                                "expected null, {{\"utxo\": NAME}}, {{\"ref\": \"<64 hex>#<index>\"}} or {{\"raw\": PLUTUS_JSON}}, found {}",
                                found(json)
                            ),
                        ));
                    }
                };
                Ok(prev_input(&out_ref))
            }
            FieldKind::Int | FieldKind::OutputIndex => Ok(Data::integer(self.integer(json, path)?)),
            FieldKind::InputIndex => {
                if let Json::String(name) = json
                    && !is_decimal(name)
                {
                    let position = self
                        .sorted_inputs
                        .iter()
                        .position(|n| n == name)
                        .ok_or_else(|| {
                            self.err(
                                path,
                                format!(
                                    "utxo {name:?} is not a spent input (inputs: {})",
                                    list(&self.sorted_inputs)
                                ),
                            )
                        })?;
                    return Ok(Data::integer(BigInt::from(position)));
                }
                Ok(Data::integer(self.integer(json, path)?))
            }
        }
    }

    /// Raw Plutus Data in cardano-cli's detailed JSON schema.
    fn plutus(&self, json: &Json, path: &str) -> R<PlutusData> {
        let expected = "expected Plutus Data JSON: {\"constructor\": N, \"fields\": [...]}, {\"int\": N}, {\"bytes\": HEX}, {\"list\": [...]} or {\"map\": [{\"k\": .., \"v\": ..}]}";
        let Json::Object(object) = json else {
            return Err(self.err(path, format!("{expected}, found {}", found(json))));
        };
        if object.contains_key("constructor") || object.contains_key("fields") {
            if let Some(unknown) = object
                .keys()
                .find(|k| *k != "constructor" && *k != "fields")
            {
                return Err(self.err(
                    &key_path(path, unknown),
                    format!("unknown field {unknown:?} next to \"constructor\""),
                ));
            }
            let index_json = object
                .get("constructor")
                .ok_or_else(|| self.err(path, "missing field \"constructor\""))?;
            let index_path_ = key_path(path, "constructor");
            let index = self.integer(index_json, &index_path_)?;
            let index = u64::try_from(index).map_err(|_| {
                self.err(
                    &index_path_,
                    format!(
                        "expected a non-negative constructor index, found {}",
                        found(index_json)
                    ),
                )
            })?;
            let fields_path = key_path(path, "fields");
            let Some(Json::Array(items)) = object.get("fields") else {
                return Err(self.err(path, "missing field \"fields\" (an array)"));
            };
            let fields = items
                .iter()
                .enumerate()
                .map(|(i, item)| self.plutus(item, &index_path(&fields_path, i)))
                .collect::<R<Vec<_>>>()?;
            return Ok(Data::constr(index, fields));
        }
        let Some((key, value)) = single_entry(json) else {
            return Err(self.err(path, format!("{expected}, found {}", found(json))));
        };
        let inner = key_path(path, key);
        match (key, value) {
            ("int", value) => Ok(Data::integer(self.integer(value, &inner)?)),
            ("bytes", Json::String(text)) => Ok(Data::bytestring(self.hex(text, &inner, "bytes")?)),
            ("list", Json::Array(items)) => Ok(Data::list(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| self.plutus(item, &index_path(&inner, i)))
                    .collect::<R<Vec<_>>>()?,
            )),
            ("map", Json::Array(entries)) => {
                let mut pairs = Vec::with_capacity(entries.len());
                for (i, entry) in entries.iter().enumerate() {
                    let epath = index_path(&inner, i);
                    let object = entry
                        .as_object()
                        .filter(|o| o.len() == 2 && o.contains_key("k") && o.contains_key("v"));
                    let Some(object) = object else {
                        return Err(self.err(
                            &epath,
                            format!(
                                "expected {{\"k\": DATA, \"v\": DATA}}, found {}",
                                found(entry)
                            ),
                        ));
                    };
                    let k = self.plutus(&object["k"], &key_path(&epath, "k"))?;
                    let v = self.plutus(&object["v"], &key_path(&epath, "v"))?;
                    pairs.push((k, v));
                }
                Ok(Data::map(pairs))
            }
            ("bytes", other) => Err(self.err(
                &inner,
                format!("expected a hex string, found {}", found(other)),
            )),
            ("list" | "map", other) => {
                Err(self.err(&inner, format!("expected an array, found {}", found(other))))
            }
            _ => Err(self.err(path, format!("{expected}, found {}", found(json)))),
        }
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

/// `prev_input = Some(out_ref)` in the Plutus V2 layout (spec SWAP-V3-03):
/// `Constr 0 [Constr 0 [Constr 0 [B tx_id], I index]]`.
pub fn prev_input(out_ref: &OutRef) -> PlutusData {
    let tx_id = Data::constr(0, vec![Data::bytestring(out_ref.tx_id.to_vec())]);
    let reference = Data::constr(0, vec![tx_id, Data::integer(BigInt::from(out_ref.index))]);
    Data::constr(0, vec![reference])
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
