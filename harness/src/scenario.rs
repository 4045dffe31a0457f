//! A scenario is a fixture after [`crate::resolve`]: every symbolic name (script, key, token,
//! beacon) replaced by bytes for one deployment, every datum and redeemer turned into Plutus Data.
//! [`crate::tx`] turns it into a Conway transaction.

use pallas_primitives::PlutusData;
use std::{collections::BTreeMap, path::PathBuf};

/// The outcome a fixture expects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    /// Every script accepts the transaction.
    Ok,
    /// Some script rejects it, and the traced build names this rule ID while failing.
    Fail(String),
    /// The script of the redeemer whose purpose starts with this (`spend swap1`) rejects it,
    /// and the traced build names no rule: a rejection without a label.
    Unlabelled(String),
    /// The ledger refuses the transaction for this rule, whatever its scripts do.
    Refused(crate::ledger::Refusal),
}

impl From<crate::fixture::ExpectSpec> for Expect {
    fn from(spec: crate::fixture::ExpectSpec) -> Expect {
        use crate::fixture::ExpectSpec;
        match spec {
            ExpectSpec::Ok => Expect::Ok,
            ExpectSpec::Fail(rule) => Expect::Fail(rule),
            ExpectSpec::Unlabelled(purpose) => Expect::Unlabelled(purpose),
            ExpectSpec::Refused(refusal) => Expect::Refused(refusal),
        }
    }
}

/// A resolved fixture.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// The fixture file.
    pub path: PathBuf,
    /// In a chain: the step's name.
    pub step: Option<String>,
    pub description: String,
    /// The protocol the fixture exercises (`swaps`, ...).
    pub protocol: String,
    /// The spec rule IDs the fixture covers.
    pub rules: Vec<String>,
    pub expect: Expect,
    pub tx: TxSpec,
}

impl Scenario {
    /// How reports name it: the file, and `#step` for a chain's step.
    pub fn subject(&self) -> String {
        match &self.step {
            Some(step) => format!("{}#{step}", self.path.display()),
            None => self.path.display().to_string(),
        }
    }
}

/// A 28-byte key or script hash.
pub type Hash28 = [u8; 28];

/// A payment or stake credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Credential {
    Key(Hash28),
    Script(Hash28),
}

impl Credential {
    /// The key or script hash.
    pub fn hash(&self) -> &Hash28 {
        match self {
            Credential::Key(hash) | Credential::Script(hash) => hash,
        }
    }
}

/// The stake part of an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stake {
    None,
    Inline(Credential),
    /// A stake pointer (slot, transaction index, certificate index).
    Pointer(u64, u64, u64),
}

/// A Shelley address (the harness always uses the mainnet network id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Address {
    pub payment: Credential,
    pub stake: Stake,
}

/// An asset class: policy id and asset name (lovelace is kept apart, see [`Value`]).
pub type AssetClass = (Vec<u8>, Vec<u8>);

/// Lovelace plus native assets with their quantities (kept sorted by policy, then name).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Value {
    pub lovelace: u64,
    pub assets: BTreeMap<AssetClass, u64>,
}

/// The datum an output carries.
#[derive(Debug, Clone, PartialEq)]
pub enum Datum {
    None,
    /// Only the hash goes in the output; the datum itself goes in the witness set when the
    /// output is spent.
    Hash(PlutusData),
    Inline(PlutusData),
}

/// A script the transaction may need: a compiled Plutus V3 validator or a native script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Script {
    /// A Plutus V3 script: `bytes` are the serialised script (CBOR byte string of the flat
    /// program), exactly what a witness set or a reference script holds.
    PlutusV3 { name: String, bytes: Vec<u8> },
    /// A native script requiring the signature of one key (`ScriptPubkey`).
    Signature { key: String },
}

/// A transaction output as the ledger holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    pub address: Address,
    pub value: Value,
    pub datum: Datum,
    pub reference_script: Option<Script>,
}

impl Output {
    /// Its inline datum, if it has one.
    pub fn inline_datum(&self) -> Option<&PlutusData> {
        match &self.datum {
            Datum::Inline(data) => Some(data),
            _ => None,
        }
    }

    /// An output holding `value` at `address`, with no datum and no reference script.
    pub fn plain(address: Address, value: Value) -> Output {
        Output {
            address,
            value,
            datum: Datum::None,
            reference_script: None,
        }
    }
}

/// A reference to an output: transaction id and index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct OutRef {
    pub tx_id: [u8; 32],
    pub index: u64,
}

/// An unspent output the scenario starts from, with the fixture's name for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Utxo {
    pub name: String,
    pub out_ref: OutRef,
    pub output: Output,
}

/// An input the transaction spends; script-locked inputs carry a redeemer.
#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    pub utxo: Utxo,
    pub redeemer: Option<PlutusData>,
}

/// An output the transaction creates. At most one output is the change: the harness sets its
/// value to whatever balances the transaction (everything in, minus everything else out and the
/// fee), on top of what the fixture wrote in it.
#[derive(Debug, Clone, PartialEq)]
pub struct TxOutput {
    pub output: Output,
    pub change: bool,
}

/// What one policy mints (positive) or burns (negative), with its redeemer.
#[derive(Debug, Clone, PartialEq)]
pub struct Mint {
    pub policy: Hash28,
    pub assets: Vec<(Vec<u8>, i64)>,
    pub redeemer: Option<PlutusData>,
}

/// A withdrawal from a reward account; script credentials carry a redeemer.
#[derive(Debug, Clone, PartialEq)]
pub struct Withdrawal {
    pub credential: Credential,
    pub amount: u64,
    pub redeemer: Option<PlutusData>,
}

/// The certificates the harness can put in a transaction.
#[derive(Debug, Clone, PartialEq)]
pub enum CertificateKind {
    /// Conway registration with a deposit (certificate 7).
    Register { deposit: u64 },
    /// Conway deregistration with the refund (certificate 8).
    Unregister { refund: u64 },
    /// Stake delegation to a pool (certificate 2).
    Delegate { pool: Hash28 },
    /// DRep registration with a deposit and no anchor (certificate 16).
    RegisterDRep { deposit: u64 },
}

/// A certificate about a stake credential; script credentials carry a redeemer.
#[derive(Debug, Clone, PartialEq)]
pub struct Certificate {
    pub credential: Credential,
    pub kind: CertificateKind,
    pub redeemer: Option<PlutusData>,
}

/// The transaction a scenario describes, before balancing and fees.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TxSpec {
    /// Spent inputs, in the fixture's order (the ledger sorts them).
    pub inputs: Vec<Input>,
    pub reference_inputs: Vec<Utxo>,
    pub outputs: Vec<TxOutput>,
    pub mint: Vec<Mint>,
    pub withdrawals: Vec<Withdrawal>,
    pub certificates: Vec<Certificate>,
    /// Key names whose hashes go in `required_signers` (they also sign).
    pub required_signers: Vec<String>,
    /// Validity interval in slots: `from` inclusive, `to` exclusive (the ledger's TTL).
    pub valid_from: Option<u64>,
    pub valid_to: Option<u64>,
    /// Scripts the transaction may need, by hash: the deployment's and the fixture's native
    /// scripts. The builder attaches those that no reference input provides.
    pub scripts: BTreeMap<Hash28, Script>,
    /// Every key the fixture names, by hash, so the builder can sign for key-locked inputs,
    /// native scripts and required signers.
    pub keys: BTreeMap<Hash28, String>,
}
