//! `harness blueprint`: the CIP-57 blueprint (`plutus.json`) of the scripts of record as they
//! are deployed, for integrators. It is the compiled blueprint with three changes:
//! - the test-only `ledger_probe` validator is left out;
//! - each validator of a parameterised script carries its code with the deployment's
//!   parameters applied, and the hash of that code, which is the deployed script hash and policy
//!   id (the compiled blueprint's hash is the unapplied code's, which nothing on chain has);
//! - the unapplied code is kept, for anyone who applies other parameters, as the validator
//!   titled `<title> (unapplied)`, whose parameters say what the deployment applied.
//!
//! Datum and redeemer schemas are the compiler's: the handlers annotate their datums
//! `Option<Data<T>>`, so the schemas are typed while the datum-less recovery stays possible.

use crate::deploy::{Build, DeployedScript, Deployment};
use serde_json::{Map, Value, json};

/// The validator the deployment leaves out.
const TEST_ONLY: &str = "ledger_probe.";

/// Why the blueprint could not be made (a bug in the build, never user input).
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum Error {
    #[error("the compiled blueprint is not valid CIP-57 JSON: {0}")]
    #[diagnostic(code(harness::blueprint))]
    Json(#[from] serde_json::Error),
    #[error("the compiled blueprint's validator {0:?} has no deployed script")]
    #[diagnostic(code(harness::blueprint))]
    Undeployed(String),
}

/// The deployed blueprint of `deployment`, made from its compiled blueprint `json`.
pub fn deployed(deployment: &Deployment, json: &str) -> Result<Value, Error> {
    let mut blueprint: Value = serde_json::from_str(json)?;
    let validators = blueprint["validators"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let mut out = Vec::with_capacity(validators.len());
    for validator in validators {
        let title = validator["title"].as_str().unwrap_or_default().to_string();
        if title.starts_with(TEST_ONLY) {
            continue;
        }
        let script = deployment
            .scripts
            .iter()
            .find(|s| title.starts_with(&format!("{}.", s.validator)))
            .ok_or_else(|| Error::Undeployed(title.clone()))?;
        out.push(applied(&validator, script));
        if !script.params.is_empty() {
            out.push(unapplied(validator, script, deployment));
        }
    }
    blueprint["validators"] = Value::Array(out);
    if let Some(preamble) = blueprint["preamble"].as_object_mut() {
        let description = preamble
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or_default();
        preamble.insert(
            "description".into(),
            json!(format!(
                "{description}. Deployed: parameters applied, hashes are the deployed script hashes and policy ids; the unapplied code is under the titles ending in \" (unapplied)\"."
            )),
        );
    }
    Ok(blueprint)
}

/// The deployed blueprint of the scripts of record.
pub fn of_record() -> Result<Value, crate::commands::Error> {
    let deployment = crate::replay::deployment(Build::Record)?;
    Ok(deployed(
        deployment,
        crate::deploy::blueprint_json(Build::Record),
    )?)
}

/// `validator` as deployed: the applied code and its hash, no parameters left to apply.
fn applied(validator: &Value, script: &DeployedScript) -> Value {
    let mut entry = object(validator);
    entry.remove("parameters");
    entry.insert("compiledCode".into(), json!(hex::encode(&script.bytes)));
    entry.insert("hash".into(), json!(hex::encode(script.hash)));
    let applied: Vec<String> = script
        .params
        .iter()
        .map(|(name, hash)| format!("the hash of `{name}` ({})", hex::encode(hash)))
        .collect();
    let mut description = format!("Deployed as `{}`", script.name);
    if !applied.is_empty() {
        description.push_str(&format!(", with {} applied", applied.join(", then ")));
    }
    entry.insert("description".into(), json!(format!("{description}.")));
    Value::Object(entry)
}

/// `validator` unapplied, titled `<title> (unapplied)`, each parameter saying what the
/// deployment applied.
fn unapplied(validator: Value, script: &DeployedScript, deployment: &Deployment) -> Value {
    let mut entry = object(&validator);
    let title = entry["title"].as_str().unwrap_or_default().to_string();
    entry.insert("title".into(), json!(format!("{title} (unapplied)")));
    if let Some(Value::Array(params)) = entry.get_mut("parameters") {
        for (param, (name, hash)) in params.iter_mut().zip(&script.params) {
            let from = deployment
                .script(name)
                .map_or(String::new(), |s| format!(", validator {}", s.validator));
            if let Some(param) = param.as_object_mut() {
                param.insert(
                    "description".into(),
                    json!(format!(
                        "Deployed with the hash of `{name}`{from}: {}.",
                        hex::encode(hash)
                    )),
                );
            }
        }
    }
    Value::Object(entry)
}

fn object(value: &Value) -> Map<String, Value> {
    value.as_object().cloned().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy::script_hash;

    fn blueprint() -> Value {
        of_record().unwrap()
    }

    fn validator<'a>(blueprint: &'a Value, title: &str) -> &'a Value {
        blueprint["validators"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["title"] == title)
            .unwrap_or_else(|| panic!("no validator {title}"))
    }

    #[test]
    fn applied_validators_carry_the_deployed_code_and_hash() {
        let blueprint = blueprint();
        let deployment = crate::replay::deployment(Build::Record).unwrap();
        for script in &deployment.scripts {
            if script.name == "ledger_probe" {
                continue;
            }
            let titled = |v: &&Value| {
                let title = v["title"].as_str().unwrap();
                title.starts_with(&format!("{}.", script.validator))
                    && !title.ends_with("(unapplied)")
            };
            let entries: Vec<&Value> = blueprint["validators"]
                .as_array()
                .unwrap()
                .iter()
                .filter(titled)
                .collect();
            assert!(!entries.is_empty(), "{}", script.name);
            for entry in entries {
                let code = hex::decode(entry["compiledCode"].as_str().unwrap()).unwrap();
                assert_eq!(code, script.bytes);
                assert_eq!(entry["hash"], hex::encode(script_hash(&code)));
                assert_eq!(entry["hash"], hex::encode(script.hash));
                assert!(entry.get("parameters").is_none());
            }
        }
    }

    #[test]
    fn unapplied_code_is_kept_and_the_probe_left_out() {
        let blueprint = blueprint();
        let titles: Vec<&str> = blueprint["validators"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["title"].as_str().unwrap())
            .collect();
        assert!(!titles.iter().any(|t| t.starts_with(TEST_ONLY)));
        let unapplied = validator(&blueprint, "swaps.one_way_beacon.mint (unapplied)");
        let params = unapplied["parameters"].as_array().unwrap();
        assert_eq!(params.len(), 1);
        assert!(
            params[0]["description"]
                .as_str()
                .unwrap()
                .contains("`ow_swap`")
        );
        let applied = validator(&blueprint, "swaps.one_way_beacon.mint");
        assert_ne!(applied["hash"], unapplied["hash"]);
        // Unparameterised scripts have one entry only.
        assert!(!titles.contains(&"swaps.one_way_swap.spend (unapplied)"));
    }

    #[test]
    fn datums_are_typed() {
        let blueprint = blueprint();
        let swap = validator(&blueprint, "swaps.one_way_swap.spend");
        assert_eq!(
            swap["datum"]["schema"]["$ref"],
            "#/definitions/swaps~1types~1OneWaySwapDatum"
        );
        let loan = validator(&blueprint, "loans.loan.spend");
        assert_eq!(
            loan["datum"]["schema"]["$ref"],
            "#/definitions/loans~1types~1LoanDatum"
        );
    }
}
