//! The loans actions the capacity search ([`crate::capacity`]) batches, the 16 rows of spec
//! §7.2: each is a fixture written for `n` actions, resolved like any fixture, with every script
//! it runs read from a reference input and three collateral assets per loan (`D`, `T`, `U`), as
//! in the original's benchmarks. "Distinct assets" rows give loan `i` its own loan asset `L{i}`.

use super::super::CapacityHooks;
use crate::{
    capacity::{self, Batch, DustEntry, Error, Load, add_dust},
    deploy::Build,
    ledger,
    params::Params,
    scenario::{TxOutput, TxSpec},
};
use serde_json::{Map, Value as Json, json};

/// One §7.2 row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    CreateAsks,
    /// Every Ask's loan asset changed to ADA, the same collateral.
    UpdateAsksSame,
    /// Every Ask's loan asset `L{i}` changed to its own `M{i}`.
    UpdateAsksDifferent,
    CloseAsks,
    CreateOffers,
    /// Every Offer of `L{i}` changed into an ADA Offer with other terms.
    UpdateOffers,
    CloseOffers,
    /// Offers of one lender, all for ADA on the same terms.
    AcceptSame,
    /// Offers of `n` lenders, each for its own loan asset.
    AcceptDifferent,
    PayPartial,
    PayFull,
    /// Each Key in its own UTxO.
    AddressSeparate,
    /// Every Key in one UTxO.
    AddressTogether,
    /// Loans of `n` borrowers, each Key in its own UTxO.
    Claim,
    Unlock,
    /// Proxy UTxOs staked by a key, each with a payment datum.
    ProxySpend,
}

/// Every §7.2 row, in the table's order.
pub const ALL: [Action; 16] = [
    Action::CreateAsks,
    Action::UpdateAsksSame,
    Action::UpdateAsksDifferent,
    Action::CloseAsks,
    Action::CreateOffers,
    Action::UpdateOffers,
    Action::CloseOffers,
    Action::AcceptSame,
    Action::AcceptDifferent,
    Action::PayPartial,
    Action::PayFull,
    Action::AddressSeparate,
    Action::AddressTogether,
    Action::Claim,
    Action::Unlock,
    Action::ProxySpend,
];

/// The groups of protocol UTxOs dust is tried against ([`DustEntry::group`]).
const ASKS: &str = "asks";
const OFFERS: &str = "offers";
const ACTIVE: &str = "active";

const DAY: i64 = 86_400_000;
const HOUR: i64 = 3_600_000;
/// The validity interval's slots (from, to).
const SLOT: u64 = 150_000_000;
const PRINCIPAL: u64 = 10_000_000;
/// The principal with one epoch's 1 % interest: the outstanding balance after acceptance.
const OUTSTANDING: u64 = 10_100_000;
const PARTIAL: u64 = 3_000_000;
const DEPOSIT: u64 = 4_000_000;
/// The transaction the loans were accepted in: Loan ID `i` is `loan({ACCEPTED}#{i})`.
const ACCEPTED: &str = "0517795a270cf535deec2c393a70d00e5833cda0e68e20b58a261a63f71917e2";
const COLLATERAL: [&str; 3] = ["D", "T", "U"];

impl Action {
    fn name(self) -> &'static str {
        match self {
            Action::CreateAsks => "create-asks",
            Action::UpdateAsksSame => "update-asks-same",
            Action::UpdateAsksDifferent => "update-asks-different",
            Action::CloseAsks => "close-asks",
            Action::CreateOffers => "create-offers",
            Action::UpdateOffers => "update-offers",
            Action::CloseOffers => "close-offers",
            Action::AcceptSame => "accept-same",
            Action::AcceptDifferent => "accept-different",
            Action::PayPartial => "pay-partial",
            Action::PayFull => "pay-full",
            Action::AddressSeparate => "address-separate",
            Action::AddressTogether => "address-together",
            Action::Claim => "claim",
            Action::Unlock => "unlock",
            Action::ProxySpend => "proxy-spend",
        }
    }

    /// The scripts the transaction runs, each read from a reference input.
    fn scripts(self) -> &'static [&'static str] {
        match self {
            Action::CreateAsks | Action::CreateOffers => &["loan_negotiation"],
            Action::UpdateAsksSame
            | Action::UpdateAsksDifferent
            | Action::CloseAsks
            | Action::UpdateOffers
            | Action::CloseOffers => &["loan_negotiation", "loan"],
            Action::AcceptSame | Action::AcceptDifferent => {
                &["loan_negotiation", "loan", "loan_active"]
            }
            Action::PayPartial => &["loan", "loan_payment_observer"],
            Action::PayFull => &["loan", "loan_payment_observer", "loan_active"],
            Action::AddressSeparate | Action::AddressTogether => &["loan", "loan_address_observer"],
            Action::Claim | Action::Unlock => &["loan", "loan_active"],
            Action::ProxySpend => &["proxy"],
        }
    }

    /// The fixture of `n` actions.
    fn fixture(self, n: usize) -> Json {
        let mut b = Builder::default();
        for script in self.scripts() {
            b.utxos.insert(format!("{script}_ref"), json!({"address": key("carol"), "value": {"lovelace": 60_000_000}, "reference_script": script}));
            b.refs.push(json!(format!("{script}_ref")));
        }
        match self {
            Action::CreateAsks => create_asks(&mut b, n),
            Action::UpdateAsksSame => update_asks(&mut b, n, |_| "ADA".into()),
            Action::UpdateAsksDifferent => update_asks(&mut b, n, |i| format!("M{i}")),
            Action::CloseAsks => close_asks(&mut b, n),
            Action::CreateOffers => create_offers(&mut b, n),
            Action::UpdateOffers => update_offers(&mut b, n),
            Action::CloseOffers => close_offers(&mut b, n),
            Action::AcceptSame => accept(&mut b, n, |_| ("alice".into(), "ADA".into())),
            Action::AcceptDifferent => {
                accept(&mut b, n, |i| (format!("lender{i}"), format!("L{i}")))
            }
            Action::PayPartial => pay(&mut b, n, PARTIAL),
            Action::PayFull => pay(&mut b, n, OUTSTANDING),
            Action::AddressSeparate => update_address(&mut b, n, false),
            Action::AddressTogether => update_address(&mut b, n, true),
            Action::Claim => claim(&mut b, n),
            Action::Unlock => unlock(&mut b, n),
            Action::ProxySpend => proxy_spend(&mut b, n),
        }
        b.fixture(&format!("{} of {n} loans UTxOs", self.name()), n)
    }

    /// Dust in every spent protocol UTxO, sent on to the actor in an output of its own per UTxO,
    /// before the actor's change (the last output).
    fn dusted(self, spec: &mut TxSpec, params: &Params) {
        let actor = match self {
            Action::UpdateOffers
            | Action::CloseOffers
            | Action::AcceptSame
            | Action::AcceptDifferent
            | Action::Unlock => "bob",
            Action::PayPartial | Action::PayFull => "borrower",
            Action::AddressSeparate | Action::AddressTogether => "carol",
            _ => "alice",
        };
        let mut received = Vec::new();
        for (k, input) in spec.inputs.iter_mut().enumerate() {
            let name = &input.utxo.name;
            if !["ask", "offer", "active"]
                .iter()
                .any(|p| name.starts_with(p))
            {
                continue;
            }
            let dust = ledger::dust(&input.utxo.output, params, (k * 1000) as u64);
            capacity::stuff(&mut input.utxo.output, &dust, 0, params);
            received.push(TxOutput {
                output: capacity::dust_output(actor, &dust, params),
                change: false,
            });
        }
        let at = spec.outputs.len().saturating_sub(1);
        for output in received {
            spec.outputs.insert(at, output);
        }
    }
}

// ## The fixture

/// The parts of a fixture an action fills in.
#[derive(Default)]
struct Builder {
    utxos: Map<String, Json>,
    refs: Vec<Json>,
    inputs: Vec<Json>,
    outputs: Vec<Json>,
    mint: Vec<Json>,
    tx: Map<String, Json>,
}

impl Builder {
    fn fixture(mut self, description: &str, n: usize) -> Json {
        let mut tokens = Map::new();
        let collateral = [
            (
                "D",
                "5c84e7433fdd13ca161bd4a6cd68fc6462fcca5aea07c5692be091df",
                "444a4544".to_string(),
            ),
            (
                "T",
                "c0f8644a01a6bf5db02f4afe30d604975e63dd274f1098a1738e561d",
                "4f74686572546f6b656e0a".into(),
            ),
            (
                "U",
                "c0f8644a01a6bf5db02f4afe30d604975e63dd274f1098a1738e561d",
                "54657374546f6b656e31".into(),
            ),
        ];
        for (alias, policy, name) in collateral {
            tokens.insert(alias.into(), json!({"policy": policy, "name": name}));
        }
        for i in 0..n {
            tokens.insert(
                format!("L{i}"),
                json!({"policy": "dd".repeat(28), "name": format!("4c{i:04x}")}),
            );
            tokens.insert(
                format!("M{i}"),
                json!({"policy": "ee".repeat(28), "name": format!("4d{i:04x}")}),
            );
        }
        self.tx.insert("inputs".into(), json!(self.inputs));
        self.tx.insert("reference_inputs".into(), json!(self.refs));
        self.tx.insert("outputs".into(), json!(self.outputs));
        if !self.mint.is_empty() {
            self.tx.insert("mint".into(), json!(self.mint));
        }
        json!({
            "description": description, "protocol": "loans", "rules": [], "expect": "ok",
            "tokens": tokens, "utxos": self.utxos, "tx": self.tx,
        })
    }

    /// A spent UTxO named `name`, sorted by `(prefix, i)` among the inputs (no redeemer when
    /// `redeemer` is null).
    fn spend(&mut self, name: String, prefix: u8, i: usize, mut utxo: Json, redeemer: Json) {
        utxo["ref"] = json!(format!("{prefix:02x}{i:062x}#0"));
        self.utxos.insert(name.clone(), utxo);
        let mut input = json!({ "utxo": name });
        if !redeemer.is_null() {
            input["redeemer"] = redeemer;
        }
        self.inputs.push(input);
    }

    /// `owner`'s wallet UTxO of `value`, spent, and `owner`'s change as the last output; `owner`
    /// signs.
    fn funds(&mut self, owner: &str, value: Json) {
        self.utxos.insert(
            format!("{owner}_funds"),
            json!({"address": key(owner), "value": value}),
        );
        self.inputs.push(json!({"utxo": format!("{owner}_funds")}));
        self.outputs
            .push(json!({"address": key(owner), "change": true}));
        self.tx.insert("required_signers".into(), json!([owner]));
    }

    fn mint(&mut self, policy: &str, assets: Json, redeemer: Json) {
        self.mint
            .push(json!({"policy": policy, "assets": assets, "redeemer": redeemer}));
    }

    fn validity(&mut self) {
        self.tx
            .insert("validity".into(), json!({"from": SLOT, "to": SLOT + 3600}));
    }
}

fn key(name: &str) -> Json {
    json!({"payment": {"key": name}})
}

fn loan_address(owner: &str) -> Json {
    json!({"payment": {"script": "loan"}, "stake": {"key": owner}})
}

/// Sums the quantities of `entries` under each name, dropping the zeros.
fn tally(entries: impl IntoIterator<Item = (String, i64)>) -> Json {
    let mut m = Map::new();
    for (name, q) in entries {
        let now = m.get(&name).and_then(Json::as_i64).unwrap_or(0) + q;
        m.insert(name, json!(now));
    }
    m.retain(|_, q| q.as_i64() != Some(0));
    Json::Object(m)
}

/// `value` with `asset` (`ADA` or an alias) added.
fn add(value: &mut Json, asset: &str, q: u64) {
    let key = if asset == "ADA" { "lovelace" } else { asset };
    let now = value.get(key).and_then(Json::as_u64).unwrap_or(0) + q;
    value[key] = json!(now);
}

/// `object` with the fields of `fields` added (both JSON objects).
fn extend(object: &mut Json, fields: Json) {
    if let (Json::Object(m), Json::Object(f)) = (object, fields) {
        m.extend(f);
    }
}

// ## Asks and Offers (N)

fn ask_redeemer() -> Json {
    json!({"CreateCloseOrUpdateAsk": {"borrower_credential": {"key": "alice"}}})
}

fn offer_redeemer() -> Json {
    json!({"CreateCloseOrUpdateOffer": {"lender_credential": {"key": "bob"}}})
}

/// Alice's Ask for `asset`, pledging one of each collateral asset.
fn ask(asset: &str) -> Json {
    let mut value = json!({"lovelace": 3_000_000, "loan_negotiation:ask()": 1});
    value[format!("loan_negotiation:asset({asset})")] = json!(1);
    for c in COLLATERAL {
        value[c] = json!(1);
    }
    json!({"address": loan_address("alice"), "value": value, "datum": {"inline": {"loan_ask_datum": {
        "negotiation_beacon_id": "loan_negotiation", "active_beacon_id": "loan_active",
        "borrower_id": "borrower(key:alice)", "loan_asset": asset, "asset_beacon": format!("asset({asset})"),
        "loan_principal": PRINCIPAL, "loan_term": 30 * DAY,
        "collateral": COLLATERAL.map(|c| [c, c]),
    }}}})
}

fn create_asks(b: &mut Builder, n: usize) {
    let mut funds = json!({"lovelace": 20_000_000 + 3_000_000 * n as u64});
    for c in COLLATERAL {
        funds[c] = json!(n);
    }
    b.outputs = (0..n).map(|i| ask(&format!("L{i}"))).collect();
    b.funds("alice", funds);
    let beacons = (0..n).flat_map(|i| [("ask()".into(), 1), (format!("asset(L{i})"), 1)]);
    b.mint("loan_negotiation", tally(beacons), ask_redeemer());
}

fn update_asks(b: &mut Builder, n: usize, to: impl Fn(usize) -> String) {
    for i in 0..n {
        b.spend(
            format!("ask{i}"),
            0xa0,
            i,
            ask(&format!("L{i}")),
            json!("CloseOrUpdateAsk"),
        );
        b.outputs.push(ask(&to(i)));
    }
    b.funds("alice", json!({"lovelace": 20_000_000}));
    let beacons = (0..n).flat_map(|i| {
        [
            (format!("asset({})", to(i)), 1),
            (format!("asset(L{i})"), -1),
        ]
    });
    b.mint("loan_negotiation", tally(beacons), ask_redeemer());
}

fn close_asks(b: &mut Builder, n: usize) {
    for i in 0..n {
        let redeemer = indexed("CloseOrUpdateAskAt", &format!("ask{i}"), n);
        b.spend(format!("ask{i}"), 0xa0, i, ask(&format!("L{i}")), redeemer);
    }
    b.funds("alice", json!({"lovelace": 5_000_000}));
    let beacons = (0..n).flat_map(|i| [("ask()".into(), -1), (format!("asset(L{i})"), -1)]);
    b.mint("loan_negotiation", tally(beacons), ask_redeemer());
}

/// The collateralization of every Offer and loan: the three collateral assets, each priced.
fn collateralization() -> Json {
    json!([["D", {"num": 1, "den": 10_000}], ["T", {"num": 1, "den": 1_000_000}], ["U", {"num": 1, "den": 500_000}]])
}

/// The terms of every Offer and loan but the loan asset: 1 % per one-day epoch, compounding,
/// 0.5 minimum payment, a fixed 0.1 penalty, at most three misses.
fn terms(asset: &str, term: i64) -> Json {
    json!({
        "loan_asset": asset, "asset_beacon": format!("asset({asset})"), "loan_principal": PRINCIPAL,
        "epoch_duration": DAY, "loan_term": term, "loan_interest": {"num": 1, "den": 100},
        "compounding_interest": true, "min_payment": 500_000, "penalty": {"FixedFee": {"fee": 100_000}},
        "max_consecutive_misses": 3, "collateralization": collateralization(),
        "collateral_is_swappable": false,
    })
}

/// `lender`'s Offer of `asset` to `borrower`: exactly the principal, the deposit and N's three
/// beacons.
fn offer(lender: &str, borrower: &str, asset: &str, term: i64) -> Json {
    let lender_id = format!("lender(key:{lender})");
    let mut datum = json!({
        "negotiation_beacon_id": "loan_negotiation", "active_beacon_id": "loan_active",
        "lender_id": lender_id, "lender_address": key(lender),
        "claim_period": 7 * DAY, "offer_deposit": DEPOSIT, "offer_expiration": null, "corresponding_ask": null,
    });
    extend(&mut datum, terms(asset, term));
    let mut value = json!({"lovelace": DEPOSIT, "loan_negotiation:offer()": 1});
    value[format!("loan_negotiation:asset({asset})")] = json!(1);
    value[format!("loan_negotiation:{lender_id}")] = json!(1);
    add(&mut value, asset, PRINCIPAL);
    json!({"address": loan_address(borrower), "value": value, "datum": {"inline": {"loan_offer_datum": datum}}})
}

fn create_offers(b: &mut Builder, n: usize) {
    let mut funds = json!({"lovelace": 20_000_000 + DEPOSIT * n as u64});
    for i in 0..n {
        add(&mut funds, &format!("L{i}"), PRINCIPAL);
    }
    b.outputs = (0..n)
        .map(|i| offer("bob", "alice", &format!("L{i}"), 30 * DAY))
        .collect();
    b.funds("bob", funds);
    let beacons = (0..n).flat_map(|i| {
        [
            ("offer()".into(), 1),
            ("lender(key:bob)".into(), 1),
            (format!("asset(L{i})"), 1),
        ]
    });
    b.mint("loan_negotiation", tally(beacons), offer_redeemer());
}

fn update_offers(b: &mut Builder, n: usize) {
    for i in 0..n {
        let old = offer("bob", "alice", &format!("L{i}"), 30 * DAY);
        b.spend(
            format!("offer{i}"),
            0xb0,
            i,
            old,
            json!("CloseOrUpdateOffer"),
        );
        b.outputs.push(offer("bob", "alice", "ADA", DAY));
    }
    b.funds(
        "bob",
        json!({"lovelace": 20_000_000 + PRINCIPAL * n as u64}),
    );
    let beacons = (0..n).flat_map(|i| [("asset(ADA)".into(), 1), (format!("asset(L{i})"), -1)]);
    b.mint("loan_negotiation", tally(beacons), offer_redeemer());
}

fn close_offers(b: &mut Builder, n: usize) {
    for i in 0..n {
        let old = offer("bob", "alice", &format!("L{i}"), 30 * DAY);
        let redeemer = indexed("CloseOrUpdateOfferAt", &format!("offer{i}"), n);
        b.spend(format!("offer{i}"), 0xb0, i, old, redeemer);
    }
    b.funds("bob", json!({"lovelace": 5_000_000}));
    let beacons = (0..n).flat_map(|i| {
        [
            ("offer()".into(), -1),
            ("lender(key:bob)".into(), -1),
            (format!("asset(L{i})"), -1),
        ]
    });
    b.mint("loan_negotiation", tally(beacons), offer_redeemer());
}

/// An appended `*At` redeemer (decision 6) of the spent UTxO `utxo`: its own position, and the
/// beacon policy's burn at `n`, after the batch's `n` Spend entries (the ledger sorts Spend
/// entries first; the funding input is a key input, with none).
fn indexed(name: &str, utxo: &str, n: usize) -> Json {
    json!({name: {"input_index": utxo, "run_index": n}})
}

// ## Active loans (A, PO, AU)

/// The collateral of every loan: worth 10.5 of the 10 principal at the Offer's prices.
fn collateral(value: &mut Json, d: u64, t: u64, u: u64) {
    for (c, q) in COLLATERAL.into_iter().zip([d, t, u]) {
        value[c] = json!(q);
    }
}

/// The Active datum of a loan of `asset` to `borrower`, accepted at `start` (ms from the
/// validity interval's start), its Loan ID `loan`.
fn active_datum(borrower: &str, lender: &Json, asset: &str, start: i64, loan: &str) -> Json {
    let mut datum = json!({
        "active_beacon_id": "loan_active", "payment_observer_hash": "loan_payment_observer",
        "address_update_observer_hash": "loan_address_observer", "borrower_id": format!("borrower(key:{borrower})"),
        "lender_address": lender, "last_epoch_boundary": {"from": start},
        "claim_expiration": {"from": start + 37 * DAY}, "loan_expiration": {"from": start + 30 * DAY},
        "loan_outstanding": {"num": OUTSTANDING, "den": 1}, "total_epoch_payments": 0,
        "current_consecutive_misses": 0, "loan_id": loan,
    });
    extend(&mut datum, terms(asset, 30 * DAY));
    datum
}

/// The four A beacons of a loan (the Lock among them).
fn active_beacons(value: &mut Json, borrower: &str, asset: &str, loan: &str) {
    for name in [
        "active()".into(),
        format!("asset({asset})"),
        format!("borrower(key:{borrower})"),
        loan.into(),
    ] {
        value[format!("loan_active:{name}")] = json!(1);
    }
}

/// Their burn, with the Key (`key`) or without.
fn active_burn(borrower: &str, asset: &str, loan: &str, key: bool) -> [(String, i64); 4] {
    [
        ("active()".into(), -1),
        (format!("asset({asset})"), -1),
        (format!("borrower(key:{borrower})"), -1),
        (loan.into(), if key { -2 } else { -1 }),
    ]
}

/// Loan `i`'s ID.
fn loan(i: usize) -> String {
    format!("loan({ACCEPTED}#{i})")
}

/// The payment datum of a Key or payment output.
fn payment_datum(loan: &str) -> Json {
    json!({"inline": {"list": [{"bytes": {"script": "loan_active"}}, {"bytes": {"beacon": format!("loan_active:{loan}")}}]}})
}

/// Active UTxO `i` of `borrower`, lent in `asset` by `lender`, accepted at `start`.
fn active(borrower: &str, lender: &Json, asset: &str, start: i64, i: usize) -> Json {
    let mut value = json!({"lovelace": 5_000_000});
    collateral(&mut value, 50, 6, 8);
    active_beacons(&mut value, borrower, asset, &loan(i));
    json!({"address": loan_address(borrower), "value": value,
           "datum": {"inline": {"loan_active_datum": active_datum(borrower, lender, asset, start, &loan(i))}}})
}

fn accept(b: &mut Builder, n: usize, offer_of: impl Fn(usize) -> (String, String)) {
    let (mut collateral_outputs, mut lender_outputs) = (Vec::new(), Vec::new());
    let (mut burn, mut mint) = (Vec::new(), Vec::new());
    for i in 0..n {
        let (lender, asset) = offer_of(i);
        let name = format!("offer{i}");
        let id = format!("loan({name})");
        b.spend(
            name.clone(),
            0xb0,
            i,
            offer(&lender, "bob", &asset, 30 * DAY),
            json!("AcceptOffer"),
        );
        let mut value = json!({"lovelace": 5_000_000});
        collateral(&mut value, 50, 6, 8);
        active_beacons(&mut value, "bob", &asset, &id);
        collateral_outputs.push(json!({"address": loan_address("bob"), "value": value,
            "datum": {"inline": {"loan_active_datum": active_datum("bob", &key(&lender), &asset, 0, &id)}}}));
        let mut key_value = json!({"lovelace": DEPOSIT});
        key_value[format!("loan_active:{id}")] = json!(1);
        lender_outputs.push(
            json!({"address": key(&lender), "value": key_value, "datum": payment_datum(&id)}),
        );
        burn.extend([
            ("offer()".into(), -1),
            (format!("asset({asset})"), -1),
            (format!("lender(key:{lender})"), -1),
        ]);
        mint.extend([
            ("active()".into(), 1),
            (format!("asset({asset})"), 1),
            ("borrower(key:bob)".into(), 1),
            (id, 2),
        ]);
    }
    b.outputs = collateral_outputs
        .into_iter()
        .chain(lender_outputs)
        .collect();
    let mut funds = json!({"lovelace": 20_000_000 + 5_000_000 * n as u64});
    collateral(&mut funds, 50 * n as u64, 6 * n as u64, 8 * n as u64);
    b.funds("bob", funds);
    b.validity();
    b.mint(
        "loan_negotiation",
        tally(burn),
        json!("BurnNegotiationBeacons"),
    );
    b.mint(
        "loan_active",
        tally(mint),
        json!({"CreateActive": {"negotiation_beacon_id": "loan_negotiation"}}),
    );
}

/// Payments of `p` on `n` loans of one borrower, each in its own loan asset, within the loans'
/// first epoch (no roll-over): a partial payment takes back collateral worth less than `p` of
/// the balance, a full one takes all of it and burns the beacons.
fn pay(b: &mut Builder, n: usize, p: u64) {
    let full = p >= OUTSTANDING;
    let (mut continuing, mut payments, mut burn) = (Vec::new(), Vec::new(), Vec::new());
    let mut funds = json!({"lovelace": 20_000_000 + 2_000_000 * n as u64});
    for i in 0..n {
        let asset = format!("L{i}");
        let name = format!("active{i}");
        let redeemer = json!({"MakePayment": {"payment_amount": p}});
        b.spend(
            name.clone(),
            0xc0,
            i,
            active("borrower", &key("alice"), &asset, -HOUR, i),
            redeemer,
        );
        add(&mut funds, &asset, p);
        let mut paid = json!({"lovelace": 2_000_000});
        add(&mut paid, &asset, p);
        payments.push(
            json!({"address": key("alice"), "value": paid, "datum": payment_datum(&loan(i))}),
        );
        if full {
            burn.extend(active_burn("borrower", &asset, &loan(i), false));
            continue;
        }
        let mut kept = json!({"lovelace": 5_000_000});
        collateral(&mut kept, 50, 5, 6);
        active_beacons(&mut kept, "borrower", &asset, &loan(i));
        let with = json!({"loan_outstanding": {"num": OUTSTANDING - p, "den": 1}, "total_epoch_payments": p});
        continuing.push(json!({"address": loan_address("borrower"), "value": kept,
                               "datum": {"inline": {"datum_of": name, "with": with}}}));
    }
    b.outputs = continuing.into_iter().chain(payments).collect();
    b.funds("borrower", funds);
    b.validity();
    b.tx.insert("withdrawals".into(), json!([{"credential": {"script": "loan_payment_observer"}, "amount": 0, "redeemer": "ObservePayment"}]));
    if full {
        b.mint("loan_active", tally(burn), json!("BurnActiveBeacons"));
    }
}

/// Carol, who bought the Keys of `n` loans of one borrower from Alice, points their payments to
/// her address: the Keys in one UTxO (`together`) or each in its own.
fn update_address(b: &mut Builder, n: usize, together: bool) {
    let (mut continuing, mut keys) = (Vec::new(), Vec::new());
    let redeemer =
        json!({"UpdateLenderAddress": {"new_address": key("carol"), "deposit_increase": 0}});
    let mut held = json!({"lovelace": 2_000_000 * n as u64});
    for i in 0..n {
        let name = format!("active{i}");
        b.spend(
            name.clone(),
            0xc0,
            i,
            active("borrower", &key("alice"), "ADA", -HOUR, i),
            redeemer.clone(),
        );
        let utxo = active("borrower", &key("alice"), "ADA", -HOUR, i);
        continuing.push(json!({"address": loan_address("borrower"), "value": utxo["value"],
                               "datum": {"inline": {"datum_of": name, "with": {"lender_address": key("carol")}}}}));
        let mut key_value = json!({"lovelace": 2_000_000});
        key_value[format!("loan_active:{}", loan(i))] = json!(1);
        keys.push(
            json!({"address": key("carol"), "value": key_value, "datum": payment_datum(&loan(i))}),
        );
        held[format!("loan_active:{}", loan(i))] = json!(1);
        if !together {
            b.spend(
                format!("key{i}"),
                0xd0,
                i,
                json!({"address": key("alice"), "value": key_value}),
                Json::Null,
            );
        }
    }
    if together {
        b.spend(
            "key".into(),
            0xd0,
            0,
            json!({"address": key("alice"), "value": held}),
            Json::Null,
        );
    }
    b.outputs = continuing.into_iter().chain(keys).collect();
    b.funds("carol", json!({"lovelace": 20_000_000}));
    b.tx.insert("required_signers".into(), json!(["alice", "carol"]));
    b.validity();
    b.tx.insert("withdrawals".into(), json!([{"credential": {"script": "loan_address_observer"}, "amount": 0, "redeemer": "ObserveAddressUpdate"}]));
}

/// Alice claims the collateral of `n` loans of `n` borrowers, expired 5 days ago (2 days before
/// their claim periods end), each Key in its own UTxO.
fn claim(b: &mut Builder, n: usize) {
    let mut burn = Vec::new();
    for i in 0..n {
        let borrower = format!("borrower{i}");
        let utxo = active(&borrower, &key("alice"), "ADA", -35 * DAY, i);
        // A's burn follows the batch's `n` Spend entries (the Keys sit in key inputs).
        let redeemer = json!({"SpendWithKeyNFTAt": {"run_index": n}});
        b.spend(format!("active{i}"), 0xc0, i, utxo, redeemer);
        let mut key_value = json!({"lovelace": 2_000_000});
        key_value[format!("loan_active:{}", loan(i))] = json!(1);
        b.spend(
            format!("key{i}"),
            0xd0,
            i,
            json!({"address": key("alice"), "value": key_value}),
            Json::Null,
        );
        burn.extend(active_burn(&borrower, "ADA", &loan(i), true));
    }
    b.funds("alice", json!({"lovelace": 5_000_000}));
    b.validity();
    b.mint(
        "loan_active",
        tally(burn),
        json!("BurnKeyAndClaimDefaulted"),
    );
}

/// Bob unlocks the collateral of `n` lost loans, their claim periods over three days ago: every
/// beacon burned but the Key, which nobody spends.
fn unlock(b: &mut Builder, n: usize) {
    let mut burn = Vec::new();
    for i in 0..n {
        let utxo = active("bob", &key("alice"), "ADA", -40 * DAY, i);
        let redeemer = indexed("UnlockAt", &format!("active{i}"), n);
        b.spend(format!("active{i}"), 0xc0, i, utxo, redeemer);
        burn.extend(active_burn("bob", "ADA", &loan(i), false));
    }
    b.funds("bob", json!({"lovelace": 5_000_000}));
    b.validity();
    b.mint("loan_active", tally(burn), json!("BurnAndUnlockLost"));
}

/// Alice spends `n` payments made to her proxy address (staked by her key), each redeemer the
/// hint at its own input.
fn proxy_spend(b: &mut Builder, n: usize) {
    for i in 0..n {
        let utxo = json!({"address": {"payment": {"script": "proxy"}, "stake": {"key": "alice"}},
                          "value": {"lovelace": 3_000_000}, "datum": payment_datum(&loan(i))});
        let name = format!("payment{i}");
        b.spend(name.clone(), 0xe0, i, utxo, json!({"input_index": name}));
    }
    b.funds("alice", json!({"lovelace": 5_000_000}));
}

impl Batch for Action {
    fn name(&self) -> String {
        format!("loan-{}", Action::name(*self))
    }

    fn transaction(
        &self,
        n: usize,
        load: Load,
        build: Build,
        params: &Params,
    ) -> Result<TxSpec, Error> {
        let mut spec =
            capacity::fixture_transaction(&Batch::name(self), &self.fixture(n), build, params)?;
        if load == Load::Dust {
            self.dusted(&mut spec, params);
        }
        Ok(spec)
    }

    fn spends(&self) -> &'static [&'static str] {
        match self {
            Action::CreateAsks | Action::CreateOffers | Action::ProxySpend => &[],
            Action::UpdateAsksSame | Action::UpdateAsksDifferent | Action::CloseAsks => &[ASKS],
            Action::UpdateOffers
            | Action::CloseOffers
            | Action::AcceptSame
            | Action::AcceptDifferent => &[OFFERS],
            _ => &[ACTIVE],
        }
    }
}

/// Dust tried into the loans outputs each producing action makes: an Ask, an Offer, an Active
/// UTxO at acceptance, and one continued by a partial payment and by an address update.
fn dust_entries(params: &Params) -> Result<Vec<DustEntry>, Error> {
    [
        (ASKS, Action::CreateAsks),
        (OFFERS, Action::CreateOffers),
        (ACTIVE, Action::AcceptSame),
        (ACTIVE, Action::PayPartial),
        (ACTIVE, Action::AddressTogether),
    ]
    .into_iter()
    .map(|(group, action)| {
        let mut spec = action.transaction(1, Load::Honest, Build::Traced, params)?;
        add_dust(&mut spec, 0, params)?;
        capacity::dust_entry(group, action.name(), &spec, params)
    })
    .collect()
}

static ACTIONS: [Action; 16] = ALL;

fn batches() -> Vec<&'static dyn Batch> {
    ACTIONS.iter().map(|a| a as &dyn Batch).collect()
}

/// The loans protocol's capacity hooks.
pub const HOOKS: CapacityHooks = CapacityHooks {
    batches,
    dust_entries,
};

#[cfg(test)]
mod tests {
    use super::*;

    /// Asks and Offers keep dust out, and so does an address update; an acceptance and a
    /// partial payment let it into the Active UTxO (spec B-16, kept: unlisted assets in a
    /// collateral output are allowed and ignored, and the borrower may take them back).
    #[test]
    fn dust_reaches_active_loans_only() {
        let params = Params::mainnet().unwrap();
        let entries = dust_entries(&params).unwrap();
        let seen: Vec<_> = entries
            .iter()
            .map(|e| (e.group, e.via, e.accepted, e.rejected_by.clone()))
            .collect();
        let refused = |rule: &str| vec![rule.to_string()];
        assert_eq!(
            seen,
            [
                (ASKS, "create-asks", false, refused("LOAN-ASK-13")),
                (OFFERS, "create-offers", false, refused("LOAN-OFFER-24")),
                (ACTIVE, "accept-same", true, vec![]),
                (ACTIVE, "pay-partial", true, vec![]),
                (ACTIVE, "address-together", false, refused("LOAN-ADDR-08")),
            ]
        );
    }
}
