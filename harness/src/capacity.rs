//! Capacity: the largest number of one batchable action that a single transaction can carry
//! within a parameter set's per-transaction limits (memory, steps, size), with the fee and
//! collateral it costs and the limit that stops it. This is the shape of the original protocols'
//! benchmark tables.
//!
//! Each action builds its N-action transaction directly (no fixture): the scripts are supplied
//! by reference inputs, as in the original's benchmarks, and every figure comes from the
//! deployment of record.

use crate::{
    deploy::{Build, Deployment},
    keys::Key,
    params::Params,
    protocols::swaps::{
        ow_ask_beacon, ow_offer_beacon, ow_pair_beacon, tw_asset_beacon, tw_pair_beacon,
    },
    replay::{self, Measured},
    resolve::prev_input,
    scenario::{
        Address, AssetClass, Credential, Datum, Hash28, Input, Mint, OutRef, Output, Script, Stake,
        TxOutput, TxSpec, Utxo, Value, Withdrawal,
    },
};
use num_bigint::BigInt;
use pallas_crypto::hash::Hasher;
use pallas_primitives::PlutusData;
use serde::Serialize;
use std::{collections::BTreeMap, path::Path};
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
        let kind = match self.kind {
            Kind::Create => "create",
            Kind::Fill => "fill",
            Kind::FillScan => "fill-scan",
            Kind::Close => "close",
            Kind::Update => "update",
        };
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

/// Why capacity could not be measured.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum Error {
    #[error("deployment: {0}")]
    Deployment(String),
    #[error("{action}: {source}")]
    Replay {
        action: String,
        source: Box<replay::Error>,
    },
    #[error("{action} with {n} actions: a script rejected the generated transaction ({detail})")]
    Rejected {
        action: String,
        n: usize,
        detail: String,
    },
}

/// The figures of one transaction carrying `n` actions.
#[derive(Debug, Clone, Serialize)]
pub struct Point {
    pub n: usize,
    pub mem: u64,
    pub steps: u64,
    pub size: u64,
    pub fee: u64,
    pub collateral: u64,
    /// The limits it exceeds (`mem`, `steps`, `size`); empty when it fits.
    pub over: Vec<&'static str>,
}

/// The capacity of one action.
#[derive(Debug, Clone, Serialize)]
pub struct Capacity {
    pub action: Action,
    /// The largest transaction that fits (`None` when not even one action fits).
    pub max: Option<Point>,
    /// The first transaction that does not fit; its `over` names the bottleneck.
    pub next: Option<Point>,
    /// Figures for 1, 10 and 25 actions (as measured, also when they do not fit).
    pub one: Option<Point>,
    pub ten: Option<Point>,
    pub twenty_five: Option<Point>,
}

/// The most actions a search tries before it stops looking.
pub const CEILING: usize = 256;

/// Measures one transaction of `n` actions.
pub fn measure(action: Action, n: usize, params: &Params) -> Result<Point, Error> {
    let spec = transaction(action, n)?;
    let measured = replay::settle(&spec, params, Path::new(&action.name())).map_err(|source| {
        Error::Replay {
            action: action.name(),
            source: Box::new(source),
        }
    })?;
    if !measured.all_ok() {
        let detail = measured
            .runs
            .iter()
            .filter(|r| !r.ok)
            .map(|r| format!("{}: {}", r.purpose, r.error.clone().unwrap_or_default()))
            .collect::<Vec<_>>()
            .join("; ");
        return Err(Error::Rejected {
            action: action.name(),
            n,
            detail,
        });
    }
    Ok(point(n, &measured, params))
}

fn point(n: usize, measured: &Measured, params: &Params) -> Point {
    let total = measured.total();
    let max = params.max_tx_ex_units;
    let size = measured.built.size();
    let mut over = Vec::new();
    if total.mem > max.mem {
        over.push("mem");
    }
    if total.steps > max.steps {
        over.push("steps");
    }
    if size > params.max_tx_size {
        over.push("size");
    }
    Point {
        n,
        mem: total.mem,
        steps: total.steps,
        size,
        fee: measured.built.fee,
        collateral: measured.built.collateral,
        over,
    }
}

/// Finds the largest `n` that fits: doubling until a transaction does not fit, then bisecting.
/// `progress` hears about every measurement.
pub fn search(
    action: Action,
    params: &Params,
    mut progress: impl FnMut(&Point),
) -> Result<Capacity, Error> {
    let mut probe = |n: usize| -> Result<Point, Error> {
        let p = measure(action, n, params)?;
        progress(&p);
        Ok(p)
    };
    let one = probe(1)?;
    if !one.over.is_empty() {
        return Ok(Capacity {
            action,
            max: None,
            next: Some(one.clone()),
            one: Some(one),
            ten: None,
            twenty_five: None,
        });
    }
    let (mut fits, mut fails) = (one.clone(), None);
    let mut at = |n: usize, fits: &mut Point, fails: &mut Option<Point>| -> Result<Point, Error> {
        let p = probe(n)?;
        if fails.is_none() {
            if p.over.is_empty() {
                *fits = p.clone()
            } else {
                *fails = Some(p.clone())
            }
        }
        Ok(p)
    };
    let ten = at(10, &mut fits, &mut fails)?;
    let twenty_five = at(25, &mut fits, &mut fails)?;
    while fails.is_none() && fits.n < CEILING {
        at((fits.n * 2).min(CEILING), &mut fits, &mut fails)?;
    }
    if let Some(mut high) = fails.take() {
        while high.n - fits.n > 1 {
            let p = at((fits.n + high.n) / 2, &mut fits, &mut None)?;
            if p.over.is_empty() {
                fits = p
            } else {
                high = p
            }
        }
        fails = Some(high);
    }
    Ok(Capacity {
        action,
        max: Some(fits),
        next: fails,
        one: Some(one),
        ten: Some(ten),
        twenty_five: Some(twenty_five),
    })
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

fn key(name: &str) -> Hash28 {
    *Key::named(name).hash
}

fn key_address(name: &str) -> Address {
    Address {
        payment: Credential::Key(key(name)),
        stake: Stake::Inline(Credential::Key(key(name))),
    }
}

fn value(lovelace: u64, assets: impl IntoIterator<Item = (AssetClass, u64)>) -> Value {
    let mut v = Value {
        lovelace,
        assets: BTreeMap::new(),
    };
    for (class, qty) in assets {
        *v.assets.entry(class).or_default() += qty;
    }
    v
}

fn utxo(label: &str, output: Output) -> Utxo {
    Utxo {
        name: label.into(),
        out_ref: out_ref(label),
        output,
    }
}

fn plain(address: Address, value: Value) -> Output {
    Output {
        address,
        value,
        datum: Datum::None,
        reference_script: None,
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

fn deployed() -> Result<Deployed, Error> {
    let deployment = Deployment::of(Build::Record).map_err(Error::Deployment)?;
    let get = |name: &str| {
        deployment
            .script(name)
            .ok_or_else(|| Error::Deployment(format!("no script {name}")))
    };
    let as_script = |s: &crate::deploy::DeployedScript| Script::PlutusV3 {
        name: s.name.into(),
        bytes: s.bytes.clone(),
    };
    let reference = |s: &crate::deploy::DeployedScript| {
        let mut output = plain(key_address(DEPLOYER), value(20_000_000, []));
        output.reference_script = Some(as_script(s));
        utxo(&format!("{} reference", s.name), output)
    };
    let scripts = |swap: &str, beacon: &str| -> Result<Scripts, Error> {
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

/// The transaction carrying `n` actions.
pub fn transaction(action: Action, n: usize) -> Result<TxSpec, Error> {
    let deployed = deployed()?;
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
    let existing: Vec<Utxo> = swaps
        .iter()
        .enumerate()
        .map(|(i, w)| {
            utxo(
                &format!("swap {i}"),
                w.output(DEPOSIT, OFFERED, PRICE, None),
            )
        })
        .collect();

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
        output: plain(key_address(name), value(0, [])),
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
    match action.kind {
        Kind::Create => {
            let funds = value(
                10_000_000 + DEPOSIT * n as u64,
                swaps.iter().map(|w| (w.offer.clone(), OFFERED)),
            );
            spec.inputs.push(Input {
                utxo: utxo("owner funds", plain(key_address(OWNER), funds)),
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
                plain(
                    key_address(TAKER),
                    value(10_000_000 + payment * n as u64, []),
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
                let output = w.output(DEPOSIT + payment, OFFERED - TAKEN, PRICE, Some(&u.out_ref));
                spec.outputs.push(TxOutput {
                    output,
                    change: false,
                });
            }
            spec.inputs.push(Input {
                utxo: taker,
                redeemer: None,
            });
            spec.outputs.push(change(TAKER));
        }
        Kind::Close => {
            let sorted = ledger_order(existing.iter().map(|u| u.out_ref));
            spec.inputs = swaps
                .iter()
                .zip(&existing)
                .map(|(w, u)| Input {
                    utxo: u.clone(),
                    redeemer: Some(w.owner_redeemer(false, position(&sorted, &u.out_ref))),
                })
                .collect();
            spec.mint = beacon_mints(-1);
            spec.outputs.push(change(OWNER));
            spec.required_signers.push(OWNER.into());
        }
        Kind::Update => {
            let funds = utxo(
                "owner funds",
                plain(key_address(OWNER), value(10_000_000, [])),
            );
            let sorted = ledger_order(existing.iter().chain([&funds]).map(|u| u.out_ref));
            spec.inputs = swaps
                .iter()
                .zip(&existing)
                .map(|(w, u)| Input {
                    utxo: u.clone(),
                    redeemer: Some(w.owner_redeemer(true, position(&sorted, &u.out_ref))),
                })
                .collect();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_is_accepted_by_the_scripts() {
        let params = Params::mainnet().unwrap();
        for action in Action::ALL {
            for n in [1, 3] {
                let p = measure(action, n, &params).unwrap_or_else(|e| panic!("{e}"));
                assert!(
                    p.over.is_empty(),
                    "{} with {n}: {:?}",
                    action.name(),
                    p.over
                );
            }
        }
    }

    #[test]
    fn costs_grow_with_the_number_of_actions() {
        let params = Params::mainnet().unwrap();
        let fill = Action::named("ow-fill-same-pair").unwrap();
        let one = measure(fill, 1, &params).unwrap();
        let five = measure(fill, 5, &params).unwrap();
        assert!(five.mem > 4 * one.mem && five.size > one.size && five.fee > one.fee);
    }

    #[test]
    fn names_round_trip() {
        for action in Action::ALL {
            assert_eq!(Action::named(&action.name()), Some(action));
        }
    }
}
