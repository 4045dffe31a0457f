//! Property tests of the aftermarket observer and beacon script (issue 12 item 6): random
//! batches of 1 to 4 lots (Spots, SpotBids, ClaimBids or AcceptedBids) at the market addresses
//! of up to three sellers, bid by up to three bidders, each lot 1 to 3 NFTs of one of three
//! policies, its price or bid 1 to 3 assets with or without ADA (quantities from one unit to
//! 2^60 tokens or 9·10^15 lovelace), deposits from 6 ADA to a million, payees at key addresses
//! (with or without another stake part) or at the proxy, unrelated outputs between the required
//! ones, a native-script input sorting before a market input.
//!
//! - Every valid batch of purchases, of SpotBid acceptances, of ClaimBid acceptances and of claims
//!   is accepted; claims come before and after `claim_expiration` (AFTER-CLAIM-10: a claim has no
//!   deadline while the seller has not unlocked).
//! - Each targeted mutation is refused for its rule, on a random action: a payment one unit
//!   short (AFTER-SPOT-BUY-10/11, AFTER-CLAIM-06/07; a delivery short of its deposit or an NFT,
//!   AFTER-SBID-ACCEPT-07/08; an AcceptedBid short of a lovelace, AFTER-CBID-ACCEPT-13), a
//!   payment to another address (AFTER-SPOT-BUY-08, AFTER-SBID-ACCEPT-06, AFTER-CLAIM-05, an
//!   AcceptedBid elsewhere AFTER-CBID-ACCEPT-08), a burn skipped (AFTER-OBS-06), an extra
//!   AcceptedBid (AFTER-HARD-02), a native-script input sorting just before the market input whose
//!   requirement is left out (AFTER-HARD-01), and a ClaimBid accepted after its claim deadline
//!   (AFTER-HARD-03) or its bid expiration (AFTER-CBID-ACCEPT-07).
//!
//! Runs are deterministic (fixed ChaCha seed, the runner of `common/property.rs`). A failure
//! shrinks, then prints the transaction as a fixture to save under `fixtures/aftermarket/`.
//! `cargo test` runs a few cases per property; `AFTERMARKET_PROPTEST_CASES=256` runs more.

use crate::common::property::Suite;
use proptest::prelude::*;
use serde_json::{Value, json};
use std::collections::BTreeMap;

const SEED: u64 = 0xaf7e_a5ee_d026;
/// The market UTxOs' transaction id: lot `i` is output `2i + 1`, so a native-script input at
/// `2i` sorts just before it.
const H: &str = "5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e";
/// Validity bounds (slots): the upper bound of ClaimBid acceptances, the lower one of claims.
const FROM: u64 = 150_000_000;
const TO: u64 = 150_000_600;
const B: &str = "market_beacons";
const MAX_TOKENS: u64 = 1 << 60;
const MAX_LOVELACE: u64 = 9_000_000_000_000_000;
/// The least deposit: a Spot or AcceptedBid of three 32-byte names and its datum needs ~4.5 ADA.
const LEAST_DEPOSIT: u64 = 6_000_000;
/// The least lovelace of a claim payment (topped up when bid and seller deposit are less).
const LEAST_PAYMENT: u64 = 4_000_000;
/// What every wallet input holds beyond what it pays: fees, unrelated outputs, attacks.
const MARGIN: u64 = 30_000_000;
const SELLERS: [&str; 3] = ["alice", "carol", "dave"];
const BIDDERS: [&str; 3] = ["bob", "erin", "frank"];
const BUYER: &str = "grace";
const MALLORY: &str = "mallory";
const NFT_POLICIES: [&str; 3] = [
    "79ef91e2c75eeb620979fbcdc8a6ffe8d79eefb16a9356510f25b5cd",
    "0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f",
    "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1",
];

// ## The model

/// A price asset, in the ledger's order (ADA, then policy bytes, then name bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Asset {
    Ada,
    O,
    Djed,
    Djed2,
    J,
}

impl Asset {
    const ALL: [Asset; 5] = [Asset::Ada, Asset::O, Asset::Djed, Asset::Djed2, Asset::J];

    fn alias(self) -> &'static str {
        match self {
            Asset::Ada => "ADA",
            Asset::O => "O",
            Asset::Djed => "DJED",
            Asset::Djed2 => "DJED2",
            Asset::J => "J",
        }
    }

    /// Its key in a fixture value.
    fn key(self) -> &'static str {
        match self {
            Asset::Ada => "lovelace",
            a => a.alias(),
        }
    }
}

/// Where a lot's payments go: its owner's key address, the key with another stake part, or the
/// proxy staked by the owner's key.
#[derive(Debug, Clone, Copy)]
enum Payee {
    Key,
    KeyOtherStake,
    Proxy,
}

/// One Spot, SpotBid, ClaimBid or AcceptedBid, as the action needs it.
#[derive(Debug, Clone)]
struct Lot {
    seller: usize,
    bidder: usize,
    policy: usize,
    /// NFT names (hex), ascending; the first byte is the lot's index, so no two lots share one.
    names: Vec<String>,
    /// The sale price or bid, ascending.
    price: Vec<(Asset, u64)>,
    /// The sale or bid deposit.
    deposit: u64,
    seller_deposit: u64,
    /// The seller's payee (Spots, AcceptedBids) or the bidder's (SpotBids).
    payee: Payee,
    /// ClaimBids: the bid expires this many ms after the upper bound, or never.
    bid_expiration: Option<u64>,
    /// The claim deadline, ms after the lower bound (claims: before or after it); acceptances
    /// take its magnitude after the upper bound.
    claim_expiration: i64,
}

#[derive(Debug, Clone)]
struct Case {
    lots: Vec<Lot>,
    /// A native-script input sorts just before this lot (modulo the lots) in valid cases.
    native: Option<usize>,
    /// Unrelated outputs sit between the required ones.
    interleave: bool,
    /// Chooses the action, the lot and the variant a mutation changes.
    pick: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Purchase,
    AcceptSpotBid,
    AcceptClaimBid,
    Claim,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mutation {
    Short,
    Elsewhere,
    BurnSkipped,
    ExtraAcceptedBid,
    NativeShift,
    Late,
}

impl Lot {
    fn seller(&self) -> &'static str {
        SELLERS[self.seller]
    }

    fn bidder(&self) -> &'static str {
        BIDDERS[self.bidder]
    }

    fn policy(&self) -> &'static str {
        NFT_POLICIES[self.policy]
    }

    fn ada(&self) -> u64 {
        self.price
            .iter()
            .find(|(a, _)| *a == Asset::Ada)
            .map_or(0, |(_, q)| *q)
    }

    fn payee_address(&self, owner: &str) -> Value {
        match self.payee {
            Payee::Key => wallet(owner),
            Payee::KeyOtherStake => {
                json!({"payment": {"key": owner}, "stake": {"key": format!("{owner}_stake")}})
            }
            Payee::Proxy => json!({"payment": {"script": "proxy"}, "stake": {"key": owner}}),
        }
    }

    fn nfts(&self, v: &mut Assets) {
        for name in &self.names {
            add(v, format!("{}:{name}", self.policy()), 1);
        }
    }

    /// `ada` lovelace and the price's tokens.
    fn paid(&self, ada: u64) -> Assets {
        let mut v = lovelace(ada);
        for (a, q) in self.price.iter().filter(|(a, _)| *a != Asset::Ada) {
            add(&mut v, a.key().into(), (*q).into());
        }
        v
    }

    /// The lot's beacon names, `bidder` among them for bids.
    fn beacons(&self, kind: &str, bidder: Option<&str>) -> Vec<String> {
        let mut names = vec![format!("{kind}()"), format!("policy({})", self.policy())];
        names.extend(bidder.map(|b| format!("bidder(key:{b})")));
        names
    }

    fn common(&self) -> serde_json::Map<String, Value> {
        let fields = json!({
            "beacon_policy_id": B, "aftermarket_observer_hash": "market_observer",
            "nft_policy_id": self.policy(), "nft_names": self.names,
        });
        match fields {
            Value::Object(map) => map,
            _ => unreachable!(),
        }
    }

    fn prices(&self) -> Value {
        json!(
            self.price
                .iter()
                .map(|(a, q)| json!([a.alias(), q]))
                .collect::<Vec<_>>()
        )
    }

    fn datum(&self, key: &str, fields: Value) -> Value {
        let mut map = self.common();
        map.extend(fields.as_object().unwrap().clone());
        json!({"inline": {key: map}})
    }

    fn spot_datum(&self) -> Value {
        self.datum(
            "spot_datum",
            json!({"payment_address": self.payee_address(self.seller()),
                   "sale_deposit": self.deposit, "sale_price": self.prices()}),
        )
    }

    fn spot_bid_datum(&self) -> Value {
        self.datum(
            "spot_bid_datum",
            json!({"bidder_credential": {"key": self.bidder()},
                   "payment_address": self.payee_address(self.bidder()),
                   "bid_deposit": self.deposit, "bid": self.prices()}),
        )
    }

    fn claim_bid_datum(&self) -> Value {
        self.datum(
            "claim_bid_datum",
            json!({"bidder_credential": {"key": self.bidder()}, "bid_deposit": self.deposit,
                   "bid": self.prices(),
                   "bid_expiration": self.bid_expiration.map(|e| json!({"to": e})),
                   "claim_expiration": {"to": self.claim_expiration.abs()}}),
        )
    }

    /// The AcceptedBid of `bidder`, its claim deadline `claim_expiration` (a time form).
    fn accepted_bid_datum(&self, bidder: &str, claim_expiration: Value) -> Value {
        self.datum(
            "accepted_bid_datum",
            json!({"bidder_credential": {"key": bidder}, "bid_deposit": self.deposit,
                   "seller_deposit": self.seller_deposit, "bid": self.prices(),
                   "payment_address": self.payee_address(self.seller()),
                   "claim_expiration": claim_expiration}),
        )
    }
}

// ## Fixtures

type Assets = BTreeMap<String, i128>;

fn add(map: &mut Assets, key: String, quantity: i128) {
    *map.entry(key).or_default() += quantity;
}

fn lovelace(q: u64) -> Assets {
    Assets::from([("lovelace".to_string(), q.into())])
}

/// Adds one of each of `beacons` (names under the beacon policy) to `value`.
fn hold(value: &mut Assets, beacons: &[String]) {
    for b in beacons {
        add(value, format!("{B}:{b}"), 1);
    }
}

fn value_of(map: &Assets) -> Value {
    Value::Object(
        map.iter()
            .filter(|(_, q)| **q != 0)
            .map(|(k, q)| (k.clone(), json!(q)))
            .collect(),
    )
}

fn wallet(owner: &str) -> Value {
    json!({"payment": {"key": owner}})
}

fn market(owner: &str) -> Value {
    json!({"payment": {"script": "market"}, "stake": {"key": owner}})
}

fn payment_datum(utxo: &str) -> Value {
    json!({"inline": {"list": [{"bytes": {"script": B}}, {"out_ref": {"utxo": utxo}}]}})
}

fn lot_name(i: usize) -> String {
    format!("lot{i}")
}

fn tokens() -> Value {
    json!({
        "O": {"policy": "51".repeat(28), "name": "4f"},
        "DJED": {"policy": "c70668ece22b907e154330e703e3f6347bc6b55f2a23dfef7de7a8c2", "name": "444a4544"},
        "DJED2": {"policy": "c70668ece22b907e154330e703e3f6347bc6b55f2a23dfef7de7a8c2", "name": "444a454432"},
        "J": {"policy": "e".repeat(56), "name": "4a756e6b"},
    })
}

/// A transaction under construction: the market inputs, the wallets that fund it, the outputs
/// (`required[i]` is lot `i`'s payment, delivery or AcceptedBid) and the beacon mint.
struct Tx {
    utxos: serde_json::Map<String, Value>,
    inputs: Vec<Value>,
    wallets: BTreeMap<&'static str, Assets>,
    outputs: Vec<Value>,
    required: Vec<usize>,
    mint: Assets,
    mint_redeemer: &'static str,
    signers: Vec<&'static str>,
    validity: Option<Value>,
    /// Whose wallet takes the change.
    change: &'static str,
    interleave: bool,
}

impl Tx {
    fn new(change: &'static str, interleave: bool) -> Tx {
        Tx {
            utxos: serde_json::Map::new(),
            inputs: vec![],
            wallets: BTreeMap::new(),
            outputs: vec![],
            required: vec![],
            mint: Assets::new(),
            mint_redeemer: "BurnBeacons",
            signers: vec![],
            validity: None,
            change,
            interleave,
        }
    }

    /// Lot `i`'s market UTxO, spent with `redeemer`.
    fn market_input(
        &mut self,
        i: usize,
        owner: &str,
        value: &Assets,
        datum: Value,
        redeemer: Value,
    ) {
        let name = lot_name(i);
        self.utxos.insert(
            name.clone(),
            json!({"ref": format!("{H}#{}", 2 * i + 1), "address": market(owner),
                   "value": value_of(value), "datum": datum}),
        );
        self.inputs
            .push(json!({"utxo": name, "redeemer": redeemer}));
    }

    /// `owner`'s wallet input pays `value` too.
    fn fund(&mut self, owner: &'static str, value: &Assets) {
        let funds = self
            .wallets
            .entry(owner)
            .or_insert_with(|| lovelace(MARGIN));
        for (k, q) in value {
            add(funds, k.clone(), *q);
        }
    }

    /// The next lot's required output (after an unrelated one, when interleaving).
    fn require(&mut self, output: Value) {
        if self.interleave && !self.required.is_empty() {
            self.outputs
                .push(json!({"address": wallet(self.change), "value": {"lovelace": 2_000_000}}));
        }
        self.required.push(self.outputs.len());
        self.outputs.push(output);
    }

    fn burn(&mut self, names: &[String], sign: i128) {
        for name in names {
            add(&mut self.mint, name.clone(), sign);
        }
    }

    fn sign(&mut self, who: &'static str) {
        if !self.signers.contains(&who) {
            self.signers.push(who);
        }
    }

    /// A native-script input of Mallory's, sorting just before lot `i`'s market input.
    fn native_before(&mut self, i: usize) {
        if !self.utxos.contains_key("mallory_native") {
            self.inputs.push(json!({"utxo": "mallory_native"}));
        }
        self.utxos.insert(
            "mallory_native".into(),
            json!({"ref": format!("{H}#{}", 2 * i), "address": {"payment": {"native": MALLORY}},
                   "value": {"lovelace": 3_000_000}}),
        );
    }

    fn fixture(mut self, description: String, expect: Value, rules: &[&str]) -> Value {
        for (owner, value) in &self.wallets {
            let name = format!("{owner}_funds");
            self.utxos.insert(
                name.clone(),
                json!({"address": wallet(owner), "value": value_of(value)}),
            );
            self.inputs.push(json!({"utxo": name}));
        }
        self.outputs
            .push(json!({"address": wallet(self.change), "change": true}));
        let mut tx = json!({
            "inputs": self.inputs,
            "outputs": self.outputs,
            "withdrawals": [{"credential": {"script": "market_observer"}, "amount": 0,
                             "redeemer": {"ObserveAftermarket": {"beacon_policy_id": B}}}],
        });
        if self.mint.values().any(|q| *q != 0) {
            tx["mint"] = json!([{"policy": B, "assets": value_of(&self.mint),
                                 "redeemer": self.mint_redeemer}]);
        }
        if !self.signers.is_empty() {
            tx["required_signers"] = json!(self.signers);
        }
        if let Some(validity) = self.validity {
            tx["validity"] = validity;
        }
        json!({
            "description": description,
            "protocol": "aftermarket",
            "rules": rules,
            "expect": expect,
            "tokens": tokens(),
            "utxos": self.utxos,
            "tx": tx,
        })
    }
}

/// Buyer Grace buys every lot's Spot, paying each seller's payee in input order.
fn purchase(case: &Case) -> Tx {
    let mut tx = Tx::new(BUYER, case.interleave);
    for (i, lot) in case.lots.iter().enumerate() {
        let beacons = lot.beacons("spot", None);
        let mut value = lovelace(lot.deposit);
        lot.nfts(&mut value);
        hold(&mut value, &beacons);
        tx.market_input(
            i,
            lot.seller(),
            &value,
            lot.spot_datum(),
            json!("PurchaseSpot"),
        );
        let paid = lot.paid(lot.deposit + lot.ada());
        tx.fund(BUYER, &paid);
        tx.require(
            json!({"address": lot.payee_address(lot.seller()), "value": value_of(&paid),
                          "datum": payment_datum(&lot_name(i))}),
        );
        tx.burn(&beacons, -1);
    }
    tx
}

/// Each seller accepts the SpotBids at their address, delivering the NFTs from their wallet.
fn accept_spot_bids(case: &Case) -> Tx {
    let mut tx = Tx::new(case.lots[0].seller(), case.interleave);
    for (i, lot) in case.lots.iter().enumerate() {
        let beacons = lot.beacons("bid", Some(lot.bidder()));
        let mut value = lot.paid(lot.deposit + lot.ada());
        hold(&mut value, &beacons);
        tx.market_input(
            i,
            lot.seller(),
            &value,
            lot.spot_bid_datum(),
            json!("AcceptSpotBid"),
        );
        let mut delivered = Assets::new();
        lot.nfts(&mut delivered);
        tx.fund(lot.seller(), &delivered);
        add(&mut delivered, "lovelace".into(), lot.deposit.into());
        tx.require(
            json!({"address": lot.payee_address(lot.bidder()), "value": value_of(&delivered),
                          "datum": payment_datum(&lot_name(i))}),
        );
        tx.burn(&beacons, -1);
        tx.sign(lot.seller());
    }
    tx
}

/// Each seller accepts the ClaimBids at their address: each becomes an AcceptedBid there.
fn accept_claim_bids(case: &Case) -> Tx {
    let mut tx = Tx::new(case.lots[0].seller(), case.interleave);
    for (i, lot) in case.lots.iter().enumerate() {
        let beacons = lot.beacons("bid", Some(lot.bidder()));
        let mut value = lovelace(lot.deposit);
        hold(&mut value, &beacons);
        let redeemer = json!({"AcceptClaimBid": {"seller_deposit": lot.seller_deposit,
                                                 "payment_address": lot.payee_address(lot.seller())}});
        tx.market_input(i, lot.seller(), &value, lot.claim_bid_datum(), redeemer);
        let mut added = lovelace(lot.seller_deposit);
        lot.nfts(&mut added);
        tx.fund(lot.seller(), &added);
        for (k, q) in &added {
            add(&mut value, k.clone(), *q);
        }
        let datum = lot.accepted_bid_datum(lot.bidder(), json!({"to": lot.claim_expiration.abs()}));
        tx.require(
            json!({"address": market(lot.seller()), "value": value_of(&value), "datum": datum}),
        );
        tx.sign(lot.seller());
    }
    tx.validity = Some(json!({"to": TO}));
    tx
}

/// The bidders claim their AcceptedBids, the first bidder paying every seller's payee.
fn claim(case: &Case) -> Tx {
    let payer = case.lots[0].bidder();
    let mut tx = Tx::new(payer, case.interleave);
    for (i, lot) in case.lots.iter().enumerate() {
        let beacons = lot.beacons("bid", Some(lot.bidder()));
        let mut value = lovelace(lot.deposit + lot.seller_deposit);
        lot.nfts(&mut value);
        hold(&mut value, &beacons);
        let datum = lot.accepted_bid_datum(lot.bidder(), json!({"from": lot.claim_expiration}));
        tx.market_input(i, lot.seller(), &value, datum, json!("ClaimAcceptedBid"));
        let paid = lot.paid((lot.seller_deposit + lot.ada()).max(LEAST_PAYMENT));
        tx.fund(payer, &paid);
        tx.require(
            json!({"address": lot.payee_address(lot.seller()), "value": value_of(&paid),
                          "datum": payment_datum(&lot_name(i))}),
        );
        tx.burn(&beacons, -1);
        tx.sign(lot.bidder());
    }
    tx.validity = Some(json!({"from": FROM}));
    tx
}

impl Case {
    /// The lot a mutation changes.
    fn victim(&self) -> usize {
        (self.pick % self.lots.len() as u64) as usize
    }

    /// A choice among `n` variants, independent of the victim and the action.
    fn variant(&self, n: usize) -> usize {
        ((self.pick >> 16) % n as u64) as usize
    }

    fn tx(&self, action: Action) -> Tx {
        match action {
            Action::Purchase => purchase(self),
            Action::AcceptSpotBid => accept_spot_bids(self),
            Action::AcceptClaimBid => accept_claim_bids(self),
            Action::Claim => claim(self),
        }
    }

    /// The valid transaction of `action`, with the case's native-script input if it has one.
    fn valid(&self, action: Action) -> Value {
        let mut tx = self.tx(action);
        let mut rules = match action {
            Action::Purchase => vec![
                "AFTER-SPOT-BUY-07",
                "AFTER-SPOT-BUY-10",
                "AFTER-SPOT-BUY-11",
                "AFTER-SPOT-BUY-13",
                "AFTER-SPOT-BUY-14",
            ],
            Action::AcceptSpotBid => vec![
                "AFTER-SBID-ACCEPT-06",
                "AFTER-SBID-ACCEPT-07",
                "AFTER-SBID-ACCEPT-08",
                "AFTER-SBID-ACCEPT-10",
                "AFTER-SBID-ACCEPT-11",
            ],
            Action::AcceptClaimBid => vec![
                "AFTER-CBID-ACCEPT-07",
                "AFTER-CBID-ACCEPT-08",
                "AFTER-CBID-ACCEPT-09",
                "AFTER-CBID-ACCEPT-13",
                "AFTER-HARD-03",
            ],
            Action::Claim => vec![
                "AFTER-CLAIM-03",
                "AFTER-CLAIM-05",
                "AFTER-CLAIM-06",
                "AFTER-CLAIM-07",
                "AFTER-CLAIM-09",
                "AFTER-CLAIM-10",
            ],
        };
        if let Some(n) = self.native {
            tx.native_before(n % self.lots.len());
            rules.push("AFTER-HARD-01");
        }
        tx.fixture(
            format!("property case ({action:?}): {self:?}"),
            json!("ok"),
            &rules,
        )
    }

    /// The transaction of `action` changed by `mutation`, which must fail for the rule it
    /// breaks; `None` when the mutation does not apply.
    fn mutated(&self, action: Action, mutation: Mutation) -> Option<Value> {
        let mut tx = self.tx(action);
        let rule = mutate(self, action, mutation, &mut tx)?;
        let description = format!("property case ({action:?}, {mutation:?}): {self:?}");
        Some(tx.fixture(description, json!({"fail": rule}), &[rule]))
    }
}

/// Applies `mutation` to the victim lot of `tx`; the rule it breaks.
fn mutate(case: &Case, action: Action, mutation: Mutation, tx: &mut Tx) -> Option<&'static str> {
    let j = case.victim();
    let lot = &case.lots[j];
    let at = tx.required[j];
    match mutation {
        Mutation::Short => short(case, action, &mut tx.outputs[at]["value"]),
        Mutation::Elsewhere => {
            let owner = match action {
                Action::AcceptSpotBid => lot.bidder(),
                _ => lot.seller(),
            };
            let (others, rule) = match action {
                Action::Purchase => (elsewhere(owner), "AFTER-SPOT-BUY-08"),
                Action::AcceptSpotBid => (elsewhere(owner), "AFTER-SBID-ACCEPT-06"),
                Action::AcceptClaimBid => {
                    (vec![market(MALLORY), wallet(owner)], "AFTER-CBID-ACCEPT-08")
                }
                Action::Claim => (elsewhere(owner), "AFTER-CLAIM-05"),
            };
            tx.outputs[at]["address"] = others[case.variant(others.len())].clone();
            Some(rule)
        }
        Mutation::BurnSkipped => {
            let beacons = match action {
                Action::Purchase => lot.beacons("spot", None),
                Action::AcceptSpotBid | Action::Claim => lot.beacons("bid", Some(lot.bidder())),
                Action::AcceptClaimBid => return None,
            };
            tx.burn(&beacons, 1);
            Some("AFTER-OBS-06")
        }
        Mutation::ExtraAcceptedBid => {
            let beacons = lot.beacons("bid", Some(MALLORY));
            let mut value = lovelace(LEAST_DEPOSIT);
            hold(&mut value, &beacons);
            tx.burn(&beacons, 1);
            tx.mint_redeemer = "CreateCloseOrUpdateMarketUTxOs";
            let fake = json!({"address": market(lot.seller()), "value": value_of(&value),
                              "datum": lot.accepted_bid_datum(MALLORY, json!(0))});
            let at = [0, tx.outputs.len()][case.variant(2)];
            tx.outputs.insert(at, fake);
            Some("AFTER-HARD-02")
        }
        Mutation::NativeShift => {
            tx.native_before(j);
            tx.outputs.remove(at);
            Some("AFTER-HARD-01")
        }
        Mutation::Late if action == Action::AcceptClaimBid => {
            let datum = &mut tx.utxos[&lot_name(j)]["datum"]["inline"]["claim_bid_datum"];
            if case.variant(2) == 0 {
                datum["claim_expiration"] = json!({"to": -1});
                tx.outputs[at]["datum"]["inline"]["accepted_bid_datum"]["claim_expiration"] =
                    json!({"to": -1});
                Some("AFTER-HARD-03")
            } else {
                datum["bid_expiration"] = json!({"to": -1});
                Some("AFTER-CBID-ACCEPT-07")
            }
        }
        Mutation::Late => None,
    }
}

/// Payment addresses other than `owner`'s payee: Mallory's key, `owner`'s key with Mallory's
/// stake part, the proxy staked by Mallory.
fn elsewhere(owner: &str) -> Vec<Value> {
    vec![
        wallet(MALLORY),
        json!({"payment": {"key": owner}, "stake": {"key": MALLORY}}),
        json!({"payment": {"script": "proxy"}, "stake": {"key": MALLORY}}),
    ]
}

/// Takes one unit off the victim's required output `value`: one lovelace (when the output
/// still meets its minimum) or one unit of a token of the price (purchases and claims), one
/// lovelace of the deposit or one NFT (deliveries), one lovelace (AcceptedBids).
fn short(case: &Case, action: Action, value: &mut Value) -> Option<&'static str> {
    let lot = &case.lots[case.victim()];
    let (ada_rule, token_rule, least) = match action {
        Action::Purchase => (
            "AFTER-SPOT-BUY-10",
            "AFTER-SPOT-BUY-11",
            lot.deposit + lot.ada(),
        ),
        Action::Claim => (
            "AFTER-CLAIM-06",
            "AFTER-CLAIM-07",
            lot.seller_deposit + lot.ada(),
        ),
        Action::AcceptSpotBid if case.variant(2) == 0 => {
            value["lovelace"] = json!(lot.deposit - 1);
            return Some("AFTER-SBID-ACCEPT-07");
        }
        Action::AcceptSpotBid => {
            let name = &lot.names[case.variant(lot.names.len())];
            value
                .as_object_mut()?
                .remove(&format!("{}:{name}", lot.policy()));
            return Some("AFTER-SBID-ACCEPT-08");
        }
        Action::AcceptClaimBid => {
            value["lovelace"] = json!(lot.deposit + lot.seller_deposit - 1);
            return Some("AFTER-CBID-ACCEPT-13");
        }
    };
    let mut options: Vec<Asset> = lot
        .price
        .iter()
        .map(|(a, _)| *a)
        .filter(|a| *a != Asset::Ada)
        .collect();
    if least > LEAST_PAYMENT {
        options.push(Asset::Ada);
    }
    if options.is_empty() {
        return None;
    }
    match options[case.variant(options.len())] {
        Asset::Ada => {
            value["lovelace"] = json!(least - 1);
            Some(ada_rule)
        }
        a => {
            let q = value[a.key()].as_u64()? - 1;
            if q == 0 {
                value.as_object_mut()?.remove(a.key());
            } else {
                value[a.key()] = json!(q);
            }
            Some(token_rule)
        }
    }
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

/// 1 to 3 price assets, ascending, with or without ADA.
fn price() -> impl Strategy<Value = Vec<(Asset, u64)>> {
    (
        prop::sample::subsequence(Asset::ALL.to_vec(), 1..=3),
        prop::collection::vec((quantity(MAX_LOVELACE), quantity(MAX_TOKENS)), 3),
    )
        .prop_map(|(assets, qs)| {
            assets
                .into_iter()
                .zip(qs)
                .map(|(a, (ada, token))| (a, if a == Asset::Ada { ada } else { token }))
                .collect()
        })
}

fn deposit() -> impl Strategy<Value = u64> {
    prop_oneof![
        Just(LEAST_DEPOSIT),
        LEAST_DEPOSIT..=100_000_000,
        LEAST_DEPOSIT..=1_000_000_000_000
    ]
}

fn payee() -> impl Strategy<Value = Payee> {
    prop::sample::select(vec![Payee::Key, Payee::KeyOtherStake, Payee::Proxy])
}

fn lot() -> impl Strategy<Value = Lot> {
    (
        (0usize..3, 0usize..3, 0usize..3),
        prop::collection::btree_set(prop::collection::vec(any::<u8>(), 0..=31), 1..=3),
        price(),
        (deposit(), prop_oneof![Just(0u64), 1u64..=100_000_000_000]),
        payee(),
        (
            prop::option::of(0u64..=1_000_000_000),
            -1_000_000_000i64..=1_000_000_000,
        ),
    )
        .prop_map(
            |((seller, bidder, policy), names, price, (deposit, seller_deposit), payee, times)| {
                Lot {
                    seller,
                    bidder,
                    policy,
                    names: names.into_iter().map(hex::encode).collect(),
                    price,
                    deposit,
                    seller_deposit,
                    payee,
                    bid_expiration: times.0,
                    claim_expiration: times.1,
                }
            },
        )
}

fn case() -> impl Strategy<Value = Case> {
    (
        prop::collection::vec(lot(), 1..=4),
        prop::option::of(0usize..4),
        any::<bool>(),
        any::<u64>(),
    )
        .prop_map(|(lots, native, interleave, pick)| {
            let lots = lots
                .into_iter()
                .enumerate()
                .map(|(i, mut lot)| {
                    lot.names = lot.names.iter().map(|n| format!("{i:02x}{n}")).collect();
                    lot
                })
                .collect();
            Case {
                lots,
                native,
                interleave,
                pick,
            }
        })
}

// ## Running

/// One check: the fixture built for a case must replay as it expects; `None` when the check
/// does not apply to the case.
type Check = fn(&Case) -> Option<Value>;

const SUITE: Suite = Suite {
    protocol: "aftermarket",
    cases_var: "AFTERMARKET_PROPTEST_CASES",
    seed: SEED,
};

fn property(name: &str, n: u32, check: Check) {
    SUITE.property(name, n, case, check);
}

const ACTIONS: [Action; 4] = [
    Action::Purchase,
    Action::AcceptSpotBid,
    Action::AcceptClaimBid,
    Action::Claim,
];

/// `mutation` on a random action among those it applies to.
fn refused(case: &Case, mutation: Mutation) -> Option<Value> {
    let actions: Vec<Action> = match mutation {
        Mutation::BurnSkipped => vec![Action::Purchase, Action::AcceptSpotBid, Action::Claim],
        Mutation::Late => vec![Action::AcceptClaimBid],
        _ => ACTIONS.to_vec(),
    };
    let action = actions[((case.pick >> 32) % actions.len() as u64) as usize];
    case.mutated(action, mutation)
}

// ## Properties

#[test]
fn every_valid_purchase_is_accepted() {
    property("purchases", 16, |case| Some(case.valid(Action::Purchase)));
}

#[test]
fn every_valid_spot_bid_acceptance_is_accepted() {
    property("SpotBid acceptances", 16, |case| {
        Some(case.valid(Action::AcceptSpotBid))
    });
}

#[test]
fn every_valid_claim_bid_acceptance_is_accepted() {
    property("ClaimBid acceptances", 16, |case| {
        Some(case.valid(Action::AcceptClaimBid))
    });
}

#[test]
fn every_valid_claim_is_accepted_before_and_after_the_claim_deadline() {
    property("claims", 16, |case| Some(case.valid(Action::Claim)));
}

#[test]
fn a_payment_one_unit_short_is_refused() {
    property("one unit short", 12, |case| refused(case, Mutation::Short));
}

#[test]
fn a_payment_to_another_address_is_refused() {
    property("another address", 12, |case| {
        refused(case, Mutation::Elsewhere)
    });
}

#[test]
fn a_skipped_burn_is_refused() {
    property("burn skipped", 12, |case| {
        refused(case, Mutation::BurnSkipped)
    });
}

#[test]
fn an_extra_accepted_bid_is_refused() {
    property("extra AcceptedBid", 12, |case| {
        refused(case, Mutation::ExtraAcceptedBid)
    });
}

#[test]
fn a_native_input_shifting_the_pairing_is_refused() {
    property("native input shifts the pairing", 12, |case| {
        refused(case, Mutation::NativeShift)
    });
}

#[test]
fn an_acceptance_after_the_claim_deadline_or_bid_expiration_is_refused() {
    property("acceptance too late", 12, |case| {
        refused(case, Mutation::Late)
    });
}
