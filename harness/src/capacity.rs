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
    protocols::swaps::{ow_ask_beacon, ow_offer_beacon, ow_pair_beacon},
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

/// A batchable action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// One-way swaps of one token for ADA, created by one owner.
    OwCreateSamePair,
    /// One-way swaps, each for its own token, created by one owner.
    OwCreateDifferentPairs,
    /// One-way fills (`SwapAt`) of one owner's swaps of one pair.
    OwFillSamePair,
    /// One-way fills (`SwapAt`) of swaps of different pairs.
    OwFillDifferentPairs,
    /// One-way fills with the spec's `Swap` redeemer (first-match scan), one pair.
    OwFillSamePairScan,
    /// One-way closes of one owner's swaps of one pair (burning the beacons).
    OwCloseSamePair,
    /// One-way closes of swaps of different pairs.
    OwCloseDifferentPairs,
    /// One-way price updates through the zero withdrawal, one pair.
    OwUpdateSamePair,
    /// One-way price updates through the zero withdrawal, different pairs.
    OwUpdateDifferentPairs,
}

impl Action {
    /// Every action, in report order.
    pub const ALL: [Action; 9] = [
        Action::OwCreateSamePair,
        Action::OwCreateDifferentPairs,
        Action::OwFillSamePair,
        Action::OwFillDifferentPairs,
        Action::OwFillSamePairScan,
        Action::OwCloseSamePair,
        Action::OwCloseDifferentPairs,
        Action::OwUpdateSamePair,
        Action::OwUpdateDifferentPairs,
    ];

    /// The action's name on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Action::OwCreateSamePair => "ow-create-same-pair",
            Action::OwCreateDifferentPairs => "ow-create-different-pairs",
            Action::OwFillSamePair => "ow-fill-same-pair",
            Action::OwFillDifferentPairs => "ow-fill-different-pairs",
            Action::OwFillSamePairScan => "ow-fill-same-pair-scan",
            Action::OwCloseSamePair => "ow-close-same-pair",
            Action::OwCloseDifferentPairs => "ow-close-different-pairs",
            Action::OwUpdateSamePair => "ow-update-same-pair",
            Action::OwUpdateDifferentPairs => "ow-update-different-pairs",
        }
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
        action: &'static str,
        source: Box<replay::Error>,
    },
    #[error("{action} with {n} actions: a script rejected the generated transaction ({detail})")]
    Rejected {
        action: &'static str,
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
    /// Figures for 1 and 10 actions, for the fee columns.
    pub one: Option<Point>,
    pub ten: Option<Point>,
}

/// The most actions a search tries before it stops looking.
pub const CEILING: usize = 256;

/// Measures one transaction of `n` actions.
pub fn measure(action: Action, n: usize, params: &Params) -> Result<Point, Error> {
    let spec = transaction(action, n)?;
    let measured = replay::settle(&spec, params, Path::new(action.name())).map_err(|source| {
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
        });
    }
    let ten = probe(10)?;
    let (mut fits, mut fails) = if ten.over.is_empty() {
        (ten.clone(), None)
    } else {
        (one.clone(), Some(ten.clone()))
    };
    while fails.is_none() && fits.n < CEILING {
        let p = probe((fits.n * 2).min(CEILING))?;
        if p.over.is_empty() {
            fits = p
        } else {
            fails = Some(p)
        }
    }
    if let Some(mut high) = fails.clone() {
        while high.n - fits.n > 1 {
            let p = probe((fits.n + high.n) / 2)?;
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

/// The scripts and their reference inputs.
struct Scripts {
    swap: Hash28,
    beacon: Hash28,
    references: Vec<Utxo>,
    by_hash: BTreeMap<Hash28, Script>,
}

fn scripts() -> Result<Scripts, Error> {
    let deployment = Deployment::of(Build::Record).map_err(Error::Deployment)?;
    let get = |name: &str| {
        deployment
            .script(name)
            .ok_or_else(|| Error::Deployment(format!("no script {name}")))
    };
    let (swap, beacon) = (get("ow_swap")?, get("ow_beacon")?);
    let as_script = |s: &crate::deploy::DeployedScript| Script::PlutusV3 {
        name: s.name.into(),
        bytes: s.bytes.clone(),
    };
    let reference = |s: &crate::deploy::DeployedScript| {
        let mut output = plain(key_address(DEPLOYER), value(20_000_000, []));
        output.reference_script = Some(as_script(s));
        utxo(&format!("{} reference", s.name), output)
    };
    Ok(Scripts {
        swap: swap.hash,
        beacon: beacon.hash,
        references: vec![reference(swap), reference(beacon)],
        by_hash: [
            (swap.hash, as_script(swap)),
            (beacon.hash, as_script(beacon)),
        ]
        .into_iter()
        .collect(),
    })
}

/// A one-way swap offering `offer` for ADA at [`PRICE`], owned by [`OWNER`].
struct Swap {
    offer: AssetClass,
    names: [[u8; 32]; 3],
}

impl Swap {
    fn new(offer: AssetClass) -> Swap {
        let names = [
            ow_pair_beacon(&offer, &ada()),
            ow_offer_beacon(&offer),
            ow_ask_beacon(&ada()),
        ];
        Swap { offer, names }
    }

    fn datum(&self, s: &Scripts, price: u64, prev: Option<&OutRef>) -> PlutusData {
        let bytes = |b: &[u8]| Data::bytestring(b.to_vec());
        let prev = prev.map_or_else(|| Data::constr(1, vec![]), prev_input);
        Data::constr(
            0,
            vec![
                bytes(&s.beacon),
                bytes(&self.names[0]),
                bytes(&self.offer.0),
                bytes(&self.offer.1),
                bytes(&self.names[1]),
                bytes(b""),
                bytes(b""),
                bytes(&self.names[2]),
                Data::constr(0, vec![int(price), int(1)]),
                prev,
            ],
        )
    }

    fn beacons(&self, s: &Scripts) -> impl Iterator<Item = (AssetClass, u64)> {
        let policy = s.beacon.to_vec();
        self.names
            .map(|n| ((policy.clone(), n.to_vec()), 1))
            .into_iter()
    }

    fn output(
        &self,
        s: &Scripts,
        lovelace: u64,
        offered: u64,
        price: u64,
        prev: Option<&OutRef>,
    ) -> Output {
        Output {
            address: Address {
                payment: Credential::Script(s.swap),
                stake: Stake::Inline(Credential::Key(key(OWNER))),
            },
            value: value(
                lovelace,
                self.beacons(s).chain([(self.offer.clone(), offered)]),
            ),
            datum: Datum::Inline(self.datum(s, price, prev)),
            reference_script: None,
        }
    }
}

fn constr(ix: u64) -> PlutusData {
    Data::constr(ix, vec![])
}

/// The transaction carrying `n` actions.
pub fn transaction(action: Action, n: usize) -> Result<TxSpec, Error> {
    let s = scripts()?;
    let same = matches!(
        action,
        Action::OwCreateSamePair
            | Action::OwFillSamePair
            | Action::OwFillSamePairScan
            | Action::OwCloseSamePair
            | Action::OwUpdateSamePair
    );
    let swaps: Vec<Swap> = (0..n)
        .map(|i| Swap::new(token(if same { 0 } else { i })))
        .collect();
    let existing: Vec<Utxo> = swaps
        .iter()
        .enumerate()
        .map(|(i, w)| {
            utxo(
                &format!("swap {i}"),
                w.output(&s, DEPOSIT, OFFERED, PRICE, None),
            )
        })
        .collect();
    // Reference only the scripts the action runs: fills the swap script, creates the beacon
    // script, closes and updates both.
    let creates = matches!(
        action,
        Action::OwCreateSamePair | Action::OwCreateDifferentPairs
    );
    let fills = matches!(
        action,
        Action::OwFillSamePair | Action::OwFillDifferentPairs | Action::OwFillSamePairScan
    );
    let references: Vec<Utxo> = s
        .references
        .iter()
        .filter(|r| match &r.output.reference_script {
            Some(Script::PlutusV3 { name, .. }) if name == "ow_swap" => !creates,
            Some(Script::PlutusV3 { name, .. }) if name == "ow_beacon" => !fills,
            _ => true,
        })
        .cloned()
        .collect();
    let mut spec = TxSpec {
        reference_inputs: references,
        scripts: s.by_hash.clone(),
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
    let beacon_mint = |sign: i64| -> Mint {
        let mut assets: BTreeMap<Vec<u8>, i64> = BTreeMap::new();
        for w in &swaps {
            for name in w.names {
                *assets.entry(name.to_vec()).or_default() += sign;
            }
        }
        Mint {
            policy: s.beacon,
            assets: assets.into_iter().collect(),
            redeemer: Some(constr(0)),
        }
    };
    match action {
        Action::OwCreateSamePair | Action::OwCreateDifferentPairs => {
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
                    output: w.output(&s, DEPOSIT, OFFERED, PRICE, None),
                    change: false,
                })
                .collect();
            spec.outputs.push(change(OWNER));
            spec.mint.push(beacon_mint(1));
        }
        Action::OwFillSamePair | Action::OwFillDifferentPairs | Action::OwFillSamePairScan => {
            let payment = TAKEN * PRICE;
            let taker = utxo(
                "taker funds",
                plain(
                    key_address(TAKER),
                    value(10_000_000 + payment * n as u64, []),
                ),
            );
            let mut sorted: Vec<OutRef> = existing
                .iter()
                .map(|u| u.out_ref)
                .chain([taker.out_ref])
                .collect();
            sorted.sort();
            for (i, (w, u)) in swaps.iter().zip(&existing).enumerate() {
                let redeemer = if action == Action::OwFillSamePairScan {
                    constr(2)
                } else {
                    let at = sorted
                        .iter()
                        .position(|r| *r == u.out_ref)
                        .unwrap_or_default();
                    Data::constr(3, vec![int(at as u64), int(i as u64)])
                };
                spec.inputs.push(Input {
                    utxo: u.clone(),
                    redeemer: Some(redeemer),
                });
                let output = w.output(
                    &s,
                    DEPOSIT + payment,
                    OFFERED - TAKEN,
                    PRICE,
                    Some(&u.out_ref),
                );
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
        Action::OwCloseSamePair | Action::OwCloseDifferentPairs => {
            spec.inputs = existing
                .iter()
                .map(|u| Input {
                    utxo: u.clone(),
                    redeemer: Some(constr(0)),
                })
                .collect();
            spec.mint.push(beacon_mint(-1));
            spec.outputs.push(change(OWNER));
            spec.required_signers.push(OWNER.into());
        }
        Action::OwUpdateSamePair | Action::OwUpdateDifferentPairs => {
            spec.inputs = existing
                .iter()
                .map(|u| Input {
                    utxo: u.clone(),
                    redeemer: Some(constr(1)),
                })
                .collect();
            let funds = utxo(
                "owner funds",
                plain(key_address(OWNER), value(10_000_000, [])),
            );
            spec.inputs.push(Input {
                utxo: funds,
                redeemer: None,
            });
            spec.outputs = swaps
                .iter()
                .map(|w| TxOutput {
                    output: w.output(&s, DEPOSIT, OFFERED, 2 * PRICE, None),
                    change: false,
                })
                .collect();
            spec.outputs.push(change(OWNER));
            spec.withdrawals.push(Withdrawal {
                credential: Credential::Script(s.beacon),
                amount: 0,
                redeemer: Some(constr(1)),
            });
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
        let one = measure(Action::OwFillSamePair, 1, &params).unwrap();
        let five = measure(Action::OwFillSamePair, 5, &params).unwrap();
        assert!(five.mem > 4 * one.mem && five.size > one.size && five.fee > one.fee);
    }

    #[test]
    fn names_round_trip() {
        for action in Action::ALL {
            assert_eq!(Action::named(action.name()), Some(action));
        }
    }
}
