//! The scripts of a transaction: their hashes and bytes, which ones the witness set carries, and
//! the reference scripts the transaction reads.

use super::{Error, purposes::Needs};
use crate::{
    keys::Key,
    scenario::{Hash28, Script, TxSpec, Utxo},
};
use pallas_codec::utils::Bytes;
use pallas_crypto::hash::Hasher;
use pallas_primitives::{
    Fragment,
    conway::{NativeScript, PlutusScript},
};
use std::collections::BTreeSet;

/// The scripts the witness set carries.
pub(super) struct Attached {
    pub plutus: Vec<PlutusScript<3>>,
    pub native: Vec<NativeScript>,
}

/// Attaches every needed script that no reference script provides; a native script also needs
/// its key's signature, wherever it comes from.
pub(super) fn attach(spec: &TxSpec, needs: &mut Needs) -> Result<Attached, Error> {
    let provided = reference_script_hashes(spec);
    let mut attached = Attached {
        plutus: Vec::new(),
        native: Vec::new(),
    };
    for hash in &needs.scripts {
        let script = script_for(spec, *hash, || format!("script {}", hex::encode(hash)))?;
        if let Script::Signature { key } = script {
            needs.signers.insert(*Key::named(key).hash);
        }
        if provided.contains(hash) {
            continue;
        }
        match script {
            Script::PlutusV3 { bytes, .. } => attached
                .plutus
                .push(PlutusScript::<3>(Bytes::from(bytes.clone()))),
            Script::Signature { key } => attached.native.push(native_script(key)),
        }
    }
    Ok(attached)
}

/// Looks up the script a credential or policy names.
pub(super) fn script_for(
    spec: &TxSpec,
    hash: Hash28,
    what: impl Fn() -> String,
) -> Result<&Script, Error> {
    spec.scripts.get(&hash).ok_or_else(|| Error::UnknownScript {
        what: what(),
        hash: hex::encode(hash),
    })
}

/// The readable name of a script for reports.
pub(super) fn script_label(script: &Script, hash: &Hash28) -> String {
    match script {
        Script::PlutusV3 { name, .. } => name.clone(),
        Script::Signature { key } => format!("native script of {key} ({})", hex::encode(hash)),
    }
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

/// The native script that requires `key`'s signature.
pub(super) fn native_script(key: &str) -> NativeScript {
    NativeScript::ScriptPubkey(Key::named(key).hash)
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
pub(super) fn reference_script_bytes(spec: &TxSpec) -> u64 {
    read_utxos(spec)
        .filter_map(|u| u.output.reference_script.as_ref())
        .map(|s| script_bytes(s).len() as u64)
        .sum()
}

/// The UTxOs the transaction reads, spent then referenced, in the fixture's order.
pub(super) fn read_utxos(spec: &TxSpec) -> impl Iterator<Item = &Utxo> {
    spec.inputs
        .iter()
        .map(|i| &i.utxo)
        .chain(&spec.reference_inputs)
}
