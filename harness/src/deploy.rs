//! Deployment: the compiled validators with their parameters applied in dependency order, giving
//! every script's hash (policy id, payment or stake credential), serialised bytes and size.
//!
//! `build.rs` compiles `validators/` twice: [`Build::Record`] (silent traces) is what counts for
//! sizes and costs; [`Build::Traced`] (compact traces) has other hashes and is used only to learn
//! which rule a failing script failed on.

use crate::protocols::ScriptInfo;
use pallas_crypto::hash::Hasher;
use serde::Deserialize;
use std::sync::OnceLock;
use uplc::{
    PlutusData,
    ast::{Data, DeBruijn, Program},
};

/// Which compilation of the validators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Build {
    /// Silent traces: the scripts of record.
    Record,
    /// Compact traces: a failing labelled `expect` logs `<expected> RULE-ID`.
    Traced,
}

/// A script parameter: a hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Param {
    /// The hash of a script deployed before this one (of any protocol), by name.
    Script(&'static str),
    /// A literal hash (another deployment's script, say), with a label for reports.
    Hash(&'static str, [u8; 28]),
}

/// Test-only: proves `lib/ledger` reads the script context in the ledger's layout.
const LEDGER_PROBE: ScriptInfo = ScriptInfo {
    script: "ledger_probe",
    validator: "ledger_probe.ledger_probe",
    params: &[],
    redeemers: &[],
    beacon_variant: None,
};

/// Every script of the kernel in dependency order: each protocol's, in registry order (the
/// shared proxy first), then the ledger probe.
fn specs() -> impl Iterator<Item = &'static ScriptInfo> {
    crate::protocols::all()
        .iter()
        .flat_map(|p| p.scripts)
        .chain([&LEDGER_PROBE])
}

/// One deployed script.
#[derive(Debug, Clone)]
pub struct DeployedScript {
    /// Symbolic name used by fixtures (`proxy`).
    pub name: &'static str,
    /// The blueprint validator it comes from (`proxy.proxy`).
    pub validator: &'static str,
    /// blake2b-224 of `0x03 ‖ bytes`.
    pub hash: [u8; 28],
    /// The serialised script (CBOR byte string of the flat program), as a witness holds it.
    pub bytes: Vec<u8>,
    /// Parameters applied, by script name (or a literal's label) with the hash that was applied.
    pub params: Vec<(&'static str, [u8; 28])>,
    /// Plutus language version from the blueprint preamble (`v3`).
    pub plutus_version: String,
}

impl DeployedScript {
    /// Size in bytes of the serialised script (what a reference script stores and pays for).
    pub fn size(&self) -> usize {
        self.bytes.len()
    }
}

/// All scripts of one build, parameters applied.
#[derive(Debug, Clone)]
pub struct Deployment {
    pub build: Build,
    pub scripts: Vec<DeployedScript>,
}

/// Why a blueprint could not be turned into a deployment (a bug in the build, never user input).
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum Error {
    #[error("blueprint is not valid CIP-57 JSON: {0}")]
    Blueprint(#[from] serde_json::Error),
    #[error("blueprint has no validator `{0}`")]
    MissingValidator(&'static str),
    #[error("validator `{validator}` has bad compiled code: {reason}")]
    BadCode {
        validator: &'static str,
        reason: String,
    },
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Blueprint {
    preamble: Preamble,
    validators: Vec<BlueprintValidator>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Preamble {
    plutus_version: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BlueprintValidator {
    title: String,
    compiled_code: String,
}

static RECORD: OnceLock<Result<Deployment, String>> = OnceLock::new();
static TRACED: OnceLock<Result<Deployment, String>> = OnceLock::new();

impl Deployment {
    /// A deployment of unparameterised scripts with the given names and made-up bytes: what
    /// resolution needs (names, hashes, bytes) for tests that must not depend on the validators
    /// compiling. The scripts do not run.
    pub fn stand_in(build: Build, scripts: &[(&'static str, &[u8])]) -> Deployment {
        let script = |&(name, bytes): &(&'static str, &[u8])| DeployedScript {
            name,
            validator: name,
            hash: script_hash(bytes),
            bytes: bytes.to_vec(),
            params: Vec::new(),
            plutus_version: "v3".to_string(),
        };
        Deployment {
            build,
            scripts: scripts.iter().map(script).collect(),
        }
    }

    /// The deployment of one build, made once per process.
    pub fn of(build: Build) -> Result<&'static Deployment, String> {
        let cell = match build {
            Build::Record => &RECORD,
            Build::Traced => &TRACED,
        };
        let json = blueprint_json(build);
        cell.get_or_init(|| {
            crate::parallel::on_large_stack(|| {
                Deployment::from_blueprint(build, json).map_err(|e| e.to_string())
            })
            .and_then(|deployment| deployment)
        })
        .as_ref()
        .map_err(Clone::clone)
    }

    /// Applies parameters in dependency order to the validators of a CIP-57 blueprint.
    pub fn from_blueprint(build: Build, json: &str) -> Result<Deployment, Error> {
        let blueprint: Blueprint = serde_json::from_str(json)?;
        let mut scripts: Vec<DeployedScript> = Vec::new();
        for spec in specs() {
            let prefix = format!("{}.", spec.validator);
            let code = blueprint
                .validators
                .iter()
                .find(|v| v.title.starts_with(&prefix))
                .ok_or(Error::MissingValidator(spec.validator))?;
            let bad = |reason: String| Error::BadCode {
                validator: spec.validator,
                reason,
            };
            let cbor = hex::decode(&code.compiled_code).map_err(|e| bad(e.to_string()))?;
            let mut params = Vec::with_capacity(spec.params.len());
            for param in spec.params {
                params.push(match *param {
                    Param::Hash(label, hash) => (label, hash),
                    Param::Script(name) => {
                        let dep = scripts
                            .iter()
                            .find(|s| s.name == name)
                            .ok_or(Error::MissingValidator(name))?;
                        (name, dep.hash)
                    }
                });
            }
            let bytes = apply(
                &cbor,
                params.iter().map(|(_, h)| Data::bytestring(h.to_vec())),
            )
            .map_err(bad)?;
            scripts.push(DeployedScript {
                name: spec.script,
                validator: spec.validator,
                hash: script_hash(&bytes),
                bytes,
                params,
                plutus_version: blueprint.preamble.plutus_version.clone(),
            });
        }
        Ok(Deployment { build, scripts })
    }

    /// The script a fixture calls `name`.
    pub fn script(&self, name: &str) -> Option<&DeployedScript> {
        self.scripts.iter().find(|s| s.name == name)
    }
}

/// The compiled CIP-57 blueprint of a build (`build.rs` writes it; parameters unapplied).
pub fn blueprint_json(build: Build) -> &'static str {
    match build {
        Build::Record => include_str!(concat!(env!("OUT_DIR"), "/plutus.json")),
        Build::Traced => include_str!(concat!(env!("OUT_DIR"), "/plutus-traced.json")),
    }
}

/// Applies Data arguments to a serialised script; no arguments leaves the bytes untouched.
fn apply(cbor: &[u8], args: impl Iterator<Item = PlutusData>) -> Result<Vec<u8>, String> {
    let mut args = args.peekable();
    if args.peek().is_none() {
        return Ok(cbor.to_vec());
    }
    let mut flat = Vec::new();
    let mut program = Program::<DeBruijn>::from_cbor(cbor, &mut flat).map_err(|e| e.to_string())?;
    for arg in args {
        program = program.apply_data(arg);
    }
    program.to_cbor().map_err(|e| e.to_string())
}

/// The hash of a Plutus V3 script: blake2b-224 of the language tag 0x03 and the script bytes.
pub fn script_hash(bytes: &[u8]) -> [u8; 28] {
    *Hasher::<224>::hash_tagged(bytes, 3)
}
