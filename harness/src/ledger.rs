//! The ledger's rules on a single output, which the transaction builder enforces: the minimum
//! lovelace (`coinsPerUTxOByte × (160 + serialised output size)`, Babbage onwards) and the
//! maximum value size. Also the junk tokens that fill a value up to that size (token dust), for
//! the attack catalogue and the adversarial capacity.

use crate::{
    params::Params,
    scenario::{AssetClass, Output},
    tx,
};
use pallas_codec::minicbor;
use pallas_crypto::hash::{Hash, Hasher};
use pallas_primitives::conway::{self, TransactionOutput};

/// A ledger rule a transaction breaks, by the Conway ledger's name for its failure: what a
/// fixture expects with `{"refused": NAME}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Refusal {
    /// An output holds less lovelace than its minimum.
    OutputTooSmallUTxO,
    /// An output's value is larger than the maximum value size.
    OutputTooBigUTxO,
    /// Inputs, mint, withdrawals and refunds do not equal outputs, fee and deposits.
    ValueNotConservedUTxO,
    /// A Plutus script the transaction runs has no redeemer.
    MissingRedeemers,
    /// A redeemer no Plutus script uses (a key input, a key withdrawal, a native script).
    ExtraRedeemers,
    /// The transaction is larger than the maximum transaction size.
    MaxTxSizeUTxO,
    /// Its execution units exceed the per-transaction maximum.
    ExUnitsTooBigUTxO,
}

impl Refusal {
    /// Every refusal, in declaration order.
    pub const ALL: [Refusal; 7] = [
        Refusal::OutputTooSmallUTxO,
        Refusal::OutputTooBigUTxO,
        Refusal::ValueNotConservedUTxO,
        Refusal::MissingRedeemers,
        Refusal::ExtraRedeemers,
        Refusal::MaxTxSizeUTxO,
        Refusal::ExUnitsTooBigUTxO,
    ];

    /// Every name, for messages.
    pub const NAMES: [&'static str; 7] = [
        "OutputTooSmallUTxO",
        "OutputTooBigUTxO",
        "ValueNotConservedUTxO",
        "MissingRedeemers",
        "ExtraRedeemers",
        "MaxTxSizeUTxO",
        "ExUnitsTooBigUTxO",
    ];

    /// The ledger's name of the failure.
    pub fn name(self) -> &'static str {
        Refusal::NAMES[self as usize]
    }

    /// The refusal called `name`.
    pub fn named(name: &str) -> Option<Refusal> {
        Refusal::ALL.into_iter().find(|r| r.name() == name)
    }
}

/// Why an output cannot be on the ledger.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Violation {
    #[error("holds {coin} lovelace, below the minimum {min}")]
    BelowMinimum { coin: u64, min: u64 },
    #[error("value size {size} exceeds the maximum {max}")]
    ValueTooLarge { size: u64, max: u64 },
}

impl Violation {
    /// The ledger's failure.
    pub fn refusal(&self) -> Refusal {
        match self {
            Violation::BelowMinimum { .. } => Refusal::OutputTooSmallUTxO,
            Violation::ValueTooLarge { .. } => Refusal::OutputTooBigUTxO,
        }
    }
}

/// Why an output cannot be on the ledger.
pub fn output_violation(output: &TransactionOutput, params: &Params) -> Option<Violation> {
    let TransactionOutput::PostAlonzo(o) = output else {
        return None;
    };
    let size = minicbor::to_vec(output).map_or(u64::MAX, |b| b.len() as u64);
    let coin = match &o.value {
        conway::Value::Coin(c) | conway::Value::Multiasset(c, _) => *c,
    };
    let min = params.coins_per_utxo_byte.saturating_mul(160 + size);
    if coin < min {
        return Some(Violation::BelowMinimum { coin, min });
    }
    let size = minicbor::to_vec(&o.value).map_or(u64::MAX, |b| b.len() as u64);
    if size > params.max_value_size {
        return Some(Violation::ValueTooLarge {
            size,
            max: params.max_value_size,
        });
    }
    None
}

/// The lovelace `output` needs to meet the minimum whatever amount it holds (its lovelace
/// counted at the widest encoding below 2^64, so topping it up never raises the minimum).
pub fn deposit(output: &Output, params: &Params) -> u64 {
    let mut probe = output.clone();
    probe.value.lovelace = u64::MAX;
    let size = tx::tx_output(&probe)
        .ok()
        .and_then(|o| minicbor::to_vec(&o).ok())
        .map_or(u64::MAX, |b| b.len() as u64);
    params.coins_per_utxo_byte.saturating_mul(160 + size)
}

/// The serialised size of an output's value, as the maximum value size counts it.
pub fn value_size(output: &Output) -> u64 {
    let Ok(TransactionOutput::PostAlonzo(o)) = tx::tx_output(output) else {
        return u64::MAX;
    };
    minicbor::to_vec(&o.value).map_or(u64::MAX, |b| b.len() as u64)
}

/// A junk policy id: blake2b-224 of `junk policy N`.
pub fn junk_policy(n: u8) -> Hash<28> {
    Hasher::<224>::hash(format!("junk policy {n}").as_bytes())
}

/// The `n`th junk token: a 32-byte name (blake2b-256 of `junk name N`) under junk policy 9.
pub fn junk(n: u64) -> AssetClass {
    let name = Hasher::<256>::hash(format!("junk name {n}").as_bytes());
    (junk_policy(9).to_vec(), name.to_vec())
}

/// Token dust: as many junk tokens (one unit each, from the `first`th on) as `output` can take
/// within the maximum value size.
pub fn dust(output: &Output, params: &Params, first: u64) -> Vec<AssetClass> {
    let size = |n: u64| {
        let mut probe = output.clone();
        probe.value.assets.extend((0..n).map(|k| (junk(k), 1)));
        value_size(&probe)
    };
    let (mut lo, mut hi) = (0u64, 512u64);
    if size(hi) <= params.max_value_size {
        lo = hi;
    }
    while lo + 1 < hi {
        let mid = (lo + hi) / 2;
        if size(mid) <= params.max_value_size {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    (first..first + lo).map(junk).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{Address, Credential, Datum, Stake, Value};

    fn output(lovelace: u64) -> Output {
        Output {
            address: Address {
                payment: Credential::Key([1; 28]),
                stake: Stake::None,
            },
            value: Value {
                lovelace,
                assets: Default::default(),
            },
            datum: Datum::None,
            reference_script: None,
        }
    }

    #[test]
    fn refusals_are_named_as_the_ledger_names_them() {
        for refusal in Refusal::ALL {
            assert_eq!(Refusal::named(refusal.name()), Some(refusal));
        }
        assert_eq!(Refusal::named("OutputTooSmall"), None);
    }

    #[test]
    fn dust_fills_the_value_up_to_the_limit() {
        let params = Params::mainnet().unwrap();
        let mut full = output(2_000_000);
        let dust = dust(&full, &params, 0);
        assert!(dust.len() > 100, "{} junk tokens", dust.len());
        full.value
            .assets
            .extend(dust.iter().map(|a| (a.clone(), 1)));
        assert!(value_size(&full) <= params.max_value_size);
        full.value.assets.insert(junk(dust.len() as u64), 1);
        assert!(value_size(&full) > params.max_value_size);
    }

    #[test]
    fn the_minimum_lovelace_is_checked_to_the_lovelace() {
        let params = Params::mainnet().unwrap();
        let need = deposit(&output(0), &params);
        let at = |lovelace| output_violation(&tx::tx_output(&output(lovelace)).unwrap(), &params);
        assert_eq!(at(need), None);
        // Around 2 ADA the lovelace takes 5 bytes instead of u64::MAX's 9: the exact minimum is
        // 4 bytes' worth below the deposit.
        let exact = need - 4 * params.coins_per_utxo_byte;
        assert_eq!(at(exact), None);
        assert_eq!(
            at(exact - 1),
            Some(Violation::BelowMinimum {
                coin: exact - 1,
                min: exact
            })
        );
        assert_eq!(
            at(exact - 1).unwrap().refusal().name(),
            "OutputTooSmallUTxO"
        );
    }
}
