//! The generated input space of the swap property tests: a [`Case`] is plain data that proptest
//! generates and shrinks; [`build`] turns it into a [`TxSpec`] for one deployment (the record's
//! or the traced one: beacon ids, policies and script addresses differ, everything else is the
//! same, so a mutation applies identically to both).

use harness::{
    deploy::{Build, Deployment},
    keys::Key,
    protocols::swaps::{
        ow_ask_beacon, ow_offer_beacon, ow_pair_beacon, prev_input, tw_asset_beacon,
        tw_pair_beacon, tw_sort,
    },
    scenario::{
        Address, AssetClass, Credential, Datum, Hash28, Input, Mint, OutRef, Output, Script, Stake,
        TxOutput, TxSpec, Utxo, Value, Withdrawal,
    },
};
use num_bigint::BigInt;
use pallas_crypto::hash::Hasher;
use pallas_primitives::PlutusData;
use proptest::{collection::vec, prelude::*};
use std::collections::BTreeMap;
use uplc::ast::Data;

/// Swap owners (each swap address carries its owner's stake key).
pub const OWNERS: [&str; 3] = ["alice", "carol", "dave"];
/// Fills and funds come from this key.
pub const TAKER: &str = "bob";
const DEPLOYER: &str = "deployer";
/// Lovelace every swap UTxO holds beyond any ADA it trades: above the ledger minimum of the
/// largest swap output a case generates (two-way, 32-byte names, 80-bit prices).
pub const DEPOSIT: u64 = 5_000_000;
/// The largest holding or payment of one asset a case uses (10^15).
pub const MAXPAY: u64 = 1_000_000_000_000_000;
/// Lovelace the funding inputs carry on top of what they pay.
const SPARE: u64 = 20_000_000;

// ## Assets

/// An asset: ADA, the fixtures' `T` and `D`, or a generated token. `Gen(0, _)` shares `T`'s
/// policy, so pairs of one policy with two names occur.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Asset {
    Ada,
    T,
    D,
    Gen(u8, Vec<u8>),
}

fn policy(label: &str) -> Vec<u8> {
    Hasher::<224>::hash(label.as_bytes()).to_vec()
}

impl Asset {
    pub fn class(&self) -> AssetClass {
        match self {
            Asset::Ada => (vec![], vec![]),
            Asset::T => (policy("policy 0"), b"T".to_vec()),
            Asset::D => (policy("policy D"), b"D".to_vec()),
            Asset::Gen(p, name) => (policy(&format!("policy {p}")), name.clone()),
        }
    }
}

fn asset() -> impl Strategy<Value = Asset> {
    let name = prop_oneof![
        Just(vec![]),
        vec(any::<u8>(), 1..=4),
        vec(any::<u8>(), 32..=32),
    ];
    prop_oneof![
        3 => Just(Asset::Ada),
        2 => Just(Asset::T),
        1 => Just(Asset::D),
        3 => (0u8..4, name).prop_map(|(p, n)| Asset::Gen(p, n)),
    ]
}

/// Two different assets (the second is replaced when they coincide).
fn pair() -> impl Strategy<Value = (Asset, Asset)> {
    (asset(), asset()).prop_map(|(a, b)| {
        if a.class() == b.class() {
            let other = if a == Asset::Ada {
                Asset::T
            } else {
                Asset::Ada
            };
            (a, other)
        } else {
            (a, b)
        }
    })
}

// ## Prices and amounts

/// A price `num/den` (ask units per offer unit), both positive, `num/den ≤ MAXPAY`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Price {
    pub num: u128,
    pub den: u128,
}

fn magnitude() -> impl Strategy<Value = u128> {
    prop_oneof![
        Just(1u128),
        1u128..=10,
        1u128..=1_000_000,
        1u128..=1_000_000_000_000,
        (1u128 << 64)..(1u128 << 80),
    ]
}

fn price() -> impl Strategy<Value = Price> {
    (magnitude(), magnitude()).prop_map(|(num, den)| {
        let num = match den.checked_mul(u128::from(MAXPAY)) {
            Some(cap) if num > cap => num % cap + 1,
            _ => num,
        };
        Price { num, den }
    })
}

fn held() -> impl Strategy<Value = u64> {
    prop_oneof![1u64..=10, 1u64..=1_000_000, 1u64..=MAXPAY]
}

/// How much of the offer a fill takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Take {
    Full,
    One,
    Part(u64),
}

impl Take {
    fn of(self, offer_in: u64) -> u64 {
        match self {
            Take::Full => offer_in,
            Take::One => 1.min(offer_in),
            Take::Part(x) => x % offer_in.max(1) + 1,
        }
        .min(offer_in)
    }
}

// ## Cases

/// One swap of a case: what it trades, what it holds, how it is filled, updated or converted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SwapCase {
    pub two_way: bool,
    pub owner: usize,
    /// One-way: offer `a` for `b`. Two-way: the pair {a, b}; a fill takes `a`.
    pub a: Asset,
    pub b: Asset,
    /// One-way: the price. Two-way: asset1_price (asset1 is the smaller of a and b).
    pub p1: Price,
    /// Two-way: asset2_price.
    pub p2: Price,
    /// Quantity of `a` held (≥ 1) and of `b` held (may be 0).
    pub held_a: u64,
    pub held_b: u64,
    pub take: Take,
    /// Fill by scanning (`Swap`, `TakeAssetN`) instead of by index (`SwapAt`, `TakeAssetNAt`).
    pub scan: bool,
    /// New prices of an update.
    pub new_p1: Price,
    pub new_p2: Price,
    /// Convert target: another pair, maybe the other variant, maybe another owner's address.
    pub to_two_way: bool,
    pub to_a: Asset,
    pub to_b: Asset,
    pub to_owner: usize,
}

pub fn swap_case() -> impl Strategy<Value = SwapCase> {
    let terms = (
        any::<bool>(),
        0..OWNERS.len(),
        pair(),
        price(),
        price(),
        held(),
        prop_oneof![Just(0u64), held()],
    );
    let fill = (
        prop_oneof![
            Just(Take::Full),
            Just(Take::One),
            any::<u64>().prop_map(Take::Part)
        ],
        any::<bool>(),
    );
    let change = (price(), price(), any::<bool>(), pair(), 0..OWNERS.len());
    (terms, fill, change).prop_map(
        |(
            (two_way, owner, (a, b), p1, p2, held_a, held_b),
            (take, scan),
            (new_p1, new_p2, to_two_way, (to_a, to_b), to_owner),
        )| {
            let mut s = SwapCase {
                two_way,
                owner,
                a,
                b,
                p1,
                p2,
                held_a,
                held_b,
                take,
                scan,
                new_p1,
                new_p2,
                to_two_way,
                to_a,
                to_b,
                to_owner,
            };
            // A conversion must change the beacons (else the policy would not run).
            let same_pair = if s.two_way {
                [s.a.class(), s.b.class()]
                    .iter()
                    .all(|c| *c == s.to_a.class() || *c == s.to_b.class())
            } else {
                s.a.class() == s.to_a.class() && s.b.class() == s.to_b.class()
            };
            if same_pair && s.two_way == s.to_two_way {
                s.to_two_way = !s.to_two_way;
            }
            s
        },
    )
}

/// The actions of the spec (§5.3, §5.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Create,
    Close,
    /// Update prices through the zero withdrawal (`SpendWithStake` + `UpdateSwaps`).
    UpdateByWithdrawal,
    /// Update prices with `SpendWithMint`, the policy minting in the same tx (one new swap per
    /// variant is created alongside).
    UpdateByMint,
    Convert,
    Fill,
}

impl Action {
    pub const ALL: [Action; 6] = [
        Action::Create,
        Action::Close,
        Action::UpdateByWithdrawal,
        Action::UpdateByMint,
        Action::Convert,
        Action::Fill,
    ];
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    pub action: Action,
    pub swaps: Vec<SwapCase>,
}

pub fn case_of(action: Action, max: usize) -> impl Strategy<Value = Case> {
    vec(swap_case(), 1..=max).prop_map(move |swaps| Case { action, swaps })
}

pub fn any_case(max: usize) -> impl Strategy<Value = Case> {
    (
        prop::sample::select(Action::ALL.to_vec()),
        vec(swap_case(), 1..=max),
    )
        .prop_map(|(action, swaps)| Case { action, swaps })
}

// ## Deployments

/// The scripts of one build, and the reference input holding each.
pub struct Dep {
    pub ow_swap: Hash28,
    pub ow_beacon: Hash28,
    pub tw_swap: Hash28,
    pub tw_beacon: Hash28,
    refs: BTreeMap<Hash28, Utxo>,
    scripts: BTreeMap<Hash28, Script>,
}

impl Dep {
    pub fn of(build: Build) -> Dep {
        let deployment = Deployment::of(build).expect("the validators compile");
        let get = |n: &str| deployment.script(n).expect("deployed").hash;
        let mut refs = BTreeMap::new();
        let mut scripts = BTreeMap::new();
        for s in &deployment.scripts {
            let script = Script::PlutusV3 {
                name: s.name.into(),
                bytes: s.bytes.clone(),
            };
            let mut output = Output::plain(key_address(DEPLOYER), lovelace(20_000_000));
            output.reference_script = Some(script.clone());
            refs.insert(s.hash, utxo(&format!("{}_reference", s.name), output));
            scripts.insert(s.hash, script);
        }
        Dep {
            ow_swap: get("ow_swap"),
            ow_beacon: get("ow_beacon"),
            tw_swap: get("tw_swap"),
            tw_beacon: get("tw_beacon"),
            refs,
            scripts,
        }
    }

    pub fn swap(&self, two_way: bool) -> Hash28 {
        if two_way { self.tw_swap } else { self.ow_swap }
    }

    pub fn beacon(&self, two_way: bool) -> Hash28 {
        if two_way {
            self.tw_beacon
        } else {
            self.ow_beacon
        }
    }
}

// ## Small encoders

fn hash32(label: &str) -> [u8; 32] {
    *Hasher::<256>::hash(label.as_bytes())
}

pub fn out_ref(label: &str) -> OutRef {
    OutRef {
        tx_id: hash32(label),
        index: 0,
    }
}

pub fn key(name: &str) -> Hash28 {
    *Key::named(name).hash
}

pub fn key_address(name: &str) -> Address {
    Address {
        payment: Credential::Key(key(name)),
        stake: Stake::Inline(Credential::Key(key(name))),
    }
}

fn lovelace(n: u64) -> Value {
    Value {
        lovelace: n,
        assets: BTreeMap::new(),
    }
}

pub fn utxo(label: &str, output: Output) -> Utxo {
    Utxo {
        name: label.into(),
        out_ref: out_ref(label),
        output,
    }
}

pub fn int(n: impl Into<BigInt>) -> PlutusData {
    Data::integer(n.into())
}

fn bytes(b: &[u8]) -> PlutusData {
    Data::bytestring(b.to_vec())
}

pub fn constr(ix: u64, fields: Vec<PlutusData>) -> PlutusData {
    Data::constr(ix, fields)
}

/// Adds `qty` of `class` to a value (ADA into lovelace).
pub fn add(value: &mut Value, class: &AssetClass, qty: u64) {
    if qty == 0 {
        return;
    }
    if class.0.is_empty() {
        value.lovelace += qty;
    } else {
        *value.assets.entry(class.clone()).or_default() += qty;
    }
}

/// Sets the quantity of `class` in a swap value (ADA on top of the deposit).
pub fn set_holding(value: &mut Value, class: &AssetClass, qty: u64) {
    if class.0.is_empty() {
        value.lovelace = DEPOSIT + qty;
    } else if qty == 0 {
        value.assets.remove(class);
    } else {
        value.assets.insert(class.clone(), qty);
    }
}

// ## Swaps as the ledger holds them

/// A swap's terms resolved to bytes: variant, sorted assets (two-way), prices, beacon names.
#[derive(Debug, Clone)]
pub struct Terms {
    pub two_way: bool,
    pub owner: usize,
    /// One-way: offer, ask. Two-way: asset1, asset2 (sorted).
    pub x: AssetClass,
    pub y: AssetClass,
    pub p1: Price,
    pub p2: Price,
    pub names: [[u8; 32]; 3],
}

impl Terms {
    pub fn new(two_way: bool, owner: usize, a: &Asset, b: &Asset, p1: Price, p2: Price) -> Terms {
        let (a, b) = (a.class(), b.class());
        let (x, y) = if two_way {
            let (x, y) = tw_sort(&a, &b);
            (x.clone(), y.clone())
        } else {
            (a, b)
        };
        let names = if two_way {
            [
                tw_pair_beacon(&x, &y),
                tw_asset_beacon(&x),
                tw_asset_beacon(&y),
            ]
        } else {
            [
                ow_pair_beacon(&x, &y),
                ow_offer_beacon(&x),
                ow_ask_beacon(&y),
            ]
        };
        Terms {
            two_way,
            owner,
            x,
            y,
            p1,
            p2,
            names,
        }
    }

    pub fn address(&self, dep: &Dep) -> Address {
        Address {
            payment: Credential::Script(dep.swap(self.two_way)),
            stake: Stake::Inline(Credential::Key(key(OWNERS[self.owner]))),
        }
    }

    /// The datum fields as Plutus Data (the last one is `prev_input`).
    pub fn datum_fields(&self, dep: &Dep, prev: Option<&OutRef>) -> Vec<PlutusData> {
        let rational = |p: Price| constr(0, vec![int(p.num), int(p.den)]);
        let prev = prev.map_or_else(|| constr(1, vec![]), prev_input);
        let [pair, first, second] = &self.names;
        let mut fields = vec![
            bytes(&dep.beacon(self.two_way)),
            bytes(pair),
            bytes(&self.x.0),
            bytes(&self.x.1),
            bytes(first),
            bytes(&self.y.0),
            bytes(&self.y.1),
            bytes(second),
            rational(self.p1),
        ];
        if self.two_way {
            fields.push(rational(self.p2));
        }
        fields.push(prev);
        fields
    }

    pub fn datum(&self, dep: &Dep, prev: Option<&OutRef>) -> PlutusData {
        constr(0, self.datum_fields(dep, prev))
    }

    pub fn beacons(&self, dep: &Dep) -> Vec<(AssetClass, u64)> {
        let policy = dep.beacon(self.two_way).to_vec();
        self.names
            .iter()
            .map(|n| ((policy.clone(), n.to_vec()), 1))
            .collect()
    }

    /// A swap output holding `hx` of x and `hy` of y.
    pub fn output(&self, dep: &Dep, hx: u64, hy: u64, prev: Option<&OutRef>) -> Output {
        let mut value = lovelace(DEPOSIT);
        for (class, qty) in self.beacons(dep) {
            add(&mut value, &class, qty);
        }
        add(&mut value, &self.x, hx);
        add(&mut value, &self.y, hy);
        Output {
            address: self.address(dep),
            value,
            datum: Datum::Inline(self.datum(dep, prev)),
            reference_script: None,
        }
    }
}

impl SwapCase {
    pub fn terms(&self) -> Terms {
        Terms::new(self.two_way, self.owner, &self.a, &self.b, self.p1, self.p2)
    }

    /// Holdings of (x, y) of [`SwapCase::terms`].
    pub fn holdings(&self) -> (u64, u64) {
        if self.a.class() == self.terms().x {
            (self.held_a, self.held_b)
        } else {
            (self.held_b, self.held_a)
        }
    }

    fn updated(&self) -> Terms {
        Terms::new(
            self.two_way,
            self.owner,
            &self.a,
            &self.b,
            self.new_p1,
            self.new_p2,
        )
    }

    fn converted(&self) -> Terms {
        Terms::new(
            self.to_two_way,
            self.to_owner,
            &self.to_a,
            &self.to_b,
            self.p1,
            self.p2,
        )
    }
}

// ## Fills

/// What one fill does, by the numbers.
#[derive(Debug, Clone)]
pub struct Fill {
    pub two_way: bool,
    pub offer: AssetClass,
    pub ask: AssetClass,
    pub num: BigInt,
    pub den: BigInt,
    pub offer_in: u64,
    pub ask_in: u64,
    pub take: u64,
    /// The minimum payment, `ceil(take × num / den)`, which the valid transaction pays.
    pub pay: u64,
}

impl Fill {
    /// The rule a fill that pays too little for what it takes breaks.
    pub fn price_rule(&self) -> &'static str {
        if self.two_way {
            "SWAP-TW-EXEC-08"
        } else {
            "SWAP-OW-EXEC-09"
        }
    }

    /// The rule a fill that takes from the ask breaks.
    pub fn ask_rule(&self) -> &'static str {
        if self.two_way {
            "SWAP-TW-EXEC-07"
        } else {
            "SWAP-OW-EXEC-08"
        }
    }

    /// `take × num ≤ pay × den` (exact).
    pub fn fair(&self, take: i128, pay: i128) -> bool {
        BigInt::from(take) * &self.num <= BigInt::from(pay) * &self.den
    }
}

/// The minimum payment `ceil(take × num / den)`.
pub fn min_pay(take: u64, num: &BigInt, den: &BigInt) -> BigInt {
    let product = BigInt::from(take) * num;
    (product + den - 1) / den
}

fn fill_of(s: &SwapCase) -> Fill {
    let t = s.terms();
    let (hx, hy) = s.holdings();
    // The fill takes `a`; the direction (two-way) follows from where `a` sorts.
    let takes_x = s.a.class() == t.x;
    let (offer, ask, offer_in, ask_in) = if takes_x {
        (t.x.clone(), t.y.clone(), hx, hy)
    } else {
        (t.y.clone(), t.x.clone(), hy, hx)
    };
    let p = if !t.two_way || takes_x { t.p1 } else { t.p2 };
    let (num, den) = (BigInt::from(p.num), BigInt::from(p.den));
    let mut take = s.take.of(offer_in);
    // Keep the payment within MAXPAY: take at most floor(MAXPAY × den / num).
    let max_take = BigInt::from(MAXPAY) * &den / &num;
    if BigInt::from(take) > max_take {
        take = u64::try_from(max_take).unwrap_or(u64::MAX);
    }
    let pay = u64::try_from(min_pay(take, &num, &den)).expect("payment within MAXPAY");
    Fill {
        two_way: t.two_way,
        offer,
        ask,
        num,
        den,
        offer_in,
        ask_in,
        take,
        pay,
    }
}

// ## Transactions

/// A built transaction with where each swap went.
#[derive(Debug, Clone)]
pub struct Built {
    pub spec: TxSpec,
    /// Per swap of the case: its input in `spec.inputs` (actions that spend it).
    pub swap_in: Vec<Option<usize>>,
    /// Per swap of the case: its continuing or created output in `spec.outputs`.
    pub swap_out: Vec<Option<usize>>,
    /// Per swap of the case, for fills.
    pub fills: Vec<Fill>,
    /// Per swap of the case: the terms its output at `swap_out` carries.
    pub out_terms: Vec<Option<Terms>>,
}

fn spend_label(i: usize) -> String {
    format!("swap{i}")
}

/// The transaction of `case` under `dep`.
pub fn build(case: &Case, dep: &Dep) -> Built {
    let n = case.swaps.len();
    let mut spec = TxSpec {
        scripts: dep.scripts.clone(),
        keys: OWNERS
            .iter()
            .chain([&TAKER, &DEPLOYER])
            .map(|k| (key(k), k.to_string()))
            .collect(),
        ..TxSpec::default()
    };
    let mut built = Built {
        spec: TxSpec::default(),
        swap_in: vec![None; n],
        swap_out: vec![None; n],
        fills: Vec::new(),
        out_terms: vec![None; n],
    };
    let existing: Vec<Utxo> = case
        .swaps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let (hx, hy) = s.holdings();
            utxo(&spend_label(i), s.terms().output(dep, hx, hy, None))
        })
        .collect();
    let mut needed: Vec<Hash28> = Vec::new();
    let mut need = |h: Hash28| {
        if !needed.contains(&h) {
            needed.push(h)
        }
    };
    // Net beacon mint by policy and name.
    let mut mint: BTreeMap<Hash28, BTreeMap<Vec<u8>, i64>> = BTreeMap::new();
    let mut count = |terms: &Terms, sign: i64| {
        for name in terms.names {
            *mint
                .entry(dep.beacon(terms.two_way))
                .or_default()
                .entry(name.to_vec())
                .or_default() += sign;
        }
    };
    let change = |name: &str| TxOutput {
        output: Output::plain(key_address(name), lovelace(0)),
        change: true,
    };
    let mut signers: Vec<String> = Vec::new();

    match case.action {
        Action::Create => {
            let mut funds = lovelace(SPARE);
            for (i, s) in case.swaps.iter().enumerate() {
                let t = s.terms();
                let (hx, hy) = s.holdings();
                funds.lovelace += DEPOSIT;
                add(&mut funds, &t.x, hx);
                add(&mut funds, &t.y, hy);
                count(&t, 1);
                need(dep.beacon(t.two_way));
                built.swap_out[i] = Some(spec.outputs.len());
                spec.outputs.push(TxOutput {
                    output: t.output(dep, hx, hy, None),
                    change: false,
                });
                built.out_terms[i] = Some(t);
            }
            spec.inputs.push(Input {
                utxo: utxo("creator_funds", Output::plain(key_address(TAKER), funds)),
                redeemer: None,
            });
            spec.outputs.push(change(TAKER));
        }
        Action::Fill => {
            let fills: Vec<Fill> = case.swaps.iter().map(fill_of).collect();
            let mut funds = lovelace(SPARE);
            for f in &fills {
                add(&mut funds, &f.ask, f.pay);
            }
            let taker = utxo("taker_funds", Output::plain(key_address(TAKER), funds));
            let mut sorted: Vec<OutRef> = existing
                .iter()
                .map(|u| u.out_ref)
                .chain([taker.out_ref])
                .collect();
            sorted.sort();
            for (i, (s, f)) in case.swaps.iter().zip(&fills).enumerate() {
                let t = s.terms();
                let u = &existing[i];
                need(dep.swap(t.two_way));
                let at = sorted.iter().position(|r| *r == u.out_ref).unwrap_or(0);
                let takes_x = f.offer == t.x;
                let (scanning, indexed) = match (t.two_way, takes_x) {
                    (false, _) => (2, 3),
                    (true, true) => (2, 4),
                    (true, false) => (3, 5),
                };
                let redeemer = if s.scan {
                    constr(scanning, vec![])
                } else {
                    constr(indexed, vec![int(at as u64), int(i as u64)])
                };
                built.swap_in[i] = Some(spec.inputs.len());
                spec.inputs.push(Input {
                    utxo: u.clone(),
                    redeemer: Some(redeemer),
                });
                let mut output = u.output.clone();
                output.datum = Datum::Inline(t.datum(dep, Some(&u.out_ref)));
                set_holding(&mut output.value, &f.offer, f.offer_in - f.take);
                set_holding(&mut output.value, &f.ask, f.ask_in + f.pay);
                built.swap_out[i] = Some(spec.outputs.len());
                spec.outputs.push(TxOutput {
                    output,
                    change: false,
                });
                built.out_terms[i] = Some(t);
            }
            spec.inputs.push(Input {
                utxo: taker,
                redeemer: None,
            });
            spec.outputs.push(change(TAKER));
            built.fills = fills;
        }
        Action::Close | Action::UpdateByWithdrawal | Action::UpdateByMint | Action::Convert => {
            let mut funds = lovelace(SPARE);
            let mut created: Vec<Terms> = Vec::new();
            for (i, s) in case.swaps.iter().enumerate() {
                let t = s.terms();
                let (hx, hy) = s.holdings();
                need(dep.swap(t.two_way));
                need(dep.beacon(t.two_way));
                let owner = OWNERS[t.owner].to_string();
                if !signers.contains(&owner) {
                    signers.push(owner);
                }
                built.swap_in[i] = Some(i);
                let new = match case.action {
                    Action::Close => {
                        count(&t, -1);
                        None
                    }
                    Action::UpdateByWithdrawal | Action::UpdateByMint => Some(s.updated()),
                    _ => {
                        count(&t, -1);
                        let c = s.converted();
                        count(&c, 1);
                        need(dep.beacon(c.two_way));
                        Some(c)
                    }
                };
                if let Some(new) = new {
                    // Converted swaps keep their holdings where the asset is still traded;
                    // the rest goes back to the owner (change).
                    let keep = |class: &AssetClass| {
                        let mut q = 0;
                        if *class == t.x {
                            q += hx
                        }
                        if *class == t.y {
                            q += hy
                        }
                        q
                    };
                    let (nx, ny) = (keep(&new.x), keep(&new.y));
                    add(&mut funds, &new.x, nx);
                    add(&mut funds, &new.y, ny);
                    funds.lovelace += DEPOSIT;
                    built.swap_out[i] = Some(spec.outputs.len());
                    spec.outputs.push(TxOutput {
                        output: new.output(dep, nx, ny, None),
                        change: false,
                    });
                    built.out_terms[i] = Some(new);
                }
                if case.action == Action::UpdateByMint
                    && !created.iter().any(|c| c.two_way == t.two_way)
                {
                    // One new swap per variant makes that beacon policy mint.
                    count(&t, 1);
                    funds.lovelace += DEPOSIT;
                    add(&mut funds, &t.x, hx);
                    add(&mut funds, &t.y, hy);
                    spec.outputs.push(TxOutput {
                        output: t.output(dep, hx, hy, None),
                        change: false,
                    });
                    created.push(t);
                }
            }
            // Spend inputs: SpendWithMint where the datum's policy mints, else SpendWithStake
            // with the policy's zero withdrawal.
            mint.retain(|_, names| {
                names.retain(|_, q| *q != 0);
                !names.is_empty()
            });
            let mut withdraw: Vec<Hash28> = Vec::new();
            for (i, s) in case.swaps.iter().enumerate() {
                let policy = dep.beacon(s.two_way);
                let by_mint =
                    case.action != Action::UpdateByWithdrawal && mint.contains_key(&policy);
                if !by_mint && !withdraw.contains(&policy) {
                    withdraw.push(policy);
                }
                spec.inputs.push(Input {
                    utxo: existing[i].clone(),
                    redeemer: Some(constr(if by_mint { 0 } else { 1 }, vec![])),
                });
            }
            for policy in withdraw {
                spec.withdrawals.push(Withdrawal {
                    credential: Credential::Script(policy),
                    amount: 0,
                    redeemer: Some(constr(1, vec![])),
                });
            }
            // The swaps' own value pays the new deposits; the owner adds the rest.
            if case.action != Action::Close {
                spec.inputs.push(Input {
                    utxo: utxo("owner_funds", Output::plain(key_address(OWNERS[0]), funds)),
                    redeemer: None,
                });
            }
            spec.outputs.push(change(OWNERS[0]));
        }
    }
    // Every beacon minted or burned goes in the mint field (create, close, convert, update by mint).
    for (policy, names) in mint {
        let assets: Vec<(Vec<u8>, i64)> = names.into_iter().filter(|(_, q)| *q != 0).collect();
        if !assets.is_empty() {
            spec.mint.push(Mint {
                policy,
                assets,
                redeemer: Some(constr(0, vec![])),
            });
        }
    }
    spec.required_signers = signers;
    spec.reference_inputs = needed
        .iter()
        .filter_map(|h| dep.refs.get(h).cloned())
        .collect();
    built.spec = spec;
    built
}
