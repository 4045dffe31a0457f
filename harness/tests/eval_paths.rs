//! The evaluator against `uplc`'s own per-redeemer path (`eval_redeemer_with_protocol`, which
//! `eval_phase_two` runs and which decodes every script again for every redeemer): over every
//! fixture, under both builds, each redeemer must come out the same on both paths — verdict,
//! mem, cpu, traces and error. The old path lives here and nowhere else.

use crate::common::fixtures;
use harness::{
    deploy::{Build, Deployment},
    eval::{self, RedeemerRun},
    parallel,
    params::Params,
    replay, resolve,
    scenario::Expect,
    tx::Built,
};
use pallas_primitives::conway::{CostModels, Language, RedeemersKey};
use pallas_traverse::{Era, MultiEraTx};
use std::path::Path;
use uplc::{
    machine::cost_model::ExBudget,
    tx::{DataLookupTable, error::Error as TxError, eval::eval_redeemer_with_protocol},
};

/// Verdict, mem, cpu, traces and error of one redeemer.
type Run = (RedeemersKey, bool, u64, u64, Vec<String>, Option<String>);

fn run_of(r: &RedeemerRun) -> Run {
    (
        r.key.clone(),
        r.ok,
        r.mem,
        r.cpu,
        r.traces.clone(),
        r.error.clone(),
    )
}

/// Every redeemer of `built` through `uplc`'s per-redeemer path, as the harness did before.
fn uplc_path(built: &Built, params: &Params) -> Vec<Run> {
    let multi = MultiEraTx::decode_for_era(Era::Conway, &built.bytes).expect("decodes");
    let MultiEraTx::Conway(tx) = multi else {
        panic!("not Conway")
    };
    let tx = tx.as_ref().as_ref();
    let lookup = DataLookupTable::from_transaction(tx, &built.utxos);
    let cost_models = CostModels {
        plutus_v1: Some(params.cost_models.plutus_v1.clone()),
        plutus_v2: Some(params.cost_models.plutus_v2.clone()),
        plutus_v3: Some(params.cost_models.plutus_v3.clone()),
    };
    let budget = ExBudget {
        mem: params.max_tx_ex_units.mem as i64,
        cpu: params.max_tx_ex_units.steps as i64,
    };
    eval::redeemers(tx)
        .iter()
        .map(|redeemer| {
            let key = RedeemersKey {
                tag: redeemer.tag,
                index: redeemer.index,
            };
            let outcome = eval_redeemer_with_protocol(
                tx,
                &built.utxos,
                &eval::slot_config(params),
                redeemer,
                &lookup,
                Some(&cost_models),
                &budget,
                params.protocol_version.major,
            )
            .map_err(|err| match err {
                TxError::RedeemerError { err, .. } => *err,
                other => other,
            });
            match outcome {
                Ok((_, result)) => {
                    let spent = result.cost();
                    let failed = result.failed(false, &Language::PlutusV3);
                    let error = failed.then(|| "the script did not return unit".to_string());
                    let (mem, cpu) = (spent.mem as u64, spent.cpu as u64);
                    (key, !failed, mem, cpu, result.logs(), error)
                }
                Err(TxError::Machine(err, spent, traces)) => (
                    key,
                    false,
                    spent.mem as u64,
                    spent.cpu as u64,
                    traces.iter().map(|t| t.to_string()).collect(),
                    Some(err.to_string()),
                ),
                Err(other) => panic!("cannot evaluate: {other}"),
            }
        })
        .collect()
}

/// The fixture's settled transactions under `build` (a chain's steps: those of record, which
/// its replay keeps), by subject.
fn settled(file: &Path, build: Build, params: &Params) -> Vec<(String, replay::Measured)> {
    if harness::fixture::is_chain(file) {
        let steps = match build {
            Build::Record => {
                replay::replay_path(file, params)
                    .expect("chain replays")
                    .steps
            }
            Build::Traced => Vec::new(),
        };
        return steps
            .into_iter()
            .filter_map(|s| Some((s.scenario.subject(), s.record?)))
            .collect();
    }
    let deployment = Deployment::of(build).expect("validators compile");
    let scenario = resolve::load(file, deployment, &params.slot_config).expect("fixture resolves");
    let settled = match replay::settle(&scenario.tx, params, file) {
        Ok(settled) => settled,
        // Never built: the ledger refuses it before any script runs.
        Err(_) if matches!(scenario.expect, Expect::Refused(_)) => return Vec::new(),
        Err(err) => panic!("{}: the fee does not settle: {err}", file.display()),
    };
    vec![(scenario.subject(), settled)]
}

/// Where the fixture's settled transactions under `build` run differently through both paths.
fn differences(file: &Path, build: Build, params: &Params) -> Vec<String> {
    let mut found = Vec::new();
    for (subject, settled) in settled(file, build, params) {
        let ours: Vec<Run> = settled.runs.iter().map(run_of).collect();
        let theirs = uplc_path(&settled.built, params);
        if ours != theirs {
            found.push(format!(
                "{subject} ({build:?}):\n  ours  {ours:?}\n  uplc  {theirs:?}"
            ));
        }
    }
    found
}

#[test]
fn every_redeemer_runs_as_uplc_runs_it() {
    let params = Params::mainnet().expect("bundled parameters load");
    let files = fixtures();
    let problems: Vec<String> = parallel::map(&files, |file| {
        [Build::Record, Build::Traced]
            .into_iter()
            .flat_map(|build| differences(file, build, &params))
            .collect::<Vec<_>>()
    })
    .into_iter()
    .flatten()
    .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
