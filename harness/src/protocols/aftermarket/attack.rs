//! What the attack engine ([`crate::attack`]) needs to know about the aftermarket: which outputs
//! are owed to another party (a seller's proceeds, a bidder's delivery: the PaymentDatum, §3.4),
//! that the NFTs traded are bearer tokens (§1.7: whoever holds a Key NFT holds its claim), which
//! beacon redeemers are interchangeable for a burn, who owns a bid (its bidder, §1.2), which
//! deadlines bids are bound by, what a payment owes and that a listing continues nothing.

use super::super::{AttackHooks, ConstructorGroup, TimeRule, beacon_datum_fields, group};
use crate::{
    deploy::{Build, Deployment},
    plutus,
    scenario::{AssetClass, Credential, Input, Output},
};
use pallas_primitives::PlutusData;

/// The aftermarket's attack hooks.
pub const HOOKS: AttackHooks = AttackHooks {
    // A burn of exactly the required beacons passes under either beacon redeemer
    // (AFTER-OBS-06); the appended `*At` closes are their originals with positions named
    // (decision 6).
    interchangeable: &[
        group(
            "market_beacons",
            &["CreateCloseOrUpdateMarketUTxOs", "BurnBeacons"],
        ),
        market(&["CloseOrUpdateSellerUTxO", "CloseOrUpdateSellerUTxOAt"]),
        market(&["CloseOrUpdateBidderUTxO", "CloseOrUpdateBidderUTxOAt"]),
    ],
    // An owner who approves spends their own UTxO as they choose: a UTxO without beacons through
    // either close redeemer (AFTER-SPOT-CLOSE-05, AFTER-BID-CLOSE-04), a seller's Auction closed
    // outright or while accepting bids (AFTER-AUC-CLOSE-01/02), a bid closed by its bidder or
    // accepted in a transaction the bidder signs.
    owner_paths: &[
        market(&[
            "CloseOrUpdateSellerUTxO",
            "CloseOrUpdateBidderUTxO",
            "CloseOrUpdateSellerUTxOAt",
            "CloseOrUpdateBidderUTxOAt",
        ]),
        market(&[
            "CloseOrUpdateSellerUTxO",
            "CloseOrUpdateSellerUTxOAt",
            "AcceptSpotBid",
            "AcceptClaimBid",
        ]),
        market(&[
            "CloseOrUpdateBidderUTxO",
            "CloseOrUpdateBidderUTxOAt",
            "AcceptSpotBid",
            "AcceptClaimBid",
        ]),
    ],
    when_nothing_taken: &[],
    // No market datum names the UTxO it continues; an AcceptedBid is matched by its address.
    continues: |_, _| false,
    surplus: |_| 0,
    owed: is_payment,
    bearer: is_traded,
    owner: bidder,
    time_rules,
    owed_amount,
    // A Spot or an Auction is listed by its seller with approval (AFTER-SPOT-CREATE,
    // AFTER-AUC-CREATE): a new listing, never the continuation of a spent bid at that address.
    open: |output, _| matches!(market_datum(output), Some((0 | 1, _))),
    holds_any: |_, _| false,
};

const fn market(names: &'static [&'static str]) -> ConstructorGroup {
    group("market", names)
}

/// A market datum's constructor and fields.
fn market_datum(output: &Output) -> Option<(u64, &[PlutusData])> {
    plutus::as_constr(output.inline_datum()?)
}

fn int(data: &PlutusData) -> Option<i128> {
    plutus::as_integer(data).and_then(|n| i128::try_from(n).ok())
}

/// The deadlines of a ClaimBid (fields 7 `bid_expiration`, 8 `claim_expiration`), each a bound
/// `U` may not pass.
fn claim_bid_deadlines(fields: &[PlutusData]) -> Vec<TimeRule> {
    let bid = match plutus::as_constr(&fields[7]) {
        Some((0, [e])) => int(e),
        _ => None,
    };
    bid.into_iter()
        .chain(int(&fields[8]))
        .map(TimeRule::NotAfter)
        .collect()
}

/// The aftermarket's time rules (AFTER-COM-05): a ClaimBid is created or updated only before
/// its deadlines (AFTER-CBID-CREATE-08/09/10, AFTER-BID-UPDATE-02) and accepted only before
/// them (AFTER-CBID-ACCEPT-07, AFTER-HARD-03); an AcceptedBid is unlocked only from its claim
/// expiration on (AFTER-UNLOCK-04/05). Purchases, SpotBid acceptances and claims read no time
/// (AFTER-SPOT-BUY-17, AFTER-CLAIM-10).
fn time_rules(output: &Output, redeemer: Option<&str>) -> Option<Vec<TimeRule>> {
    let claim_bid = || beacon_datum_fields(output, 3).filter(|f| f.len() == 9);
    let rules = match redeemer {
        None | Some("AcceptClaimBid") => claim_bid().map(claim_bid_deadlines),
        Some("UnlockUnclaimedAcceptedBid") => beacon_datum_fields(output, 4)
            .filter(|f| f.len() == 10)
            .and_then(|f| int(&f[9]))
            .map(|t| vec![TimeRule::NotBefore(t)]),
        _ => None,
    };
    Some(rules.unwrap_or_default())
}

/// What a payment or delivery owes (§3.4), by the datum of the UTxO its PaymentDatum names: a
/// Spot's payment `sale_deposit` plus the ADA price in lovelace and exactly each token price
/// (AFTER-SPOT-BUY-10/11); a SpotBid's delivery `bid_deposit` and one of each NFT
/// (AFTER-SBID-ACCEPT-07/08); an AcceptedBid's payment `seller_deposit` plus the ADA bid and
/// each token bid (AFTER-CLAIM-06/07). Any other asset is allowed and owed to nobody
/// (AFTER-SPOT-BUY-12, AFTER-SBID-ACCEPT-09, AFTER-CLAIM-08).
fn owed_amount(output: &Output, asset: &AssetClass, inputs: &[Input]) -> Option<u64> {
    let Some(PlutusData::Array(items)) = output.inline_datum() else {
        return None;
    };
    let paid = inputs
        .iter()
        .find(|i| is_payment(output) && items.get(1) == Some(&plutus::out_ref(&i.utxo.out_ref)))?;
    let (index, fields) = market_datum(&paid.utxo.output)?;
    let (deposit, prices) = match (index, fields.len()) {
        (0, 7) => (&fields[5], &fields[6]),
        (4, 10) => (&fields[6], &fields[7]),
        (2, 8) => {
            let nft = fields[2] == PlutusData::BoundedBytes(asset.0.clone().into())
                && matches!(&fields[4], PlutusData::Array(names)
                    if names.contains(&PlutusData::BoundedBytes(asset.1.clone().into())));
            return if asset.0.is_empty() {
                u64::try_from(int(&fields[6])?).ok()
            } else {
                Some(u64::from(nft))
            };
        }
        _ => return None,
    };
    let price = price_of(prices, asset)?;
    if asset.0.is_empty() {
        u64::try_from(int(deposit)? + price).ok()
    } else {
        u64::try_from(price).ok()
    }
}

/// The quantity a price map (`Map(Asset, Int)`, assets as `(B policy, B name)` pairs) asks of
/// `asset`: 0 when it names it not.
fn price_of(prices: &PlutusData, asset: &AssetClass) -> Option<i128> {
    let PlutusData::Map(pairs) = prices else {
        return None;
    };
    let key = |k: &PlutusData| match k {
        PlutusData::Array(parts) => match parts.as_slice() {
            [PlutusData::BoundedBytes(p), PlutusData::BoundedBytes(n)] => {
                p.as_slice() == asset.0.as_slice() && n.as_slice() == asset.1.as_slice()
            }
            _ => false,
        },
        _ => false,
    };
    pairs
        .iter()
        .find(|(k, _)| key(k))
        .map_or(Some(0), |(_, v)| int(v))
}

/// A payment or delivery: an output whose inline datum is the PaymentDatum
/// `[B beacon_policy_id (28 bytes), Constr 0 [Constr 0 [B tx_id (32 bytes)], I index]]` (§3.4).
fn is_payment(output: &Output) -> bool {
    let Some(PlutusData::Array(items)) = output.inline_datum() else {
        return false;
    };
    let [PlutusData::BoundedBytes(beacon), out_ref] = items.as_slice() else {
        return false;
    };
    let tx_id = plutus::as_constr(out_ref)
        .and_then(|(i, f)| (i == 0 && f.len() == 2).then(|| &f[0]))
        .and_then(plutus::as_constr)
        .and_then(|(i, f)| (i == 0 && f.len() == 1).then(|| &f[0]));
    beacon.len() == 28 && matches!(tx_id, Some(PlutusData::BoundedBytes(id)) if id.len() == 32)
}

/// Every token but the aftermarket's own beacons is what a trade moves: a Key NFT of loans or
/// options is a bearer token here, though its policy is a beacon policy of its protocol.
fn is_traded(asset: &AssetClass, _: &Output) -> bool {
    ![Build::Record, Build::Traced].iter().any(|&build| {
        Deployment::of(build)
            .ok()
            .and_then(|d| d.script("market_beacons"))
            .is_some_and(|s| s.hash.as_slice() == asset.0)
    })
}

/// The bidder of a valid bid (§1.2, AFTER-BID-CLOSE-03, AFTER-CLAIM-03): a SpotBid, ClaimBid or
/// AcceptedBid datum (constructors 2–4) whose UTxO holds the `Bid` beacon of the datum's beacon
/// policy; its `bidder_credential` (field 3) owns it. A bid without its beacon is the address
/// owner's (AFTER-BID-CLOSE-04).
fn bidder(output: &Output) -> Option<Credential> {
    let (index, fields) = plutus::as_constr(output.inline_datum()?)?;
    if !(2..=4).contains(&index) {
        return None;
    }
    let [PlutusData::BoundedBytes(policy), _, _, credential, ..] = fields else {
        return None;
    };
    if !output
        .value
        .assets
        .contains_key(&(policy.to_vec(), b"Bid".to_vec()))
    {
        return None;
    }
    let (kind, hash) = plutus::as_constr(credential)?;
    let [PlutusData::BoundedBytes(hash)] = hash else {
        return None;
    };
    let hash = hash.as_slice().try_into().ok()?;
    match kind {
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

    fn output(datum: Datum, value: Value) -> Output {
        Output {
            datum,
            ..Output::plain(
                Address {
                    payment: Credential::Key([1; 28]),
                    stake: Stake::None,
                },
                value,
            )
        }
    }

    fn payment_datum(tx_id: Vec<u8>) -> PlutusData {
        let out_ref = Data::constr(
            0,
            vec![
                Data::constr(0, vec![Data::bytestring(tx_id)]),
                Data::integer(1.into()),
            ],
        );
        Data::list(vec![Data::bytestring(vec![2; 28]), out_ref])
    }

    #[test]
    fn payments_carry_the_payment_datum_inline() {
        let inline = |d| output(Datum::Inline(d), Value::default());
        assert!(is_payment(&inline(payment_datum(vec![3; 32]))));
        assert!(!is_payment(&output(
            Datum::Hash(payment_datum(vec![3; 32])),
            Value::default()
        )));
        // The V3 layout, and the loans' payment datum, are not the aftermarket's.
        assert!(!is_payment(&inline(payment_datum(vec![3; 31]))));
        let loans = Data::list(vec![
            Data::bytestring(vec![2; 28]),
            Data::bytestring(vec![3; 32]),
        ]);
        assert!(!is_payment(&inline(loans)));
    }

    fn bid(index: u64, credential: PlutusData, with_beacon: bool) -> Output {
        let policy = vec![0xaa; 28];
        let fields = vec![
            Data::bytestring(policy.clone()),
            Data::bytestring(vec![0x9c; 28]),
            Data::bytestring(vec![0x79; 28]),
            credential,
        ];
        let mut value = Value::default();
        if with_beacon {
            value.assets.insert((policy, b"Bid".to_vec()), 1);
        }
        output(Datum::Inline(Data::constr(index, fields)), value)
    }

    #[test]
    fn a_valid_bid_is_its_bidders() {
        let key = Data::constr(0, vec![Data::bytestring(vec![0xb0; 28])]);
        let script = Data::constr(1, vec![Data::bytestring(vec![0xb1; 28])]);
        assert_eq!(
            bidder(&bid(2, key.clone(), true)),
            Some(Credential::Key([0xb0; 28]))
        );
        assert_eq!(
            bidder(&bid(4, script, true)),
            Some(Credential::Script([0xb1; 28]))
        );
        assert_eq!(bidder(&bid(3, key.clone(), false)), None);
        assert_eq!(bidder(&bid(0, key, true)), None);
    }

    const POLICY: [u8; 28] = [0xaa; 28];

    /// A market output holding its `Bid` beacon, or not, with datum `Constr index fields`.
    fn market_output(index: u64, fields: Vec<PlutusData>, beacon: bool) -> Output {
        let mut value = Value::default();
        if beacon {
            value.assets.insert((POLICY.to_vec(), b"Bid".to_vec()), 1);
        }
        output(Datum::Inline(Data::constr(index, fields)), value)
    }

    /// A ClaimBid (9 fields) with `bid_expiration` `bid` and `claim_expiration` 8 000.
    fn claim_bid(bid: Option<i64>, beacon: bool) -> Output {
        let mut fields = vec![Data::integer(0.into()); 9];
        fields[0] = Data::bytestring(POLICY.to_vec());
        fields[7] = bid.map_or(Data::constr(1, vec![]), |e| {
            Data::constr(0, vec![Data::integer(e.into())])
        });
        fields[8] = Data::integer(8_000.into());
        market_output(3, fields, beacon)
    }

    #[test]
    fn claim_bids_are_made_and_accepted_before_their_deadlines() {
        let both = vec![TimeRule::NotAfter(6_000), TimeRule::NotAfter(8_000)];
        let expiring = claim_bid(Some(6_000), true);
        assert_eq!(time_rules(&expiring, None), Some(both.clone()));
        assert_eq!(time_rules(&expiring, Some("AcceptClaimBid")), Some(both));
        let open_ended = claim_bid(None, true);
        assert_eq!(
            time_rules(&open_ended, None),
            Some(vec![TimeRule::NotAfter(8_000)])
        );
        assert_eq!(time_rules(&claim_bid(None, false), None), Some(vec![]));
        assert_eq!(
            time_rules(&expiring, Some("CloseOrUpdateBidderUTxO")),
            Some(vec![])
        );
    }

    #[test]
    fn accepted_bids_are_unlocked_from_their_claim_expiration_on() {
        let mut fields = vec![Data::integer(0.into()); 10];
        fields[0] = Data::bytestring(POLICY.to_vec());
        fields[9] = Data::integer(8_000.into());
        let accepted = market_output(4, fields, true);
        assert_eq!(
            time_rules(&accepted, Some("UnlockUnclaimedAcceptedBid")),
            Some(vec![TimeRule::NotBefore(8_000)])
        );
        assert_eq!(
            time_rules(&accepted, Some("ClaimAcceptedBid")),
            Some(vec![])
        );
    }

    /// A spent input holding `output` at out-ref `[3; 32]#1`, and the payment output for it
    /// holding `value`.
    fn paid(output: Output, value: Value) -> (Input, Output) {
        let input = Input {
            utxo: crate::scenario::Utxo {
                name: "paid".into(),
                out_ref: crate::scenario::OutRef {
                    tx_id: [3; 32],
                    index: 1,
                },
                output,
            },
            redeemer: None,
        };
        (input, output_with(payment_datum(vec![3; 32]), value))
    }

    fn output_with(datum: PlutusData, value: Value) -> Output {
        output(Datum::Inline(datum), value)
    }

    fn asset(policy: u8, name: &[u8]) -> PlutusData {
        Data::list(vec![
            Data::bytestring(vec![policy; 28]),
            Data::bytestring(name.to_vec()),
        ])
    }

    #[test]
    fn a_spot_payment_owes_the_deposit_and_the_price() {
        let prices = Data::map(vec![
            (asset(0xd0, b"DJED"), Data::integer(25.into())),
            (
                Data::list(vec![Data::bytestring(vec![]), Data::bytestring(vec![])]),
                Data::integer(100.into()),
            ),
        ]);
        let mut fields = vec![Data::integer(0.into()); 7];
        fields[5] = Data::integer(3.into());
        fields[6] = prices;
        let (input, payment) = paid(market_output(0, fields, true), Value::default());
        let owed = |a: AssetClass| owed_amount(&payment, &a, std::slice::from_ref(&input));
        assert_eq!(owed((vec![], vec![])), Some(103));
        assert_eq!(owed((vec![0xd0; 28], b"DJED".to_vec())), Some(25));
        assert_eq!(owed((vec![0xee; 28], b"junk".to_vec())), Some(0));
        assert_eq!(owed_amount(&payment, &(vec![], vec![]), &[]), None);
    }

    #[test]
    fn a_delivery_owes_the_bid_deposit_and_each_nft() {
        let mut fields = vec![Data::integer(0.into()); 8];
        fields[2] = Data::bytestring(vec![0x4e; 28]);
        fields[4] = Data::list(vec![Data::bytestring(b"key".to_vec())]);
        fields[6] = Data::integer(2.into());
        let (input, delivery) = paid(market_output(2, fields, true), Value::default());
        let owed = |a: AssetClass| owed_amount(&delivery, &a, std::slice::from_ref(&input));
        assert_eq!(owed((vec![], vec![])), Some(2));
        assert_eq!(owed((vec![0x4e; 28], b"key".to_vec())), Some(1));
        assert_eq!(owed((vec![0x4e; 28], b"other".to_vec())), Some(0));
    }

    #[test]
    fn listings_start_anew_and_bids_do_not() {
        let spot = market_output(0, vec![], false);
        assert!((HOOKS.open)(&spot, &[]));
        assert!((HOOKS.open)(&market_output(1, vec![], true), &[]));
        assert!(!(HOOKS.open)(&claim_bid(None, true), &[]));
    }
}
