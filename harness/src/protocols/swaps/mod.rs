//! Cardano-Swaps for [`crate::resolve`]: typed datums (spec §3.2–3.3), redeemer constructors
//! (§3.4, plus our appended `SwapAt`), and beacon-name derivations (§4), one-way and two-way.
//!
//! Beacon expressions fixtures may write under a beacon policy (`"ow_beacon:pair(T,ADA)"`) or in a
//! datum's beacon fields:
//! - one-way (`ow`): `pair(A,B)` (offer A, ask B), `offer(A)`, `ask(A)`;
//! - two-way (`tw`): `pair(A,B)` (either order: the pair is sorted first), `asset(A)`.

pub mod attack;
pub mod capacity;
#[cfg(test)]
mod resolution;

use super::{
    BeaconFn, BeaconVariant, Constructor, DatumType, Derive, Field, Protocol, ScriptInfo, Type,
    field, sha256, unit,
};
use crate::{
    deploy::Param,
    scenario::{AssetClass, OutRef},
};
use pallas_primitives::PlutusData;
use std::cmp::Ordering;
use uplc::ast::Data;

/// The swaps protocol.
pub const SWAPS: Protocol = Protocol {
    name: "swaps",
    datums: &[OW_SWAP_DATUM, TW_SWAP_DATUM],
    scripts: &[
        ScriptInfo {
            script: "ow_swap",
            validator: "swaps.one_way_swap",
            params: &[],
            redeemers: OW_SWAP_REDEEMERS,
            beacon_variant: None,
        },
        ScriptInfo {
            script: "ow_beacon",
            validator: "swaps.one_way_beacon",
            params: &[Param::Script("ow_swap")],
            redeemers: BEACON_REDEEMERS,
            beacon_variant: Some("ow"),
        },
        ScriptInfo {
            script: "tw_swap",
            validator: "swaps.two_way_swap",
            params: &[],
            redeemers: TW_SWAP_REDEEMERS,
            beacon_variant: None,
        },
        ScriptInfo {
            script: "tw_beacon",
            validator: "swaps.two_way_beacon",
            params: &[Param::Script("tw_swap")],
            redeemers: BEACON_REDEEMERS,
            beacon_variant: Some("tw"),
        },
    ],
    variants: &[
        BeaconVariant {
            name: "ow",
            functions: &[
                BeaconFn {
                    name: "pair",
                    usage: "pair(A,B)",
                    derive: Derive::AssetPair(|offer, ask| ow_pair_beacon(offer, ask).to_vec()),
                },
                BeaconFn {
                    name: "offer",
                    usage: "offer(A)",
                    derive: Derive::Asset(|a| ow_offer_beacon(a).to_vec()),
                },
                BeaconFn {
                    name: "ask",
                    usage: "ask(A)",
                    derive: Derive::Asset(|a| ow_ask_beacon(a).to_vec()),
                },
            ],
        },
        BeaconVariant {
            name: "tw",
            functions: &[
                BeaconFn {
                    name: "pair",
                    usage: "pair(A,B)",
                    derive: Derive::AssetPair(|a, b| tw_pair_beacon(a, b).to_vec()),
                },
                BeaconFn {
                    name: "asset",
                    usage: "asset(A)",
                    derive: Derive::Asset(|a| tw_asset_beacon(a).to_vec()),
                },
            ],
        },
    ],
    rules: include_str!("../../../rules/swaps.tsv"),
    rule_prefixes: &["SWAP-"],
    attack: attack::HOOKS,
    capacity: capacity::HOOKS,
};

/// `prev_input`'s type, `Option<OutputReference>` (the V2 layout, SWAP-V3-03).
const PREV_INPUT: Type = Type::Option(&Type::OutRef);

/// `prev_input = Some(out_ref)` in the Plutus V2 layout (spec SWAP-V3-03):
/// `Constr 0 [Constr 0 [Constr 0 [B tx_id], I index]]`.
pub fn prev_input(out_ref: &OutRef) -> PlutusData {
    Data::constr(0, vec![crate::plutus::out_ref(out_ref)])
}

/// The fields of a fill redeemer that names the own input's position and the corresponding
/// output's (`SwapAt`, `TakeAsset1At`, `TakeAsset2At`).
const INDEXED_FILL: &[Field] = &[
    field("input_index", Type::InputIndex),
    field("output_index", Type::OutputIndex),
];

const fn indexed_fill(name: &'static str, index: u64) -> Constructor {
    Constructor {
        name,
        index,
        fields: INDEXED_FILL,
    }
}

/// The field of an owner redeemer that names the own input's position (`SpendWithMintAt`,
/// `SpendWithStakeAt`).
const INDEXED_OWNER: &[Field] = &[field("input_index", Type::InputIndex)];

const fn indexed_owner(name: &'static str, index: u64) -> Constructor {
    Constructor {
        name,
        index,
        fields: INDEXED_OWNER,
    }
}

/// One-way `SwapDatum` (§3.2): `Constr 0`, 10 fields.
pub const OW_SWAP_DATUM: DatumType = DatumType {
    key: "ow_swap_datum",
    variant: "ow",
    constructor: Constructor {
        name: "SwapDatum",
        index: 0,
        fields: &[
            field("beacon_id", Type::PolicyId),
            field("pair_beacon", Type::Beacon),
            field("offer_id", Type::PolicyId),
            field("offer_name", Type::AssetName),
            field("offer_beacon", Type::Beacon),
            field("ask_id", Type::PolicyId),
            field("ask_name", Type::AssetName),
            field("ask_beacon", Type::Beacon),
            field("swap_price", Type::Rational),
            field("prev_input", PREV_INPUT),
        ],
    },
};

/// Two-way `SwapDatum` (§3.3): `Constr 0`, 11 fields.
pub const TW_SWAP_DATUM: DatumType = DatumType {
    key: "tw_swap_datum",
    variant: "tw",
    constructor: Constructor {
        name: "SwapDatum",
        index: 0,
        fields: &[
            field("beacon_id", Type::PolicyId),
            field("pair_beacon", Type::Beacon),
            field("asset1_id", Type::PolicyId),
            field("asset1_name", Type::AssetName),
            field("asset1_beacon", Type::Beacon),
            field("asset2_id", Type::PolicyId),
            field("asset2_name", Type::AssetName),
            field("asset2_beacon", Type::Beacon),
            field("asset1_price", Type::Rational),
            field("asset2_price", Type::Rational),
            field("prev_input", PREV_INPUT),
        ],
    },
};

/// One-way `SwapRedeemer` (§3.4) with the appended `SwapAt` (README decision 6): a fill that
/// names its own input's position and its corresponding output's; and the appended
/// `SpendWithMintAt` / `SpendWithStakeAt`: owner spends that name their own input's position.
pub const OW_SWAP_REDEEMERS: &[Constructor] = &[
    unit("SpendWithMint", 0),
    unit("SpendWithStake", 1),
    unit("Swap", 2),
    indexed_fill("SwapAt", 3),
    indexed_owner("SpendWithMintAt", 4),
    indexed_owner("SpendWithStakeAt", 5),
];

/// Two-way `SwapRedeemer` (§3.4) with the appended `TakeAsset1At` and `TakeAsset2At` (README
/// decision 6): fills that name their own input's position and their corresponding output's;
/// and the appended `SpendWithMintAt` / `SpendWithStakeAt`: owner spends that name their own
/// input's position.
pub const TW_SWAP_REDEEMERS: &[Constructor] = &[
    unit("SpendWithMint", 0),
    unit("SpendWithStake", 1),
    unit("TakeAsset1", 2),
    unit("TakeAsset2", 3),
    indexed_fill("TakeAsset1At", 4),
    indexed_fill("TakeAsset2At", 5),
    indexed_owner("SpendWithMintAt", 6),
    indexed_owner("SpendWithStakeAt", 7),
];

/// `BeaconRedeemer` of both variants (§3.4).
pub const BEACON_REDEEMERS: &[Constructor] =
    &[unit("CreateOrCloseSwaps", 0), unit("UpdateSwaps", 1)];

/// `subst(p) = 0x00 if p == "" else p` (§4): only for policy ids inside pair-beacon formulas.
fn subst(policy: &[u8]) -> &[u8] {
    if policy.is_empty() { &[0] } else { policy }
}

/// One-way pair beacon (§4.1): `sha256(subst(offer_id) ‖ offer_name ‖ subst(ask_id) ‖ ask_name)`.
pub fn ow_pair_beacon(offer: &AssetClass, ask: &AssetClass) -> [u8; 32] {
    sha256(&[subst(&offer.0), &offer.1, subst(&ask.0), &ask.1])
}

/// One-way offer beacon (§4.1): `sha256(0x01 ‖ offer_id ‖ offer_name)`.
pub fn ow_offer_beacon(offer: &AssetClass) -> [u8; 32] {
    sha256(&[&[1], &offer.0, &offer.1])
}

/// One-way ask beacon (§4.1): `sha256(0x02 ‖ ask_id ‖ ask_name)`.
pub fn ow_ask_beacon(ask: &AssetClass) -> [u8; 32] {
    sha256(&[&[2], &ask.0, &ask.1])
}

/// The two-way order (§4.2): policy bytes first, then name bytes, lexicographic over unsigned
/// bytes with a proper prefix first (Rust's slice order is exactly that).
pub fn tw_compare(a: &AssetClass, b: &AssetClass) -> Ordering {
    a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1))
}

/// Sorts a two-way pair: `(asset1, asset2)` with asset1 the smaller (§4.2).
pub fn tw_sort<'a>(a: &'a AssetClass, b: &'a AssetClass) -> (&'a AssetClass, &'a AssetClass) {
    if tw_compare(a, b) == Ordering::Greater {
        (b, a)
    } else {
        (a, b)
    }
}

/// Two-way pair beacon (§4.2) of the pair in either order: sort, then
/// `sha256(subst(asset1_id) ‖ asset1_name ‖ subst(asset2_id) ‖ asset2_name)`.
pub fn tw_pair_beacon(a: &AssetClass, b: &AssetClass) -> [u8; 32] {
    let (one, two) = tw_sort(a, b);
    sha256(&[subst(&one.0), &one.1, subst(&two.0), &two.1])
}

/// Two-way asset beacon (§4.2): `sha256(id ‖ name)`, no prefix, no substitution.
pub fn tw_asset_beacon(asset: &AssetClass) -> [u8; 32] {
    sha256(&[&asset.0, &asset.1])
}

#[cfg(test)]
mod tests {
    use super::*;

    const T_POLICY: &str = "c0f8644a01a6bf5db02f4afe30d604975e63dd274f1098a1738e561d";

    fn asset(policy: &str, name: &str) -> AssetClass {
        (hex::decode(policy).unwrap(), hex::decode(name).unwrap())
    }

    fn ada() -> AssetClass {
        (vec![], vec![])
    }

    fn t() -> AssetClass {
        asset(T_POLICY, "4f74686572546f6b656e0a")
    }

    fn d() -> AssetClass {
        asset(
            "5c84e7433fdd13ca161bd4a6cd68fc6462fcca5aea07c5692be091df",
            "444a4544",
        )
    }

    fn t1() -> AssetClass {
        asset(T_POLICY, "54657374546f6b656e31")
    }

    fn t2() -> AssetClass {
        asset(T_POLICY, "54657374546f6b656e32")
    }

    fn h(name: [u8; 32]) -> String {
        hex::encode(name)
    }

    // §4.3 table, one test per row.

    #[test]
    fn ow_pair_token_to_ada_matches_spec() {
        assert_eq!(
            h(ow_pair_beacon(&t(), &ada())),
            "5e09a478610895febe6afe42db300dd3bb985f3ff2e26125dbd4bf966d473350"
        );
    }

    #[test]
    fn ow_pair_ada_to_token_matches_spec() {
        assert_eq!(
            h(ow_pair_beacon(&ada(), &t())),
            "5e23340d7a9c22745a2f2f907c8c17a8962cfac2292a4cb1d3832b4b88cdee95"
        );
    }

    #[test]
    fn ow_offer_and_ask_token_match_spec() {
        assert_eq!(
            h(ow_offer_beacon(&t())),
            "01ef62249bb72641bc1b52e26166f2bbcb6daa9afcb49b061479800bf0ea9519"
        );
        assert_eq!(
            h(ow_ask_beacon(&t())),
            "d1026a5c40dfcebdba86358f7127e47f2ea074489544f973532d0ba880b41130"
        );
    }

    #[test]
    fn ow_offer_and_ask_ada_match_spec() {
        assert_eq!(
            h(ow_offer_beacon(&ada())),
            "4bf5122f344554c53bde2ebb8cd2b7e3d1600ad631c385a5d7cce23c7785459a"
        );
        assert_eq!(
            h(ow_ask_beacon(&ada())),
            "dbc1b4c900ffe48d575b5da5c638040125f65db0fe3e24494b76ea986457d986"
        );
    }

    #[test]
    fn tw_pair_with_ada_matches_spec_in_both_orders() {
        let expected = "5e23340d7a9c22745a2f2f907c8c17a8962cfac2292a4cb1d3832b4b88cdee95";
        assert_eq!(h(tw_pair_beacon(&ada(), &t())), expected);
        assert_eq!(h(tw_pair_beacon(&t(), &ada())), expected);
    }

    #[test]
    fn tw_asset_beacons_match_spec() {
        assert_eq!(
            h(tw_asset_beacon(&ada())),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            h(tw_asset_beacon(&t())),
            "6f245d4be7333223d88e7211c4de116208b8a3898c9a196e0579391fd03c8860"
        );
        assert_eq!(
            h(tw_asset_beacon(&d())),
            "fcf4bdc30100b86f09cb117f7b8f003574a936e452ff93aa217e8394fd0b623b"
        );
    }

    #[test]
    fn tw_two_tokens_sort_by_policy_and_match_spec() {
        assert_eq!(tw_sort(&t(), &d()), (&d(), &t()));
        assert_eq!(tw_sort(&d(), &t()), (&d(), &t()));
        let expected = "da00735246dd0a3b78ecdc9493713645ff6138b7326336fe169cc49d1cf61014";
        assert_eq!(h(tw_pair_beacon(&t(), &d())), expected);
        assert_eq!(h(tw_pair_beacon(&d(), &t())), expected);
    }

    #[test]
    fn same_policy_pairs_match_spec() {
        let t1_t2 = "e062469c0d1113b2da3d59d1a2b2337498104df193699f497261e93ba5183492";
        assert_eq!(h(ow_pair_beacon(&t1(), &t2())), t1_t2);
        assert_eq!(
            h(ow_pair_beacon(&t2(), &t1())),
            "7ce422cc7e8c77a7dec26c19c06863eaebcbded0e7ec43a9f73c23438ca3521a"
        );
        assert_eq!(h(tw_pair_beacon(&t2(), &t1())), t1_t2);
        assert_eq!(tw_sort(&t2(), &t1()), (&t1(), &t2()));
    }

    #[test]
    fn tw_sorting_puts_ada_and_prefixes_first() {
        assert_eq!(tw_sort(&t(), &ada()), (&ada(), &t()));
        let short = asset(T_POLICY, "54");
        let long = asset(T_POLICY, "5465");
        assert_eq!(tw_sort(&long, &short), (&short, &long));
        assert_eq!(tw_compare(&t(), &t()), Ordering::Equal);
    }

    #[test]
    fn beacon_names_are_unique_per_kind() {
        // §9.1 uniqueness properties.
        assert_ne!(ow_pair_beacon(&t(), &ada()), ow_pair_beacon(&ada(), &t()));
        let pair = ow_pair_beacon(&t(), &ada());
        for other in [
            ow_offer_beacon(&t()),
            ow_ask_beacon(&t()),
            ow_offer_beacon(&ada()),
            ow_ask_beacon(&ada()),
        ] {
            assert_ne!(pair, other);
        }
        assert_ne!(ow_offer_beacon(&t()), ow_ask_beacon(&t()));
        let tw = tw_pair_beacon(&t(), &ada());
        assert_ne!(tw, tw_asset_beacon(&t()));
        assert_ne!(tw, tw_asset_beacon(&ada()));
    }

    fn one(variant: &BeaconVariant, name: &str, a: &AssetClass) -> Vec<u8> {
        match variant.function(name).unwrap().derive {
            Derive::Asset(derive) => derive(a),
            other => panic!("{name} is {other:?}"),
        }
    }

    fn two(variant: &BeaconVariant, name: &str, a: &AssetClass, b: &AssetClass) -> Vec<u8> {
        match variant.function(name).unwrap().derive {
            Derive::AssetPair(derive) => derive(a, b),
            other => panic!("{name} is {other:?}"),
        }
    }

    #[test]
    fn beacon_functions_are_wired_to_the_derivations() {
        let ow = SWAPS.variants.iter().find(|v| v.name == "ow").unwrap();
        assert_eq!(two(ow, "pair", &t(), &ada()), ow_pair_beacon(&t(), &ada()));
        assert_eq!(one(ow, "offer", &t()), ow_offer_beacon(&t()));
        assert_eq!(one(ow, "ask", &ada()), ow_ask_beacon(&ada()));
        let tw = SWAPS.variants.iter().find(|v| v.name == "tw").unwrap();
        assert_eq!(two(tw, "pair", &t(), &ada()), tw_pair_beacon(&ada(), &t()));
        assert_eq!(one(tw, "asset", &d()), tw_asset_beacon(&d()));
        assert_eq!(ow.usages(), "pair(A,B), offer(A), ask(A)");
    }

    #[test]
    fn lookups_find_swaps() {
        use crate::protocols::{datum_type, find, script};
        assert_eq!(find("swaps").map(|p| p.name), Some("swaps"));
        assert!(find("nope").is_none());
        assert_eq!(
            script("ow_beacon").and_then(|s| s.beacon_variant),
            Some("ow")
        );
        assert!(datum_type("ow_swap_datum").is_some());
    }

    #[test]
    fn redeemer_indices_match_spec() {
        let names: Vec<_> = OW_SWAP_REDEEMERS
            .iter()
            .map(|c| (c.name, c.index))
            .collect();
        assert_eq!(
            names,
            [
                ("SpendWithMint", 0),
                ("SpendWithStake", 1),
                ("Swap", 2),
                ("SwapAt", 3),
                ("SpendWithMintAt", 4),
                ("SpendWithStakeAt", 5)
            ]
        );
        let names: Vec<_> = TW_SWAP_REDEEMERS
            .iter()
            .map(|c| (c.name, c.index))
            .collect();
        assert_eq!(
            names,
            [
                ("SpendWithMint", 0),
                ("SpendWithStake", 1),
                ("TakeAsset1", 2),
                ("TakeAsset2", 3),
                ("TakeAsset1At", 4),
                ("TakeAsset2At", 5),
                ("SpendWithMintAt", 6),
                ("SpendWithStakeAt", 7)
            ]
        );
        assert_eq!(OW_SWAP_DATUM.constructor.fields.len(), 10);
        assert_eq!(TW_SWAP_DATUM.constructor.fields.len(), 11);
    }
}
