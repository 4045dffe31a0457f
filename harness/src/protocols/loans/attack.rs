//! What the attack engine ([`crate::attack`]) needs to know about loans: which outputs the
//! protocol owes a lender, which tokens are Key NFTs, which spends are the owner's choice, and
//! who owns an Offer.

use super::super::{AttackHooks, ConstructorGroup};
use super::LOAN_REDEEMERS;
use crate::{
    plutus,
    scenario::{AssetClass, Credential, Output},
};
use pallas_primitives::PlutusData;

/// The loans protocol's attack hooks.
pub const HOOKS: AttackHooks = AttackHooks {
    interchangeable: &[],
    // An owner who approves may spend a beaconless loan UTxO, or one without a loan datum, with
    // any loan redeemer (LOAN-SPEND-04/07/14, the LOAN-SPEND-01 recovery); a beacon-carrying
    // one is guarded by the policy or observer each redeemer delegates to.
    owner_paths: &[ConstructorGroup {
        script: "loan",
        names: &LOAN_NAMES,
    }],
    when_nothing_taken: &[],
    // No loan output is found by the reference of the UTxO it continues (an Active UTxO is
    // continued by its Loan ID); what the engine must protect are the lenders' outputs.
    continues: |_, _| false,
    surplus: |_| 0,
    owed: is_lender_output,
    bearer: is_key_nft,
    owner: offer_lender,
};

/// Every `LoanRedeemer` constructor's name.
const LOAN_NAMES: [&str; 7] = {
    let mut names = [""; 7];
    let mut i = 0;
    while i < 7 {
        names[i] = LOAN_REDEEMERS[i].name;
        i += 1;
    }
    names
};

/// An output carrying the payment datum (§3.3) `[B active_beacon_id, B loan_id]`: an
/// acceptance's Key and deposit, a payment, an address update's Key output. The protocol owes
/// it to the lender.
fn is_lender_output(output: &Output) -> bool {
    matches!(output.inline_datum(), Some(PlutusData::Array(items))
        if items.len() == 2 && items.iter().all(|i| matches!(i, PlutusData::BoundedBytes(_))))
}

/// A token named like a Loan ID (32 bytes) outside a loan UTxO: a Key NFT, whose holder holds
/// the loan's claim; taking it is theft, not a beacon's misplacement. (Loan-asset beacons and
/// Locks, also 32 bytes, sit only in Asks, Offers and Active UTxOs.)
fn is_key_nft(asset: &AssetClass, output: &Output) -> bool {
    let loan_datum = output
        .inline_datum()
        .and_then(plutus::as_constr)
        .is_some_and(|(index, _)| index <= 2);
    asset.1.len() == 32 && !loan_datum
}

/// The lender of a valid Offer (spec §1.4, LOAN-SPEND-06): an inline `OfferDatum` (constructor
/// 1, 20 fields) whose UTxO holds the `Offer` beacon of the datum's negotiation policy; its
/// `lender_id` (`00`/`01` ‖ hash, §4.3) names the credential. An Offer without its beacon is the
/// address owner's (LOAN-SPEND-07).
fn offer_lender(output: &Output) -> Option<Credential> {
    let (1, fields) = plutus::as_constr(output.inline_datum()?)? else {
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
    use crate::scenario::{Address, Datum, Stake, Value};
    use uplc::ast::Data;

    fn output(datum: Datum) -> Output {
        Output {
            datum,
            ..Output::plain(
                Address {
                    payment: Credential::Key([1; 28]),
                    stake: Stake::None,
                },
                Value::default(),
            )
        }
    }

    fn payment_datum() -> PlutusData {
        Data::list(vec![
            Data::bytestring(vec![2; 28]),
            Data::bytestring(vec![3; 32]),
        ])
    }

    #[test]
    fn lender_outputs_are_those_with_a_payment_datum() {
        assert!(is_lender_output(&output(Datum::Inline(payment_datum()))));
        assert!(!is_lender_output(&output(Datum::Hash(payment_datum()))));
        let ask = Data::constr(0, vec![Data::bytestring(vec![1; 28])]);
        assert!(!is_lender_output(&output(Datum::Inline(ask))));
        assert!(!is_lender_output(&output(Datum::None)));
    }

    #[test]
    fn key_nfts_are_loan_ids_outside_loan_utxos() {
        let key = (vec![2; 28], vec![3; 32]);
        let lender = output(Datum::Inline(payment_datum()));
        let active = output(Datum::Inline(Data::constr(2, vec![])));
        assert!(is_key_nft(&key, &lender));
        assert!(is_key_nft(&key, &output(Datum::None)));
        assert!(!is_key_nft(&key, &active));
        assert!(!is_key_nft(&(vec![2; 28], b"Active".to_vec()), &lender));
    }

    #[test]
    fn every_loan_redeemer_is_an_owner_path() {
        let names = HOOKS.equivalents("loan", "Unlock", true, false);
        assert_eq!(names.len(), 7);
        assert!(HOOKS.equivalents("loan", "Unlock", false, false).is_empty());
    }

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
