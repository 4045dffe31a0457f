//! The options actions the capacity search ([`crate::capacity`]) batches, the rows of spec §7.2:
//! each is a fixture written for `n` actions (reference scripts, three possible terms per
//! proposal as in the original's benchmarks), resolved like any fixture. "Same" actions share
//! beacon names (one offer asset); "different" ones each have their own offer asset.

use super::super::CapacityHooks;
use crate::{
    capacity::{self, Batch, DustEntry, Error, Load, add_dust},
    deploy::Build,
    ledger,
    params::Params,
    scenario::{TxOutput, TxSpec},
};
use serde_json::{Value as Json, json};

/// One §7.2 row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Action {
    pub kind: Kind,
    /// One offer asset for every UTxO (same beacons) or one each.
    pub same: bool,
}

/// What the batch does `n` times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Create,
    /// Proposals updated in place, their terms changed, beacons kept (the zero withdrawal).
    UpdateProposal,
    /// Proposals replaced in place by ones with other assets: every beacon burned and minted.
    ChangeProposal,
    CloseProposal,
    Purchase,
    Execute,
    CloseExpired,
    UpdateAddress,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Create => "create",
            Kind::UpdateProposal => "update-proposal",
            Kind::ChangeProposal => "change-proposal",
            Kind::CloseProposal => "close-proposal",
            Kind::Purchase => "purchase",
            Kind::Execute => "execute",
            Kind::CloseExpired => "close-expired",
            Kind::UpdateAddress => "update-address",
        }
    }
}

/// The group of protocol UTxOs dust is tried against ([`DustEntry::group`]).
const GROUP: &str = "options";

const FROM: u64 = 150_000_000;
const TO: u64 = 150_000_600;
const DEPOSIT: u64 = 5_000_000;
const OFFERED: u64 = 10;
const PREMIUM: u64 = 2_000_000;
const T_POLICY: &str = "c0f8644a01a6bf5db02f4afe30d604975e63dd274f1098a1738e561d";
/// The transaction id of the (long spent) proposals the contracts were bought from.
const BOUGHT: &str = "7a1d3bb453b1ea065f391529d1a56e7e02bc03f4dc802acf3a1967dc447c3259";
const SCRIPTS: [&str; 4] = ["opt_script", "opt_active", "opt_proposal", "opt_observer"];

impl Action {
    /// Every §7.2 row.
    pub const ALL: [Action; 14] = [
        Action {
            kind: Kind::Create,
            same: true,
        },
        Action {
            kind: Kind::Create,
            same: false,
        },
        Action {
            kind: Kind::UpdateProposal,
            same: true,
        },
        Action {
            kind: Kind::UpdateProposal,
            same: false,
        },
        Action {
            kind: Kind::ChangeProposal,
            same: false,
        },
        Action {
            kind: Kind::CloseProposal,
            same: false,
        },
        Action {
            kind: Kind::Purchase,
            same: true,
        },
        Action {
            kind: Kind::Purchase,
            same: false,
        },
        Action {
            kind: Kind::Execute,
            same: true,
        },
        Action {
            kind: Kind::Execute,
            same: false,
        },
        Action {
            kind: Kind::CloseExpired,
            same: true,
        },
        Action {
            kind: Kind::CloseExpired,
            same: false,
        },
        Action {
            kind: Kind::UpdateAddress,
            same: true,
        },
        Action {
            kind: Kind::UpdateAddress,
            same: false,
        },
    ];

    /// The offer token of UTxO `i`: `O` (the same one) or `O{i}`.
    fn offer(&self, i: usize) -> String {
        if self.same {
            "O".into()
        } else {
            format!("O{i}")
        }
    }

    /// The fixture of `n` actions.
    fn fixture(&self, n: usize) -> Json {
        let mut tokens = serde_json::Map::new();
        tokens.insert(
            "A".into(),
            json!({"policy": T_POLICY, "name": "54657374546f6b656e31"}),
        );
        for i in 0..n {
            tokens.insert(self.offer(i), json!({"policy": T_POLICY, "name": format!("4f{:04x}", if self.same { 0 } else { i })}));
            if self.kind == Kind::ChangeProposal {
                tokens.insert(
                    format!("N{i}"),
                    json!({"policy": T_POLICY, "name": format!("4e{i:04x}")}),
                );
            }
        }
        let mut utxos = serde_json::Map::new();
        for script in SCRIPTS {
            utxos.insert(format!("{script}_ref"), json!({"address": {"payment": {"key": "dave"}}, "value": {"lovelace": 40_000_000}, "reference_script": script}));
        }
        let mut tx = serde_json::Map::new();
        tx.insert(
            "reference_inputs".into(),
            json!(
                SCRIPTS
                    .iter()
                    .map(|s| format!("{s}_ref"))
                    .collect::<Vec<_>>()
            ),
        );
        let (inputs, mint, outputs) = match self.kind {
            Kind::Create => self.create(n, &mut utxos, &mut tx),
            Kind::UpdateProposal | Kind::ChangeProposal => {
                self.update_proposals(n, &mut utxos, &mut tx)
            }
            Kind::CloseProposal => self.close_proposals(n, &mut utxos, &mut tx),
            Kind::Purchase => self.purchase(n, &mut utxos),
            Kind::Execute => self.execute(n, &mut utxos, &mut tx),
            Kind::CloseExpired => self.close_expired(n, &mut utxos, &mut tx),
            Kind::UpdateAddress => self.update(n, &mut utxos, &mut tx),
        };
        tx.insert("inputs".into(), json!(inputs));
        tx.insert("mint".into(), json!(mint));
        tx.insert("outputs".into(), json!(outputs));
        json!({
            "description": format!("{} of {n} options UTxOs", self.name()),
            "protocol": "options", "rules": [], "expect": "ok",
            "tokens": tokens, "utxos": utxos, "tx": tx,
        })
    }

    fn proposal_datum(&self, i: usize, terms_to: bool) -> Json {
        self.proposal_datum_of(&self.offer(i), "A", "ADA", terms_to)
    }

    /// A proposal of offer `o` against `ask`, premiums in `premium`.
    fn proposal_datum_of(&self, o: &str, ask: &str, premium: &str, terms_to: bool) -> Json {
        let expiration = |k: u64| {
            if terms_to {
                json!({"to": k * 1000})
            } else {
                json!(1_900_000_000_000u64 + k)
            }
        };
        let terms: Vec<Json> = (0..3)
            .map(|k| json!({"Terms": {"premium": PREMIUM + k * 100_000, "strike_price": {"num": 1, "den": 1 + k}, "expiration": expiration(k)}}))
            .collect();
        json!({"inline": {"proposal_datum": {
            "proposal_beacon_policy_id": "opt_proposal", "active_beacon_policy_id": "opt_active",
            "offer_asset": o, "offer_quantity": OFFERED, "ask_asset": ask,
            "trading_pair_beacon": format!("pair({o},{ask})"), "offer_asset_beacon": format!("offer({o})"),
            "ask_asset_beacon": format!("ask({ask})"), "premium_asset": premium, "premium_asset_beacon": format!("premium({premium})"),
            "contract_deposit": DEPOSIT, "payment_address": {"payment": {"key": "alice"}},
            "possible_terms": terms,
        }}})
    }

    fn beacons(&self, i: usize, policy: &str) -> Vec<String> {
        let o = self.offer(i);
        let mut names = vec![
            format!("pair({o},A)"),
            format!("offer({o})"),
            "ask(A)".to_string(),
        ];
        names.push(if policy == "opt_proposal" {
            "premium(ADA)".into()
        } else {
            self.contract(i)
        });
        names
    }

    fn contract(&self, i: usize) -> String {
        match self.kind {
            Kind::Purchase => format!("contract(p{i})"),
            _ => format!("contract({BOUGHT}#{i})"),
        }
    }

    fn proposal_value(&self, i: usize) -> Json {
        let mut v = json!({"lovelace": DEPOSIT, self.offer(i): OFFERED});
        for b in self.beacons(i, "opt_proposal") {
            v[format!("opt_proposal:{b}")] = json!(1);
        }
        v
    }

    fn contract_value(&self, i: usize) -> Json {
        let mut v = json!({"lovelace": DEPOSIT, self.offer(i): OFFERED});
        for b in self.beacons(i, "opt_active") {
            v[format!("opt_active:{b}")] = json!(1);
        }
        v
    }

    fn active_datum(&self, i: usize, expiration: Json) -> Json {
        let o = self.offer(i);
        json!({"inline": {"options_active_datum": {
            "proposal_beacon_policy_id": "opt_proposal", "active_beacon_policy_id": "opt_active",
            "address_observer_hash": "opt_observer", "offer_asset": o, "offer_quantity": OFFERED,
            "ask_asset": "A", "trading_pair_beacon": format!("pair({o},A)"), "offer_asset_beacon": format!("offer({o})"),
            "ask_asset_beacon": "ask(A)", "strike_price": {"num": 1, "den": 1}, "expiration": expiration,
            "contract_deposit": DEPOSIT, "payment_address": {"payment": {"key": "alice"}},
            "contract_id": self.contract(i),
        }}})
    }

    /// UTxO `i`'s reference: the ledger sorts the inputs, and so the required outputs, by `i`.
    fn reference(prefix: u8, i: usize) -> String {
        format!("{prefix:02x}{i:062x}#0")
    }

    /// Sums the quantities of `entries` under each name.
    fn tally(entries: impl IntoIterator<Item = (String, i64)>) -> Json {
        let mut m = serde_json::Map::new();
        for (name, q) in entries {
            let now = m.get(&name).and_then(Json::as_i64).unwrap_or(0) + q;
            m.insert(name, json!(now));
        }
        m.retain(|_, q| q.as_i64() != Some(0));
        Json::Object(m)
    }

    fn funds(
        &self,
        name: &str,
        owner: &str,
        lovelace: u64,
        tokens: impl IntoIterator<Item = (String, u64)>,
    ) -> Json {
        let mut v = json!({"lovelace": lovelace});
        for (t, q) in tokens {
            let now = v.get(&t).and_then(Json::as_u64).unwrap_or(0) + q;
            v[t] = json!(now);
        }
        let _ = name;
        json!({"address": {"payment": {"key": owner}}, "value": v})
    }

    fn spent_contracts(
        &self,
        n: usize,
        utxos: &mut serde_json::Map<String, Json>,
        expiration: impl Fn() -> Json,
    ) {
        for i in 0..n {
            utxos.insert(
                format!("c{i}"),
                json!({
                    "ref": Self::reference(0xc0, i),
                    "address": {"payment": {"script": "opt_script"}, "stake": {"key": "alice"}},
                    "value": self.contract_value(i), "datum": self.active_datum(i, expiration()),
                }),
            );
        }
    }

    fn create(
        &self,
        n: usize,
        utxos: &mut serde_json::Map<String, Json>,
        tx: &mut serde_json::Map<String, Json>,
    ) -> (Vec<Json>, Vec<Json>, Vec<Json>) {
        utxos.insert(
            "alice_funds".into(),
            self.funds(
                "alice_funds",
                "alice",
                20_000_000 + n as u64 * DEPOSIT,
                (0..n).map(|i| (self.offer(i), OFFERED)),
            ),
        );
        tx.insert("validity".into(), json!({"to": TO}));
        let mint = Self::tally(
            (0..n)
                .flat_map(|i| self.beacons(i, "opt_proposal"))
                .map(|b| (b, 1)),
        );
        let mut outputs: Vec<Json> = (0..n)
            .map(|i| json!({"address": {"payment": {"script": "opt_script"}, "stake": {"key": "alice"}}, "value": self.proposal_value(i), "datum": self.proposal_datum(i, true)}))
            .collect();
        outputs.push(json!({"address": {"payment": {"key": "alice"}}, "change": true}));
        (
            vec![json!({"utxo": "alice_funds"})],
            vec![
                json!({"policy": "opt_proposal", "assets": mint, "redeemer": "CreateCloseOrUpdateProposals"}),
            ],
            outputs,
        )
    }

    fn spent_proposals(&self, n: usize, utxos: &mut serde_json::Map<String, Json>) {
        for i in 0..n {
            utxos.insert(
                format!("p{i}"),
                json!({
                    "ref": Self::reference(0xb0, i),
                    "address": {"payment": {"script": "opt_script"}, "stake": {"key": "alice"}},
                    "value": self.proposal_value(i), "datum": self.proposal_datum(i, false),
                }),
            );
        }
    }

    /// Proposal closes with the appended `CloseOrUpdateProposalAt`: each names its input's
    /// position and the proposal script's redeemer's, `n`, after the `n` Spend entries.
    fn close_proposals(
        &self,
        n: usize,
        utxos: &mut serde_json::Map<String, Json>,
        tx: &mut serde_json::Map<String, Json>,
    ) -> (Vec<Json>, Vec<Json>, Vec<Json>) {
        self.spent_proposals(n, utxos);
        utxos.insert(
            "alice_funds".into(),
            self.funds("alice_funds", "alice", 5_000_000, []),
        );
        tx.insert("required_signers".into(), json!(["alice"]));
        let mut inputs: Vec<Json> = (0..n)
            .map(|i| json!({"utxo": format!("p{i}"), "redeemer": {"CloseOrUpdateProposalAt": {"input_index": format!("p{i}"), "run_index": n}}}))
            .collect();
        inputs.push(json!({"utxo": "alice_funds"}));
        let burn = Self::tally(
            (0..n)
                .flat_map(|i| self.beacons(i, "opt_proposal"))
                .map(|b| (b, -1)),
        );
        (
            inputs,
            vec![
                json!({"policy": "opt_proposal", "assets": burn, "redeemer": "CreateCloseOrUpdateProposals"}),
            ],
            self.takings("alice", n),
        )
    }

    /// Proposals spent and recreated at the same address with new terms: beacons kept (the
    /// proposal script's zero withdrawal) or, for [`Kind::ChangeProposal`], a new offer
    /// (`N{i}`), ask (ADA) and premium asset (`A`), the old beacons burned and the new minted.
    fn update_proposals(
        &self,
        n: usize,
        utxos: &mut serde_json::Map<String, Json>,
        tx: &mut serde_json::Map<String, Json>,
    ) -> (Vec<Json>, Vec<Json>, Vec<Json>) {
        let change = self.kind == Kind::ChangeProposal;
        self.spent_proposals(n, utxos);
        let new_offers = (0..n)
            .filter(|_| change)
            .map(|i| (format!("N{i}"), OFFERED));
        utxos.insert(
            "alice_funds".into(),
            self.funds("alice_funds", "alice", 10_000_000, new_offers),
        );
        tx.insert("required_signers".into(), json!(["alice"]));
        tx.insert("validity".into(), json!({"to": TO}));
        let mut inputs: Vec<Json> = (0..n)
            .map(|i| json!({"utxo": format!("p{i}"), "redeemer": "CloseOrUpdateProposal"}))
            .collect();
        inputs.push(json!({"utxo": "alice_funds"}));
        let address = json!({"payment": {"script": "opt_script"}, "stake": {"key": "alice"}});
        let mut outputs: Vec<Json> = (0..n)
            .map(|i| {
                if change {
                    let o = format!("N{i}");
                    let mut v = json!({"lovelace": DEPOSIT, o.as_str(): OFFERED});
                    for b in [format!("pair({o},ADA)"), format!("offer({o})"), "ask(ADA)".into(), "premium(A)".into()] {
                        v[format!("opt_proposal:{b}")] = json!(1);
                    }
                    json!({"address": address, "value": v, "datum": self.proposal_datum_of(&o, "ADA", "A", true)})
                } else {
                    json!({"address": address, "value": self.proposal_value(i), "datum": self.proposal_datum(i, true)})
                }
            })
            .collect();
        if !change {
            tx.insert("withdrawals".into(), json!([{"credential": {"script": "opt_proposal"}, "amount": 0, "redeemer": "CreateCloseOrUpdateProposals"}]));
            outputs.push(json!({"address": {"payment": {"key": "alice"}}, "change": true}));
            return (inputs, Vec::new(), outputs);
        }
        let old = (0..n)
            .flat_map(|i| self.beacons(i, "opt_proposal"))
            .map(|b| (b, -1));
        let new = (0..n).flat_map(|i| {
            let o = format!("N{i}");
            [
                format!("pair({o},ADA)"),
                format!("offer({o})"),
                "ask(ADA)".into(),
                "premium(A)".into(),
            ]
        });
        let mint = Self::tally(old.chain(new.map(|b| (b, 1))));
        outputs.extend(self.takings("alice", n));
        (
            inputs,
            vec![
                json!({"policy": "opt_proposal", "assets": mint, "redeemer": "CreateCloseOrUpdateProposals"}),
            ],
            outputs,
        )
    }

    /// The actor's outputs for the offer tokens of `n` UTxOs, then its change.
    fn takings(&self, actor: &str, n: usize) -> Vec<Json> {
        let mut outputs = Vec::new();
        for chunk in (0..n).collect::<Vec<_>>().chunks(20) {
            let mut v = json!({"lovelace": 3_000_000});
            for &i in chunk {
                let now = v.get(self.offer(i)).and_then(Json::as_u64).unwrap_or(0) + OFFERED;
                v[self.offer(i)] = json!(now);
            }
            outputs.push(json!({"address": {"payment": {"key": actor}}, "value": v}));
        }
        outputs.push(json!({"address": {"payment": {"key": actor}}, "change": true}));
        outputs
    }

    fn purchase(
        &self,
        n: usize,
        utxos: &mut serde_json::Map<String, Json>,
    ) -> (Vec<Json>, Vec<Json>, Vec<Json>) {
        self.spent_proposals(n, utxos);
        utxos.insert(
            "bob_funds".into(),
            self.funds("bob_funds", "bob", 20_000_000 + n as u64 * 3_000_000, []),
        );
        let mut inputs: Vec<Json> = (0..n).map(|i| json!({"utxo": format!("p{i}"), "redeemer": {"PurchaseContract": {"desired_terms_index": 0}}})).collect();
        inputs.push(json!({"utxo": "bob_funds"}));
        let mint = Self::tally((0..n).flat_map(|i| {
            let mut b: Vec<(String, i64)> = self
                .beacons(i, "opt_active")
                .into_iter()
                .map(|b| (b, 1))
                .collect();
            b.push((self.contract(i), 1));
            b
        }));
        let burn = Self::tally(
            (0..n)
                .flat_map(|i| self.beacons(i, "opt_proposal"))
                .map(|b| (b, -1)),
        );
        let mut outputs = Vec::new();
        for i in 0..n {
            outputs.push(json!({"address": {"payment": {"script": "opt_script"}, "stake": {"key": "alice"}}, "value": self.contract_value(i), "datum": self.active_datum(i, json!(1_900_000_000_000u64))}));
            outputs.push(json!({"address": {"payment": {"key": "alice"}}, "value": {"lovelace": PREMIUM}, "datum": {"inline": self.payment(i)}}));
        }
        let mut keys = json!({"lovelace": 1_500_000 + n as u64 * 200_000});
        for i in 0..n {
            keys[format!("opt_active:{}", self.contract(i))] = json!(1);
        }
        outputs.push(json!({"address": {"payment": {"key": "bob"}}, "value": keys}));
        outputs.push(json!({"address": {"payment": {"key": "bob"}}, "change": true}));
        let mint = vec![
            json!({"policy": "opt_active", "assets": mint, "redeemer": {"PurchaseExecuteOrCloseExpired": {"proposal_beacon_id": "opt_proposal"}}}),
            json!({"policy": "opt_proposal", "assets": burn, "redeemer": "BurnProposalBeacons"}),
        ];
        (inputs, mint, outputs)
    }

    fn payment(&self, i: usize) -> Json {
        json!({"list": [{"bytes": {"script": "opt_active"}}, {"bytes": {"beacon": format!("opt_active:{}", self.contract(i))}}]})
    }

    fn execute(
        &self,
        n: usize,
        utxos: &mut serde_json::Map<String, Json>,
        tx: &mut serde_json::Map<String, Json>,
    ) -> (Vec<Json>, Vec<Json>, Vec<Json>) {
        self.spent_contracts(n, utxos, || json!({"to": 0}));
        let mut keys = json!({"lovelace": 1_500_000 + n as u64 * 200_000});
        for i in 0..n {
            keys[format!("opt_active:{}", self.contract(i))] = json!(1);
        }
        utxos.insert(
            "bob_keys".into(),
            json!({"address": {"payment": {"key": "bob"}}, "value": keys}),
        );
        utxos.insert(
            "bob_funds".into(),
            self.funds(
                "bob_funds",
                "bob",
                20_000_000 + n as u64 * DEPOSIT,
                [("A".to_string(), OFFERED * n as u64)],
            ),
        );
        tx.insert("validity".into(), json!({"to": TO}));
        let mut inputs: Vec<Json> = (0..n)
            .map(|i| json!({"utxo": format!("c{i}"), "redeemer": "ExecuteContract"}))
            .collect();
        inputs.push(json!({"utxo": "bob_keys"}));
        inputs.push(json!({"utxo": "bob_funds"}));
        let burn = Self::tally((0..n).flat_map(|i| {
            let mut b: Vec<(String, i64)> = self
                .beacons(i, "opt_active")
                .into_iter()
                .map(|b| (b, -1))
                .collect();
            b.push((self.contract(i), -1));
            b
        }));
        let mut outputs: Vec<Json> = (0..n)
            .map(|i| json!({"address": {"payment": {"key": "alice"}}, "value": {"lovelace": DEPOSIT, "A": OFFERED}, "datum": {"inline": self.payment(i)}}))
            .collect();
        outputs.extend(self.takings("bob", n));
        (
            inputs,
            vec![
                json!({"policy": "opt_active", "assets": burn, "redeemer": {"PurchaseExecuteOrCloseExpired": {"proposal_beacon_id": "opt_proposal"}}}),
            ],
            outputs,
        )
    }

    /// Expired closes with the appended `CloseExpiredContractAt`: each names its input's position
    /// and the active script's redeemer's, `n`, after the `n` Spend entries (the ledger sorts
    /// Spend entries before Mint ones; the funding input is a key input, with none).
    fn close_expired(
        &self,
        n: usize,
        utxos: &mut serde_json::Map<String, Json>,
        tx: &mut serde_json::Map<String, Json>,
    ) -> (Vec<Json>, Vec<Json>, Vec<Json>) {
        self.spent_contracts(n, utxos, || json!({"from": 0}));
        utxos.insert(
            "alice_funds".into(),
            self.funds("alice_funds", "alice", 5_000_000, []),
        );
        tx.insert("validity".into(), json!({"from": FROM}));
        tx.insert("required_signers".into(), json!(["alice"]));
        let mut inputs: Vec<Json> = (0..n)
            .map(|i| json!({"utxo": format!("c{i}"), "redeemer": {"CloseExpiredContractAt": {"input_index": format!("c{i}"), "run_index": n}}}))
            .collect();
        inputs.push(json!({"utxo": "alice_funds"}));
        let burn = Self::tally(
            (0..n)
                .flat_map(|i| self.beacons(i, "opt_active"))
                .map(|b| (b, -1)),
        );
        (
            inputs,
            vec![
                json!({"policy": "opt_active", "assets": burn, "redeemer": {"PurchaseExecuteOrCloseExpired": {"proposal_beacon_id": "opt_proposal"}}}),
            ],
            self.takings("alice", n),
        )
    }

    fn update(
        &self,
        n: usize,
        utxos: &mut serde_json::Map<String, Json>,
        tx: &mut serde_json::Map<String, Json>,
    ) -> (Vec<Json>, Vec<Json>, Vec<Json>) {
        self.spent_contracts(n, utxos, || json!(1_900_000_000_000u64));
        utxos.insert(
            "alice_funds".into(),
            self.funds("alice_funds", "alice", 10_000_000, []),
        );
        tx.insert("required_signers".into(), json!(["alice"]));
        tx.insert("withdrawals".into(), json!([{"credential": {"script": "opt_observer"}, "amount": 0, "redeemer": "ObserveAddressUpdate"}]));
        let carol = json!({"payment": {"key": "carol"}});
        let mut inputs: Vec<Json> = (0..n)
            .map(|i| json!({"utxo": format!("c{i}"), "redeemer": {"UpdatePaymentAddress": {"new_address": carol, "deposit_increase": 0}}}))
            .collect();
        inputs.push(json!({"utxo": "alice_funds"}));
        let mut outputs: Vec<Json> = (0..n)
            .map(|i| json!({"address": {"payment": {"script": "opt_script"}, "stake": {"key": "alice"}}, "value": self.contract_value(i),
                            "datum": {"inline": {"datum_of": format!("c{i}"), "with": {"payment_address": carol}}}}))
            .collect();
        outputs.push(json!({"address": {"payment": {"key": "alice"}}, "change": true}));
        (inputs, Vec::new(), outputs)
    }

    /// Dust in every spent protocol UTxO, sent on to the actor in an output of its own per UTxO.
    fn dusted(&self, spec: &mut TxSpec, params: &Params) {
        let actor = match self.kind {
            Kind::Purchase | Kind::Execute => "bob",
            _ => "alice",
        };
        let mut received = Vec::new();
        for (k, input) in spec.inputs.iter_mut().enumerate() {
            let name = &input.utxo.name;
            if !(name.starts_with('p') || name.starts_with('c')) || name.contains('_') {
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

impl Batch for Action {
    fn name(&self) -> String {
        let same = if self.same { "same" } else { "different" };
        format!("opt-{}-{same}", self.kind.name())
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
        match self.kind {
            Kind::Create => &[],
            _ => &[GROUP],
        }
    }
}

/// Dust tried into the protocol outputs each producing action makes: a proposal (create), a
/// contract (purchase) and a continuing contract (address update).
fn dust_entries(params: &Params) -> Result<Vec<DustEntry>, Error> {
    [
        (Kind::Create, 0),
        (Kind::Purchase, 0),
        (Kind::UpdateAddress, 0),
    ]
    .into_iter()
    .map(|(kind, output)| {
        let action = Action { kind, same: true };
        let mut spec = action.transaction(1, Load::Honest, Build::Traced, params)?;
        add_dust(&mut spec, output, params)?;
        capacity::dust_entry(GROUP, kind.name(), &spec, params)
    })
    .collect()
}

static ACTIONS: [Action; 14] = Action::ALL;

fn batches() -> Vec<&'static dyn Batch> {
    ACTIONS.iter().map(|a| a as &dyn Batch).collect()
}

/// The options protocol's capacity hooks.
pub const HOOKS: CapacityHooks = CapacityHooks {
    batches,
    dust_entries,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dust_cannot_reach_an_options_utxo() {
        let params = Params::mainnet().unwrap();
        let entries = dust_entries(&params).unwrap();
        assert_eq!(entries.len(), 3);
        for entry in entries {
            assert!(!entry.accepted, "{entry:?}");
            assert!(!entry.rejected_by.is_empty(), "{entry:?}");
        }
    }
}
