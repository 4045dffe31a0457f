//! Cardano-Loans for [`crate::resolve`]: the six deployment scripts in the §2.2 order, the typed
//! `LoanDatum` forms (§3.2), every redeemer (§3.4), and the beacon names and Loan IDs (§4).
//!
//! Script names fixtures write: `loan` (LS), `loan_payment_observer` (PO),
//! `loan_address_observer` (AU), `loan_active` (A) and `loan_negotiation` (N); the proxy is
//! `proxy`. Both beacon policies name their tokens with one family of expressions (`loans`), so
//! a fixture can also write a token where it does not belong (an Ask beacon under `A`):
//! `ask()`, `offer()`, `active()`, `asset(A)` (the loan-asset beacon of an alias or `ADA`),
//! `lender(CRED)` (LenderId), `borrower(CRED)` (BorrowerId) and `loan(UTXO)` (the Loan ID of
//! an Offer UTxO), with CRED written `key:NAME`, `script:NAME`, ….
//!
//! The payment datum (§3.3) is a two-element list, not a constructor: fixtures write it raw,
//! `{"list": [{"bytes": {"script": "loan_active"}}, {"bytes": {"beacon": "loan_active:loan(offer)"}}]}`.

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
    scenario::{AssetClass, Credential, OutRef},
};

/// The loans protocol.
pub const LOANS: Protocol = Protocol {
    name: "loans",
    datums: &[ASK_DATUM, OFFER_DATUM, ACTIVE_DATUM],
    scripts: &[
        ScriptInfo {
            script: "loan",
            validator: "loans.loan",
            params: &[],
            redeemers: LOAN_REDEEMERS,
            beacon_variant: None,
        },
        ScriptInfo {
            script: "loan_payment_observer",
            validator: "loans.payment_observer",
            params: &[Param::Script("loan")],
            redeemers: &[
                unit("ObservePayment", 0),
                unit("RegisterPaymentObserverScript", 1),
            ],
            beacon_variant: None,
        },
        ScriptInfo {
            script: "loan_address_observer",
            validator: "loans.address_update_observer",
            params: &[Param::Script("proxy"), Param::Script("loan")],
            redeemers: &[
                unit("ObserveAddressUpdate", 0),
                unit("RegisterAddressUpdateObserverScript", 1),
            ],
            beacon_variant: None,
        },
        ScriptInfo {
            script: "loan_active",
            validator: "loans.active_beacons",
            params: &[
                Param::Script("loan"),
                Param::Script("loan_payment_observer"),
                Param::Script("loan_address_observer"),
            ],
            redeemers: ACTIVE_REDEEMERS,
            beacon_variant: Some("loans"),
        },
        ScriptInfo {
            script: "loan_negotiation",
            validator: "loans.negotiation_beacons",
            params: &[
                Param::Script("proxy"),
                Param::Script("loan"),
                Param::Script("loan_active"),
            ],
            redeemers: NEGOTIATION_REDEEMERS,
            beacon_variant: Some("loans"),
        },
    ],
    variants: &[BeaconVariant {
        name: "loans",
        functions: &[
            BeaconFn {
                name: "ask",
                usage: "ask()",
                derive: Derive::Fixed(b"Ask"),
            },
            BeaconFn {
                name: "offer",
                usage: "offer()",
                derive: Derive::Fixed(b"Offer"),
            },
            BeaconFn {
                name: "active",
                usage: "active()",
                derive: Derive::Fixed(b"Active"),
            },
            BeaconFn {
                name: "asset",
                usage: "asset(A)",
                derive: Derive::Asset(|a| asset_beacon(a).to_vec()),
            },
            BeaconFn {
                name: "lender",
                usage: "lender(CRED)",
                derive: Derive::Credential(lender_id),
            },
            BeaconFn {
                name: "borrower",
                usage: "borrower(CRED)",
                derive: Derive::Credential(|c| c.hash().to_vec()),
            },
            BeaconFn {
                name: "loan",
                usage: "loan(UTXO)",
                derive: Derive::OutRef(|o| loan_id(o).to_vec()),
            },
        ],
    }],
    rules: include_str!("../../../rules/loans.tsv"),
    rule_prefixes: &["LOAN-"],
    attack: attack::HOOKS,
    capacity: capacity::HOOKS,
};

/// `Option<Int>`: `epoch_duration`, `max_consecutive_misses`.
const OPTION_INT: Type = Type::Option(&Type::Int);

/// `Penalty` (§3.1): `NoPenalty`, `FixedFee(fee)`, `PercentFee(fee)`.
const PENALTY: Type = Type::Sum(&[
    unit("NoPenalty", 0),
    Constructor {
        name: "FixedFee",
        index: 1,
        fields: &[field("fee", Type::Int)],
    },
    Constructor {
        name: "PercentFee",
        index: 2,
        fields: &[field("fee", Type::Fraction)],
    },
]);

/// `collateralization`: a Data map from asset to price (§3.2.2 field 14).
const COLLATERALIZATION: Type = Type::Map(&Type::Asset, &Type::Fraction);

/// `AskDatum` (§3.2.1): `Constr 0`, 8 fields.
pub const ASK_DATUM: DatumType = DatumType {
    key: "loan_ask_datum",
    variant: "loans",
    constructor: Constructor {
        name: "AskDatum",
        index: 0,
        fields: &[
            field("negotiation_beacon_id", Type::PolicyId),
            field("active_beacon_id", Type::PolicyId),
            field("borrower_id", Type::Beacon),
            field("loan_asset", Type::Asset),
            field("asset_beacon", Type::Beacon),
            field("loan_principal", Type::Int),
            field("loan_term", Type::Int),
            field("collateral", Type::Map(&Type::PolicyId, &Type::AssetName)),
        ],
    },
};

/// `OfferDatum` (§3.2.2): `Constr 1`, 20 fields.
pub const OFFER_DATUM: DatumType = DatumType {
    key: "loan_offer_datum",
    variant: "loans",
    constructor: Constructor {
        name: "OfferDatum",
        index: 1,
        fields: &[
            field("negotiation_beacon_id", Type::PolicyId),
            field("active_beacon_id", Type::PolicyId),
            field("lender_id", Type::Beacon),
            field("lender_address", Type::Address),
            field("loan_asset", Type::Asset),
            field("asset_beacon", Type::Beacon),
            field("loan_principal", Type::Int),
            field("epoch_duration", OPTION_INT),
            field("loan_term", Type::Int),
            field("loan_interest", Type::Fraction),
            field("compounding_interest", Type::Bool),
            field("min_payment", Type::Int),
            field("penalty", PENALTY),
            field("max_consecutive_misses", OPTION_INT),
            field("collateralization", COLLATERALIZATION),
            field("collateral_is_swappable", Type::Bool),
            field("claim_period", Type::Int),
            field("offer_deposit", Type::Int),
            field("offer_expiration", Type::Option(&Type::Time)),
            field("corresponding_ask", Type::Option(&Type::OutRef)),
        ],
    },
};

/// `ActiveDatum` (§3.2.3): `Constr 2`, 24 fields.
pub const ACTIVE_DATUM: DatumType = DatumType {
    key: "loan_active_datum",
    variant: "loans",
    constructor: Constructor {
        name: "ActiveDatum",
        index: 2,
        fields: &[
            field("active_beacon_id", Type::PolicyId),
            field("payment_observer_hash", Type::PolicyId),
            field("address_update_observer_hash", Type::PolicyId),
            field("borrower_id", Type::Beacon),
            field("lender_address", Type::Address),
            field("loan_asset", Type::Asset),
            field("asset_beacon", Type::Beacon),
            field("loan_principal", Type::Int),
            field("epoch_duration", OPTION_INT),
            field("last_epoch_boundary", Type::Time),
            field("loan_term", Type::Int),
            field("loan_interest", Type::Fraction),
            field("compounding_interest", Type::Bool),
            field("min_payment", Type::Int),
            field("penalty", PENALTY),
            field("max_consecutive_misses", OPTION_INT),
            field("collateralization", COLLATERALIZATION),
            field("collateral_is_swappable", Type::Bool),
            field("claim_expiration", Type::Time),
            field("loan_expiration", Type::Time),
            field("loan_outstanding", Type::Fraction),
            field("total_epoch_payments", Type::Int),
            field("current_consecutive_misses", Type::Int),
            field("loan_id", Type::Beacon),
        ],
    },
};

/// `LoanRedeemer` (§3.4), the loan script's, with the appended (README decision 6)
/// `CloseOrUpdateAskAt` and `CloseOrUpdateOfferAt`, closes and updates that name their own
/// input's position and N's redeemer's, and `SpendWithKeyNFTAt` and `UnlockAt`, which name A's
/// redeemer's (and an unlock its own input's).
pub const LOAN_REDEEMERS: &[Constructor] = &[
    unit("CloseOrUpdateAsk", 0),
    unit("CloseOrUpdateOffer", 1),
    unit("AcceptOffer", 2),
    Constructor {
        name: "MakePayment",
        index: 3,
        fields: &[field("payment_amount", Type::Int)],
    },
    unit("SpendWithKeyNFT", 4),
    Constructor {
        name: "UpdateLenderAddress",
        index: 5,
        fields: &[
            field("new_address", Type::Address),
            field("deposit_increase", Type::Int),
        ],
    },
    unit("Unlock", 6),
    Constructor {
        name: "CloseOrUpdateAskAt",
        index: 7,
        fields: INDEXED,
    },
    Constructor {
        name: "CloseOrUpdateOfferAt",
        index: 8,
        fields: INDEXED,
    },
    Constructor {
        name: "SpendWithKeyNFTAt",
        index: 9,
        fields: &[field("run_index", Type::Int)],
    },
    Constructor {
        name: "UnlockAt",
        index: 10,
        fields: INDEXED,
    },
];

/// `NegotiationBeaconsRedeemer` (§3.4), N's.
pub const NEGOTIATION_REDEEMERS: &[Constructor] = &[
    Constructor {
        name: "CreateCloseOrUpdateAsk",
        index: 0,
        fields: &[field("borrower_credential", Type::Credential)],
    },
    Constructor {
        name: "CreateCloseOrUpdateOffer",
        index: 1,
        fields: &[field("lender_credential", Type::Credential)],
    },
    unit("BurnNegotiationBeacons", 2),
    unit("RegisterNegotiationScript", 3),
];

/// `ActiveBeaconsRedeemer` (§3.4), A's.
pub const ACTIVE_REDEEMERS: &[Constructor] = &[
    Constructor {
        name: "CreateActive",
        index: 0,
        fields: &[field("negotiation_beacon_id", Type::PolicyId)],
    },
    unit("BurnKeyAndClaimDefaulted", 1),
    unit("BurnAndUnlockLost", 2),
    unit("BurnActiveBeacons", 3),
];

/// The loan-asset beacon (§4.2), the same name under N and A: `sha256("Asset" ‖ policy ‖ name)`.
pub fn asset_beacon(asset: &AssetClass) -> [u8; 32] {
    sha256(&[b"Asset", &asset.0, &asset.1])
}

/// LenderId (§4.3): `0x00 ‖ key hash` or `0x01 ‖ script hash`.
pub fn lender_id(credential: &Credential) -> Vec<u8> {
    let prefix = match credential {
        Credential::Key(_) => 0,
        Credential::Script(_) => 1,
    };
    [&[prefix][..], credential.hash()].concat()
}

/// The Loan ID (§4.5) of an Offer UTxO: `sha256(tx_id ‖ ascii_decimal(output_index))`.
pub fn loan_id(offer: &OutRef) -> [u8; 32] {
    sha256(&[&offer.tx_id, offer.index.to_string().as_bytes()])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash28(text: &str) -> [u8; 28] {
        hex::decode(text).unwrap().try_into().unwrap()
    }

    const KEY: &str = "3cefec09a27b6894e2ed9a78b9cc01f083973d7c0afb8cec8bda33fa";
    const OFFER_TX: &str = "0517795a270cf535deec2c393a70d00e5833cda0e68e20b58a261a63f71917e2";

    // §4.6, one assertion per row.

    #[test]
    fn asset_beacons_match_spec() {
        assert_eq!(
            hex::encode(asset_beacon(&(vec![], vec![]))),
            "80d298c9f240900f00b327f5b611dc41aa785788d6fd3edbe35812ca88f02e9a"
        );
        let token = (
            hex::decode("c0f8644a01a6bf5db02f4afe30d604975e63dd274f1098a1738e561d").unwrap(),
            b"TestToken1".to_vec(),
        );
        assert_eq!(
            hex::encode(asset_beacon(&token)),
            "1bf95ba046009187e34f735d1b60e7258a73c0b93ab46e627ac81588bc6e06f5"
        );
    }

    #[test]
    fn credential_ids_match_spec() {
        let key = Credential::Key(hash28(KEY));
        assert_eq!(hex::encode(lender_id(&key)), format!("00{KEY}"));
        let script_hash = "12583015ca6846689dd6274271a537c7d40a6a71ce21da0be27a7117";
        let script = Credential::Script(hash28(script_hash));
        assert_eq!(hex::encode(lender_id(&script)), format!("01{script_hash}"));
        let borrower = LOANS.variants[0].function("borrower").unwrap();
        let Derive::Credential(borrower_id) = borrower.derive else {
            panic!("borrower() derives from a credential")
        };
        assert_eq!(hex::encode(borrower_id(&key)), KEY);
    }

    #[test]
    fn loan_ids_match_spec() {
        let tx_id: [u8; 32] = hex::decode(OFFER_TX).unwrap().try_into().unwrap();
        let expected = [
            (
                0,
                "d58bc66b3f3778e572797ee4d96d0f81adda164f7865c452e682cf28bcec6362",
            ),
            (
                1,
                "3815856ac95b27aeac897f9cf39f7febfd11782a0ab33cbe962b136a2811d7a3",
            ),
            (
                12,
                "49d0c5aef8723b6b51b0615ceb3521d3b76d41d5dbe3d973636596ae3e477ade",
            ),
            (
                256,
                "88d0d65438efc7de889cbe8586dd84ff8823cbca22eb266c5fdc15630dff6df0",
            ),
        ];
        for (index, id) in expected {
            assert_eq!(
                hex::encode(loan_id(&OutRef { tx_id, index })),
                id,
                "#{index}"
            );
        }
    }

    /// Every `LOAN-` row of the spec's rule tables is catalogued once (the proxy's in
    /// `proxy.tsv`), when the spec sits beside the repository.
    #[test]
    fn loans_catalogue_has_every_spec_rule() {
        let mut ours: Vec<&str> = crate::rules::catalogue()
            .iter()
            .filter(|r| r.protocol == "loans")
            .map(|r| r.id)
            .collect();
        assert_eq!(ours.len(), 127);
        let spec = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/specs/cardano-loans.md"
        );
        if let Ok(text) = std::fs::read_to_string(spec) {
            let mut spec_ids: Vec<&str> = text
                .lines()
                .filter_map(|l| l.strip_prefix("| LOAN-").map(|_| &l[2..]))
                .filter_map(|l| l.split(' ').next())
                .filter(|id| !id.starts_with("LOAN-PROXY-"))
                .collect();
            spec_ids.sort_unstable();
            spec_ids.dedup();
            ours.sort_unstable();
            assert_eq!(ours, spec_ids);
        }
    }
}
