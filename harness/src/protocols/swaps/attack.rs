//! What the attack engine ([`crate::attack`]) needs to know about swaps: which redeemer changes
//! are no attack, which output continues which swap, and what a filler may leave over.

use super::super::{AttackHooks, Surplus, group};
use super::prev_input;
use crate::{
    plutus,
    scenario::{AssetClass, OutRef, Value},
};
use pallas_primitives::PlutusData;

/// The swaps protocol's attack hooks.
pub const HOOKS: AttackHooks = AttackHooks {
    interchangeable: &[
        group("ow_swap", &["Swap", "SwapAt"]),
        group("tw_swap", &["TakeAsset1", "TakeAsset1At"]),
        group("tw_swap", &["TakeAsset2", "TakeAsset2At"]),
    ],
    owner_paths: &[group("ow_swap", OWNER_PATHS), group("tw_swap", OWNER_PATHS)],
    when_nothing_taken: &[
        group("ow_swap", &["Swap", "SwapAt"]),
        group(
            "tw_swap",
            &["TakeAsset1", "TakeAsset1At", "TakeAsset2", "TakeAsset2At"],
        ),
    ],
    continues,
    surplus,
    // A fill pays the swap itself, never another party, and swaps mint no bearer token.
    owed: |_| false,
    bearer: |_, _| false,
    // A swap is its address owner's.
    owner: |_| None,
    ..AttackHooks::NONE
};

/// The owner redeemers of both variants: which one an approving owner uses is their choice (a
/// stray UTxO can be recovered with either).
const OWNER_PATHS: &[&str] = &[
    "SpendWithMint",
    "SpendWithStake",
    "SpendWithMintAt",
    "SpendWithStakeAt",
];

/// A swap output continues the swap whose output reference is its datum's `prev_input`, the
/// last field of both variants' datums (SWAP-OW-EXEC-05, SWAP-TW-EXEC-05).
fn continues(datum: &PlutusData, out_ref: &OutRef) -> bool {
    plutus::as_constr(datum)
        .and_then(|(_, fields)| fields.last())
        .is_some_and(|last| *last == prev_input(out_ref))
}

/// What a fill leaves in a continuing swap beyond what the price owes its owner, by the swap
/// terms of its datum and the fill's direction; 0 when the terms are not known.
fn surplus(query: &Surplus) -> u64 {
    SwapTerms::of(query.datum, query.redeemer).map_or(0, |terms| {
        terms.surplus(query.input, query.output, query.asset)
    })
}

/// The terms of a swap datum that decide what a fill owes the owner: one-way (spec §3.2), or
/// two-way (§3.3) in the direction of the fill's redeemer (SWAP-TW-EXEC-02).
struct SwapTerms {
    offer: AssetClass,
    ask: AssetClass,
    num: i128,
    den: i128,
}

impl SwapTerms {
    fn of(datum: &PlutusData, redeemer: Option<&str>) -> Option<SwapTerms> {
        let (index, fields) = plutus::as_constr(datum)?;
        let is = |typed: &super::DatumType| {
            typed.constructor.index == index && typed.constructor.fields.len() == fields.len()
        };
        let bytes = |k: usize| match fields.get(k) {
            Some(PlutusData::BoundedBytes(b)) => Some(b.to_vec()),
            _ => None,
        };
        let price = |k: usize| -> Option<(i128, i128)> {
            let (_, parts) = plutus::as_constr(fields.get(k)?)?;
            let part = |p: usize| i128::try_from(plutus::as_integer(parts.get(p)?)?).ok();
            Some((part(0)?, part(1)?))
        };
        let (offer, ask, (num, den)) = if is(&super::OW_SWAP_DATUM) {
            ((bytes(2)?, bytes(3)?), (bytes(5)?, bytes(6)?), price(8)?)
        } else if is(&super::TW_SWAP_DATUM) {
            let one = (bytes(2)?, bytes(3)?);
            let two = (bytes(5)?, bytes(6)?);
            match redeemer? {
                "TakeAsset1" | "TakeAsset1At" => (one, two, price(8)?),
                "TakeAsset2" | "TakeAsset2At" => (two, one, price(9)?),
                _ => return None,
            }
        } else {
            return None;
        };
        (num > 0 && den > 0).then_some(SwapTerms {
            offer,
            ask,
            num,
            den,
        })
    }

    /// Offer and ask quantities as ValueShape counts them (§5.0): lovelace counts for the offer
    /// when the offer is ADA, else for the ask when the ask is ADA.
    fn quantities(&self, value: &Value) -> (i128, i128) {
        let token = |a: &AssetClass| i128::from(value.assets.get(a).copied().unwrap_or_default());
        let lovelace = i128::from(value.lovelace);
        if self.offer.0.is_empty() {
            (lovelace, token(&self.ask))
        } else if self.ask.0.is_empty() {
            (token(&self.offer), lovelace)
        } else {
            (token(&self.offer), token(&self.ask))
        }
    }

    fn surplus(&self, input: &Value, output: &Value, asset: &AssetClass) -> u64 {
        let (offer_in, ask_in) = self.quantities(input);
        let (offer_out, ask_out) = self.quantities(output);
        let taken = offer_in - offer_out;
        let given = ask_out - ask_in;
        let is = |a: &AssetClass| {
            if asset.0.is_empty() {
                a.0.is_empty()
            } else {
                a == asset
            }
        };
        let surplus = if is(&self.offer) {
            // More offer may be taken while taken × num ≤ given × den.
            (given * self.den).div_euclid(self.num) - taken
        } else if is(&self.ask) {
            // Less ask may be given while it still covers ceil(taken × num / den), and ≥ 0.
            let owed = -(-(taken * self.num)).div_euclid(self.den);
            given - owed.max(0)
        } else if asset.0.is_empty() {
            // ADA outside the pair: the deposit may only grow.
            i128::from(output.lovelace) - i128::from(input.lovelace)
        } else {
            0
        };
        u64::try_from(surplus.max(0)).unwrap_or(u64::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lovelace(n: u64) -> Value {
        Value {
            lovelace: n,
            ..Value::default()
        }
    }

    #[test]
    fn fill_surplus_follows_the_one_way_price() {
        let t: AssetClass = (vec![7; 28], b"T".to_vec());
        let ada: AssetClass = (vec![], vec![]);
        // ADA → T at 1 T per 1 000 000 lovelace: 5 000 001 lovelace taken, 6 T paid.
        let terms = SwapTerms {
            offer: ada.clone(),
            ask: t.clone(),
            num: 1,
            den: 1_000_000,
        };
        let mut input = lovelace(12_000_000);
        let mut output = lovelace(6_999_999);
        output.assets.insert(t.clone(), 6);
        assert_eq!(terms.surplus(&input, &output, &ada), 999_999);
        assert_eq!(terms.surplus(&input, &output, &t), 0);
        // T → D at 2 D per T, 4 T taken for 8 D, deposit topped up by 1 ADA.
        let d: AssetClass = (vec![8; 28], b"D".to_vec());
        let terms = SwapTerms {
            offer: t.clone(),
            ask: d.clone(),
            num: 2,
            den: 1,
        };
        input = lovelace(3_000_000);
        input.assets.insert(t.clone(), 10);
        output = lovelace(4_000_000);
        output.assets.insert(t.clone(), 6);
        output.assets.insert(d.clone(), 8);
        assert_eq!(terms.surplus(&input, &output, &ada), 1_000_000);
        assert_eq!(terms.surplus(&input, &output, &d), 0);
        assert_eq!(terms.surplus(&input, &output, &t), 0);
    }

    #[test]
    fn an_output_continues_the_swap_its_datum_names() {
        let own = OutRef {
            tx_id: [1; 32],
            index: 0,
        };
        let other = OutRef {
            tx_id: [2; 32],
            index: 0,
        };
        let datum = uplc::ast::Data::constr(0, vec![prev_input(&own)]);
        assert!(continues(&datum, &own));
        assert!(!continues(&datum, &other));
    }

    /// A fill whose taker's output is an ordinary (non-change) output, for the hooks below.
    fn fill() -> crate::scenario::Scenario {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../fixtures/swaps/one_way/fill/fill_partial_token_to_ada.json");
        let deployment = crate::deploy::Deployment::of(crate::deploy::Build::Record).unwrap();
        let slots = crate::params::Params::mainnet().unwrap().slot_config;
        let mut scenario = crate::resolve::load(&path, deployment, &slots).unwrap();
        scenario.tx.outputs[1].change = false;
        scenario
    }

    fn descriptions(
        scenario: &crate::scenario::Scenario,
        hooks: &AttackHooks,
        class: crate::attack::Class,
    ) -> Vec<String> {
        let params = crate::params::Params::mainnet().unwrap();
        crate::attack::catalogue::generate_with(scenario, &params, 0, hooks)
            .attacks
            .into_iter()
            .filter(|a| a.class == class)
            .map(|a| a.description)
            .collect()
    }

    #[test]
    fn outputs_owed_to_another_party_are_redirected_and_robbed() {
        let scenario = fill();
        let owed = AttackHooks {
            owed: |o| matches!(o.address.payment, crate::scenario::Credential::Key(_)),
            ..super::HOOKS
        };
        let redirect = descriptions(&scenario, &owed, crate::attack::Class::Redirect);
        assert!(
            redirect.contains(&format!(
                "owed output #1: payment credential → {}'s key",
                crate::attack::catalogue::ATTACKER
            )),
            "{redirect:?}"
        );
        assert!(
            redirect
                .iter()
                .any(|d| d.starts_with("owed output #1: stake credential"))
        );
        let theft = descriptions(&scenario, &owed, crate::attack::Class::ValueTheft);
        assert!(
            theft.iter().any(|d| d.starts_with("owed output #1: ")),
            "{theft:?}"
        );
        let swaps = &super::HOOKS;
        for class in [
            crate::attack::Class::Redirect,
            crate::attack::Class::ValueTheft,
        ] {
            let plain = descriptions(&scenario, swaps, class);
            assert!(
                !plain.iter().any(|d| d.contains("owed output")),
                "{plain:?}"
            );
        }
    }

    #[test]
    fn bearer_tokens_are_value_where_beacons_are_not() {
        let scenario = fill();
        let swaps = &super::HOOKS;
        let bearer = AttackHooks {
            bearer: |_, _| true,
            ..*swaps
        };
        let taken = |hooks| descriptions(&scenario, hooks, crate::attack::Class::ValueTheft).len();
        // The continuing swap holds three beacons: each becomes one more asset to take.
        assert!(
            taken(&bearer) > taken(swaps),
            "{} vs {}",
            taken(&bearer),
            taken(swaps)
        );
    }
}
