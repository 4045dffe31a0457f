//! Chains: a lifecycle as a sequence of transactions (`*.chain.json`). Each step is resolved on
//! the ledger the steps before it left, so it can spend the outputs they named; it is built,
//! measured and judged like a fixture ([`crate::replay`]). A step that passes moves the ledger
//! on: its spent inputs leave, its named outputs enter with the real transaction id and the
//! balanced values. A step that fails as expected leaves the ledger as it was. The chain stops
//! at the first step whose outcome is not the expected one.
//!
//! The deployment of record and the traced one have different script hashes, so different
//! addresses and transaction ids: each keeps its own ledger, and each step is settled on both.

use crate::{
    deploy::Build,
    fixture::{self, Fixture, OutputSpec, Step, index_path},
    params::Params,
    replay::{self, Actual, Error, Measured, Replayed, Replays},
    resolve::{self, Ledger},
    scenario::{OutRef, Output, Scenario, Script, Utxo, Value},
};
use pallas_traverse::{Era, MultiEraTx};
use std::path::Path;

/// Replays the chain at `path` under `params`: the steps that ran, and those never reached.
pub fn replay_chain(path: &Path, params: &Params) -> Result<Replays, Error> {
    let chain = fixture::load_chain(path)?;
    let mut ledgers = [Ledger::default(), Ledger::default()];
    let mut steps = Vec::with_capacity(chain.steps.len());
    for (i, step) in chain.steps.iter().enumerate() {
        let (replayed, traced) = run_step(&chain.fixture(step), step, i, path, params, &ledgers)?;
        let matches = replayed.matches();
        if let (Actual::Ok, Some(record), Some(traced)) =
            (&replayed.actual, &replayed.record, &traced)
        {
            let moved = |ledger, scenario, run| {
                after(ledger, scenario, run, &step.tx.outputs).map_err(|message| Error::Chain {
                    path: path.into(),
                    step: step.name.clone(),
                    message,
                })
            };
            ledgers = [
                moved(&ledgers[0], &replayed.scenario, record)?,
                moved(&ledgers[1], &traced.0, &traced.1)?,
            ];
        }
        steps.push(replayed);
        if !matches {
            let not_run = chain.steps[i + 1..].iter().map(|s| s.name.clone());
            return Ok(Replays {
                steps,
                not_run: not_run.collect(),
            });
        }
    }
    Ok(Replays {
        steps,
        not_run: Vec::new(),
    })
}

/// The chain at `path` on the deployment of record alone ([`replay::record_runs`]): each
/// step's run, moving the ledger on when every script accepts within the limits, up to the
/// first step whose acceptance is not the one it expects.
pub fn record_runs(path: &Path, params: &Params) -> Result<Vec<Measured>, Error> {
    let chain = fixture::load_chain(path)?;
    let deployment = replay::deployment(Build::Record)?;
    let mut ledger = Ledger::default();
    let mut runs = Vec::with_capacity(chain.steps.len());
    for (i, step) in chain.steps.iter().enumerate() {
        let fixture = chain.fixture(step);
        let mut scenario = resolve::resolve_in(
            &fixture,
            path,
            deployment,
            &params.slot_config,
            Some(&ledger),
        )
        .map_err(|e| in_step(e, i))?;
        scenario.step = Some(step.name.clone());
        let expected = scenario.expect == crate::scenario::Expect::Ok;
        // A refused step, as it expects, runs no script and leaves the ledger as it was.
        let Ok((scenario, run)) = replay::settle_or_refuse(scenario, params, path)? else {
            continue;
        };
        let accepted = run.all_ok() && replay::over_limits(&run, params).is_empty();
        if accepted {
            ledger = after(&ledger, &scenario, &run, &step.tx.outputs).map_err(|message| {
                Error::Chain {
                    path: path.into(),
                    step: step.name.clone(),
                    message,
                }
            })?;
        }
        runs.push(run);
        if accepted != expected {
            break;
        }
    }
    Ok(runs)
}

/// Step `i` resolved and settled on the record and the traced ledgers: its verdict, and the
/// traced scenario and run (none when the ledger refuses the step's transaction, as it expects).
fn run_step(
    fixture: &Fixture,
    step: &Step,
    i: usize,
    path: &Path,
    params: &Params,
    [record, traced]: &[Ledger; 2],
) -> Result<(Replayed, Option<(Scenario, Measured)>), Error> {
    let resolve = |build, ledger| -> Result<Scenario, Error> {
        let deployment = replay::deployment(build)?;
        let mut scenario =
            resolve::resolve_in(fixture, path, deployment, &params.slot_config, Some(ledger))
                .map_err(|e| in_step(e, i))?;
        scenario.step = Some(step.name.clone());
        Ok(scenario)
    };
    let scenario = resolve(Build::Record, record)?;
    let (scenario, measured) = match replay::settle_or_refuse(scenario, params, path)? {
        Ok(settled) => settled,
        Err(refused) => return Ok((refused, None)),
    };
    let traced_scenario = resolve(Build::Traced, traced)?;
    let traced_run = replay::settle(&traced_scenario.tx, params, path)?;
    let replayed = replay::judge(scenario, measured, params, || Ok(traced_run.clone()))?;
    Ok((replayed, Some((traced_scenario, traced_run))))
}

/// The ledger after a step that passed: its spent inputs gone, the outputs `specs` name added
/// with the transaction's id and their balanced values, its keys and native scripts known.
fn after(
    ledger: &Ledger,
    scenario: &Scenario,
    run: &Measured,
    specs: &[OutputSpec],
) -> Result<Ledger, String> {
    let tx = MultiEraTx::decode_for_era(Era::Conway, &run.built.bytes)
        .map_err(|e| format!("the built transaction does not decode: {e}"))?;
    let tx_id = *tx.hash();
    let values: Vec<Value> = tx.outputs().iter().map(|o| value_of(&o.value())).collect();
    let spent: Vec<&str> = scenario
        .tx
        .inputs
        .iter()
        .map(|i| i.utxo.name.as_str())
        .collect();
    let mut next = ledger.clone();
    next.utxos.retain(|u| !spent.contains(&u.name.as_str()));
    let step = scenario.step.clone().unwrap_or_default();
    next.spent.extend(
        scenario
            .tx
            .inputs
            .iter()
            .map(|i| (i.utxo.name.clone(), (step.clone(), i.utxo.out_ref))),
    );
    next.keys.extend(scenario.tx.keys.clone());
    for (hash, script) in &scenario.tx.scripts {
        if let Script::Signature { key } = script {
            next.natives.insert(*hash, key.clone());
        }
    }
    for (index, (spec, output)) in specs.iter().zip(&scenario.tx.outputs).enumerate() {
        let Some(name) = &spec.name else { continue };
        let value = values
            .get(index)
            .cloned()
            .ok_or_else(|| format!("the built transaction has no output {index}"))?;
        next.utxos.push(Utxo {
            name: name.clone(),
            out_ref: OutRef {
                tx_id,
                index: index as u64,
            },
            output: Output {
                value,
                ..output.output.clone()
            },
        });
    }
    Ok(next)
}

/// A ledger value as the harness holds it.
fn value_of(value: &pallas_traverse::MultiEraValue) -> Value {
    let mut out = Value {
        lovelace: value.coin(),
        ..Value::default()
    };
    for policy in value.assets() {
        for asset in policy.assets() {
            let class = (policy.policy().to_vec(), asset.name().to_vec());
            out.assets
                .insert(class, u64::try_from(asset.any_coin()).unwrap_or_default());
        }
    }
    out
}

/// A step's resolution error, with its JSON path inside the chain file (`$.steps[1].tx…`).
fn in_step(error: fixture::Error, i: usize) -> fixture::Error {
    match error {
        fixture::Error::Invalid {
            file,
            path,
            message,
        } => {
            let inside = path.strip_prefix('$').unwrap_or(&path);
            fixture::Error::Invalid {
                file,
                path: format!("{}{inside}", index_path("$.steps", i)),
                message,
            }
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::AssetClass;
    use std::path::PathBuf;

    fn lifecycle() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../fixtures/swaps/one_way/lifecycle/create_fill_fill_update_close.chain.json")
    }

    /// The bundled chain with `edit` applied to its JSON, written beside the temp dir.
    fn edited(name: &str, edit: impl FnOnce(&mut serde_json::Value)) -> PathBuf {
        let mut json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(lifecycle()).unwrap()).unwrap();
        edit(&mut json);
        let path = std::env::temp_dir().join(format!(
            "harness-chain-{}-{name}.chain.json",
            std::process::id()
        ));
        std::fs::write(&path, json.to_string()).unwrap();
        path
    }

    fn input<'a>(step: &'a Replayed, name: &str) -> &'a Utxo {
        let inputs = &step.scenario.tx.inputs;
        &inputs.iter().find(|i| i.utxo.name == name).unwrap().utxo
    }

    fn tx_id(step: &Replayed) -> [u8; 32] {
        *MultiEraTx::decode_for_era(Era::Conway, &step.record.as_ref().unwrap().built.bytes)
            .unwrap()
            .hash()
    }

    #[test]
    fn later_steps_spend_what_earlier_steps_created() {
        let params = Params::mainnet().unwrap();
        let replays = replay_chain(&lifecycle(), &params).unwrap();
        assert!(replays.matches(), "{:?}", replays.not_run);
        let names: Vec<_> = replays.steps.iter().map(|s| s.scenario.subject()).collect();
        assert!(names[1].ends_with(".chain.json#fill_bob"), "{names:?}");
        let [create, bob, stranger, carol, update, close] = replays.steps.as_slice() else {
            panic!("{} steps", replays.steps.len());
        };
        // Each fill spends the swap the step before it left, as output 0 of that transaction.
        assert_eq!(
            input(bob, "swap").out_ref,
            OutRef {
                tx_id: tx_id(create),
                index: 0
            }
        );
        assert_eq!(
            input(stranger, "swap").out_ref,
            OutRef {
                tx_id: tx_id(bob),
                index: 0
            }
        );
        // The refused close left the ledger as it was.
        assert_eq!(
            input(carol, "swap").out_ref,
            OutRef {
                tx_id: tx_id(bob),
                index: 0
            }
        );
        assert_eq!(
            input(update, "swap").out_ref,
            OutRef {
                tx_id: tx_id(carol),
                index: 0
            }
        );
        // Alice's named change comes with the balanced value the create transaction paid her.
        let wallet = input(update, "alice_wallet");
        assert_eq!(
            wallet.out_ref,
            OutRef {
                tx_id: tx_id(create),
                index: 1
            }
        );
        let fee = create.record.as_ref().unwrap().built.fee;
        assert_eq!(wallet.output.value.lovelace, 20_000_000 - 3_000_000 - fee);
        assert_eq!(input(close, "alice_wallet").out_ref.tx_id, tx_id(update));
        let t: AssetClass = (
            hex::decode("c0f8644a01a6bf5db02f4afe30d604975e63dd274f1098a1738e561d").unwrap(),
            hex::decode("4f74686572546f6b656e0a").unwrap(),
        );
        assert_eq!(input(close, "swap").output.value.assets.get(&t), Some(&4));
    }

    #[test]
    fn a_chain_stops_at_the_first_unexpected_outcome() {
        let path = edited("stops", |json| {
            json["steps"][1]["expect"] = serde_json::json!({"fail": "SWAP-OW-EXEC-09"});
        });
        let replays = replay_chain(&path, &Params::mainnet().unwrap()).unwrap();
        std::fs::remove_file(&path).ok();
        assert_eq!(replays.steps.len(), 2);
        assert!(!replays.steps[1].matches());
        assert_eq!(
            replays.not_run,
            ["stranger_closes", "fill_carol", "update", "close"]
        );
        assert!(!replays.matches());
    }

    #[test]
    fn a_step_cannot_spend_what_no_step_left() {
        // Carol's fill after the close: the swap is spent.
        let path = edited("spent", |json| {
            let steps = json["steps"].as_array_mut().unwrap();
            let carol = steps.remove(3);
            steps.push(carol);
        });
        let err = replay_chain(&path, &Params::mainnet().unwrap()).unwrap_err();
        std::fs::remove_file(&path).ok();
        let message = err.to_string();
        assert!(
            message.contains(r#"$.steps[5].tx.inputs[0].utxo: unknown utxo "swap" (known: carol_funds); step close spent it"#),
            "{message}"
        );
    }

    #[test]
    fn output_names_are_checked() {
        let params = Params::mainnet().unwrap();
        let path = edited("clash", |json| {
            json["steps"][1]["tx"]["outputs"][1]["name"] = serde_json::json!("alice_wallet");
        });
        let message = replay_chain(&path, &params).unwrap_err().to_string();
        std::fs::remove_file(&path).ok();
        assert!(message.contains(r#"$.steps[1].tx.outputs[1].name: output name "alice_wallet" is the name of a UTxO this step does not spend"#), "{message}");

        let plain = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../fixtures/swaps/one_way/create/create_one_token_to_ada.json");
        let mut json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(plain).unwrap()).unwrap();
        json["tx"]["outputs"][0]["name"] = serde_json::json!("swap");
        let path = std::env::temp_dir().join(format!("harness-named-{}.json", std::process::id()));
        std::fs::write(&path, json.to_string()).unwrap();
        let message = replay::replay_path(&path, &params).unwrap_err().to_string();
        std::fs::remove_file(&path).ok();
        assert!(
            message.contains("$.tx.outputs[0].name: only the steps of a chain"),
            "{message}"
        );
    }

    #[test]
    fn step_names_are_unique() {
        let path = edited("twice", |json| {
            json["steps"][2]["name"] = serde_json::json!("fill_bob");
        });
        let message = fixture::load_chain(&path).unwrap_err().to_string();
        std::fs::remove_file(&path).ok();
        assert!(
            message.contains(r#"$.steps[2].name: step "fill_bob" is named twice"#),
            "{message}"
        );
    }

    #[test]
    fn a_chain_in_a_plain_json_file_is_named_as_such() {
        let path = std::env::temp_dir().join(format!("harness-chain-{}.json", std::process::id()));
        std::fs::copy(lifecycle(), &path).unwrap();
        let message = replay::replay_path(&path, &Params::mainnet().unwrap())
            .unwrap_err()
            .to_string();
        std::fs::remove_file(&path).ok();
        assert!(message.contains("$.steps: this is a chain (it has steps): chains are read only from files named <name>.chain.json"), "{message}");
    }
}
