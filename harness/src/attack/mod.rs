//! The attack engine (issue 4): from a passing fixture, derive attacked transactions, each
//! changing one thing the way an attacker would, and check that the scripts reject every one.
//!
//! Sits beside [`crate::replay`] in the pipeline: the fixture is resolved ([`crate::resolve`])
//! against the deployment of record, [`catalogue`] derives the attacked [`TxSpec`]s, and each is
//! built, fee settled and evaluated with [`replay::settle`]. An attack is **rejected** when a
//! script fails, or when the attacked transaction breaks a ledger rule (the builder refuses it,
//! or an output is below the minimum lovelace or above the maximum value size, or the
//! transaction is too large). It is **accepted** when every script passes and the ledger would
//! take it: that is a finding, and [`print`] turns it into a fixture to save as a regression.
//!
//! Attacks that could not be built (a bug of the engine, such as a value that no longer
//! balances) are counted as errors, never as rejections.

pub mod catalogue;
pub(crate) mod data;
pub mod print;

use crate::{
    deploy::Build,
    fixture,
    params::Params,
    replay,
    report::Format,
    resolve,
    scenario::{Expect, Scenario, TxSpec},
    tx,
};
use serde::Serialize;
use std::{fmt::Write, path::Path};

/// A class of attack (issue 4's catalogue).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    /// One protocol output made to satisfy two protocol inputs.
    DoubleSatisfaction,
    /// A protocol output sent to another payment or stake credential.
    Redirect,
    /// Less of an asset in a continuing protocol output.
    ValueTheft,
    /// Junk tokens added to a protocol output.
    TokenDust,
    /// A field of a protocol datum changed, the datum removed or given as a hash.
    DatumTampering,
    /// An oversized protocol datum.
    DatumBloat,
    /// A beacon moved out, missing, or forged.
    BeaconTheft,
    /// The owner's signature or approving withdrawal removed.
    MissingAuthorisation,
    /// The same execution with another redeemer constructor.
    OtherRedeemer,
    /// The validity interval widened, removed or moved.
    ValidityRange,
    /// Inputs or outputs placed before the protocol's, positions in redeemers kept.
    PairingConfusion,
    /// A protocol output with a pointer or someone else's stake credential.
    UnauthorisedStake,
}

impl Class {
    /// Every class, in report order.
    pub const ALL: [Class; 12] = [
        Class::DoubleSatisfaction,
        Class::Redirect,
        Class::ValueTheft,
        Class::TokenDust,
        Class::DatumTampering,
        Class::DatumBloat,
        Class::BeaconTheft,
        Class::MissingAuthorisation,
        Class::OtherRedeemer,
        Class::ValidityRange,
        Class::PairingConfusion,
        Class::UnauthorisedStake,
    ];

    /// The class's name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Class::DoubleSatisfaction => "double satisfaction",
            Class::Redirect => "redirect",
            Class::ValueTheft => "value theft",
            Class::TokenDust => "token dust",
            Class::DatumTampering => "datum tampering",
            Class::DatumBloat => "datum bloat",
            Class::BeaconTheft => "beacon theft/forgery",
            Class::MissingAuthorisation => "missing authorisation",
            Class::OtherRedeemer => "other redeemer",
            Class::ValidityRange => "validity range",
            Class::PairingConfusion => "pairing confusion",
            Class::UnauthorisedStake => "unauthorised stake",
        }
    }
}

/// One attacked transaction.
#[derive(Debug, Clone)]
pub struct Attack {
    /// The class it belongs to.
    pub class: Class,
    /// What the attacker changed, readable.
    pub description: String,
    /// The attacked transaction.
    pub tx: TxSpec,
}

/// What became of one attack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "verdict")]
pub enum Verdict {
    /// Some script failed: the purposes of the failing redeemers.
    RejectedByScripts {
        /// Purposes of the failing redeemers (`spend order1 (proxy)`).
        failed: Vec<String>,
    },
    /// Every script passed but the ledger refuses the transaction.
    RejectedByLedger {
        /// The ledger rules it breaks.
        reason: String,
    },
    /// Every script passed and the ledger would take it: a finding.
    Accepted,
}

/// An accepted attack, printable as a regression fixture.
#[derive(Debug, Clone, Serialize)]
pub struct AcceptedAttack {
    /// What the attacker changed.
    pub description: String,
    /// The attacked transaction as fixture JSON (pretty-printed), expected to fail.
    pub fixture: String,
}

/// The attacks of one class on one fixture.
#[derive(Debug, Clone, Serialize)]
pub struct ClassReport {
    /// The class.
    pub class: Class,
    /// Attacks run.
    pub tried: usize,
    /// Attacks some script rejected.
    pub rejected_by_scripts: usize,
    /// Attacks every script accepted but the ledger refuses.
    pub rejected_by_ledger: usize,
    /// Attacks accepted: findings.
    pub accepted: Vec<AcceptedAttack>,
    /// Attacks derived but not run because of the limit.
    pub not_run: usize,
    /// Attacks that could not be built or evaluated (engine bugs, not verdicts).
    pub errors: Vec<String>,
    /// Why the class does not apply to the fixture, when it does not.
    pub not_applicable: Option<String>,
}

impl ClassReport {
    fn new(class: Class) -> ClassReport {
        ClassReport {
            class,
            tried: 0,
            rejected_by_scripts: 0,
            rejected_by_ledger: 0,
            accepted: Vec::new(),
            not_run: 0,
            errors: Vec::new(),
            not_applicable: None,
        }
    }

    /// Attacks rejected, by a script or by the ledger.
    pub fn rejected(&self) -> usize {
        self.rejected_by_scripts + self.rejected_by_ledger
    }

    fn add(&mut self, other: &ClassReport) {
        self.tried += other.tried;
        self.rejected_by_scripts += other.rejected_by_scripts;
        self.rejected_by_ledger += other.rejected_by_ledger;
        self.accepted.extend(other.accepted.iter().cloned());
        self.not_run += other.not_run;
        self.errors.extend(other.errors.iter().cloned());
    }
}

/// The attacks on one fixture.
#[derive(Debug, Clone, Serialize)]
pub struct AttackReport {
    /// The fixture file, with `#step` for a chain's step.
    pub fixture: String,
    /// Its protocol.
    pub protocol: String,
    /// Why the fixture was not attacked (it is not a passing fixture), when it was not.
    pub skipped: Option<String>,
    /// One entry per [`Class`], in [`Class::ALL`] order (empty when skipped).
    pub classes: Vec<ClassReport>,
}

impl AttackReport {
    /// Attacks run.
    pub fn tried(&self) -> usize {
        self.classes.iter().map(|c| c.tried).sum()
    }

    /// Attacks rejected.
    pub fn rejected(&self) -> usize {
        self.classes.iter().map(ClassReport::rejected).sum()
    }

    /// Accepted attacks (findings).
    pub fn accepted(&self) -> usize {
        self.classes.iter().map(|c| c.accepted.len()).sum()
    }

    /// Attacks that could not be run (engine errors).
    pub fn errors(&self) -> usize {
        self.classes.iter().map(|c| c.errors.len()).sum()
    }
}

/// A fixture that could not be attacked at all.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum Error {
    /// The fixture does not load or resolve.
    #[error(transparent)]
    Fixture(#[from] fixture::Error),
    /// The honest transaction cannot be built or evaluated.
    #[error(transparent)]
    Replay(#[from] replay::Error),
    /// The deployment of record could not be made.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Deployment(#[from] replay::DeploymentError),
}

/// Attacks the fixture at `path`, or each step of the chain at `path` that ran and expects
/// `"ok"`: every class
/// of the catalogue, at most `limit` attacks per class (spread evenly over the class's attacks;
/// `None` runs them all). A fixture or step that does not expect `"ok"` or does not pass is
/// reported as skipped.
pub fn attack_file(
    path: &Path,
    params: &Params,
    limit: Option<usize>,
) -> Result<Vec<AttackReport>, Error> {
    if crate::fixture::is_chain(path) {
        let replays = crate::chain::replay_chain(path, params)?;
        return replays
            .steps
            .iter()
            .filter(|step| step.scenario.expect == Expect::Ok)
            .map(|step| attack_scenario(&step.scenario, params, limit))
            .collect();
    }
    let deployment = replay::deployment(Build::Record)?;
    let scenario = resolve::load(path, deployment, &params.slot_config)?;
    Ok(vec![attack_scenario(&scenario, params, limit)?])
}

/// Attacks a resolved scenario; see [`attack_file`].
pub fn attack_scenario(
    scenario: &Scenario,
    params: &Params,
    limit: Option<usize>,
) -> Result<AttackReport, Error> {
    let mut report = AttackReport {
        fixture: scenario.subject(),
        protocol: scenario.protocol.clone(),
        skipped: None,
        classes: Vec::new(),
    };
    if scenario.expect != Expect::Ok {
        report.skipped = Some("the fixture expects a failure".into());
        return Ok(report);
    }
    let honest = replay::settle(&scenario.tx, params, &scenario.path)?;
    if !honest.all_ok() {
        report.skipped = Some("the honest transaction fails a script".into());
        return Ok(report);
    }
    let honest_ledger = replay::over_limits(&honest, params);
    if !honest_ledger.is_empty() {
        report.skipped = Some(format!(
            "the honest transaction breaks a ledger rule: {}",
            honest_ledger.join("; ")
        ));
        return Ok(report);
    }
    let catalogue = catalogue::generate(scenario, params, honest.built.size());
    let rule = print::rule_for(&scenario.protocol, &scenario.rules).unwrap_or_default();
    for class in Class::ALL {
        let mut tally = ClassReport::new(class);
        tally.not_applicable = catalogue.not_applicable.get(&class).cloned();
        let attacks: Vec<&Attack> = catalogue
            .attacks
            .iter()
            .filter(|a| a.class == class)
            .collect();
        let chosen = spread(attacks.len(), limit);
        tally.not_run = attacks.len() - chosen.len();
        for attack in chosen.into_iter().map(|i| attacks[i]) {
            tally.tried += 1;
            match run(&attack.tx, params, &scenario.path) {
                Ok(Verdict::RejectedByScripts { .. }) => tally.rejected_by_scripts += 1,
                Ok(Verdict::RejectedByLedger { .. }) => tally.rejected_by_ledger += 1,
                Ok(Verdict::Accepted) => {
                    let description = format!(
                        "attack ({}) on {}: {}",
                        class.name(),
                        scenario.subject(),
                        attack.description
                    );
                    let json =
                        print::fixture_json(&attack.tx, &scenario.protocol, &description, &rule);
                    tally.accepted.push(AcceptedAttack {
                        description: attack.description.clone(),
                        fixture: serde_json::to_string_pretty(&json).unwrap_or_default(),
                    });
                }
                Err(err) => tally.errors.push(format!("{}: {err}", attack.description)),
            }
        }
        report.classes.push(tally);
    }
    Ok(report)
}

/// Builds, settles and evaluates one attacked transaction. `Err` means the attack itself is
/// broken (it does not balance, or cannot be evaluated), which is no verdict.
pub fn run(tx: &TxSpec, params: &Params, path: &Path) -> Result<Verdict, replay::Error> {
    match replay::settle(tx, params, path) {
        Ok(measured) => {
            if !measured.all_ok() {
                return Ok(Verdict::RejectedByScripts {
                    failed: measured
                        .runs
                        .iter()
                        .filter(|r| !r.ok)
                        .map(|r| r.purpose.clone())
                        .collect(),
                });
            }
            let violations = replay::over_limits(&measured, params);
            if violations.is_empty() {
                Ok(Verdict::Accepted)
            } else {
                Ok(Verdict::RejectedByLedger {
                    reason: violations.join("; "),
                })
            }
        }
        Err(replay::Error::Build {
            source:
                source @ (tx::Error::ValidityBeforeZeroSlot { .. }
                | tx::Error::KeyWithdrawalRedeemer { .. }
                | tx::Error::NativeScriptRedeemer { .. }
                | tx::Error::ZeroQuantity { .. }
                | tx::Error::PolicyLength { .. }
                | tx::Error::Output { .. }),
            ..
        }) => Ok(Verdict::RejectedByLedger {
            reason: source.to_string(),
        }),
        Err(err) => Err(err),
    }
}

/// `limit` indexes out of `0..len`, spread evenly (all of them without a limit).
fn spread(len: usize, limit: Option<usize>) -> Vec<usize> {
    match limit {
        Some(limit) if limit < len => (0..limit).map(|k| k * len / limit).collect(),
        _ => (0..len).collect(),
    }
}

/// Totals per class over several reports.
pub fn totals(reports: &[AttackReport]) -> Vec<ClassReport> {
    let mut totals: Vec<ClassReport> = Class::ALL.iter().map(|c| ClassReport::new(*c)).collect();
    for report in reports {
        for (total, class) in totals.iter_mut().zip(&report.classes) {
            total.add(class);
        }
    }
    totals
}

/// Renders attack reports: per fixture and per class the attacks tried and rejected, totals per
/// class, and every accepted attack with its fixture.
pub fn render(reports: &[AttackReport], format: Format) -> String {
    match format {
        Format::Json => {
            let totals = totals(reports);
            let document = serde_json::json!({ "fixtures": reports, "totals": totals });
            crate::report::json(&document)
        }
        Format::Terminal => render_text(reports, false),
        Format::Markdown => render_text(reports, true),
        Format::Junit => render_junit(reports),
    }
}

/// One JUnit case per fixture and class (suites by class), failing on any accepted attack or
/// engine error.
fn render_junit(reports: &[AttackReport]) -> String {
    use crate::junit::{self, Case, Failure};
    let cases = reports.iter().flat_map(|report| {
        report.classes.iter().map(|c| {
            let findings: Vec<String> = c
                .accepted
                .iter()
                .map(|a| format!("accepted: {}\n{}", a.description, a.fixture))
                .chain(c.errors.iter().map(|e| format!("error: {e}")))
                .collect();
            let failure = (!findings.is_empty()).then(|| Failure {
                message: format!(
                    "{} accepted, {} error(s) of {} tried",
                    c.accepted.len(),
                    c.errors.len(),
                    c.tried
                ),
                detail: findings.join("\n\n"),
            });
            (
                c.class.name().to_string(),
                Case::at(&report.fixture, failure),
            )
        })
    });
    junit::render("harness attack", &junit::group(cases))
}

fn render_text(reports: &[AttackReport], markdown: bool) -> String {
    let mut out = String::new();
    let header = [
        "class",
        "tried",
        "rejected",
        "by scripts",
        "by ledger",
        "accepted",
        "errors",
        "note",
    ];
    let row = |out: &mut String, cells: &[String]| {
        if markdown {
            let _ = writeln!(out, "| {} |", cells.join(" | "));
        } else {
            let _ = writeln!(
                out,
                "  {:<22} {:>6} {:>8} {:>10} {:>9} {:>8} {:>6}  {}",
                cells[0], cells[1], cells[2], cells[3], cells[4], cells[5], cells[6], cells[7]
            );
        }
    };
    let table = |out: &mut String, classes: &[ClassReport]| {
        row(out, &header.map(String::from));
        if markdown {
            let _ = writeln!(out, "|{}", "---|".repeat(header.len()));
        }
        for c in classes {
            let note = match (&c.not_applicable, c.not_run) {
                (Some(reason), _) => format!("not applicable: {reason}"),
                (None, 0) => String::new(),
                (None, n) => format!("{n} more not run (limit)"),
            };
            row(
                out,
                &[
                    c.class.name().to_string(),
                    c.tried.to_string(),
                    c.rejected().to_string(),
                    c.rejected_by_scripts.to_string(),
                    c.rejected_by_ledger.to_string(),
                    c.accepted.len().to_string(),
                    c.errors.len().to_string(),
                    note,
                ],
            );
        }
    };
    for report in reports {
        let title = &report.fixture;
        if let Some(reason) = &report.skipped {
            let _ = writeln!(out, "{title}: skipped ({reason})");
            continue;
        }
        let _ = writeln!(
            out,
            "{}{title}: {} attacks, {} rejected, {} accepted{}",
            if markdown { "### " } else { "" },
            report.tried(),
            report.rejected(),
            report.accepted(),
            if report.errors() > 0 {
                format!(", {} errors", report.errors())
            } else {
                String::new()
            }
        );
        if markdown {
            let _ = writeln!(out);
        }
        table(&mut out, &report.classes);
        let _ = writeln!(out);
    }
    let attacked = reports.iter().filter(|r| r.skipped.is_none()).count();
    let all = totals(reports);
    let accepted: usize = all.iter().map(|c| c.accepted.len()).sum();
    let _ = writeln!(
        out,
        "{}total over {attacked} fixture(s): {} attacks, {} rejected, {accepted} accepted",
        if markdown { "### " } else { "" },
        all.iter().map(|c| c.tried).sum::<usize>(),
        all.iter().map(ClassReport::rejected).sum::<usize>(),
    );
    if markdown {
        let _ = writeln!(out);
    }
    let mut summary = all.clone();
    for c in &mut summary {
        c.not_applicable = None;
    }
    table(&mut out, &summary);
    for report in reports {
        for class in &report.classes {
            for accepted in &class.accepted {
                let _ = writeln!(
                    out,
                    "\nACCEPTED {} on {}: {}\n{}",
                    class.class.name(),
                    report.fixture,
                    accepted.description,
                    accepted.fixture
                );
            }
            for error in &class.errors {
                let _ = writeln!(
                    out,
                    "\nERROR {} on {}: {error}",
                    class.class.name(),
                    report.fixture
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy::Deployment;
    use crate::scenario::{Address, Credential, Datum, Input, OutRef, Output, Stake, Utxo, Value};

    fn fixture(name: &str) -> std::path::PathBuf {
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../fixtures/swaps/one_way")
            .join(name)
    }

    #[test]
    fn limits_spread_over_the_attacks() {
        assert_eq!(spread(10, Some(3)), vec![0, 3, 6]);
        assert_eq!(spread(2, Some(3)), vec![0, 1]);
        assert_eq!(spread(3, None), vec![0, 1, 2]);
    }

    /// A native-script-locked UTxO spent with its key's signature: nothing in it is protected by
    /// a Plutus script, so a change to the attacker's own output must come back accepted.
    #[test]
    fn a_harmless_change_is_reported_accepted() {
        let params = Params::mainnet().unwrap();
        let native = resolve::native_script_hash(catalogue::attacker_hash()).unwrap();
        let mut tx = TxSpec::default();
        tx.keys
            .insert(catalogue::attacker_hash(), catalogue::ATTACKER.into());
        tx.scripts.insert(
            native,
            crate::scenario::Script::Signature {
                key: catalogue::ATTACKER.into(),
            },
        );
        tx.inputs.push(Input {
            utxo: Utxo {
                name: "locked".into(),
                out_ref: OutRef {
                    tx_id: [1; 32],
                    index: 0,
                },
                output: Output {
                    address: Address {
                        payment: Credential::Script(native),
                        stake: Stake::None,
                    },
                    value: Value {
                        lovelace: 10_000_000,
                        ..Value::default()
                    },
                    datum: Datum::None,
                    reference_script: None,
                },
            },
            redeemer: None,
        });
        tx.outputs.push(crate::scenario::TxOutput {
            output: Output {
                address: Address {
                    payment: Credential::Key(catalogue::attacker_hash()),
                    stake: Stake::None,
                },
                value: Value::default(),
                datum: Datum::None,
                reference_script: None,
            },
            change: true,
        });
        let path = Path::new("harmless.json");
        assert_eq!(run(&tx, &params, path).ok(), Some(Verdict::Accepted));
        tx.outputs[0].output.address.stake = Stake::Pointer(1, 2, 3);
        assert_eq!(run(&tx, &params, path).ok(), Some(Verdict::Accepted));
    }

    #[test]
    fn a_harmless_change_to_a_fill_is_accepted_and_prints_as_a_fixture() {
        let params = Params::mainnet().unwrap();
        let deployment = Deployment::of(Build::Record).unwrap();
        let path = fixture("fill/fill_partial_token_to_ada_swap_at.json");
        let scenario = resolve::load(&path, deployment, &params.slot_config).unwrap();
        let mut tx = scenario.tx.clone();
        let change = tx.outputs.iter().position(|o| o.change).unwrap();
        tx.outputs[change].output.address.stake =
            Stake::Inline(Credential::Key(catalogue::attacker_hash()));
        tx.keys
            .insert(catalogue::attacker_hash(), catalogue::ATTACKER.into());
        assert_eq!(run(&tx, &params, &path).ok(), Some(Verdict::Accepted));

        let rule = print::rule_for(&scenario.protocol, &scenario.rules).unwrap();
        let json = print::fixture_json(&tx, &scenario.protocol, "round trip", &rule);
        let text = serde_json::to_string_pretty(&json).unwrap();
        let parsed = fixture::parse("printed.json", &text).unwrap();
        let back = resolve::resolve(
            &parsed,
            Path::new("printed.json"),
            deployment,
            &params.slot_config,
        )
        .unwrap();
        assert_eq!(back.expect, Expect::Fail(rule));
        assert_eq!(back.tx.inputs, tx.inputs);
        assert_eq!(back.tx.outputs, tx.outputs);
        assert_eq!(back.tx.mint, tx.mint);
        assert_eq!(back.tx.required_signers, tx.required_signers);
        assert_eq!(run(&back.tx, &params, &path).ok(), Some(Verdict::Accepted));
    }

    #[test]
    fn printed_attacks_round_trip_and_keep_their_verdict() {
        let params = Params::mainnet().unwrap();
        let deployment = Deployment::of(Build::Record).unwrap();
        let path = fixture("fill/fill_and_create_same_tx.json");
        let scenario = resolve::load(&path, deployment, &params.slot_config).unwrap();
        let honest = replay::settle(&scenario.tx, &params, &path).unwrap();
        let catalogue = catalogue::generate(&scenario, &params, honest.built.size());
        let rule = print::rule_for(&scenario.protocol, &scenario.rules).unwrap();
        let mut checked = 0;
        for class in Class::ALL {
            let Some(attack) = catalogue.attacks.iter().find(|a| a.class == class) else {
                continue;
            };
            let json = print::fixture_json(&attack.tx, "swaps", &attack.description, &rule);
            let parsed = fixture::parse("printed.json", &json.to_string()).unwrap();
            let back = resolve::resolve(
                &parsed,
                Path::new("printed.json"),
                deployment,
                &params.slot_config,
            )
            .unwrap_or_else(|e| panic!("{}: {e}", attack.description));
            assert_eq!(back.tx.inputs, attack.tx.inputs, "{}", attack.description);
            assert_eq!(back.tx.outputs, attack.tx.outputs, "{}", attack.description);
            assert_eq!(back.tx.mint, attack.tx.mint, "{}", attack.description);
            assert_eq!(
                run(&back.tx, &params, &path).ok(),
                run(&attack.tx, &params, &path).ok(),
                "{}",
                attack.description
            );
            checked += 1;
        }
        assert!(checked >= 8, "{checked}");
    }

    /// A partial payment that takes exactly the collateral the proportionality rule allows
    /// (LOAN-PAY-12): its continuing Active output, created with the borrower's approval, still
    /// secures the lender, so one more unit of any priced collateral asset taken is an attack,
    /// and the payment observer rejects every one.
    #[test]
    fn collateral_at_the_limit_is_protected_to_the_unit() {
        let params = Params::mainnet().unwrap();
        let deployment = Deployment::of(Build::Record).unwrap();
        let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../fixtures/loans/pay/pay_partial_collateral_at_the_limit.json");
        let scenario = resolve::load(&path, deployment, &params.slot_config).unwrap();
        let honest = replay::settle(&scenario.tx, &params, &path).unwrap();
        let catalogue = catalogue::generate(&scenario, &params, honest.built.size());
        let one_more: Vec<&Attack> = catalogue
            .attacks
            .iter()
            .filter(|a| a.class == Class::ValueTheft && a.description.contains("securing"))
            .filter(|a| a.description.contains(": 1 of "))
            .collect();
        assert!(!one_more.is_empty());
        for attack in one_more {
            let verdict = run(&attack.tx, &params, &path).unwrap();
            assert!(
                matches!(verdict, Verdict::RejectedByScripts { .. }),
                "{}: {verdict:?}",
                attack.description
            );
        }
    }

    #[test]
    fn failing_fixtures_are_skipped() {
        let params = Params::mainnet().unwrap();
        let path = fixture("fill/fill_ask_one_unit_short.json");
        let [report] = attack_file(&path, &params, Some(1))
            .unwrap()
            .try_into()
            .unwrap();
        assert!(report.skipped.is_some());
        assert_eq!(report.tried(), 0);
    }

    #[test]
    fn reports_render_per_class() {
        let params = Params::mainnet().unwrap();
        let path = fixture("create/create_one_token_to_ada.json");
        let [report] = attack_file(&path, &params, Some(2))
            .unwrap()
            .try_into()
            .unwrap();
        assert!(report.skipped.is_none());
        assert_eq!(report.classes.len(), Class::ALL.len());
        let text = render(std::slice::from_ref(&report), Format::Terminal);
        assert!(text.contains("token dust"), "{text}");
        assert!(text.contains("not applicable"), "{text}");
        let json: serde_json::Value =
            serde_json::from_str(&render(&[report], Format::Json)).unwrap();
        assert_eq!(json["totals"].as_array().unwrap().len(), Class::ALL.len());
    }
}
