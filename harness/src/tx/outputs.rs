//! The outputs: the value balanced into the change output, each output in ledger form and held
//! to the ledger's rules on outputs.

use super::{Error, encode::tx_output, purposes::Mint};
use crate::{
    params::Params,
    scenario::{AssetClass, CertificateKind, Output, TxSpec, Value},
};
use pallas_primitives::conway::TransactionOutput;
use std::{collections::BTreeMap, fmt};

/// The outputs in ledger form, the change output balanced, each within the ledger's limits.
pub(super) fn outputs(
    spec: &TxSpec,
    fee: u64,
    mint: &Mint,
    params: &Params,
) -> Result<Vec<TransactionOutput>, Error> {
    let outputs = balance(spec, fee, mint)?
        .iter()
        .map(tx_output)
        .collect::<Result<Vec<_>, _>>()?;
    if let Some((index, violation)) = outputs
        .iter()
        .enumerate()
        .find_map(|(i, o)| Some((i, crate::ledger::output_violation(o, params)?)))
    {
        return Err(Error::Output { index, violation });
    }
    Ok(outputs)
}

/// Signed sums of every asset, lovelace under the empty asset class.
type Ledger = BTreeMap<AssetClass, i128>;

fn add_value(ledger: &mut Ledger, value: &Value, sign: i128) {
    add_lovelace(ledger, value.lovelace, sign);
    for (class, qty) in &value.assets {
        *ledger.entry(class.clone()).or_default() += sign * i128::from(*qty);
    }
}

fn add_lovelace(ledger: &mut Ledger, lovelace: u64, sign: i128) {
    *ledger.entry((vec![], vec![])).or_default() += sign * i128::from(lovelace);
}

/// What the transaction takes in and does not pay out, per asset (non-zero entries only):
/// inputs, mint, withdrawals and refunds, less outputs, the fee and deposits.
fn left_over(spec: &TxSpec, fee: u64, mint: &Mint) -> Ledger {
    let mut left: Ledger = BTreeMap::new();
    for input in &spec.inputs {
        add_value(&mut left, &input.utxo.output.value, 1);
    }
    for (policy, assets) in mint {
        for (name, qty) in assets {
            *left.entry((policy.to_vec(), name.clone())).or_default() += i128::from(*qty);
        }
    }
    for w in &spec.withdrawals {
        add_lovelace(&mut left, w.amount, 1);
    }
    for cert in &spec.certificates {
        match cert.kind {
            CertificateKind::Register { deposit } | CertificateKind::RegisterDRep { deposit } => {
                add_lovelace(&mut left, deposit, -1)
            }
            CertificateKind::Unregister { refund } => add_lovelace(&mut left, refund, 1),
            CertificateKind::Delegate { .. } => {}
        }
    }
    add_lovelace(&mut left, fee, -1);
    for out in &spec.outputs {
        add_value(&mut left, &out.output.value, -1);
    }
    left.retain(|_, q| *q != 0);
    left
}

/// The outputs with the change output topped up so that the transaction balances.
fn balance(spec: &TxSpec, fee: u64, mint: &Mint) -> Result<Vec<Output>, Error> {
    let left = left_over(spec, fee, mint);
    let mut outputs: Vec<Output> = spec.outputs.iter().map(|o| o.output.clone()).collect();
    match spec.outputs.iter().position(|o| o.change) {
        None if left.is_empty() => Ok(outputs),
        None => Err(Error::Unbalanced {
            imbalances: Imbalance::of(&left, |_| true),
            fee,
        }),
        Some(ix) => {
            add_change(&mut outputs[ix].value, left, fee)?;
            Ok(outputs)
        }
    }
}

/// Adds what is left over to the change output; nothing may be missing.
fn add_change(change: &mut Value, left: Ledger, fee: u64) -> Result<(), Error> {
    let missing = Imbalance::of(&left, |amount| amount < 0);
    if !missing.is_empty() {
        return Err(Error::Short { missing, fee });
    }
    for (asset, qty) in left {
        let held = if asset.0.is_empty() {
            &mut change.lovelace
        } else {
            change.assets.entry(asset.clone()).or_default()
        };
        let amount = i128::from(*held) + qty;
        *held = u64::try_from(amount)
            .map_err(|_| Error::ChangeOverflow(Box::new(Imbalance { asset, amount })))?;
    }
    Ok(())
}

/// How far the transaction is off on one asset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imbalance {
    /// The asset (lovelace: the empty asset class).
    pub asset: AssetClass,
    /// What comes in less what goes out: positive when left over, negative when missing.
    pub amount: i128,
}

impl Imbalance {
    /// The entries of `left` whose amount passes `keep`.
    fn of(left: &Ledger, keep: impl Fn(i128) -> bool) -> Vec<Imbalance> {
        left.iter()
            .filter(|(_, amount)| keep(**amount))
            .map(|(asset, amount)| Imbalance {
                asset: asset.clone(),
                amount: *amount,
            })
            .collect()
    }

    /// `imbalances` in one line, comma-separated.
    pub fn list(imbalances: &[Imbalance]) -> String {
        let parts: Vec<String> = imbalances.iter().map(Imbalance::to_string).collect();
        parts.join(", ")
    }
}

impl fmt::Display for Imbalance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let asset = asset_label(&self.asset);
        if self.amount > 0 {
            write!(f, "{} {asset} left over", self.amount)
        } else {
            write!(f, "{} {asset} missing", -self.amount)
        }
    }
}

/// An asset as reports name it: `lovelace`, or the hex policy id and asset name joined by `.`.
pub fn asset_label(asset: &AssetClass) -> String {
    let (policy, name) = asset;
    if policy.is_empty() {
        "lovelace".to_string()
    } else {
        format!("{}.{}", hex::encode(policy), hex::encode(name))
    }
}
