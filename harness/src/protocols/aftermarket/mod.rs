//! Cardano-Aftermarket for [`crate::resolve`]: the three deployment scripts in the §2.2 order,
//! the five `MarketDatum` forms (§3.2), every redeemer (§3.3) and the beacon names (§4).
//!
//! Script names fixtures write: `market` (the spending script), `market_observer` (the
//! observer) and `market_beacons` (the beacon policy); the proxy is `proxy`. Beacon expressions
//! (variant `after`): `spot()`, `auction()`, `bid()` (the ASCII category names), `policy(P)`
//! (the Policy beacon of a policy id: a script name, a token alias's policy or hex) and
//! `bidder(CRED)` (the BidderId, CRED written `key:NAME`, `script:NAME`, …).
//!
//! The payment datum (§3.4) is a two-element list, no constructor: fixtures write it raw,
//! `{"list": [{"bytes": {"script": "market_beacons"}}, {"out_ref": {"utxo": "spot1"}}]}`.

pub mod attack;
pub mod capacity;

use super::{
    BeaconFn, BeaconVariant, Constructor, DatumType, Derive, INDEXED, Protocol, ScriptInfo, Type,
    field, sha256, unit,
};
use crate::{deploy::Param, scenario::Credential};

/// The aftermarket protocol.
pub const AFTERMARKET: Protocol = Protocol {
    name: "aftermarket",
    datums: &[
        SPOT_DATUM,
        AUCTION_DATUM,
        SPOT_BID_DATUM,
        CLAIM_BID_DATUM,
        ACCEPTED_BID_DATUM,
    ],
    scripts: &[
        ScriptInfo {
            script: "market",
            validator: "aftermarket.market",
            params: &[],
            redeemers: MARKET_REDEEMERS,
            beacon_variant: None,
        },
        ScriptInfo {
            script: "market_observer",
            validator: "aftermarket.market_observer",
            params: &[Param::Script("proxy"), Param::Script("market")],
            redeemers: OBSERVER_REDEEMERS,
            beacon_variant: None,
        },
        ScriptInfo {
            script: "market_beacons",
            validator: "aftermarket.market_beacons",
            params: &[
                Param::Script("proxy"),
                Param::Script("market"),
                Param::Script("market_observer"),
            ],
            redeemers: BEACONS_REDEEMERS,
            beacon_variant: Some("after"),
        },
    ],
    variants: &[BeaconVariant {
        name: "after",
        functions: &[
            BeaconFn {
                name: "spot",
                usage: "spot()",
                derive: Derive::Fixed(b"Spot"),
            },
            BeaconFn {
                name: "auction",
                usage: "auction()",
                derive: Derive::Fixed(b"Auction"),
            },
            BeaconFn {
                name: "bid",
                usage: "bid()",
                derive: Derive::Fixed(b"Bid"),
            },
            BeaconFn {
                name: "policy",
                usage: "policy(P)",
                derive: Derive::Policy(|p| policy_beacon(p).to_vec()),
            },
            BeaconFn {
                name: "bidder",
                usage: "bidder(CRED)",
                derive: Derive::Credential(bidder_id),
            },
        ],
    }],
    rules: include_str!("../../../rules/aftermarket.tsv"),
    rule_prefixes: &["AFTER-"],
    attack: attack::HOOKS,
    capacity: capacity::HOOKS,
};

/// `Prices` (§3.1): a Data map from asset (`[B policy, B name]`) to amount, in the order written.
const PRICES: Type = Type::Map(&Type::Asset, &Type::Int);

/// `nft_names`: a list of token names.
const NAMES: Type = Type::List(&Type::AssetName);

/// `SpotDatum` (§3.2): `Constr 0`, 7 fields.
pub const SPOT_DATUM: DatumType = DatumType {
    key: "spot_datum",
    variant: "after",
    constructor: Constructor {
        name: "SpotDatum",
        index: 0,
        fields: &[
            field("beacon_policy_id", Type::PolicyId),
            field("aftermarket_observer_hash", Type::PolicyId),
            field("nft_policy_id", Type::PolicyId),
            field("nft_names", NAMES),
            field("payment_address", Type::Address),
            field("sale_deposit", Type::Int),
            field("sale_price", PRICES),
        ],
    },
};

/// `AuctionDatum` (§3.2): `Constr 1`, 5 fields.
pub const AUCTION_DATUM: DatumType = DatumType {
    key: "auction_datum",
    variant: "after",
    constructor: Constructor {
        name: "AuctionDatum",
        index: 1,
        fields: &[
            field("beacon_policy_id", Type::PolicyId),
            field("aftermarket_observer_hash", Type::PolicyId),
            field("nft_policy_id", Type::PolicyId),
            field("nft_names", NAMES),
            field("starting_price", PRICES),
        ],
    },
};

/// `SpotBidDatum` (§3.2): `Constr 2`, 8 fields.
pub const SPOT_BID_DATUM: DatumType = DatumType {
    key: "spot_bid_datum",
    variant: "after",
    constructor: Constructor {
        name: "SpotBidDatum",
        index: 2,
        fields: &[
            field("beacon_policy_id", Type::PolicyId),
            field("aftermarket_observer_hash", Type::PolicyId),
            field("nft_policy_id", Type::PolicyId),
            field("bidder_credential", Type::Credential),
            field("nft_names", NAMES),
            field("payment_address", Type::Address),
            field("bid_deposit", Type::Int),
            field("bid", PRICES),
        ],
    },
};

/// `ClaimBidDatum` (§3.2): `Constr 3`, 9 fields.
pub const CLAIM_BID_DATUM: DatumType = DatumType {
    key: "claim_bid_datum",
    variant: "after",
    constructor: Constructor {
        name: "ClaimBidDatum",
        index: 3,
        fields: &[
            field("beacon_policy_id", Type::PolicyId),
            field("aftermarket_observer_hash", Type::PolicyId),
            field("nft_policy_id", Type::PolicyId),
            field("bidder_credential", Type::Credential),
            field("nft_names", NAMES),
            field("bid_deposit", Type::Int),
            field("bid", PRICES),
            field("bid_expiration", Type::Option(&Type::Time)),
            field("claim_expiration", Type::Time),
        ],
    },
};

/// `AcceptedBidDatum` (§3.2): `Constr 4`, 10 fields (`seller_deposit` before `bid`,
/// `payment_address` after it).
pub const ACCEPTED_BID_DATUM: DatumType = DatumType {
    key: "accepted_bid_datum",
    variant: "after",
    constructor: Constructor {
        name: "AcceptedBidDatum",
        index: 4,
        fields: &[
            field("beacon_policy_id", Type::PolicyId),
            field("aftermarket_observer_hash", Type::PolicyId),
            field("nft_policy_id", Type::PolicyId),
            field("bidder_credential", Type::Credential),
            field("nft_names", NAMES),
            field("bid_deposit", Type::Int),
            field("seller_deposit", Type::Int),
            field("bid", PRICES),
            field("payment_address", Type::Address),
            field("claim_expiration", Type::Time),
        ],
    },
};

/// `MarketRedeemer` (§3.3) with the appended `CloseOrUpdateSellerUTxOAt` and
/// `CloseOrUpdateBidderUTxOAt` (README decision 6): closes and updates that name their own
/// input's position and their beacon script's redeemer's.
pub const MARKET_REDEEMERS: &[Constructor] = &[
    unit("CloseOrUpdateSellerUTxO", 0),
    unit("CloseOrUpdateBidderUTxO", 1),
    unit("PurchaseSpot", 2),
    unit("AcceptSpotBid", 3),
    Constructor {
        name: "AcceptClaimBid",
        index: 4,
        fields: &[
            field("seller_deposit", Type::Int),
            field("payment_address", Type::Address),
        ],
    },
    unit("ClaimAcceptedBid", 5),
    unit("UnlockUnclaimedAcceptedBid", 6),
    Constructor {
        name: "CloseOrUpdateSellerUTxOAt",
        index: 7,
        fields: INDEXED,
    },
    Constructor {
        name: "CloseOrUpdateBidderUTxOAt",
        index: 8,
        fields: INDEXED,
    },
];

/// `BeaconsRedeemer` (§3.3).
pub const BEACONS_REDEEMERS: &[Constructor] = &[
    unit("CreateCloseOrUpdateMarketUTxOs", 0),
    unit("BurnBeacons", 1),
    unit("RegisterBeaconsScript", 2),
];

/// `MarketObserverRedeemer` (§3.3).
pub const OBSERVER_REDEEMERS: &[Constructor] = &[
    Constructor {
        name: "ObserveAftermarket",
        index: 0,
        fields: &[field("beacon_policy_id", Type::PolicyId)],
    },
    unit("RegisterAftermarketObserverScript", 1),
];

/// Policy beacon (§4.1): `sha2_256(0x00 ‖ nft_policy_id)`, over the raw policy bytes.
pub fn policy_beacon(policy: &[u8]) -> [u8; 32] {
    sha256(&[&[0], policy])
}

/// BidderId (§4.1): `0x01 ‖ credential_hash`, the same prefix for keys and scripts.
pub fn bidder_id(credential: &Credential) -> Vec<u8> {
    [&[1u8][..], credential.hash()].concat()
}

#[cfg(test)]
mod resolution;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redeemer_indices_and_datum_arities_match_spec() {
        let names = |cs: &[Constructor]| cs.iter().map(|c| (c.name, c.index)).collect::<Vec<_>>();
        assert_eq!(
            names(MARKET_REDEEMERS),
            [
                ("CloseOrUpdateSellerUTxO", 0),
                ("CloseOrUpdateBidderUTxO", 1),
                ("PurchaseSpot", 2),
                ("AcceptSpotBid", 3),
                ("AcceptClaimBid", 4),
                ("ClaimAcceptedBid", 5),
                ("UnlockUnclaimedAcceptedBid", 6),
                ("CloseOrUpdateSellerUTxOAt", 7),
                ("CloseOrUpdateBidderUTxOAt", 8)
            ]
        );
        assert_eq!(
            names(BEACONS_REDEEMERS),
            [
                ("CreateCloseOrUpdateMarketUTxOs", 0),
                ("BurnBeacons", 1),
                ("RegisterBeaconsScript", 2)
            ]
        );
        assert_eq!(
            names(OBSERVER_REDEEMERS),
            [
                ("ObserveAftermarket", 0),
                ("RegisterAftermarketObserverScript", 1)
            ]
        );
        let arities: Vec<_> = AFTERMARKET
            .datums
            .iter()
            .map(|d| (d.constructor.index, d.constructor.fields.len()))
            .collect();
        assert_eq!(arities, [(0, 7), (1, 5), (2, 8), (3, 9), (4, 10)]);
    }

    #[test]
    fn catalogue_has_every_spec_rule() {
        let spec = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/specs/cardano-aftermarket.md"
        );
        let Ok(text) = std::fs::read_to_string(spec) else {
            return;
        };
        let mut spec_ids: Vec<String> = text
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
            .filter(|w| w.starts_with("AFTER-") && w.ends_with(|c: char| c.is_ascii_digit()))
            .map(str::to_string)
            .collect();
        spec_ids.sort_unstable();
        spec_ids.dedup();
        let mut ours: Vec<String> = crate::rules::catalogue()
            .iter()
            .filter(|r| r.id.starts_with("AFTER-"))
            .map(|r| r.id.to_string())
            .collect();
        ours.sort_unstable();
        assert_eq!(ours, spec_ids);
    }
}
