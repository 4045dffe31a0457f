//! What the attack engine ([`crate::attack`]) needs to know about the aftermarket: which outputs
//! are owed to another party (a seller's proceeds, a bidder's delivery: the PaymentDatum, §3.4),
//! that the NFTs traded are bearer tokens (§1.7: whoever holds a Key NFT holds its claim), which
//! beacon redeemers are interchangeable for a burn, and who owns a bid (its bidder, §1.2).

use super::super::{AttackHooks, ConstructorGroup};
use crate::{
    deploy::{Build, Deployment},
    plutus,
    scenario::{AssetClass, Credential, Output},
};
use pallas_primitives::PlutusData;

/// The aftermarket's attack hooks.
pub const HOOKS: AttackHooks = AttackHooks {
    // A burn of exactly the required beacons passes under either beacon redeemer
    // (AFTER-OBS-06).
    interchangeable: &[ConstructorGroup {
        script: "market_beacons",
        names: &["CreateCloseOrUpdateMarketUTxOs", "BurnBeacons"],
    }],
    // A UTxO without beacons is its address owner's, spent with approval alone through either
    // close redeemer (AFTER-SPOT-CLOSE-05, AFTER-BID-CLOSE-04).
    owner_paths: &[ConstructorGroup {
        script: "market",
        names: &["CloseOrUpdateSellerUTxO", "CloseOrUpdateBidderUTxO"],
    }],
    when_nothing_taken: &[],
    // No market datum names the UTxO it continues; an AcceptedBid is matched by its address.
    continues: |_, _| false,
    surplus: |_| 0,
    owed: is_payment,
    bearer: is_traded,
    owner: bidder,
};

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
}
