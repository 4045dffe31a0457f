//! Cardano-Options for [`crate::resolve`]: typed datums (spec §3.2–3.3), redeemer constructors
//! (§3.5) and beacon-name derivations (§4) of the covered-options protocol.
//!
//! The four scripts, deployed after the shared proxy in the §2.2 order: `opt_script` (the
//! spending script), `opt_observer` (the address update observer), `opt_active` (the active
//! beacon policy) and `opt_proposal` (the proposal beacon policy, which also takes the observer's
//! hash: decision 8).
//!
//! Beacon expressions (variant `opt`), the same names under both policies (OPT-NAME-03):
//! `pair(A,B)` (TradingPair, offer A, ask B), `offer(A)`, `ask(A)`, `premium(A)` and
//! `contract(UTXO)` (the ContractId of a proposal UTxO, a name or `<64 hex>#<index>`).
//! The payment datum (§3.4) is a two-element list, no constructor: fixtures write it raw,
//! `{"list": [{"bytes": {"script": "opt_active"}}, {"bytes": {"beacon": "opt_active:contract(p)"}}]}`.

pub mod attack;
pub mod capacity;
#[cfg(test)]
mod resolution;

use super::{
    BeaconFn, BeaconVariant, Constructor, DatumType, Derive, INDEXED, Protocol, ScriptInfo, Type,
    field, sha256, unit,
};
use crate::{
    deploy::Param,
    scenario::{AssetClass, OutRef},
};

/// The options protocol.
pub const OPTIONS: Protocol = Protocol {
    name: "options",
    datums: &[PROPOSAL_DATUM, ACTIVE_DATUM],
    scripts: &[
        ScriptInfo {
            script: "opt_script",
            validator: "options.options_script",
            params: &[],
            redeemers: OPTIONS_REDEEMERS,
            beacon_variant: None,
        },
        ScriptInfo {
            script: "opt_observer",
            validator: "options.address_observer",
            params: &[Param::Script("proxy"), Param::Script("opt_script")],
            redeemers: OBSERVER_REDEEMERS,
            beacon_variant: None,
        },
        ScriptInfo {
            script: "opt_active",
            validator: "options.active_beacon",
            params: &[Param::Script("opt_script"), Param::Script("opt_observer")],
            redeemers: ACTIVE_REDEEMERS,
            beacon_variant: Some("opt"),
        },
        ScriptInfo {
            script: "opt_proposal",
            validator: "options.proposal_beacon",
            params: &[
                Param::Script("proxy"),
                Param::Script("opt_script"),
                Param::Script("opt_active"),
                Param::Script("opt_observer"),
            ],
            redeemers: PROPOSAL_REDEEMERS,
            beacon_variant: Some("opt"),
        },
    ],
    variants: &[BeaconVariant {
        name: "opt",
        functions: &[
            BeaconFn {
                name: "pair",
                usage: "pair(A,B)",
                derive: Derive::AssetPair(|offer, ask| trading_pair_beacon(offer, ask).to_vec()),
            },
            BeaconFn {
                name: "offer",
                usage: "offer(A)",
                derive: Derive::Asset(|a| prefixed(1, a).to_vec()),
            },
            BeaconFn {
                name: "ask",
                usage: "ask(A)",
                derive: Derive::Asset(|a| prefixed(2, a).to_vec()),
            },
            BeaconFn {
                name: "premium",
                usage: "premium(A)",
                derive: Derive::Asset(|a| prefixed(3, a).to_vec()),
            },
            BeaconFn {
                name: "contract",
                usage: "contract(UTXO)",
                derive: Derive::OutRef(|r| contract_id(r).to_vec()),
            },
        ],
    }],
    rules: include_str!("../../../rules/options.tsv"),
    rule_prefixes: &["OPT-"],
    attack: attack::HOOKS,
    capacity: capacity::HOOKS,
};

/// `Terms` (§3.2): `Constr 0 [I premium, [I num, I den], I expiration]`, written
/// `{"Terms": {"premium": …, "strike_price": {"num": …, "den": …}, "expiration": TIME}}`.
const TERMS: Type = Type::Sum(&[Constructor {
    name: "Terms",
    index: 0,
    fields: &[
        field("premium", Type::Int),
        field("strike_price", Type::Fraction),
        field("expiration", Type::Time),
    ],
}]);

/// `ProposalDatum` (§3.3): `Constr 0`, 13 fields.
pub const PROPOSAL_DATUM: DatumType = DatumType {
    key: "proposal_datum",
    variant: "opt",
    constructor: Constructor {
        name: "ProposalDatum",
        index: 0,
        fields: &[
            field("proposal_beacon_policy_id", Type::PolicyId),
            field("active_beacon_policy_id", Type::PolicyId),
            field("offer_asset", Type::Asset),
            field("offer_quantity", Type::Int),
            field("ask_asset", Type::Asset),
            field("trading_pair_beacon", Type::Beacon),
            field("offer_asset_beacon", Type::Beacon),
            field("ask_asset_beacon", Type::Beacon),
            field("premium_asset", Type::Asset),
            field("premium_asset_beacon", Type::Beacon),
            field("contract_deposit", Type::Int),
            field("payment_address", Type::Address),
            field("possible_terms", Type::List(&TERMS)),
        ],
    },
};

/// `ActiveDatum` (§3.3): `Constr 1`, 14 fields.
pub const ACTIVE_DATUM: DatumType = DatumType {
    key: "options_active_datum",
    variant: "opt",
    constructor: Constructor {
        name: "ActiveDatum",
        index: 1,
        fields: &[
            field("proposal_beacon_policy_id", Type::PolicyId),
            field("active_beacon_policy_id", Type::PolicyId),
            field("address_observer_hash", Type::PolicyId),
            field("offer_asset", Type::Asset),
            field("offer_quantity", Type::Int),
            field("ask_asset", Type::Asset),
            field("trading_pair_beacon", Type::Beacon),
            field("offer_asset_beacon", Type::Beacon),
            field("ask_asset_beacon", Type::Beacon),
            field("strike_price", Type::Fraction),
            field("expiration", Type::Time),
            field("contract_deposit", Type::Int),
            field("payment_address", Type::Address),
            field("contract_id", Type::Beacon),
        ],
    },
};

/// `OptionsRedeemer` (§3.5) with the appended `CloseExpiredContractAt` and
/// `CloseOrUpdateProposalAt` (README decision 6): an expired close and a proposal close or update
/// that name their own input's position and their beacon script's redeemer's.
pub const OPTIONS_REDEEMERS: &[Constructor] = &[
    unit("CloseOrUpdateProposal", 0),
    Constructor {
        name: "PurchaseContract",
        index: 1,
        fields: &[field("desired_terms_index", Type::Int)],
    },
    unit("ExecuteContract", 2),
    unit("CloseExpiredContract", 3),
    Constructor {
        name: "UpdatePaymentAddress",
        index: 4,
        fields: &[
            field("new_address", Type::Address),
            field("deposit_increase", Type::Int),
        ],
    },
    Constructor {
        name: "CloseExpiredContractAt",
        index: 5,
        fields: INDEXED,
    },
    Constructor {
        name: "CloseOrUpdateProposalAt",
        index: 6,
        fields: INDEXED,
    },
];

/// `ProposalBeaconsRedeemer` (§3.5).
pub const PROPOSAL_REDEEMERS: &[Constructor] = &[
    unit("CreateCloseOrUpdateProposals", 0),
    unit("BurnProposalBeacons", 1),
    unit("RegisterProposalScript", 2),
];

/// `ActiveBeaconsRedeemer` (§3.5).
pub const ACTIVE_REDEEMERS: &[Constructor] = &[
    Constructor {
        name: "PurchaseExecuteOrCloseExpired",
        index: 0,
        fields: &[field("proposal_beacon_id", Type::PolicyId)],
    },
    unit("BurnActiveBeacons", 1),
];

/// `AddressObserverRedeemer` (§3.5).
pub const OBSERVER_REDEEMERS: &[Constructor] = &[
    unit("ObserveAddressUpdate", 0),
    unit("RegisterAddressObserverScript", 1),
];

/// Offer (1), Ask (2) and PremiumAsset (3) beacons (§4.1, OPT-NAME-01):
/// `sha256(prefix ‖ policy ‖ name)`, the prefix a raw byte.
pub fn prefixed(prefix: u8, asset: &AssetClass) -> [u8; 32] {
    sha256(&[&[prefix], &asset.0, &asset.1])
}

/// TradingPair beacon (§4.1, OPT-NAME-02): `sha256(p'_offer ‖ n_offer ‖ p'_ask ‖ n_ask)` with
/// `p' = 00` for ADA's empty policy; directional.
pub fn trading_pair_beacon(offer: &AssetClass, ask: &AssetClass) -> [u8; 32] {
    let subst = |p: &'_ [u8]| -> Vec<u8> { if p.is_empty() { vec![0] } else { p.to_vec() } };
    sha256(&[&subst(&offer.0), &offer.1, &subst(&ask.0), &ask.1])
}

/// ContractId (§4.1, OPT-NAME-04): `sha256(tx_id ‖ ascii_decimal(index))` of the purchased
/// proposal's output reference.
pub fn contract_id(proposal: &OutRef) -> [u8; 32] {
    sha256(&[&proposal.tx_id, proposal.index.to_string().as_bytes()])
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: &str = "c0f8644a01a6bf5db02f4afe30d604975e63dd274f1098a1738e561d";
    const H: &str = "7a1d3bb453b1ea065f391529d1a56e7e02bc03f4dc802acf3a1967dc447c3259";

    fn asset(name: &str) -> AssetClass {
        (hex::decode(P).unwrap(), hex::decode(name).unwrap())
    }

    fn o() -> AssetClass {
        asset("4f74686572546f6b656e0a")
    }

    fn t() -> AssetClass {
        asset("54657374546f6b656e31")
    }

    fn ada() -> AssetClass {
        (vec![], vec![])
    }

    fn h(name: [u8; 32]) -> String {
        hex::encode(name)
    }

    fn at(index: u64) -> OutRef {
        OutRef {
            tx_id: hex::decode(H).unwrap().try_into().unwrap(),
            index,
        }
    }

    // §4.2, row by row.

    #[test]
    fn prefixed_beacons_match_spec() {
        let rows = [
            (
                1,
                ada(),
                "4bf5122f344554c53bde2ebb8cd2b7e3d1600ad631c385a5d7cce23c7785459a",
            ),
            (
                2,
                ada(),
                "dbc1b4c900ffe48d575b5da5c638040125f65db0fe3e24494b76ea986457d986",
            ),
            (
                3,
                ada(),
                "084fed08b978af4d7d196a7446a86b58009e636b611db16211b65a9aadff29c5",
            ),
            (
                1,
                o(),
                "01ef62249bb72641bc1b52e26166f2bbcb6daa9afcb49b061479800bf0ea9519",
            ),
            (
                1,
                t(),
                "8f5827ab4156fad2452d0b11096766fd3c513c25767d1c48dea926cff7236127",
            ),
            (
                2,
                t(),
                "b573c8fb3a34a53953dbed9bcb4cc9ea5ffe4f908d46d6c0177a8c20507fa756",
            ),
            (
                3,
                t(),
                "5997de2686856c6bb637df1c090913d5dfc31025b1758e835ea6f53292f8f821",
            ),
        ];
        for (prefix, a, expected) in rows {
            assert_eq!(h(prefixed(prefix, &a)), expected, "{prefix}");
        }
    }

    #[test]
    fn trading_pairs_match_spec_and_are_directional() {
        let rows = [
            (
                o(),
                t(),
                "038abf5f918a0f73196686d735873be5feb8d3746c2cd7be9b56b1cb8b88d819",
            ),
            (
                t(),
                o(),
                "79d8ea146e1aa05c8236fc9fdc339dfd1bce8739ce5da9ec6b347872fc5ab018",
            ),
            (
                ada(),
                t(),
                "1d32f41217e31aad0dbbd3801d12d57f4ae6db84ec88f1f83cbcfcfca56ac630",
            ),
            (
                t(),
                ada(),
                "035edf07fc543038895fe5c8b6d415fbdefb13571d1d4fab07ec30ee29694126",
            ),
        ];
        for (offer, ask, expected) in rows {
            assert_eq!(h(trading_pair_beacon(&offer, &ask)), expected);
        }
    }

    #[test]
    fn contract_ids_render_the_index_in_decimal() {
        let rows = [
            (
                0,
                "522c821f25a8feca8cfcfc9711c9cf2eb9ef470a0efaf4bc49c89c53bdb5b576",
            ),
            (
                1,
                "b37adcee88b5f21112fbe4aa7ea8447bb2c8035d82121d64f12a041cae849a0e",
            ),
            (
                12,
                "a62ecd786a4431e7fe4f5b08dada611c07b18faae79c82440564ef12dfa8b631",
            ),
            (
                255,
                "0da3696aee8c5bfd2107e18874557f31608e7914089d776c7855e429d8b18190",
            ),
        ];
        for (index, expected) in rows {
            assert_eq!(h(contract_id(&at(index))), expected, "#{index}");
        }
    }

    #[test]
    fn redeemer_indices_and_datum_arities_match_spec() {
        let names = |cs: &[Constructor]| cs.iter().map(|c| (c.name, c.index)).collect::<Vec<_>>();
        assert_eq!(
            names(OPTIONS_REDEEMERS),
            [
                ("CloseOrUpdateProposal", 0),
                ("PurchaseContract", 1),
                ("ExecuteContract", 2),
                ("CloseExpiredContract", 3),
                ("UpdatePaymentAddress", 4),
                ("CloseExpiredContractAt", 5),
                ("CloseOrUpdateProposalAt", 6)
            ]
        );
        assert_eq!(names(ACTIVE_REDEEMERS)[1], ("BurnActiveBeacons", 1));
        assert_eq!(names(PROPOSAL_REDEEMERS)[2], ("RegisterProposalScript", 2));
        assert_eq!(
            names(OBSERVER_REDEEMERS)[1],
            ("RegisterAddressObserverScript", 1)
        );
        assert_eq!(PROPOSAL_DATUM.constructor.fields.len(), 13);
        assert_eq!(ACTIVE_DATUM.constructor.fields.len(), 14);
    }

    #[test]
    fn catalogue_has_every_spec_rule() {
        let spec = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/specs/cardano-options.md"
        );
        let Ok(text) = std::fs::read_to_string(spec) else {
            return;
        };
        let mut spec_ids: Vec<&str> = text
            .lines()
            .filter_map(|l| l.strip_prefix("- OPT-"))
            .filter_map(|l| l.split([' ', ':']).next())
            .collect();
        spec_ids.sort_unstable();
        spec_ids.dedup();
        // OPT-PROXY-01 is catalogued with the shared proxy (harness/rules/proxy.tsv).
        let mut ours: Vec<&str> = crate::rules::catalogue()
            .iter()
            .filter(|r| r.id.starts_with("OPT-"))
            .map(|r| &r.id[4..])
            .collect();
        ours.sort_unstable();
        assert_eq!(ours, spec_ids);
    }
}
