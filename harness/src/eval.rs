//! Evaluation: each redeemer of a built transaction runs in the `uplc` CEK machine, under the
//! parameter file's cost model, protocol version and per-transaction budget.
//!
//! The transaction is decoded from its CBOR (what a node would receive) and every redeemer is
//! evaluated on its own, so a report shows all of them, failed or not. A Plutus V3 script passes
//! only when it returns unit. The semantics are those of `uplc::tx::eval_phase_two`, built from
//! its public pieces so that the costly parts are done once: each script is decoded from flat
//! once per worker thread (a [`crate::parallel`] worker keeps it for every fixture it takes), and
//! the transaction's `TxInfo` once per transaction.
//!
//! `uplc`'s phase-one check is not used: it knows only Plutus scripts and reports every native
//! script as missing. What it checks (a redeemer for every Plutus script purpose, no redeemer
//! without one, every script present) holds by construction in [`crate::tx::build`].

use crate::{params::Params, tx::Built};
use pallas_codec::utils::Bytes;
use pallas_primitives::conway::{Language, MintedTx, Redeemer, RedeemerTag, RedeemersKey};
use pallas_traverse::{Era, MultiEraTx};
use std::{
    cell::RefCell,
    rc::Rc,
    sync::atomic::{AtomicU64, Ordering},
    time::{Duration, Instant},
};
use uplc::{
    ast::{FakeNamedDeBruijn, NamedDeBruijn, Program},
    machine::{
        Machine, cost_model::ExBudget, cost_model::initialize_cost_model_with_protocol,
        eval_result::EvalResult,
    },
    tx::{
        DataLookupTable, SlotConfig,
        script_context::{PlutusScript, TxInfoV3, find_script},
        to_plutus_data::ToPlutusData,
    },
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

/// The transaction could not be evaluated at all. `uplc` reports these as values that hold
/// `Rc` terms, which cannot cross threads, so their message is kept.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum Error {
    #[error("the built transaction does not decode as Conway: {0}")]
    #[diagnostic(code(harness::eval::decode))]
    Decode(#[from] pallas_codec::minicbor::decode::Error),
    #[error("the built transaction is not a Conway transaction")]
    #[diagnostic(code(harness::eval::decode))]
    NotConway,
    #[error("the script context cannot be built: {message}")]
    #[diagnostic(code(harness::eval::context))]
    Context { message: String },
    #[error("redeemer {redeemer}: {message}")]
    #[diagnostic(code(harness::eval::script))]
    Script {
        /// `tag:index`, e.g. `spend:0`.
        redeemer: String,
        message: String,
    },
    #[error("a script does not decode from flat: {message}")]
    #[diagnostic(code(harness::eval::flat))]
    Flat { message: String },
    #[error("the evaluation worker stopped: {message}")]
    #[diagnostic(code(harness::eval::worker))]
    Worker { message: String },
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
    let runs = crate::parallel::on_large_stack(|| evaluate_here(built, params))
        .map_err(|message| Error::Worker { message })?;
    let spent = u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX);
    EVALUATION_NANOS.fetch_add(spent, Ordering::Relaxed);
    runs
}

fn evaluate_here(built: &Built, params: &Params) -> Result<Vec<RedeemerRun>, Error> {
    let applied = applied(built, params)?;
    Ok(applied
        .into_iter()
        .map(|(key, program)| {
            let purpose = built
                .redeemers
                .iter()
                .find(|slot| slot.key == key)
                .map(|slot| slot.purpose.clone())
                .unwrap_or_else(|| format!("{} {}", tag_name(key.tag), key.index));
            RedeemerRun::of(key, purpose, &run_program(program, params))
        })
        .collect())
}

/// Each redeemer's key and its program, applied to its script context.
pub type Applied = Vec<(RedeemersKey, Program<NamedDeBruijn>)>;

/// Every redeemer's program, applied to the script context of its purpose, in the witness set's
/// order: the transaction decoded from its CBOR, its `TxInfo` built once, each script decoded
/// once per thread ([`decoded`]).
pub fn applied(built: &Built, params: &Params) -> Result<Applied, Error> {
    let multi = MultiEraTx::decode_for_era(Era::Conway, &built.bytes)?;
    let MultiEraTx::Conway(tx) = multi else {
        return Err(Error::NotConway);
    };
    let tx = tx.as_ref().as_ref();
    let redeemers = redeemers(tx);
    if redeemers.is_empty() {
        return Ok(vec![]);
    }
    let utxos = &built.utxos;
    let lookup = DataLookupTable::from_transaction(tx, utxos);
    let info = TxInfoV3::from_transaction(tx, utxos, &slot_config(params)).map_err(|e| {
        Error::Context {
            message: e.to_string(),
        }
    })?;
    let mut applied = Vec::with_capacity(redeemers.len());
    for redeemer in &redeemers {
        let failed = |message: String| Error::Script {
            redeemer: format!("{}:{}", tag_name(redeemer.tag), redeemer.index),
            message,
        };
        let (script, datum) =
            find_script(redeemer, tx, utxos, &lookup).map_err(|e| failed(e.to_string()))?;
        let PlutusScript::V3(script) = script else {
            return Err(failed("only Plutus V3 scripts are evaluated".into()));
        };
        let context = info
            .clone()
            .into_script_context(redeemer, datum.as_ref())
            .ok_or_else(|| failed("the redeemer has no script purpose".into()))?;
        let key = RedeemersKey {
            tag: redeemer.tag,
            index: redeemer.index,
        };
        applied.push((
            key,
            program(&script.0)?.apply_data(context.to_plutus_data()),
        ));
    }
    Ok(applied)
}

/// The serialised script each redeemer of `built` runs, in the witness set's order.
pub fn scripts_run(built: &Built) -> Result<Vec<Vec<u8>>, Error> {
    let multi = MultiEraTx::decode_for_era(Era::Conway, &built.bytes)?;
    let MultiEraTx::Conway(tx) = multi else {
        return Err(Error::NotConway);
    };
    let tx = tx.as_ref().as_ref();
    let lookup = DataLookupTable::from_transaction(tx, &built.utxos);
    let mut scripts = Vec::new();
    for redeemer in redeemers(tx) {
        let (script, _) =
            find_script(&redeemer, tx, &built.utxos, &lookup).map_err(|e| Error::Script {
                redeemer: format!("{}:{}", tag_name(redeemer.tag), redeemer.index),
                message: e.to_string(),
            })?;
        if let PlutusScript::V3(script) = script {
            scripts.push(script.0.to_vec());
        }
    }
    Ok(scripts)
}

/// The redeemers of a transaction, whichever way its witness set encodes them.
pub fn redeemers(tx: &MintedTx) -> Vec<Redeemer> {
    use pallas_primitives::conway::Redeemers;
    match tx.transaction_witness_set.redeemer.as_deref() {
        None => vec![],
        Some(Redeemers::Map(map)) => map
            .iter()
            .map(|(key, value)| Redeemer {
                tag: key.tag,
                index: key.index,
                data: value.data.clone(),
                ex_units: value.ex_units,
            })
            .collect(),
        Some(Redeemers::List(list)) => list.iter().cloned().collect(),
    }
}

/// The parameter set's limits and costs for one evaluation.
fn budget(params: &Params) -> ExBudget {
    ExBudget {
        mem: params.max_tx_ex_units.mem as i64,
        cpu: params.max_tx_ex_units.steps as i64,
    }
}

/// The parameter set's slot configuration, in `uplc`'s type.
pub fn slot_config(params: &Params) -> SlotConfig {
    SlotConfig {
        slot_length: params.slot_config.slot_length,
        zero_slot: params.slot_config.zero_slot,
        zero_time: params.slot_config.zero_time,
    }
}

/// The machine alone: `program` (already applied to its script context) as Plutus V3 under the
/// parameter set's cost model, protocol version and per-transaction budget, as
/// `eval_phase_two` runs it (slippage 200).
pub fn run_program(program: Program<NamedDeBruijn>, params: &Params) -> EvalResult {
    let language = Language::PlutusV3;
    let major = params.protocol_version.major;
    let costs =
        initialize_cost_model_with_protocol(&language, major, &params.cost_models.plutus_v3);
    let budget = budget(params);
    let mut machine = Machine::new_with_protocol(language, major, costs, budget, 200);
    let term = machine.run(program.term);
    EvalResult::new(term, machine.ex_budget, budget, machine.traces, None)
}

thread_local! {
    /// Scripts this thread has decoded, with their serialised bytes. `uplc`'s terms share their
    /// subterms through `Rc`, so a decoded program cannot cross threads, and cloning one is cheap.
    /// A deployment has a handful of scripts: a list compared by length and bytes (`memcmp`)
    /// costs less per lookup than hashing kilobytes of script.
    static DECODED: RefCell<Vec<(Bytes, Rc<Program<NamedDeBruijn>>)>> =
        const { RefCell::new(Vec::new()) };
}

thread_local! {
    /// Programs this thread runs in place of scripts, by the serialised bytes of the script
    /// each stands in for ([`with_stand_ins`]).
    static STAND_INS: RefCell<Vec<(Bytes, Rc<Program<NamedDeBruijn>>)>> =
        const { RefCell::new(Vec::new()) };
}

/// Runs `work` with each `(script, stand_in)` pair's stand-in evaluated wherever a redeemer of
/// this thread runs the script (both serialised, as a witness holds them); the transactions
/// stay byte for byte what they were. Mutation testing ([`crate::mutate`]) runs a mutant under
/// the hash of the script it mutates this way, so that only the code differs. The evaluations
/// must run on this thread: inside a [`crate::parallel::map`] worker, or
/// [`crate::parallel::on_large_stack`].
pub fn with_stand_ins<T>(
    pairs: &[(Vec<u8>, Vec<u8>)],
    work: impl FnOnce() -> T,
) -> Result<T, Error> {
    let mut programs = Vec::with_capacity(pairs.len());
    for (script, stand_in) in pairs {
        programs.push((Bytes::from(script.clone()), Rc::new(decode(stand_in)?)));
    }
    STAND_INS.with(|cell| *cell.borrow_mut() = programs);
    let result = work();
    STAND_INS.with(|cell| cell.borrow_mut().clear());
    Ok(result)
}

/// The program a redeemer running `script` runs: its stand-in, if this thread has one, else
/// the script itself ([`decoded`]).
fn program(script: &Bytes) -> Result<Program<NamedDeBruijn>, Error> {
    let stand_in = STAND_INS.with(|cell| {
        let stand_ins = cell.borrow();
        let found = stand_ins.iter().find(|(bytes, _)| bytes == script);
        found.map(|(_, program)| Program::clone(program))
    });
    match stand_in {
        Some(program) => Ok(program),
        None => decoded(script),
    }
}

/// The program of a serialised script, decoded from flat on this thread's first sight of it.
pub fn decoded(script: &Bytes) -> Result<Program<NamedDeBruijn>, Error> {
    let cached = DECODED.with(|cache| {
        let cache = cache.borrow();
        let found = cache.iter().find(|(bytes, _)| bytes == script);
        found.map(|(_, program)| Program::clone(program))
    });
    if let Some(program) = cached {
        return Ok(program);
    }
    let program = decode(script)?;
    DECODED.with(|cache| {
        let entry = (script.clone(), Rc::new(program.clone()));
        cache.borrow_mut().push(entry)
    });
    Ok(program)
}

/// Decodes a serialised script (CBOR-wrapped flat) into the form the machine runs.
pub fn decode(script: &[u8]) -> Result<Program<NamedDeBruijn>, Error> {
    let mut buffer = Vec::new();
    Program::<FakeNamedDeBruijn>::from_cbor(script, &mut buffer)
        .map(Into::into)
        .map_err(|e| Error::Flat {
            message: e.to_string(),
        })
}

impl RedeemerRun {
    /// What a redeemer did, from its machine result: V3 passes only on unit; a failure keeps the
    /// units spent until it and every trace, as `eval_phase_two` reports them.
    fn of(key: RedeemersKey, purpose: String, result: &EvalResult) -> RedeemerRun {
        let spent = result.cost();
        let (mem, cpu) = (spent.mem.max(0) as u64, spent.cpu.max(0) as u64);
        match &result.result {
            Err(err) => RedeemerRun {
                key,
                purpose,
                ok: false,
                mem,
                cpu,
                traces: result.traces.iter().map(|t| t.to_string()).collect(),
                error: Some(err.to_string()),
            },
            Ok(_) => {
                let failed = result.failed(false, &Language::PlutusV3);
                RedeemerRun {
                    key,
                    purpose,
                    ok: !failed,
                    mem,
                    cpu,
                    traces: result.logs(),
                    error: failed.then(|| "the script did not return unit".to_string()),
                }
            }
        }
    }
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
