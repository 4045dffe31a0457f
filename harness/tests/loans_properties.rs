//! Property tests of the loans payment observer (issue 10 item 5): a Rust model of spec §5.0.7,
//! §5.0.8 and §5.9–5.10 (roll-over, compound interest, penalties, miss counting, the collateral
//! proportionality rule) decides each boundary, and the scripts must agree to the unit.
//!
//! - A partial payment one lovelace short of paying off is accepted with the model's new state;
//!   the pay-off amount itself, presented as partial, is refused (LOAN-PAY-14: the beacons must
//!   burn). The lender output holding exactly the amount passes, one unit less fails.
//! - The most collateral the proportionality rule lets go is taken and accepted; one unit more is
//!   refused (LOAN-PAY-12).
//! - Targeted mutations are refused for their rule: a wrong new-state field or skipped interest
//!   (LOAN-PAY-10), another lender address (LOAN-PAY-13), a payment after expiry (LOAN-PAY-06).
//!
//! Terms are random: rates (zero, small, huge denominators), compounding or simple, every penalty,
//! epochs of one second to ten days, 0 to 12 roll-overs, balances with denominators up to 10^27,
//! zero minimum payments and zero collateral. Runs are deterministic (fixed ChaCha seed, the
//! runner of `common/property.rs`). A failure shrinks, then prints the transaction as a fixture
//! to save under `fixtures/loans/`. `cargo test` runs a few cases per property;
//! `LOANS_PROPTEST_CASES=512` runs more.

use crate::common::property::Suite;
use num_bigint::BigInt;
use proptest::prelude::*;
use serde_json::{Value, json};

const SEED: u64 = 0x10a5_5eed_2026;
const DAY: u64 = 86_400_000;
/// The start of slot 108 433 709 under the mainnet slot configuration (Appendix A's `L0`).
const L0: u64 = 1_700_000_000_000;
const SLOT_L0: u64 = 108_433_709;
const OFFER: &str = "0517795a270cf535deec2c393a70d00e5833cda0e68e20b58a261a63f71917e2#0";
const DJ_POLICY: &str = "f66d78b4a3cb3d37afa0ec36461e51ecbde00f26c8f0a68f94b69880";
const OT_POLICY: &str = "c0f8644a01a6bf5db02f4afe30d604975e63dd274f1098a1738e561d";

// ## The model (§5.0.8, §5.9)

type Fraction = (BigInt, BigInt);

#[derive(Debug, Clone)]
enum Penalty {
    None,
    Fixed(u64),
    Percent(u64, u64),
}

/// A loan's terms and state, and one payment on it.
#[derive(Debug, Clone)]
struct Case {
    interest: (u64, u64),
    compounding: bool,
    min_payment: u64,
    penalty: Penalty,
    /// Epoch length in ms (a whole number of seconds), or none.
    epoch: Option<u64>,
    /// Boundaries crossed: U = L0 + epochs·f + offset, 0 < offset ≤ f.
    epochs: u64,
    offset_seconds: u64,
    /// The outstanding balance (numerator, denominator) before the payment.
    outstanding: (u128, u128),
    total: u64,
    misses: u64,
    /// Collateral: units held and price (units per loan unit as num/den).
    held: u64,
    price: (u64, u64),
    /// Which payment below the pay-off amount (a fraction of it, in 1/1000).
    share: u64,
}

fn big(n: impl Into<BigInt>) -> BigInt {
    n.into()
}

fn gcd(a: &BigInt, b: &BigInt) -> BigInt {
    let (mut a, mut b) = (a.magnitude().clone(), b.magnitude().clone());
    while b != 0u32.into() {
        let r = &a % &b;
        a = b;
        b = r;
    }
    BigInt::from(a)
}

fn reduce((n, d): Fraction) -> Fraction {
    let g = gcd(&n, &d);
    if g == big(0) {
        (n, d)
    } else {
        (n / &g, d / &g)
    }
}

/// §5.0.8.
fn compound(
    mut penalize: bool,
    penalty: &Penalty,
    (mut bn, mut bd): Fraction,
    (rn, rd): (BigInt, BigInt),
    n: u64,
) -> Fraction {
    for _ in 0..n {
        if penalize {
            match penalty {
                Penalty::None => {}
                Penalty::Fixed(f) => bn += big(*f) * &bd,
                Penalty::Percent(pn, pd) => {
                    bn *= big(pd + pn);
                    bd *= big(*pd);
                }
            }
        }
        bn *= &rd + &rn;
        bd *= &rd;
        penalize = true;
    }
    reduce((bn, bd))
}

impl Case {
    fn upper(&self) -> u64 {
        L0 + self.epochs * self.epoch.unwrap_or(DAY) + self.offset_seconds * 1000
    }

    fn n(&self) -> u64 {
        self.epoch.map_or(0, |_| self.epochs)
    }

    /// §5.9 `B`: the balance due before the payment.
    fn due(&self) -> Fraction {
        let b = (big(self.outstanding.0), big(self.outstanding.1));
        if self.n() == 0 {
            return b;
        }
        let rate = if self.compounding {
            (big(self.interest.0), big(self.interest.1))
        } else {
            (big(0), big(1))
        };
        compound(
            self.min_payment > self.total,
            &self.penalty,
            b,
            rate,
            self.n(),
        )
    }

    /// The smallest payment that pays the loan off: the ceiling of `B`.
    fn pay_off(&self) -> BigInt {
        let (n, d) = self.due();
        (n + &d - 1) / d
    }

    /// The datum fields a payment of `p` leaves (§5.9), as fixture JSON.
    fn after(&self, p: u64) -> Value {
        let (bn, bd) = self.due();
        let total = if self.n() > 0 { p } else { self.total + p };
        let misses = if total >= self.min_payment {
            0
        } else {
            self.misses + self.n()
        };
        json!({
            "last_epoch_boundary": L0 + self.n() * self.epoch.unwrap_or(0),
            "loan_outstanding": {"num": (bn - &bd * big(p)).to_string(), "den": bd.to_string()},
            "total_epoch_payments": total,
            "current_consecutive_misses": misses,
        })
    }

    /// The fewest collateral units the continuing output may keep after paying `p` (§5.0.7
    /// with one priced asset: `bn·(held − kept) ≤ held·p·bd`).
    fn least_kept(&self, p: u64) -> u64 {
        let (bn, bd) = self.due();
        if self.held == 0 || bn <= big(0) {
            return 0;
        }
        let taken = (big(self.held) * big(p) * bd / bn).min(big(self.held));
        self.held - u64::try_from(taken).expect("at most held")
    }
}

// ## Fixtures

fn beacons() -> Value {
    json!({
        "loan_active:active()": 1,
        "loan_active:asset(DJ)": 1,
        "loan_active:borrower(key:borrower)": 1,
        format!("loan_active:loan({OFFER})"): 1,
    })
}

fn collateral(lovelace: u64, units: u64) -> Value {
    let mut v = beacons();
    v["lovelace"] = json!(lovelace);
    if units > 0 {
        v["OT"] = json!(units);
    }
    v
}

fn loan_address() -> Value {
    json!({"payment": {"script": "loan"}, "stake": {"key": "borrower"}})
}

fn lender_address() -> Value {
    json!({"payment": {"script": "proxy"}, "stake": {"key": "lender"}})
}

fn penalty_json(p: &Penalty) -> Value {
    match p {
        Penalty::None => json!("NoPenalty"),
        Penalty::Fixed(f) => json!({"FixedFee": {"fee": f}}),
        Penalty::Percent(n, d) => json!({"PercentFee": {"fee": {"num": n, "den": d}}}),
    }
}

fn datum(case: &Case, expiration: u64) -> Value {
    json!({
        "active_beacon_id": "loan_active",
        "payment_observer_hash": "loan_payment_observer",
        "address_update_observer_hash": "loan_address_observer",
        "borrower_id": "borrower(key:borrower)",
        "lender_address": lender_address(),
        "loan_asset": "DJ",
        "asset_beacon": "asset(DJ)",
        "loan_principal": 10_000_000,
        "epoch_duration": case.epoch,
        "last_epoch_boundary": L0,
        "loan_term": 30 * DAY,
        "loan_interest": {"num": case.interest.0, "den": case.interest.1},
        "compounding_interest": case.compounding,
        "min_payment": case.min_payment,
        "penalty": penalty_json(&case.penalty),
        "max_consecutive_misses": null,
        "collateralization": [["OT", {"num": case.price.0, "den": case.price.1}]],
        "collateral_is_swappable": false,
        "claim_expiration": expiration + DAY,
        "loan_expiration": expiration,
        "loan_outstanding": {"num": case.outstanding.0.to_string(), "den": case.outstanding.1.to_string()},
        "total_epoch_payments": case.total,
        "current_consecutive_misses": case.misses,
        "loan_id": format!("loan({OFFER})"),
    })
}

/// A partial payment of `p`: the Active UTxO continues with `changes` and `kept` collateral
/// units, the lender gets `paid` DJ at `lender`.
struct Payment {
    p: u64,
    changes: Value,
    kept: u64,
    paid: u64,
    lender: Value,
    expiration: u64,
    continuing: bool,
}

impl Payment {
    fn valid(case: &Case, p: u64) -> Payment {
        Payment {
            p,
            changes: case.after(p),
            kept: case.least_kept(p),
            paid: p,
            lender: lender_address(),
            expiration: case.upper() + 7 * DAY,
            continuing: true,
        }
    }

    fn fixture(&self, case: &Case, expect: &Value, rules: &[&str]) -> Value {
        let slot = SLOT_L0 + (case.upper() - L0) / 1000;
        let mut outputs = vec![];
        if self.continuing {
            outputs.push(json!({
                "address": loan_address(), "value": collateral(5_000_000, self.kept),
                "datum": {"inline": {"datum_of": "active", "with": self.changes}},
            }));
        }
        let mut paid = json!({"lovelace": 2_000_000});
        if self.paid > 0 {
            paid["DJ"] = json!(self.paid);
        }
        outputs.push(json!({
            "address": self.lender, "value": paid,
            "datum": {"inline": {"list": [
                {"bytes": {"script": "loan_active"}},
                {"bytes": {"beacon": format!("loan_active:loan({OFFER})")}},
            ]}},
        }));
        outputs.push(json!({"address": {"payment": {"key": "borrower"}}, "change": true}));
        let mut funds = json!({"lovelace": 20_000_000});
        if self.p > 0 {
            funds["DJ"] = json!(self.p);
        }
        json!({
            "description": format!("property case: {case:?}"),
            "protocol": "loans",
            "rules": rules,
            "expect": expect,
            "tokens": {
                "DJ": {"policy": DJ_POLICY, "name": "444a4544"},
                "OT": {"policy": OT_POLICY, "name": "4f74686572546f6b656e0a"},
            },
            "utxos": {
                "active": {
                    "address": loan_address(),
                    "value": collateral(5_000_000, case.held),
                    "datum": {"inline": {"loan_active_datum": datum(case, self.expiration)}},
                },
                "funds": {"address": {"payment": {"key": "borrower"}}, "value": funds},
            },
            "tx": {
                "inputs": [
                    {"utxo": "active", "redeemer": {"MakePayment": {"payment_amount": self.p}}},
                    {"utxo": "funds"},
                ],
                "withdrawals": [{"credential": {"script": "loan_payment_observer"}, "amount": 0, "redeemer": "ObservePayment"}],
                "outputs": outputs,
                "required_signers": ["borrower"],
                "validity": {"to": slot},
            },
        })
    }
}

// ## Generation

fn penalty() -> impl Strategy<Value = Penalty> {
    prop_oneof![
        Just(Penalty::None),
        (1u64..=1_000_000).prop_map(Penalty::Fixed),
        (1u64..=100, 1u64..=1_000).prop_map(|(n, d)| Penalty::Percent(n, d)),
    ]
}

fn denominator() -> impl Strategy<Value = u128> {
    prop_oneof![
        Just(1u128),
        1u128..=1_000_000,
        1u128..=1_000_000_000_000_000_000_000_000_000
    ]
}

fn case() -> impl Strategy<Value = Case> {
    (
        (
            prop_oneof![Just(0u64), 1u64..=50, 1u64..=1_000_000],
            prop_oneof![Just(1u64), 1u64..=1_000, 1u64..=1_000_000_000],
        ),
        any::<bool>(),
        prop_oneof![Just(0u64), 1u64..=10_000_000],
        penalty(),
        prop_oneof![Just(None), (1u64..=864_000).prop_map(|s| Some(s * 1000))],
        0u64..=12,
        (1u64..=10_000_000_000, denominator()),
        0u64..=20_000_000,
        0u64..=5,
        (
            prop_oneof![Just(0u64), 1u64..=1_000_000_000_000],
            (1u64..=1_000_000, 1u64..=1_000_000_000),
        ),
        (0u64..=1_000, 0u64..=999),
    )
        .prop_map(
            |(
                interest,
                compounding,
                min_payment,
                penalty,
                epoch,
                epochs,
                (whole, den),
                total,
                misses,
                (held, price),
                (offset, share),
            )| {
                let penalty = if min_payment == 0 {
                    Penalty::None
                } else {
                    penalty
                };
                let f_seconds = epoch.map_or(86_400, |f| f / 1000);
                Case {
                    interest,
                    compounding,
                    min_payment,
                    penalty,
                    epoch,
                    epochs,
                    offset_seconds: 1 + offset % f_seconds,
                    outstanding: (whole as u128 * den + den / 3, den),
                    total,
                    misses,
                    held,
                    price,
                    share,
                }
            },
        )
        .prop_filter("pay-off amount within a 63-bit quantity", |c| {
            c.pay_off() < big(1u64 << 62)
        })
}

// ## Running

/// One check: the fixture built for a case must replay as it expects; `None` when the check
/// does not apply to the case.
type Check = fn(&Case) -> Option<Value>;

const SUITE: Suite = Suite {
    protocol: "loans",
    cases_var: "LOANS_PROPTEST_CASES",
    seed: SEED,
};

fn property(name: &str, n: u32, check: Check) {
    SUITE.property(name, n, case, check);
}

fn ok(payment: &Payment, case: &Case) -> Value {
    payment.fixture(
        case,
        &json!("ok"),
        &["LOAN-PAY-08", "LOAN-PAY-12", "LOAN-PAY-13"],
    )
}

fn refused(payment: &Payment, case: &Case, rule: &str) -> Value {
    payment.fixture(case, &json!({"fail": rule}), &[rule])
}

/// A payment below the pay-off amount, chosen by `share`.
fn partial(case: &Case) -> Option<u64> {
    let top = u64::try_from(case.pay_off()).ok()?.checked_sub(1)?;
    Some(top / 1000 * case.share + top % 1000 * case.share / 1000)
}

// ## Properties

#[test]
fn one_lovelace_short_of_paying_off_is_a_partial_payment() {
    property("pay-off minus one is partial", 12, |case| {
        let top = u64::try_from(case.pay_off()).ok()?.checked_sub(1)?;
        Some(ok(&Payment::valid(case, top), case))
    });
}

#[test]
fn the_pay_off_amount_is_never_a_partial_payment() {
    property("pay-off is not partial", 8, |case| {
        let p = u64::try_from(case.pay_off()).ok()?;
        Some(refused(&Payment::valid(case, p), case, "LOAN-PAY-14"))
    });
}

#[test]
fn a_partial_payment_with_the_model_state_is_accepted() {
    property("partial payments", 12, |case| {
        let p = partial(case)?;
        Some(ok(&Payment::valid(case, p), case))
    });
}

#[test]
fn paying_the_lender_one_unit_short_is_refused() {
    property("lender underpaid", 8, |case| {
        let p = partial(case)?.max(1);
        if u64::try_from(case.pay_off()).ok()? <= p {
            return None;
        }
        let payment = Payment {
            paid: p - 1,
            ..Payment::valid(case, p)
        };
        Some(refused(&payment, case, "LOAN-PAY-13"))
    });
}

#[test]
fn one_unit_of_collateral_beyond_the_proportion_is_refused() {
    property("collateral over-withdrawn", 8, |case| {
        let p = partial(case)?;
        let valid = Payment::valid(case, p);
        let kept = valid.kept.checked_sub(1)?;
        Some(refused(&Payment { kept, ..valid }, case, "LOAN-PAY-12"))
    });
}

#[test]
fn a_wrong_new_state_field_is_refused() {
    property("wrong new state", 8, |case| {
        let p = partial(case)?;
        let mut valid = Payment::valid(case, p);
        let field = [
            "last_epoch_boundary",
            "total_epoch_payments",
            "current_consecutive_misses",
        ][(case.share % 3) as usize];
        let old = valid.changes[field].as_u64()?;
        valid.changes[field] = json!(old + 1);
        Some(refused(&valid, case, "LOAN-PAY-10"))
    });
}

#[test]
fn skipping_the_due_interest_is_refused() {
    property("skipped interest", 8, |case| {
        let p = partial(case)?;
        let skipped = Case {
            epochs: 0,
            ..case.clone()
        };
        if case.n() == 0 || skipped.due() == case.due() {
            return None;
        }
        let valid = Payment::valid(case, p);
        let mut changes = skipped.after(p);
        changes["last_epoch_boundary"] = valid.changes["last_epoch_boundary"].clone();
        Some(refused(&Payment { changes, ..valid }, case, "LOAN-PAY-10"))
    });
}

#[test]
fn paying_another_lender_address_is_refused() {
    property("wrong lender address", 6, |case| {
        let p = partial(case)?;
        let lender = json!({"payment": {"key": "lender"}});
        Some(refused(
            &Payment {
                lender,
                ..Payment::valid(case, p)
            },
            case,
            "LOAN-PAY-13",
        ))
    });
}

#[test]
fn paying_after_expiry_is_refused() {
    property("late payment", 6, |case| {
        let p = partial(case)?;
        let expiration = case.upper() - 1000;
        Some(refused(
            &Payment {
                expiration,
                ..Payment::valid(case, p)
            },
            case,
            "LOAN-PAY-06",
        ))
    });
}

#[test]
fn the_model_reproduces_appendix_a() {
    let a3 = Case {
        interest: (1, 100),
        compounding: true,
        min_payment: 500_000,
        penalty: Penalty::Fixed(100_000),
        epoch: Some(DAY),
        epochs: 3,
        offset_seconds: 86_400,
        outstanding: (7_100_000, 1),
        total: 3_000_000,
        misses: 0,
        held: 0,
        price: (1, 1),
        share: 0,
    };
    assert_eq!(a3.due(), (big(75_181_471), big(10)));
    let a6 = Case {
        epochs: 1,
        outstanding: (67_186_634_752_771, 10_000_000),
        total: 200_000,
        ..a3
    };
    assert_eq!(
        a6.due(),
        (big(6_886_850_110_029_871u64), big(1_000_000_000))
    );
    assert_eq!(a6.pay_off(), big(6_886_851));
}
