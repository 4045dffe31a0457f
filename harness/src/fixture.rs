//! Fixtures as written: serde structs that mirror the JSON of `fixtures/**/*.json` one to one
//! (`deny_unknown_fields` everywhere), and the one [`Error`] type of fixture loading and
//! [`crate::resolve`]. First stage of the pipeline: fixture → resolve → scenario → tx → eval.
//!
//! Parts whose meaning depends on names (values' asset keys, datums, redeemers, mint policies) are
//! kept as written here and interpreted by [`crate::resolve`], which reports the JSON path of
//! anything it rejects. The format is documented in `fixtures/README.md` and
//! `fixtures/schema.json`.

use serde::{
    Deserialize, Deserializer,
    de::{MapAccess, Visitor},
};
use serde_json::Value as Json;
use std::{fmt, marker::PhantomData, path::Path};

/// Why a fixture could not be loaded or resolved. Every message names the file, and the JSON
/// path (`$.tx.inputs[0].redeemer`) or line and column where the problem is.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum Error {
    /// The file could not be read.
    #[error("{file}: cannot read the fixture: {source}")]
    #[diagnostic(code(harness::fixture::io))]
    Io {
        /// The fixture file.
        file: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The file is not JSON.
    #[error("{file}: line {line}, column {column}: malformed JSON: {message}")]
    #[diagnostic(code(harness::fixture::syntax))]
    Syntax {
        /// The fixture file.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser expected.
        message: String,
        /// The fixture's text, which a rendered diagnostic quotes around [`Error::Syntax::at`].
        #[source_code]
        text: String,
        /// Where the parser stopped.
        #[label("{message}")]
        at: miette::SourceSpan,
    },
    /// The JSON does not describe a valid fixture: wrong structure, or a name, hex string or
    /// quantity that does not resolve.
    #[error("{file}: {path}: {message}")]
    #[diagnostic(
        code(harness::fixture::invalid),
        help(
            "the fixture format is described in fixtures/README.md and fixtures/schema.json; a JSON file that is no fixture is skipped when its name, or a directory's, starts with `_`"
        )
    )]
    Invalid {
        /// The fixture file.
        file: String,
        /// JSONPath of the offending value (`$` is the document).
        path: String,
        /// What was expected and what was found.
        message: String,
    },
}

impl Error {
    /// An [`Error::Invalid`] at `path` in `file`.
    pub fn invalid(file: &str, path: &str, message: impl Into<String>) -> Error {
        Error::Invalid {
            file: file.to_string(),
            path: path.to_string(),
            message: message.into(),
        }
    }
}

/// A map that keeps the file's key order and rejects duplicate keys (serde_json's own map
/// silently keeps the last).
#[derive(Debug, Clone, PartialEq)]
pub struct OrderedMap<T>(pub Vec<(String, T)>);

impl<T> Default for OrderedMap<T> {
    fn default() -> Self {
        OrderedMap(Vec::new())
    }
}

impl<T> OrderedMap<T> {
    /// The entry named `key`.
    pub fn get(&self, key: &str) -> Option<&T> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Whether there is an entry named `key`.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// The keys, in file order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(k, _)| k.as_str())
    }

    /// The entries, in file order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &T)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OrderedMap<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MapVisitor<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for MapVisitor<T> {
            type Value = OrderedMap<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries: Vec<(String, T)> = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    if entries.iter().any(|(k, _)| *k == key) {
                        return Err(serde::de::Error::custom(format!("duplicate key `{key}`")));
                    }
                    let value = map.next_value()?;
                    entries.push((key, value));
                }
                Ok(OrderedMap(entries))
            }
        }
        deserializer.deserialize_map(MapVisitor(PhantomData))
    }
}

/// A whole fixture file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fixture {
    /// One sentence: what happens.
    pub description: String,
    /// The protocol exercised (`swaps`).
    pub protocol: String,
    /// The spec rule IDs covered; each must be in the rule catalogue.
    pub rules: Vec<String>,
    /// The expected outcome.
    pub expect: ExpectSpec,
    /// Token aliases; `ADA` is predefined.
    #[serde(default)]
    pub tokens: OrderedMap<TokenSpec>,
    /// Named UTxOs the transaction spends or references.
    #[serde(default)]
    pub utxos: OrderedMap<UtxoSpec>,
    /// The transaction.
    pub tx: TxJson,
}

/// A chain of transactions (`*.chain.json`): each step is a fixture's transaction, run in
/// order, and later steps spend the outputs earlier steps named.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Chain {
    /// One sentence: the lifecycle.
    pub description: String,
    /// The protocol exercised.
    pub protocol: String,
    /// Token aliases every step uses.
    #[serde(default)]
    pub tokens: OrderedMap<TokenSpec>,
    /// The steps, in order.
    pub steps: Vec<Step>,
}

/// One transaction of a chain: a fixture without `protocol` and `tokens` (the chain's), whose
/// inputs may also name the outputs earlier steps named.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// The step's name, unique in the chain (`fill1`).
    pub name: String,
    /// One sentence: what happens.
    pub description: String,
    /// The spec rule IDs covered.
    pub rules: Vec<String>,
    /// The expected outcome.
    pub expect: ExpectSpec,
    /// UTxOs that enter the ledger before this step (a taker's funds).
    #[serde(default)]
    pub utxos: OrderedMap<UtxoSpec>,
    /// The transaction.
    pub tx: TxJson,
}

impl Chain {
    /// One of its steps as a fixture of its own.
    pub fn fixture(&self, step: &Step) -> Fixture {
        Fixture {
            description: step.description.clone(),
            protocol: self.protocol.clone(),
            rules: step.rules.clone(),
            expect: step.expect.clone(),
            tokens: self.tokens.clone(),
            utxos: step.utxos.clone(),
            tx: step.tx.clone(),
        }
    }
}

/// Whether `path` names a chain: its file name ends in `.chain.json`.
pub fn is_chain(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.ends_with(".chain.json"))
}

/// `"ok"`, `{"fail": "RULE-ID"}`, `{"unlabelled": "PURPOSE"}` or `{"refused": "LEDGER-RULE"}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExpectSpec {
    /// Every script accepts.
    Ok,
    /// Some script rejects, naming this rule.
    Fail(String),
    /// The script of this redeemer purpose (`spend swap1`) rejects without naming any rule (a
    /// failed cast, a crash).
    Unlabelled(String),
    /// The ledger refuses the transaction, for this rule (`OutputTooSmallUTxO`, ...).
    Refused(crate::ledger::Refusal),
}

impl<'de> Deserialize<'de> for ExpectSpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ExpectVisitor;
        impl<'de> Visitor<'de> for ExpectVisitor {
            type Value = ExpectSpec;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(r#""ok", {"fail": "RULE-ID"}, {"unlabelled": "PURPOSE"} or {"refused": "LEDGER-RULE"}"#)
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<ExpectSpec, E> {
                match v {
                    "ok" => Ok(ExpectSpec::Ok),
                    other => Err(E::invalid_value(serde::de::Unexpected::Str(other), &self)),
                }
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<ExpectSpec, A::Error> {
                const KEYS: &[&str] = &["fail", "unlabelled", "refused"];
                one_key(map, KEYS, |key, map| match key {
                    "fail" => Ok(ExpectSpec::Fail(map.next_value()?)),
                    "unlabelled" => Ok(ExpectSpec::Unlabelled(map.next_value()?)),
                    "refused" => {
                        let name: String = map.next_value()?;
                        crate::ledger::Refusal::named(&name)
                            .map(ExpectSpec::Refused)
                            .ok_or_else(|| {
                                serde::de::Error::unknown_variant(
                                    &name,
                                    &crate::ledger::Refusal::NAMES,
                                )
                            })
                    }
                    _ => Err(serde::de::Error::unknown_variant(key, KEYS)),
                })
            }
        }
        deserializer.deserialize_any(ExpectVisitor)
    }
}

/// Reads an object that must have exactly one key out of `keys` (an externally tagged enum):
/// `value` reads the value of that key from `map`. serde's derive reports an extra key or an
/// empty object as a JSON syntax error; this names the keys instead.
fn one_key<'de, A, T>(
    mut map: A,
    keys: &'static [&'static str],
    value: impl FnOnce(&str, &mut A) -> Result<T, A::Error>,
) -> Result<T, A::Error>
where
    A: MapAccess<'de>,
{
    use serde::de::Error as _;
    let quoted = || {
        keys.iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let Some(key) = map.next_key::<String>()? else {
        return Err(A::Error::custom(format!(
            "expected an object with one of the keys {}, found an empty object",
            quoted()
        )));
    };
    if !keys.contains(&key.as_str()) {
        return Err(A::Error::unknown_variant(&key, keys));
    }
    let result = value(&key, &mut map)?;
    if let Some(extra) = map.next_key::<String>()? {
        return Err(A::Error::custom(format!(
            "expected only one of the keys {}, found `{key}` and `{extra}`",
            quoted()
        )));
    }
    Ok(result)
}

/// Implements `Deserialize` for an enum written as a one-key object (`{"key": "alice"}`).
macro_rules! one_key_enum {
    ($ty:ident, $expecting:literal, { $($key:literal => $variant:ident),* $(,)? }) => {
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct OneKeyVisitor;
                impl<'de> Visitor<'de> for OneKeyVisitor {
                    type Value = $ty;
                    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                        f.write_str($expecting)
                    }
                    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<$ty, A::Error> {
                        const KEYS: &[&str] = &[$($key),*];
                        one_key(map, KEYS, |key, map| match key {
                            $($key => Ok($ty::$variant(map.next_value()?)),)*
                            _ => Err(serde::de::Error::unknown_variant(key, KEYS)),
                        })
                    }
                }
                deserializer.deserialize_map(OneKeyVisitor)
            }
        }
    };
}

/// A token alias: policy (56 hex, or a deployment script name) and asset name (hex).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenSpec {
    /// 56 hex digits or a deployment script name.
    pub policy: String,
    /// Hex, at most 32 bytes; may be empty.
    pub name: String,
}

/// A payment or stake credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialSpec {
    /// The key derived from this name ([`crate::keys::Key::named`]).
    Key(String),
    /// A deployment script, by name.
    Script(String),
    /// The native script `ScriptPubkey` requiring this key's signature.
    Native(String),
    /// A key hash (56 hex).
    KeyHash(String),
    /// A script hash (56 hex) of a script the harness does not know.
    ScriptHash(String),
}

one_key_enum!(CredentialSpec,
    "a credential: {\"key\": NAME}, {\"script\": NAME}, {\"native\": NAME}, {\"key_hash\": HEX} \
     or {\"script_hash\": HEX}", {
    "key" => Key, "script" => Script, "native" => Native, "key_hash" => KeyHash, "script_hash" => ScriptHash,
});

/// The stake part of an address: a credential or a pointer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StakeSpec {
    /// See [`CredentialSpec::Key`].
    Key(String),
    /// See [`CredentialSpec::Script`].
    Script(String),
    /// See [`CredentialSpec::Native`].
    Native(String),
    /// See [`CredentialSpec::KeyHash`].
    KeyHash(String),
    /// See [`CredentialSpec::ScriptHash`].
    ScriptHash(String),
    /// A stake pointer: slot, transaction index, certificate index.
    Pointer([u64; 3]),
}

impl StakeSpec {
    /// The stake credential, or `None` for a pointer.
    pub fn credential(&self) -> Option<CredentialSpec> {
        Some(match self {
            StakeSpec::Key(n) => CredentialSpec::Key(n.clone()),
            StakeSpec::Script(n) => CredentialSpec::Script(n.clone()),
            StakeSpec::Native(n) => CredentialSpec::Native(n.clone()),
            StakeSpec::KeyHash(h) => CredentialSpec::KeyHash(h.clone()),
            StakeSpec::ScriptHash(h) => CredentialSpec::ScriptHash(h.clone()),
            StakeSpec::Pointer(_) => return None,
        })
    }
}

one_key_enum!(StakeSpec, "a stake credential or {\"pointer\": [SLOT, TX_INDEX, CERT_INDEX]}", {
    "key" => Key, "script" => Script, "native" => Native, "key_hash" => KeyHash, "script_hash" => ScriptHash,
    "pointer" => Pointer,
});

/// An address; no `stake` means no stake part.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddressSpec {
    /// Payment credential.
    pub payment: CredentialSpec,
    /// Stake part.
    pub stake: Option<StakeSpec>,
}

/// A value: `"lovelace"`, token aliases and `"POLICY:NAME"` keys with positive quantities.
pub type ValueSpec = OrderedMap<Quantity>;

/// A quantity as written: any JSON integer (its sign and range are checked by
/// [`crate::resolve`], which knows whether it is a value or a mint).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quantity(pub i128);

impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct QuantityVisitor;
        impl Visitor<'_> for QuantityVisitor {
            type Value = Quantity;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an integer quantity")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Quantity, E> {
                Ok(Quantity(i128::from(v)))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Quantity, E> {
                Ok(Quantity(i128::from(v)))
            }
            fn visit_i128<E: serde::de::Error>(self, v: i128) -> Result<Quantity, E> {
                Ok(Quantity(v))
            }
        }
        deserializer.deserialize_any(QuantityVisitor)
    }
}

/// An output datum; the inner JSON is raw Plutus JSON or a typed form.
#[derive(Debug, Clone)]
pub enum DatumSpec {
    /// An inline datum.
    Inline(Json),
    /// A datum hash (the datum goes in the witness set when spent).
    Hash(Json),
}

one_key_enum!(DatumSpec, "{\"inline\": DATUM} or {\"hash\": DATUM}", {
    "inline" => Inline, "hash" => Hash,
});

/// A named UTxO.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UtxoSpec {
    /// `"<64 hex>#<index>"`; default: blake2b-256 of the UTxO's name, index 0.
    #[serde(rename = "ref")]
    pub out_ref: Option<String>,
    /// Where it sits.
    pub address: AddressSpec,
    /// What it holds.
    pub value: ValueSpec,
    /// Its datum.
    pub datum: Option<DatumSpec>,
    /// A deployment script name stored as its reference script.
    pub reference_script: Option<String>,
}

/// A spent input.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InputSpec {
    /// The UTxO's name.
    pub utxo: String,
    /// Only for inputs locked by a Plutus script.
    pub redeemer: Option<Json>,
}

/// A created output.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutputSpec {
    /// Where it goes.
    pub address: AddressSpec,
    /// What it holds (may be omitted on the change output).
    #[serde(default)]
    pub value: ValueSpec,
    /// Its datum.
    pub datum: Option<DatumSpec>,
    /// A deployment script name stored as its reference script.
    pub reference_script: Option<String>,
    /// Whether the harness adds the balance to this output (at most one).
    #[serde(default)]
    pub change: bool,
    /// In a chain's step: the name by which later steps spend or reference this output.
    pub name: Option<String>,
}

/// What one policy mints or burns.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MintSpec {
    /// A deployment script name, or a credential object naming a script (`{"native": "alice"}`).
    pub policy: Json,
    /// Asset name (hex or beacon expression) → non-zero quantity.
    pub assets: OrderedMap<Quantity>,
    /// For Plutus policies.
    pub redeemer: Option<Json>,
}

/// A withdrawal.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WithdrawalSpec {
    /// The reward account's credential.
    pub credential: CredentialSpec,
    /// Lovelace withdrawn.
    pub amount: u64,
    /// For script credentials.
    pub redeemer: Option<Json>,
}

/// A certificate: exactly one of `register` (with `deposit`), `unregister` (with `refund`),
/// `delegate` (with `pool`) or `register_drep` (with `deposit`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CertificateSpec {
    /// Conway registration of this credential.
    pub register: Option<CredentialSpec>,
    /// Conway deregistration of this credential.
    pub unregister: Option<CredentialSpec>,
    /// Delegation of this credential.
    pub delegate: Option<CredentialSpec>,
    /// Registration of this credential as a DRep (Conway certificate 16, no anchor).
    pub register_drep: Option<CredentialSpec>,
    /// With `register` or `register_drep`.
    pub deposit: Option<u64>,
    /// With `unregister`.
    pub refund: Option<u64>,
    /// With `delegate`: pool id, 56 hex.
    pub pool: Option<String>,
    /// For script credentials.
    pub redeemer: Option<Json>,
}

/// Validity interval in slots.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValiditySpec {
    /// First valid slot (inclusive).
    pub from: Option<u64>,
    /// First invalid slot (exclusive).
    pub to: Option<u64>,
}

/// The transaction.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TxJson {
    /// Spent inputs.
    #[serde(default)]
    pub inputs: Vec<InputSpec>,
    /// Referenced UTxO names.
    #[serde(default)]
    pub reference_inputs: Vec<String>,
    /// Created outputs.
    #[serde(default)]
    pub outputs: Vec<OutputSpec>,
    /// Mints and burns.
    #[serde(default)]
    pub mint: Vec<MintSpec>,
    /// Withdrawals.
    #[serde(default)]
    pub withdrawals: Vec<WithdrawalSpec>,
    /// Certificates.
    #[serde(default)]
    pub certificates: Vec<CertificateSpec>,
    /// Key names that must sign.
    #[serde(default)]
    pub required_signers: Vec<String>,
    /// Validity interval.
    pub validity: Option<ValiditySpec>,
}

/// Reads and parses the fixture at `path`.
pub fn load(path: &Path) -> Result<Fixture, Error> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        file: file.clone(),
        source,
    })?;
    parse(&file, &text)
}

/// Parses fixture JSON; `file` names it in errors.
pub fn parse(file: &str, text: &str) -> Result<Fixture, Error> {
    parse_as(file, text).map_err(|e| {
        let has_steps = serde_json::from_str::<Json>(text).is_ok_and(|j| j.get("steps").is_some());
        match e {
            Error::Invalid { file, path, .. } if has_steps && path == "$.steps" => Error::Invalid {
                file,
                path,
                message: "this is a chain (it has steps): chains are read only from files named <name>.chain.json".into(),
            },
            other => other,
        }
    })
}

/// Reads and parses the chain at `path`.
pub fn load_chain(path: &Path) -> Result<Chain, Error> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        file: file.clone(),
        source,
    })?;
    parse_chain(&file, &text)
}

/// Parses chain JSON; `file` names it in errors.
pub fn parse_chain(file: &str, text: &str) -> Result<Chain, Error> {
    let chain: Chain = parse_as(file, text)?;
    for (i, step) in chain.steps.iter().enumerate() {
        if chain.steps[..i].iter().any(|s| s.name == step.name) {
            let path = key_path(&index_path("$.steps", i), "name");
            return Err(Error::invalid(
                file,
                &path,
                format!("step {:?} is named twice", step.name),
            ));
        }
    }
    if chain.steps.is_empty() {
        return Err(Error::invalid(
            file,
            "$.steps",
            "expected at least one step",
        ));
    }
    Ok(chain)
}

fn parse_as<T: serde::de::DeserializeOwned>(file: &str, text: &str) -> Result<T, Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value: T =
        serde_path_to_error::deserialize(&mut de).map_err(|e| from_serde(file, text, e))?;
    de.end().map_err(|e| syntax(file, text, &e))?;
    Ok(value)
}

fn syntax(file: &str, text: &str, e: &serde_json::Error) -> Error {
    Error::Syntax {
        file: file.to_string(),
        line: e.line(),
        column: e.column(),
        message: strip_position(&e.to_string()),
        text: text.to_string(),
        at: offset(text, e.line(), e.column()).into(),
    }
}

/// The byte offset of a 1-based line and column (serde_json counts columns in bytes), clamped
/// to the text.
fn offset(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (start + column.saturating_sub(1)).min(text.len())
}

fn from_serde(file: &str, text: &str, e: serde_path_to_error::Error<serde_json::Error>) -> Error {
    use serde_json::error::Category;
    let path = json_path(e.path());
    let inner = e.into_inner();
    // serde_json reports some type mismatches (a string where it parses a number) as syntax
    // errors; only text that is not JSON at all is malformed.
    let well_formed = || serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok();
    match inner.classify() {
        Category::Syntax | Category::Eof if !well_formed() => syntax(file, text, &inner),
        Category::Syntax | Category::Eof | Category::Io | Category::Data => {
            let message = format!(
                "{} (line {}, column {})",
                strip_position(&inner.to_string()),
                inner.line(),
                inner.column()
            );
            Error::invalid(file, &path, message)
        }
    }
}

/// serde_json appends " at line L column C" to its messages; we report those separately.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message.to_string(),
    }
}

/// Renders a serde path as JSONPath: `$.tx.inputs[0].redeemer`, `$.utxos.swap1.value["a:b"]`.
pub fn json_path(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::from("$");
    for segment in path {
        match segment {
            Segment::Seq { index } => out = index_path(&out, *index),
            Segment::Map { key } => out = key_path(&out, key),
            Segment::Enum { variant } => out = key_path(&out, variant),
            Segment::Unknown => out.push_str(".?"),
        }
    }
    out
}

/// `parent.key`, or `parent["key"]` when the key is not a plain identifier.
pub fn key_path(parent: &str, key: &str) -> String {
    let plain = !key.is_empty()
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !key.starts_with(|c: char| c.is_ascii_digit());
    if plain {
        format!("{parent}.{key}")
    } else {
        format!("{parent}[{}]", Json::String(key.to_string()))
    }
}

/// `parent[index]`.
pub fn index_path(parent: &str, index: usize) -> String {
    format!("{parent}[{index}]")
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"{
        "description": "nothing happens",
        "protocol": "swaps",
        "rules": [],
        "expect": "ok",
        "tx": {}
    }"#;

    #[test]
    fn a_syntax_error_points_at_where_the_parser_stopped() {
        assert_eq!(offset("ab\ncd", 2, 2), 4);
        assert_eq!(offset("ab", 9, 9), 2);
        let text = "{\n  \"description\": ,\n}";
        let Err(Error::Syntax { line, at, .. }) = parse("s.json", text) else {
            panic!("a syntax error");
        };
        assert_eq!((line, &text[at.offset()..at.offset() + 1]), (2, ","));
    }

    #[test]
    fn minimal_fixture_parses_with_defaults() {
        let f = parse("m.json", MINIMAL).unwrap();
        assert_eq!(f.expect, ExpectSpec::Ok);
        assert!(f.utxos.0.is_empty() && f.tokens.0.is_empty());
        assert!(f.tx.inputs.is_empty() && f.tx.validity.is_none());
    }

    #[test]
    fn expect_fail_parses() {
        let text = MINIMAL.replace(
            r#""expect": "ok""#,
            r#""expect": {"fail": "SWAP-OW-EXEC-09"}"#,
        );
        assert_eq!(
            parse("m.json", &text).unwrap().expect,
            ExpectSpec::Fail("SWAP-OW-EXEC-09".into())
        );
    }

    #[test]
    fn ordered_map_keeps_order_and_rejects_duplicates() {
        let map: OrderedMap<Quantity> = serde_json::from_str(r#"{"b": 1, "a": -2}"#).unwrap();
        assert_eq!(map.keys().collect::<Vec<_>>(), ["b", "a"]);
        assert_eq!(map.get("a"), Some(&Quantity(-2)));
        let err = serde_json::from_str::<OrderedMap<Quantity>>(r#"{"a": 1, "a": 2}"#).unwrap_err();
        assert!(err.to_string().contains("duplicate key `a`"), "{err}");
    }

    #[test]
    fn structural_errors_carry_the_json_path() {
        let text = MINIMAL.replace(
            r#""tx": {}"#,
            r#""tx": {"inputs": [{"utxo": "a", "extra": 1}]}"#,
        );
        let err = parse("m.json", &text).unwrap_err().to_string();
        assert!(err.starts_with("m.json: $.tx.inputs[0]"), "{err}");
        assert!(err.contains("unknown field `extra`"), "{err}");
    }

    #[test]
    fn one_key_objects_reject_extra_and_missing_keys() {
        let with = |expect: &str, address: &str| {
            let text = MINIMAL
                .replace(r#""expect": "ok""#, &format!(r#""expect": {expect}"#))
                .replace(
                    r#""tx": {}"#,
                    &format!(r#""tx": {{"outputs": [{{"address": {address}}}]}}"#),
                );
            parse("m.json", &text).map(|_| ()).unwrap_err().to_string()
        };
        let key = r#"{"payment": {"key": "alice"}}"#;
        let err = with(r#""ok""#, r#"{"payment": {"key": "alice", "script": "x"}}"#);
        assert!(
            err.starts_with(
                "m.json: $.tx.outputs[0].address.payment: expected only one of the keys"
            ),
            "{err}"
        );
        assert!(err.contains("found `key` and `script`"), "{err}");
        let err = with(r#""ok""#, r#"{"payment": {}}"#);
        assert!(
            err.contains(
                "$.tx.outputs[0].address.payment: expected an object with one of the keys `key`"
            ),
            "{err}"
        );
        let err = with(r#""ok""#, r#"{"payment": {"hash": "x"}}"#);
        assert!(
            err.contains("unknown variant `hash`, expected one of `key`"),
            "{err}"
        );
        let err = with(r#""ok""#, r#"{"payment": {"key": 5}}"#);
        assert!(
            err.contains("$.tx.outputs[0].address.payment.key: invalid type: integer `5`"),
            "{err}"
        );
        let err = with(r#"{"fail": "X", "y": 1}"#, key);
        assert!(
            err.contains(
                "$.expect: expected only one of the keys `fail`, `unlabelled`, `refused`, found `fail` and `y`"
            ),
            "{err}"
        );
        let err = with(r#""pass""#, key);
        assert!(
            err.contains(
                r#"$.expect: invalid value: string "pass", expected "ok", {"fail": "RULE-ID"}, {"unlabelled": "PURPOSE"} or {"refused": "LEDGER-RULE"}"#
            ),
            "{err}"
        );
        let err = with(
            r#""ok""#,
            r#"{"payment": {"key": "a"}, "stake": {"pointer": [1, 2]}}"#,
        );
        assert!(
            err.contains("$.tx.outputs[0].address.stake.pointer: invalid length 2"),
            "{err}"
        );
        let ok = with(
            r#""ok""#,
            r#"{"payment": {"key": "a"}, "stake": {"pointer": [1, 2, 3]}, "x": 1}"#,
        );
        assert!(ok.contains("unknown field `x`"), "{ok}");
    }

    #[test]
    fn type_mismatches_are_not_syntax_errors() {
        let text = MINIMAL.replace(
            r#""tx": {}"#,
            r#""tx": {"withdrawals": [{"credential": {"key": "a"}, "amount": "lots"}]}"#,
        );
        let err = parse("m.json", &text).unwrap_err();
        assert!(matches!(err, Error::Invalid { .. }), "{err}");
    }

    #[test]
    fn syntax_errors_carry_line_and_column() {
        let err = parse("m.json", "{\n  \"description\": ,\n}").unwrap_err();
        assert!(matches!(err, Error::Syntax { line: 2, .. }), "{err}");
        assert!(
            err.to_string().starts_with("m.json: line 2, column"),
            "{err}"
        );
    }

    #[test]
    fn trailing_garbage_is_a_syntax_error() {
        let err = parse("m.json", &format!("{MINIMAL} x")).unwrap_err();
        assert!(matches!(err, Error::Syntax { .. }), "{err}");
    }

    #[test]
    fn paths_quote_keys_that_are_not_identifiers() {
        assert_eq!(key_path("$.v", "lovelace"), "$.v.lovelace");
        assert_eq!(
            key_path("$.v", "beacon:pair(T,ADA)"),
            r#"$.v["beacon:pair(T,ADA)"]"#
        );
        assert_eq!(key_path("$", "0abc"), r#"$["0abc"]"#);
        assert_eq!(index_path("$.tx.inputs", 2), "$.tx.inputs[2]");
    }
}
