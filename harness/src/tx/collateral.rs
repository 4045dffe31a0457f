//! Collateral: a synthetic UTxO of the `collateral` key backs every transaction that runs
//! scripts, with the amount the parameter set requires for the fee put up and the rest returned.

use super::{
    Error,
    encode::{tx_input, tx_output},
};
use crate::{
    keys::Key,
    params::Params,
    scenario::{Address, Credential, Datum, Hash28, OutRef, Output, Stake, Utxo, Value},
};
use pallas_crypto::hash::Hasher;
use pallas_primitives::conway::{TransactionInput, TransactionOutput};
use std::collections::BTreeMap;
use uplc::tx::ResolvedInput;

/// Lovelace in the collateral UTxO.
const COLLATERAL_LOVELACE: u64 = 5_000_000_000;
/// The key that owns the collateral UTxO.
pub(super) const COLLATERAL_KEY: &str = "collateral";

/// The collateral of a transaction that runs scripts.
pub(super) struct Collateral {
    utxo: Utxo,
    /// The lovelace put up.
    pub amount: u64,
}

impl Collateral {
    /// The collateral for `fee`, when the transaction runs scripts.
    pub fn when(runs_scripts: bool, params: &Params, fee: u64) -> Option<Collateral> {
        runs_scripts.then(|| Collateral {
            utxo: collateral_utxo(),
            amount: params.collateral(fee),
        })
    }

    /// The key hash that must sign for the collateral input.
    pub fn signer() -> Hash28 {
        *Key::named(COLLATERAL_KEY).hash
    }

    /// The collateral input.
    pub fn input(&self) -> TransactionInput {
        tx_input(self.utxo.out_ref)
    }

    /// The collateral return: what the collateral UTxO holds beyond the amount put up.
    pub fn return_output(&self) -> Result<TransactionOutput, Error> {
        let mut back = self.utxo.output.clone();
        back.value.lovelace = COLLATERAL_LOVELACE.saturating_sub(self.amount);
        tx_output(&back)
    }

    /// The collateral UTxO as the evaluator reads it.
    pub fn resolved(&self) -> Result<ResolvedInput, Error> {
        Ok(ResolvedInput {
            input: self.input(),
            output: tx_output(&self.utxo.output)?,
        })
    }
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
                payment: Credential::Key(Collateral::signer()),
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
