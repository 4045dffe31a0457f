//! Capacity: the largest number of one batchable action that a single transaction can carry
//! within a parameter set's per-transaction limits (memory, steps, size), with the fee and
//! collateral it costs and the limit that stops it. This is the shape of the original protocols'
//! benchmark tables.
//!
//! The search is generic; the actions are the protocols' ([`Batch`], listed by each protocol's
//! [`crate::protocols::CapacityHooks`]). Each builds its N-action transaction directly (no
//! fixture): the scripts are supplied by reference inputs, as in the original's benchmarks, and
//! every figure comes from the deployment of record.
//!
//! Adversarial capacity asks the same with token dust up to the maximum value size in every
//! protocol UTxO a batch spends ([`Load::Dust`]), and whether dust can reach those UTxOs at all
//! ([`DustEntry`]): a protocol whose UTxOs can be stuffed can be stalled, since every stuffed
//! UTxO a batch spends costs it an output of up to the maximum value size.

use crate::{
    deploy::Build,
    fixture,
    keys::Key,
    ledger,
    params::Params,
    replay::{self, Measured},
    resolve,
    scenario::{Address, AssetClass, Credential, Output, Stake, TxOutput, TxSpec, Value},
};
use serde::Serialize;
use std::{collections::BTreeMap, path::Path};

/// A batchable action of a protocol: what the capacity search asks of it.
pub trait Batch: Send + Sync {
    /// The action's name on the command line and in reports (`ow-fill-same-pair`).
    fn name(&self) -> String;
    /// The transaction carrying `n` actions, with `load` in every protocol UTxO it spends and
    /// the scripts of `build`.
    fn transaction(
        &self,
        n: usize,
        load: Load,
        build: Build,
        params: &Params,
    ) -> Result<TxSpec, Error>;
    /// The groups of protocol UTxOs the batch spends, as [`DustEntry::group`] names them; empty
    /// when it spends none (a create).
    fn spends(&self) -> &'static [&'static str];
}

/// What the protocol UTxOs a batch spends hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Load {
    /// What an honest swap holds.
    Honest,
    /// Also token dust up to the maximum value size, distinct junk names in each UTxO. The batch
    /// sends each UTxO's dust on to the actor (taker or owner) in an output of its own, since the
    /// scripts keep dust out of protocol outputs.
    Dust,
}

/// Why capacity could not be measured.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum Error {
    #[error(transparent)]
    #[diagnostic(transparent)]
    Deployment(#[from] replay::DeploymentError),
    /// A script the batch needs is not in the deployment.
    #[error("the deployment has no script `{0}`")]
    #[diagnostic(code(harness::capacity::no_script))]
    NoScript(&'static str),
    /// A batch's transaction could not be built or evaluated.
    #[error("{action}: {source}")]
    #[diagnostic(code(harness::capacity::replay))]
    Replay {
        action: String,
        source: Box<replay::Error>,
    },
    /// Dust was to go into an output the generated transaction does not have.
    #[error("generated transaction: no output {index} to add dust to (it has {outputs})")]
    #[diagnostic(code(harness::capacity::no_output))]
    NoOutput { index: usize, outputs: usize },
    /// The generated transaction has no input of the actor's funds to pay for the dust.
    #[error(
        "generated transaction: no input whose name ends in `funds` to supply the dust (inputs: {})",
        .inputs.join(", ")
    )]
    #[diagnostic(code(harness::capacity::no_funds))]
    NoFunds {
        /// The names of the inputs it has.
        inputs: Vec<String>,
    },
    /// A script rejected a batch that should pass.
    #[error("{action} with {n} actions: a script rejected the generated transaction ({detail})")]
    #[diagnostic(code(harness::capacity::rejected))]
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
    /// The action's name.
    pub action: String,
    pub load: Load,
    /// The largest transaction that fits (`None` when not even one action fits).
    pub max: Option<Point>,
    /// The first transaction that does not fit; its `over` names the bottleneck.
    pub next: Option<Point>,
    /// Figures for 1, 10 and 25 actions (as measured, also when they do not fit).
    pub one: Option<Point>,
    pub ten: Option<Point>,
    pub twenty_five: Option<Point>,
}

impl Capacity {
    /// The most actions that fit (0 when not even one does).
    pub fn fits(&self) -> usize {
        self.max.as_ref().map_or(0, |p| p.n)
    }

    /// The limits the first transaction that does not fit exceeds.
    pub fn bottleneck(&self) -> String {
        self.next
            .as_ref()
            .map_or(format!("none up to {CEILING}"), |p| p.over.join(", "))
    }
}

/// The most actions a search tries before it stops looking.
pub const CEILING: usize = 256;

/// Measures one transaction of `n` actions.
pub fn measure(action: &dyn Batch, n: usize, load: Load, params: &Params) -> Result<Point, Error> {
    let spec = action.transaction(n, load, Build::Record, params)?;
    let measured = replay::settle(&spec, params, Path::new(&action.name())).map_err(|source| {
        Error::Replay {
            action: action.name(),
            source: Box::new(source),
        }
    })?;
    if !measured.all_ok() {
        if let Some(over) = out_of_budget(&measured) {
            let mut p = point(n, &measured, params);
            p.over = over;
            return Ok(p);
        }
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

/// The limits a transaction's failing scripts ran out of, when that is their only failure (the
/// machine stops a script at the transaction's budget): it does not fit, no script rejected it.
fn out_of_budget(measured: &Measured) -> Option<Vec<&'static str>> {
    let mut over = Vec::new();
    for run in measured.runs.iter().filter(|r| !r.ok) {
        let error = run.error.as_deref().unwrap_or_default();
        if !error.contains("went over budget") {
            return None;
        }
        for (limit, word) in [("mem", "Mem -"), ("steps", "CPU -")] {
            if error.contains(word) && !over.contains(&limit) {
                over.push(limit);
            }
        }
    }
    Some(over)
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
    action: &dyn Batch,
    load: Load,
    params: &Params,
    mut progress: impl FnMut(&Point),
) -> Result<Capacity, Error> {
    let mut probe = |n: usize| -> Result<Point, Error> {
        let p = measure(action, n, load, params)?;
        progress(&p);
        Ok(p)
    };
    let one = probe(1)?;
    if !one.over.is_empty() {
        return Ok(Capacity {
            action: action.name(),
            load,
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
        action: action.name(),
        load,
        max: Some(fits),
        next: fails,
        one: Some(one),
        ten: Some(ten),
        twenty_five: Some(twenty_five),
    })
}

// ## Building batches

/// A key's hash by its name in [`crate::keys`].
pub fn key(name: &str) -> crate::scenario::Hash28 {
    *Key::named(name).hash
}

/// The address of a key's payment and stake credential.
pub fn key_address(name: &str) -> Address {
    Address {
        payment: Credential::Key(key(name)),
        stake: Stake::Inline(Credential::Key(key(name))),
    }
}

/// `lovelace` and `assets` (summed by asset).
pub fn value(lovelace: u64, assets: impl IntoIterator<Item = (AssetClass, u64)>) -> Value {
    let mut v = Value {
        lovelace,
        assets: BTreeMap::new(),
    };
    for (class, qty) in assets {
        *v.assets.entry(class).or_default() += qty;
    }
    v
}

/// A UTxO of `owner` holding `dust` (one unit of each) and the lovelace it needs.
pub fn dust_output(owner: &str, dust: &[AssetClass], params: &Params) -> Output {
    wallet_output(owner, dust.iter().map(|a| (a.clone(), 1)).collect(), params)
}

/// A UTxO of `owner` holding `assets` and the lovelace it needs.
pub fn wallet_output(owner: &str, assets: BTreeMap<AssetClass, u64>, params: &Params) -> Output {
    let mut output = Output::plain(key_address(owner), value(0, assets));
    output.value.lovelace = ledger::deposit(&output, params);
    output
}

/// `assets` paid to `owner` in as few outputs as the maximum value size allows.
pub fn wallet_outputs(
    owner: &str,
    assets: impl IntoIterator<Item = (AssetClass, u64)>,
    params: &Params,
) -> Vec<TxOutput> {
    let mut outputs: Vec<Output> = Vec::new();
    let mut current: BTreeMap<AssetClass, u64> = BTreeMap::new();
    for (asset, qty) in assets {
        let mut grown = current.clone();
        *grown.entry(asset.clone()).or_default() += qty;
        if ledger::value_size(&Output::plain(
            key_address(owner),
            value(u64::MAX, grown.clone()),
        )) > params.max_value_size
        {
            outputs.push(wallet_output(owner, std::mem::take(&mut current), params));
            grown = BTreeMap::from([(asset, qty)]);
        }
        current = grown;
    }
    if !current.is_empty() {
        outputs.push(wallet_output(owner, current, params));
    }
    outputs
        .into_iter()
        .map(|output| TxOutput {
            output,
            change: false,
        })
        .collect()
}

/// Adds dust up to the maximum value size to output `index`, supplied with its deposit by the
/// actor's funds: an input every generated action has, so that no redeemer's index moves.
pub fn add_dust(spec: &mut TxSpec, index: usize, params: &Params) -> Result<(), Error> {
    let outputs = spec.outputs.len();
    let output = &mut spec
        .outputs
        .get_mut(index)
        .ok_or(Error::NoOutput { index, outputs })?
        .output;
    let dust = ledger::dust(output, params, 0);
    let extra = stuff(output, &dust, 0, params);
    let Some(funds) = spec
        .inputs
        .iter()
        .position(|i| i.utxo.name.ends_with("funds"))
    else {
        let inputs = spec.inputs.iter().map(|i| i.utxo.name.clone()).collect();
        return Err(Error::NoFunds { inputs });
    };
    let value = &mut spec.inputs[funds].utxo.output.value;
    value.lovelace += extra;
    value.assets.extend(dust.into_iter().map(|a| (a, 1)));
    Ok(())
}

/// Adds `dust` (one unit of each) to `output` and raises its lovelace to its deposit, and to at
/// least `floor`; returns the lovelace added.
pub fn stuff(output: &mut Output, dust: &[AssetClass], floor: u64, params: &Params) -> u64 {
    output
        .value
        .assets
        .extend(dust.iter().map(|a| (a.clone(), 1)));
    let before = output.value.lovelace;
    output.value.lovelace = ledger::deposit(output, params).max(floor).max(before);
    output.value.lovelace - before
}

/// The transaction of the fixture `json` that action `name` writes, resolved against the
/// deployment `build`, as replay would resolve it from a file.
pub fn fixture_transaction(
    name: &str,
    json: &serde_json::Value,
    build: Build,
    params: &Params,
) -> Result<TxSpec, Error> {
    let replay_err = |source: replay::Error| Error::Replay {
        action: name.into(),
        source: Box::new(source),
    };
    let fixture = fixture::parse(name, &json.to_string()).map_err(|e| replay_err(e.into()))?;
    let deployment = replay::deployment(build)?;
    let scenario = resolve::resolve(&fixture, Path::new(name), deployment, &params.slot_config)
        .map_err(|e| replay_err(e.into()))?;
    Ok(scenario.tx)
}

/// Settles a transaction built with the traced scripts, so that failures name their rules.
pub fn traced(spec: &TxSpec, name: &str, params: &Params) -> Result<Measured, Error> {
    replay::settle(spec, params, Path::new(name)).map_err(|source| Error::Replay {
        action: name.into(),
        source: Box::new(source),
    })
}

// ## Adversarial capacity

/// One try at putting token dust into a protocol UTxO: an honest single action with dust up to
/// the maximum value size added to the protocol output it produces, paid for by the actor.
#[derive(Debug, Clone, Serialize)]
pub struct DustEntry {
    /// The protocol UTxOs tried (`one-way`), as [`Batch::spends`] names them.
    pub group: &'static str,
    /// The action that produced the output (`create`).
    pub via: &'static str,
    /// Every script passed: dust reaches this group's UTxOs.
    pub accepted: bool,
    /// The rule IDs the traced scripts logged rejecting it.
    pub rejected_by: Vec<String>,
}

/// Whether the traced scripts accept `spec`, whose protocol output holds dust: the entry for
/// `group` tried `via` one action.
pub fn dust_entry(
    group: &'static str,
    via: &'static str,
    spec: &TxSpec,
    params: &Params,
) -> Result<DustEntry, Error> {
    let measured = traced(spec, &format!("dust into {group} via {via}"), params)?;
    Ok(DustEntry {
        group,
        via,
        accepted: measured.all_ok(),
        rejected_by: replay::failing_rules(&measured.runs),
    })
}

/// An action's capacity when the protocol UTxOs it spends hold dust.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum Dusted {
    /// The action spends no protocol UTxO.
    NotApplicable,
    /// The scripts refuse the action on a UTxO holding dust (the rules they logged): dust would
    /// freeze such UTxOs for it.
    Refused { rules: Vec<String> },
    /// The capacity as measured.
    Measured { capacity: Box<Capacity> },
}

/// One action's capacity with the adversary's worst done.
#[derive(Debug, Clone, Serialize)]
pub struct Adversarial {
    /// The action's name.
    pub action: String,
    /// The honest capacity (0 when not even one fits).
    pub honest: usize,
    /// The capacity with dust in every spent protocol UTxO.
    pub dusted: Dusted,
    /// Whether dust can reach the UTxOs the action spends (per the [`DustEntry`]s).
    pub dust_reaches: bool,
    /// What fits under attack: the dusted capacity where dust can reach the UTxOs (0 where the
    /// scripts refuse dusty UTxOs), else the honest one.
    pub adversarial: usize,
}

/// The adversarial capacity of `action`, given its honest capacity and the dust entries of the
/// protocol UTxOs it spends.
pub fn adversarial(
    action: &dyn Batch,
    honest: &Capacity,
    entries: &[DustEntry],
    params: &Params,
    progress: impl FnMut(&Point),
) -> Result<Adversarial, Error> {
    let honest = honest.fits();
    let spends = action.spends();
    let dust_reaches = entries
        .iter()
        .any(|e| e.accepted && spends.contains(&e.group));
    let dusted = match spends {
        [] => Dusted::NotApplicable,
        _ => match search(action, Load::Dust, params, progress) {
            Ok(capacity) => Dusted::Measured {
                capacity: Box::new(capacity),
            },
            Err(Error::Rejected { n, .. }) => {
                let spec = action.transaction(n, Load::Dust, Build::Traced, params)?;
                let measured = traced(&spec, &format!("{} with dust", action.name()), params)?;
                Dusted::Refused {
                    rules: replay::failing_rules(&measured.runs),
                }
            }
            Err(other) => return Err(other),
        },
    };
    let adversarial = match &dusted {
        _ if !dust_reaches => honest,
        Dusted::NotApplicable => honest,
        Dusted::Refused { .. } => 0,
        Dusted::Measured { capacity } => capacity.fits(),
    };
    Ok(Adversarial {
        action: action.name(),
        honest,
        dusted,
        dust_reaches,
        adversarial,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{Input, OutRef, Utxo};

    /// Every protocol's every action, with 1 and with 3 actions, is accepted and fits.
    #[test]
    fn every_action_is_accepted_by_the_scripts() {
        let params = Params::mainnet().unwrap();
        for action in crate::protocols::batches() {
            for n in [1, 3] {
                let p = measure(action, n, Load::Honest, &params).unwrap_or_else(|e| panic!("{e}"));
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
    fn dust_for_an_output_the_transaction_lacks_names_the_index() {
        let params = Params::mainnet().unwrap();
        let err = add_dust(&mut TxSpec::default(), 2, &params).unwrap_err();
        assert!(
            matches!(
                err,
                Error::NoOutput {
                    index: 2,
                    outputs: 0
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn dust_without_a_funds_input_lists_the_inputs() {
        let params = Params::mainnet().unwrap();
        let mut spec = TxSpec::default();
        spec.outputs.push(TxOutput {
            output: Output::plain(key_address("bob"), value(2_000_000, [])),
            change: false,
        });
        spec.inputs.push(Input {
            utxo: Utxo {
                name: "swap".into(),
                out_ref: OutRef {
                    tx_id: [0; 32],
                    index: 0,
                },
                output: Output::plain(key_address("bob"), value(2_000_000, [])),
            },
            redeemer: None,
        });
        let err = add_dust(&mut spec, 0, &params).unwrap_err();
        assert!(
            matches!(&err, Error::NoFunds { inputs } if inputs == &["swap"]),
            "{err}"
        );
        assert!(err.to_string().ends_with("(inputs: swap)"), "{err}");
    }

    #[test]
    fn wallet_outputs_stay_within_the_maximum_value_size() {
        let params = Params::mainnet().unwrap();
        let token = |i: usize| (vec![i as u8; 28], format!("T{i}").into_bytes());
        let assets: BTreeMap<AssetClass, u64> = (0..300).map(|i| (token(i), 5)).collect();
        let outputs = wallet_outputs("bob", assets.clone(), &params);
        assert!(outputs.len() > 1);
        let mut paid = BTreeMap::new();
        for o in &outputs {
            assert!(ledger::value_size(&o.output) <= params.max_value_size);
            assert_eq!(o.output.value.lovelace, ledger::deposit(&o.output, &params));
            paid.extend(o.output.value.assets.clone());
        }
        assert_eq!(paid, assets);
    }
}
