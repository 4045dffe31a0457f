//! The witness set: redeemers with their execution units, the script data hash that binds them
//! and the witness datums to the body, the signatures, and the witness set itself.

use super::{Error, RedeemerSlot, collateral::COLLATERAL_KEY, scripts::Attached};
use crate::{
    keys::Key,
    params::{ExUnits, Params},
    scenario::{Hash28, TxSpec},
};
use pallas_codec::{
    minicbor,
    utils::{Bytes, NonEmptyKeyValuePairs, NonEmptySet},
};
use pallas_crypto::hash::{Hash, Hasher};
use pallas_primitives::{
    PlutusData,
    conway::{self, RedeemersKey, RedeemersValue, VKeyWitness},
};
use std::collections::{BTreeMap, BTreeSet};

/// The redeemers field, each with its execution units from `units` (zero when missing); `None`
/// when no script runs.
pub(super) fn redeemers(
    redeemers: &[(RedeemerSlot, PlutusData)],
    units: &BTreeMap<RedeemersKey, ExUnits>,
) -> Option<conway::Redeemers> {
    let entries = redeemers
        .iter()
        .map(|(slot, data)| {
            let ex_units = units.get(&slot.key).copied().unwrap_or_default();
            let value = RedeemersValue {
                data: data.clone(),
                ex_units: conway::ExUnits {
                    mem: ex_units.mem,
                    steps: ex_units.steps,
                },
            };
            (slot.key.clone(), value)
        })
        .collect();
    NonEmptyKeyValuePairs::from_vec(entries).map(conway::Redeemers::Map)
}

/// The script integrity hash: blake2b-256 of the redeemers, the witness datums (when there are
/// any) and the language views of the cost models in use (Plutus V3 only: `{2: [costs...]}`).
pub(super) fn script_data_hash(
    redeemers: &conway::Redeemers,
    datums: Option<&NonEmptySet<PlutusData>>,
    params: &Params,
) -> Result<Hash<32>, Error> {
    let mut preimage = minicbor::to_vec(redeemers)?;
    if let Some(datums) = datums {
        preimage.extend(minicbor::to_vec(datums)?);
    }
    preimage.extend(language_views(params)?);
    Ok(Hasher::<256>::hash(&preimage))
}

/// The language views of the cost models in use: `{2: [costs...]}` for Plutus V3.
fn language_views(params: &Params) -> Result<Vec<u8>, Error> {
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
    written?;
    Ok(views)
}

/// A signature of the body by each of `signers`, in key-hash order.
pub(super) fn vkey_witnesses(
    spec: &TxSpec,
    signers: &BTreeSet<Hash28>,
    body_hash: &Hash<32>,
) -> Result<Vec<VKeyWitness>, Error> {
    signers
        .iter()
        .map(|hash| {
            let key = Key::named(key_name(spec, hash)?);
            let signature = key.sign(body_hash.as_ref());
            Ok(VKeyWitness {
                vkey: Bytes::from(key.public.as_ref().to_vec()),
                signature: Bytes::from(signature.as_ref().to_vec()),
            })
        })
        .collect()
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

/// The witness set: signatures, attached scripts, witness datums and redeemers.
pub(super) fn witness_set(
    vkeys: Vec<VKeyWitness>,
    scripts: Attached,
    datums: Option<NonEmptySet<PlutusData>>,
    redeemers: Option<conway::Redeemers>,
) -> conway::WitnessSet {
    conway::WitnessSet {
        vkeywitness: NonEmptySet::from_vec(vkeys),
        native_script: NonEmptySet::from_vec(scripts.native),
        bootstrap_witness: None,
        plutus_v1_script: None,
        plutus_data: datums,
        redeemer: redeemers,
        plutus_v2_script: None,
        plutus_v3_script: NonEmptySet::from_vec(scripts.plutus),
    }
}
