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
pub use outputs::{Imbalance, asset_label};
pub use scripts::script_hash;

use crate::ledger::Refusal;
use crate::{
    keys::Key,
    params::{ExUnits, Params},
    scenario::{Hash28, TxSpec},
};
use collateral::Collateral;
use encode::tx_input;
use pallas_codec::{
    minicbor,
    utils::{NonEmptySet, Nullable},
};
use pallas_crypto::hash::Hasher;
use pallas_primitives::conway::{self, RedeemersKey};
use purposes::Needs;
use std::{collections::BTreeMap, convert::Infallible};
use uplc::tx::ResolvedInput;

/// The balance equation an unbalanced transaction breaks.
const BALANCE: &str = "inputs + mint + withdrawals + refunds = outputs + fee + deposits";

/// Why a scenario's transaction cannot be built (the fixture is wrong, not the scripts).
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum Error {
    /// Without a change output, the value must balance exactly.
    #[error(
        "value does not balance ({}): {} (fee {fee}; mark an output `\"change\": true` to collect the difference)",
        BALANCE,
        Imbalance::list(.imbalances)
    )]
    #[diagnostic(code(harness::tx::unbalanced))]
    Unbalanced {
        /// Every asset that is off, by how much.
        imbalances: Vec<Imbalance>,
        fee: u64,
    },
    /// The change output can take what is left over, but cannot make up for what is missing.
    #[error("value does not balance ({}): {} (fee {fee})", BALANCE, Imbalance::list(.missing))]
    #[diagnostic(code(harness::tx::short))]
    Short {
        /// Every asset the outputs, fee and deposits take beyond what comes in.
        missing: Vec<Imbalance>,
        fee: u64,
    },
    /// The change output would hold more of an asset than an output can: the imbalance is what
    /// is left over for it (boxed, to keep the error small).
    #[error(
        "value does not balance ({}): the change output would hold {} {}, more than an output can (2^64 - 1)",
        BALANCE,
        .0.amount,
        asset_label(&.0.asset)
    )]
    #[diagnostic(code(harness::tx::change_overflow))]
    ChangeOverflow(Box<Imbalance>),
    /// A Plutus-locked input without a redeemer (the input's name).
    #[error("input `{0}` is locked by a Plutus script but has no redeemer")]
    #[diagnostic(code(harness::tx::missing_redeemer))]
    MissingRedeemer(String),
    /// A redeemer on an input no Plutus script locks (the input's name).
    #[error("input `{0}` is not locked by a Plutus script, so it takes no redeemer")]
    #[diagnostic(code(harness::tx::unexpected_redeemer))]
    UnexpectedRedeemer(String),
    /// A purpose needs a script the spec does not hold (what needs it, the script's hash).
    #[error(
        "{what} needs script {hash}, which is neither a deployment script nor a native script of the fixture"
    )]
    #[diagnostic(code(harness::tx::unknown_script))]
    UnknownScript { what: String, hash: String },
    /// A signer whose key the spec does not name (what needs it, the key hash).
    #[error("{what} needs a signature from key hash {hash}, which no named key has")]
    #[diagnostic(code(harness::tx::unknown_key))]
    UnknownKey { what: String, hash: String },
    /// A mint, withdrawal or certificate of a Plutus script without a redeemer (its purpose).
    #[error("{0} needs a redeemer: it is a Plutus script")]
    #[diagnostic(code(harness::tx::script_without_redeemer))]
    ScriptWithoutRedeemer(String),
    /// A mint, withdrawal or certificate of a native script with a redeemer.
    #[error("{purpose}: a native script takes no redeemer")]
    #[diagnostic(code(harness::tx::native_script_redeemer))]
    NativeScriptRedeemer { purpose: String },
    /// A withdrawal from a key's reward account with a redeemer.
    #[error("the withdrawal from key hash {} has a redeemer, but a key withdrawal takes none", hex::encode(.key))]
    #[diagnostic(code(harness::tx::key_withdrawal_redeemer))]
    KeyWithdrawalRedeemer { key: Hash28 },
    /// A validity bound before the slot where the parameter set's time starts.
    #[error(
        "validity slot {slot} is before slot {zero_slot}, where the parameter set's time starts"
    )]
    #[diagnostic(code(harness::tx::validity))]
    ValidityBeforeZeroSlot { slot: u64, zero_slot: u64 },
    /// An output holding none of an asset, which the ledger's value cannot express.
    #[error("output holds a zero quantity of {}.{}", hex::encode(.policy), hex::encode(.name))]
    #[diagnostic(code(harness::tx::zero_quantity))]
    ZeroQuantity { policy: Vec<u8>, name: Vec<u8> },
    /// Mint entries of one asset that sum beyond what a 64-bit quantity holds.
    #[error("the mint of {}.{} sums beyond a 64-bit quantity", hex::encode(.policy), hex::encode(.name))]
    #[diagnostic(code(harness::tx::mint_overflow))]
    MintOverflow { policy: Hash28, name: Vec<u8> },
    /// A policy id in an output that is not a 28-byte hash.
    #[error("policy id {} is {} bytes, not 28", hex::encode(.policy), .policy.len())]
    #[diagnostic(code(harness::tx::policy_length))]
    PolicyLength { policy: Vec<u8> },
    /// A ledger rule on one output: the minimum lovelace or the maximum value size.
    #[error("output {index}: {violation}")]
    #[diagnostic(code(harness::tx::output))]
    Output {
        index: usize,
        violation: crate::ledger::Violation,
    },
    #[error("cannot encode the transaction: {0}")]
    #[diagnostic(code(harness::tx::encode))]
    Encode(#[from] minicbor::encode::Error<Infallible>),
}

impl Error {
    /// The ledger rule the transaction breaks, when it is well formed but the ledger would
    /// refuse it (what a fixture may expect); `None` for a fixture the harness cannot build.
    pub fn refusal(&self) -> Option<Refusal> {
        match self {
            Error::Unbalanced { .. } | Error::Short { .. } => Some(Refusal::ValueNotConservedUTxO),
            Error::MissingRedeemer(_) | Error::ScriptWithoutRedeemer(_) => {
                Some(Refusal::MissingRedeemers)
            }
            Error::UnexpectedRedeemer(_)
            | Error::NativeScriptRedeemer { .. }
            | Error::KeyWithdrawalRedeemer { .. } => Some(Refusal::ExtraRedeemers),
            Error::Output { violation, .. } => Some(violation.refusal()),
            _ => None,
        }
    }
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
    let body_hash = Hasher::<256>::hash(&minicbor::to_vec(&body)?);
    let vkeys = witness::vkey_witnesses(spec, &needs.signers, &body_hash)?;
    let tx = conway::Tx {
        transaction_body: body,
        transaction_witness_set: witness::witness_set(vkeys, scripts, datums, redeemers),
        success: true,
        auxiliary_data: Nullable::Null,
    };
    Ok(Built {
        bytes: minicbor::to_vec(&tx)?,
        utxos: resolved_utxos(spec, collateral.as_ref())?,
        redeemers: needs.redeemers.into_iter().map(|(slot, _)| slot).collect(),
        fee,
        collateral: collateral.map_or(0, |c| c.amount),
        reference_script_bytes: scripts::reference_script_bytes(spec),
    })
}

/// Checks that no validity bound lies before the slot where the parameter set's time starts.
fn check_validity(spec: &TxSpec, params: &Params) -> Result<(), Error> {
    let zero_slot = params.slot_config.zero_slot;
    let mut bounds = [spec.valid_from, spec.valid_to].into_iter().flatten();
    match bounds.find(|slot| *slot < zero_slot) {
        Some(slot) => Err(Error::ValidityBeforeZeroSlot { slot, zero_slot }),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{
        Address, Credential, Input, Mint, OutRef, Output, Script, Stake, TxOutput, Utxo, Value,
        Withdrawal,
    };
    use pallas_primitives::PlutusData;

    fn lovelace(lovelace: u64) -> Value {
        Value {
            lovelace,
            assets: BTreeMap::new(),
        }
    }

    fn alice() -> Address {
        Address {
            payment: Credential::Key(*Key::named("alice").hash),
            stake: Stake::None,
        }
    }

    /// A transaction spending one input of `alice` per amount, with no outputs.
    fn spending(amounts: &[u64]) -> TxSpec {
        let inputs = amounts.iter().enumerate().map(|(i, amount)| Input {
            utxo: Utxo {
                name: format!("funds{i}"),
                out_ref: OutRef {
                    tx_id: [i as u8; 32],
                    index: 0,
                },
                output: Output::plain(alice(), lovelace(*amount)),
            },
            redeemer: None,
        });
        TxSpec {
            inputs: inputs.collect(),
            keys: BTreeMap::from([(*Key::named("alice").hash, "alice".into())]),
            ..TxSpec::default()
        }
    }

    fn with_change(mut spec: TxSpec) -> TxSpec {
        spec.outputs.push(TxOutput {
            output: Output::plain(alice(), lovelace(0)),
            change: true,
        });
        spec
    }

    fn build_err(spec: &TxSpec, fee: u64) -> Error {
        let params = Params::mainnet().unwrap();
        build(spec, &params, fee, &BTreeMap::new()).unwrap_err()
    }

    fn redeemer() -> PlutusData {
        PlutusData::BoundedBytes(vec![].into())
    }

    #[test]
    fn a_spec_without_change_that_does_not_balance_names_what_is_left_over() {
        let err = build_err(&spending(&[10_000_000]), 200_000);
        let Error::Unbalanced { imbalances, fee } = &err else {
            panic!("{err}")
        };
        assert_eq!(*fee, 200_000);
        let lovelace = (vec![], vec![]);
        assert_eq!(
            imbalances,
            &[Imbalance {
                asset: lovelace,
                amount: 9_800_000
            }]
        );
        assert!(
            err.to_string()
                .contains("9800000 lovelace left over (fee 200000; mark an output")
        );
    }

    #[test]
    fn a_fee_beyond_the_inputs_is_missing_even_with_a_change_output() {
        let err = build_err(&with_change(spending(&[100_000])), 200_000);
        let Error::Short { missing, .. } = &err else {
            panic!("{err}")
        };
        assert_eq!(missing[0].amount, -100_000);
        assert!(
            err.to_string()
                .contains("100000 lovelace missing (fee 200000)"),
            "{err}"
        );
    }

    #[test]
    fn change_beyond_what_an_output_holds_is_reported() {
        let err = build_err(&with_change(spending(&[u64::MAX, u64::MAX])), 0);
        let Error::ChangeOverflow(change) = &err else {
            panic!("{err}")
        };
        assert_eq!(change.asset, (vec![], vec![]));
        assert_eq!(change.amount, 2 * i128::from(u64::MAX));
        assert!(
            err.to_string()
                .contains(&format!("hold {} lovelace", change.amount)),
            "{err}"
        );
    }

    #[test]
    fn a_validity_bound_before_the_parameter_sets_time_is_reported() {
        let spec = TxSpec {
            valid_to: Some(7),
            ..spending(&[1])
        };
        let err = build_err(&spec, 0);
        assert!(
            matches!(err, Error::ValidityBeforeZeroSlot { slot: 7, zero_slot } if zero_slot > 7),
            "{err}"
        );
    }

    #[test]
    fn a_key_withdrawal_with_a_redeemer_names_the_key() {
        let key = *Key::named("alice").hash;
        let mut spec = spending(&[1]);
        spec.withdrawals.push(Withdrawal {
            credential: Credential::Key(key),
            amount: 0,
            redeemer: Some(redeemer()),
        });
        let err = build_err(&spec, 0);
        assert!(
            matches!(err, Error::KeyWithdrawalRedeemer { key: k } if k == key),
            "{err}"
        );
        assert!(err.to_string().contains(&hex::encode(key)), "{err}");
    }

    #[test]
    fn a_native_mint_policy_with_a_redeemer_names_the_purpose() {
        let script = Script::Signature {
            key: "alice".into(),
        };
        let policy = script_hash(&script);
        let mut spec = spending(&[1]);
        spec.scripts.insert(policy, script);
        spec.mint.push(Mint {
            policy,
            assets: vec![(b"T".to_vec(), 1)],
            redeemer: Some(redeemer()),
        });
        let err = build_err(&spec, 0);
        let Error::NativeScriptRedeemer { purpose } = &err else {
            panic!("{err}")
        };
        assert!(
            purpose.starts_with("mint native script of alice"),
            "{purpose}"
        );
    }

    #[test]
    fn mint_entries_summing_beyond_64_bits_are_reported() {
        let script = Script::Signature {
            key: "alice".into(),
        };
        let policy = script_hash(&script);
        let mut spec = spending(&[1]);
        spec.scripts.insert(policy, script);
        for _ in 0..2 {
            spec.mint.push(Mint {
                policy,
                assets: vec![(b"T".to_vec(), i64::MAX)],
                redeemer: None,
            });
        }
        let err = build_err(&spec, 0);
        assert!(
            matches!(&err, Error::MintOverflow { policy: p, name } if *p == policy && name == b"T"),
            "{err}"
        );
    }

    #[test]
    fn output_values_the_ledger_cannot_hold_name_the_asset() {
        let holding = |policy: Vec<u8>, qty| {
            let mut value = lovelace(2_000_000);
            value.assets.insert((policy, b"T".to_vec()), qty);
            tx_output(&Output::plain(alice(), value)).unwrap_err()
        };
        let zero = holding(vec![1; 28], 0);
        assert!(
            matches!(&zero, Error::ZeroQuantity { policy, name } if policy == &[1; 28] && name == b"T")
        );
        assert!(
            zero.to_string()
                .ends_with(&format!("{}.54", hex::encode([1; 28]))),
            "{zero}"
        );
        let short = holding(vec![1; 27], 5);
        assert!(matches!(&short, Error::PolicyLength { policy } if policy.len() == 27));
        assert!(short.to_string().contains("is 27 bytes, not 28"), "{short}");
    }
}
