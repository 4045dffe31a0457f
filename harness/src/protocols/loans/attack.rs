//! What the attack engine ([`crate::attack`]) needs to know about loans: who owns an Offer, and
//! which loan redeemers are an owner's choice.

use super::super::AttackHooks;
use crate::{
    plutus,
    scenario::{Credential, Datum, Output},
};
use pallas_primitives::PlutusData;

/// The loans protocol's attack hooks.
pub const HOOKS: AttackHooks = AttackHooks {
    owner: offer_lender,
    ..AttackHooks::NONE
};

/// The lender of a valid Offer (spec §1.4, LOAN-SPEND-06): an inline `OfferDatum` (constructor
/// 1, 20 fields) whose UTxO holds the `Offer` beacon of the datum's negotiation policy; its
/// `lender_id` (`00`/`01` ‖ hash, §4.3) names the credential. An Offer without its beacon is the
/// address owner's (LOAN-SPEND-07).
fn offer_lender(output: &Output) -> Option<Credential> {
    let Datum::Inline(datum) = &output.datum else {
        return None;
    };
    let (1, fields) = plutus::as_constr(datum)? else {
        return None;
    };
    let [
        PlutusData::BoundedBytes(policy),
        _,
        PlutusData::BoundedBytes(lender_id),
        ..,
    ] = fields
    else {
        return None;
    };
    if fields.len() != 20
        || !output
            .value
            .assets
            .contains_key(&(policy.to_vec(), b"Offer".to_vec()))
    {
        return None;
    }
    let hash = lender_id.get(1..)?.try_into().ok()?;
    match lender_id.first()? {
        0 => Some(Credential::Key(hash)),
        1 => Some(Credential::Script(hash)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{Address, Stake, Value};
    use uplc::ast::Data;

    const N: [u8; 28] = [0x11; 28];
    const BOB: [u8; 28] = [0xb0; 28];

    /// An output at a borrower's loan address holding `tokens` of N, with an OfferDatum whose
    /// LenderId is `lender_id` (the other 17 fields are filler).
    fn offer(lender_id: Vec<u8>, tokens: &[&[u8]]) -> Output {
        let mut fields = vec![
            Data::bytestring(N.to_vec()),
            Data::bytestring(vec![0x22; 28]),
            Data::bytestring(lender_id),
        ];
        fields.resize(20, Data::integer(0.into()));
        let mut value = Value::default();
        for name in tokens {
            value.assets.insert((N.to_vec(), name.to_vec()), 1);
        }
        Output {
            datum: Datum::Inline(Data::constr(1, fields)),
            ..Output::plain(
                Address {
                    payment: Credential::Script([0x55; 28]),
                    stake: Stake::Inline(Credential::Key([0xa1; 28])),
                },
                value,
            )
        }
    }

    #[test]
    fn a_valid_offer_is_its_lenders() {
        let key = [&[0][..], &BOB].concat();
        let script = [&[1][..], &BOB].concat();
        assert_eq!(
            offer_lender(&offer(key, &[b"Offer"])),
            Some(Credential::Key(BOB))
        );
        assert_eq!(
            offer_lender(&offer(script, &[b"Offer"])),
            Some(Credential::Script(BOB))
        );
    }

    #[test]
    fn an_offer_without_its_beacon_or_with_a_bad_prefix_is_the_address_owners() {
        let key = [&[0][..], &BOB].concat();
        assert_eq!(offer_lender(&offer(key, &[b"Ask"])), None);
        let bad = [&[2][..], &BOB].concat();
        assert_eq!(offer_lender(&offer(bad, &[b"Offer"])), None);
    }
}
