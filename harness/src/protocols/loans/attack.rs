//! What the attack engine ([`crate::attack`]) needs to know about loans: which outputs the
//! protocol owes a lender, which tokens are Key NFTs, and which spends are the owner's choice.

use super::super::{AttackHooks, ConstructorGroup};
use super::LOAN_REDEEMERS;
use crate::{
    plutus,
    scenario::{AssetClass, Datum, Output},
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
    matches!(inline(output), Some(PlutusData::Array(items))
        if items.len() == 2 && items.iter().all(|i| matches!(i, PlutusData::BoundedBytes(_))))
}

/// A token named like a Loan ID (32 bytes) outside a loan UTxO: a Key NFT, whose holder holds
/// the loan's claim; taking it is theft, not a beacon's misplacement. (Loan-asset beacons and
/// Locks, also 32 bytes, sit only in Asks, Offers and Active UTxOs.)
fn is_key_nft(asset: &AssetClass, output: &Output) -> bool {
    let loan_datum = inline(output)
        .and_then(plutus::as_constr)
        .is_some_and(|(index, _)| index <= 2);
    asset.1.len() == 32 && !loan_datum
}

fn inline(output: &Output) -> Option<&PlutusData> {
    match &output.datum {
        Datum::Inline(data) => Some(data),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{Address, Credential, Stake, Value};
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
}
