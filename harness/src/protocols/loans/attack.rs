//! What the attack engine ([`crate::attack`]) needs to know about loans: which outputs the
//! protocol owes a lender, which tokens are Key NFTs, which spends are the owner's choice, and
//! who owns an Offer, which deadlines each spend is bound by, which Active outputs start a loan,
//! how much collateral an Active output keeps for its lender, and that collateral outputs may
//! hold unlisted assets.

use super::super::{AttackHooks, TimeRule, beacon_datum_fields, group};
use super::LOAN_REDEEMERS;
use crate::{
    plutus,
    scenario::{AssetClass, Credential, Input, Output, Value},
};
use num_bigint::BigInt;
use pallas_primitives::PlutusData;

/// The loans protocol's attack hooks.
pub const HOOKS: AttackHooks = AttackHooks {
    // The appended `*At` redeemers are their originals with positions named (decision 6).
    interchangeable: &[
        group("loan", &["CloseOrUpdateAsk", "CloseOrUpdateAskAt"]),
        group("loan", &["CloseOrUpdateOffer", "CloseOrUpdateOfferAt"]),
        group("loan", &["SpendWithKeyNFT", "SpendWithKeyNFTAt"]),
        group("loan", &["Unlock", "UnlockAt"]),
    ],
    // An owner who approves may spend a beaconless loan UTxO, or one without a loan datum, with
    // any loan redeemer (LOAN-SPEND-04/07/14, the LOAN-SPEND-01 recovery); a beacon-carrying
    // one is guarded by the policy or observer each redeemer delegates to.
    owner_paths: &[group("loan", &LOAN_NAMES)],
    when_nothing_taken: &[],
    // No loan output is found by the reference of the UTxO it continues (an Active UTxO is
    // continued by its Loan ID); what the engine must protect are the lenders' outputs.
    continues: |_, _| false,
    surplus: |_| 0,
    owed: is_lender_output,
    bearer: is_key_nft,
    owner: offer_lender,
    time_rules,
    owed_amount,
    open: starts_no_victims_loan,
    holds_any,
};

/// Every `LoanRedeemer` constructor's name.
const LOAN_NAMES: [&str; LOAN_REDEEMERS.len()] = {
    let mut names = [""; LOAN_REDEEMERS.len()];
    let mut i = 0;
    while i < LOAN_REDEEMERS.len() {
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

/// An `ActiveDatum` (Constr 2, 24 fields).
fn is_active(output: &Output) -> bool {
    matches!(output.inline_datum().and_then(plutus::as_constr), Some((2, f)) if f.len() == 24)
}

fn int(data: &PlutusData) -> Option<i128> {
    plutus::as_integer(data).and_then(|n| i128::try_from(n).ok())
}

/// `Some(x)` of an `Option<int>` (Constr 0 [I x]).
fn some_int(data: &PlutusData) -> Option<i128> {
    match plutus::as_constr(data)? {
        (0, [x]) => int(x),
        _ => None,
    }
}

/// The deadlines a spend of a valid loan UTxO is bound by ("not passed" ≡ `U ≤ t`, "passed" ≡
/// `L > t`, §4): accepting an expiring Offer (LOAN-ACCEPT-06); a payment or a lender address
/// update before the loan expires (LOAN-PAY-06, LOAN-ADDR-04); a claim once the loan defaulted,
/// by expiry or by too many missed epochs (LOAN-CLAIM-06); an unlock after the claim period
/// (LOAN-UNLOCK-05). Nothing else reads time as a bound: an acceptance's `L` only sets the new
/// loan's times (LOAN-ACCEPT-10), which the Active datum must then match.
fn time_rules(output: &Output, redeemer: Option<&str>) -> Option<Vec<TimeRule>> {
    let offer = || beacon_datum_fields(output, 1).filter(|f| f.len() == 20);
    let active = || beacon_datum_fields(output, 2).filter(|f| f.len() == 24);
    let rules = match redeemer {
        Some("AcceptOffer") => offer()
            .and_then(|f| some_int(&f[18]))
            .map(TimeRule::NotAfter)
            .into_iter()
            .collect(),
        Some("MakePayment" | "UpdateLenderAddress") => active()
            .and_then(|f| int(&f[19]))
            .map(TimeRule::NotAfter)
            .into_iter()
            .collect(),
        Some("SpendWithKeyNFT") => active()
            .and_then(default_from)
            .map(TimeRule::NotBefore)
            .into_iter()
            .collect(),
        Some("Unlock") => active()
            .and_then(|f| int(&f[18]))
            .map(|t| TimeRule::NotBefore(t + 1))
            .into_iter()
            .collect(),
        _ => Vec::new(),
    };
    Some(rules)
}

/// The earliest `L` at which the loan of Active `fields` is in default (LOAN-CLAIM-06): after
/// its expiration, or once `(L − last_epoch_boundary) div epoch + misses > max_misses`, that is
/// `L ≥ last_epoch_boundary + epoch · (max_misses − misses + 1)`.
fn default_from(fields: &[PlutusData]) -> Option<i128> {
    let expired = int(&fields[19])? + 1;
    let missed = (|| {
        let epoch = some_int(&fields[8])?;
        let max = some_int(&fields[15])?;
        Some(int(&fields[9])? + epoch * (max - int(&fields[22])? + 1))
    })();
    Some(missed.map_or(expired, |m| m.min(expired)))
}

/// The Loan ID of an `ActiveDatum` (field 23).
fn loan_id(output: &Output) -> Option<&PlutusData> {
    match plutus::as_constr(output.inline_datum()?)? {
        (2, fields) if fields.len() == 24 => Some(&fields[23]),
        _ => None,
    }
}

/// An Active output continues only the victim Active UTxO of its Loan ID (an address update
/// keeps the datum but the lender address, LOAN-ADDR-08); with another Loan ID it is a new loan
/// an acceptance creates (LOAN-ACCEPT-10) or the borrower's own loan after a payment.
fn starts_no_victims_loan(output: &Output, victims: &[Input]) -> bool {
    loan_id(output).is_some_and(|id| victims.iter().all(|v| loan_id(&v.utxo.output) != Some(id)))
}

/// The spent Active UTxO whose loan a lender output (payment datum `[B policy, B loan_id]`)
/// serves, with the constructor index and fields of its redeemer.
fn served_loan<'a>(
    output: &Output,
    inputs: &'a [Input],
) -> Option<(&'a Output, u64, &'a [PlutusData])> {
    let Some(PlutusData::Array(items)) = output.inline_datum() else {
        return None;
    };
    let input = inputs
        .iter()
        .find(|i| is_lender_output(output) && loan_id(&i.utxo.output) == items.get(1))?;
    let (index, fields) = plutus::as_constr(input.redeemer.as_ref()?)?;
    Some((&input.utxo.output, index, fields))
}

/// What a lender output owes: a payment at least `payment_amount` of the loan asset
/// (LOAN-PAY-13), an address update's Key output exactly the Key (LOAN-ADDR-09); other assets
/// are allowed in both. An acceptance's lender output is owed whole (exactly deposit and Key,
/// B-15). What an Active output keeps as the lender's security: [`collateral_kept`].
fn owed_amount(output: &Output, asset: &AssetClass, inputs: &[Input]) -> Option<u64> {
    if is_active(output) {
        return collateral_kept(output, asset, inputs);
    }
    let (active, index, fields) = served_loan(output, inputs)?;
    let (_, datum) = plutus::as_constr(active.inline_datum()?)?;
    match (index, fields) {
        (3, [amount]) => {
            let loan_asset = matches!(&datum[5], PlutusData::Array(parts)
                if matches!(parts.as_slice(), [PlutusData::BoundedBytes(p), PlutusData::BoundedBytes(n)]
                    if p.as_slice() == asset.0.as_slice() && n.as_slice() == asset.1.as_slice()));
            let paid = u64::try_from(int(amount)?).ok()?;
            Some(if loan_asset { paid } else { 0 })
        }
        (5, _) => Some(u64::from(
            is_key_nft(asset, output)
                && Some(&PlutusData::BoundedBytes(asset.1.clone().into())) == datum.get(23),
        )),
        _ => None,
    }
}

/// A non-negative or negative exact fraction `(n, d)`, `d > 0`, as §5.0.6–5.0.7 reckon
/// collateral value (never reduced: only comparisons are made).
type Fraction = (BigInt, BigInt);

fn plus((a, b): &Fraction, (c, d): &Fraction) -> Fraction {
    (a * d + c * b, b * d)
}

fn minus((a, b): &Fraction, (c, d): &Fraction) -> Fraction {
    (a * d - c * b, b * d)
}

/// The `[I n, I d]` of a Fraction field.
fn fraction(data: &PlutusData) -> Option<Fraction> {
    match data {
        PlutusData::Array(parts) => match parts.as_slice() {
            [n, d] => Some((plutus::as_integer(n)?, plutus::as_integer(d)?)),
            _ => None,
        },
        _ => None,
    }
}

/// The price `(num, den)` the collateralization map (`Map(Asset, Fraction)`, §3.1) names for
/// `asset`, when it names one with `num ≠ 0` (a zero or absent price makes the asset worthless
/// as collateral, §3.2.2).
fn price(collateralization: &PlutusData, asset: &AssetClass) -> Option<Fraction> {
    let PlutusData::Map(pairs) = collateralization else {
        return None;
    };
    let key = |k: &PlutusData| {
        matches!(k, PlutusData::Array(parts) if matches!(parts.as_slice(),
            [PlutusData::BoundedBytes(p), PlutusData::BoundedBytes(n)]
                if p.as_slice() == asset.0.as_slice() && n.as_slice() == asset.1.as_slice()))
    };
    let (_, v) = pairs.iter().find(|(k, _)| key(k))?;
    fraction(v).filter(|(num, _)| *num != BigInt::ZERO)
}

/// How many of `asset` `value` holds (ADA: lovelace).
fn quantity(value: &Value, asset: &AssetClass) -> u64 {
    if asset.0.is_empty() {
        value.lovelace
    } else {
        value.assets.get(asset).copied().unwrap_or_default()
    }
}

/// The loan-asset value of `value`'s collateral (§5.0.6, §5.0.7): `q·den/num` summed over every
/// asset outside the active policy that `collateralization` prices.
fn collateral_value(value: &Value, collateralization: &PlutusData, active: &[u8]) -> Fraction {
    std::iter::once((vec![], vec![]))
        .chain(value.assets.keys().cloned())
        .filter(|a| a.0.as_slice() != active)
        .filter_map(|a| {
            let (num, den) = price(collateralization, &a)?;
            Some((BigInt::from(quantity(value, &a)) * den, num))
        })
        .fold((BigInt::ZERO, BigInt::from(1)), |acc, v| plus(&acc, &v))
}

/// What the Active output `output` must keep of `asset` as its lender's security, the rest
/// being its borrower's to take (B-16: unlisted or zero-priced assets are not collateral):
/// * a new loan (a Loan ID no spent Active UTxO has: an acceptance, LOAN-ACCEPT-12) keeps of a
///   priced asset all but what takes its collateral value down to the principal;
/// * a partial payment's continuing output (LOAN-PAY-12) all but what the proportionality rule
///   `B·(old − new) ≤ old·p` of §5.0.7 still lets the borrower take, with `B` the outstanding
///   balance before the payment (the output's `loan_outstanding` plus `p`, LOAN-PAY-08);
/// * an address update's continuing output (LOAN-ADDR-08) exactly what the Active UTxO held,
///   plus the deposit increase in lovelace.
///
/// `None` for other Active outputs, and for the beacons of the active policy (the beacon-theft
/// class's).
fn collateral_kept(output: &Output, asset: &AssetClass, inputs: &[Input]) -> Option<u64> {
    let (_, datum) = plutus::as_constr(output.inline_datum()?)?;
    let PlutusData::BoundedBytes(active) = datum.first()? else {
        return None;
    };
    if asset.0.as_slice() == active.as_slice() {
        return None;
    }
    let held = quantity(&output.value, asset);
    let id = loan_id(output);
    let spent = inputs
        .iter()
        .find(|i| loan_id(&i.utxo.output).is_some_and(|l| Some(l) == id));
    let terms = &datum[16];
    let new = collateral_value(&output.value, terms, active);
    let slack = match spent {
        None => minus(&new, &(int(&datum[7])?.into(), BigInt::from(1))),
        Some(input) => match plutus::as_constr(input.redeemer.as_ref()?)? {
            (3, [amount]) => {
                let paid = plutus::as_integer(amount)?;
                let (after_n, bd) = fraction(&datum[20])?;
                let bn = after_n + &bd * &paid;
                let (on, od) = collateral_value(&input.utxo.output.value, terms, active);
                if bn <= BigInt::ZERO {
                    return Some(held);
                }
                // old·p·bd/bn − (old − new)
                let allowed = (&on * paid * bd, od.clone() * bn);
                minus(&allowed, &minus(&(on, od), &new))
            }
            (5, [_, increase]) => {
                let before = quantity(&input.utxo.output.value, asset);
                let extra = if asset.0.is_empty() {
                    int(increase)?
                } else {
                    0
                };
                return u64::try_from(i128::from(before) + extra).ok();
            }
            _ => return None,
        },
    };
    let Some((num, den)) = price(terms, asset) else {
        return Some(0);
    };
    // The most units of `asset` whose value, `k·den/num`, fits in the slack.
    let (sn, sd) = slack;
    let free = if sn < BigInt::ZERO {
        BigInt::ZERO
    } else {
        (sn * num) / (sd * den)
    };
    let free = u64::try_from(free).unwrap_or(u64::MAX);
    Some(held - held.min(free))
}

/// Outputs that may hold unlisted assets: an Active output (B-16) and the lender output of a
/// payment or an address update (LOAN-PAY-13, LOAN-ADDR-09: other assets allowed).
fn holds_any(output: &Output, inputs: &[Input]) -> bool {
    is_active(output)
        || served_loan(output, inputs).is_some_and(|(_, index, _)| matches!(index, 3 | 5))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{Address, Datum, Stake, Value};
    use std::collections::BTreeSet;
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
        let names: BTreeSet<_> = HOOKS
            .equivalents("loan", "AcceptOffer", true, false)
            .into_iter()
            .collect();
        assert_eq!(names.len(), 11);
        assert!(
            HOOKS
                .equivalents("loan", "AcceptOffer", false, false)
                .is_empty()
        );
    }

    #[test]
    fn an_appended_redeemer_is_its_original() {
        let names = HOOKS.equivalents("loan", "CloseOrUpdateAskAt", false, false);
        assert_eq!(names, ["CloseOrUpdateAsk", "CloseOrUpdateAskAt"]);
        let names = HOOKS.equivalents("loan", "CloseOrUpdateOffer", false, false);
        assert_eq!(names, ["CloseOrUpdateOffer", "CloseOrUpdateOfferAt"]);
        let names = HOOKS.equivalents("loan", "SpendWithKeyNFT", false, false);
        assert_eq!(names, ["SpendWithKeyNFT", "SpendWithKeyNFTAt"]);
        let names = HOOKS.equivalents("loan", "UnlockAt", false, false);
        assert_eq!(names, ["Unlock", "UnlockAt"]);
        assert!(
            HOOKS
                .equivalents("loan", "MakePayment", false, false)
                .is_empty()
        );
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

    fn some(x: i64) -> PlutusData {
        Data::constr(0, vec![Data::integer(x.into())])
    }

    /// An Active output holding `beacons` of N: an `ActiveDatum` whose times are the given
    /// `loan_expiration`, `claim_expiration` and `last_epoch_boundary`, misses and epoch terms,
    /// and Loan ID `id` (the other fields filler).
    fn active(beacons: bool, epochs: Option<(i64, i64, i64)>, id: u8) -> Output {
        let mut fields = vec![Data::integer(0.into()); 24];
        fields[0] = Data::bytestring(N.to_vec());
        fields[8] = epochs.map_or(Data::constr(1, vec![]), |(f, _, _)| some(f));
        fields[9] = Data::integer(1_000.into());
        fields[15] = epochs.map_or(Data::constr(1, vec![]), |(_, m, _)| some(m));
        fields[18] = Data::integer(9_000.into());
        fields[19] = Data::integer(5_000.into());
        fields[22] = Data::integer(epochs.map_or(0, |(_, _, n)| n).into());
        fields[23] = Data::bytestring(vec![id; 32]);
        let mut out = offer(vec![], if beacons { &[b"Active"] } else { &[] });
        out.datum = Datum::Inline(Data::constr(2, fields));
        out
    }

    fn rules(output: &Output, redeemer: &str) -> Vec<TimeRule> {
        time_rules(output, Some(redeemer)).unwrap()
    }

    #[test]
    fn payments_and_address_updates_come_before_the_loan_expires() {
        let loan = active(true, None, 1);
        for redeemer in ["MakePayment", "UpdateLenderAddress"] {
            assert_eq!(rules(&loan, redeemer), vec![TimeRule::NotAfter(5_000)]);
        }
        assert!(rules(&active(false, None, 1), "MakePayment").is_empty());
        assert_eq!(time_rules(&loan, None), Some(vec![]));
    }

    #[test]
    fn claims_come_after_default_and_unlocks_after_the_claim_period() {
        let expiring = active(true, None, 1);
        assert_eq!(
            rules(&expiring, "SpendWithKeyNFT"),
            vec![TimeRule::NotBefore(5_001)]
        );
        assert_eq!(rules(&expiring, "Unlock"), vec![TimeRule::NotBefore(9_001)]);
        // Epochs of 1 000 from 1 000, at most 2 misses, 1 recorded: default once two more
        // boundaries pass, at 3 000, before the expiration.
        let missing = active(true, Some((1_000, 2, 1)), 1);
        assert_eq!(
            rules(&missing, "SpendWithKeyNFT"),
            vec![TimeRule::NotBefore(3_000)]
        );
        let patient = active(true, Some((1_000, 9, 0)), 1);
        assert_eq!(
            rules(&patient, "SpendWithKeyNFT"),
            vec![TimeRule::NotBefore(5_001)]
        );
    }

    #[test]
    fn an_expiring_offer_is_accepted_before_it_expires() {
        let mut expiring = offer(vec![0; 29], &[b"Offer"]);
        let Datum::Inline(datum) = &expiring.datum else {
            unreachable!()
        };
        let (_, fields) = plutus::as_constr(datum).unwrap();
        let mut fields = fields.to_vec();
        fields[18] = some(7_000);
        expiring.datum = Datum::Inline(Data::constr(1, fields));
        assert_eq!(
            rules(&expiring, "AcceptOffer"),
            vec![TimeRule::NotAfter(7_000)]
        );
        // The filler's `offer_expiration` (I 0) is no `Some`.
        assert!(rules(&offer(vec![0; 29], &[b"Offer"]), "AcceptOffer").is_empty());
    }

    #[test]
    fn an_active_output_with_a_new_loan_id_starts_no_victims_loan() {
        let spent = |o: Output| Input {
            utxo: crate::scenario::Utxo {
                name: "spent".into(),
                out_ref: crate::scenario::OutRef {
                    tx_id: [1; 32],
                    index: 0,
                },
                output: o,
            },
            redeemer: None,
        };
        let offer_input = spent(offer(vec![0; 29], &[b"Offer"]));
        assert!(starts_no_victims_loan(
            &active(true, None, 1),
            &[offer_input]
        ));
        let updated = spent(active(true, None, 1));
        assert!(!starts_no_victims_loan(&active(true, None, 1), &[updated]));
        assert!(!starts_no_victims_loan(
            &offer(vec![0; 29], &[b"Offer"]),
            &[]
        ));
        assert!(holds_any(&active(false, None, 1), &[]));
        assert!(!holds_any(&offer(vec![0; 29], &[]), &[]));
    }

    /// The lender output of loan 1 (ADA), and the Active input of loan 1 spent with `redeemer`.
    fn served(redeemer: PlutusData) -> (Output, Input) {
        let mut lender = output(Datum::Inline(Data::list(vec![
            Data::bytestring(N.to_vec()),
            Data::bytestring(vec![1; 32]),
        ])));
        lender.value.assets.insert((N.to_vec(), vec![1; 32]), 1);
        let mut loan = active(true, None, 1);
        let Datum::Inline(datum) = &loan.datum else {
            unreachable!()
        };
        let mut fields = plutus::as_constr(datum).unwrap().1.to_vec();
        fields[5] = Data::list(vec![Data::bytestring(vec![]), Data::bytestring(vec![])]);
        loan.datum = Datum::Inline(Data::constr(2, fields));
        let input = Input {
            utxo: crate::scenario::Utxo {
                name: "loan".into(),
                out_ref: crate::scenario::OutRef {
                    tx_id: [1; 32],
                    index: 0,
                },
                output: loan,
            },
            redeemer: Some(redeemer),
        };
        (lender, input)
    }

    #[test]
    fn a_payment_owes_its_amount_and_an_address_update_its_key() {
        let ada = (vec![], vec![]);
        let key = (N.to_vec(), vec![1; 32]);
        let (lender, paid) = served(Data::constr(3, vec![Data::integer(7.into())]));
        let inputs = std::slice::from_ref(&paid);
        assert_eq!(owed_amount(&lender, &ada, inputs), Some(7));
        assert_eq!(owed_amount(&lender, &key, inputs), Some(0));
        assert!(holds_any(&lender, inputs));
        let (lender, updated) = served(Data::constr(5, vec![]));
        let inputs = std::slice::from_ref(&updated);
        assert_eq!(owed_amount(&lender, &ada, inputs), Some(0));
        assert_eq!(owed_amount(&lender, &key, inputs), Some(1));
        // An acceptance's lender output serves no spent loan: owed whole.
        assert_eq!(owed_amount(&lender, &ada, &[]), None);
        assert!(!holds_any(&lender, &[]));
    }

    /// An Active output of loan 1 (principal 10, the outstanding balance `after` once paid)
    /// holding `x` of token X, priced 2 X per loan unit, and 4 ADA; lovelace is not priced.
    fn secured(x: u64, after: (i64, i64)) -> Output {
        let mut loan = active(true, None, 1);
        let Datum::Inline(datum) = &loan.datum else {
            unreachable!()
        };
        let mut fields = plutus::as_constr(datum).unwrap().1.to_vec();
        fields[7] = Data::integer(10.into());
        let pair = |a: PlutusData, b: PlutusData| Data::list(vec![a, b]);
        fields[16] = Data::map(vec![(
            pair(
                Data::bytestring(vec![7; 28]),
                Data::bytestring(b"X".to_vec()),
            ),
            pair(Data::integer(2.into()), Data::integer(1.into())),
        )]);
        fields[20] = pair(Data::integer(after.0.into()), Data::integer(after.1.into()));
        loan.datum = Datum::Inline(Data::constr(2, fields));
        loan.value.lovelace = 4_000_000;
        loan.value.assets.insert(X.clone(), x);
        loan.value.assets.insert((vec![8; 28], b"Y".to_vec()), 5);
        loan
    }

    static X: std::sync::LazyLock<AssetClass> =
        std::sync::LazyLock::new(|| (vec![7; 28], b"X".to_vec()));

    fn spent(output: Output, redeemer: PlutusData) -> Input {
        Input {
            utxo: crate::scenario::Utxo {
                name: "loan".into(),
                out_ref: crate::scenario::OutRef {
                    tx_id: [1; 32],
                    index: 0,
                },
                output,
            },
            redeemer: Some(redeemer),
        }
    }

    #[test]
    fn a_new_loan_keeps_the_collateral_its_principal_needs() {
        // 30 X are worth 15 against a principal of 10: 10 X (worth 5) are the borrower's.
        let loan = secured(30, (0, 1));
        assert_eq!(owed_amount(&loan, &X, &[]), Some(20));
        let y = (vec![8; 28], b"Y".to_vec());
        assert_eq!(owed_amount(&loan, &y, &[]), Some(0));
        assert_eq!(owed_amount(&loan, &(vec![], vec![]), &[]), Some(0));
        assert_eq!(
            owed_amount(&loan, &(N.to_vec(), b"Active".to_vec()), &[]),
            None
        );
        assert_eq!(owed_amount(&secured(20, (0, 1)), &X, &[]), Some(20));
    }

    #[test]
    fn a_partial_payment_frees_collateral_in_proportion() {
        // 30 X (worth 15) before, 27 after; 10 paid of a balance of 20 frees half of 15: 7.5,
        // of which 1.5 is taken already, so 12 more X (worth 6) may go and 15 must stay.
        let paid = spent(
            secured(30, (0, 1)),
            Data::constr(3, vec![Data::integer(10.into())]),
        );
        let after = secured(27, (10, 1));
        assert_eq!(
            owed_amount(&after, &X, std::slice::from_ref(&paid)),
            Some(15)
        );
        let zero = spent(
            secured(30, (0, 1)),
            Data::constr(3, vec![Data::integer(0.into())]),
        );
        let unpaid = secured(30, (20, 1));
        assert_eq!(
            owed_amount(&unpaid, &X, std::slice::from_ref(&zero)),
            Some(30)
        );
    }

    #[test]
    fn an_address_update_keeps_the_whole_value_and_the_deposit_increase() {
        let address = Data::constr(0, vec![]);
        let updated = spent(
            secured(30, (0, 1)),
            Data::constr(5, vec![address, Data::integer(1_000.into())]),
        );
        let mut after = secured(30, (0, 1));
        after.value.lovelace += 1_000;
        let inputs = std::slice::from_ref(&updated);
        assert_eq!(owed_amount(&after, &X, inputs), Some(30));
        assert_eq!(
            owed_amount(&after, &(vec![], vec![]), inputs),
            Some(4_001_000)
        );
    }
}
