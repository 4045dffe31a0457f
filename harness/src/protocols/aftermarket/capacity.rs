//! The aftermarket actions the capacity search ([`crate::capacity`]) batches, the rows of spec
//! §7.1: each is a fixture written for `n` actions (reference scripts, three NFTs per UTxO and
//! three assets per price or bid, as in the original's benchmarks), resolved like any fixture.
//! Alice sells (every market UTxO sits at her market address), Bob bids, Carol buys.

use super::super::CapacityHooks;
use crate::{
    capacity::{self, Batch, DustEntry, Error, Load, add_dust},
    deploy::Build,
    ledger,
    params::Params,
    scenario::{TxOutput, TxSpec},
};
use serde_json::{Map, Value as Json, json};

/// One §7.1 row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// A Spot or Auction created, closed, updated in place or converted into the other kind.
    Seller(Listing, Op),
    Purchase,
    /// A SpotBid or ClaimBid created, closed, updated, handed to another bidder, or accepted
    /// with the NFTs of an Auction closed in the same transaction.
    Bid(BidKind, BidOp),
    Claim,
    Unlock,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    Spot,
    Auction,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Create,
    Close,
    /// The price changed, the beacons kept (the beacon script's zero withdrawal).
    Update,
    /// Spot ↔ Auction: one category beacon burned, the other minted.
    Convert,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BidKind {
    Spot,
    Claim,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BidOp {
    Create,
    Close,
    /// The bid raised, the beacons kept (the beacon script's zero withdrawal).
    Update,
    /// Handed from Bob to Carol: the old BidderId burned, the new minted.
    NewBidder,
    /// Accepted with the NFTs of an Auction closed in the same transaction.
    Accept,
}

/// The group of protocol UTxOs dust is tried against ([`DustEntry::group`]).
const GROUP: &str = "aftermarket";

const FROM: u64 = 150_000_000;
const TO: u64 = 150_000_600;
const NFT_POLICY: &str = "79ef91e2c75eeb620979fbcdc8a6ffe8d79eefb16a9356510f25b5cd";
/// A Spot's deposit and an Auction's lovelace.
const DEPOSIT: u64 = 4_000_000;
const BID_DEPOSIT: u64 = 5_000_000;
const SELLER_DEPOSIT: u64 = 2_000_000;
/// Every price and bid: ADA and two tokens, in the ledger's asset order.
const PRICE: [(&str, u64); 3] = [("ADA", 10_000_000), ("O", 3_000_000), ("DJED", 2_000_000)];
/// The ADA of an updated price or bid.
const NEW_ADA: u64 = 11_000_000;
const NFTS: usize = 3;
/// UTxOs whose NFTs one wallet output carries (90 NFTs, within the maximum value size).
const CHUNK: usize = 30;
const B: &str = "market_beacons";

impl Action {
    /// Every §7.1 row.
    pub const ALL: [Action; 21] = [
        Action::Seller(Listing::Spot, Op::Create),
        Action::Seller(Listing::Spot, Op::Close),
        Action::Seller(Listing::Spot, Op::Update),
        Action::Seller(Listing::Spot, Op::Convert),
        Action::Purchase,
        Action::Seller(Listing::Auction, Op::Create),
        Action::Seller(Listing::Auction, Op::Close),
        Action::Seller(Listing::Auction, Op::Update),
        Action::Seller(Listing::Auction, Op::Convert),
        Action::Bid(BidKind::Spot, BidOp::Create),
        Action::Bid(BidKind::Spot, BidOp::Close),
        Action::Bid(BidKind::Spot, BidOp::Update),
        Action::Bid(BidKind::Spot, BidOp::NewBidder),
        Action::Bid(BidKind::Spot, BidOp::Accept),
        Action::Bid(BidKind::Claim, BidOp::Create),
        Action::Bid(BidKind::Claim, BidOp::Close),
        Action::Bid(BidKind::Claim, BidOp::Update),
        Action::Bid(BidKind::Claim, BidOp::NewBidder),
        Action::Bid(BidKind::Claim, BidOp::Accept),
        Action::Claim,
        Action::Unlock,
    ];

    /// Who acts, and receives what the batch releases.
    fn actor(&self) -> &'static str {
        match self {
            Action::Purchase => "carol",
            Action::Bid(_, op) if *op != BidOp::Accept => "bob",
            Action::Claim => "bob",
            _ => "alice",
        }
    }

    /// The fixture of `n` actions.
    fn fixture(&self, n: usize) -> Json {
        let mut tx = Tx::new(self.actor());
        match *self {
            Action::Seller(listing, op) => tx.seller(listing, op, n),
            Action::Purchase => tx.purchase(n),
            Action::Bid(kind, BidOp::Accept) => tx.accept(kind, n),
            Action::Bid(kind, op) => tx.bid(kind, op, n),
            Action::Claim | Action::Unlock => tx.accepted(*self == Action::Claim, n),
        }
        tx.fixture(&self.name(), n)
    }
}

/// A transaction being written: its UTxOs and fields, the beacon mint tallied by name.
struct Tx {
    actor: &'static str,
    utxos: Map<String, Json>,
    inputs: Vec<Json>,
    outputs: Vec<Json>,
    mint: Map<String, Json>,
    mint_redeemer: &'static str,
    withdrawals: Vec<Json>,
    signers: Vec<&'static str>,
    validity: Option<Json>,
    /// Lovelace and tokens the actor's funds must hold beyond the fee's share.
    funds: Map<String, Json>,
    /// The beacon script runs as a staking script; the observer runs.
    beacons_staked: bool,
    observed: bool,
}

fn market() -> Json {
    json!({"payment": {"script": "market"}, "stake": {"key": "alice"}})
}

fn wallet(owner: &str) -> Json {
    json!({"payment": {"key": owner}})
}

/// NFT `k` of UTxO `i`: 32-byte names ascending by `(i, k)`.
fn nft(i: usize, k: usize) -> String {
    format!("N{i}x{k}")
}

fn nft_names(i: usize) -> Vec<String> {
    (0..NFTS).map(|k| nft(i, k)).collect()
}

/// `PRICE` with its ADA set to `ada`, as a datum writes it.
fn prices(ada: u64) -> Json {
    let mut p: Vec<Json> = PRICE.iter().map(|(a, q)| json!([a, q])).collect();
    p[0] = json!(["ADA", ada]);
    json!(p)
}

/// The tokens of `PRICE` (its non-ADA part), `times` over.
fn price_tokens(times: u64) -> impl Iterator<Item = (&'static str, u64)> {
    PRICE[1..].iter().map(move |(a, q)| (*a, q * times))
}

fn common() -> Map<String, Json> {
    let mut d = Map::new();
    d.insert("beacon_policy_id".into(), json!(B));
    d.insert("aftermarket_observer_hash".into(), json!("market_observer"));
    d.insert("nft_policy_id".into(), json!("K"));
    d
}

fn datum(kind: &str, fields: Json) -> Json {
    let mut d = common();
    d.extend(fields.as_object().cloned().unwrap_or_default());
    json!({"inline": {kind: d}})
}

fn listing_datum(listing: Listing, i: usize, ada: u64) -> Json {
    match listing {
        Listing::Spot => datum(
            "spot_datum",
            json!({"nft_names": nft_names(i), "payment_address": wallet("alice"), "sale_deposit": DEPOSIT, "sale_price": prices(ada)}),
        ),
        Listing::Auction => datum(
            "auction_datum",
            json!({"nft_names": nft_names(i), "starting_price": prices(ada)}),
        ),
    }
}

/// The category beacon of a listing or bid.
fn category(listing: Listing) -> &'static str {
    match listing {
        Listing::Spot => "spot()",
        Listing::Auction => "auction()",
    }
}

fn bid_beacons(bidder: &str) -> [String; 3] {
    [
        "bid()".into(),
        "policy(K)".into(),
        format!("bidder(key:{bidder})"),
    ]
}

fn listing_beacons(listing: Listing) -> [String; 2] {
    [category(listing).into(), "policy(K)".into()]
}

/// A value of `lovelace`, `tokens` and one of each beacon.
fn value<'a>(
    lovelace: u64,
    tokens: impl IntoIterator<Item = (String, u64)>,
    beacons: impl IntoIterator<Item = &'a String>,
) -> Json {
    let mut v = json!({"lovelace": lovelace});
    for (t, q) in tokens {
        v[t] = json!(q);
    }
    for b in beacons {
        v[format!("{B}:{b}")] = json!(1);
    }
    v
}

fn nft_tokens(i: usize) -> impl Iterator<Item = (String, u64)> {
    nft_names(i).into_iter().map(|t| (t, 1))
}

/// An appended `*At` close (decision 6) of the spent UTxO `{prefix}{i}`: its own position, and the
/// beacon script's burn at `n`, after the batch's `n` Spend entries (the ledger sorts Spend
/// entries first; the funding inputs are key inputs, with none).
fn indexed(name: &str, prefix: &str, i: usize, n: usize) -> Json {
    json!({name: {"input_index": format!("{prefix}{i}"), "run_index": n}})
}

fn listing_output(listing: Listing, i: usize, ada: u64) -> Json {
    json!({"address": market(), "value": value(DEPOSIT, nft_tokens(i), &listing_beacons(listing)),
           "datum": listing_datum(listing, i, ada)})
}

/// A SpotBid's or ClaimBid's datum; a ClaimBid's expirations are written `relative` to the
/// validity interval when the transaction producing it has one, else as slots.
fn bid_datum(kind: BidKind, i: usize, bidder: &str, ada: u64, relative: bool) -> Json {
    let mut fields = json!({"bidder_credential": {"key": bidder}, "nft_names": nft_names(i),
                            "bid_deposit": BID_DEPOSIT, "bid": prices(ada)});
    match kind {
        BidKind::Spot => fields["payment_address"] = wallet(bidder),
        BidKind::Claim if relative => {
            fields["bid_expiration"] = json!({"to": 3_600_000});
            fields["claim_expiration"] = json!({"to": 7_200_000});
        }
        BidKind::Claim => {
            fields["bid_expiration"] = json!({"slot": TO + 3_600});
            fields["claim_expiration"] = json!({"slot": TO + 7_200});
        }
    }
    let name = match kind {
        BidKind::Spot => "spot_bid_datum",
        BidKind::Claim => "claim_bid_datum",
    };
    datum(name, fields)
}

fn bid_output(kind: BidKind, i: usize, bidder: &str, ada: u64, relative: bool) -> Json {
    let v = match kind {
        BidKind::Spot => value(
            BID_DEPOSIT + ada,
            price_tokens(1).map(|(t, q)| (t.into(), q)),
            &bid_beacons(bidder),
        ),
        BidKind::Claim => value(BID_DEPOSIT, [], &bid_beacons(bidder)),
    };
    json!({"address": market(), "value": v, "datum": bid_datum(kind, i, bidder, ada, relative)})
}

fn accepted_output(i: usize, claim_expiration: Json) -> Json {
    let fields = json!({"bidder_credential": {"key": "bob"}, "nft_names": nft_names(i),
        "bid_deposit": BID_DEPOSIT, "seller_deposit": SELLER_DEPOSIT, "bid": prices(PRICE[0].1),
        "payment_address": wallet("alice"), "claim_expiration": claim_expiration});
    json!({"address": market(), "value": value(BID_DEPOSIT + SELLER_DEPOSIT, nft_tokens(i), &bid_beacons("bob")),
           "datum": datum("accepted_bid_datum", fields)})
}

fn payment_datum(utxo: &str) -> Json {
    json!({"inline": {"list": [{"bytes": {"script": B}}, {"out_ref": {"utxo": utxo}}]}})
}

impl Tx {
    fn new(actor: &'static str) -> Tx {
        Tx {
            actor,
            utxos: Map::new(),
            inputs: Vec::new(),
            outputs: Vec::new(),
            mint: Map::new(),
            mint_redeemer: "CreateCloseOrUpdateMarketUTxOs",
            withdrawals: Vec::new(),
            signers: Vec::new(),
            validity: None,
            funds: Map::new(),
            beacons_staked: false,
            observed: false,
        }
    }

    /// Spends `utxo` (UTxO `i` of a kind named by `prefix`) with `redeemer`.
    fn spend(&mut self, prefix: &str, i: usize, utxo: Json, redeemer: Json) -> String {
        let name = format!("{prefix}{i}");
        let tag = match prefix {
            "auction" => 0xa0,
            "bid" => 0xb0,
            "accepted" => 0xc0,
            _ => 0xd0,
        };
        let mut utxo = utxo;
        utxo["ref"] = json!(format!("{tag:02x}{i:062x}#0"));
        self.utxos.insert(name.clone(), utxo);
        self.inputs
            .push(json!({"utxo": name.clone(), "redeemer": redeemer}));
        name
    }

    /// Adds `q` of each beacon to the mint.
    fn mint<'a>(&mut self, beacons: impl IntoIterator<Item = &'a String>, q: i64) {
        for b in beacons {
            let now = self.mint.get(b).and_then(Json::as_i64).unwrap_or(0) + q;
            self.mint.insert(b.clone(), json!(now));
        }
    }

    fn need(&mut self, token: &str, q: u64) {
        let now = self.funds.get(token).and_then(Json::as_u64).unwrap_or(0) + q;
        self.funds.insert(token.into(), json!(now));
    }

    fn sign(&mut self, who: &'static str) {
        self.signers.push(who);
    }

    fn stake_beacons(&mut self) {
        self.beacons_staked = true;
        self.withdrawals.push(json!({"credential": {"script": B}, "amount": 0, "redeemer": "CreateCloseOrUpdateMarketUTxOs"}));
    }

    fn observe(&mut self) {
        self.observed = true;
        self.withdrawals.push(
            json!({"credential": {"script": "market_observer"}, "amount": 0,
                                     "redeemer": {"ObserveAftermarket": {"beacon_policy_id": B}}}),
        );
    }

    /// The NFTs of UTxOs `0..n` to the actor, in as many outputs as the value size needs.
    fn release_nfts(&mut self, n: usize) {
        for chunk in (0..n).collect::<Vec<_>>().chunks(CHUNK) {
            let tokens = chunk.iter().flat_map(|&i| nft_tokens(i));
            let lovelace = 2_000_000 + 160_000 * (chunk.len() * NFTS) as u64;
            self.outputs
                .push(json!({"address": wallet(self.actor), "value": value(lovelace, tokens, [])}));
        }
    }

    fn seller(&mut self, listing: Listing, op: Op, n: usize) {
        let ada = PRICE[0].1;
        if op == Op::Create {
            for i in 0..n {
                for (t, q) in nft_tokens(i) {
                    self.need(&t, q);
                }
                self.need("lovelace", DEPOSIT);
                self.outputs.push(listing_output(listing, i, ada));
                self.mint(&listing_beacons(listing), 1);
            }
            return;
        }
        self.sign("alice");
        let other = match listing {
            Listing::Spot => Listing::Auction,
            Listing::Auction => Listing::Spot,
        };
        for i in 0..n {
            let prefix = match listing {
                Listing::Spot => "spot",
                Listing::Auction => "auction",
            };
            let redeemer = match op {
                Op::Close => indexed("CloseOrUpdateSellerUTxOAt", prefix, i, n),
                _ => json!("CloseOrUpdateSellerUTxO"),
            };
            self.spend(prefix, i, listing_output(listing, i, ada), redeemer);
            match op {
                Op::Close => self.mint(&listing_beacons(listing), -1),
                Op::Update => self.outputs.push(listing_output(listing, i, NEW_ADA)),
                Op::Convert => {
                    self.outputs.push(listing_output(other, i, ada));
                    self.mint(&[category(listing).to_string()], -1);
                    self.mint(&[category(other).to_string()], 1);
                }
                Op::Create => unreachable!(),
            }
        }
        match op {
            Op::Close => self.release_nfts(n),
            Op::Update => self.stake_beacons(),
            _ => {}
        }
    }

    fn purchase(&mut self, n: usize) {
        self.observe();
        self.mint_redeemer = "BurnBeacons";
        for i in 0..n {
            let spot = self.spend(
                "spot",
                i,
                listing_output(Listing::Spot, i, PRICE[0].1),
                json!("PurchaseSpot"),
            );
            self.mint(&listing_beacons(Listing::Spot), -1);
            let pay = value(
                DEPOSIT + PRICE[0].1,
                price_tokens(1).map(|(t, q)| (t.into(), q)),
                [],
            );
            self.outputs.push(
                json!({"address": wallet("alice"), "value": pay, "datum": payment_datum(&spot)}),
            );
        }
        self.need("lovelace", (DEPOSIT + PRICE[0].1) * n as u64);
        for (t, q) in price_tokens(n as u64) {
            self.need(t, q);
        }
        self.release_nfts(n);
    }

    fn bid(&mut self, kind: BidKind, op: BidOp, n: usize) {
        let ada = PRICE[0].1;
        let claim = kind == BidKind::Claim;
        self.sign("bob");
        let produces = op != BidOp::Close;
        if claim && produces {
            self.validity = Some(json!({"to": TO}));
        }
        for i in 0..n {
            if op != BidOp::Create {
                let spent = bid_output(kind, i, "bob", ada, false);
                let redeemer = match op {
                    BidOp::Close => indexed("CloseOrUpdateBidderUTxOAt", "bid", i, n),
                    _ => json!("CloseOrUpdateBidderUTxO"),
                };
                self.spend("bid", i, spent, redeemer);
            }
            let (bidder, new_ada) = match op {
                BidOp::Create => ("bob", ada),
                BidOp::Update => ("bob", NEW_ADA),
                _ => ("carol", ada),
            };
            if produces {
                self.outputs
                    .push(bid_output(kind, i, bidder, new_ada, claim));
            }
            match op {
                BidOp::Create => self.mint(&bid_beacons("bob"), 1),
                BidOp::Close => self.mint(&bid_beacons("bob"), -1),
                BidOp::NewBidder => {
                    self.mint(&["bidder(key:bob)".to_string()], -1);
                    self.mint(&["bidder(key:carol)".to_string()], 1);
                }
                _ => {}
            }
        }
        match op {
            BidOp::Create => self.need("lovelace", BID_DEPOSIT * n as u64),
            BidOp::Update => self.stake_beacons(),
            BidOp::NewBidder => self.sign("carol"),
            _ => {}
        }
        let added = match op {
            BidOp::Create => ada,
            BidOp::Update => NEW_ADA - ada,
            _ => 0,
        };
        if kind == BidKind::Spot && added > 0 {
            self.need("lovelace", added * n as u64);
            if op == BidOp::Create {
                for (t, q) in price_tokens(n as u64) {
                    self.need(t, q);
                }
            }
        }
    }

    /// Bids accepted by Alice with the NFTs of Auctions she closes in the same transaction.
    fn accept(&mut self, kind: BidKind, n: usize) {
        let ada = PRICE[0].1;
        self.sign("alice");
        self.observe();
        self.mint_redeemer = "BurnBeacons";
        let (bid_redeemer, auction_redeemer) = match kind {
            BidKind::Spot => (json!("AcceptSpotBid"), json!("AcceptSpotBid")),
            BidKind::Claim => (
                json!({"AcceptClaimBid": {"seller_deposit": SELLER_DEPOSIT, "payment_address": wallet("alice")}}),
                json!({"AcceptClaimBid": {"seller_deposit": 0, "payment_address": wallet("alice")}}),
            ),
        };
        if kind == BidKind::Claim {
            self.validity = Some(json!({"to": TO}));
            self.need("lovelace", SELLER_DEPOSIT * n as u64);
        }
        for i in 0..n {
            let bid = self.spend(
                "bid",
                i,
                bid_output(kind, i, "bob", ada, false),
                bid_redeemer.clone(),
            );
            self.spend(
                "auction",
                i,
                listing_output(Listing::Auction, i, ada),
                auction_redeemer.clone(),
            );
            self.mint(&listing_beacons(Listing::Auction), -1);
            match kind {
                BidKind::Spot => {
                    self.mint(&bid_beacons("bob"), -1);
                    self.outputs.push(json!({"address": wallet("bob"), "value": value(BID_DEPOSIT, nft_tokens(i), []),
                                             "datum": payment_datum(&bid)}));
                }
                BidKind::Claim => self
                    .outputs
                    .push(accepted_output(i, json!({"slot": TO + 7_200}))),
            }
        }
    }

    /// AcceptedBids claimed by Bob (`claim`) or unlocked by Alice after the claim period.
    fn accepted(&mut self, claim: bool, n: usize) {
        self.observe();
        self.mint_redeemer = "BurnBeacons";
        let (redeemer, expiration) = if claim {
            self.sign("bob");
            ("ClaimAcceptedBid", json!({"slot": TO}))
        } else {
            self.sign("alice");
            self.validity = Some(json!({"from": FROM}));
            ("UnlockUnclaimedAcceptedBid", json!({"from": 0}))
        };
        for i in 0..n {
            let acc = self.spend(
                "accepted",
                i,
                accepted_output(i, expiration.clone()),
                json!(redeemer),
            );
            self.mint(&bid_beacons("bob"), -1);
            if claim {
                let pay = value(
                    SELLER_DEPOSIT + PRICE[0].1,
                    price_tokens(1).map(|(t, q)| (t.into(), q)),
                    [],
                );
                self.outputs.push(
                    json!({"address": wallet("alice"), "value": pay, "datum": payment_datum(&acc)}),
                );
            }
        }
        if claim {
            self.need("lovelace", (SELLER_DEPOSIT + PRICE[0].1) * n as u64);
            for (t, q) in price_tokens(n as u64) {
                self.need(t, q);
            }
        }
        self.release_nfts(n);
    }

    /// The fixture: the actor's funds and change added, the scripts it runs by reference.
    fn fixture(mut self, name: &str, n: usize) -> Json {
        let funds = format!("{}_funds", self.actor);
        let lovelace = self
            .funds
            .get("lovelace")
            .and_then(Json::as_u64)
            .unwrap_or(0);
        self.funds
            .insert("lovelace".into(), json!(20_000_000 + lovelace));
        self.utxos.insert(
            funds.clone(),
            json!({"address": wallet(self.actor), "value": self.funds}),
        );
        self.inputs.push(json!({"utxo": funds}));
        self.outputs
            .push(json!({"address": wallet(self.actor), "change": true}));
        let mut tokens = Map::new();
        tokens.insert("K".into(), json!({"policy": NFT_POLICY, "name": "4b"}));
        tokens.insert("DJED".into(), json!({"policy": "c70668ece22b907e154330e703e3f6347bc6b55f2a23dfef7de7a8c2", "name": "444a4544"}));
        tokens.insert("O".into(), json!({"policy": "51".repeat(28), "name": "4f"}));
        for i in 0..n {
            for k in 0..NFTS {
                tokens.insert(
                    nft(i, k),
                    json!({"policy": NFT_POLICY, "name": format!("{i:060x}{k:04x}")}),
                );
            }
        }
        self.mint.retain(|_, q| q.as_i64() != Some(0));
        let mut scripts = Vec::new();
        if self.inputs.iter().any(|i| i.get("redeemer").is_some()) {
            scripts.push("market");
        }
        if !self.mint.is_empty() || self.beacons_staked {
            scripts.push(B);
        }
        if self.observed {
            scripts.push("market_observer");
        }
        for s in &scripts {
            self.utxos.insert(format!("{s}_ref"), json!({"address": wallet("dave"), "value": {"lovelace": 60_000_000}, "reference_script": s}));
        }
        let mut tx = json!({
            "reference_inputs": scripts.iter().map(|s| format!("{s}_ref")).collect::<Vec<_>>(),
            "inputs": self.inputs, "outputs": self.outputs,
        });
        if !self.mint.is_empty() {
            tx["mint"] =
                json!([{"policy": B, "assets": self.mint, "redeemer": self.mint_redeemer}]);
        }
        if !self.withdrawals.is_empty() {
            tx["withdrawals"] = json!(self.withdrawals);
        }
        if !self.signers.is_empty() {
            tx["required_signers"] = json!(self.signers);
        }
        if let Some(v) = self.validity {
            tx["validity"] = v;
        }
        json!({
            "description": format!("{name} of {n} aftermarket UTxOs"),
            "protocol": "aftermarket", "rules": [], "expect": "ok",
            "tokens": tokens, "utxos": self.utxos, "tx": tx,
        })
    }
}

impl Action {
    /// Dust in every spent market UTxO, sent on to the actor in an output of its own per UTxO.
    fn dusted(&self, spec: &mut TxSpec, params: &Params) {
        let mut received = Vec::new();
        for (k, input) in spec.inputs.iter_mut().enumerate() {
            if input.redeemer.is_none() {
                continue;
            }
            let dust = ledger::dust(&input.utxo.output, params, (k * 1000) as u64);
            capacity::stuff(&mut input.utxo.output, &dust, 0, params);
            received.push(TxOutput {
                output: capacity::dust_output(self.actor(), &dust, params),
                change: false,
            });
        }
        let at = spec.outputs.len().saturating_sub(1);
        for output in received {
            spec.outputs.insert(at, output);
        }
    }
}

impl Batch for Action {
    fn name(&self) -> String {
        let row = match self {
            Action::Seller(listing, op) => {
                let l = match listing {
                    Listing::Spot => "spot",
                    Listing::Auction => "auction",
                };
                let o = match (listing, op) {
                    (_, Op::Create) => "create",
                    (_, Op::Close) => "close",
                    (_, Op::Update) => "update",
                    (Listing::Spot, Op::Convert) => "to-auction",
                    (Listing::Auction, Op::Convert) => "to-spot",
                };
                format!("{l}-{o}")
            }
            Action::Purchase => "spot-purchase".into(),
            Action::Bid(kind, op) => {
                let k = match kind {
                    BidKind::Spot => "spot-bid",
                    BidKind::Claim => "claim-bid",
                };
                let o = match op {
                    BidOp::Create => "create",
                    BidOp::Close => "close",
                    BidOp::Update => "update",
                    BidOp::NewBidder => "update-bidder",
                    BidOp::Accept => "accept",
                };
                format!("{k}-{o}")
            }
            Action::Claim => "accepted-claim".into(),
            Action::Unlock => "accepted-unlock".into(),
        };
        format!("aft-{row}")
    }

    fn transaction(
        &self,
        n: usize,
        load: Load,
        build: Build,
        params: &Params,
    ) -> Result<TxSpec, Error> {
        let mut spec =
            capacity::fixture_transaction(&self.name(), &self.fixture(n), build, params)?;
        if load == Load::Dust {
            self.dusted(&mut spec, params);
        }
        Ok(spec)
    }

    fn spends(&self) -> &'static [&'static str] {
        match self {
            Action::Seller(_, Op::Create) | Action::Bid(_, BidOp::Create) => &[],
            _ => &[GROUP],
        }
    }
}

/// Dust tried into the market outputs each producing action makes: a Spot, an Auction, a
/// SpotBid, a ClaimBid (creates) and an AcceptedBid (accepting a ClaimBid).
fn dust_entries(params: &Params) -> Result<Vec<DustEntry>, Error> {
    [
        (Action::Seller(Listing::Spot, Op::Create), "create spot"),
        (
            Action::Seller(Listing::Auction, Op::Create),
            "create auction",
        ),
        (Action::Bid(BidKind::Spot, BidOp::Create), "create spot bid"),
        (
            Action::Bid(BidKind::Claim, BidOp::Create),
            "create claim bid",
        ),
        (
            Action::Bid(BidKind::Claim, BidOp::Accept),
            "accept claim bid",
        ),
    ]
    .into_iter()
    .map(|(action, via)| {
        let mut spec = action.transaction(1, Load::Honest, Build::Traced, params)?;
        add_dust(&mut spec, 0, params)?;
        capacity::dust_entry(GROUP, via, &spec, params)
    })
    .collect()
}

static ACTIONS: [Action; 21] = Action::ALL;

fn batches() -> Vec<&'static dyn Batch> {
    ACTIONS.iter().map(|a| a as &dyn Batch).collect()
}

/// The aftermarket protocol's capacity hooks.
pub const HOOKS: CapacityHooks = CapacityHooks {
    batches,
    dust_entries,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dust_cannot_reach_an_aftermarket_utxo() {
        let params = Params::mainnet().unwrap();
        let entries = dust_entries(&params).unwrap();
        assert_eq!(entries.len(), 5);
        for entry in entries {
            assert!(!entry.accepted, "{entry:?}");
            assert!(!entry.rejected_by.is_empty(), "{entry:?}");
        }
    }

    #[test]
    fn every_row_has_its_own_name() {
        let mut names: Vec<String> = Action::ALL.iter().map(Batch::name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), 21);
    }
}
