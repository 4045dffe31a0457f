//! Evaluation: each redeemer of a built transaction runs in the `uplc` CEK machine, under the
//! parameter file's cost model, protocol version and per-transaction budget.
//!
//! The transaction is decoded from its CBOR (what a node would receive) and every redeemer is
//! evaluated on its own, so a report shows all of them, failed or not. A Plutus V3 script passes
//! only when it returns unit.
//!
//! `uplc`'s phase-one check is not used: it knows only Plutus scripts and reports every native
//! script as missing. What it checks (a redeemer for every Plutus script purpose, no redeemer
//! without one, every script present) holds by construction in [`crate::tx::build`].

use crate::{params::Params, tx::Built};
use pallas_primitives::conway::{CostModels, Language, RedeemerTag, RedeemersKey};
use pallas_traverse::{Era, MultiEraTx};
use std::{
    sync::atomic::{AtomicU64, Ordering},
    time::{Duration, Instant},
};
use uplc::{
    machine::cost_model::ExBudget,
    tx::{DataLookupTable, SlotConfig, error::Error as TxError, eval::eval_redeemer_with_protocol},
};

/// What one redeemer did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedeemerRun {
    pub key: RedeemersKey,
    /// Readable purpose, from the builder.
    pub purpose: String,
    pub ok: bool,
    /// Execution units spent (also when the script failed).
    pub mem: u64,
    pub cpu: u64,
    /// What the script logged.
    pub traces: Vec<String>,
    /// Why the script failed, if it did.
    pub error: Option<String>,
}

/// The transaction could not be evaluated at all.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum Error {
    #[error("the built transaction does not decode as Conway: {0}")]
    Decode(String),
    #[error("the transaction cannot be evaluated: {0}")]
    Evaluation(String),
}

/// Nanoseconds this process has spent evaluating transactions, for the benchmarks' account of
/// the harness's own overhead.
static EVALUATION_NANOS: AtomicU64 = AtomicU64::new(0);

/// Total time this process has spent in [`evaluate`].
pub fn evaluation_time() -> Duration {
    Duration::from_nanos(EVALUATION_NANOS.load(Ordering::Relaxed))
}

/// Evaluates every redeemer of `built`, on a thread with a stack large enough for the machine.
pub fn evaluate(built: &Built, params: &Params) -> Result<Vec<RedeemerRun>, Error> {
    let start = Instant::now();
    let runs = crate::on_large_stack(|| evaluate_here(built, params)).map_err(Error::Evaluation)?;
    let spent = u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX);
    EVALUATION_NANOS.fetch_add(spent, Ordering::Relaxed);
    runs
}

fn evaluate_here(built: &Built, params: &Params) -> Result<Vec<RedeemerRun>, Error> {
    let multi = MultiEraTx::decode_for_era(Era::Conway, &built.bytes)
        .map_err(|e| Error::Decode(e.to_string()))?;
    let MultiEraTx::Conway(tx) = multi else {
        return Err(Error::Decode("not a Conway transaction".into()));
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
    let slot_config = SlotConfig {
        slot_length: params.slot_config.slot_length,
        zero_slot: params.slot_config.zero_slot,
        zero_time: params.slot_config.zero_time,
    };
    let Some(redeemers) = tx.transaction_witness_set.redeemer.as_ref() else {
        return Ok(vec![]);
    };
    let redeemers: Vec<_> = match &**redeemers {
        pallas_primitives::conway::Redeemers::Map(map) => map
            .iter()
            .map(|(key, value)| pallas_primitives::conway::Redeemer {
                tag: key.tag,
                index: key.index,
                data: value.data.clone(),
                ex_units: value.ex_units,
            })
            .collect(),
        pallas_primitives::conway::Redeemers::List(list) => list.iter().cloned().collect(),
    };

    let mut runs = Vec::with_capacity(redeemers.len());
    for redeemer in redeemers {
        let key = RedeemersKey {
            tag: redeemer.tag,
            index: redeemer.index,
        };
        let purpose = built
            .redeemers
            .iter()
            .find(|slot| slot.key == key)
            .map(|slot| slot.purpose.clone())
            .unwrap_or_else(|| format!("{} {}", tag_name(redeemer.tag), redeemer.index));
        let outcome = eval_redeemer_with_protocol(
            tx,
            &built.utxos,
            &slot_config,
            &redeemer,
            &lookup,
            Some(&cost_models),
            &budget,
            params.protocol_version.major,
        );
        // uplc wraps a script failure in the redeemer it failed for.
        let outcome = outcome.map_err(|err| match err {
            TxError::RedeemerError { err, .. } => *err,
            other => other,
        });
        runs.push(match outcome {
            Ok((_, result)) => {
                let spent = result.cost();
                let traces = result.logs();
                let failed = result.failed(false, &Language::PlutusV3);
                RedeemerRun {
                    key,
                    purpose,
                    ok: !failed,
                    mem: spent.mem.max(0) as u64,
                    cpu: spent.cpu.max(0) as u64,
                    traces,
                    error: failed.then(|| "the script did not return unit".to_string()),
                }
            }
            Err(TxError::Machine(err, spent, traces)) => RedeemerRun {
                key,
                purpose,
                ok: false,
                mem: spent.mem.max(0) as u64,
                cpu: spent.cpu.max(0) as u64,
                traces: traces.iter().map(|t| t.to_string()).collect(),
                error: Some(err.to_string()),
            },
            Err(other) => return Err(Error::Evaluation(other.to_string())),
        });
    }
    Ok(runs)
}

/// The ledger's name for a redeemer tag, as reports show it.
pub fn tag_name(tag: RedeemerTag) -> &'static str {
    match tag {
        RedeemerTag::Spend => "spend",
        RedeemerTag::Mint => "mint",
        RedeemerTag::Cert => "publish",
        RedeemerTag::Reward => "withdraw",
        RedeemerTag::Vote => "vote",
        RedeemerTag::Propose => "propose",
    }
}
