//! The purposes a transaction serves (spent inputs, mint, withdrawals, certificates), each in the
//! ledger's order, with what each needs: the scripts that must be present, the keys that must
//! sign, and the redeemers, whose pointers are positions in that order.

use super::{
    Error, RedeemerSlot,
    encode::certificate,
    scripts::{script_for, script_label},
};
use crate::scenario::{Credential, Datum, Hash28, Input, Script, TxSpec, Withdrawal};
use pallas_primitives::{
    PlutusData,
    conway::{self, RedeemerTag, RedeemersKey},
};
use std::collections::{BTreeMap, BTreeSet};

/// Mint and burn quantities by policy, sorted by policy id, with no zero quantity.
pub(super) type Mint = BTreeMap<Hash28, BTreeMap<Vec<u8>, i64>>;

/// What the transaction's purposes need.
#[derive(Default)]
pub(super) struct Needs {
    /// The scripts that must run or be present, by hash.
    pub scripts: BTreeSet<Hash28>,
    /// The key hashes that must sign.
    pub signers: BTreeSet<Hash28>,
    /// The redeemers with their data.
    pub redeemers: Vec<(RedeemerSlot, PlutusData)>,
    /// The datums of spent hash-datum outputs, for the witness set.
    pub datums: Vec<PlutusData>,
}

impl Needs {
    /// Records the redeemer a Plutus script needs; native scripts take none.
    fn redeem(
        &mut self,
        script: &Script,
        redeemer: Option<&PlutusData>,
        tag: RedeemerTag,
        index: usize,
        purpose: String,
    ) -> Result<(), Error> {
        match (script, redeemer) {
            (Script::PlutusV3 { .. }, Some(data)) => {
                let key = RedeemersKey {
                    tag,
                    index: index as u32,
                };
                self.redeemers
                    .push((RedeemerSlot { key, purpose }, data.clone()));
                Ok(())
            }
            (Script::PlutusV3 { .. }, None) => Err(Error::ScriptWithoutRedeemer(purpose)),
            (Script::Signature { .. }, Some(_)) => Err(Error::NativeScriptRedeemer { purpose }),
            (Script::Signature { .. }, None) => Ok(()),
        }
    }

    /// Puts the redeemers in ledger order: by tag, then by index.
    pub fn sort_redeemers(&mut self) {
        self.redeemers.sort_by(|(a, _), (b, _)| {
            (a.key.tag as u8, a.key.index).cmp(&(b.key.tag as u8, b.key.index))
        });
    }
}

/// The spent inputs in ledger order: sorted by output reference.
pub(super) fn sorted_inputs(spec: &TxSpec) -> Vec<&Input> {
    let mut inputs: Vec<_> = spec.inputs.iter().collect();
    inputs.sort_by_key(|i| i.utxo.out_ref);
    inputs
}

/// What the sorted `inputs` need: a key input its signature, a script input its script, its
/// redeemer (Plutus only) and, for a hash datum, the datum.
pub(super) fn spend(spec: &TxSpec, inputs: &[&Input], needs: &mut Needs) -> Result<(), Error> {
    for (index, input) in inputs.iter().enumerate() {
        match input.utxo.output.address.payment {
            Credential::Key(hash) => {
                if input.redeemer.is_some() {
                    return Err(Error::UnexpectedRedeemer(input.utxo.name.clone()));
                }
                needs.signers.insert(hash);
            }
            Credential::Script(hash) => spend_script(spec, index, input, hash, needs)?,
        }
    }
    Ok(())
}

/// What the script-locked input at ledger position `index` needs.
fn spend_script(
    spec: &TxSpec,
    index: usize,
    input: &Input,
    hash: Hash28,
    needs: &mut Needs,
) -> Result<(), Error> {
    let name = &input.utxo.name;
    let script = script_for(spec, hash, || format!("input `{name}`"))?;
    needs.scripts.insert(hash);
    match (script, &input.redeemer) {
        (Script::PlutusV3 { name: script, .. }, Some(data)) => {
            let slot = RedeemerSlot {
                key: RedeemersKey {
                    tag: RedeemerTag::Spend,
                    index: index as u32,
                },
                purpose: format!("spend {name} ({script})"),
            };
            needs.redeemers.push((slot, data.clone()));
        }
        (Script::PlutusV3 { .. }, None) => return Err(Error::MissingRedeemer(name.clone())),
        (Script::Signature { .. }, Some(_)) => {
            return Err(Error::UnexpectedRedeemer(name.clone()));
        }
        (Script::Signature { .. }, None) => {}
    }
    if let Datum::Hash(data) = &input.utxo.output.datum {
        needs.datums.push(data.clone());
    }
    Ok(())
}

/// The mint, one entry per policy sorted by policy id, and what each policy needs; redeemer
/// pointers follow that order.
pub(super) fn mint(spec: &TxSpec, needs: &mut Needs) -> Result<Mint, Error> {
    let (mint, redeemers) = mint_quantities(spec)?;
    for (index, policy) in mint.keys().enumerate() {
        let what = || format!("mint policy {}", hex::encode(policy));
        let script = script_for(spec, *policy, what)?;
        needs.scripts.insert(*policy);
        let purpose = format!("mint {}", script_label(script, policy));
        needs.redeem(
            script,
            redeemers.get(policy),
            RedeemerTag::Mint,
            index,
            purpose,
        )?;
    }
    Ok(mint)
}

/// The fixture's mint entries summed by policy and asset, zero sums dropped, with each policy's
/// redeemer; a sum beyond 64 bits is an error, as the ledger's mint field cannot hold it.
fn mint_quantities(spec: &TxSpec) -> Result<(Mint, BTreeMap<Hash28, PlutusData>), Error> {
    let mut mint = Mint::new();
    let mut redeemers = BTreeMap::new();
    for m in &spec.mint {
        let entry = mint.entry(m.policy).or_default();
        for (name, qty) in &m.assets {
            let sum = entry.entry(name.clone()).or_default();
            *sum = sum.checked_add(*qty).ok_or_else(|| Error::MintOverflow {
                policy: m.policy,
                name: name.clone(),
            })?;
        }
        if let Some(r) = &m.redeemer {
            redeemers.insert(m.policy, r.clone());
        }
    }
    mint.retain(|_, assets| {
        assets.retain(|_, q| *q != 0);
        !assets.is_empty()
    });
    Ok((mint, redeemers))
}

/// The withdrawals in the ledger's order of reward accounts (script credentials first, then by
/// hash), and what each needs.
pub(super) fn withdrawals<'a>(
    spec: &'a TxSpec,
    needs: &mut Needs,
) -> Result<Vec<&'a Withdrawal>, Error> {
    let mut withdrawals: Vec<&Withdrawal> = spec.withdrawals.iter().collect();
    withdrawals.sort_by_key(|w| credential_order(w.credential));
    for (index, w) in withdrawals.iter().enumerate() {
        match w.credential {
            Credential::Key(hash) => {
                if w.redeemer.is_some() {
                    return Err(Error::KeyWithdrawalRedeemer { key: hash });
                }
                needs.signers.insert(hash);
            }
            Credential::Script(hash) => {
                let what = || format!("withdrawal from {}", hex::encode(hash));
                let script = script_for(spec, hash, what)?;
                needs.scripts.insert(hash);
                let purpose = format!("withdraw {}", script_label(script, &hash));
                needs.redeem(
                    script,
                    w.redeemer.as_ref(),
                    RedeemerTag::Reward,
                    index,
                    purpose,
                )?;
            }
        }
    }
    Ok(withdrawals)
}

/// The order of reward accounts in the ledger's withdrawals map: script credentials first.
fn credential_order(credential: Credential) -> (u8, Hash28) {
    match credential {
        Credential::Script(h) => (0, h),
        Credential::Key(h) => (1, h),
    }
}

/// The certificates in the fixture's order, and what each needs.
pub(super) fn certificates(
    spec: &TxSpec,
    needs: &mut Needs,
) -> Result<Vec<conway::Certificate>, Error> {
    let mut certificates = Vec::with_capacity(spec.certificates.len());
    for (index, cert) in spec.certificates.iter().enumerate() {
        certificates.push(certificate(cert));
        match cert.credential {
            Credential::Key(hash) => {
                needs.signers.insert(hash);
            }
            Credential::Script(hash) => {
                let script = script_for(spec, hash, || format!("certificate {index}"))?;
                needs.scripts.insert(hash);
                let label = script_label(script, &hash);
                let purpose = format!("publish {label} (certificate {index})");
                needs.redeem(
                    script,
                    cert.redeemer.as_ref(),
                    RedeemerTag::Cert,
                    index,
                    purpose,
                )?;
            }
        }
    }
    Ok(certificates)
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
}
