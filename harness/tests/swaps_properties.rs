//! Property tests of the swap validators (issue 5 item 2), one-way and two-way, over every
//! action: create, close, update by withdrawal and by mint, convert, fill (`Swap`/`SwapAt`,
//! `TakeAsset1/2`/`TakeAsset1/2At`).
//!
//! - Every generated valid transaction is accepted by the deployment of record.
//! - Each targeted mutation of a generated transaction is rejected, and the traced deployment
//!   names the rule it breaks (or one of that rule's `via` checks).
//! - Arithmetic: a fill passes exactly when `offer_taken × num ≤ ask_given × den`, so a taker
//!   never gets a better rate than the stored price and rounding favours the owner; zero and
//!   negative prices never pass the beacon check.
//!
//! Runs are deterministic (fixed ChaCha seed, no failure persistence). A failure shrinks, then
//! prints the minimal transaction as a fixture (raw forms, record deployment's hashes) that can
//! be saved under `fixtures/` as a regression, and the test fails.

mod fixture_json;
mod model;

use harness::{
    deploy::Build,
    parallel,
    params::Params,
    replay::{self, Measured},
    rules,
    scenario::{Address, Credential, Datum, Mint, Stake, TxSpec},
};
use model::{Action, Built, Case, Dep, OWNERS, TAKER, build, case_of, constr, int, key};
use num_bigint::BigInt;
use pallas_primitives::PlutusData;
use proptest::{
    prelude::*,
    strategy::ValueTree,
    test_runner::{Config, RngAlgorithm, RngSeed, TestCaseError, TestError, TestRunner},
};
use std::{cell::RefCell, collections::BTreeMap, path::Path, time::Instant};
use uplc::ast::Data;

/// The fixed seed of every property.
const SEED: u64 = 0x5eed_5a4b_2025;
/// Most swaps in one generated transaction.
const BATCH: usize = 4;

/// What a mutated (or unmutated) transaction must do.
#[derive(Debug, Clone)]
enum Expect {
    Accept,
    /// Rejected, the traced scripts naming one of these rules (or one of their `via` checks).
    Reject(Vec<&'static str>),
}

/// A targeted change to a built transaction; `None` when it does not apply to this case.
/// `pick` is a generated number the mutation uses to choose a swap, a field, a variant.
type Mutator = fn(&Case, u64, &mut Built, &Dep) -> Option<Expect>;

struct Ctx {
    record: Dep,
    traced: Dep,
    params: Params,
}

impl Ctx {
    fn new() -> Ctx {
        Ctx {
            record: Dep::of(Build::Record),
            traced: Dep::of(Build::Traced),
            params: Params::mainnet().expect("mainnet parameters"),
        }
    }

    fn settle(&self, spec: &TxSpec) -> Result<Measured, String> {
        replay::settle(spec, &self.params, Path::new("properties")).map_err(|e| e.to_string())
    }
}

/// Tallies of one property, printed at the end.
#[derive(Default, Debug)]
struct Tally {
    accepted: u32,
    rejected: u32,
    not_applicable: u32,
    by_action: BTreeMap<String, u32>,
    /// Parts of the input space the evaluated cases covered.
    features: BTreeMap<&'static str, u32>,
}

/// The parts of the input space a case touches, for the coverage line of the report.
fn features(case: &Case, built: &Built) -> Vec<&'static str> {
    let mut f = Vec::new();
    let s = &case.swaps;
    let tw = s.iter().filter(|x| x.two_way).count();
    if tw < s.len() {
        f.push("one-way");
    }
    if tw > 0 {
        f.push("two-way");
    }
    if tw > 0 && tw < s.len() {
        f.push("mixed variants");
    }
    if s.len() > 1 {
        f.push("batch");
    }
    if s.iter().any(|x| x.owner != s[0].owner) {
        f.push("several owners");
    }
    if s.iter()
        .any(|x| x.a == model::Asset::Ada || x.b == model::Asset::Ada)
    {
        f.push("ADA side");
    }
    if s.iter()
        .any(|x| x.a != model::Asset::Ada && x.b != model::Asset::Ada)
    {
        f.push("token/token");
    }
    if s.iter().any(|x| x.a.class().0 == x.b.class().0) {
        f.push("one policy, two names");
    }
    if s.iter().any(|x| {
        [x.p1, x.p2]
            .iter()
            .any(|p| p.num > u128::from(u64::MAX) || p.den > u128::from(u64::MAX))
    }) {
        f.push("price part > 2^64");
    }
    for fill in &built.fills {
        f.push(if fill.take == fill.offer_in {
            "full fill"
        } else {
            "partial fill"
        });
        if fill.two_way {
            f.push(if fill.offer < fill.ask {
                "TakeAsset1"
            } else {
                "TakeAsset2"
            });
        }
    }
    if case.action == Action::Fill {
        f.push(if s.iter().any(|x| x.scan) {
            "fill by scan"
        } else {
            "fill by index only"
        });
    }
    if built
        .spec
        .inputs
        .iter()
        .any(|i| i.redeemer == Some(constr(1, vec![])))
        && !built.spec.withdrawals.is_empty()
        && case.action != Action::UpdateByWithdrawal
    {
        f.push("owner spend by withdrawal in a minting tx");
    }
    f
}

fn via_matches(expected: &[&str], logged: &[String]) -> bool {
    expected.iter().any(|rule| {
        let via = rules::find(rule).map(|r| r.via.clone()).unwrap_or_default();
        logged
            .iter()
            .any(|l| l == rule || via.contains(&l.as_str()))
    })
}

fn failures(m: &Measured) -> String {
    m.runs
        .iter()
        .filter(|r| !r.ok)
        .map(|r| {
            format!(
                "{}: {} {:?}",
                r.purpose,
                r.error.clone().unwrap_or_default(),
                r.traces
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Builds, mutates and evaluates one case; checks the expectation.
fn check(
    ctx: &Ctx,
    case: &Case,
    pick: u64,
    mutate: Mutator,
    tally: &RefCell<Tally>,
) -> Result<(), TestCaseError> {
    let mut record = build(case, &ctx.record);
    let Some(expect) = mutate(case, pick, &mut record, &ctx.record) else {
        tally.borrow_mut().not_applicable += 1;
        return Ok(());
    };
    let measured = ctx.settle(&record.spec).map_err(TestCaseError::fail)?;
    let traced_rules = || -> Result<Vec<String>, TestCaseError> {
        let mut traced = build(case, &ctx.traced);
        mutate(case, pick, &mut traced, &ctx.traced);
        let m = ctx.settle(&traced.spec).map_err(TestCaseError::fail)?;
        Ok(replay::failing_rules(&m.runs))
    };
    match expect {
        Expect::Accept => {
            if !measured.all_ok() {
                return Err(TestCaseError::fail(format!(
                    "expected acceptance, rejected (traced rules {:?}): {}",
                    traced_rules()?,
                    failures(&measured)
                )));
            }
            tally.borrow_mut().accepted += 1;
        }
        Expect::Reject(rules) => {
            if measured.all_ok() {
                return Err(TestCaseError::fail(format!(
                    "expected rejection for {rules:?}, but every script accepted"
                )));
            }
            let logged = traced_rules()?;
            if !via_matches(&rules, &logged) {
                return Err(TestCaseError::fail(format!(
                    "rejected for {logged:?}, expected one of {rules:?}: {}",
                    failures(&measured)
                )));
            }
            tally.borrow_mut().rejected += 1;
        }
    }
    for feature in features(case, &record) {
        *tally.borrow_mut().features.entry(feature).or_default() += 1;
    }
    *tally
        .borrow_mut()
        .by_action
        .entry(format!("{:?}", case.action))
        .or_default() += 1;
    Ok(())
}

/// Renders the (mutated) record transaction of a case as a fixture.
fn fixture_of(ctx: &Ctx, name: &str, case: &Case, pick: u64, mutate: Mutator) -> String {
    let mut built = build(case, &ctx.record);
    let expect = mutate(case, pick, &mut built, &ctx.record);
    let (rules, fail) = match &expect {
        Some(Expect::Reject(rules)) => (rules.clone(), rules.first().copied()),
        _ => (vec![representative_rule(case)], None),
    };
    fixture_json::render(
        &built.spec,
        &format!("proptest regression: {name} ({:?})", case.action),
        &rules,
        fail,
    )
}

/// A rule an accepted transaction of this action exercises (fixtures list at least one).
fn representative_rule(case: &Case) -> &'static str {
    let tw = case.swaps.first().is_some_and(|s| s.two_way);
    match (case.action, tw) {
        (Action::Create, false) => "SWAP-OW-CREATE-13",
        (Action::Create, true) => "SWAP-TW-CREATE-15",
        (Action::Close, false) => "SWAP-OW-CLOSE-01",
        (Action::Close, true) => "SWAP-TW-CLOSE-01",
        (Action::UpdateByWithdrawal, false) => "SWAP-OW-UPDATE-04",
        (Action::UpdateByWithdrawal, true) => "SWAP-TW-UPDATE-01",
        (Action::UpdateByMint, false) => "SWAP-OW-UPDATE-05",
        (Action::UpdateByMint, true) => "SWAP-TW-OWNER-01",
        (Action::Convert, false) => "SWAP-OW-CONVERT-01",
        (Action::Convert, true) => "SWAP-TW-CONVERT-01",
        (Action::Fill, false) => "SWAP-OW-EXEC-09",
        (Action::Fill, true) => "SWAP-TW-EXEC-08",
    }
}

/// Runs one property over `cases` generated cases; on failure prints the shrunk case and its
/// fixture, then panics. All cases run on one large-stack thread, so each script is decoded once
/// for the whole property, not once per evaluation.
fn property(name: &str, cases: u32, strategy: impl Strategy<Value = Case> + Send, mutate: Mutator) {
    parallel::on_large_stack(|| property_here(name, cases, strategy, mutate))
        .unwrap_or_else(|e| panic!("property `{name}`: {e}"));
}

fn property_here(name: &str, cases: u32, strategy: impl Strategy<Value = Case>, mutate: Mutator) {
    let ctx = Ctx::new();
    let tally = RefCell::new(Tally::default());
    let config = Config {
        cases,
        failure_persistence: None,
        rng_algorithm: RngAlgorithm::ChaCha,
        rng_seed: RngSeed::Fixed(SEED),
        max_shrink_iters: 512,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let started = Instant::now();
    let result = runner.run(&(strategy, any::<u64>()), |(case, pick)| {
        check(&ctx, &case, pick, mutate, &tally)
    });
    let t = tally.into_inner();
    println!(
        "property `{name}`: {cases} cases, {} accepted, {} rejected for the expected rule, {} not applicable, per action {:?}, covering {:?} ({:.1}s)",
        t.accepted,
        t.rejected,
        t.not_applicable,
        t.by_action,
        t.features,
        started.elapsed().as_secs_f64()
    );
    match result {
        Ok(()) => {}
        Err(TestError::Fail(reason, (case, pick))) => {
            println!("minimal failing case: {case:#?}\npick: {pick}");
            println!(
                "fixture (save under fixtures/ as a regression):\n{}",
                fixture_of(&ctx, name, &case, pick, mutate)
            );
            panic!("property `{name}` failed: {reason}");
        }
        Err(TestError::Abort(reason)) => panic!("property `{name}` aborted: {reason}"),
    }
}

// ## Helpers for mutations

fn pick_swap(case: &Case, pick: u64) -> usize {
    (pick % case.swaps.len() as u64) as usize
}

fn variant_rule(two_way: bool, ow: &'static str, tw: &'static str) -> &'static str {
    if two_way { tw } else { ow }
}

fn datum_fields_mut(built: &mut Built, out: usize) -> &mut Vec<PlutusData> {
    let Datum::Inline(PlutusData::Constr(c)) = &mut built.spec.outputs[out].output.datum else {
        panic!("swap outputs carry an inline constructor datum")
    };
    match &mut c.fields {
        pallas_primitives::MaybeIndefArray::Def(v)
        | pallas_primitives::MaybeIndefArray::Indef(v) => v,
    }
}

fn mint_add(spec: &mut TxSpec, policy: [u8; 28], name: &[u8], delta: i64) {
    let at = match spec.mint.iter().position(|m| m.policy == policy) {
        Some(at) => at,
        None => {
            spec.mint.push(Mint {
                policy,
                assets: Vec::new(),
                redeemer: Some(constr(0, vec![])),
            });
            spec.mint.len() - 1
        }
    };
    let assets = &mut spec.mint[at].assets;
    match assets.iter().position(|(n, _)| n == name) {
        Some(i) => assets[i].1 += delta,
        None => assets.push((name.to_vec(), delta)),
    }
    assets.retain(|(_, q)| *q != 0);
    if assets.is_empty() {
        spec.mint.remove(at);
    }
}

// ## Mutations

fn valid(_: &Case, _: u64, _: &mut Built, _: &Dep) -> Option<Expect> {
    Some(Expect::Accept)
}

/// The price arithmetic oracle: set what swap j's fill takes and pays; it must pass exactly when
/// `take × num ≤ pay × den` (and `pay ≥ 0`).
fn pay_and_take(built: &mut Built, j: usize, take: u64, pay: u64) -> Expect {
    let f = built.fills[j].clone();
    let out = built.swap_out[j].expect("a fill output");
    let value = &mut built.spec.outputs[out].output.value;
    model::set_holding(value, &f.offer, f.offer_in - take);
    model::set_holding(value, &f.ask, f.ask_in + pay);
    if pay > f.pay {
        // The taker brings the extra payment.
        let taker = built
            .spec
            .inputs
            .iter_mut()
            .find(|i| i.utxo.name == "taker_funds")
            .expect("a fill has the taker's input");
        model::add(&mut taker.utxo.output.value, &f.ask, pay - f.pay);
    }
    if f.fair(i128::from(take), i128::from(pay)) {
        Expect::Accept
    } else {
        Expect::Reject(vec![f.price_rule()])
    }
}

fn pay_one_short(case: &Case, pick: u64, built: &mut Built, _: &Dep) -> Option<Expect> {
    let j = pick_swap(case, pick);
    let f = built.fills[j].clone();
    // take ≥ 1, so the minimum payment is ≥ 1 and ceil(take × num / den) − 1 is unfair.
    assert!(f.take >= 1 && !f.fair(i128::from(f.take), i128::from(f.pay) - 1));
    Some(pay_and_take(built, j, f.take, f.pay - 1))
}

fn take_one_more(case: &Case, pick: u64, built: &mut Built, _: &Dep) -> Option<Expect> {
    let j = pick_swap(case, pick);
    let f = built.fills[j].clone();
    if f.take >= f.offer_in {
        return None; // a full fill: nothing left to take
    }
    Some(pay_and_take(built, j, f.take + 1, f.pay))
}

/// Any payment near or far from the minimum, any take up to the offer: the scripts must agree
/// with the exact oracle.
fn arbitrary_rate(case: &Case, pick: u64, built: &mut Built, _: &Dep) -> Option<Expect> {
    let j = pick_swap(case, pick);
    let f = built.fills[j].clone();
    let r = pick / 8;
    let take = match (pick / 4) % 2 {
        0 => f.take,
        _ => r % (f.offer_in + 1),
    };
    let min = u64::try_from(model::min_pay(take, &f.num, &f.den)).unwrap_or(u64::MAX);
    let pay = match (pick / 2) % 2 + 2 * ((pick / 16) % 2) {
        0 => min,
        1 => min.saturating_sub(1 + r % 3),
        2 => min.saturating_add(r % 3),
        _ => r % (2 * min.min(model::MAXPAY) + 2),
    }
    .min(model::MAXPAY * 2);
    Some(pay_and_take(built, j, take, pay))
}

fn take_from_ask(case: &Case, pick: u64, built: &mut Built, _: &Dep) -> Option<Expect> {
    let j = pick_swap(case, pick);
    let f = built.fills[j].clone();
    if f.ask_in == 0 {
        return None;
    }
    let out = built.swap_out[j].expect("a fill output");
    let value = &mut built.spec.outputs[out].output.value;
    model::set_holding(value, &f.offer, f.offer_in);
    model::set_holding(value, &f.ask, f.ask_in - 1);
    Some(Expect::Reject(vec![f.ask_rule()]))
}

fn change_datum_field(case: &Case, pick: u64, built: &mut Built, _: &Dep) -> Option<Expect> {
    let j = pick_swap(case, pick);
    let two_way = case.swaps[j].two_way;
    let out = built.swap_out[j]?;
    let (p1, p2) = built.out_terms[j].as_ref().map(|t| (t.p1, t.p2))?;
    let fields = datum_fields_mut(built, out);
    let k = ((pick / 8) % fields.len() as u64) as usize;
    let changed = match &fields[k] {
        PlutusData::BoundedBytes(b) => {
            let mut b = b.to_vec();
            match b.last_mut() {
                Some(last) if pick.is_multiple_of(2) => *last ^= 1,
                _ => b.push(0),
            }
            Data::bytestring(b)
        }
        // A rational: numerator + 1 (the terms hold the stored prices in datum order).
        PlutusData::Constr(c) if c.fields.len() == 2 => {
            let q = if k == 8 { p1 } else { p2 };
            constr(0, vec![int(q.num + 1), int(q.den)])
        }
        // prev_input: Some(own ref) becomes None.
        PlutusData::Constr(_) => constr(1, vec![]),
        other => other.clone(),
    };
    fields[k] = changed;
    Some(Expect::Reject(vec![variant_rule(
        two_way,
        "SWAP-OW-EXEC-05",
        "SWAP-TW-EXEC-05",
    )]))
}

fn other_address(pick: u64, original: &Address, dep: &Dep, two_way: bool) -> Address {
    match pick % 4 {
        0 => Address {
            stake: Stake::Inline(Credential::Key(key(TAKER))),
            ..*original
        },
        1 => Address {
            stake: Stake::None,
            ..*original
        },
        2 => Address {
            payment: Credential::Script(dep.swap(!two_way)),
            ..*original
        },
        _ => Address {
            payment: Credential::Key(key(OWNERS[0])),
            ..*original
        },
    }
}

/// A fill's continuing output goes to another address (payment or stake part).
fn redirect_fill_output(case: &Case, pick: u64, built: &mut Built, dep: &Dep) -> Option<Expect> {
    let j = pick_swap(case, pick);
    let two_way = case.swaps[j].two_way;
    let out = built.swap_out[j]?;
    let o = &mut built.spec.outputs[out].output;
    o.address = other_address(pick / 8, &o.address, dep, two_way);
    Some(Expect::Reject(vec![variant_rule(
        two_way,
        "SWAP-OW-EXEC-05",
        "SWAP-TW-EXEC-05",
    )]))
}

/// A created, updated or converted beacon output goes to a key address, the other variant's
/// swap script, or loses its stake credential.
fn redirect_beacon_output(case: &Case, pick: u64, built: &mut Built, dep: &Dep) -> Option<Expect> {
    let j = pick_swap(case, pick);
    let out = built.swap_out[j]?;
    let two_way = built.out_terms[j].as_ref()?.two_way;
    let o = &mut built.spec.outputs[out].output;
    let (rule03, rule04) = if two_way {
        ("SWAP-TW-CREATE-03", "SWAP-TW-CREATE-04")
    } else {
        ("SWAP-OW-CREATE-03", "SWAP-OW-CREATE-04")
    };
    let expected = match (pick / 8) % 3 {
        0 => {
            o.address.stake = Stake::None;
            rule04
        }
        1 => {
            o.address.payment = Credential::Script(dep.swap(!two_way));
            rule03
        }
        _ => {
            o.address.payment = Credential::Key(key(OWNERS[0]));
            rule03
        }
    };
    Some(Expect::Reject(vec![expected]))
}

/// One beacon leaves a swap output: for a created swap the mint shrinks by one (the output holds
/// two kinds), for a fill it goes to the taker's change.
fn drop_beacon(case: &Case, pick: u64, built: &mut Built, dep: &Dep) -> Option<Expect> {
    let j = pick_swap(case, pick);
    let out = built.swap_out[j]?;
    let t = built.out_terms[j].clone()?;
    let policy = dep.beacon(t.two_way);
    let name = t.names[((pick / 8) % 3) as usize].to_vec();
    built.spec.outputs[out]
        .output
        .value
        .assets
        .remove(&(policy.to_vec(), name.clone()));
    let rules = if case.action == Action::Fill {
        vec![
            variant_rule(t.two_way, "SWAP-OW-EXEC-06", "SWAP-TW-EXEC-06"),
            "SWAP-COM-07",
        ]
    } else {
        mint_add(&mut built.spec, policy, &name, -1);
        vec![variant_rule(
            t.two_way,
            "SWAP-OW-CREATE-02",
            "SWAP-TW-CREATE-02",
        )]
    };
    Some(Expect::Reject(rules))
}

/// A swap output gets one more beacon, minted for it: a second unit of one of its names, or a
/// fourth name.
fn add_beacon(case: &Case, pick: u64, built: &mut Built, dep: &Dep) -> Option<Expect> {
    let j = pick_swap(case, pick);
    let out = built.swap_out[j]?;
    let t = built.out_terms[j].clone()?;
    let policy = dep.beacon(t.two_way);
    let (name, rules) = if (pick / 8).is_multiple_of(2) {
        (
            t.names[((pick / 16) % 3) as usize].to_vec(),
            vec![
                "SWAP-COM-07",
                variant_rule(t.two_way, "SWAP-OW-CREATE-13", "SWAP-TW-CREATE-15"),
            ],
        )
    } else {
        (
            [0xee; 32].to_vec(),
            vec![variant_rule(
                t.two_way,
                "SWAP-OW-CREATE-02",
                "SWAP-TW-CREATE-02",
            )],
        )
    };
    model::add(
        &mut built.spec.outputs[out].output.value,
        &(policy.to_vec(), name.clone()),
        1,
    );
    mint_add(&mut built.spec, policy, &name, 1);
    let mut rules = rules;
    if case.action == Action::Fill {
        // The spend script sees the malformed output too.
        rules.push(variant_rule(
            t.two_way,
            "SWAP-OW-EXEC-06",
            "SWAP-TW-EXEC-06",
        ));
    }
    Some(Expect::Reject(rules))
}

/// One extra beacon of swap j's names is minted (or one fewer burned); it lands in the change.
fn mint_extra_beacon(case: &Case, pick: u64, built: &mut Built, dep: &Dep) -> Option<Expect> {
    let j = pick_swap(case, pick);
    let s = &case.swaps[j];
    let t = s.terms();
    let name = t.names[((pick / 8) % 3) as usize].to_vec();
    mint_add(&mut built.spec, dep.beacon(t.two_way), &name, 1);
    if built
        .spec
        .mint
        .iter()
        .all(|m| m.policy != dep.beacon(t.two_way))
    {
        return None; // the extra unit cancelled the only burn under that policy
    }
    Some(Expect::Reject(vec![
        variant_rule(t.two_way, "SWAP-OW-CREATE-02", "SWAP-TW-CREATE-02"),
        variant_rule(t.two_way, "SWAP-OW-CREATE-13", "SWAP-TW-CREATE-15"),
        "SWAP-COM-07",
    ]))
}

/// The owner of swap j no longer signs.
fn remove_approval(case: &Case, pick: u64, built: &mut Built, _: &Dep) -> Option<Expect> {
    let j = pick_swap(case, pick);
    let owner = OWNERS[case.swaps[j].owner];
    built.spec.required_signers.retain(|s| s != owner);
    let tw = case.swaps[j].two_way;
    Some(Expect::Reject(vec![
        "SWAP-COM-02",
        variant_rule(tw, "SWAP-OW-OWNER-01", "SWAP-TW-OWNER-01"),
        variant_rule(tw, "SWAP-OW-OWNER-02", "SWAP-TW-OWNER-02"),
    ]))
}

/// Zero and negative prices in a created swap's datum.
fn sign_trick(case: &Case, pick: u64, built: &mut Built, _: &Dep) -> Option<Expect> {
    let j = pick_swap(case, pick);
    let out = built.swap_out[j]?;
    let tw = case.swaps[j].two_way;
    let fields = datum_fields_mut(built, out);
    // Which rational: asset1_price / swap_price (8) or asset2_price (9, two-way only).
    let k = if tw && (pick / 8) % 2 == 1 { 9 } else { 8 };
    let (mut num, mut den) = (BigInt::from(1), BigInt::from(1));
    let which = (pick / 16) % 3; // 0: numerator, 1: denominator, 2: both
    let bad = match (pick / 64) % 4 {
        0 => BigInt::from(0),
        1 => BigInt::from(-1),
        2 => -(BigInt::from(1u128 << 64)),
        _ => -(BigInt::from(u64::MAX)) * 1_000_000_007,
    };
    // The other part keeps the generated magnitude (may exceed 2^64).
    let p = case.swaps[j].p1;
    if which != 1 {
        num = bad.clone();
        den = BigInt::from(p.den);
    }
    if which != 0 {
        den = if which == 2 {
            -(BigInt::from(p.den))
        } else {
            bad
        };
        if which == 1 {
            num = BigInt::from(p.num);
        }
    }
    fields[k] = constr(0, vec![int(num), int(den)]);
    let rules = match (tw, k, which) {
        (false, _, 0) => vec!["SWAP-OW-CREATE-12"],
        (false, _, 1) => vec!["SWAP-OW-CREATE-11"],
        (false, _, _) => vec!["SWAP-OW-CREATE-11", "SWAP-OW-CREATE-12"],
        (true, 8, 0) => vec!["SWAP-TW-CREATE-12"],
        (true, 8, 1) => vec!["SWAP-TW-CREATE-11"],
        (true, 8, _) => vec!["SWAP-TW-CREATE-11", "SWAP-TW-CREATE-12"],
        (true, _, 0) => vec!["SWAP-TW-CREATE-14"],
        (true, _, 1) => vec!["SWAP-TW-CREATE-13"],
        (true, _, _) => vec!["SWAP-TW-CREATE-13", "SWAP-TW-CREATE-14"],
    };
    Some(Expect::Reject(rules))
}

/// Swaps 0 and 1 have identical terms at one address; swap 1's corresponding output is removed
/// and its redeemer points at swap 0's output, so one payment would satisfy both.
fn double_satisfaction(case: &Case, _: u64, built: &mut Built, _: &Dep) -> Option<Expect> {
    if case.swaps.len() < 2 {
        return None;
    }
    let (out0, out1) = (built.swap_out[0]?, built.swap_out[1]?);
    built.spec.outputs.remove(out1);
    let shift = |o: u64| if o as usize > out1 { o - 1 } else { o };
    for (j, input) in built.swap_in.iter().enumerate() {
        let Some(i) = input else { continue };
        let Some(PlutusData::Constr(c)) = &built.spec.inputs[*i].redeemer else {
            continue;
        };
        let fields: Vec<PlutusData> = c.fields.clone().to_vec();
        if fields.len() != 2 {
            continue;
        }
        let ix = c.tag - 121;
        let as_u64 = |d: &PlutusData| match d {
            PlutusData::BigInt(pallas_primitives::BigInt::Int(n)) => {
                u64::try_from(i128::from(*n)).unwrap_or(0)
            }
            _ => 0,
        };
        let (at, o) = (as_u64(&fields[0]), as_u64(&fields[1]));
        let o = if j == 1 { out0 as u64 } else { shift(o) };
        built.spec.inputs[*i].redeemer = Some(constr(ix, vec![int(at), int(o)]));
    }
    Some(Expect::Reject(vec![variant_rule(
        case.swaps[1].two_way,
        "SWAP-OW-EXEC-05",
        "SWAP-TW-EXEC-05",
    )]))
}

// ## Strategies

fn owner_actions() -> impl Strategy<Value = Action> {
    prop::sample::select(vec![
        Action::Close,
        Action::UpdateByWithdrawal,
        Action::UpdateByMint,
        Action::Convert,
    ])
}

fn cases_of(actions: impl Strategy<Value = Action>) -> impl Strategy<Value = Case> {
    (
        actions,
        prop::collection::vec(model::swap_case(), 1..=BATCH),
    )
        .prop_map(|(action, swaps)| Case { action, swaps })
}

fn fills() -> impl Strategy<Value = Case> {
    case_of(Action::Fill, BATCH)
}

/// Fills of at least two swaps where swap 1 copies swap 0's terms (same address, pair, price,
/// holdings and take).
fn twin_fills() -> impl Strategy<Value = Case> {
    (
        model::swap_case(),
        prop::collection::vec(model::swap_case(), 0..=BATCH - 2),
    )
        .prop_map(|(s, rest)| {
            let mut swaps = vec![s.clone(), s];
            swaps.extend(rest);
            Case {
                action: Action::Fill,
                swaps,
            }
        })
}

/// Case counts: each evaluation is ~10-50 ms; every property stays within a few seconds.
fn cases(n: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(n)
}

// ## Properties

#[test]
fn every_generated_valid_transaction_is_accepted() {
    property(
        "valid transactions are accepted",
        cases(256),
        model::any_case(BATCH),
        valid,
    );
}

#[test]
fn paying_the_ask_one_unit_short_is_rejected() {
    // Rounding favours the owner: ceil(take × num / den) − 1 never passes.
    property(
        "pay the ask one unit short",
        cases(128),
        fills(),
        pay_one_short,
    );
}

#[test]
fn taking_one_more_unit_follows_the_price() {
    property(
        "take one more unit of the offer",
        cases(128),
        fills(),
        take_one_more,
    );
}

#[test]
fn a_taker_never_gets_a_better_rate_than_the_price() {
    property(
        "fills pass exactly when offer_taken × num ≤ ask_given × den",
        cases(192),
        fills(),
        arbitrary_rate,
    );
}

#[test]
fn taking_from_the_ask_is_rejected() {
    property(
        "take from the ask (negative ask_given)",
        cases(96),
        fills(),
        take_from_ask,
    );
}

#[test]
fn changing_a_continuing_datum_field_is_rejected() {
    property(
        "change a datum field of a continuing output",
        cases(128),
        fills(),
        change_datum_field,
    );
}

#[test]
fn sending_a_continuing_output_elsewhere_is_rejected() {
    property(
        "send a fill's continuing output to another address",
        cases(96),
        fills(),
        redirect_fill_output,
    );
    property(
        "send a beacon output to another address or without stake",
        cases(96),
        cases_of(prop::sample::select(vec![
            Action::Create,
            Action::UpdateByWithdrawal,
            Action::UpdateByMint,
            Action::Convert,
        ])),
        redirect_beacon_output,
    );
}

#[test]
fn dropping_or_adding_a_beacon_is_rejected() {
    property(
        "drop a beacon",
        cases(96),
        cases_of(prop::sample::select(vec![
            Action::Create,
            Action::Fill,
            Action::UpdateByMint,
            Action::Convert,
        ])),
        drop_beacon,
    );
    property(
        "add a beacon",
        cases(96),
        cases_of(prop::sample::select(vec![
            Action::Create,
            Action::Fill,
            Action::UpdateByMint,
            Action::Convert,
        ])),
        add_beacon,
    );
}

#[test]
fn minting_an_extra_beacon_is_rejected() {
    property(
        "mint an extra beacon",
        cases(96),
        model::any_case(BATCH),
        mint_extra_beacon,
    );
}

#[test]
fn removing_the_owners_approval_is_rejected() {
    property(
        "remove the owner's approval",
        cases(96),
        cases_of(owner_actions()),
        remove_approval,
    );
}

#[test]
fn zero_and_negative_prices_are_rejected() {
    property(
        "zero or negative prices in a created datum",
        cases(96),
        case_of(Action::Create, BATCH),
        sign_trick,
    );
}

#[test]
fn filling_through_another_swaps_output_is_rejected() {
    property(
        "double satisfaction: fill through another swap's output",
        cases(96),
        twin_fills(),
        double_satisfaction,
    );
}

/// The printer's output parses, resolves against the record deployment to the very
/// transaction it was rendered from, and replays to the same verdict.
#[test]
fn printed_fixtures_load_and_resolve() {
    let ctx = Ctx::new();
    let deployment = harness::deploy::Deployment::of(Build::Record).expect("deployment");
    let mut runner = TestRunner::new(Config {
        cases: 1,
        failure_persistence: None,
        rng_algorithm: RngAlgorithm::ChaCha,
        rng_seed: RngSeed::Fixed(SEED),
        ..Config::default()
    });
    let mut printed = 0;
    for action in Action::ALL {
        for _ in 0..3 {
            let case = case_of(action, BATCH)
                .new_tree(&mut runner)
                .expect("a case")
                .current();
            for (mutate, name) in [
                (valid as Mutator, "valid"),
                (mint_extra_beacon as Mutator, "mint extra"),
            ] {
                let text = fixture_of(&ctx, name, &case, 7, mutate);
                let fixture = harness::fixture::parse("printed.json", &text)
                    .unwrap_or_else(|e| panic!("{e}\n{text}"));
                let scenario = harness::resolve::resolve(
                    &fixture,
                    Path::new("printed.json"),
                    deployment,
                    &harness::params::Params::mainnet().unwrap().slot_config,
                )
                .unwrap_or_else(|e| panic!("{e}\n{text}"));
                let mut built = build(&case, &ctx.record);
                mutate(&case, 7, &mut built, &ctx.record);
                let (got, want) = (&scenario.tx, &built.spec);
                assert_eq!(got.inputs, want.inputs, "{text}");
                assert_eq!(got.reference_inputs, want.reference_inputs, "{text}");
                assert_eq!(got.outputs, want.outputs, "{text}");
                assert_eq!(got.mint, want.mint, "{text}");
                assert_eq!(got.withdrawals, want.withdrawals, "{text}");
                assert_eq!(got.required_signers, want.required_signers, "{text}");
                printed += 1;
            }
        }
    }
    println!(
        "fixture printer: {printed} printed fixtures parsed and resolved to their transaction"
    );
}
