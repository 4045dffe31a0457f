//! Plutus Data as the harness reads and writes it: constructors and integers decoded from their
//! CBOR forms, and the encodings of the ledger types that datums and redeemers carry
//! (credentials, addresses, the V2-layout output reference).

use crate::scenario::{Address, Credential, OutRef, Stake};
use num_bigint::{BigInt, Sign};
use pallas_primitives::{PlutusData, conway};
use uplc::ast::Data;

/// The constructor index of constructor data, decoded from its CBOR tag.
pub fn constr_index(constr: &conway::Constr<PlutusData>) -> u64 {
    match constr.tag {
        121..=127 => constr.tag - 121,
        1280..=1400 => constr.tag - 1280 + 7,
        _ => constr.any_constructor.unwrap_or_default(),
    }
}

/// The index and fields of constructor data, `None` for other data.
pub fn as_constr(data: &PlutusData) -> Option<(u64, &[PlutusData])> {
    match data {
        PlutusData::Constr(c) => Some((constr_index(c), c.fields.as_slice())),
        _ => None,
    }
}

/// The value of integer data.
pub fn integer(value: &conway::BigInt) -> BigInt {
    match value {
        conway::BigInt::Int(i) => BigInt::from(i128::from(*i)),
        conway::BigInt::BigUInt(bytes) => BigInt::from_bytes_be(Sign::Plus, bytes),
        conway::BigInt::BigNInt(bytes) => -BigInt::from_bytes_be(Sign::Plus, bytes) - 1,
    }
}

/// The integer of integer data, `None` for other data.
pub fn as_integer(data: &PlutusData) -> Option<BigInt> {
    match data {
        PlutusData::BigInt(i) => Some(integer(i)),
        _ => None,
    }
}

/// `PubKey(h) = Constr 0 [B h]`, `Script(h) = Constr 1 [B h]`.
pub fn credential(credential: &Credential) -> PlutusData {
    match credential {
        Credential::Key(hash) => Data::constr(0, vec![Data::bytestring(hash.to_vec())]),
        Credential::Script(hash) => Data::constr(1, vec![Data::bytestring(hash.to_vec())]),
    }
}

/// `Constr 0 [payment, Option<Referenced<Credential>>]`: `Inline(c) = Constr 0 [c]`,
/// `Pointer(slot, tx, cert) = Constr 1 [I, I, I]`, no stake part `None = Constr 1 []`.
pub fn address(address: &Address) -> PlutusData {
    let some = |x| Data::constr(0, vec![x]);
    let stake = match address.stake {
        Stake::None => Data::constr(1, Vec::new()),
        Stake::Inline(c) => some(Data::constr(0, vec![credential(&c)])),
        Stake::Pointer(slot, tx, cert) => some(Data::constr(
            1,
            [slot, tx, cert]
                .into_iter()
                .map(|n| Data::integer(BigInt::from(n)))
                .collect(),
        )),
    };
    Data::constr(0, vec![credential(&address.payment), stake])
}

/// An output reference in the Plutus V2 layout that datums store:
/// `Constr 0 [Constr 0 [B tx_id], I index]`.
pub fn out_ref(out_ref: &OutRef) -> PlutusData {
    let tx_id = Data::constr(0, vec![Data::bytestring(out_ref.tx_id.to_vec())]);
    Data::constr(0, vec![tx_id, Data::integer(BigInt::from(out_ref.index))])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constructor_indexes_decode_from_every_tag_range() {
        for ix in [0, 6, 7, 127, 128, 1000] {
            let data = Data::constr(ix, vec![]);
            assert_eq!(as_constr(&data).map(|(i, _)| i), Some(ix));
        }
    }

    #[test]
    fn integers_decode_beyond_64_bits() {
        for n in [
            "0",
            "-1",
            "340282366920938463463374607431768211457",
            "-18446744073709551617",
        ] {
            let n: BigInt = n.parse().unwrap();
            assert_eq!(as_integer(&Data::integer(n.clone())), Some(n));
        }
    }

    /// The spec's encodings (loans §3.1): `PubKey(h) = Constr 0 [B h]`, an address with an
    /// inline stake key `Constr 0 [Constr 0 [B k], Constr 0 [Constr 0 [Constr 0 [B s]]]]`.
    #[test]
    fn credentials_and_addresses_encode_as_the_specs_say() {
        let cbor = |d: &PlutusData| hex::encode(pallas_codec::minicbor::to_vec(d).unwrap());
        let key = Credential::Key([0x11; 28]);
        assert_eq!(
            cbor(&credential(&key)),
            format!("d8799f581c{}ff", "11".repeat(28))
        );
        let script = Credential::Script([0x22; 28]);
        assert_eq!(
            cbor(&credential(&script)),
            format!("d87a9f581c{}ff", "22".repeat(28))
        );
        let staked = Address {
            payment: key,
            stake: Stake::Inline(script),
        };
        assert_eq!(
            cbor(&address(&staked)),
            format!(
                "d8799fd8799f581c{}ffd8799fd8799fd87a9f581c{}ffffffff",
                "11".repeat(28),
                "22".repeat(28)
            )
        );
        let bare = Address {
            payment: key,
            stake: Stake::None,
        };
        assert_eq!(
            cbor(&address(&bare)),
            format!("d8799fd8799f581c{}ffd87a80ff", "11".repeat(28))
        );
        let pointer = Address {
            payment: key,
            stake: Stake::Pointer(1, 2, 3),
        };
        assert!(cbor(&address(&pointer)).ends_with("d8799fd87a9f010203ffffff"));
    }

    #[test]
    fn an_output_reference_wraps_its_transaction_id() {
        let r = OutRef {
            tx_id: [0xab; 32],
            index: 12,
        };
        let cbor = hex::encode(pallas_codec::minicbor::to_vec(out_ref(&r)).unwrap());
        assert_eq!(cbor, format!("d8799fd8799f5820{}ff0cff", "ab".repeat(32)));
    }
}
