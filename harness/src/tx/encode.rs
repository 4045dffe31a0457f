//! The ledger (pallas) forms of the scenario's types: inputs, outputs, addresses, credentials,
//! certificates and the mint, and the CBOR they encode to.

use super::{Error, purposes::Mint, scripts::native_script};
use crate::scenario::{
    Address, Certificate, CertificateKind, Credential, Datum, OutRef, Output, Script, Stake,
};
use pallas_addresses::{
    Network, Pointer, ShelleyAddress, ShelleyDelegationPart, ShelleyPaymentPart,
};
use pallas_codec::{
    minicbor,
    utils::{Bytes, CborWrap, NonEmptyKeyValuePairs, NonZeroInt, Nullable, PositiveCoin},
};
use pallas_crypto::hash::{Hash, Hasher};
use pallas_primitives::{
    PlutusData, StakeCredential,
    conway::{
        self, PlutusScript, PostAlonzoTransactionOutput, PseudoScript, TransactionInput,
        TransactionOutput,
    },
};
use std::collections::BTreeMap;

/// The ledger form of an output reference.
pub(super) fn tx_input(out_ref: OutRef) -> TransactionInput {
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

/// The ledger form of a certificate.
pub(super) fn certificate(cert: &Certificate) -> conway::Certificate {
    let stake = stake_credential(cert.credential);
    match cert.kind {
        CertificateKind::Register { deposit } => conway::Certificate::Reg(stake, deposit),
        CertificateKind::Unregister { refund } => conway::Certificate::UnReg(stake, refund),
        CertificateKind::Delegate { pool } => {
            conway::Certificate::StakeDelegation(stake, Hash::new(pool))
        }
        CertificateKind::RegisterDRep { deposit } => {
            conway::Certificate::RegDRepCert(stake, deposit, Nullable::Null)
        }
    }
}

/// The reward account (stake address bytes) of a credential, on mainnet: header 0xe1 for a key
/// credential, 0xf1 for a script, then the 28-byte hash.
pub(super) fn reward_account(credential: Credential) -> Bytes {
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
    let value = value(output)?;
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

/// The ledger form of an output's value: a coin alone, or with its assets grouped by policy.
fn value(output: &Output) -> Result<conway::Value, Error> {
    let mut policies: BTreeMap<&[u8], Vec<(Bytes, PositiveCoin)>> = BTreeMap::new();
    for ((policy, name), qty) in &output.value.assets {
        let qty = PositiveCoin::try_from(*qty).map_err(|_| Error::ZeroQuantity {
            policy: policy.clone(),
            name: name.clone(),
        })?;
        policies
            .entry(policy)
            .or_default()
            .push((Bytes::from(name.clone()), qty));
    }
    let mut multiasset = Vec::with_capacity(policies.len());
    for (policy, assets) in policies {
        let policy = policy_hash(policy)?;
        // Never empty: each policy holds the asset that put it there.
        if let Some(assets) = NonEmptyKeyValuePairs::from_vec(assets) {
            multiasset.push((policy, assets));
        }
    }
    let lovelace = output.value.lovelace;
    Ok(match NonEmptyKeyValuePairs::from_vec(multiasset) {
        Some(multiasset) => conway::Value::Multiasset(lovelace, multiasset),
        None => conway::Value::Coin(lovelace),
    })
}

fn policy_hash(policy: &[u8]) -> Result<Hash<28>, Error> {
    let bytes: [u8; 28] = policy.try_into().map_err(|_| Error::PolicyLength {
        policy: policy.to_vec(),
    })?;
    Ok(Hash::new(bytes))
}

/// blake2b-256 of a datum's CBOR.
pub fn datum_hash(data: &PlutusData) -> Result<Hash<32>, Error> {
    Ok(Hasher::<256>::hash(&minicbor::to_vec(data)?))
}

/// The ledger form of the mint (`None` when nothing is minted or burnt); zero quantities, which
/// a [`Mint`] never holds, are left out.
pub(super) fn mint_field(mint: &Mint) -> Option<conway::Mint> {
    let policies = mint
        .iter()
        .filter_map(|(policy, assets)| {
            let assets = assets
                .iter()
                .filter_map(|(name, qty)| {
                    Some((Bytes::from(name.clone()), NonZeroInt::try_from(*qty).ok()?))
                })
                .collect();
            Some((Hash::new(*policy), NonEmptyKeyValuePairs::from_vec(assets)?))
        })
        .collect();
    NonEmptyKeyValuePairs::from_vec(policies)
}

#[cfg(test)]
mod tests {
    use super::*;

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
