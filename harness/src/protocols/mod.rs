//! Protocol plug-ins for [`crate::resolve`]: what a fixture's typed shorthands mean for each
//! protocol. Sits between [`crate::fixture`] (JSON as written) and [`crate::scenario`].
//!
//! A protocol is plain data ([`Protocol`]): its typed datum forms ([`DatumType`]), the redeemer
//! constructors of each deployment script it owns ([`ScriptInfo`]), and its beacon-name
//! derivations ([`BeaconVariant`]). `resolve` interprets the generic [`Type`]s; only the
//! beacon functions are protocol code. Adding loans, options or aftermarket means adding a module
//! with one `Protocol` constant and listing it in [`all`].

pub mod aftermarket;
pub mod loans;
pub mod options;
pub mod proxy;
pub mod swaps;

use crate::{
    capacity::{self, Batch, DustEntry},
    deploy::Param,
    params::Params,
    scenario::{AssetClass, Credential, Input, OutRef, Output, Value},
};
use pallas_primitives::PlutusData;

/// The type of one field of a typed datum or redeemer: how [`crate::resolve`] reads its JSON and
/// encodes it as Plutus Data. Any field, at any depth, may instead be `{"raw": PLUTUS_JSON}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    /// An integer, `I`: a JSON number or a decimal string.
    Int,
    /// Bytes, `B`: lowercase hex.
    Bytes,
    /// A policy id, `B`: a script name (its hash), a token alias (its policy), `"ADA"` (empty) or
    /// lowercase hex of any length.
    PolicyId,
    /// An asset name, `B`: a token alias (its name), `"ADA"` (empty) or lowercase hex.
    AssetName,
    /// A beacon name, `B`: a beacon expression of the type's variant (`"pair(T,ADA)"`) or hex.
    Beacon,
    /// A POSIX time in milliseconds, `I`: an integer, `{"slot": N}` (the start of slot N), or
    /// `{"from": MS}` / `{"to": MS}`: MS milliseconds after the start of the validity interval's
    /// first slot / its upper bound, through the parameter file's slot configuration.
    Time,
    /// An input index, `I`: an integer, or the name of a spent UTxO, which becomes its position
    /// in the ledger's sorted input order.
    InputIndex,
    /// An output index, `I`: an integer (the output's position in the transaction).
    OutputIndex,
    /// `false` / `true`: `Constr 0 []` / `Constr 1 []`.
    Bool,
    /// A rational `{"num": INT, "den": INT}`, encoded `Constr 0 [I num, I den]`.
    Rational,
    /// A fraction `{"num": INT, "den": INT}`, encoded as the list `[I num, I den]`.
    Fraction,
    /// An asset: a token alias or `"ADA"`, or `[POLICY, NAME]`; encoded as the list
    /// `[B policy, B name]`.
    Asset,
    /// A credential written as in addresses (`{"key": "alice"}`, `{"script": NAME}`, …):
    /// `Constr 0 [B key_hash]` or `Constr 1 [B script_hash]`.
    Credential,
    /// An address written as in outputs (`{"payment": …, "stake": …}`): `Constr 0 [payment,
    /// Option<Referenced<Credential>>]`, a pointer being `Constr 1 [I, I, I]`.
    Address,
    /// An output reference in the Plutus V2 layout datums store: `{"utxo": NAME}` or
    /// `{"ref": "<64 hex>#<index>"}`, encoded `Constr 0 [Constr 0 [B tx_id], I index]`.
    OutRef,
    /// `null` (None, `Constr 1 []`) or a value of the inner type (Some, `Constr 0 [x]`).
    Option(&'static Type),
    /// A JSON array, encoded as a Data list.
    List(&'static Type),
    /// A JSON array of exactly these types, encoded as a Data list (the specs' 2-tuples).
    Tuple(&'static [Type]),
    /// A JSON array of `[KEY, VALUE]` pairs, encoded as a Data map in that order (Aiken `Pairs`).
    Map(&'static Type, &'static Type),
    /// One of these constructors: `"Name"` (no fields) or `{"Name": {FIELDS}}`.
    Sum(&'static [Constructor]),
}

/// One named field of a typed constructor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// The name fixtures use (the spec's field name).
    pub name: &'static str,
    /// Its type.
    pub kind: Type,
}

/// A Plutus Data constructor with named fields, written by fixtures as `"Name"` (no fields) or
/// `{"Name": {FIELDS}}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Constructor {
    /// The spec's constructor name (`CloseOrUpdateAsk`).
    pub name: &'static str,
    /// The constructor index in the encoding.
    pub index: u64,
    /// The fields, in encoding order.
    pub fields: &'static [Field],
}

/// A typed datum form, written by fixtures as `{"<key>": {FIELDS}}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DatumType {
    /// The fixture key (`ask_datum`); unique across protocols.
    pub key: &'static str,
    /// The beacon variant its [`FieldKind::Beacon`] fields use (`ow`).
    pub variant: &'static str,
    /// Its constructor and fields.
    pub constructor: Constructor,
}

/// What a protocol knows about one deployment script: how it is deployed and how it is called.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScriptInfo {
    /// The deployment name fixtures use (`proxy`).
    pub script: &'static str,
    /// The blueprint validator it is compiled as (`proxy.proxy`).
    pub validator: &'static str,
    /// Its parameters, applied in order as Data byte strings.
    pub params: &'static [Param],
    /// The constructors of the redeemer type the script is executed with.
    pub redeemers: &'static [Constructor],
    /// For a beacon policy: the variant whose expressions name its tokens (`ow`).
    pub beacon_variant: Option<&'static str>,
}

/// How a beacon function derives a token name from its arguments, each written as text inside
/// the expression's parentheses.
#[derive(Debug, Clone, Copy)]
pub enum Derive {
    /// A fixed name, written with no argument (`ask()` for ASCII `Ask`).
    Fixed(&'static [u8]),
    /// From one asset: a token alias or `ADA`.
    Asset(fn(&AssetClass) -> Vec<u8>),
    /// From two assets, in the order written.
    AssetPair(fn(&AssetClass, &AssetClass) -> Vec<u8>),
    /// From a credential: `key:NAME`, `script:NAME`, `native:NAME`, `key_hash:HEX` or
    /// `script_hash:HEX`.
    Credential(fn(&Credential) -> Vec<u8>),
    /// From an output reference: a UTxO name or `<64 hex>#<index>`.
    OutRef(fn(&OutRef) -> Vec<u8>),
    /// From a policy id: a script name, a token alias (its policy) or 56 hex digits.
    Policy(fn(&[u8]) -> Vec<u8>),
}

impl Derive {
    /// How many arguments it takes.
    pub fn arity(&self) -> usize {
        match self {
            Derive::Fixed(_) => 0,
            Derive::AssetPair(_) => 2,
            _ => 1,
        }
    }
}

/// A beacon-name function, written `name(ARG, …)`.
#[derive(Debug, Clone, Copy)]
pub struct BeaconFn {
    /// The function name fixtures write (`pair`).
    pub name: &'static str,
    /// How it is written, for messages (`pair(A,B)`).
    pub usage: &'static str,
    /// The derivation.
    pub derive: Derive,
}

/// A family of beacon names (one beacon policy's token names).
#[derive(Debug, Clone, Copy)]
pub struct BeaconVariant {
    /// The variant's name (`ow`).
    pub name: &'static str,
    /// Its functions.
    pub functions: &'static [BeaconFn],
}

impl BeaconVariant {
    /// The function called `name`.
    pub fn function(&self, name: &str) -> Option<&'static BeaconFn> {
        self.functions.iter().find(|f| f.name == name)
    }

    /// The usages of every function, for messages: `pair(A,B), offer(A), ask(A)`.
    pub fn usages(&self) -> String {
        self.functions
            .iter()
            .map(|f| f.usage)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Redeemer constructors of one script that count as one for the attack engine.
#[derive(Debug, Clone, Copy)]
pub struct ConstructorGroup {
    /// The deployment script.
    pub script: &'static str,
    /// Its constructors' names.
    pub names: &'static [&'static str],
}

/// The group of `script`'s constructors `names`.
pub(crate) const fn group(
    script: &'static str,
    names: &'static [&'static str],
) -> ConstructorGroup {
    ConstructorGroup { script, names }
}

/// What a taker's spend leaves in the output that continues a protocol UTxO: the question
/// [`AttackHooks::surplus`] answers.
#[derive(Debug, Clone, Copy)]
pub struct Surplus<'a> {
    /// The continuing output's datum.
    pub datum: &'a PlutusData,
    /// The constructor name of the spend's redeemer, when it is a typed one.
    pub redeemer: Option<&'a str>,
    /// The spent UTxO's value and the continuing output's.
    pub input: &'a Value,
    pub output: &'a Value,
    /// The asset asked about (ADA: empty policy).
    pub asset: &'a AssetClass,
}

/// A bound a protocol rule puts on the validity interval, in POSIX milliseconds as scripts read
/// the bounds' values (`L` lower, `U` upper): what [`AttackHooks::time_rules`] lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeRule {
    /// `U` is required and `U ≤ t` (a deadline not passed).
    NotAfter(i128),
    /// `L` is required and `L ≥ t` (a deadline passed).
    NotBefore(i128),
}

/// What the attack engine ([`crate::attack`]) asks a protocol; the engine itself names no
/// script, constructor or datum field.
#[derive(Debug, Clone, Copy)]
pub struct AttackHooks {
    /// Constructors that do the same job (a fill and its indexed form): swapping one for another is no
    /// attack.
    pub interchangeable: &'static [ConstructorGroup],
    /// Constructors by which an owner spends their own UTxO: when the owner approves, which one
    /// is used is the owner's choice.
    pub owner_paths: &'static [ConstructorGroup],
    /// Constructors that are one when the spend takes nothing from the UTxO (a pure deposit:
    /// the direction of a fill is moot).
    pub when_nothing_taken: &'static [ConstructorGroup],
    /// Whether an output with `datum` continues the spent UTxO `out_ref` (is owed to its owner).
    pub continues: fn(datum: &PlutusData, out_ref: &OutRef) -> bool,
    /// How much of an asset a taker leaves in a continuing output beyond what the protocol owes
    /// (rounding in the owner's favour, a top-up): taking that much back is no theft.
    pub surplus: fn(&Surplus) -> u64,
    /// Whether `output` is a payment the protocol owes another party (a lender's payment, a
    /// seller's proceeds, recognised by its datum): protected like a continuing output, so
    /// redirecting it or taking from it is an attack, though it sits at that party's address.
    pub owed: fn(output: &Output) -> bool,
    /// Whether `asset` held in `output` is a bearer token (a Key NFT: whoever holds it holds the
    /// claim) rather than a beacon, though a protocol policy mints it: taking it is value theft.
    pub bearer: fn(asset: &AssetClass, output: &Output) -> bool,
    /// The credential that owns the protocol UTxO `output` when the stake part of its address
    /// does not (a loans Offer is its lender's, though it sits at the borrower's address): the
    /// owner whose approval makes a spend no attack. `None`: the address's stake part owns it.
    pub owner: fn(output: &Output) -> Option<Credential>,
    /// The bounds the protocol's rules put on the validity interval because of `output`: a spent
    /// UTxO with its redeemer's constructor name, or a created output (`None`). A shift of the
    /// interval that crosses none of them changes nothing a rule checks. `None`: the protocol
    /// does not say, so every shift is tried.
    pub time_rules: fn(output: &Output, redeemer: Option<&str>) -> Option<Vec<TimeRule>>,
    /// How much of `asset` the owed payment `output` must hold, given the transaction's inputs
    /// (what the paid UTxO's datum asks): only taking beyond that is theft. `None`: all of it.
    /// Asked too of a created protocol output, for what it must keep for another party than its
    /// creator (a loan's collateral, the lender's security): `None` there means nothing of it.
    pub owed_amount: fn(output: &Output, asset: &AssetClass, inputs: &[Input]) -> Option<u64>,
    /// Whether protocol output `output` is a UTxO of its own rather than the continuation of one
    /// of `victims` (protocol UTxOs spent without their owner's approval) at its address: a new
    /// loan, a fresh listing, the continuation of a UTxO its owner spends.
    pub open: fn(output: &Output, victims: &[Input]) -> bool,
    /// Whether `output` may hold assets the protocol does not name, given the transaction's
    /// inputs (loans B-16: unlisted assets in a collateral output are the borrower's, ignored by
    /// every rule): junk its creator adds is no dust attack.
    pub holds_any: fn(output: &Output, inputs: &[Input]) -> bool,
}

impl AttackHooks {
    /// The hooks of a protocol whose UTxOs no taker spends (no constructor groups, no
    /// continuing outputs).
    pub const NONE: AttackHooks = AttackHooks {
        interchangeable: &[],
        owner_paths: &[],
        when_nothing_taken: &[],
        continues: |_, _| false,
        surplus: |_| 0,
        owed: |_| false,
        bearer: |_, _| false,
        owner: |_| None,
        time_rules: |_, _| None,
        owed_amount: |_, _, _| None,
        open: |_, _| false,
        holds_any: |_, _| false,
    };

    /// The constructor names that count as `name` of `script`: in `interchangeable`, plus
    /// `owner_paths` when the owner approves and `when_nothing_taken` when the spend takes
    /// nothing.
    pub fn equivalents(
        &self,
        script: &str,
        name: &str,
        owner_approves: bool,
        takes_nothing: bool,
    ) -> Vec<&'static str> {
        let owner = self.owner_paths.iter().filter(|_| owner_approves);
        let nothing = self.when_nothing_taken.iter().filter(|_| takes_nothing);
        self.interchangeable
            .iter()
            .chain(owner)
            .chain(nothing)
            .filter(|g| g.script == script && g.names.contains(&name))
            .flat_map(|g| g.names.iter().copied())
            .collect()
    }
}

/// The fields of `output`'s inline datum when it is constructor `index` and the output holds a
/// token of the policy its first field names: a valid protocol UTxO of the protocols whose datums
/// open with their beacon policy id (loans' Offers and Active UTxOs, aftermarket's market UTxOs).
pub(crate) fn beacon_datum_fields(output: &Output, index: u64) -> Option<&[PlutusData]> {
    let (i, fields) = crate::plutus::as_constr(output.inline_datum()?)?;
    let PlutusData::BoundedBytes(policy) = fields.first()? else {
        return None;
    };
    let beacons = output
        .value
        .assets
        .keys()
        .any(|a| a.0.as_slice() == policy.as_slice());
    (i == index && beacons).then_some(fields)
}

/// What the capacity search ([`crate::capacity`]) asks a protocol.
#[derive(Debug, Clone, Copy)]
pub struct CapacityHooks {
    /// Its batchable actions, in report order.
    pub batches: fn() -> Vec<&'static dyn Batch>,
    /// Whether token dust can reach its UTxOs, tried through each action that produces one.
    pub dust_entries: fn(&Params) -> Result<Vec<DustEntry>, capacity::Error>,
}

impl CapacityHooks {
    /// The hooks of a protocol with no batchable action.
    pub const NONE: CapacityHooks = CapacityHooks {
        batches: Vec::new,
        dust_entries: |_| Ok(Vec::new()),
    };
}

/// Everything the harness needs to know about one protocol.
#[derive(Debug, Clone, Copy)]
pub struct Protocol {
    /// The fixture's `protocol` value (`swaps`); also names its rule catalogue.
    pub name: &'static str,
    /// Typed datum forms.
    pub datums: &'static [DatumType],
    /// The protocol's deployment scripts, in dependency order: a script's parameters are hashes
    /// of scripts before it, of this protocol or of one registered earlier, or literal hashes.
    pub scripts: &'static [ScriptInfo],
    /// Beacon-name families.
    pub variants: &'static [BeaconVariant],
    /// Its rule catalogue (`harness/rules/<name>.tsv`, see [`crate::rules`]).
    pub rules: &'static str,
    /// The prefixes of its rule IDs (`SWAP-`), by which traces name the rule a script failed on.
    pub rule_prefixes: &'static [&'static str],
    /// What the attack engine needs.
    pub attack: AttackHooks,
    /// What the capacity search needs.
    pub capacity: CapacityHooks,
}

/// A named field of a typed constructor (for the protocols' constants).
pub(crate) const fn field(name: &'static str, kind: Type) -> Field {
    Field { name, kind }
}

/// The fields of the appended `*At` redeemers of options, loans and aftermarket (decision 6):
/// the own input's position and the position of the beacon script's entry in the redeemers.
pub(crate) const INDEXED: &[Field] = &[
    field("input_index", Type::InputIndex),
    field("run_index", Type::Int),
];

/// A constructor without fields.
pub(crate) const fn unit(name: &'static str, index: u64) -> Constructor {
    Constructor {
        name,
        index,
        fields: &[],
    }
}

/// sha256 of `parts` concatenated, as the beacon names hash them.
pub(crate) fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    hasher.finalize().into()
}

/// Every protocol the harness knows.
pub fn all() -> &'static [&'static Protocol] {
    &[
        &proxy::PROXY,
        &swaps::SWAPS,
        &loans::LOANS,
        &options::OPTIONS,
        &aftermarket::AFTERMARKET,
    ]
}

/// The protocol a fixture names.
pub fn find(name: &str) -> Option<&'static Protocol> {
    all().iter().copied().find(|p| p.name == name)
}

/// What any protocol knows about the deployment script `name`.
pub fn script(name: &str) -> Option<&'static ScriptInfo> {
    all()
        .iter()
        .flat_map(|p| p.scripts)
        .find(|s| s.script == name)
}

/// The typed datum form `key` of any protocol.
pub fn datum_type(key: &str) -> Option<&'static DatumType> {
    all().iter().flat_map(|p| p.datums).find(|d| d.key == key)
}

/// Every typed datum key, for messages.
pub fn datum_keys() -> Vec<&'static str> {
    all().iter().flat_map(|p| p.datums).map(|d| d.key).collect()
}

/// The protocol that deploys script `name`.
pub fn of_script(name: &str) -> Option<&'static Protocol> {
    all()
        .iter()
        .copied()
        .find(|p| p.scripts.iter().any(|s| s.script == name))
}

/// Every batchable action of every protocol, in report order.
pub fn batches() -> Vec<&'static dyn Batch> {
    all().iter().flat_map(|p| (p.capacity.batches)()).collect()
}

/// The beacon variant `name` of any protocol.
pub fn variant(name: &str) -> Option<&'static BeaconVariant> {
    all()
        .iter()
        .flat_map(|p| p.variants)
        .find(|v| v.name == name)
}

/// A beacon expression as written: `function(arg, …)`, arguments still unresolved names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BeaconExpr<'a> {
    /// The function name.
    pub function: &'a str,
    /// The arguments as written, trimmed.
    pub args: Vec<&'a str>,
}

/// Parses `function(arg, …)` or `function()`; `None` when `text` is not of that shape (a
/// function name of letters, digits and `_`, arguments separated by commas, none empty).
pub fn parse_beacon_expr(text: &str) -> Option<BeaconExpr<'_>> {
    let open = text.find('(')?;
    let inner = text[open + 1..].strip_suffix(')')?;
    let function = text[..open].trim();
    let is_ident =
        |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !is_ident(function) || inner.contains(['(', ')']) {
        return None;
    }
    if inner.trim().is_empty() {
        return Some(BeaconExpr {
            function,
            args: Vec::new(),
        });
    }
    let args: Vec<&str> = inner.split(',').map(str::trim).collect();
    if args.iter().any(|a| a.is_empty()) {
        return None;
    }
    Some(BeaconExpr { function, args })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beacon_expressions_parse_with_spaces() {
        assert_eq!(
            parse_beacon_expr("pair( T , ADA)"),
            Some(BeaconExpr {
                function: "pair",
                args: vec!["T", "ADA"]
            })
        );
        assert_eq!(
            parse_beacon_expr("offer(T)"),
            Some(BeaconExpr {
                function: "offer",
                args: vec!["T"]
            })
        );
    }

    #[test]
    fn a_fixed_name_is_a_call_without_arguments() {
        assert_eq!(
            parse_beacon_expr("ask( )"),
            Some(BeaconExpr {
                function: "ask",
                args: vec![]
            })
        );
    }

    #[test]
    fn malformed_beacon_expressions_are_rejected() {
        for bad in [
            "pair(T",
            "pair",
            "(T)",
            "pair(T,)",
            "pa ir(T)",
            "pair((T))",
            "pair(T)x",
        ] {
            assert_eq!(parse_beacon_expr(bad), None, "{bad}");
        }
    }

    #[test]
    fn keys_are_unique_across_protocols() {
        let mut datums = datum_keys();
        datums.sort_unstable();
        let before = datums.len();
        datums.dedup();
        assert_eq!(before, datums.len());
        let mut scripts: Vec<_> = all()
            .iter()
            .flat_map(|p| p.scripts)
            .map(|s| s.script)
            .collect();
        scripts.sort_unstable();
        let before = scripts.len();
        scripts.dedup();
        assert_eq!(before, scripts.len());
    }

    #[test]
    fn every_referenced_variant_exists() {
        for datum in all().iter().flat_map(|p| p.datums) {
            assert!(variant(datum.variant).is_some(), "{}", datum.key);
        }
        for script in all().iter().flat_map(|p| p.scripts) {
            if let Some(v) = script.beacon_variant {
                assert!(variant(v).is_some(), "{}", script.script);
            }
        }
    }

    #[test]
    fn schema_describes_every_typed_datum_with_its_fields() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/schema.json");
        let schema: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let defs = &schema["$defs"];
        for datum in all().iter().flat_map(|p| p.datums) {
            let typed = defs
                .as_object()
                .unwrap()
                .values()
                .find_map(|d| d["properties"].get(datum.key))
                .unwrap_or_else(|| panic!("schema.json has no {}", datum.key));
            let mut required: Vec<&str> = typed["required"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f.as_str().unwrap())
                .collect();
            let mut fields: Vec<&str> = datum.constructor.fields.iter().map(|f| f.name).collect();
            required.sort_unstable();
            fields.sort_unstable();
            assert_eq!(required, fields, "{}", datum.key);
        }
        let protocols: Vec<_> = schema["properties"]["protocol"]["enum"]
            .as_array()
            .unwrap()
            .iter()
            .collect();
        assert_eq!(protocols.len(), all().len());
    }
}
