//! Transaction building: a [`TxSpec`] becomes a real, signed Conway transaction (pallas types).
//!
//! The builder sorts inputs as the ledger does and derives every redeemer pointer from sorted
//! positions, attaches the scripts no reference input provides, adds the datums of spent
//! hash-datum outputs, computes the script data hash, balances the value into the change output,
//! adds a collateral input with its return, and signs with every key the transaction needs.
//! Fees are settled by [`crate::replay`], which rebuilds with the measured execution units until
//! the fee covers the Conway minimum.

use crate::{
    keys::Key,
    params::{ExUnits, Params},
    scenario::{
        Address, AssetClass, CertificateKind, Credential, Datum, Hash28, OutRef, Output, Script,
        Stake, TxSpec, Utxo, Value,
    },
};
use pallas_addresses::{
    Network, Pointer, ShelleyAddress, ShelleyDelegationPart, ShelleyPaymentPart,
};
use pallas_codec::{
    minicbor,
    utils::{
        Bytes, CborWrap, NonEmptyKeyValuePairs, NonEmptySet, NonZeroInt, Nullable, PositiveCoin,
        Set,
    },
};
use pallas_crypto::hash::{Hash, Hasher};
use pallas_primitives::{
    Fragment, PlutusData, StakeCredential,
    conway::{
        self, NativeScript, PlutusScript, PostAlonzoTransactionOutput, PseudoScript, RedeemerTag,
        RedeemersKey, RedeemersValue, TransactionInput, TransactionOutput, VKeyWitness,
    },
};
use std::collections::{BTreeMap, BTreeSet};
use uplc::tx::ResolvedInput;

/// Lovelace in the collateral UTxO the harness adds to every transaction that runs scripts.
const COLLATERAL_LOVELACE: u64 = 5_000_000_000;
/// The key that owns the collateral UTxO.
const COLLATERAL_KEY: &str = "collateral";

/// Why a scenario's transaction cannot be built (the fixture is wrong, not the scripts).
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum Error {
    #[error(
        "value does not balance (inputs + mint + withdrawals + refunds = outputs + fee + deposits): {0}"
    )]
    Unbalanced(String),
    #[error("input `{0}` is locked by a Plutus script but has no redeemer")]
    MissingRedeemer(String),
    #[error("input `{0}` is not locked by a Plutus script, so it takes no redeemer")]
    UnexpectedRedeemer(String),
    #[error(
        "{what} needs script {hash}, which is neither a deployment script nor a native script of the fixture"
    )]
    UnknownScript { what: String, hash: String },
    #[error("{what} needs a signature from key hash {hash}, which no named key has")]
    UnknownKey { what: String, hash: String },
    #[error("{0} needs a redeemer: it is a Plutus script")]
    ScriptWithoutRedeemer(String),
    #[error("{0}")]
    Invalid(String),
    /// A ledger rule on one output: the minimum lovelace or the maximum value size.
    #[error("output {index}: {reason}")]
    Output { index: usize, reason: String },
    #[error("cannot encode the transaction: {0}")]
    Encode(String),
}

/// A redeemer of the transaction and what it is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedeemerSlot {
    pub key: RedeemersKey,
    /// Readable purpose, e.g. `spend order1 (proxy)` or `mint <policy>`.
    pub purpose: String,
}

/// A built transaction with everything needed to evaluate and report it.
#[derive(Debug, Clone)]
pub struct Built {
    /// The signed transaction's CBOR.
    pub bytes: Vec<u8>,
    /// Every UTxO the transaction reads: spent, referenced and collateral.
    pub utxos: Vec<ResolvedInput>,
    /// Redeemers in ledger order (tag, then index).
    pub redeemers: Vec<RedeemerSlot>,
    pub fee: u64,
    /// Collateral put up (0 when no script runs).
    pub collateral: u64,
    /// Bytes of reference scripts the transaction reads (spent and referenced inputs).
    pub reference_script_bytes: u64,
}

impl Built {
    /// Size of the signed transaction in bytes.
    pub fn size(&self) -> u64 {
        self.bytes.len() as u64
    }
}

/// Builds the transaction of `spec` paying `fee`, with the execution units of each redeemer
/// (missing ones count as zero).
pub fn build(
    spec: &TxSpec,
    params: &Params,
    fee: u64,
    units: &BTreeMap<RedeemersKey, ExUnits>,
) -> Result<Built, Error> {
    let era_start = params.slot_config.zero_slot;
    if let Some(slot) = [spec.valid_from, spec.valid_to]
        .into_iter()
        .flatten()
        .find(|s| *s < era_start)
    {
        return Err(Error::Invalid(format!(
            "validity slot {slot} is before slot {era_start}, where the parameter set's time starts"
        )));
    }
    let sorted_inputs: Vec<&crate::scenario::Input> = {
        let mut inputs: Vec<_> = spec.inputs.iter().collect();
        inputs.sort_by_key(|i| i.utxo.out_ref);
        inputs
    };
    let provided = reference_script_hashes(spec);
    let mut needed: BTreeSet<Hash28> = BTreeSet::new();
    let mut signers: BTreeSet<Hash28> = BTreeSet::new();
    let mut redeemers: Vec<(RedeemerSlot, PlutusData)> = Vec::new();
    let mut witness_datums: Vec<PlutusData> = Vec::new();

    for (index, input) in sorted_inputs.iter().enumerate() {
        let name = &input.utxo.name;
        match input.utxo.output.address.payment {
            Credential::Key(hash) => {
                if input.redeemer.is_some() {
                    return Err(Error::UnexpectedRedeemer(name.clone()));
                }
                signers.insert(hash);
            }
            Credential::Script(hash) => {
                let script = script_for(spec, hash, || format!("input `{name}`"))?;
                needed.insert(hash);
                match (script, &input.redeemer) {
                    (
                        Script::PlutusV3 {
                            name: script_name, ..
                        },
                        Some(data),
                    ) => {
                        let slot = RedeemerSlot {
                            key: RedeemersKey {
                                tag: RedeemerTag::Spend,
                                index: index as u32,
                            },
                            purpose: format!("spend {name} ({script_name})"),
                        };
                        redeemers.push((slot, data.clone()));
                    }
                    (Script::PlutusV3 { .. }, None) => {
                        return Err(Error::MissingRedeemer(name.clone()));
                    }
                    (Script::Signature { .. }, Some(_)) => {
                        return Err(Error::UnexpectedRedeemer(name.clone()));
                    }
                    (Script::Signature { .. }, None) => {}
                }
                if let Datum::Hash(data) = &input.utxo.output.datum {
                    witness_datums.push(data.clone());
                }
            }
        }
    }

    // Mint: one entry per policy, sorted by policy id; redeemer pointers follow that order.
    let mut mint: BTreeMap<Hash28, BTreeMap<Vec<u8>, i64>> = BTreeMap::new();
    let mut mint_redeemers: BTreeMap<Hash28, PlutusData> = BTreeMap::new();
    for m in &spec.mint {
        let entry = mint.entry(m.policy).or_default();
        for (name, qty) in &m.assets {
            *entry.entry(name.clone()).or_default() += qty;
        }
        if let Some(r) = &m.redeemer {
            mint_redeemers.insert(m.policy, r.clone());
        }
    }
    mint.retain(|_, assets| {
        assets.retain(|_, q| *q != 0);
        !assets.is_empty()
    });
    for (index, policy) in mint.keys().enumerate() {
        let what = || format!("mint policy {}", hex::encode(policy));
        let script = script_for(spec, *policy, what)?;
        needed.insert(*policy);
        plutus_redeemer(
            script,
            mint_redeemers.get(policy),
            RedeemerTag::Mint,
            index,
            format!("mint {}", script_label(script, policy)),
            &mut redeemers,
        )?;
    }

    // Withdrawals, in the ledger's order of reward accounts: script credentials first, then by hash.
    let mut withdrawals: Vec<&crate::scenario::Withdrawal> = spec.withdrawals.iter().collect();
    withdrawals.sort_by_key(|w| credential_order(w.credential));
    for (index, w) in withdrawals.iter().enumerate() {
        match w.credential {
            Credential::Key(hash) => {
                if w.redeemer.is_some() {
                    return Err(Error::Invalid("a key withdrawal takes no redeemer".into()));
                }
                signers.insert(hash);
            }
            Credential::Script(hash) => {
                let script = script_for(spec, hash, || {
                    format!("withdrawal from {}", hex::encode(hash))
                })?;
                needed.insert(hash);
                plutus_redeemer(
                    script,
                    w.redeemer.as_ref(),
                    RedeemerTag::Reward,
                    index,
                    format!("withdraw {}", script_label(script, &hash)),
                    &mut redeemers,
                )?;
            }
        }
    }

    // Certificates keep the fixture's order.
    let mut certificates = Vec::with_capacity(spec.certificates.len());
    for (index, cert) in spec.certificates.iter().enumerate() {
        let stake = stake_credential(cert.credential);
        certificates.push(match cert.kind {
            CertificateKind::Register { deposit } => conway::Certificate::Reg(stake, deposit),
            CertificateKind::Unregister { refund } => conway::Certificate::UnReg(stake, refund),
            CertificateKind::Delegate { pool } => {
                conway::Certificate::StakeDelegation(stake, Hash::new(pool))
            }
        });
        match cert.credential {
            Credential::Key(hash) => {
                signers.insert(hash);
            }
            Credential::Script(hash) => {
                let script = script_for(spec, hash, || format!("certificate {index}"))?;
                needed.insert(hash);
                plutus_redeemer(
                    script,
                    cert.redeemer.as_ref(),
                    RedeemerTag::Cert,
                    index,
                    format!(
                        "publish {} (certificate {index})",
                        script_label(script, &hash)
                    ),
                    &mut redeemers,
                )?;
            }
        }
    }

    redeemers.sort_by(|(a, _), (b, _)| {
        (a.key.tag as u8, a.key.index).cmp(&(b.key.tag as u8, b.key.index))
    });

    // Scripts: attach what no reference script provides; native scripts need their key's signature.
    let mut plutus_scripts = Vec::new();
    let mut native_scripts = Vec::new();
    for hash in &needed {
        let script = script_for(spec, *hash, || format!("script {}", hex::encode(hash)))?;
        if let Script::Signature { key } = script {
            signers.insert(*Key::named(key).hash);
        }
        if provided.contains(hash) {
            continue;
        }
        match script {
            Script::PlutusV3 { bytes, .. } => {
                plutus_scripts.push(PlutusScript::<3>(Bytes::from(bytes.clone())))
            }
            Script::Signature { key } => native_scripts.push(native_script(key)),
        }
    }

    for name in &spec.required_signers {
        signers.insert(*Key::named(name).hash);
    }

    // Collateral, when any script runs.
    let collateral_utxo = collateral_utxo();
    let runs_scripts = !redeemers.is_empty();
    let collateral = if runs_scripts {
        params.collateral(fee)
    } else {
        0
    };
    if runs_scripts {
        signers.insert(*Key::named(COLLATERAL_KEY).hash);
    }

    // Balance into the change output.
    let outputs = balance(spec, fee, &mint)?
        .iter()
        .map(tx_output)
        .collect::<Result<Vec<_>, _>>()?;
    if let Some((index, reason)) = outputs
        .iter()
        .enumerate()
        .find_map(|(i, o)| Some((i, crate::ledger::output_violation(o, params)?)))
    {
        return Err(Error::Output { index, reason });
    }

    let body = conway::TransactionBody {
        inputs: Set::from(
            sorted_inputs
                .iter()
                .map(|i| tx_input(i.utxo.out_ref))
                .collect::<Vec<_>>(),
        ),
        outputs,
        fee,
        ttl: spec.valid_to,
        certificates: NonEmptySet::from_vec(certificates),
        withdrawals: NonEmptyKeyValuePairs::from_vec(
            withdrawals
                .iter()
                .map(|w| (reward_account(w.credential), w.amount))
                .collect(),
        ),
        auxiliary_data_hash: None,
        validity_interval_start: spec.valid_from,
        mint: mint_field(&mint)?,
        script_data_hash: None,
        collateral: runs_scripts
            .then(|| NonEmptySet::from_vec(vec![tx_input(collateral_utxo.out_ref)]))
            .flatten(),
        required_signers: NonEmptySet::from_vec(
            spec.required_signers
                .iter()
                .map(|n| Key::named(n).hash)
                .collect(),
        ),
        network_id: None,
        collateral_return: runs_scripts
            .then(|| {
                let mut back = collateral_utxo.output.clone();
                back.value.lovelace = COLLATERAL_LOVELACE.saturating_sub(collateral);
                tx_output(&back)
            })
            .transpose()?,
        total_collateral: runs_scripts.then_some(collateral),
        reference_inputs: NonEmptySet::from_vec(
            spec.reference_inputs
                .iter()
                .map(|u| tx_input(u.out_ref))
                .collect(),
        ),
        voting_procedures: None,
        proposal_procedures: None,
        treasury_value: None,
        donation: None,
    };

    let redeemer_field = NonEmptyKeyValuePairs::from_vec(
        redeemers
            .iter()
            .map(|(slot, data)| {
                let ex_units = units.get(&slot.key).copied().unwrap_or_default();
                let ex_units = conway::ExUnits {
                    mem: ex_units.mem,
                    steps: ex_units.steps,
                };
                (
                    slot.key.clone(),
                    RedeemersValue {
                        data: data.clone(),
                        ex_units,
                    },
                )
            })
            .collect(),
    )
    .map(conway::Redeemers::Map);
    let witness_datums = NonEmptySet::from_vec(witness_datums);
    let mut body = body;
    if let Some(r) = &redeemer_field {
        body.script_data_hash = Some(script_data_hash(r, witness_datums.as_ref(), params)?);
    }

    let body_bytes = encode(&body)?;
    let body_hash = Hasher::<256>::hash(&body_bytes);
    let vkeys = signers
        .iter()
        .map(|hash| {
            let name = key_name(spec, hash)?;
            let key = Key::named(name);
            let signature = key.sign(body_hash.as_ref());
            Ok(VKeyWitness {
                vkey: Bytes::from(key.public.as_ref().to_vec()),
                signature: Bytes::from(signature.as_ref().to_vec()),
            })
        })
        .collect::<Result<Vec<_>, Error>>()?;

    let witness_set = conway::WitnessSet {
        vkeywitness: NonEmptySet::from_vec(vkeys),
        native_script: NonEmptySet::from_vec(native_scripts),
        bootstrap_witness: None,
        plutus_v1_script: None,
        plutus_data: witness_datums,
        redeemer: redeemer_field,
        plutus_v2_script: None,
        plutus_v3_script: NonEmptySet::from_vec(plutus_scripts),
    };
    let tx = conway::Tx {
        transaction_body: body,
        transaction_witness_set: witness_set,
        success: true,
        auxiliary_data: Nullable::Null,
    };
    let bytes = encode(&tx)?;

    let mut utxos = Vec::new();
    for utxo in spec
        .inputs
        .iter()
        .map(|i| &i.utxo)
        .chain(&spec.reference_inputs)
    {
        utxos.push(ResolvedInput {
            input: tx_input(utxo.out_ref),
            output: tx_output(&utxo.output)?,
        });
    }
    if runs_scripts {
        utxos.push(ResolvedInput {
            input: tx_input(collateral_utxo.out_ref),
            output: tx_output(&collateral_utxo.output)?,
        });
    }

    Ok(Built {
        bytes,
        utxos,
        redeemers: redeemers.into_iter().map(|(slot, _)| slot).collect(),
        fee,
        collateral,
        reference_script_bytes: reference_script_bytes(spec),
    })
}

/// Looks up the script a credential or policy names.
fn script_for(spec: &TxSpec, hash: Hash28, what: impl Fn() -> String) -> Result<&Script, Error> {
    spec.scripts.get(&hash).ok_or_else(|| Error::UnknownScript {
        what: what(),
        hash: hex::encode(hash),
    })
}

/// The readable name of a script for reports.
fn script_label(script: &Script, hash: &Hash28) -> String {
    match script {
        Script::PlutusV3 { name, .. } => name.clone(),
        Script::Signature { key } => format!("native script of {key} ({})", hex::encode(hash)),
    }
}

/// Records the redeemer a Plutus script needs; native scripts take none.
fn plutus_redeemer(
    script: &Script,
    redeemer: Option<&PlutusData>,
    tag: RedeemerTag,
    index: usize,
    purpose: String,
    redeemers: &mut Vec<(RedeemerSlot, PlutusData)>,
) -> Result<(), Error> {
    match (script, redeemer) {
        (Script::PlutusV3 { .. }, Some(data)) => {
            let key = RedeemersKey {
                tag,
                index: index as u32,
            };
            redeemers.push((RedeemerSlot { key, purpose }, data.clone()));
            Ok(())
        }
        (Script::PlutusV3 { .. }, None) => Err(Error::ScriptWithoutRedeemer(purpose)),
        (Script::Signature { .. }, Some(_)) => Err(Error::Invalid(format!(
            "{purpose}: a native script takes no redeemer"
        ))),
        (Script::Signature { .. }, None) => Ok(()),
    }
}

/// The name of the key with this hash.
fn key_name<'a>(spec: &'a TxSpec, hash: &Hash28) -> Result<&'a str, Error> {
    if *hash == *Key::named(COLLATERAL_KEY).hash {
        return Ok(COLLATERAL_KEY);
    }
    spec.keys
        .get(hash)
        .map(String::as_str)
        .ok_or_else(|| Error::UnknownKey {
            what: "the transaction".into(),
            hash: hex::encode(hash),
        })
}

/// Hashes of the scripts that spent or referenced inputs carry as reference scripts.
fn reference_script_hashes(spec: &TxSpec) -> BTreeSet<Hash28> {
    read_utxos(spec)
        .filter_map(|u| u.output.reference_script.as_ref())
        .map(script_hash)
        .collect()
}

/// Total size of the reference scripts the transaction reads (the ledger counts spent and
/// referenced inputs alike).
fn reference_script_bytes(spec: &TxSpec) -> u64 {
    read_utxos(spec)
        .filter_map(|u| u.output.reference_script.as_ref())
        .map(|s| script_bytes(s).len() as u64)
        .sum()
}

fn read_utxos(spec: &TxSpec) -> impl Iterator<Item = &Utxo> {
    spec.inputs
        .iter()
        .map(|i| &i.utxo)
        .chain(&spec.reference_inputs)
}

/// The hash of a script: blake2b-224 of its language tag and its serialised bytes.
pub fn script_hash(script: &Script) -> Hash28 {
    match script {
        Script::PlutusV3 { bytes, .. } => *Hasher::<224>::hash_tagged(bytes, 3),
        Script::Signature { .. } => *Hasher::<224>::hash_tagged(&script_bytes(script), 0),
    }
}

/// The serialised bytes of a script (for a native script, its CBOR).
fn script_bytes(script: &Script) -> Vec<u8> {
    match script {
        Script::PlutusV3 { bytes, .. } => bytes.clone(),
        Script::Signature { key } => native_script(key).encode_fragment().unwrap_or_default(),
    }
}

fn native_script(key: &str) -> NativeScript {
    NativeScript::ScriptPubkey(Key::named(key).hash)
}

/// The synthetic UTxO that backs collateral: plenty of lovelace at the `collateral` key.
fn collateral_utxo() -> Utxo {
    Utxo {
        name: COLLATERAL_KEY.into(),
        out_ref: OutRef {
            tx_id: *Hasher::<256>::hash(COLLATERAL_KEY.as_bytes()),
            index: 0,
        },
        output: Output {
            address: Address {
                payment: Credential::Key(*Key::named(COLLATERAL_KEY).hash),
                stake: Stake::None,
            },
            value: Value {
                lovelace: COLLATERAL_LOVELACE,
                assets: BTreeMap::new(),
            },
            datum: Datum::None,
            reference_script: None,
        },
    }
}

/// The order of reward accounts in the ledger's withdrawals map: script credentials first.
fn credential_order(credential: Credential) -> (u8, Hash28) {
    match credential {
        Credential::Script(h) => (0, h),
        Credential::Key(h) => (1, h),
    }
}

/// Signed sums of every asset, lovelace under the empty asset class.
type Ledger = BTreeMap<AssetClass, i128>;

fn add_value(ledger: &mut Ledger, value: &Value, sign: i128) {
    *ledger.entry((vec![], vec![])).or_default() += sign * i128::from(value.lovelace);
    for (class, qty) in &value.assets {
        *ledger.entry(class.clone()).or_default() += sign * i128::from(*qty);
    }
}

/// The outputs with the change output topped up so that the transaction balances.
fn balance(
    spec: &TxSpec,
    fee: u64,
    mint: &BTreeMap<Hash28, BTreeMap<Vec<u8>, i64>>,
) -> Result<Vec<Output>, Error> {
    let mut left: Ledger = BTreeMap::new();
    for input in &spec.inputs {
        add_value(&mut left, &input.utxo.output.value, 1);
    }
    for (policy, assets) in mint {
        for (name, qty) in assets {
            *left.entry((policy.to_vec(), name.clone())).or_default() += i128::from(*qty);
        }
    }
    let ada = |q: u64| Value {
        lovelace: q,
        assets: BTreeMap::new(),
    };
    for w in &spec.withdrawals {
        add_value(&mut left, &ada(w.amount), 1);
    }
    for cert in &spec.certificates {
        match cert.kind {
            CertificateKind::Register { deposit } => add_value(&mut left, &ada(deposit), -1),
            CertificateKind::Unregister { refund } => add_value(&mut left, &ada(refund), 1),
            CertificateKind::Delegate { .. } => {}
        }
    }
    add_value(&mut left, &ada(fee), -1);
    for out in &spec.outputs {
        add_value(&mut left, &out.output.value, -1);
    }
    left.retain(|_, q| *q != 0);

    let describe = |entries: &[(&AssetClass, &i128)]| {
        entries
            .iter()
            .map(|((policy, name), q)| {
                let asset = if policy.is_empty() {
                    "lovelace".to_string()
                } else {
                    format!("{}.{}", hex::encode(policy), hex::encode(name))
                };
                if **q > 0 {
                    format!("{q} {asset} left over")
                } else {
                    format!("{} {asset} missing", -**q)
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    };

    let mut outputs: Vec<Output> = spec.outputs.iter().map(|o| o.output.clone()).collect();
    match spec.outputs.iter().position(|o| o.change) {
        None if left.is_empty() => Ok(outputs),
        None => {
            let entries: Vec<_> = left.iter().collect();
            Err(Error::Unbalanced(format!(
                "{} (fee {fee}; mark an output `\"change\": true` to collect the difference)",
                describe(&entries)
            )))
        }
        Some(ix) => {
            let short: Vec<_> = left.iter().filter(|(_, q)| **q < 0).collect();
            if !short.is_empty() {
                return Err(Error::Unbalanced(format!(
                    "{} (fee {fee})",
                    describe(&short)
                )));
            }
            let change = &mut outputs[ix].value;
            for ((policy, name), qty) in left {
                let qty = u64::try_from(qty)
                    .map_err(|_| Error::Unbalanced("change exceeds u64".into()))?;
                if policy.is_empty() {
                    change.lovelace += qty;
                } else {
                    *change.assets.entry((policy, name)).or_default() += qty;
                }
            }
            Ok(outputs)
        }
    }
}

fn tx_input(out_ref: OutRef) -> TransactionInput {
    TransactionInput {
        transaction_id: Hash::new(out_ref.tx_id),
        index: out_ref.index,
    }
}

fn stake_credential(credential: Credential) -> StakeCredential {
    match credential {
        Credential::Key(h) => StakeCredential::AddrKeyhash(Hash::new(h)),
        Credential::Script(h) => StakeCredential::ScriptHash(Hash::new(h)),
    }
}

/// The reward account (stake address bytes) of a credential, on mainnet: header 0xe1 for a key
/// credential, 0xf1 for a script, then the 28-byte hash.
fn reward_account(credential: Credential) -> Bytes {
    let (header, hash) = match credential {
        Credential::Key(h) => (0xe1, h),
        Credential::Script(h) => (0xf1, h),
    };
    Bytes::from([&[header][..], &hash].concat())
}

/// The bytes of a Shelley address on mainnet.
pub fn address_bytes(address: &Address) -> Vec<u8> {
    let payment = match address.payment {
        Credential::Key(h) => ShelleyPaymentPart::key_hash(Hash::new(h)),
        Credential::Script(h) => ShelleyPaymentPart::script_hash(Hash::new(h)),
    };
    let delegation = match address.stake {
        Stake::None => ShelleyDelegationPart::Null,
        Stake::Inline(Credential::Key(h)) => ShelleyDelegationPart::key_hash(Hash::new(h)),
        Stake::Inline(Credential::Script(h)) => ShelleyDelegationPart::script_hash(Hash::new(h)),
        Stake::Pointer(slot, tx, cert) => {
            ShelleyDelegationPart::Pointer(Pointer::new(slot, tx, cert))
        }
    };
    ShelleyAddress::new(Network::Mainnet, payment, delegation).to_vec()
}

/// The ledger form of an output.
pub fn tx_output(output: &Output) -> Result<TransactionOutput, Error> {
    let value = if output.value.assets.is_empty() {
        conway::Value::Coin(output.value.lovelace)
    } else {
        let mut policies: BTreeMap<&[u8], Vec<(Bytes, PositiveCoin)>> = BTreeMap::new();
        for ((policy, name), qty) in &output.value.assets {
            let qty = PositiveCoin::try_from(*qty).map_err(|_| {
                Error::Invalid(format!(
                    "output holds a zero quantity of {}.{}",
                    hex::encode(policy),
                    hex::encode(name)
                ))
            })?;
            policies
                .entry(policy)
                .or_default()
                .push((Bytes::from(name.clone()), qty));
        }
        let multiasset = policies
            .into_iter()
            .map(|(policy, assets)| {
                let policy = policy_hash(policy)?;
                let assets = NonEmptyKeyValuePairs::from_vec(assets)
                    .ok_or_else(|| Error::Invalid("empty policy".into()))?;
                Ok((policy, assets))
            })
            .collect::<Result<Vec<_>, Error>>()?;
        let multiasset = NonEmptyKeyValuePairs::from_vec(multiasset)
            .ok_or_else(|| Error::Invalid("empty value".into()))?;
        conway::Value::Multiasset(output.value.lovelace, multiasset)
    };
    let datum_option = match &output.datum {
        Datum::None => None,
        Datum::Hash(data) => Some(conway::DatumOption::Hash(datum_hash(data)?)),
        Datum::Inline(data) => Some(conway::DatumOption::Data(CborWrap(data.clone()))),
    };
    let script_ref = output.reference_script.as_ref().map(|script| {
        CborWrap(match script {
            Script::PlutusV3 { bytes, .. } => {
                PseudoScript::PlutusV3Script(PlutusScript::<3>(Bytes::from(bytes.clone())))
            }
            Script::Signature { key } => PseudoScript::NativeScript(native_script(key)),
        })
    });
    Ok(TransactionOutput::PostAlonzo(PostAlonzoTransactionOutput {
        address: Bytes::from(address_bytes(&output.address)),
        value,
        datum_option,
        script_ref,
    }))
}

fn policy_hash(policy: &[u8]) -> Result<Hash<28>, Error> {
    let bytes: [u8; 28] = policy.try_into().map_err(|_| {
        Error::Invalid(format!("policy id {} is not 28 bytes", hex::encode(policy)))
    })?;
    Ok(Hash::new(bytes))
}

/// blake2b-256 of a datum's CBOR.
pub fn datum_hash(data: &PlutusData) -> Result<Hash<32>, Error> {
    Ok(Hasher::<256>::hash(&encode(data)?))
}

fn mint_field(
    mint: &BTreeMap<Hash28, BTreeMap<Vec<u8>, i64>>,
) -> Result<Option<conway::Mint>, Error> {
    let policies = mint
        .iter()
        .map(|(policy, assets)| {
            let assets = assets
                .iter()
                .map(|(name, qty)| {
                    let qty = NonZeroInt::try_from(*qty)
                        .map_err(|_| Error::Invalid("zero mint quantity".into()))?;
                    Ok((Bytes::from(name.clone()), qty))
                })
                .collect::<Result<Vec<_>, Error>>()?;
            let assets = NonEmptyKeyValuePairs::from_vec(assets)
                .ok_or_else(|| Error::Invalid("empty mint".into()))?;
            Ok((Hash::new(*policy), assets))
        })
        .collect::<Result<Vec<_>, Error>>()?;
    Ok(NonEmptyKeyValuePairs::from_vec(policies))
}

/// The script integrity hash: blake2b-256 of the redeemers, the witness datums (when there are
/// any) and the language views of the cost models in use (Plutus V3 only: `{2: [costs...]}`).
fn script_data_hash(
    redeemers: &conway::Redeemers,
    datums: Option<&NonEmptySet<PlutusData>>,
    params: &Params,
) -> Result<Hash<32>, Error> {
    let mut preimage = encode(redeemers)?;
    if let Some(datums) = datums {
        preimage.extend(encode(datums)?);
    }
    let mut views = Vec::new();
    let mut e = minicbor::Encoder::new(&mut views);
    let costs = &params.cost_models.plutus_v3;
    let written = e
        .map(1)
        .and_then(|e| e.u8(2))
        .and_then(|e| e.array(costs.len() as u64))
        .and_then(|e| {
            costs
                .iter()
                .try_for_each(|c| e.i64(*c).map(|_| ()))
                .map(|_| e)
        });
    written.map_err(|err| Error::Encode(err.to_string()))?;
    preimage.extend(views);
    Ok(Hasher::<256>::hash(&preimage))
}

fn encode<T: minicbor::Encode<()>>(value: &T) -> Result<Vec<u8>, Error> {
    minicbor::to_vec(value).map_err(|e| Error::Encode(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reward_accounts_order_scripts_first() {
        let mut creds = [
            Credential::Key([0; 28]),
            Credential::Script([9; 28]),
            Credential::Script([1; 28]),
        ];
        creds.sort_by_key(|c| credential_order(*c));
        assert_eq!(
            creds,
            [
                Credential::Script([1; 28]),
                Credential::Script([9; 28]),
                Credential::Key([0; 28])
            ]
        );
    }

    #[test]
    fn addresses_encode_as_shelley_mainnet() {
        let address = Address {
            payment: Credential::Script([1; 28]),
            stake: Stake::Inline(Credential::Key([2; 28])),
        };
        let bytes = address_bytes(&address);
        // Header 0b0001_0001: script payment, key stake, mainnet.
        assert_eq!(bytes[0], 0x11);
        assert_eq!(bytes.len(), 57);
        let enterprise = Address {
            payment: Credential::Key([1; 28]),
            stake: Stake::None,
        };
        assert_eq!(address_bytes(&enterprise)[0], 0x61);
    }
}
