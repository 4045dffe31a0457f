//! What the attack engine ([`crate::attack`]) needs to know about options: which owner paths
//! are the owner's choice, which output continues a purchased proposal, which outputs are
//! payments owed to the writer (premiums and strike payments, spec §3.4), and that a Key NFT is
//! a bearer token (§1.5).

use super::super::{AttackHooks, Surplus, group};
use super::contract_id;
use crate::{
    plutus,
    scenario::{AssetClass, Datum, OutRef, Output},
};
use pallas_primitives::PlutusData;

/// The options protocol's attack hooks.
pub const HOOKS: AttackHooks = AttackHooks {
    // Burning the purchased proposals' beacons (and nothing else) passes either way
    // (OPT-PURCHASE-12).
    // The appended `*At` closes are their originals with positions named (decision 6).
    interchangeable: &[
        group(
            "opt_proposal",
            &["CreateCloseOrUpdateProposals", "BurnProposalBeacons"],
        ),
        group(
            "opt_script",
            &["CloseExpiredContract", "CloseExpiredContractAt"],
        ),
        group(
            "opt_script",
            &["CloseOrUpdateProposal", "CloseOrUpdateProposalAt"],
        ),
    ],
    // A UTxO without beacons is closed with approval alone through any close redeemer.
    owner_paths: &[group(
        "opt_script",
        &[
            "CloseOrUpdateProposal",
            "CloseExpiredContract",
            "CloseOrUpdateProposalAt",
            "CloseExpiredContractAt",
        ],
    )],
    when_nothing_taken: &[],
    continues,
    surplus,
    owed,
    bearer,
    // An options UTxO is its address owner's.
    owner: |_| None,
    ..AttackHooks::NONE
};

/// The fields of an `ActiveDatum` (`Constr 1`, 14 fields, §3.3).
fn active_fields(datum: &PlutusData) -> Option<&[PlutusData]> {
    plutus::as_constr(datum)
        .and_then(|(index, fields)| (index == 1 && fields.len() == 14).then_some(fields))
}

fn bytes(data: &PlutusData) -> Option<&[u8]> {
    match data {
        PlutusData::BoundedBytes(b) => Some(b),
        _ => None,
    }
}

/// A contract output continues the proposal its ContractId was derived from (OPT-PURCHASE-06).
fn continues(datum: &PlutusData, out_ref: &OutRef) -> bool {
    active_fields(datum)
        .and_then(|fields| bytes(&fields[13]))
        .is_some_and(|id| id == contract_id(out_ref))
}

/// The lovelace a buyer leaves in a contract beyond the deposit (and the offer, when ADA is
/// offered), which OPT-PURCHASE-09 allows; nothing else is left over.
fn surplus(query: &Surplus) -> u64 {
    let Some(fields) = active_fields(query.datum) else {
        return 0;
    };
    if !query.asset.0.is_empty() {
        return 0;
    }
    let int = |k: usize| plutus::as_integer(&fields[k]).and_then(|i| u64::try_from(i).ok());
    let ada_offer = matches!(&fields[3], PlutusData::Array(a) if a.first().and_then(bytes).is_some_and(<[u8]>::is_empty));
    let owed = int(11).unwrap_or(0) + if ada_offer { int(4).unwrap_or(0) } else { 0 };
    query.output.lovelace.saturating_sub(owed)
}

/// A premium or strike payment: an output whose inline datum is the PaymentDatum
/// `[active policy id (28 bytes), contract id (32 bytes)]` (§3.4).
fn owed(output: &Output) -> bool {
    let Datum::Inline(PlutusData::Array(items)) = &output.datum else {
        return false;
    };
    matches!(items.as_slice(), [a, b] if bytes(a).map(<[u8]>::len) == Some(28) && bytes(b).map(<[u8]>::len) == Some(32))
}

/// A Key NFT: a 32-byte token name held in an output without an options datum (the lock and
/// the beacons only ever sit in Proposal and Active UTxOs, OPT-PROPOSE-02, OPT-PURCHASE-07).
fn bearer(asset: &AssetClass, output: &Output) -> bool {
    let options_datum = match &output.datum {
        Datum::Inline(d) | Datum::Hash(d) => plutus::as_constr(d)
            .is_some_and(|(i, f)| (i == 0 && f.len() == 13) || (i == 1 && f.len() == 14)),
        Datum::None => false,
    };
    asset.1.len() == 32 && !options_datum
}
