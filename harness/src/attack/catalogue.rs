//! The threat catalogue: from a passing scenario's [`TxSpec`], every attacked transaction of each
//! [`Class`], each changing one thing the way an attacker would (issue 4, spec §6).
//!
//! Protocol UTxOs are inferred: an output or input is a protocol UTxO when its payment credential
//! is a protocol's deployment script or it holds a token of a beacon policy. A protocol input is a
//! **victim** when it is spent without its owner's approval (the ledger-supplied address's stake
//! credential neither signs nor withdraws: a fill), and a protocol output at a victim's address is
//! a **continuing** output, unless its protocol says it is a UTxO of its own
//! ([`AttackHooks::open`]): everything about it is protected (value, address, datum). Other
//! protocol outputs are **created** by whoever submits the transaction: only the protocol's
//! invariants protect them (beacons, datum consistency, address shape, no junk), so the attacks on
//! them leave alone what their creator may freely choose (amounts, owner, price, back-references),
//! except what their protocol says they must keep for another party (a loan's collateral,
//! [`AttackHooks::owed_amount`]): taking beyond that is value theft.
//!
//! The attacker is whoever owns the change output (one at `mallory` is added when there is none):
//! whatever an attack takes out of a protocol output goes there, and whatever it adds comes from
//! an input of `mallory`'s that sorts after every fixture input, so positions stay as written.

use super::{Attack, Class, data};
use crate::{
    keys::Key,
    ledger,
    params::Params,
    plutus,
    protocols::{self, AttackHooks, Constructor, TimeRule, Type},
    resolve::native_script_hash,
    scenario::{
        Address, AssetClass, Credential, Datum, Hash28, Input, Mint, OutRef, Output, Scenario,
        Script, Stake, TxOutput, TxSpec, Utxo, Value,
    },
};
use num_bigint::BigInt;
use pallas_primitives::PlutusData;
use std::collections::{BTreeMap, BTreeSet};
use uplc::ast::Data;

/// The attacker's key name.
pub const ATTACKER: &str = "mallory";

/// Words in a script rule's summary that mean the protocol depends on time.
const TIME_WORDS: &[&str] = &["validity", "deadline", "expir", "slot", "posix", "interval"];

/// The attacks of one scenario, and why classes that produced none do not apply.
#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    /// Every attack, in a fixed order.
    pub attacks: Vec<Attack>,
    /// Classes that cannot apply to this scenario, with the reason.
    pub not_applicable: BTreeMap<Class, String>,
}

/// Derives every attack of every class from `scenario`; `honest_size` is the size in bytes of its
/// honest transaction (datum bloat fills what is left of the maximum transaction size).
pub fn generate(scenario: &Scenario, params: &Params, honest_size: u64) -> Catalogue {
    let hooks = protocols::find(&scenario.protocol).map_or(&AttackHooks::NONE, |p| &p.attack);
    generate_with(scenario, params, honest_size, hooks)
}

/// [`generate`] with the protocol's attack hooks given.
pub fn generate_with(
    scenario: &Scenario,
    params: &Params,
    honest_size: u64,
    hooks: &AttackHooks,
) -> Catalogue {
    let ctx = Ctx::new(scenario, params, honest_size, hooks);
    let mut catalogue = Catalogue::default();
    for class in Class::ALL {
        let outcome = match class {
            Class::DoubleSatisfaction => ctx.double_satisfaction(),
            Class::Redirect => ctx.redirect(),
            Class::ValueTheft => ctx.value_theft(),
            Class::TokenDust => ctx.token_dust(),
            Class::DatumTampering => ctx.datum_tampering(),
            Class::DatumBloat => ctx.datum_bloat(),
            Class::BeaconTheft => ctx.beacon_theft(),
            Class::MissingAuthorisation => ctx.missing_authorisation(),
            Class::OtherRedeemer => ctx.other_redeemer(),
            Class::ValidityRange => ctx.validity_range(),
            Class::PairingConfusion => ctx.pairing_confusion(),
            Class::UnauthorisedStake => ctx.unauthorised_stake(),
        };
        match outcome {
            Ok(list) => catalogue
                .attacks
                .extend(list.into_iter().map(|(description, tx)| Attack {
                    class,
                    description,
                    tx,
                })),
            Err(reason) => {
                catalogue.not_applicable.insert(class, reason);
            }
        }
    }
    catalogue
}

/// Why value theft protects an output, and so how much of it is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kept {
    /// A continuing protocol output: all of it, less the filler's surplus
    /// ([`AttackHooks::surplus`]).
    Continuing,
    /// A payment owed to another party: what it owes ([`AttackHooks::owed_amount`]), else all.
    Owed,
    /// A created protocol output that secures another party (a loan's collateral): only what
    /// its protocol says it must keep ([`AttackHooks::owed_amount`]).
    Secured,
}

/// The attacks of one class (description, attacked transaction), or why the class does not apply.
type Outcome = Result<Vec<(String, TxSpec)>, String>;

struct Ctx<'a> {
    scenario: &'a Scenario,
    tx: &'a TxSpec,
    params: &'a Params,
    honest_size: u64,
    /// Protocol scripts of the deployment, by hash: their name.
    protocol_scripts: BTreeMap<Hash28, String>,
    /// Beacon policies among them.
    beacon_policies: BTreeSet<Hash28>,
    /// Whether the scenario's protocol has beacon policies.
    protocol_has_beacons: bool,
    /// What the scenario's protocol tells the engine.
    hooks: &'a AttackHooks,
}

impl<'a> Ctx<'a> {
    fn new(
        scenario: &'a Scenario,
        params: &'a Params,
        honest_size: u64,
        hooks: &'a AttackHooks,
    ) -> Ctx<'a> {
        let mut protocol_scripts = BTreeMap::new();
        let mut beacon_policies = BTreeSet::new();
        for (hash, script) in &scenario.tx.scripts {
            if let Script::PlutusV3 { name, .. } = script
                && let Some(info) = protocols::script(name)
            {
                protocol_scripts.insert(*hash, name.clone());
                if info.beacon_variant.is_some() {
                    beacon_policies.insert(*hash);
                }
            }
        }
        let protocol_has_beacons = protocols::find(&scenario.protocol)
            .is_some_and(|p| p.scripts.iter().any(|s| s.beacon_variant.is_some()));
        Ctx {
            hooks,
            protocol_has_beacons,
            scenario,
            tx: &scenario.tx,
            params,
            honest_size,
            protocol_scripts,
            beacon_policies,
        }
    }

    // ## Who is who

    fn is_protocol_address(&self, address: &Address) -> bool {
        matches!(address.payment, Credential::Script(h) if self.protocol_scripts.contains_key(&h))
    }

    fn is_beacon(&self, asset: &AssetClass) -> bool {
        <[u8; 28]>::try_from(asset.0.as_slice()).is_ok_and(|p| self.beacon_policies.contains(&p))
    }

    /// A protocol output holds a beacon; for a protocol without beacons, it sits at one of the
    /// protocol's scripts. (A beacon-less UTxO at a beacon protocol's address is a stray that no
    /// rule protects: a gift its sender may shape as they like. A bearer token, a Key NFT, away
    /// from the protocol's scripts is value its holder sends anywhere, not a beacon.)
    fn is_protocol_output(&self, output: &Output) -> bool {
        let at_script = self.is_protocol_address(&output.address);
        let holds_beacon = output
            .value
            .assets
            .keys()
            .any(|a| self.is_beacon(a) && (at_script || !(self.hooks.bearer)(a, output)));
        if self.protocol_has_beacons {
            holds_beacon
        } else {
            holds_beacon || at_script
        }
    }

    /// Whether the owner of the UTxO `output` approves this transaction (spec OwnerApproval):
    /// the protocol's owner credential of it ([`AttackHooks::owner`], a loans Offer's lender),
    /// else its address's stake part.
    fn approved(&self, output: &Output) -> bool {
        let stake = (self.hooks.owner)(output).map_or(output.address.stake, Stake::Inline);
        match stake {
            Stake::None => true,
            Stake::Inline(Credential::Key(h)) => self
                .tx
                .required_signers
                .iter()
                .any(|n| *Key::named(n).hash == h),
            Stake::Inline(Credential::Script(h)) => self
                .tx
                .withdrawals
                .iter()
                .any(|w| w.credential == Credential::Script(h)),
            Stake::Pointer(..) => false,
        }
    }

    /// Indexes of protocol inputs spent without their owner's approval.
    fn victims(&self) -> Vec<usize> {
        (0..self.tx.inputs.len())
            .filter(|&i| {
                let output = &self.tx.inputs[i].utxo.output;
                self.is_protocol_address(&output.address) && !self.approved(output)
            })
            .collect()
    }

    /// [`Self::protocol_outputs`], or why a class that attacks them does not apply.
    fn protocol_outputs_or_none(&self) -> Result<Vec<(usize, bool)>, String> {
        let outputs = self.protocol_outputs();
        if outputs.is_empty() {
            return Err("the transaction creates no protocol output".into());
        }
        Ok(outputs)
    }

    /// Indexes of protocol outputs, each with whether it is a continuing output.
    fn protocol_outputs(&self) -> Vec<(usize, bool)> {
        let victims: Vec<Input> = self
            .victims()
            .iter()
            .map(|&i| self.tx.inputs[i].clone())
            .collect();
        self.tx
            .outputs
            .iter()
            .enumerate()
            .filter(|(_, o)| !o.change && self.is_protocol_output(&o.output))
            .map(|(i, o)| {
                let open = (self.hooks_of(&o.output).open)(&o.output, &victims);
                let at_victim = victims
                    .iter()
                    .any(|v| v.utxo.output.address == o.output.address);
                (i, !open && at_victim)
            })
            .collect()
    }

    /// The hooks of the protocol an output belongs to (its script's or beacon's), else the
    /// scenario's.
    fn hooks_of(&self, output: &Output) -> &AttackHooks {
        self.protocol_of(output).map_or(self.hooks, |p| &p.attack)
    }

    /// Indexes of the outputs the protocol owes another party (see [`AttackHooks::owed`]).
    fn owed_outputs(&self) -> Vec<usize> {
        let owed = |o: &TxOutput| !o.change && (self.hooks.owed)(&o.output);
        (0..self.tx.outputs.len())
            .filter(|&i| {
                owed(&self.tx.outputs[i]) && !self.is_protocol_output(&self.tx.outputs[i].output)
            })
            .collect()
    }

    fn label(&self, index: usize, continuing: bool) -> String {
        let kind = if continuing { "continuing" } else { "created" };
        format!("{kind} protocol output #{index}")
    }

    /// The name of the Plutus script a credential runs, if it is a deployment script.
    fn script_name(&self, hash: &Hash28) -> Option<&str> {
        match self.tx.scripts.get(hash) {
            Some(Script::PlutusV3 { name, .. }) => Some(name),
            _ => None,
        }
    }

    /// The redeemer constructors of the deployment script `hash`.
    fn redeemer_table(&self, hash: &Hash28) -> Option<(&str, &'static [Constructor])> {
        let name = self.script_name(hash)?;
        protocols::script(name).map(|info| (name, info.redeemers))
    }

    /// The typed constructor a redeemer of script `hash` is written with.
    fn constructor_of(&self, hash: &Hash28, redeemer: &PlutusData) -> Option<&'static Constructor> {
        let (_, table) = self.redeemer_table(hash)?;
        let (index, fields) = plutus::as_constr(redeemer)?;
        table
            .iter()
            .find(|c| c.index == index && c.fields.len() == fields.len())
    }

    /// Whether any spend redeemer names an input by its position.
    fn uses_input_positions(&self) -> bool {
        self.any_spend_field(|f| matches!(f.kind, Type::InputIndex))
    }

    /// Whether any spend redeemer names an output by its position; owner redeemers that name
    /// only their own input do not.
    fn uses_output_positions(&self) -> bool {
        self.any_spend_field(|f| matches!(f.kind, Type::OutputIndex))
    }

    fn any_spend_field(&self, wanted: impl Fn(&protocols::Field) -> bool) -> bool {
        self.tx.inputs.iter().any(|input| {
            let (Credential::Script(hash), Some(r)) =
                (input.utxo.output.address.payment, &input.redeemer)
            else {
                return false;
            };
            self.constructor_of(&hash, r)
                .is_some_and(|c| c.fields.iter().any(&wanted))
        })
    }

    /// The field kinds of a protocol datum, when it is one of the protocols' typed datums.
    fn datum_kinds(&self, datum: &PlutusData) -> Option<Vec<Type>> {
        let (index, fields) = plutus::as_constr(datum)?;
        protocols::all()
            .iter()
            .flat_map(|p| p.datums)
            .find(|d| d.constructor.index == index && d.constructor.fields.len() == fields.len())
            .map(|d| d.constructor.fields.iter().map(|f| f.kind).collect())
    }

    // ## Building blocks

    /// A copy of the transaction with the attacker's key known and a change output for them.
    fn base(&self) -> (TxSpec, usize) {
        let mut tx = self.tx.clone();
        tx.keys.insert(attacker_hash(), ATTACKER.to_string());
        let change = match tx.outputs.iter().position(|o| o.change) {
            Some(ix) => ix,
            None => {
                tx.outputs.push(TxOutput {
                    output: key_output(attacker_hash(), Value::default()),
                    change: true,
                });
                tx.outputs.len() - 1
            }
        };
        (tx, change)
    }

    /// Adds an input of the attacker's holding `value`, sorted after every fixture input.
    fn attacker_input(&self, tx: &mut TxSpec, value: Value) {
        let n = tx.inputs.len() as u64;
        tx.inputs.push(Input {
            utxo: Utxo {
                name: format!("{ATTACKER}_funds_{n}"),
                out_ref: OutRef {
                    tx_id: [0xff; 32],
                    index: n,
                },
                output: key_output(attacker_hash(), value),
            },
            redeemer: None,
        });
    }

    fn min_lovelace(&self, output: &Output) -> u64 {
        ledger::deposit(output, self.params)
    }

    /// Tops an output up to its minimum lovelace from an attacker input.
    fn top_up(&self, tx: &mut TxSpec, out: usize) {
        let need = self.min_lovelace(&tx.outputs[out].output);
        let have = tx.outputs[out].output.value.lovelace;
        if need > have {
            tx.outputs[out].output.value.lovelace = need;
            self.attacker_input(tx, lovelace(need - have));
        }
    }

    // ## Classes

    fn double_satisfaction(&self) -> Outcome {
        let victims = self.victims();
        if victims.is_empty() {
            return Err("no protocol input is spent without its owner's approval".into());
        }
        let mut out = Vec::new();
        for &v in &victims {
            let input = &self.tx.inputs[v];
            let name = &input.utxo.name;
            let (tx, _) = self.base();
            let mut twin = input.clone();
            twin.utxo.name = format!("{name}_twin");
            twin.utxo.out_ref = OutRef {
                tx_id: [0xfe; 32],
                index: v as u64,
            };
            let mut same = tx.clone();
            same.inputs.push(twin.clone());
            out.push((
                format!("a twin of {name} (same address, datum and value) is spent with the same redeemer; no output is added for it"),
                same,
            ));
            // The same, with any input position in the redeemer pointing at the twin itself.
            if let (Credential::Script(hash), Some(redeemer)) =
                (input.utxo.output.address.payment, &input.redeemer)
                && let Some(c) = self.constructor_of(&hash, redeemer)
                && c.fields.iter().any(|f| f.kind == Type::InputIndex)
            {
                let mut fixed = tx.clone();
                fixed.inputs.push(twin.clone());
                let position = sorted_position(&fixed, fixed.inputs.len() - 1);
                let (index, fields) = plutus::as_constr(redeemer).unwrap_or((0, &[]));
                let fields = fields
                    .iter()
                    .zip(c.fields)
                    .map(|(d, f)| match f.kind {
                        Type::InputIndex => Data::integer(BigInt::from(position)),
                        _ => d.clone(),
                    })
                    .collect();
                if let Some(last) = fixed.inputs.last_mut() {
                    last.redeemer = Some(Data::constr(index, fields));
                }
                out.push((
                    format!("a twin of {name} (same address, datum and value) is spent with the same redeemer naming the twin's own position {position}; no output is added for it"),
                    fixed,
                ));
            }
        }
        // One continuing output left to serve two spent swaps at the same address.
        let outputs = self.protocol_outputs();
        for &(i, continuing) in &outputs {
            let address = self.tx.outputs[i].output.address;
            let shared = outputs
                .iter()
                .any(|&(j, c)| j != i && c && self.tx.outputs[j].output.address == address);
            if continuing && shared {
                let (mut tx, _) = self.base();
                tx.outputs.remove(i);
                out.push((
                    format!("continuing output #{i} is dropped (its value goes to the attacker), so the other continuing output at the same address must serve both swaps"),
                    tx,
                ));
            }
        }
        Ok(out)
    }

    fn redirect(&self) -> Outcome {
        let owed = self.owed_outputs();
        let outputs = match self.protocol_outputs_or_none() {
            Err(reason) if owed.is_empty() => return Err(reason),
            found => found.unwrap_or_default(),
        };
        let mut out = self.redirect_owed(&owed);
        for &(i, continuing) in &outputs {
            let label = self.label(i, continuing);
            let original = self.tx.outputs[i].output.address;
            let mut payments = vec![(
                Credential::Key(attacker_hash()),
                format!("{ATTACKER}'s key"),
            )];
            for (hash, name) in &self.protocol_scripts {
                if original.payment != Credential::Script(*hash) {
                    payments.push((Credential::Script(*hash), format!("script {name}")));
                }
            }
            for (payment, what) in payments {
                let (mut tx, _) = self.base();
                tx.outputs[i].output.address.payment = payment;
                out.push((format!("{label}: payment credential → {what}"), tx));
            }
            let mut stakes = vec![(Stake::None, "no stake part".to_string())];
            if continuing {
                stakes.push((
                    Stake::Inline(Credential::Key(attacker_hash())),
                    format!("{ATTACKER}'s key as stake credential"),
                ));
            }
            for (stake, what) in stakes {
                if stake == original.stake {
                    continue;
                }
                let (mut tx, _) = self.base();
                tx.outputs[i].output.address.stake = stake;
                out.push((format!("{label}: stake → {what}"), tx));
            }
        }
        Ok(out)
    }

    /// The owed outputs paid to the attacker instead: payment credential, then stake part.
    fn redirect_owed(&self, owed: &[usize]) -> Vec<(String, TxSpec)> {
        let attacker = Credential::Key(attacker_hash());
        let mut out = Vec::new();
        for &i in owed {
            let original = self.tx.outputs[i].output.address;
            let changes = [
                (
                    Address {
                        payment: attacker,
                        ..original
                    },
                    "payment credential",
                ),
                (
                    Address {
                        stake: Stake::Inline(attacker),
                        ..original
                    },
                    "stake credential",
                ),
            ];
            for (address, what) in changes.into_iter().filter(|(a, _)| *a != original) {
                let (mut tx, _) = self.base();
                tx.outputs[i].output.address = address;
                out.push((format!("owed output #{i}: {what} → {ATTACKER}'s key"), tx));
            }
        }
        out
    }

    fn value_theft(&self) -> Outcome {
        let continuing = self
            .protocol_outputs()
            .into_iter()
            .filter(|(_, c)| *c)
            .map(|(i, _)| (i, Kept::Continuing));
        let owed = self.owed_outputs().into_iter().map(|i| (i, Kept::Owed));
        let secured = self
            .protocol_outputs()
            .into_iter()
            .filter(|&(i, c)| !c && self.secures(i))
            .map(|(i, _)| (i, Kept::Secured));
        let outputs: Vec<(usize, Kept)> = continuing.chain(owed).chain(secured).collect();
        if outputs.is_empty() {
            return Err("no continuing protocol output, no output owed to another party and no created output securing one (every protocol input, if any, is spent with its owner's approval; created outputs hold what their creator chooses)".into());
        }
        let mut out = Vec::new();
        for (i, kept) in outputs {
            let label = match kept {
                Kept::Continuing => self.label(i, true),
                Kept::Owed => format!("owed output #{i}"),
                Kept::Secured => format!("{} (securing another party)", self.label(i, false)),
            };
            let output = &self.tx.outputs[i].output;
            let mut assets: Vec<(AssetClass, u64)> =
                vec![((vec![], vec![]), output.value.lovelace)];
            // Beacons are the beacon-theft class's; bearer tokens are value.
            let valuable = |a: &AssetClass| !self.is_beacon(a) || (self.hooks.bearer)(a, output);
            assets.extend(
                output
                    .value
                    .assets
                    .iter()
                    .filter(|(a, _)| valuable(a))
                    .map(|(a, q)| (a.clone(), *q)),
            );
            for (asset, held) in assets {
                let surplus = match kept {
                    Kept::Continuing => self.surplus(i, &asset),
                    Kept::Owed => self.owed_surplus(i, &asset, held),
                    // What the protocol does not say the output must keep is its creator's.
                    Kept::Secured => match self.secured_amount(i, &asset) {
                        Some(owed) => held.saturating_sub(owed),
                        None => continue,
                    },
                };
                let all = if asset.0.is_empty() {
                    held.saturating_sub(self.min_lovelace(output))
                } else {
                    held
                };
                let mut takes = vec![surplus + 1];
                if all > surplus + 1 {
                    takes.push(all);
                }
                for take in takes {
                    if take > held {
                        continue;
                    }
                    let (mut tx, _) = self.base();
                    if asset.0.is_empty() {
                        tx.outputs[i].output.value.lovelace -= take;
                    } else {
                        take_asset(&mut tx.outputs[i].output.value, &asset, take);
                    }
                    let mut what = format!("{take} of {}", asset_text(&asset));
                    if take == all {
                        what.push_str(if asset.0.is_empty() {
                            " (down to the ledger minimum)"
                        } else {
                            " (all of it)"
                        });
                    } else if surplus > 0 {
                        what.push_str(&format!(
                            " (1 beyond the {surplus} the honest transaction leaves over what is owed)"
                        ));
                    }
                    out.push((format!("{label}: {what} taken to the attacker"), tx));
                }
            }
        }
        Ok(out)
    }

    /// How much of `asset` the honest transaction leaves in continuing output `i` beyond what the
    /// protocol owes its owner (the filler's own gift: rounding in the owner's favour, a top-up, a
    /// deposit), as the protocol reckons it; 0 when it cannot tell, so that the first unit taken
    /// is an attack.
    fn surplus(&self, i: usize, asset: &AssetClass) -> u64 {
        let output = &self.tx.outputs[i].output;
        let (Datum::Inline(datum) | Datum::Hash(datum)) = &output.datum else {
            return 0;
        };
        let hooks = self.hooks;
        let victims = self.victims();
        let inputs = || victims.iter().map(|&v| &self.tx.inputs[v]);
        let input = inputs()
            .find(|i| (hooks.continues)(datum, &i.utxo.out_ref))
            .or_else(|| inputs().find(|i| i.utxo.output.address == output.address));
        let Some(input) = input else { return 0 };
        let redeemer = match (input.utxo.output.address.payment, &input.redeemer) {
            (Credential::Script(hash), Some(r)) => self.constructor_of(&hash, r).map(|c| c.name),
            _ => None,
        };
        (hooks.surplus)(&protocols::Surplus {
            datum,
            redeemer,
            input: &input.utxo.output.value,
            output: &output.value,
            asset,
        })
    }

    /// What created protocol output `i` must keep of `asset` for another party (a new loan's
    /// collateral, the lender's security), asked of the output's protocol
    /// ([`AttackHooks::owed_amount`]); `None` when it owes nothing of it to anyone.
    fn secured_amount(&self, i: usize, asset: &AssetClass) -> Option<u64> {
        let output = &self.tx.outputs[i].output;
        (self.hooks_of(output).owed_amount)(output, asset, &self.tx.inputs)
    }

    /// Whether created protocol output `i` secures another party: its protocol names an amount
    /// of lovelace or of one of its assets that it must keep.
    fn secures(&self, i: usize) -> bool {
        let value = &self.tx.outputs[i].output.value;
        std::iter::once((vec![], vec![]))
            .chain(value.assets.keys().cloned())
            .any(|a| self.secured_amount(i, &a).is_some())
    }

    /// How much of `asset` owed output `i` holds beyond what it owes
    /// ([`AttackHooks::owed_amount`]); 0 when the protocol cannot tell, so all of it is owed.
    fn owed_surplus(&self, i: usize, asset: &AssetClass, held: u64) -> u64 {
        (self.hooks.owed_amount)(&self.tx.outputs[i].output, asset, &self.tx.inputs)
            .map_or(0, |owed| held.saturating_sub(owed))
    }

    fn token_dust(&self) -> Outcome {
        let outputs = self.protocol_outputs_or_none()?;
        let mut out = Vec::new();
        for &(i, continuing) in &outputs {
            let output = &self.tx.outputs[i].output;
            // What its creator may add to an output that may hold anything is theirs to add.
            if !continuing && (self.hooks_of(output).holds_any)(output, &self.tx.inputs) {
                continue;
            }
            let label = self.label(i, continuing);
            let mut variants: Vec<(String, Vec<(AssetClass, u64)>)> = vec![
                (
                    "1 junk token".into(),
                    vec![((ledger::junk_policy(0).to_vec(), b"junk".to_vec()), 1)],
                ),
                (
                    "junk tokens of 3 policies".into(),
                    (0..3)
                        .map(|p| {
                            (
                                (ledger::junk_policy(p).to_vec(), b"junk".to_vec()),
                                1_000_000,
                            )
                        })
                        .collect(),
                ),
            ];
            let policies: BTreeSet<&Vec<u8>> = self.tx.outputs[i]
                .output
                .value
                .assets
                .keys()
                .filter(|a| !self.is_beacon(a))
                .map(|a| &a.0)
                .collect();
            for policy in policies {
                variants.push((
                    format!(
                        "a junk name under policy {} (a pair asset's)",
                        data::short_hex(policy)
                    ),
                    vec![((policy.clone(), b"junk".to_vec()), 1)],
                ));
            }
            let dust = ledger::dust(&self.tx.outputs[i].output, self.params, 0);
            if !dust.is_empty() {
                variants.push((
                    format!(
                        "{} junk names of 32 bytes (up to the maximum value size)",
                        dust.len()
                    ),
                    dust.into_iter().map(|a| (a, 1)).collect(),
                ));
            }
            for (what, junk) in variants {
                let (mut tx, _) = self.base();
                let mut supply = lovelace(5_000_000);
                for (asset, qty) in &junk {
                    *tx.outputs[i]
                        .output
                        .value
                        .assets
                        .entry(asset.clone())
                        .or_default() += qty;
                    *supply.assets.entry(asset.clone()).or_default() += qty;
                }
                self.attacker_input(&mut tx, supply);
                self.top_up(&mut tx, i);
                out.push((format!("{label}: {what} added"), tx));
            }
        }
        Ok(out)
    }

    fn datum_tampering(&self) -> Outcome {
        let outputs: Vec<(usize, bool)> = self
            .protocol_outputs()
            .into_iter()
            .filter(|&(i, _)| self.tx.outputs[i].output.datum != Datum::None)
            .collect();
        if outputs.is_empty() {
            return Err("no protocol output carries a datum".into());
        }
        let mut out = Vec::new();
        for (i, continuing) in outputs {
            let label = self.label(i, continuing);
            let (Datum::Inline(datum) | Datum::Hash(datum)) = &self.tx.outputs[i].output.datum
            else {
                continue;
            };
            let set = |d: Datum| {
                let (mut tx, _) = self.base();
                tx.outputs[i].output.datum = d;
                tx
            };
            out.push((format!("{label}: datum removed"), set(Datum::None)));
            if matches!(self.tx.outputs[i].output.datum, Datum::Inline(_)) {
                out.push((
                    format!("{label}: datum given as a hash instead of inline"),
                    set(Datum::Hash(datum.clone())),
                ));
            }
            let Some((index, fields)) = plutus::as_constr(datum) else {
                for m in data::mutations(datum, 3) {
                    out.push((
                        format!("{label}: datum{} {}", m.path, m.change),
                        set(Datum::Inline(m.data)),
                    ));
                }
                continue;
            };
            out.push((
                format!("{label}: datum constructor {index} → {}", index + 1),
                set(Datum::Inline(Data::constr(index + 1, fields.to_vec()))),
            ));
            if let Some((_, init)) = fields.split_last() {
                out.push((
                    format!("{label}: datum's last field dropped"),
                    set(Datum::Inline(Data::constr(index, init.to_vec()))),
                ));
            }
            let mut longer = fields.to_vec();
            longer.push(Data::integer(BigInt::from(0)));
            out.push((
                format!("{label}: datum given an extra field"),
                set(Datum::Inline(Data::constr(index, longer))),
            ));
            let kinds = self.datum_kinds(datum);
            for (f, field) in fields.iter().enumerate() {
                let kind = kinds.as_ref().and_then(|k| k.get(f)).copied();
                for (change, value) in field_mutations(field, kind, continuing) {
                    let mut changed = fields.to_vec();
                    changed[f] = value;
                    out.push((
                        format!("{label}: datum field {f}{} {change}", kind_text(kind)),
                        set(Datum::Inline(Data::constr(index, changed))),
                    ));
                }
            }
        }
        Ok(out)
    }

    fn datum_bloat(&self) -> Outcome {
        let outputs: Vec<(usize, bool)> = self
            .protocol_outputs()
            .into_iter()
            .filter(|&(i, _)| self.tx.outputs[i].output.datum != Datum::None)
            .collect();
        if outputs.is_empty() {
            return Err("no protocol output carries a datum".into());
        }
        let room = self.params.max_tx_size.saturating_sub(self.honest_size);
        let bloat = (room / 2).clamp(256, 8192) as usize;
        let mut out = Vec::new();
        for (i, continuing) in outputs {
            let label = self.label(i, continuing);
            let (Datum::Inline(datum) | Datum::Hash(datum)) = &self.tx.outputs[i].output.datum
            else {
                continue;
            };
            let Some((index, fields)) = plutus::as_constr(datum) else {
                continue;
            };
            let chunks: Vec<PlutusData> = (0..bloat / 64)
                .map(|k| Data::bytestring(vec![k as u8; 64]))
                .collect();
            let mut longer = fields.to_vec();
            longer.push(Data::list(chunks));
            let mut variants = vec![(
                format!("an extra field of {} bytes appended", bloat / 64 * 64),
                Data::constr(index, longer),
            )];
            if let Some(f) = fields
                .iter()
                .position(|d| matches!(d, PlutusData::BoundedBytes(_)))
                && let PlutusData::BoundedBytes(bytes) = &fields[f]
            {
                let mut grown = bytes.to_vec();
                grown.resize(bloat, 0);
                let mut changed = fields.to_vec();
                changed[f] = Data::bytestring(grown);
                variants.push((
                    format!("bytes field {f} padded to {bloat} bytes"),
                    Data::constr(index, changed),
                ));
            }
            for (what, d) in variants {
                let (mut tx, _) = self.base();
                tx.outputs[i].output.datum = Datum::Inline(d);
                self.top_up(&mut tx, i);
                out.push((format!("{label}: datum bloated: {what}"), tx));
            }
        }
        Ok(out)
    }

    fn beacon_theft(&self) -> Outcome {
        if self.beacon_policies.is_empty() {
            return Err("the protocol has no beacon policy".into());
        }
        let mut out = Vec::new();
        let outputs = self.protocol_outputs();
        // Moved to the attacker, or missing (never minted, or burned).
        for &(i, continuing) in &outputs {
            let label = self.label(i, continuing);
            let beacons: Vec<AssetClass> = self.tx.outputs[i]
                .output
                .value
                .assets
                .keys()
                .filter(|a| self.is_beacon(a))
                .cloned()
                .collect();
            for beacon in &beacons {
                let (mut tx, _) = self.base();
                take_asset(&mut tx.outputs[i].output.value, beacon, 1);
                out.push((
                    format!(
                        "{label}: beacon {} moved to the attacker",
                        asset_text(beacon)
                    ),
                    tx,
                ));
                let (mut tx, _) = self.base();
                take_asset(&mut tx.outputs[i].output.value, beacon, 1);
                let minted = mint_quantity(&tx, beacon);
                if minted > 0 {
                    add_mint(&mut tx, beacon, -1, None);
                    out.push((
                        format!(
                            "{label}: beacon {} missing (minted one fewer)",
                            asset_text(beacon)
                        ),
                        tx,
                    ));
                } else if let Some(redeemer) = self.first_redeemer(beacon) {
                    add_mint(&mut tx, beacon, -1, Some(redeemer));
                    out.push((
                        format!("{label}: beacon {} missing (burned)", asset_text(beacon)),
                        tx,
                    ));
                }
            }
        }
        // Forged: one more of a beacon the transaction holds or mints, or a new name.
        let mut known: BTreeSet<AssetClass> = BTreeSet::new();
        for m in &self.tx.mint {
            for (name, qty) in &m.assets {
                if self.beacon_policies.contains(&m.policy) && *qty > 0 {
                    known.insert((m.policy.to_vec(), name.clone()));
                }
            }
        }
        for input in &self.tx.inputs {
            for asset in input.utxo.output.value.assets.keys() {
                if self.is_beacon(asset) {
                    known.insert(asset.clone());
                }
            }
        }
        let mut policies: BTreeSet<Vec<u8>> = known.iter().map(|a| a.0.clone()).collect();
        if policies.is_empty() {
            policies.extend(self.beacon_policies.iter().map(|p| p.to_vec()));
        }
        // Minting back a bearer token its holder burns (a lone Key NFT) only undoes the burn:
        // the token stays its holder's, no beacon is forged.
        let bearer_burned = |beacon: &AssetClass| {
            mint_quantity(self.tx, beacon) < 0
                && self
                    .tx
                    .inputs
                    .iter()
                    .filter(|i| i.utxo.output.value.assets.contains_key(beacon))
                    .all(|i| (self.hooks.bearer)(beacon, &i.utxo.output))
        };
        for beacon in known.iter().filter(|b| !bearer_burned(b)).take(3) {
            let redeemer = self.mint_redeemer(beacon);
            let (mut tx, _) = self.base();
            add_mint(&mut tx, beacon, 1, redeemer.clone());
            out.push((
                format!(
                    "one more beacon {} minted to the attacker",
                    asset_text(beacon)
                ),
                tx,
            ));
            if let Some(&(i, continuing)) = outputs
                .iter()
                .find(|(i, _)| self.tx.outputs[*i].output.value.assets.contains_key(beacon))
            {
                let (mut tx, _) = self.base();
                add_mint(&mut tx, beacon, 1, redeemer);
                *tx.outputs[i]
                    .output
                    .value
                    .assets
                    .entry(beacon.clone())
                    .or_default() += 1;
                out.push((
                    format!(
                        "one more beacon {} minted into {}",
                        asset_text(beacon),
                        self.label(i, continuing)
                    ),
                    tx,
                ));
            }
        }
        for policy in policies {
            let beacon = (policy, b"forged beacon".to_vec());
            let redeemer = self.mint_redeemer(&beacon);
            let (mut tx, _) = self.base();
            add_mint(&mut tx, &beacon, 1, redeemer);
            out.push((
                format!(
                    "a beacon of a new name {} minted to the attacker",
                    asset_text(&beacon)
                ),
                tx,
            ));
        }
        Ok(out)
    }

    /// The redeemer a new mint entry of the beacon's policy gets: the transaction's own, else
    /// the policy's first constructor.
    fn mint_redeemer(&self, beacon: &AssetClass) -> Option<PlutusData> {
        self.tx
            .mint
            .iter()
            .find(|m| m.policy.as_slice() == beacon.0.as_slice())
            .and_then(|m| m.redeemer.clone())
            .or_else(|| self.first_redeemer(beacon))
    }

    fn first_redeemer(&self, beacon: &AssetClass) -> Option<PlutusData> {
        let policy = <[u8; 28]>::try_from(beacon.0.as_slice()).ok()?;
        let (_, table) = self.redeemer_table(&policy)?;
        let c = table.first()?;
        Some(Data::constr(c.index, vec![]))
    }

    fn missing_authorisation(&self) -> Outcome {
        let owners: BTreeSet<Credential> = self
            .tx
            .inputs
            .iter()
            .filter(|i| self.is_protocol_address(&i.utxo.output.address))
            .filter_map(|i| match i.utxo.output.address.stake {
                Stake::Inline(c) => Some(c),
                _ => None,
            })
            .collect();
        let mut out = Vec::new();
        for (s, name) in self.tx.required_signers.iter().enumerate() {
            // Other signers sign for their own reasons (a native policy, their own inputs).
            if !owners.contains(&Credential::Key(*Key::named(name).hash)) {
                continue;
            }
            let whose = "the owner";
            let (mut tx, _) = self.base();
            tx.required_signers.remove(s);
            out.push((
                format!("required signer {name} ({whose}) removed"),
                tx.clone(),
            ));
            if !tx.required_signers.iter().any(|n| n == ATTACKER) {
                tx.required_signers.push(ATTACKER.into());
                out.push((
                    format!("required signer {name} ({whose}) replaced by {ATTACKER}"),
                    tx,
                ));
            }
        }
        for (w, withdrawal) in self.tx.withdrawals.iter().enumerate() {
            let owner = owners.contains(&withdrawal.credential);
            let protocol = matches!(withdrawal.credential, Credential::Script(h) if self.protocol_scripts.contains_key(&h));
            // A staking execution guards only what the transaction spends or mints.
            let guards = self
                .tx
                .inputs
                .iter()
                .any(|i| self.is_protocol_address(&i.utxo.output.address))
                || !self.tx.mint.is_empty();
            if !(owner || protocol && guards) {
                continue;
            }
            let (mut tx, _) = self.base();
            tx.withdrawals.remove(w);
            let what = if owner {
                "the owner's approval"
            } else {
                "a protocol script's staking execution"
            };
            out.push((
                format!(
                    "withdrawal from {} ({what}) removed",
                    self.credential_text(withdrawal.credential)
                ),
                tx,
            ));
        }
        if out.is_empty() {
            return Err(
                "no protocol input's owner signs or withdraws, and no protocol script runs by withdrawal".into(),
            );
        }
        Ok(out)
    }

    fn credential_text(&self, credential: Credential) -> String {
        match credential {
            Credential::Key(h) => match self.tx.keys.get(&h) {
                Some(name) => format!("key {name}"),
                None => format!("key {}", data::short_hex(&h)),
            },
            Credential::Script(h) => match self.tx.scripts.get(&h) {
                Some(Script::PlutusV3 { name, .. }) => format!("script {name}"),
                Some(Script::Signature { key }) => format!("native script of {key}"),
                None => format!("script {}", data::short_hex(&h)),
            },
        }
    }

    fn other_redeemer(&self) -> Outcome {
        let mut out = Vec::new();
        // Spent inputs.
        for (i, input) in self.tx.inputs.iter().enumerate() {
            let (Credential::Script(hash), Some(redeemer)) =
                (input.utxo.output.address.payment, &input.redeemer)
            else {
                continue;
            };
            let what = format!("input {}", input.utxo.name);
            for (change, data) in self.other_constructors(&hash, redeemer, i) {
                let (mut tx, _) = self.base();
                tx.inputs[i].redeemer = Some(data);
                out.push((format!("{what}: redeemer {change}"), tx));
            }
        }
        for (m, mint) in self.tx.mint.iter().enumerate() {
            let Some(redeemer) = &mint.redeemer else {
                continue;
            };
            let what = format!(
                "mint of {}",
                self.credential_text(Credential::Script(mint.policy))
            );
            for (change, data) in self.other_constructors(&mint.policy, redeemer, usize::MAX) {
                let (mut tx, _) = self.base();
                tx.mint[m].redeemer = Some(data);
                out.push((format!("{what}: redeemer {change}"), tx));
            }
        }
        for (w, withdrawal) in self.tx.withdrawals.iter().enumerate() {
            let (Credential::Script(hash), Some(redeemer)) =
                (withdrawal.credential, &withdrawal.redeemer)
            else {
                continue;
            };
            let what = format!(
                "withdrawal of {}",
                self.credential_text(withdrawal.credential)
            );
            for (change, data) in self.other_constructors(&hash, redeemer, usize::MAX) {
                let (mut tx, _) = self.base();
                tx.withdrawals[w].redeemer = Some(data);
                out.push((format!("{what}: redeemer {change}"), tx));
            }
        }
        if out.is_empty() {
            return Err("no deployment script with typed redeemers runs".into());
        }
        Ok(out)
    }

    /// Every other constructor of the script's redeemer type (fields filled in as an honest user
    /// would: positions of the input itself and of its first output at the same address), and
    /// one constructor index beyond the type.
    fn other_constructors(
        &self,
        hash: &Hash28,
        redeemer: &PlutusData,
        input: usize,
    ) -> Vec<(String, PlutusData)> {
        let Some((script, table)) = self.redeemer_table(hash) else {
            return vec![];
        };
        // A script without typed redeemers takes any Data and ignores it (the proxy): it has no
        // other redeemer to try.
        if table.is_empty() {
            return vec![];
        }
        let current = self.constructor_of(hash, redeemer);
        let owner_approves =
            input != usize::MAX && self.approved(&self.tx.inputs[input].utxo.output);
        let takes_nothing = input != usize::MAX && self.takes_nothing(input);
        let group: Vec<&str> = match current {
            Some(c) => self
                .hooks
                .equivalents(script, c.name, owner_approves, takes_nothing),
            None => vec![],
        };
        let from = current.map_or("raw".to_string(), |c| c.name.to_string());
        let own_position = (input != usize::MAX).then(|| sorted_position(self.tx, input));
        let own_output = (input != usize::MAX)
            .then(|| {
                let address = self.tx.inputs[input].utxo.output.address;
                self.tx
                    .outputs
                    .iter()
                    .position(|o| o.output.address == address)
            })
            .flatten();
        let mut out = Vec::new();
        for c in table {
            if current.is_some_and(|cur| cur.index == c.index) || group.contains(&c.name) {
                continue;
            }
            let fields = c
                .fields
                .iter()
                .map(|f| match f.kind {
                    Type::InputIndex => {
                        Data::integer(BigInt::from(own_position.unwrap_or_default()))
                    }
                    _ => Data::integer(BigInt::from(own_output.unwrap_or_default())),
                })
                .collect();
            out.push((
                format!("{from} → {}", c.name),
                Data::constr(c.index, fields),
            ));
        }
        let beyond = table.iter().map(|c| c.index + 1).max().unwrap_or_default();
        out.push((
            format!("{from} → constructor {beyond} (not in the type)"),
            Data::constr(beyond, vec![]),
        ));
        out
    }

    /// Whether the spent protocol input `input` has a continuing output (at its address, with
    /// its reference as the datum's last field) holding at least as much of every asset.
    fn takes_nothing(&self, input: usize) -> bool {
        let utxo = &self.tx.inputs[input].utxo;
        let hooks = self.hooks;
        let has = |v: &Value, a: &AssetClass| {
            if a.0.is_empty() {
                v.lovelace
            } else {
                v.assets.get(a).copied().unwrap_or_default()
            }
        };
        self.tx.outputs.iter().any(|o| {
            let (Datum::Inline(d) | Datum::Hash(d)) = &o.output.datum else {
                return false;
            };
            let value = &utxo.output.value;
            o.output.address == utxo.output.address
                && (hooks.continues)(d, &utxo.out_ref)
                && std::iter::once((vec![], vec![]))
                    .chain(value.assets.keys().cloned())
                    .all(|a| has(&o.output.value, &a) >= has(value, &a))
        })
    }

    fn validity_range(&self) -> Outcome {
        let protocol = &self.scenario.protocol;
        let timed = crate::rules::catalogue().iter().any(|r| {
            r.protocol == protocol.as_str()
                && r.kind == crate::rules::Kind::Script
                && TIME_WORDS
                    .iter()
                    .any(|w| r.summary.to_lowercase().contains(w))
        });
        if !timed {
            return Err(format!(
                "no script rule of protocol {protocol} depends on time (validity interval)"
            ));
        }
        let (from, to) = (self.tx.valid_from, self.tx.valid_to);
        if from.is_none() && to.is_none() {
            return Err("the transaction sets no validity interval".into());
        }
        let variants = match self.time_rules() {
            Some(rules) if rules.is_empty() => {
                return Err("no protocol rule bounds the validity interval of this transaction (the protocols' time rules)".into());
            }
            Some(rules) => self.crossing_shifts(&rules),
            None => self.generic_shifts(),
        };
        Ok(variants
            .into_iter()
            .map(|(what, f, t)| {
                let (mut tx, _) = self.base();
                tx.valid_from = f;
                tx.valid_to = t;
                (format!("validity interval {what}"), tx)
            })
            .collect())
    }

    /// The time rules of every spent script input (with its redeemer) and every protocol output,
    /// each asked of the protocol its script or beacon belongs to ([`AttackHooks::time_rules`]);
    /// `None` when one of those protocols does not say.
    fn time_rules(&self) -> Option<Vec<TimeRule>> {
        let mut rules = Vec::new();
        for input in &self.tx.inputs {
            let (Credential::Script(hash), Some(r)) =
                (input.utxo.output.address.payment, &input.redeemer)
            else {
                continue;
            };
            let Some(protocol) = self.script_name(&hash).and_then(protocols::of_script) else {
                continue;
            };
            let redeemer = self.constructor_of(&hash, r).map(|c| c.name);
            rules.extend((protocol.attack.time_rules)(&input.utxo.output, redeemer)?);
        }
        for (i, _) in self.protocol_outputs() {
            let output = &self.tx.outputs[i].output;
            if let Some(protocol) = self.protocol_of(output) {
                rules.extend((protocol.attack.time_rules)(output, None)?);
            }
        }
        Some(rules)
    }

    /// The protocol of an output's payment script, unless that protocol mints no beacons (the
    /// proxy holds other protocols' UTxOs), else of a beacon it holds.
    fn protocol_of(&self, output: &Output) -> Option<&'static protocols::Protocol> {
        let script = |h: &Hash28| self.script_name(h).and_then(protocols::of_script);
        let at = match output.address.payment {
            Credential::Script(h) => {
                script(&h).filter(|p| p.scripts.iter().any(|s| s.beacon_variant.is_some()))
            }
            Credential::Key(_) => None,
        };
        at.or_else(|| {
            output
                .value
                .assets
                .keys()
                .filter_map(|a| <[u8; 28]>::try_from(a.0.as_slice()).ok())
                .find_map(|p| {
                    self.beacon_policies
                        .contains(&p)
                        .then(|| script(&p))
                        .flatten()
                })
        })
    }

    /// For each time rule, the honest interval made to break it: the bound it needs removed, or
    /// moved just across its instant (the other bound kept).
    fn crossing_shifts(&self, rules: &[TimeRule]) -> Vec<(String, Option<u64>, Option<u64>)> {
        let (from, to) = (self.tx.valid_from, self.tx.valid_to);
        let c = &self.params.slot_config;
        let len = i128::from(c.slot_length.max(1));
        // The first slot starting after `t`, and the last starting before it.
        let slot = |n: i128| u64::try_from(i128::from(c.zero_slot) + n).ok();
        let after = |t: i128| slot((t - i128::from(c.zero_time)).div_euclid(len) + 1);
        let before = |t: i128| slot((t - i128::from(c.zero_time) - 1).div_euclid(len));
        let mut out: Vec<(String, Option<u64>, Option<u64>)> = Vec::new();
        for rule in rules {
            let (what, variants) = match *rule {
                TimeRule::NotAfter(t) => (
                    format!("upper bound (a rule needs it at or before {t})"),
                    [(" removed", from, None), (" moved past it", from, after(t))],
                ),
                TimeRule::NotBefore(t) => (
                    format!("lower bound (a rule needs it at or after {t})"),
                    [(" removed", None, to), (" moved before it", before(t), to)],
                ),
            };
            for (change, f, t) in variants {
                let moved = (f, t) != (from, to);
                let valid = f.is_none_or(|f| f >= c.zero_slot) && t.is_none_or(|t| t > c.zero_slot);
                if moved && valid && !out.iter().any(|(_, a, b)| (*a, *b) == (f, t)) {
                    out.push((format!("{what}{change}"), f, t));
                }
            }
        }
        out
    }

    /// Shifts tried when the protocols do not list their time rules: removed bounds, widened, and
    /// moved by its length either way, leaving out any interval inside the honest one.
    fn generic_shifts(&self) -> Vec<(String, Option<u64>, Option<u64>)> {
        let (from, to) = (self.tx.valid_from, self.tx.valid_to);
        let start = self.params.slot_config.zero_slot;
        let span = match (from, to) {
            (Some(f), Some(t)) => t.saturating_sub(f).max(1),
            _ => 3600,
        };
        let mut variants: Vec<(String, Option<u64>, Option<u64>)> = vec![
            ("lower bound removed".into(), None, to),
            ("upper bound removed".into(), from, None),
            (
                "widened on both sides".into(),
                from.map(|f| f.saturating_sub(span).max(start)),
                to.map(|t| t + span),
            ),
            (
                "moved later by its length".into(),
                from.map(|f| f + span),
                to.map(|t| t + span),
            ),
            (
                "moved earlier by its length".into(),
                from.map(|f| f.saturating_sub(span).max(start)),
                to.map(|t| t.saturating_sub(span).max(start + 1)),
            ),
        ];
        // An interval inside the honest one admits no time the honest one does not: every time
        // rule (a bound at or before, at or after some instant) that held still holds.
        let inside = |f: Option<u64>, t: Option<u64>| {
            from.is_none_or(|lo| f.is_some_and(|x| x >= lo))
                && to.is_none_or(|hi| t.is_some_and(|x| x <= hi))
        };
        variants.retain(|(_, f, t)| !inside(*f, *t));
        variants
    }

    fn pairing_confusion(&self) -> Outcome {
        if !self.uses_input_positions() {
            return Err(
                "no spend redeemer names an input by position, so nothing is paired by index"
                    .into(),
            );
        }
        let native = native_script_hash(attacker_hash()).unwrap_or([0; 28]);
        let first = Input {
            utxo: Utxo {
                name: format!("{ATTACKER}_native"),
                out_ref: OutRef {
                    tx_id: [0; 32],
                    index: 0,
                },
                output: Output {
                    address: Address {
                        payment: Credential::Script(native),
                        stake: Stake::None,
                    },
                    value: lovelace(5_000_000),
                    datum: Datum::None,
                    reference_script: None,
                },
            },
            redeemer: None,
        };
        let with_native = |tx: &mut TxSpec| {
            tx.inputs.push(first.clone());
            tx.scripts.insert(
                native,
                Script::Signature {
                    key: ATTACKER.into(),
                },
            );
        };
        let decoy = |tx: &mut TxSpec| {
            tx.outputs.insert(
                0,
                TxOutput {
                    output: key_output(attacker_hash(), lovelace(2_000_000)),
                    change: false,
                },
            );
            self.attacker_input(tx, lovelace(2_000_000));
        };
        let mut out = Vec::new();
        let (mut tx, _) = self.base();
        with_native(&mut tx);
        out.push((
            format!("an input locked by {ATTACKER}'s native script sorts before every input; redeemer positions kept as written"),
            tx,
        ));
        if !self.uses_output_positions() {
            return Ok(out);
        }
        let (mut tx, _) = self.base();
        decoy(&mut tx);
        out.push((
            format!(
                "an output to {ATTACKER} is placed first; redeemer output positions kept as written"
            ),
            tx,
        ));
        let (mut tx, _) = self.base();
        with_native(&mut tx);
        decoy(&mut tx);
        out.push((
            format!("both: {ATTACKER}'s native-script input first and an output to {ATTACKER} first; positions kept as written"),
            tx,
        ));
        Ok(out)
    }

    fn unauthorised_stake(&self) -> Outcome {
        let outputs = self.protocol_outputs_or_none()?;
        let native = native_script_hash(attacker_hash()).unwrap_or([0; 28]);
        let mut out = Vec::new();
        for &(i, continuing) in &outputs {
            let label = self.label(i, continuing);
            let mut stakes = vec![(Stake::Pointer(1, 2, 3), "a pointer (1, 2, 3)".to_string())];
            if continuing {
                stakes.push((
                    Stake::Inline(Credential::Script(native)),
                    format!("{ATTACKER}'s native script"),
                ));
            }
            for (stake, what) in stakes {
                let (mut tx, _) = self.base();
                tx.outputs[i].output.address.stake = stake;
                if let Stake::Inline(Credential::Script(h)) = stake {
                    tx.scripts.insert(
                        h,
                        Script::Signature {
                            key: ATTACKER.into(),
                        },
                    );
                }
                out.push((format!("{label}: stake credential → {what}"), tx));
            }
        }
        Ok(out)
    }
}

/// The mutations of one datum field the attacker tries: every one-step change on a continuing
/// output; on a created output only those the protocol forbids its creator (identifiers and
/// beacon names changed, prices made zero or negative or ill-formed), not the terms the creator
/// chooses (positive prices, output references, plain integers).
fn field_mutations(
    field: &PlutusData,
    kind: Option<Type>,
    continuing: bool,
) -> Vec<(String, PlutusData)> {
    let generic = || {
        data::mutations(field, 3)
            .into_iter()
            .map(|m| (format!("{}{}", m.path, sep(&m.change)), m.data))
            .collect::<Vec<_>>()
    };
    if continuing {
        return generic();
    }
    match kind {
        None | Some(Type::PolicyId | Type::AssetName | Type::Beacon | Type::Bytes) => generic(),
        Some(Type::Rational) => {
            let Some((index, parts)) = plutus::as_constr(field) else {
                return generic();
            };
            let mut out = vec![(
                format!(" constructor {index} → {}", index + 1),
                Data::constr(index + 1, parts.to_vec()),
            )];
            for (p, part) in parts.iter().enumerate() {
                let Some(n) = plutus::as_integer(part) else {
                    continue;
                };
                for (what, m) in [("0", BigInt::from(0)), ("negated", -n.clone())] {
                    if m == n {
                        continue;
                    }
                    let mut changed = parts.to_vec();
                    changed[p] = Data::integer(m);
                    let part_name = if p == 0 { "numerator" } else { "denominator" };
                    out.push((
                        format!(" {part_name} {n} → {what}"),
                        Data::constr(index, changed),
                    ));
                }
            }
            out
        }
        Some(_) => vec![],
    }
}

fn sep(change: &str) -> String {
    format!(" {change}")
}

fn kind_text(kind: Option<Type>) -> String {
    kind.map_or(String::new(), |k| format!(" ({k:?})"))
}

/// The attacker's key hash.
pub fn attacker_hash() -> Hash28 {
    *Key::named(ATTACKER).hash
}

fn key_output(hash: Hash28, value: Value) -> Output {
    Output::plain(
        Address {
            payment: Credential::Key(hash),
            stake: Stake::None,
        },
        value,
    )
}

fn lovelace(q: u64) -> Value {
    Value {
        lovelace: q,
        assets: BTreeMap::new(),
    }
}

/// Removes `take` of `asset` from `value` (the entry disappears at zero).
fn take_asset(value: &mut Value, asset: &AssetClass, take: u64) {
    if let Some(q) = value.assets.get_mut(asset) {
        *q = q.saturating_sub(take);
        if *q == 0 {
            value.assets.remove(asset);
        }
    }
}

fn asset_text(asset: &AssetClass) -> String {
    if asset.0.is_empty() {
        "lovelace".into()
    } else {
        format!(
            "{}.{}",
            data::short_hex(&asset.0),
            data::short_hex(&asset.1)
        )
    }
}

/// What the transaction mints of `asset` (negative: burns).
fn mint_quantity(tx: &TxSpec, asset: &AssetClass) -> i64 {
    tx.mint
        .iter()
        .filter(|m| m.policy.as_slice() == asset.0.as_slice())
        .flat_map(|m| &m.assets)
        .filter(|(name, _)| *name == asset.1)
        .map(|(_, q)| *q)
        .sum()
}

/// Adds `qty` of `asset` to the mint (an entry for its policy is made with `redeemer` when there
/// is none; entries that reach zero are dropped).
fn add_mint(tx: &mut TxSpec, asset: &AssetClass, qty: i64, redeemer: Option<PlutusData>) {
    let Ok(policy) = <[u8; 28]>::try_from(asset.0.as_slice()) else {
        return;
    };
    let entry = match tx.mint.iter().position(|m| m.policy == policy) {
        Some(ix) => &mut tx.mint[ix],
        None => {
            tx.mint.push(Mint {
                policy,
                assets: vec![],
                redeemer,
            });
            let last = tx.mint.len() - 1;
            &mut tx.mint[last]
        }
    };
    match entry.assets.iter_mut().find(|(n, _)| *n == asset.1) {
        Some((_, q)) => *q += qty,
        None => entry.assets.push((asset.1.clone(), qty)),
    }
    entry.assets.retain(|(_, q)| *q != 0);
    tx.mint.retain(|m| !m.assets.is_empty());
}

/// The position of input `index` in the ledger's sorted input order.
pub fn sorted_position(tx: &TxSpec, index: usize) -> usize {
    let own = tx.inputs[index].utxo.out_ref;
    tx.inputs.iter().filter(|i| i.utxo.out_ref < own).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minting_entries_are_merged_and_emptied() {
        let mut tx = TxSpec::default();
        let beacon = (vec![3; 28], b"b".to_vec());
        add_mint(&mut tx, &beacon, 1, Some(Data::constr(0, vec![])));
        add_mint(&mut tx, &beacon, 1, None);
        assert_eq!(mint_quantity(&tx, &beacon), 2);
        add_mint(&mut tx, &beacon, -2, None);
        assert!(tx.mint.is_empty());
    }

    #[test]
    fn attacker_inputs_sort_last_and_pairing_inputs_first() {
        let mut tx = TxSpec::default();
        for (n, id) in [(0u64, [5u8; 32]), (1, [0xff; 32]), (2, [0; 32])] {
            tx.inputs.push(Input {
                utxo: Utxo {
                    name: format!("u{n}"),
                    out_ref: OutRef {
                        tx_id: id,
                        index: n,
                    },
                    output: key_output([1; 28], lovelace(1)),
                },
                redeemer: None,
            });
        }
        assert_eq!(sorted_position(&tx, 0), 1);
        assert_eq!(sorted_position(&tx, 1), 2);
        assert_eq!(sorted_position(&tx, 2), 0);
    }

    #[test]
    fn created_outputs_keep_their_creators_terms() {
        let price = Data::constr(0, vec![Data::integer(3.into()), Data::integer(2.into())]);
        let created = field_mutations(&price, Some(Type::Rational), false);
        let texts: Vec<_> = created.iter().map(|(t, _)| t.as_str()).collect();
        assert!(texts.contains(&" numerator 3 → 0"), "{texts:?}");
        assert!(texts.contains(&" denominator 2 → negated"), "{texts:?}");
        assert!(!texts.iter().any(|t| t.contains("→ 4")), "{texts:?}");
        let reference = Type::Option(&Type::OutRef);
        assert!(field_mutations(&price, Some(reference), false).is_empty());
        let continuing = field_mutations(&price, Some(Type::Rational), true);
        assert!(continuing.iter().any(|(t, _)| t.contains("int 3 → 4")));
    }
}
