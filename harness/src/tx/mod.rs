//! Transaction building: a [`TxSpec`] becomes a real, signed Conway transaction (pallas types).
//!
//! The builder sorts inputs as the ledger does and derives every redeemer pointer from sorted
//! positions, attaches the scripts no reference input provides, adds the datums of spent
//! hash-datum outputs, computes the script data hash, balances the value into the change output,
//! adds a collateral input with its return, and signs with every key the transaction needs.
//! Fees are settled by [`crate::replay`], which rebuilds with the measured execution units until
//! the fee covers the Conway minimum.
//!
//! [`build`] puts the parts together, one module each: `purposes` (inputs, mint, withdrawals and
//! certificates in ledger order, with the scripts, signers and redeemers each needs), `scripts`
//! (which scripts the witness set carries), `collateral`, `outputs` (balance and change),
//! `body`, `witness` (redeemers, script data hash, signatures) and `encode` (the ledger forms).

mod body;
mod collateral;
mod encode;
mod outputs;
mod purposes;
mod scripts;
mod witness;

pub use encode::{address_bytes, datum_hash, tx_output};
pub use scripts::script_hash;

use crate::{
    keys::Key,
    params::{ExUnits, Params},
    scenario::TxSpec,
};
use collateral::Collateral;
use encode::{encode, tx_input};
use pallas_codec::utils::{NonEmptySet, Nullable};
use pallas_crypto::hash::Hasher;
use pallas_primitives::conway::{self, RedeemersKey};
use purposes::Needs;
use std::collections::BTreeMap;
use uplc::tx::ResolvedInput;

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
    /// Readable purpose, e.g. `spend swap1 (ow_swap)` or `mint ow_beacon`.
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
    check_validity(spec, params)?;
    let inputs = purposes::sorted_inputs(spec);
    let mut needs = Needs::default();
    purposes::spend(spec, &inputs, &mut needs)?;
    let mint = purposes::mint(spec, &mut needs)?;
    let withdrawals = purposes::withdrawals(spec, &mut needs)?;
    let certificates = purposes::certificates(spec, &mut needs)?;
    needs.sort_redeemers();
    let scripts = scripts::attach(spec, &mut needs)?;
    let collateral = Collateral::when(!needs.redeemers.is_empty(), params, fee);
    signers(spec, &mut needs, collateral.is_some());
    let parts = body::Parts {
        inputs: &inputs,
        outputs: outputs::outputs(spec, fee, &mint, params)?,
        fee,
        certificates,
        withdrawals: &withdrawals,
        mint: &mint,
        collateral: collateral.as_ref(),
    };
    let mut body = body::body(spec, parts)?;
    let redeemers = witness::redeemers(&needs.redeemers, units);
    let datums = NonEmptySet::from_vec(needs.datums);
    if let Some(r) = &redeemers {
        body.script_data_hash = Some(witness::script_data_hash(r, datums.as_ref(), params)?);
    }
    let body_hash = Hasher::<256>::hash(&encode(&body)?);
    let vkeys = witness::vkey_witnesses(spec, &needs.signers, &body_hash)?;
    let tx = conway::Tx {
        transaction_body: body,
        transaction_witness_set: witness::witness_set(vkeys, scripts, datums, redeemers),
        success: true,
        auxiliary_data: Nullable::Null,
    };
    Ok(Built {
        bytes: encode(&tx)?,
        utxos: resolved_utxos(spec, collateral.as_ref())?,
        redeemers: needs.redeemers.into_iter().map(|(slot, _)| slot).collect(),
        fee,
        collateral: collateral.map_or(0, |c| c.amount),
        reference_script_bytes: scripts::reference_script_bytes(spec),
    })
}

/// Checks that the validity interval starts no earlier than the parameter set's time.
fn check_validity(spec: &TxSpec, params: &Params) -> Result<(), Error> {
    let era_start = params.slot_config.zero_slot;
    match [spec.valid_from, spec.valid_to]
        .into_iter()
        .flatten()
        .find(|s| *s < era_start)
    {
        Some(slot) => Err(Error::Invalid(format!(
            "validity slot {slot} is before slot {era_start}, where the parameter set's time starts"
        ))),
        None => Ok(()),
    }
}

/// Adds the signers beyond the purposes' own: the required signers and, when scripts run, the
/// collateral's key.
fn signers(spec: &TxSpec, needs: &mut Needs, collateral: bool) {
    let required = spec.required_signers.iter();
    needs
        .signers
        .extend(required.map(|name| *Key::named(name).hash));
    if collateral {
        needs.signers.insert(Collateral::signer());
    }
}

/// Every UTxO the transaction reads, as the evaluator resolves them: spent and referenced inputs
/// in the fixture's order, then the collateral.
fn resolved_utxos(
    spec: &TxSpec,
    collateral: Option<&Collateral>,
) -> Result<Vec<ResolvedInput>, Error> {
    let mut utxos = scripts::read_utxos(spec)
        .map(|utxo| {
            Ok(ResolvedInput {
                input: tx_input(utxo.out_ref),
                output: tx_output(&utxo.output)?,
            })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    if let Some(collateral) = collateral {
        utxos.push(collateral.resolved()?);
    }
    Ok(utxos)
}
