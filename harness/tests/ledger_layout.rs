//! Proves that the Aiken ledger types (`validators/lib/ledger`) read the V3 script context in the
//! ledger's constructor and field order. A transaction using every field the kernel's handlers
//! read (key, script and pointer stake parts, inline and hash datums, reference scripts and
//! inputs, mint, certificates, withdrawals, a validity interval, required signers) spends an
//! output of the test-only `ledger_probe` validator. The probe flattens what it reads through our
//! types into facts; this test computes the same facts from the scenario on its own, passes them
//! as the redeemer, and the probe must accept. A negative control changes one fact.

use harness::{
    deploy::{Build, Deployment},
    eval,
    keys::Key,
    params::Params,
    scenario::{
        Address, Certificate, CertificateKind, Credential, Datum, Hash28, Input, Mint, OutRef,
        Output, Script, Stake, TxOutput, TxSpec, Utxo, Value, Withdrawal,
    },
    tx,
};
use num_bigint::BigInt;
use pallas_primitives::PlutusData;
use std::collections::BTreeMap;
use uplc::ast::Data;

const FEE: u64 = 2_000_000;

fn int(n: impl Into<BigInt>) -> PlutusData {
    Data::integer(n.into())
}

fn bytes(b: &[u8]) -> PlutusData {
    Data::bytestring(b.to_vec())
}

fn boolean(b: bool) -> PlutusData {
    Data::constr(u64::from(b), vec![])
}

fn key(name: &str) -> Hash28 {
    *Key::named(name).hash
}

fn value(lovelace: u64, assets: &[(&Hash28, &[u8], u64)]) -> Value {
    let assets = assets
        .iter()
        .map(|(p, n, q)| ((p.to_vec(), n.to_vec()), *q))
        .collect();
    Value { lovelace, assets }
}

fn utxo(name: &str, index: u64, output: Output) -> Utxo {
    let tx_id = *pallas_crypto::hash::Hasher::<256>::hash(name.as_bytes());
    Utxo {
        name: name.into(),
        out_ref: OutRef { tx_id, index },
        output,
    }
}

/// The scenario: one probe input among others, and every field the handlers read.
fn scenario(params: &Params) -> (TxSpec, OutRef) {
    let deployment = Deployment::of(Build::Record).expect("validators compile");
    let probe = deployment
        .script("ledger_probe")
        .expect("the probe is deployed");
    let probe_script = Script::PlutusV3 {
        name: probe.name.into(),
        bytes: probe.bytes.clone(),
    };
    let alice_native = Script::Signature {
        key: "alice".into(),
    };
    let bob_native = Script::Signature { key: "bob".into() };
    let (alice_policy, bob_script) = (tx::script_hash(&alice_native), tx::script_hash(&bob_native));
    let token = [7u8; 28];

    let probe_in = utxo(
        "probe_in",
        3,
        Output {
            address: Address {
                payment: Credential::Script(probe.hash),
                stake: Stake::Pointer(7, 2, 1),
            },
            value: value(10_000_000, &[(&token, b"probe", 5)]),
            datum: Datum::Inline(int(42)),
            reference_script: None,
        },
    );
    let alice_in = utxo(
        "alice_in",
        0,
        Output {
            address: Address {
                payment: Credential::Key(key("alice")),
                stake: Stake::Inline(Credential::Script(bob_script)),
            },
            value: value(20_000_000, &[]),
            datum: Datum::None,
            reference_script: None,
        },
    );
    let carol_ref = utxo(
        "carol_ref",
        1,
        Output {
            address: Address {
                payment: Credential::Key(key("carol")),
                stake: Stake::None,
            },
            value: value(30_000_000, &[]),
            datum: Datum::Hash(bytes(b"referenced")),
            reference_script: Some(probe_script.clone()),
        },
    );
    let outputs = vec![
        Output {
            address: Address {
                payment: Credential::Script(probe.hash),
                stake: Stake::Inline(Credential::Key(key("alice"))),
            },
            value: value(10_000_000, &[(&token, b"probe", 5)]),
            datum: Datum::Hash(bytes(b"hello")),
            reference_script: None,
        },
        Output {
            address: Address {
                payment: Credential::Key(key("bob")),
                stake: Stake::None,
            },
            value: value(17_000_000, &[(&alice_policy, b"mint", 3)]),
            datum: Datum::Inline(Data::list(vec![int(1), bytes(b"two")])),
            reference_script: Some(bob_native.clone()),
        },
    ];
    let spec = TxSpec {
        inputs: vec![
            Input {
                utxo: probe_in.clone(),
                redeemer: Some(Data::list(vec![])),
            },
            Input {
                utxo: alice_in,
                redeemer: None,
            },
        ],
        reference_inputs: vec![carol_ref],
        outputs: outputs
            .into_iter()
            .map(|output| TxOutput {
                output,
                change: false,
            })
            .collect(),
        mint: vec![Mint {
            policy: alice_policy,
            assets: vec![(b"mint".to_vec(), 3)],
            redeemer: None,
        }],
        withdrawals: vec![
            Withdrawal {
                credential: Credential::Key(key("alice")),
                amount: 0,
                redeemer: None,
            },
            Withdrawal {
                credential: Credential::Script(bob_script),
                amount: 1_000_000,
                redeemer: None,
            },
        ],
        certificates: vec![
            Certificate {
                credential: Credential::Key(key("carol")),
                kind: CertificateKind::Register { deposit: 2_000_000 },
                redeemer: None,
            },
            Certificate {
                credential: Credential::Key(key("carol")),
                kind: CertificateKind::Delegate { pool: [9; 28] },
                redeemer: None,
            },
        ],
        required_signers: vec!["dave".into(), "alice".into()],
        valid_from: Some(params.slot_config.zero_slot + 1_000),
        valid_to: Some(params.slot_config.zero_slot + 5_000),
        scripts: [
            (probe.hash, probe_script),
            (alice_policy, alice_native),
            (bob_script, bob_native),
        ]
        .into_iter()
        .collect(),
        keys: ["alice", "bob", "carol", "dave"]
            .iter()
            .map(|n| (key(n), n.to_string()))
            .collect(),
    };
    (spec, probe_in.out_ref)
}

fn credential_facts(c: Credential) -> Vec<PlutusData> {
    match c {
        Credential::Key(h) => vec![int(0), bytes(&h)],
        Credential::Script(h) => vec![int(1), bytes(&h)],
    }
}

fn output_facts(o: &Output) -> Vec<PlutusData> {
    let mut facts = credential_facts(o.address.payment);
    match o.address.stake {
        Stake::None => facts.push(int(0)),
        Stake::Inline(c) => {
            facts.push(int(1));
            facts.extend(credential_facts(c));
        }
        Stake::Pointer(slot, tx, cert) => facts.extend([int(2), int(slot), int(tx), int(cert)]),
    }
    // Output values hold lovelace first, under the empty policy and name.
    facts.extend([bytes(b""), bytes(b""), int(o.value.lovelace)]);
    facts.extend(asset_facts(&o.value.assets));
    match &o.datum {
        Datum::None => facts.push(int(0)),
        Datum::Hash(d) => facts.extend([
            int(1),
            bytes(tx::datum_hash(d).expect("datum encodes").as_ref()),
        ]),
        Datum::Inline(d) => facts.extend([int(2), d.clone()]),
    }
    match &o.reference_script {
        None => facts.push(int(0)),
        Some(s) => facts.extend([int(1), bytes(&tx::script_hash(s))]),
    }
    facts
}

fn asset_facts(assets: &BTreeMap<(Vec<u8>, Vec<u8>), u64>) -> Vec<PlutusData> {
    assets
        .iter()
        .flat_map(|((p, n), q)| [bytes(p), bytes(n), int(*q)])
        .collect()
}

fn utxo_facts(u: &Utxo) -> Vec<PlutusData> {
    let mut facts = vec![bytes(&u.out_ref.tx_id), int(u.out_ref.index)];
    facts.extend(output_facts(&u.output));
    facts
}

/// The facts the probe must read, computed from the scenario alone.
fn expected_facts(spec: &TxSpec, own: OutRef, params: &Params) -> Vec<PlutusData> {
    let mut facts = vec![bytes(&own.tx_id), int(own.index)];
    let mut inputs: Vec<&Utxo> = spec.inputs.iter().map(|i| &i.utxo).collect();
    inputs.sort_by_key(|u| u.out_ref);
    facts.extend(inputs.iter().flat_map(|u| utxo_facts(u)));
    facts.extend(spec.reference_inputs.iter().flat_map(utxo_facts));
    facts.extend(spec.outputs.iter().flat_map(|o| output_facts(&o.output)));
    facts.push(int(FEE));
    let minted = spec.mint.iter().flat_map(|m| {
        m.assets
            .iter()
            .map(|(n, q)| ((m.policy.to_vec(), n.clone()), *q as u64))
    });
    facts.extend(asset_facts(&minted.collect()));
    for cert in &spec.certificates {
        // Deposits and refunds are not facts: uplc 1.1.24 always passes None there.
        let (tag, delegatee) = match cert.kind {
            CertificateKind::Register { .. } => (0, None),
            CertificateKind::Unregister { .. } => (1, None),
            CertificateKind::Delegate { pool } => (2, Some(Data::constr(0, vec![bytes(&pool)]))),
            // The probe reads no other certificate: it logs 99 alone.
            CertificateKind::RegisterDRep { .. } => {
                facts.push(int(99));
                continue;
            }
        };
        facts.push(int(tag));
        facts.extend(credential_facts(cert.credential));
        facts.extend(delegatee);
    }
    // The ledger orders withdrawals with script credentials first, then by hash.
    let mut withdrawals: Vec<_> = spec.withdrawals.iter().collect();
    withdrawals.sort_by_key(|w| match w.credential {
        Credential::Script(h) => (0, h),
        Credential::Key(h) => (1, h),
    });
    for w in withdrawals {
        facts.extend(credential_facts(w.credential));
        facts.push(int(w.amount));
    }
    let time = |slot: u64| {
        params.slot_config.zero_time
            + (slot - params.slot_config.zero_slot) * u64::from(params.slot_config.slot_length)
    };
    let from = spec.valid_from.expect("the scenario has a lower bound");
    let to = spec.valid_to.expect("the scenario has an upper bound");
    // Lower bounds are inclusive, upper bounds exclusive.
    facts.extend([
        int(1),
        int(time(from)),
        boolean(true),
        int(1),
        int(time(to)),
        boolean(false),
    ]);
    let mut signers: Vec<Hash28> = spec.required_signers.iter().map(|n| key(n)).collect();
    signers.sort();
    facts.extend(signers.iter().map(|h| bytes(h)));
    facts
}

/// Runs the probe with `facts` as its redeemer and says whether it accepted.
fn probe_accepts(facts: Vec<PlutusData>) -> bool {
    let params = Params::mainnet().expect("bundled parameters load");
    let (mut spec, _) = scenario(&params);
    spec.inputs[0].redeemer = Some(Data::list(facts));
    let built = tx::build(&spec, &params, FEE, &BTreeMap::new()).expect("the scenario builds");
    let runs = eval::evaluate(&built, &params).expect("the transaction evaluates");
    assert_eq!(runs.len(), 1, "only the probe runs a Plutus script");
    runs[0].ok
}

#[test]
fn ledger_types_read_every_field_in_ledger_order() {
    let params = Params::mainnet().expect("bundled parameters load");
    let (spec, own) = scenario(&params);
    assert!(
        probe_accepts(expected_facts(&spec, own, &params)),
        "the probe read other facts than the scenario holds"
    );
}

#[test]
fn probe_rejects_a_single_wrong_fact() {
    let params = Params::mainnet().expect("bundled parameters load");
    let (spec, own) = scenario(&params);
    let facts = expected_facts(&spec, own, &params);
    let fee_at = facts
        .iter()
        .position(|f| *f == int(FEE))
        .expect("the fee is a fact");
    let mut wrong = facts.clone();
    wrong[fee_at] = int(FEE + 1);
    assert!(!probe_accepts(wrong), "a wrong fee went unnoticed");
    let mut shorter = facts;
    shorter.pop();
    assert!(
        !probe_accepts(shorter),
        "a missing signatory went unnoticed"
    );
}
