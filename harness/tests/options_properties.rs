//! Property tests of the options active beacon script (issue 11 item 5): a Rust model of spec
//! §5.4–5.6 (the contract a purchase must create, the premium, the strike payment
//! `ceil(q × num / den)`, the time bounds) decides each boundary, and the scripts must agree.
//!
//! - Every valid batch of purchases, of executions and of expired closes is accepted.
//! - Each targeted mutation is refused for its rule: the premium one unit short
//!   (OPT-PURCHASE-10), a wrong terms index (out of range: OPT-PURCHASE-03; other terms:
//!   OPT-PURCHASE-06), any one of the 14 contract datum fields changed (OPT-PURCHASE-06), the
//!   strike payment one unit short (OPT-EXEC-07), an execution one millisecond after expiry
//!   (OPT-EXEC-03), an expired close one millisecond early (OPT-EXPIRE-05).
//!
//! Proposals are random: 1 to 3 per transaction from up to three writers, ADA or a token on each
//! side (offer, ask and premium), 1 to 6 terms, premiums from one unit to 2^61, strike prices
//! whose denominators reach 10^36 with numerators chosen so the strike payment lands anywhere
//! from one unit to 2^62, ContractIds of output indices up to several hundred. Runs are
//! deterministic (fixed ChaCha seed, the runner of `common/property.rs`). A failure shrinks,
//! then prints the transaction as a fixture to save under `fixtures/options/`. `cargo test`
//! runs a few cases per property; `OPTIONS_PROPTEST_CASES=64` runs more.

use crate::common::property::Suite;
use num_bigint::BigInt;
use proptest::prelude::*;
use serde_json::{Value, json};
use std::collections::BTreeMap;

const SEED: u64 = 0x0b71_0a5e_2026;
/// The proposals' transaction id (spec §4.2's `H`); each proposal is one of its outputs.
const H: &str = "7a1d3bb453b1ea065f391529d1a56e7e02bc03f4dc802acf3a1967dc447c3259";
/// The Active UTxOs' transaction id in executions and closes.
const G: &str = "0517795a270cf535deec2c393a70d00e5833cda0e68e20b58a261a63f71917e2";
/// A reference no case purchases.
const OTHER: &str = "a87b675bdc60d907b50548f982d2ddfdcca527f6b40220894e22088570b2ec3d#7";
/// Validity bounds (slots) of executions (`to`) and expired closes (`from`).
const FROM: u64 = 150_000_000;
const TO: u64 = 150_000_600;
/// Absolute expirations of proposal terms start here (purchases check no time).
const L0: u64 = 1_700_000_000_000;
/// The most a token quantity or a strike payment reaches.
const MAX_TOKENS: u64 = 1 << 61;
/// The most lovelace an offer, premium or strike payment reaches (a fifth of the supply).
const MAX_LOVELACE: u64 = 9_000_000_000_000_000;
const WRITERS: [&str; 3] = ["alice", "carol", "dave"];

// ## The model

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Asset {
    Ada,
    T,
    T1,
    U,
}

impl Asset {
    const ALL: [Asset; 4] = [Asset::Ada, Asset::T, Asset::T1, Asset::U];

    fn alias(self) -> &'static str {
        match self {
            Asset::Ada => "ADA",
            Asset::T => "T",
            Asset::T1 => "T1",
            Asset::U => "U",
        }
    }

    /// Another asset than `self` and `not`.
    fn other(self, not: Asset) -> Asset {
        *Asset::ALL
            .iter()
            .find(|a| **a != self && **a != not)
            .unwrap()
    }
}

#[derive(Debug, Clone)]
struct Terms {
    premium: u64,
    num: BigInt,
    den: BigInt,
    expiration: u64,
}

/// One proposal, and the contract buying its `chosen` terms makes.
#[derive(Debug, Clone)]
struct Proposal {
    writer: usize,
    /// Premiums and strike payments go to the writer's proxy address (else their key address).
    proxy_payment: bool,
    offer: Asset,
    ask: Asset,
    premium_asset: Asset,
    quantity: u64,
    deposit: u64,
    terms: Vec<Terms>,
    chosen: usize,
    /// Its output index in `H` (the ContractId's decimal digits); ascending within a case.
    index: u64,
    /// Milliseconds between the validity bound and the contract's expiration.
    slack: u64,
}

#[derive(Debug, Clone)]
struct Case {
    proposals: Vec<Proposal>,
    /// Chooses the proposal, field or variant a mutation changes.
    pick: u64,
}

/// `ceil(a / b)` for positive `b`.
fn ceil_div(a: &BigInt, b: &BigInt) -> BigInt {
    (a + b - 1) / b
}

impl Proposal {
    fn terms(&self) -> &Terms {
        &self.terms[self.chosen]
    }

    /// OPT-EXEC-07: the least ask amount, `ceil(q × num / den)`.
    fn strike_payment(&self) -> u64 {
        let t = self.terms();
        let due = ceil_div(&(BigInt::from(self.quantity) * &t.num), &t.den);
        u64::try_from(due).expect("bounded at generation")
    }

    fn reference(&self) -> String {
        format!("{H}#{}", self.index)
    }

    fn name(&self) -> String {
        format!("p{}", self.index)
    }

    fn address(&self) -> Value {
        json!({"payment": {"script": "opt_script"}, "stake": {"key": WRITERS[self.writer]}})
    }

    fn payment_address(&self) -> Value {
        let writer = WRITERS[self.writer];
        if self.proxy_payment {
            json!({"payment": {"script": "proxy"}, "stake": {"key": writer}})
        } else {
            json!({"payment": {"key": writer}})
        }
    }

    fn names(&self) -> [String; 3] {
        let (o, a) = (self.offer.alias(), self.ask.alias());
        [
            format!("pair({o},{a})"),
            format!("offer({o})"),
            format!("ask({a})"),
        ]
    }

    /// The lovelace and offer tokens a proposal or contract locks.
    fn locked(&self, lovelace_over: u64) -> Value {
        let mut v = json!({});
        if self.offer == Asset::Ada {
            v["lovelace"] = json!(self.quantity + self.deposit + lovelace_over);
        } else {
            v["lovelace"] = json!(self.deposit + lovelace_over);
            v[self.offer.alias()] = json!(self.quantity);
        }
        v
    }

    fn proposal_value(&self) -> Value {
        let mut v = self.locked(0);
        for name in self.names() {
            v[format!("opt_proposal:{name}")] = json!(1);
        }
        v[format!("opt_proposal:premium({})", self.premium_asset.alias())] = json!(1);
        v
    }

    fn contract_value(&self) -> Value {
        let mut v = self.locked(0);
        for name in self.names() {
            v[format!("opt_active:{name}")] = json!(1);
        }
        v[format!("opt_active:contract({})", self.reference())] = json!(1);
        v
    }

    fn proposal_datum(&self) -> Value {
        let [pair, offer, ask] = self.names();
        let terms: Vec<Value> = self
            .terms
            .iter()
            .map(|t| {
                json!({"Terms": {
                    "premium": t.premium,
                    "strike_price": {"num": t.num.to_string(), "den": t.den.to_string()},
                    "expiration": t.expiration,
                }})
            })
            .collect();
        json!({"proposal_datum": {
            "proposal_beacon_policy_id": "opt_proposal", "active_beacon_policy_id": "opt_active",
            "offer_asset": self.offer.alias(), "offer_quantity": self.quantity,
            "ask_asset": self.ask.alias(), "trading_pair_beacon": pair,
            "offer_asset_beacon": offer, "ask_asset_beacon": ask,
            "premium_asset": self.premium_asset.alias(),
            "premium_asset_beacon": format!("premium({})", self.premium_asset.alias()),
            "contract_deposit": self.deposit, "payment_address": self.payment_address(),
            "possible_terms": terms,
        }})
    }

    /// The ActiveDatum fields the purchase of the chosen terms requires (OPT-PURCHASE-06).
    fn active_fields(&self) -> serde_json::Map<String, Value> {
        let [pair, offer, ask] = self.names();
        let t = self.terms();
        let fields = json!({
            "proposal_beacon_policy_id": "opt_proposal", "active_beacon_policy_id": "opt_active",
            "address_observer_hash": "opt_observer", "offer_asset": self.offer.alias(),
            "offer_quantity": self.quantity, "ask_asset": self.ask.alias(),
            "trading_pair_beacon": pair, "offer_asset_beacon": offer, "ask_asset_beacon": ask,
            "strike_price": {"num": t.num.to_string(), "den": t.den.to_string()},
            "expiration": t.expiration, "contract_deposit": self.deposit,
            "payment_address": self.payment_address(),
            "contract_id": format!("contract({})", self.reference()),
        });
        match fields {
            Value::Object(map) => map,
            _ => unreachable!(),
        }
    }

    fn payment_datum(&self) -> Value {
        json!({"list": [
            {"bytes": {"script": "opt_active"}},
            {"bytes": {"beacon": format!("opt_active:contract({})", self.reference())}},
        ]})
    }

    /// The premium output of the chosen terms, `short` units below the premium.
    fn premium_output(&self, short: u64) -> Value {
        let premium = self.terms().premium - short;
        let value = match self.premium_asset {
            Asset::Ada => json!({"lovelace": premium}),
            _ if premium == 0 => json!({"lovelace": 2_000_000}),
            a => json!({"lovelace": 2_000_000, a.alias(): premium}),
        };
        json!({"address": self.payment_address(), "value": value,
               "datum": {"inline": self.payment_datum()}})
    }

    /// The execution payment (OPT-EXEC-06/07), `short` units below the strike payment.
    fn execution_output(&self, short: u64) -> Value {
        let due = self.strike_payment() - short;
        let value = match self.ask {
            Asset::Ada => json!({"lovelace": self.deposit + due}),
            _ if due == 0 => json!({"lovelace": self.deposit}),
            a => json!({"lovelace": self.deposit, a.alias(): due}),
        };
        json!({"address": self.payment_address(), "value": value,
               "datum": {"inline": self.payment_datum()}})
    }
}

// ## Fixtures

fn tokens() -> Value {
    json!({
        "T": {"policy": "c0f8644a01a6bf5db02f4afe30d604975e63dd274f1098a1738e561d", "name": "4f74686572546f6b656e0a"},
        "T1": {"policy": "c0f8644a01a6bf5db02f4afe30d604975e63dd274f1098a1738e561d", "name": "54657374546f6b656e31"},
        "U": {"policy": "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee", "name": "556e6974"},
    })
}

/// Adds `quantity` of `key` to a value or mint map.
fn add(map: &mut BTreeMap<String, i128>, key: String, quantity: i128) {
    *map.entry(key).or_default() += quantity;
}

fn value_of(map: BTreeMap<String, i128>) -> Value {
    Value::Object(
        map.into_iter()
            .filter(|(_, q)| *q != 0)
            .map(|(k, q)| (k, json!(q)))
            .collect(),
    )
}

/// The beacon mint of `proposals` under `policy`: `each` per name, `contract` per ContractId
/// (none when 0), `premium` per PremiumAsset name (none when 0).
fn beacon_mint(proposals: &[Proposal], each: i128, contract: i128, premium: i128) -> Value {
    let mut assets = BTreeMap::new();
    for p in proposals {
        for name in p.names() {
            add(&mut assets, name, each);
        }
        if contract != 0 {
            add(
                &mut assets,
                format!("contract({})", p.reference()),
                contract,
            );
        }
        if premium != 0 {
            add(
                &mut assets,
                format!("premium({})", p.premium_asset.alias()),
                premium,
            );
        }
    }
    value_of(assets)
}

fn active_redeemer() -> Value {
    json!({"PurchaseExecuteOrCloseExpired": {"proposal_beacon_id": "opt_proposal"}})
}

fn fixture(
    case: &Case,
    expect: &Value,
    rules: &[&str],
    utxos: serde_json::Map<String, Value>,
    tx: Value,
) -> Value {
    json!({
        "description": format!("property case: {case:?}"),
        "protocol": "options",
        "rules": rules,
        "expect": expect,
        "tokens": tokens(),
        "utxos": utxos,
        "tx": tx,
    })
}

/// How a purchase deviates from the valid one.
#[derive(Default)]
struct Purchase {
    /// (proposal, units) the premium is short.
    premium_short: Option<(usize, u64)>,
    /// (proposal, index) the redeemer names instead of the chosen terms.
    index: Option<(usize, i64)>,
    /// (proposal, field, value) changed in the contract datum.
    field: Option<(usize, &'static str, Value)>,
}

fn purchase(case: &Case, how: &Purchase, expect: &Value, rules: &[&str]) -> Value {
    let ps = &case.proposals;
    let mut utxos = serde_json::Map::new();
    let mut inputs = vec![];
    let mut outputs = vec![];
    let mut keys = BTreeMap::new();
    let mut funds = BTreeMap::new();
    add(&mut funds, "lovelace".into(), 10_000_000);
    add(&mut keys, "lovelace".into(), 2_000_000);
    for (i, p) in ps.iter().enumerate() {
        utxos.insert(
            p.name(),
            json!({"ref": p.reference(), "address": p.address(), "value": p.proposal_value(),
                   "datum": {"inline": p.proposal_datum()}}),
        );
        let index = match how.index {
            Some((j, index)) if j == i => index,
            _ => p.chosen as i64,
        };
        inputs.push(json!({"utxo": p.name(),
                           "redeemer": {"PurchaseContract": {"desired_terms_index": index}}}));
        let mut fields = p.active_fields();
        if let Some((j, field, value)) = &how.field
            && *j == i
        {
            fields.insert((*field).into(), value.clone());
        }
        outputs.push(json!({"address": p.address(), "value": p.contract_value(),
                            "datum": {"inline": {"options_active_datum": fields}}}));
        let short = match how.premium_short {
            Some((j, short)) if j == i => short,
            _ => 0,
        };
        let premium = p.premium_output(short);
        for (asset, q) in premium["value"].as_object().unwrap() {
            add(&mut funds, asset.clone(), q.as_u64().unwrap().into());
        }
        outputs.push(premium);
        add(
            &mut keys,
            format!("opt_active:contract({})", p.reference()),
            1,
        );
    }
    outputs.push(json!({"address": {"payment": {"key": "bob"}}, "value": value_of(keys)}));
    outputs.push(json!({"address": {"payment": {"key": "bob"}}, "change": true}));
    utxos.insert(
        "bob_funds".into(),
        json!({"address": {"payment": {"key": "bob"}}, "value": value_of(funds)}),
    );
    inputs.push(json!({"utxo": "bob_funds"}));
    let tx = json!({
        "inputs": inputs,
        "mint": [
            {"policy": "opt_active", "assets": beacon_mint(ps, 1, 2, 0), "redeemer": active_redeemer()},
            {"policy": "opt_proposal", "assets": beacon_mint(ps, -1, 0, -1), "redeemer": "BurnProposalBeacons"},
        ],
        "outputs": outputs,
    });
    fixture(case, expect, rules, utxos, tx)
}

/// The Active UTxO a purchase of `p` created, expiring `expiration` (a time form).
fn active_utxo(p: &Proposal, expiration: Value) -> Value {
    let mut fields = p.active_fields();
    fields.insert("expiration".into(), expiration);
    json!({"ref": format!("{G}#{}", p.index), "address": p.address(), "value": p.contract_value(),
           "datum": {"inline": {"options_active_datum": fields}}})
}

/// How an execution or expired close deviates from the valid one.
#[derive(Default)]
struct Settle {
    /// (contract, units) the strike payment is short.
    strike_short: Option<(usize, u64)>,
    /// A contract expiring one millisecond on the wrong side of the validity bound.
    off_by_one_ms: Option<usize>,
}

fn execute(case: &Case, how: &Settle, expect: &Value, rules: &[&str]) -> Value {
    let ps = &case.proposals;
    let mut utxos = serde_json::Map::new();
    let mut inputs = vec![];
    let mut outputs = vec![];
    let mut keys = BTreeMap::new();
    let mut funds = BTreeMap::new();
    add(&mut keys, "lovelace".into(), 2_000_000);
    add(&mut funds, "lovelace".into(), 10_000_000);
    for (i, p) in ps.iter().enumerate() {
        let expiration = if how.off_by_one_ms == Some(i) {
            -1
        } else {
            p.slack as i64
        };
        utxos.insert(p.name(), active_utxo(p, json!({"to": expiration})));
        inputs.push(json!({"utxo": p.name(), "redeemer": "ExecuteContract"}));
        let short = match how.strike_short {
            Some((j, short)) if j == i => short,
            _ => 0,
        };
        let payment = p.execution_output(short);
        for (asset, q) in payment["value"].as_object().unwrap() {
            add(&mut funds, asset.clone(), q.as_u64().unwrap().into());
        }
        outputs.push(payment);
        add(
            &mut keys,
            format!("opt_active:contract({})", p.reference()),
            1,
        );
    }
    outputs.push(json!({"address": {"payment": {"key": "bob"}}, "change": true}));
    let bob = json!({"payment": {"key": "bob"}});
    utxos.insert(
        "bob_key".into(),
        json!({"address": bob, "value": value_of(keys)}),
    );
    utxos.insert(
        "bob_funds".into(),
        json!({"address": bob, "value": value_of(funds)}),
    );
    inputs.push(json!({"utxo": "bob_key"}));
    inputs.push(json!({"utxo": "bob_funds"}));
    let tx = json!({
        "inputs": inputs,
        "mint": [{"policy": "opt_active", "assets": beacon_mint(ps, -1, -2, 0), "redeemer": active_redeemer()}],
        "outputs": outputs,
        "validity": {"to": TO},
    });
    fixture(case, expect, rules, utxos, tx)
}

fn close_expired(case: &Case, how: &Settle, expect: &Value, rules: &[&str]) -> Value {
    let ps = &case.proposals;
    let mut utxos = serde_json::Map::new();
    let mut inputs = vec![];
    let mut signers: Vec<&str> = vec![];
    for (i, p) in ps.iter().enumerate() {
        let expiration = if how.off_by_one_ms == Some(i) {
            1
        } else {
            -(p.slack as i64)
        };
        utxos.insert(p.name(), active_utxo(p, json!({"from": expiration})));
        inputs.push(json!({"utxo": p.name(), "redeemer": "CloseExpiredContract"}));
        if !signers.contains(&WRITERS[p.writer]) {
            signers.push(WRITERS[p.writer]);
        }
    }
    let tx = json!({
        "inputs": inputs,
        "mint": [{"policy": "opt_active", "assets": beacon_mint(ps, -1, -1, 0), "redeemer": active_redeemer()}],
        "outputs": [{"address": {"payment": {"key": WRITERS[ps[0].writer]}}, "change": true}],
        "required_signers": signers,
        "validity": {"from": FROM},
    });
    fixture(case, expect, rules, utxos, tx)
}

// ## Generation

/// A quantity from one unit to `max`, extremes included.
fn quantity(max: u64) -> impl Strategy<Value = u64> {
    prop_oneof![
        Just(1u64),
        1u64..=1_000,
        1u64..=1_000_000_000,
        Just(max),
        1u64..=max
    ]
}

fn denominator() -> impl Strategy<Value = BigInt> {
    prop_oneof![
        Just(1u128),
        1u128..=1_000,
        1u128..=1_000_000_000_000_000_000,
        1_000_000_000_000_000_000u128..=1_000_000_000_000_000_000_000_000_000_000_000_000,
    ]
    .prop_map(BigInt::from)
}

/// Raw terms: a premium, a denominator, a target strike payment and an expiration offset.
fn raw_terms() -> impl Strategy<Value = (u64, BigInt, u64, u64)> {
    (
        quantity(MAX_TOKENS),
        denominator(),
        quantity(MAX_TOKENS),
        0u64..=1_000_000_000,
    )
}

fn asset() -> impl Strategy<Value = Asset> {
    prop::sample::select(Asset::ALL.to_vec())
}

/// The largest amount of `asset` a quantity, premium or payment may reach.
fn cap(asset: Asset) -> u64 {
    if asset == Asset::Ada {
        MAX_LOVELACE
    } else {
        MAX_TOKENS
    }
}

/// Fits a raw amount into `asset`'s range; ADA amounts start at 2 ADA (the minimum UTxO of
/// an output holding them alone).
fn fit(raw: u64, asset: Asset) -> u64 {
    if asset == Asset::Ada {
        2_000_000 + raw % (MAX_LOVELACE - 2_000_000)
    } else {
        raw.min(MAX_TOKENS)
    }
}

fn proposal() -> impl Strategy<Value = Proposal> {
    (
        (0usize..3, any::<bool>()),
        (asset(), asset(), asset()),
        quantity(MAX_TOKENS),
        5_000_000u64..=100_000_000,
        prop::collection::vec(raw_terms(), 1..=6),
        any::<prop::sample::Index>(),
        prop_oneof![Just(0u64), 1u64..=100_000_000_000],
    )
        .prop_filter("offer and ask differ", |(_, (o, a, _), ..)| o != a)
        .prop_map(
            |((writer, proxy_payment), (offer, ask, premium_asset), q, deposit, raw, at, slack)| {
                let quantity = match offer {
                    Asset::Ada => 1 + q % 1_000_000_000_000_000,
                    _ => q,
                };
                let terms = raw
                    .into_iter()
                    .map(|(premium, den, target, offset)| {
                        let payment = target.min(cap(ask));
                        // The largest numerator whose strike payment is at most `payment`.
                        let num = (BigInt::from(payment) * &den / quantity).max(BigInt::from(1));
                        Terms {
                            premium: fit(premium, premium_asset),
                            num,
                            den,
                            expiration: L0 + offset,
                        }
                    })
                    .collect::<Vec<_>>();
                let chosen = at.index(terms.len());
                Proposal {
                    writer,
                    proxy_payment,
                    offer,
                    ask,
                    premium_asset,
                    quantity,
                    deposit,
                    terms,
                    chosen,
                    index: 0,
                    slack,
                }
            },
        )
        .prop_filter("strike payment within range", |p| {
            p.terms.iter().all(|t| {
                ceil_div(&(BigInt::from(p.quantity) * &t.num), &t.den) <= BigInt::from(cap(p.ask))
            })
        })
}

fn case() -> impl Strategy<Value = Case> {
    (
        prop::collection::vec((proposal(), 1u64..=150), 1..=3),
        any::<u64>(),
    )
        .prop_map(|(drawn, pick)| {
            let mut index = 0;
            let proposals = drawn
                .into_iter()
                .enumerate()
                .map(|(i, (mut p, gap))| {
                    index += if i == 0 { gap - 1 } else { gap };
                    p.index = index;
                    p
                })
                .collect();
            Case { proposals, pick }
        })
}

// ## Running

/// One check: the fixture built for a case must replay as it expects; `None` when the check
/// does not apply to the case.
type Check = fn(&Case) -> Option<Value>;

const SUITE: Suite = Suite {
    protocol: "options",
    cases_var: "OPTIONS_PROPTEST_CASES",
    seed: SEED,
};

fn property(name: &str, n: u32, check: Check) {
    SUITE.property(name, n, case, check);
}

fn refused(rule: &str) -> Value {
    json!({"fail": rule})
}

/// The proposal a mutation changes.
fn victim(case: &Case) -> usize {
    (case.pick % case.proposals.len() as u64) as usize
}

// ## Properties

#[test]
fn every_valid_purchase_is_accepted() {
    property("purchases", 16, |case| {
        let rules = ["OPT-PURCHASE-06", "OPT-PURCHASE-10", "OPT-ACTIVE-03"];
        Some(purchase(case, &Purchase::default(), &json!("ok"), &rules))
    });
}

#[test]
fn a_premium_one_unit_short_is_refused() {
    property("premium short", 12, |case| {
        let how = Purchase {
            premium_short: Some((victim(case), 1)),
            ..Purchase::default()
        };
        let rule = "OPT-PURCHASE-10";
        Some(purchase(case, &how, &refused(rule), &[rule]))
    });
}

#[test]
fn a_wrong_terms_index_is_refused() {
    property("wrong terms index", 12, |case| {
        let j = victim(case);
        let p = &case.proposals[j];
        let n = p.terms.len() as i64;
        let other = (p.chosen + 1 + (case.pick / 3) as usize % p.terms.len()) % p.terms.len();
        let (index, rule) = match case.pick % 3 {
            0 => (-1, "OPT-PURCHASE-03"),
            1 => (n + (case.pick / 3 % 1000) as i64, "OPT-PURCHASE-03"),
            _ if other == p.chosen || same_contract(p, other) => return None,
            _ => (other as i64, "OPT-PURCHASE-06"),
        };
        let how = Purchase {
            index: Some((j, index)),
            ..Purchase::default()
        };
        Some(purchase(case, &how, &refused(rule), &[rule]))
    });
}

/// Whether terms `k` make the same contract and premium as the chosen ones (a purchase naming
/// them is then rightly accepted).
fn same_contract(p: &Proposal, k: usize) -> bool {
    let (a, b) = (p.terms(), &p.terms[k]);
    a.num == b.num && a.den == b.den && a.expiration == b.expiration && b.premium <= a.premium
}

#[test]
fn any_contract_datum_field_changed_is_refused() {
    property("contract datum field changed", 16, |case| {
        let j = victim(case);
        let p = &case.proposals[j];
        let t = p.terms();
        let (o, a) = (p.offer, p.ask);
        let other_writer = json!({"payment": {"key": "bob"}});
        let changes: [(&str, Value); 14] = [
            ("proposal_beacon_policy_id", json!("opt_active")),
            ("active_beacon_policy_id", json!("opt_proposal")),
            ("address_observer_hash", json!("opt_proposal")),
            ("offer_asset", json!(o.other(a).alias())),
            ("offer_quantity", json!(p.quantity + 1)),
            ("ask_asset", json!(a.other(o).alias())),
            (
                "trading_pair_beacon",
                json!(format!("pair({},{})", a.alias(), o.alias())),
            ),
            ("offer_asset_beacon", json!(format!("offer({})", a.alias()))),
            ("ask_asset_beacon", json!(format!("ask({})", o.alias()))),
            // The same price, another Data: the datum is compared as Data.
            (
                "strike_price",
                json!({"num": (&t.num * BigInt::from(2)).to_string(), "den": (&t.den * BigInt::from(2)).to_string()}),
            ),
            ("expiration", json!(t.expiration + 1)),
            ("contract_deposit", json!(p.deposit + 1)),
            ("payment_address", other_writer),
            ("contract_id", json!(format!("contract({OTHER})"))),
        ];
        let (field, value) = changes[((case.pick / 7) % 14) as usize].clone();
        let how = Purchase {
            field: Some((j, field, value)),
            ..Purchase::default()
        };
        let rule = "OPT-PURCHASE-06";
        Some(purchase(case, &how, &refused(rule), &[rule]))
    });
}

#[test]
fn every_valid_execution_is_accepted() {
    property("executions", 16, |case| {
        let rules = ["OPT-EXEC-03", "OPT-EXEC-06", "OPT-EXEC-07"];
        Some(execute(case, &Settle::default(), &json!("ok"), &rules))
    });
}

#[test]
fn a_strike_payment_one_unit_short_is_refused() {
    property("strike short", 12, |case| {
        let how = Settle {
            strike_short: Some((victim(case), 1)),
            ..Settle::default()
        };
        let rule = "OPT-EXEC-07";
        Some(execute(case, &how, &refused(rule), &[rule]))
    });
}

#[test]
fn an_execution_one_millisecond_after_expiry_is_refused() {
    property("late execution", 12, |case| {
        let how = Settle {
            off_by_one_ms: Some(victim(case)),
            ..Settle::default()
        };
        let rule = "OPT-EXEC-03";
        Some(execute(case, &how, &refused(rule), &[rule]))
    });
}

#[test]
fn every_valid_expired_close_is_accepted() {
    property("expired closes", 12, |case| {
        let rules = ["OPT-EXPIRE-05", "OPT-EXPIRE-06"];
        Some(close_expired(
            case,
            &Settle::default(),
            &json!("ok"),
            &rules,
        ))
    });
}

#[test]
fn an_expired_close_one_millisecond_early_is_refused() {
    property("early close", 12, |case| {
        let how = Settle {
            off_by_one_ms: Some(victim(case)),
            ..Settle::default()
        };
        let rule = "OPT-EXPIRE-05";
        Some(close_expired(case, &how, &refused(rule), &[rule]))
    });
}

#[test]
fn the_model_reproduces_the_spec_examples() {
    let p = |quantity, num: u64, den: u64| Proposal {
        writer: 0,
        proxy_payment: false,
        offer: Asset::T,
        ask: Asset::T1,
        premium_asset: Asset::Ada,
        quantity,
        deposit: 5_000_000,
        terms: vec![Terms {
            premium: 2_000_000,
            num: num.into(),
            den: den.into(),
            expiration: L0,
        }],
        chosen: 0,
        index: 0,
        slack: 0,
    };
    // OPT-EXEC-07: q = 10 at 1/3 needs 4 units; 10 at 3/2 needs 15.
    assert_eq!(p(10, 1, 3).strike_payment(), 4);
    assert_eq!(p(10, 3, 2).strike_payment(), 15);
    assert_eq!(p(1, 1, 1_000_000_000_000_000_000).strike_payment(), 1);
    assert_eq!(p(12, 1, 3).strike_payment(), 4);
}
