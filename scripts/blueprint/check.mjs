// Usage: node check.mjs BLUEPRINT EMIT_DIR
//
// BLUEPRINT is `harness blueprint --out` output; EMIT_DIR holds `harness replay --emit-cbor`
// output for fixtures/swaps/one_way/create/create_ada_to_token.json and
// fixtures/swaps/one_way/fill/fill_low_policy_token_to_ada_swap_at.json. Mesh applies the
// parameters; the datum and the redeemer are encoded from the blueprint's schemas by `encode`
// below and serialised by Mesh. Exits 1 on the first difference.
import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { MintingBlueprint, SpendingBlueprint, serializeData } from "@meshsdk/core";
import { Decoder } from "cbor-x";

const decoder = new Decoder({ mapsAsObjects: false });
const decode = (bytes) => decoder.decode(bytes);

const [blueprintPath, emitDir] = process.argv.slice(2);
const blueprint = JSON.parse(readFileSync(blueprintPath, "utf8"));
const validator = (title) => {
  const found = blueprint.validators.find((v) => v.title === title);
  if (!found) throw new Error(`the blueprint has no validator ${title}`);
  return found;
};
let failures = 0;
const check = (what, actual, expected) => {
  const ok = actual === expected;
  if (!ok) failures += 1;
  const short = (v) => (String(v).length > 72 ? `${String(v).slice(0, 72)}…` : v);
  console.log(`${ok ? "same" : "DIFFERENT"}  ${what}: ${short(actual)}${ok ? "" : ` (harness: ${short(expected)})`}`);
};

// The schema a `$ref` names (`#/definitions/swaps~1types~1OneWaySwapDatum`).
const resolve = (schema) => {
  if (!schema.$ref) return schema;
  const name = schema.$ref.replace("#/definitions/", "").replaceAll("~1", "/").replaceAll("~0", "~");
  return resolve(blueprint.definitions[name]);
};

// Mesh's JSON Data for `value` under `schema`: bytes as hex, integers, lists, maps as
// [key, value] pairs, records as their fields, other constructors as { Name: { field: value } }
// (or "Name", without fields).
const encode = (schema, value) => {
  const s = resolve(schema);
  if (s.anyOf) {
    // A record (one constructor) is written as its fields; a sum as { Name: fields } or "Name".
    const record = s.anyOf.length === 1;
    const [name, fields] = record
      ? [resolve(s.anyOf[0]).title, value]
      : typeof value === "string"
        ? [value, {}]
        : Object.entries(value)[0];
    const constructor = s.anyOf.map(resolve).find((c) => c.title === name);
    if (!constructor) throw new Error(`no constructor ${name} in ${s.title}`);
    return {
      constructor: constructor.index,
      fields: constructor.fields.map((f) => encode(f, fields[f.title])),
    };
  }
  switch (s.dataType) {
    case "bytes":
      return { bytes: value };
    case "integer":
      return { int: value };
    case "list":
      return Array.isArray(s.items)
        ? { list: s.items.map((item, i) => encode(item, value[i])) }
        : { list: value.map((item) => encode(s.items, item)) };
    case "map":
      return { map: value.map(([k, v]) => ({ k: encode(s.keys, k), v: encode(s.values, v) })) };
    case "constructor":
      return { constructor: s.index, fields: s.fields.map((f) => encode(f, value[f.title])) };
    default:
      if (s.title === "Data") return value;
      throw new Error(`unsupported schema ${JSON.stringify(s)}`);
  }
};

const sha256 = (hex) => createHash("sha256").update(Buffer.from(hex, "hex")).digest("hex");
const emitted = (name) => JSON.parse(readFileSync(`${emitDir}/${name}.tx.json`, "utf8")).cborHex;

// 1. The scripts: the swap script has no parameter; the beacon policy is applied to its hash.
const swap = validator("swaps.one_way_swap.spend");
const swapScript = new SpendingBlueprint("V3", 0).noParamScript(swap.compiledCode);
check("ow_swap hash", swapScript.hash, swap.hash);
const beacon = new MintingBlueprint("V3").paramScript(
  validator("swaps.one_way_beacon.mint (unapplied)").compiledCode,
  [{ bytes: swapScript.hash }],
  "JSON",
);
const deployedBeacon = validator("swaps.one_way_beacon.mint");
check("ow_beacon policy id", beacon.hash, deployedBeacon.hash);
// Mesh's script CBOR wraps the blueprint's (a CBOR byte string of the flat program) once more.
const unwrapped = Buffer.from(decode(Buffer.from(beacon.cbor, "hex"))).toString("hex");
check("ow_beacon applied code", unwrapped, deployedBeacon.compiledCode);

// 2. The create datum of create_ada_to_token (ADA offered for T at 1 T per 1 000 000 lovelace).
const T = ["c0f8644a01a6bf5db02f4afe30d604975e63dd274f1098a1738e561d", "4f74686572546f6b656e0a"];
const subst = (policy) => (policy === "" ? "00" : policy);
const datum = encode(swap.datum.schema, {
    beacon_id: beacon.hash,
    pair_beacon: sha256(subst("") + "" + subst(T[0]) + T[1]),
    offer_id: "",
    offer_name: "",
    offer_beacon: sha256("01"),
    ask_id: T[0],
    ask_name: T[1],
    ask_beacon: sha256("02" + T[0] + T[1]),
    swap_price: { numerator: 1, denominator: 1000000 },
    prev_input: "None",
});
const datumCbor = serializeData(datum, "JSON");
const create = emitted("swaps__one_way__create__create_ada_to_token");
check("create datum found in the harness's transaction", create.includes(datumCbor), true);
console.log(`      datum CBOR ${datumCbor}`);

// 3. The fill redeemer of fill_low_policy_token_to_ada_swap_at: SwapAt at the swap input's
// position among the (sorted) inputs, its output first.
const fill = emitted("swaps__one_way__fill__fill_low_policy_token_to_ada_swap_at");
const [body] = decode(Buffer.from(fill, "hex"));
const inputs = [...(body.get(0).value ?? body.get(0))];
const utxos = JSON.parse(
  readFileSync(`${emitDir}/swaps__one_way__fill__fill_low_policy_token_to_ada_swap_at.utxos.json`, "utf8"),
);
const swapInput = utxos.find((u) => u.output_cbor.includes(swapScript.hash)).input;
const position = inputs.findIndex(([id, ix]) => `${Buffer.from(id).toString("hex")}#${ix}` === swapInput);
if (position < 0) throw new Error(`the swap input ${swapInput} is not among the transaction's inputs`);
const redeemer = encode(swap.redeemer.schema, { SwapAt: { input_index: position, output_index: 0 } });
const redeemerCbor = serializeData(redeemer, "JSON");
check(`fill redeemer SwapAt(${position}, 0) found in the harness's transaction`, fill.includes(redeemerCbor), true);
console.log(`      redeemer CBOR ${redeemerCbor}`);

process.exit(failures === 0 ? 0 : 1);
