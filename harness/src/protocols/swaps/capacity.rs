//! The swaps protocol's capacity actions ([`Batch`]): creates, fills (indexed and scanning),
//! closes and updates of one-way and two-way swaps, of one pair or each of its own, and mixed
//! one-way/two-way fills; and whether token dust can reach either variant's swaps.

use super::{ow_ask_beacon, ow_offer_beacon, ow_pair_beacon, tw_asset_beacon, tw_pair_beacon};
use crate::{
    capacity::{
        self, Batch, DustEntry, Error, Load, add_dust, dust_output, key, key_address, stuff, value,
        wallet_outputs,
    },
    deploy::Build,
    ledger,
    params::Params,
    protocols::{CapacityHooks, swaps::prev_input},
    replay,
    scenario::{
        Address, AssetClass, Credential, Datum, Hash28, Input, Mint, OutRef, Output, Script, Stake,
        TxOutput, TxSpec, Utxo, Withdrawal,
    },
};
use num_bigint::BigInt;
use pallas_crypto::hash::Hasher;
use pallas_primitives::PlutusData;
use serde::Serialize;
use std::collections::BTreeMap;
use uplc::ast::Data;

/// Which swap scripts an action uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Variant {
    OneWay,
    TwoWay,
    /// Alternating one-way and two-way swaps in one transaction.
    Mixed,
}

/// What each action of a batch does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Create a swap (mint its beacons).
    Create,
    /// Fill a swap with the appended index redeemer (`SwapAt`, `TakeAsset2At`).
    Fill,
    /// Fill a swap with the spec's scanning redeemer (`Swap`, `TakeAsset2`).
    FillScan,
    /// Close a swap (burn its beacons).
    Close,
    /// Update a swap's price through the zero withdrawal.
    Update,
}

/// The dust-entry groups: one-way and two-way swaps.
const ONE_WAY: &str = "one-way";
const TWO_WAY: &str = "two-way";

impl Variant {
    /// The group of swaps a variant's actions spend, for dust entries (mixed: one-way).
    fn group(self) -> &'static str {
        match self {
            Variant::OneWay | Variant::Mixed => ONE_WAY,
            Variant::TwoWay => TWO_WAY,
        }
    }
}

impl Kind {
    /// The kind's name in action names (`fill-scan`).
    pub fn name(self) -> &'static str {
        match self {
            Kind::Create => "create",
            Kind::Fill => "fill",
            Kind::FillScan => "fill-scan",
            Kind::Close => "close",
            Kind::Update => "update",
        }
    }
}

/// A batchable action: N of them go in one transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Action {
    pub variant: Variant,
    pub kind: Kind,
    /// Every swap of the batch trades the same pair (one owner), or each its own pair.
    pub same_pair: bool,
}

impl Action {
    /// Every action, in report order.
    pub const ALL: [Action; 19] = {
        use Kind::*;
        use Variant::*;
        const fn a(variant: Variant, kind: Kind, same_pair: bool) -> Action {
            Action {
                variant,
                kind,
                same_pair,
            }
        }
        [
            a(OneWay, Create, true),
            a(OneWay, Create, false),
            a(OneWay, Fill, true),
            a(OneWay, Fill, false),
            a(OneWay, FillScan, true),
            a(OneWay, Close, true),
            a(OneWay, Close, false),
            a(OneWay, Update, true),
            a(OneWay, Update, false),
            a(TwoWay, Create, true),
            a(TwoWay, Create, false),
            a(TwoWay, Fill, true),
            a(TwoWay, Fill, false),
            a(TwoWay, FillScan, true),
            a(TwoWay, Close, true),
            a(TwoWay, Close, false),
            a(TwoWay, Update, true),
            a(TwoWay, Update, false),
            a(Mixed, Fill, false),
        ]
    };

    /// The action's name on the command line and in reports, e.g. `ow-fill-same-pair`.
    pub fn name(self) -> String {
        let variant = match self.variant {
            Variant::OneWay => "ow",
            Variant::TwoWay => "tw",
            Variant::Mixed => "mixed",
        };
        let kind = self.kind.name();
        let pairs = if self.same_pair {
            "same-pair"
        } else {
            "different-pairs"
        };
        format!("{variant}-{kind}-{pairs}")
    }

    /// The action named `name`.
    pub fn named(name: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.name() == name)
    }
}

// ## Generated transactions

const OWNER: &str = "alice";
const TAKER: &str = "bob";
const DEPLOYER: &str = "deployer";
/// Lovelace in each swap UTxO (the minimum-UTxO deposit with room to spare).
const DEPOSIT: u64 = 3_000_000;
/// Offered tokens in each swap UTxO, and taken by each fill.
const OFFERED: u64 = 10;
const TAKEN: u64 = 5;
/// Price: lovelace asked per offered token.
const PRICE: u64 = 1_000_000;

fn hash(label: &str) -> [u8; 32] {
    *Hasher::<256>::hash(label.as_bytes())
}

fn out_ref(label: &str) -> OutRef {
    OutRef {
        tx_id: hash(label),
        index: 0,
    }
}

/// The `i`th synthetic token: a policy id derived from `i` and a readable name.
fn token(i: usize) -> AssetClass {
    let policy = *Hasher::<224>::hash(format!("capacity token {i}").as_bytes());
    (policy.to_vec(), format!("T{i}").into_bytes())
}

fn ada() -> AssetClass {
    (vec![], vec![])
}

fn utxo(label: &str, output: Output) -> Utxo {
    Utxo {
        name: label.into(),
        out_ref: out_ref(label),
        output,
    }
}

fn int(n: u64) -> PlutusData {
    Data::integer(BigInt::from(n))
}

/// A variant's scripts and the reference input holding each.
struct Scripts {
    swap: Hash28,
    beacon: Hash28,
    swap_reference: Utxo,
    beacon_reference: Utxo,
}

/// Every script by hash, and each variant's scripts.
struct Deployed {
    one_way: Scripts,
    two_way: Scripts,
    by_hash: BTreeMap<Hash28, Script>,
}

fn deployed(build: Build) -> Result<Deployed, Error> {
    let deployment = replay::deployment(build)?;
    let get = |name: &'static str| deployment.script(name).ok_or(Error::NoScript(name));
    let as_script = |s: &crate::deploy::DeployedScript| Script::PlutusV3 {
        name: s.name.into(),
        bytes: s.bytes.clone(),
    };
    let reference = |s: &crate::deploy::DeployedScript| {
        let mut output = Output::plain(key_address(DEPLOYER), value(20_000_000, []));
        output.reference_script = Some(as_script(s));
        utxo(&format!("{} reference", s.name), output)
    };
    let scripts = |swap: &'static str, beacon: &'static str| -> Result<Scripts, Error> {
        let (swap, beacon) = (get(swap)?, get(beacon)?);
        Ok(Scripts {
            swap: swap.hash,
            beacon: beacon.hash,
            swap_reference: reference(swap),
            beacon_reference: reference(beacon),
        })
    };
    Ok(Deployed {
        one_way: scripts("ow_swap", "ow_beacon")?,
        two_way: scripts("tw_swap", "tw_beacon")?,
        by_hash: deployment
            .scripts
            .iter()
            .map(|s| (s.hash, as_script(s)))
            .collect(),
    })
}

/// A swap of `offer` for ADA, owned by [`OWNER`]: one-way (offer → ADA at [`PRICE`]) or two-way
/// ({ADA, offer}, [`PRICE`] lovelace per token either way).
struct Swap<'a> {
    scripts: &'a Scripts,
    two_way: bool,
    offer: AssetClass,
    names: [[u8; 32]; 3],
}

impl<'a> Swap<'a> {
    fn new(deployed: &'a Deployed, two_way: bool, offer: AssetClass) -> Swap<'a> {
        let names = if two_way {
            [
                tw_pair_beacon(&ada(), &offer),
                tw_asset_beacon(&ada()),
                tw_asset_beacon(&offer),
            ]
        } else {
            [
                ow_pair_beacon(&offer, &ada()),
                ow_offer_beacon(&offer),
                ow_ask_beacon(&ada()),
            ]
        };
        let scripts = if two_way {
            &deployed.two_way
        } else {
            &deployed.one_way
        };
        Swap {
            scripts,
            two_way,
            offer,
            names,
        }
    }

    fn datum(&self, price: u64, prev: Option<&OutRef>) -> PlutusData {
        let bytes = |b: &[u8]| Data::bytestring(b.to_vec());
        let rational = |num: u64, den: u64| Data::constr(0, vec![int(num), int(den)]);
        let prev = prev.map_or_else(|| Data::constr(1, vec![]), prev_input);
        let [pair, first, second] = &self.names;
        let (offer_id, offer_name) = (bytes(&self.offer.0), bytes(&self.offer.1));
        let fields = if self.two_way {
            // asset1 is ADA (it sorts first): taking lovelace costs 1/price tokens per lovelace.
            vec![
                bytes(&self.scripts.beacon),
                bytes(pair),
                bytes(b""),
                bytes(b""),
                bytes(first),
                offer_id,
                offer_name,
                bytes(second),
                rational(1, price),
                rational(price, 1),
                prev,
            ]
        } else {
            vec![
                bytes(&self.scripts.beacon),
                bytes(pair),
                offer_id,
                offer_name,
                bytes(first),
                bytes(b""),
                bytes(b""),
                bytes(second),
                rational(price, 1),
                prev,
            ]
        };
        Data::constr(0, fields)
    }

    fn beacons(&self) -> impl Iterator<Item = (AssetClass, u64)> {
        let policy = self.scripts.beacon.to_vec();
        self.names
            .map(|n| ((policy.clone(), n.to_vec()), 1))
            .into_iter()
    }

    fn output(&self, lovelace: u64, offered: u64, price: u64, prev: Option<&OutRef>) -> Output {
        let address = Address {
            payment: Credential::Script(self.scripts.swap),
            stake: Stake::Inline(Credential::Key(key(OWNER))),
        };
        Output {
            address,
            value: value(
                lovelace,
                self.beacons().chain([(self.offer.clone(), offered)]),
            ),
            datum: Datum::Inline(self.datum(price, prev)),
            reference_script: None,
        }
    }

    /// The owner redeemer naming the own input's position: `SpendWithMintAt` (one-way 4,
    /// two-way 6) for closes, `SpendWithStakeAt` (5, 7) for updates.
    fn owner_redeemer(&self, stake: bool, input_index: usize) -> PlutusData {
        let mint_at = if self.two_way { 6 } else { 4 };
        Data::constr(mint_at + u64::from(stake), vec![int(input_index as u64)])
    }

    /// The fill redeemer taking the offered token: by index, or by scan.
    fn fill_redeemer(&self, scan: bool, input_index: usize, output_index: usize) -> PlutusData {
        // One-way: Swap (2) / SwapAt (3). Two-way, taking asset2: TakeAsset2 (3) / TakeAsset2At (5).
        let (scanning, indexed) = if self.two_way { (3, 5) } else { (2, 3) };
        if scan {
            constr(scanning)
        } else {
            Data::constr(
                indexed,
                vec![int(input_index as u64), int(output_index as u64)],
            )
        }
    }
}

/// The transaction's inputs in the ledger's order (sorted by output reference).
fn ledger_order(refs: impl IntoIterator<Item = OutRef>) -> Vec<OutRef> {
    let mut sorted: Vec<OutRef> = refs.into_iter().collect();
    sorted.sort();
    sorted
}

/// The position of `out_ref` among the ledger-ordered inputs `sorted`.
fn position(sorted: &[OutRef], out_ref: &OutRef) -> usize {
    sorted.iter().position(|r| r == out_ref).unwrap_or_default()
}

fn constr(ix: u64) -> PlutusData {
    Data::constr(ix, vec![])
}

/// The transaction carrying `n` actions, whose spent swaps hold `load`, with the scripts of
/// `build`.
fn transaction(
    action: Action,
    n: usize,
    load: Load,
    build: Build,
    params: &Params,
) -> Result<TxSpec, Error> {
    let deployed = deployed(build)?;
    let two_way = |i: usize| match action.variant {
        Variant::OneWay => false,
        Variant::TwoWay => true,
        Variant::Mixed => i % 2 == 1,
    };
    let swaps: Vec<Swap> = (0..n)
        .map(|i| {
            Swap::new(
                &deployed,
                two_way(i),
                token(if action.same_pair { 0 } else { i }),
            )
        })
        .collect();
    // The swaps the batch spends, and the dust each holds (distinct names in each, so that no
    // batch can merge them into fewer outputs).
    let mut dusts: Vec<Vec<AssetClass>> = Vec::with_capacity(n);
    let mut existing: Vec<Utxo> = Vec::with_capacity(n);
    for (i, w) in swaps.iter().enumerate() {
        let mut output = w.output(DEPOSIT, OFFERED, PRICE, None);
        let dust = match load {
            Load::Honest => Vec::new(),
            Load::Dust => ledger::dust(&output, params, (i * 1000) as u64),
        };
        if !dust.is_empty() {
            // Whoever added the dust also added the deposit it needs.
            let extra = dust_output(OWNER, &dust, params).value.lovelace;
            stuff(&mut output, &dust, DEPOSIT + extra, params);
        }
        existing.push(utxo(&format!("swap {i}"), output));
        dusts.push(dust);
    }
    // What the actor takes home, in outputs within the maximum value size: the tokens a fill
    // takes or a close reclaims, and each spent swap's dust in an output of its own.
    let (actor, tokens) = match action.kind {
        Kind::Fill | Kind::FillScan => (TAKER, TAKEN),
        Kind::Close => (OWNER, OFFERED),
        Kind::Create | Kind::Update => (OWNER, 0),
    };
    let mut received = if tokens == 0 {
        Vec::new()
    } else {
        wallet_outputs(
            actor,
            swaps.iter().map(|w| (w.offer.clone(), tokens)),
            params,
        )
    };
    received.extend(dusts.iter().filter(|d| !d.is_empty()).map(|d| TxOutput {
        output: dust_output(actor, d, params),
        change: false,
    }));
    let received_lovelace: u64 = received.iter().map(|o| o.output.value.lovelace).sum();

    // Reference only the scripts the batch runs: fills run swap scripts, creates beacon
    // scripts, closes and updates both.
    let mut references: Vec<Utxo> = Vec::new();
    for w in &swaps {
        let needed = match action.kind {
            Kind::Create => vec![&w.scripts.beacon_reference],
            Kind::Fill | Kind::FillScan => vec![&w.scripts.swap_reference],
            Kind::Close | Kind::Update => {
                vec![&w.scripts.swap_reference, &w.scripts.beacon_reference]
            }
        };
        for r in needed {
            if !references.iter().any(|known| known.out_ref == r.out_ref) {
                references.push(r.clone());
            }
        }
    }
    let mut spec = TxSpec {
        reference_inputs: references,
        scripts: deployed.by_hash.clone(),
        keys: [OWNER, TAKER, DEPLOYER]
            .iter()
            .map(|k| (key(k), k.to_string()))
            .collect(),
        ..TxSpec::default()
    };
    let change = |name: &str| TxOutput {
        output: Output::plain(key_address(name), value(0, [])),
        change: true,
    };
    let beacon_mints = |sign: i64| -> Vec<Mint> {
        let mut by_policy: BTreeMap<Hash28, BTreeMap<Vec<u8>, i64>> = BTreeMap::new();
        for w in &swaps {
            for name in w.names {
                *by_policy
                    .entry(w.scripts.beacon)
                    .or_default()
                    .entry(name.to_vec())
                    .or_default() += sign;
            }
        }
        by_policy
            .into_iter()
            .map(|(policy, assets)| Mint {
                policy,
                assets: assets.into_iter().collect(),
                redeemer: Some(constr(0)),
            })
            .collect()
    };
    // The swaps spent by their owner, each redeemer naming its input's position among them and
    // the transaction's `other` inputs.
    let owner_spends = |stake: bool, other: &[OutRef]| -> Vec<Input> {
        let sorted = ledger_order(
            existing
                .iter()
                .map(|u| u.out_ref)
                .chain(other.iter().copied()),
        );
        swaps
            .iter()
            .zip(&existing)
            .map(|(w, u)| Input {
                utxo: u.clone(),
                redeemer: Some(w.owner_redeemer(stake, position(&sorted, &u.out_ref))),
            })
            .collect()
    };
    match action.kind {
        Kind::Create => {
            let funds = value(
                10_000_000 + DEPOSIT * n as u64,
                swaps.iter().map(|w| (w.offer.clone(), OFFERED)),
            );
            spec.inputs.push(Input {
                utxo: utxo("owner funds", Output::plain(key_address(OWNER), funds)),
                redeemer: None,
            });
            spec.outputs = swaps
                .iter()
                .map(|w| TxOutput {
                    output: w.output(DEPOSIT, OFFERED, PRICE, None),
                    change: false,
                })
                .collect();
            spec.outputs.push(change(OWNER));
            spec.mint = beacon_mints(1);
        }
        Kind::Fill | Kind::FillScan => {
            let payment = TAKEN * PRICE;
            let taker = utxo(
                "taker funds",
                Output::plain(
                    key_address(TAKER),
                    value(10_000_000 + payment * n as u64 + received_lovelace, []),
                ),
            );
            let sorted = ledger_order(existing.iter().map(|u| u.out_ref).chain([taker.out_ref]));
            for (i, (w, u)) in swaps.iter().zip(&existing).enumerate() {
                let at = position(&sorted, &u.out_ref);
                let redeemer = w.fill_redeemer(action.kind == Kind::FillScan, at, i);
                spec.inputs.push(Input {
                    utxo: u.clone(),
                    redeemer: Some(redeemer),
                });
                let held = u.output.value.lovelace;
                let output = w.output(held + payment, OFFERED - TAKEN, PRICE, Some(&u.out_ref));
                spec.outputs.push(TxOutput {
                    output,
                    change: false,
                });
            }
            spec.inputs.push(Input {
                utxo: taker,
                redeemer: None,
            });
            spec.outputs.extend(received);
            spec.outputs.push(change(TAKER));
        }
        Kind::Close => {
            spec.inputs = owner_spends(false, &[]);
            spec.mint = beacon_mints(-1);
            spec.outputs.extend(received);
            spec.outputs.push(change(OWNER));
            spec.required_signers.push(OWNER.into());
        }
        Kind::Update => {
            let funds = utxo(
                "owner funds",
                Output::plain(key_address(OWNER), value(10_000_000, [])),
            );
            spec.inputs = owner_spends(true, &[funds.out_ref]);
            spec.inputs.push(Input {
                utxo: funds,
                redeemer: None,
            });
            spec.outputs = swaps
                .iter()
                .map(|w| TxOutput {
                    output: w.output(DEPOSIT, OFFERED, 2 * PRICE, None),
                    change: false,
                })
                .collect();
            spec.outputs.extend(received);
            spec.outputs.push(change(OWNER));
            let mut beacons: Vec<Hash28> = swaps.iter().map(|w| w.scripts.beacon).collect();
            beacons.dedup();
            for beacon in beacons {
                spec.withdrawals.push(Withdrawal {
                    credential: Credential::Script(beacon),
                    amount: 0,
                    redeemer: Some(constr(1)),
                });
            }
            spec.required_signers.push(OWNER.into());
        }
    }
    Ok(spec)
}

/// Whether token dust can reach `variant`'s UTxOs, tried through every action that produces
/// one: create, fill and update, each with the dust in the swap output it produces (its first).
pub fn dust_entries(variant: Variant, params: &Params) -> Result<Vec<DustEntry>, Error> {
    [Kind::Create, Kind::Fill, Kind::Update]
        .into_iter()
        .map(|kind| {
            let action = Action {
                variant,
                kind,
                same_pair: true,
            };
            let mut spec = transaction(action, 1, Load::Honest, Build::Traced, params)?;
            add_dust(&mut spec, 0, params)?;
            capacity::dust_entry(variant.group(), kind.name(), &spec, params)
        })
        .collect()
}

/// The dust entries of both variants.
fn all_dust_entries(params: &Params) -> Result<Vec<DustEntry>, Error> {
    let mut entries = dust_entries(Variant::OneWay, params)?;
    entries.extend(dust_entries(Variant::TwoWay, params)?);
    Ok(entries)
}

/// Every swap action, as the capacity search takes them.
fn batches() -> Vec<&'static dyn Batch> {
    ACTIONS.iter().map(|a| a as &dyn Batch).collect()
}

static ACTIONS: [Action; 19] = Action::ALL;

/// The swaps protocol's capacity hooks.
pub const HOOKS: CapacityHooks = CapacityHooks {
    batches,
    dust_entries: all_dust_entries,
};

impl Batch for Action {
    fn name(&self) -> String {
        Action::name(*self)
    }

    fn transaction(
        &self,
        n: usize,
        load: Load,
        build: Build,
        params: &Params,
    ) -> Result<TxSpec, Error> {
        transaction(*self, n, load, build, params)
    }

    fn spends(&self) -> &'static [&'static str] {
        match (self.kind, self.variant) {
            (Kind::Create, _) => &[],
            (_, Variant::OneWay) => &[ONE_WAY],
            (_, Variant::TwoWay) => &[TWO_WAY],
            (_, Variant::Mixed) => &[ONE_WAY, TWO_WAY],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capacity::{Dusted, adversarial, measure, search, traced};

    #[test]
    fn costs_grow_with_the_number_of_actions() {
        let params = Params::mainnet().unwrap();
        let fill = Action::named("ow-fill-same-pair").unwrap();
        let one = measure(&fill, 1, Load::Honest, &params).unwrap();
        let five = measure(&fill, 5, Load::Honest, &params).unwrap();
        assert!(five.mem > 4 * one.mem && five.size > one.size && five.fee > one.fee);
    }

    #[test]
    fn dust_cannot_reach_a_swap() {
        let params = Params::mainnet().unwrap();
        let expected = [
            (Variant::OneWay, ["SWAP-OW-CREATE-14", "SWAP-OW-EXEC-06"]),
            (Variant::TwoWay, ["SWAP-TW-CREATE-15", "SWAP-TW-EXEC-06"]),
        ];
        for (variant, [beacon_check, fill_check]) in expected {
            let entries = dust_entries(variant, &params).unwrap();
            let kinds: Vec<&str> = entries.iter().map(|e| e.via).collect();
            assert_eq!(kinds, ["create", "fill", "update"]);
            for e in entries {
                let rule = if e.via == "fill" {
                    fill_check
                } else {
                    beacon_check
                };
                assert!(!e.accepted, "{e:?}");
                assert!(e.rejected_by.iter().any(|r| r == rule), "{rule}: {e:?}");
            }
        }
    }

    #[test]
    fn dust_outside_the_swaps_is_accepted() {
        // The control for the test above: the same dust, in the actor's change output instead of
        // the swap output, passes every script.
        let params = Params::mainnet().unwrap();
        for action in [
            "ow-create-same-pair",
            "tw-fill-same-pair",
            "ow-update-same-pair",
        ] {
            let action = Action::named(action).unwrap();
            let mut spec = transaction(action, 1, Load::Honest, Build::Traced, &params).unwrap();
            let change = spec.outputs.iter().position(|o| o.change).unwrap();
            add_dust(&mut spec, change, &params).unwrap();
            let measured = traced(&spec, "control", &params).unwrap();
            assert!(measured.all_ok(), "{}: {:?}", action.name(), measured.runs);
        }
    }

    #[test]
    fn takers_refuse_dusty_swaps_and_owners_recover_them() {
        let params = Params::mainnet().unwrap();
        let fill = Action::named("ow-fill-same-pair").unwrap();
        assert!(matches!(
            measure(&fill, 1, Load::Dust, &params),
            Err(Error::Rejected { .. })
        ));
        let honest = search(&fill, Load::Honest, &params, |_| {}).unwrap();
        let row = adversarial(&fill, &honest, &[], &params, |_| {}).unwrap();
        match &row.dusted {
            Dusted::Refused { rules } => assert!(rules.iter().any(|r| r == "SWAP-OW-EXEC-03")),
            other => panic!("{other:?}"),
        }
        assert_eq!(row.adversarial, row.honest, "dust cannot reach the swaps");
        let reached = [DustEntry {
            group: "one-way",
            via: "create",
            accepted: true,
            rejected_by: vec![],
        }];
        let row = adversarial(&fill, &honest, &reached, &params, |_| {}).unwrap();
        assert_eq!(row.adversarial, 0, "dusty swaps would be frozen for takers");

        // The owner closes them, but each costs an output of up to the maximum value size.
        let close = Action::named("tw-close-different-pairs").unwrap();
        let dusted = search(&close, Load::Dust, &params, |_| {}).unwrap();
        let (max, next) = (dusted.max.unwrap(), dusted.next.unwrap());
        assert!(max.n >= 1 && max.n < 10, "{max:?}");
        assert_eq!(next.over, ["size"]);
        assert!(max.size > max.n as u64 * params.max_value_size);
    }

    #[test]
    fn names_round_trip() {
        for action in Action::ALL {
            assert_eq!(Action::named(&action.name()), Some(action));
        }
    }
}
