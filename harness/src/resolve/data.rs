//! Resolution of Plutus Data: datums, redeemers, the typed fields of a protocol's constructors,
//! and raw Plutus JSON.

use super::*;

impl Resolver<'_> {
    // ## Datums and redeemers

    pub(super) fn datum(&self, spec: Option<&DatumSpec>, path: &str) -> R<Datum> {
        Ok(match spec {
            None => Datum::None,
            Some(DatumSpec::Inline(json)) => {
                Datum::Inline(self.datum_data(json, &key_path(path, "inline"))?)
            }
            Some(DatumSpec::Hash(json)) => {
                Datum::Hash(self.datum_data(json, &key_path(path, "hash"))?)
            }
        })
    }

    /// Raw Plutus JSON, a typed form `{"<datum key>": {FIELDS}}`, or another UTxO's datum
    /// with some fields changed: `{"datum_of": NAME, "with": {FIELDS}}`.
    pub(super) fn datum_data(&self, json: &Json, path: &str) -> R<PlutusData> {
        if let Json::Object(object) = json
            && object.contains_key("datum_of")
        {
            return self.datum_of(object, path);
        }
        if let Some((key, fields)) = single_entry(json)
            && !PLUTUS_KEYS.contains(&key)
        {
            let Some(datum) = protocols::datum_type(key) else {
                return Err(self.err(
                    &key_path(path, key),
                    format!(
                        "unknown datum type {key:?} (known: {}); raw Plutus JSON has one of the keys {}, and {{\"datum_of\": NAME}} copies a UTxO's datum",
                        protocols::datum_keys().join(", "),
                        PLUTUS_KEYS.join(", ")
                    ),
                ));
            };
            let variant = protocols::variant(datum.variant);
            return self.fields(
                &datum.constructor,
                datum.key,
                variant,
                fields,
                &key_path(path, key),
            );
        }
        self.plutus(json, path)
    }

    /// `{"datum_of": NAME, "with": {FIELDS}}`: the datum of the UTxO `NAME` (resolved before
    /// this one), read as the typed datum of the fixture's protocol whose constructor index and
    /// field count it has, with the fields in `with` replaced.
    fn datum_of(&self, object: &serde_json::Map<String, Json>, path: &str) -> R<PlutusData> {
        if let Some(unknown) = object.keys().find(|k| *k != "datum_of" && *k != "with") {
            return Err(self.err(
                &key_path(path, unknown),
                format!("unknown field {unknown:?} next to \"datum_of\" (expected: with)"),
            ));
        }
        let name_path = key_path(path, "datum_of");
        let Some(Json::String(name)) = object.get("datum_of") else {
            return Err(self.err(&name_path, "expected the name of a UTxO"));
        };
        let Some((_, base)) = self.datums.iter().find(|(n, _)| n == name) else {
            let known: Vec<_> = self.datums.iter().map(|(n, _)| n.as_str()).collect();
            return Err(self.err(
                &name_path,
                format!("no datum of utxo {name:?} is known here (UTxOs with a datum, resolved before this one: {})", list(&known)),
            ));
        };
        let Some((index, fields)) = plutus::as_constr(base) else {
            return Err(self.err(
                &name_path,
                format!("the datum of utxo {name:?} is not constructor data, so it has no fields"),
            ));
        };
        let typed: Vec<_> = protocols::find(&self.protocol)
            .map(|p| p.datums)
            .unwrap_or_default()
            .iter()
            .filter(|d| d.constructor.index == index && d.constructor.fields.len() == fields.len())
            .collect();
        let [datum] = typed.as_slice() else {
            return Err(self.err(
                &name_path,
                format!("the datum of utxo {name:?} is not one typed datum of protocol {} (found {} that match its constructor {index} with {} fields)", self.protocol, typed.len(), fields.len()),
            ));
        };
        let mut fields = fields.to_vec();
        let with_path = key_path(path, "with");
        let changes = match object.get("with") {
            None => &serde_json::Map::new(),
            Some(Json::Object(changes)) => changes,
            Some(other) => {
                return Err(self.err(
                    &with_path,
                    format!(
                        "expected an object of {} fields, found {}",
                        datum.key,
                        found(other)
                    ),
                ));
            }
        };
        let variant = protocols::variant(datum.variant);
        for (key, value) in changes {
            let Some(at) = datum.constructor.fields.iter().position(|f| f.name == key) else {
                let names: Vec<_> = datum.constructor.fields.iter().map(|f| f.name).collect();
                return Err(self.err(
                    &key_path(&with_path, key),
                    format!(
                        "unknown field {key:?} of {} (expected: {})",
                        datum.key,
                        names.join(", ")
                    ),
                ));
            };
            let kind = datum.constructor.fields[at].kind;
            fields[at] = self.field(kind, variant, datum.key, value, &key_path(&with_path, key))?;
        }
        Ok(Data::constr(index, fields))
    }

    /// The redeemer of an execution by `cred`; `parent` is the path of the object that holds the
    /// `redeemer` field.
    pub(super) fn redeemer(
        &self,
        json: Option<&Json>,
        parent: &str,
        cred: &Cred,
        what: &str,
    ) -> R<Option<PlutusData>> {
        let path = key_path(parent, "redeemer");
        match (cred.executor, json) {
            (Executor::Key | Executor::Native, Some(_)) => Err(self.err(
                &path,
                format!("{what} is locked by {}, which takes no redeemer (only Plutus scripts do); remove it", cred.label),
            )),
            (Executor::Key | Executor::Native, None) | (Executor::Unknown, None) => Ok(None),
            (Executor::Deployed(name), None) => Err(self.err(
                parent,
                format!("missing field \"redeemer\": {what} runs script {name}, which needs a redeemer"),
            )),
            (Executor::Deployed(name), Some(json)) => self.redeemer_data(json, &path, Some(name), &cred.label).map(Some),
            (Executor::Unknown, Some(json)) => self.redeemer_data(json, &path, None, &cred.label).map(Some),
        }
    }

    fn redeemer_data(
        &self,
        json: &Json,
        path: &str,
        script: Option<&str>,
        label: &str,
    ) -> R<PlutusData> {
        if !matches!(json, Json::String(_)) {
            match single_entry(json) {
                Some((key, _)) if !PLUTUS_KEYS.contains(&key) => {}
                _ if json.is_object() => return self.plutus(json, path),
                _ => {
                    return Err(self.err(
                        path,
                        format!(
                            "expected a redeemer constructor name, {{\"Name\": {{FIELDS}}}} or raw Plutus JSON, found {}",
                            found(json)
                        ),
                    ));
                }
            }
        }
        let Some(script) = script else {
            return Err(self.err(
                path,
                format!("typed redeemer {} needs a deployment script, but {label} is not one (write raw Plutus JSON)", found(json)),
            ));
        };
        let constructors = match protocols::script(script) {
            Some(info) => info.redeemers,
            None => {
                return Err(self.err(
                    path,
                    format!(
                        "script {script} has no typed redeemers (write raw Plutus JSON), found {}",
                        found(json)
                    ),
                ));
            }
        };
        let of = format!(" for {label}");
        self.constructor_value(constructors, "redeemer ", &of, None, json, path)
    }

    /// One of `constructors`, written `"Name"` or `{"Name": {FIELDS}}`. Messages say `unknown
    /// {what}constructor "Name"{of}` (`what` = `"redeemer "`, `of` = `" for script proxy"`).
    fn constructor_value(
        &self,
        constructors: &[Constructor],
        what: &str,
        of: &str,
        variant: Option<&BeaconVariant>,
        json: &Json,
        path: &str,
    ) -> R<PlutusData> {
        let (name, fields) = match json {
            Json::String(name) => (name.as_str(), None),
            _ => match single_entry(json) {
                Some((name, fields)) => (name, Some(fields)),
                None => {
                    return Err(self.err(
                        path,
                        format!(
                            "expected a constructor name or {{\"Name\": {{FIELDS}}}}, found {}",
                            found(json)
                        ),
                    ));
                }
            },
        };
        let Some(constructor) = constructors.iter().find(|c| c.name == name) else {
            let known: Vec<_> = constructors.iter().map(|c| c.name).collect();
            let at = if fields.is_some() {
                key_path(path, name)
            } else {
                path.to_string()
            };
            return Err(self.err(
                &at,
                format!(
                    "unknown {what}constructor {name:?}{of} (known: {})",
                    known.join(", ")
                ),
            ));
        };
        match fields {
            None if constructor.fields.is_empty() => {
                Ok(Data::constr(constructor.index, Vec::new()))
            }
            None => {
                let names: Vec<_> = constructor.fields.iter().map(|f| f.name).collect();
                Err(self.err(
                    path,
                    format!(
                        "{what}{name} has fields ({}): write {{\"{name}\": {{…}}}}, found the bare name",
                        names.join(", ")
                    ),
                ))
            }
            Some(fields) => self.fields(constructor, name, variant, fields, &key_path(path, name)),
        }
    }

    /// A typed constructor's fields object: every field required, no others.
    pub(super) fn fields(
        &self,
        constructor: &Constructor,
        owner: &str,
        variant: Option<&BeaconVariant>,
        json: &Json,
        path: &str,
    ) -> R<PlutusData> {
        let names: Vec<_> = constructor.fields.iter().map(|f| f.name).collect();
        let Json::Object(object) = json else {
            return Err(self.err(
                path,
                format!(
                    "expected an object with the fields of {owner} ({}), found {}",
                    names.join(", "),
                    found(json)
                ),
            ));
        };
        if let Some(unknown) = object.keys().find(|k| !names.contains(&k.as_str())) {
            return Err(self.err(
                &key_path(path, unknown),
                format!(
                    "unknown field {unknown:?} of {owner} (expected: {})",
                    names.join(", ")
                ),
            ));
        }
        let mut data = Vec::with_capacity(constructor.fields.len());
        for field in constructor.fields {
            let Some(value) = object.get(field.name) else {
                return Err(self.err(path, format!("missing field {:?} of {owner}", field.name)));
            };
            data.push(self.field(
                field.kind,
                variant,
                owner,
                value,
                &key_path(path, field.name),
            )?);
        }
        Ok(Data::constr(constructor.index, data))
    }

    /// One field of type `kind`; `variant` names the beacon functions of `owner`, the typed
    /// form the field belongs to.
    fn field(
        &self,
        kind: Type,
        variant: Option<&BeaconVariant>,
        owner: &str,
        json: &Json,
        path: &str,
    ) -> R<PlutusData> {
        if let Some(("raw", raw)) = single_entry(json) {
            return self.plutus(raw, &key_path(path, "raw"));
        }
        match kind {
            Type::Bytes | Type::PolicyId | Type::AssetName | Type::Beacon => self
                .bytes_field(kind, variant, owner, json, path)
                .map(Data::bytestring),
            Type::Asset | Type::Credential | Type::Address | Type::OutRef => {
                self.ledger_field(kind, json, path)
            }
            Type::Option(_) | Type::List(_) | Type::Tuple(_) | Type::Map(..) | Type::Sum(_) => {
                self.composite_field(kind, variant, owner, json, path)
            }
            _ => self.scalar_field(kind, json, path),
        }
    }

    /// A field of a type written as a string that becomes bytes.
    fn bytes_field(
        &self,
        kind: Type,
        variant: Option<&BeaconVariant>,
        owner: &str,
        json: &Json,
        path: &str,
    ) -> R<Vec<u8>> {
        let what = match kind {
            Type::PolicyId => "a script name, token alias, \"ADA\" or hex",
            Type::AssetName => "a token alias, \"ADA\" or hex",
            Type::Beacon => "a beacon expression or hex",
            _ => "hex",
        };
        let text = json
            .as_str()
            .ok_or_else(|| self.expected(what, json, path))?;
        match kind {
            Type::PolicyId => self.policy_id(text, path),
            Type::AssetName => match self.alias(text) {
                Some(asset) => Ok(asset.1.clone()),
                None if is_lower_hex(text) => self.hex(text, path, "an asset name"),
                None => Err(self.err(
                    path,
                    format!(
                        "unknown token alias {text:?} (known: {}), and not lowercase hex",
                        self.aliases()
                    ),
                )),
            },
            Type::Beacon if text.contains('(') => match variant {
                Some(variant) => self.beacon(variant, owner, text, path),
                None => Err(self.err(
                    path,
                    format!("{owner} has no beacon variant: write the name as hex"),
                )),
            },
            Type::Beacon => self.hex(text, path, "a beacon name"),
            _ => self.hex(text, path, "bytes"),
        }
    }

    /// A field of a numeric or Boolean type.
    fn scalar_field(&self, kind: Type, json: &Json, path: &str) -> R<PlutusData> {
        Ok(match kind {
            Type::Time => Data::integer(self.time(json, path)?),
            Type::InputIndex => Data::integer(self.input_index(json, path)?),
            Type::Bool => {
                let value = json.as_bool();
                let value = value.ok_or_else(|| self.expected("true or false", json, path))?;
                Data::constr(u64::from(value), Vec::new())
            }
            Type::Rational => Data::constr(0, self.num_den(json, path)?),
            Type::Fraction => Data::list(self.num_den(json, path)?),
            _ => Data::integer(self.integer(json, path)?),
        })
    }

    /// A field of a ledger type: an asset, a credential, an address, an output reference.
    fn ledger_field(&self, kind: Type, json: &Json, path: &str) -> R<PlutusData> {
        Ok(match (kind, json) {
            (Type::Asset, Json::String(text)) => {
                let (policy, name) = self.alias(text).ok_or_else(|| {
                    let known = self.aliases();
                    self.err(
                        path,
                        format!("unknown token alias {text:?} (known: {known})"),
                    )
                })?;
                let parts = [policy, name].map(|p| Data::bytestring(p.clone()));
                Data::list(parts.to_vec())
            }
            (Type::Asset, _) => self.field(ASSET_PAIR, None, "an asset", json, path)?,
            (Type::Credential, _) => {
                let spec: CredentialSpec = self.deserialize_at(json, path)?;
                plutus::credential(&self.credential_of(&spec, path)?.credential)
            }
            (Type::Address, _) => {
                let spec: AddressSpec = self.deserialize_at(json, path)?;
                plutus::address(&self.address_of(&spec, path)?.0)
            }
            _ => plutus::out_ref(&match single_entry(json) {
                Some(("utxo", Json::String(name))) => {
                    self.utxo_ref(name, &key_path(path, "utxo"))?
                }
                Some(("ref", Json::String(text))) => self.out_ref(text, &key_path(path, "ref"))?,
                _ => {
                    let what = "{\"utxo\": NAME} or {\"ref\": \"<64 hex>#<index>\"}";
                    return Err(self.expected(what, json, path));
                }
            }),
        })
    }

    /// A field of a type made of others: Option, list, tuple, map, sum.
    fn composite_field(
        &self,
        kind: Type,
        variant: Option<&BeaconVariant>,
        owner: &str,
        json: &Json,
        path: &str,
    ) -> R<PlutusData> {
        let one = |kind: Type, item: &Json, at: &str| self.field(kind, variant, owner, item, at);
        let array = |what: &str| {
            json.as_array()
                .ok_or_else(|| self.expected(what, json, path))
        };
        Ok(match kind {
            Type::Option(_) if json.is_null() => Data::constr(1, Vec::new()),
            Type::Option(inner) => Data::constr(0, vec![one(*inner, json, path)?]),
            Type::List(inner) => {
                let items = array("an array")?.iter().enumerate();
                let data = items.map(|(i, item)| one(*inner, item, &index_path(path, i)));
                Data::list(data.collect::<R<Vec<_>>>()?)
            }
            Type::Tuple(types) => {
                let what = format!("an array of {} elements", types.len());
                let items = array(&what)?;
                if items.len() != types.len() {
                    return Err(self.expected(&what, json, path));
                }
                let data = items.iter().zip(types).enumerate();
                let data = data.map(|(i, (item, t))| one(*t, item, &index_path(path, i)));
                Data::list(data.collect::<R<Vec<_>>>()?)
            }
            Type::Map(key, value) => {
                let mut pairs = Vec::new();
                for (i, entry) in array("an array of [KEY, VALUE] pairs")?.iter().enumerate() {
                    let at = index_path(path, i);
                    let Some([k, v]) = entry.as_array().map(Vec::as_slice) else {
                        let message =
                            format!("expected a [KEY, VALUE] pair, found {}", found(entry));
                        return Err(self.err(&at, message));
                    };
                    let k = one(*key, k, &index_path(&at, 0))?;
                    pairs.push((k, one(*value, v, &index_path(&at, 1))?));
                }
                Data::map(pairs)
            }
            Type::Sum(constructors) => {
                let of = format!(" in {owner}");
                self.constructor_value(constructors, "", &of, variant, json, path)?
            }
            _ => return Err(self.expected("a value of a composite type", json, path)),
        })
    }

    /// "expected WHAT (or {"raw": PLUTUS_JSON}), found …" at `path`.
    fn expected(&self, what: &str, json: &Json, path: &str) -> Error {
        let message = format!(
            "expected {what} (or {{\"raw\": PLUTUS_JSON}}), found {}",
            found(json)
        );
        self.err(path, message)
    }

    /// `{"num": INT, "den": INT}`, as two integer data.
    fn num_den(&self, json: &Json, path: &str) -> R<Vec<PlutusData>> {
        let Some(object) = json.as_object() else {
            return Err(self.err(
                path,
                format!(
                    "expected {{\"num\": INT, \"den\": INT}}, found {}",
                    found(json)
                ),
            ));
        };
        if let Some(unknown) = object.keys().find(|k| *k != "num" && *k != "den") {
            return Err(self.err(
                &key_path(path, unknown),
                format!("unknown field {unknown:?} of a rational (expected: num, den)"),
            ));
        }
        ["num", "den"]
            .into_iter()
            .map(|part| {
                let value = object.get(part).ok_or_else(|| {
                    self.err(path, format!("missing field {part:?} of a rational"))
                })?;
                Ok(Data::integer(self.integer(value, &key_path(path, part))?))
            })
            .collect()
    }

    /// An integer, or the name of a spent UTxO: its position in the ledger's input order.
    fn input_index(&self, json: &Json, path: &str) -> R<BigInt> {
        let Json::String(name) = json else {
            return self.integer(json, path);
        };
        if is_decimal(name) {
            return self.integer(json, path);
        }
        let position = self.sorted_inputs.iter().position(|n| n == name);
        position.map(BigInt::from).ok_or_else(|| {
            self.err(
                path,
                format!(
                    "utxo {name:?} is not a spent input (inputs: {})",
                    list(&self.sorted_inputs)
                ),
            )
        })
    }

    /// A POSIX time in milliseconds: an integer, `{"slot": N}`, or `{"from": MS}` / `{"to": MS}`
    /// relative to the validity interval's bounds.
    fn time(&self, json: &Json, path: &str) -> R<BigInt> {
        let Some((key, value)) = single_entry(json) else {
            return self.integer(json, path);
        };
        let inner = key_path(path, key);
        let slot = match key {
            "slot" => {
                let n = self.integer(value, &inner)?;
                return self.posix(u64::try_from(&n).ok(), &inner);
            }
            "from" => self.validity.0,
            "to" => self.validity.1,
            _ => {
                return Err(self.err(
                    path,
                    format!("expected a POSIX time: an integer, {{\"slot\": N}}, {{\"from\": MS}} or {{\"to\": MS}}, found {}", found(json)),
                ));
            }
        };
        if slot.is_none() {
            return Err(self.err(
                &inner,
                format!("a time relative to the validity interval's {key:?} bound needs $.tx.validity.{key}"),
            ));
        }
        Ok(self.posix(slot, &inner)? + self.integer(value, &inner)?)
    }

    /// The POSIX time at which `slot` starts, through the parameter file's slot configuration.
    fn posix(&self, slot: Option<u64>, path: &str) -> R<BigInt> {
        let c = &self.slots;
        match slot {
            Some(slot) if slot >= c.zero_slot => Ok(BigInt::from(c.zero_time)
                + BigInt::from(slot - c.zero_slot) * BigInt::from(c.slot_length)),
            _ => Err(self.err(
                path,
                format!(
                    "expected a slot at or after the parameter set's zero_slot {}",
                    c.zero_slot
                ),
            )),
        }
    }

    /// Raw Plutus Data in cardano-cli's detailed JSON schema.
    pub(super) fn plutus(&self, json: &Json, path: &str) -> R<PlutusData> {
        let expected = "expected Plutus Data JSON: {\"constructor\": N, \"fields\": [...]}, {\"int\": N}, {\"bytes\": HEX}, {\"list\": [...]} or {\"map\": [{\"k\": .., \"v\": ..}]}";
        let Json::Object(object) = json else {
            return Err(self.err(path, format!("{expected}, found {}", found(json))));
        };
        if object.contains_key("constructor") || object.contains_key("fields") {
            if let Some(unknown) = object
                .keys()
                .find(|k| *k != "constructor" && *k != "fields")
            {
                return Err(self.err(
                    &key_path(path, unknown),
                    format!("unknown field {unknown:?} next to \"constructor\""),
                ));
            }
            let index_json = object
                .get("constructor")
                .ok_or_else(|| self.err(path, "missing field \"constructor\""))?;
            let index_path_ = key_path(path, "constructor");
            let index = self.integer(index_json, &index_path_)?;
            let index = u64::try_from(index).map_err(|_| {
                self.err(
                    &index_path_,
                    format!(
                        "expected a non-negative constructor index, found {}",
                        found(index_json)
                    ),
                )
            })?;
            let fields_path = key_path(path, "fields");
            let Some(Json::Array(items)) = object.get("fields") else {
                return Err(self.err(path, "missing field \"fields\" (an array)"));
            };
            let fields = items
                .iter()
                .enumerate()
                .map(|(i, item)| self.plutus(item, &index_path(&fields_path, i)))
                .collect::<R<Vec<_>>>()?;
            return Ok(Data::constr(index, fields));
        }
        let Some((key, value)) = single_entry(json) else {
            return Err(self.err(path, format!("{expected}, found {}", found(json))));
        };
        let inner = key_path(path, key);
        match (key, value) {
            ("int", value) => Ok(Data::integer(self.integer(value, &inner)?)),
            ("bytes", Json::String(text)) => Ok(Data::bytestring(self.hex(text, &inner, "bytes")?)),
            ("bytes", Json::Object(_)) => Ok(Data::bytestring(self.symbolic_bytes(value, &inner)?)),
            ("address", _) => self.field(Type::Address, None, "raw data", value, &inner),
            ("credential", _) => self.field(Type::Credential, None, "raw data", value, &inner),
            ("out_ref", _) => self.field(Type::OutRef, None, "raw data", value, &inner),
            ("time", _) => self.field(Type::Time, None, "raw data", value, &inner),
            ("input_index", _) => Ok(Data::integer(self.input_index(value, &inner)?)),
            ("list", Json::Array(items)) => Ok(Data::list(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| self.plutus(item, &index_path(&inner, i)))
                    .collect::<R<Vec<_>>>()?,
            )),
            ("map", Json::Array(entries)) => {
                let mut pairs = Vec::with_capacity(entries.len());
                for (i, entry) in entries.iter().enumerate() {
                    let epath = index_path(&inner, i);
                    let object = entry
                        .as_object()
                        .filter(|o| o.len() == 2 && o.contains_key("k") && o.contains_key("v"));
                    let Some(object) = object else {
                        return Err(self.err(
                            &epath,
                            format!(
                                "expected {{\"k\": DATA, \"v\": DATA}}, found {}",
                                found(entry)
                            ),
                        ));
                    };
                    let k = self.plutus(&object["k"], &key_path(&epath, "k"))?;
                    let v = self.plutus(&object["v"], &key_path(&epath, "v"))?;
                    pairs.push((k, v));
                }
                Ok(Data::map(pairs))
            }
            ("bytes", other) => Err(self.err(
                &inner,
                format!(
                    "expected a hex string or a symbolic name, found {}",
                    found(other)
                ),
            )),
            ("list" | "map", other) => {
                Err(self.err(&inner, format!("expected an array, found {}", found(other))))
            }
            _ => Err(self.err(path, format!("{expected}, found {}", found(json)))),
        }
    }
}

impl Resolver<'_> {
    /// Bytes named symbolically inside raw Data: `{"script": NAME}` (its hash), `{"key": NAME}`
    /// (its hash), `{"native": NAME}` (the hash of that key's native script), `{"policy": P}`
    /// (a script's hash or an alias's policy), `{"asset_name": ALIAS}`, `{"tx_id": UTXO}` (the
    /// UTxO's transaction id) or `{"beacon": "POLICY:EXPRESSION"}` (a beacon's token name).
    fn symbolic_bytes(&self, json: &Json, path: &str) -> R<Vec<u8>> {
        const FORMS: &str = "{\"script\": NAME}, {\"key\": NAME}, {\"native\": NAME}, {\"policy\": P}, {\"asset_name\": ALIAS}, {\"tx_id\": UTXO} or {\"beacon\": \"POLICY:EXPRESSION\"}";
        let Some((form, Json::String(name))) = single_entry(json) else {
            return Err(self.err(path, format!("expected {FORMS}, found {}", found(json))));
        };
        let at = key_path(path, form);
        let credential = |spec| self.credential_of(&spec, path).map(|c| c.credential);
        Ok(match form {
            "script" => self.deployed(name, &at)?.credential.hash().to_vec(),
            "key" => credential(CredentialSpec::Key(name.clone()))?
                .hash()
                .to_vec(),
            "native" => credential(CredentialSpec::Native(name.clone()))?
                .hash()
                .to_vec(),
            "policy" => self.policy_id(name, &at)?,
            "asset_name" => match self.alias(name) {
                Some((_, asset_name)) => asset_name.clone(),
                None => {
                    let known = self.aliases();
                    return Err(self.err(
                        &at,
                        format!("unknown token alias {name:?} (known: {known})"),
                    ));
                }
            },
            "tx_id" => self.utxo_ref(name, &at)?.tx_id.to_vec(),
            "beacon" => {
                let Some((policy, expression)) = name.split_once(':') else {
                    return Err(self.err(
                        &at,
                        format!("expected \"POLICY:EXPRESSION\", found {name:?}"),
                    ));
                };
                let policy = self.policy(policy, &at)?;
                self.asset_name(&policy, expression, &at)?
            }
            _ => return Err(self.err(path, format!("expected {FORMS}, found {}", found(json)))),
        })
    }
}

/// An asset written as `[POLICY, NAME]`.
const ASSET_PAIR: Type = Type::Tuple(&[Type::PolicyId, Type::AssetName]);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        deploy::Build,
        protocols::{BeaconFn, Field},
    };
    use sha2::{Digest, Sha256};

    const T_POLICY: &str = "c0f8644a01a6bf5db02f4afe30d604975e63dd274f1098a1738e561d";
    /// The offer of the loans spec's Loan ID examples (§4.6).
    const OFFER_TX: &str = "0517795a270cf535deec2c393a70d00e5833cda0e68e20b58a261a63f71917e2";

    /// A resolver with token `T` (spec policy, name `TestToken1`), UTxOs `a` and `offer`
    /// (both spent) and the validity interval [`from`, `to`) in slots.
    fn resolver(validity: (Option<u64>, Option<u64>)) -> Resolver<'static> {
        let out_ref = |id: &str| OutRef {
            tx_id: hex::decode(id).unwrap().try_into().unwrap(),
            index: 0,
        };
        Resolver {
            file: "t.json".into(),
            deployment: Deployment::of(Build::Record).unwrap(),
            slots: crate::params::Params::mainnet().unwrap().slot_config,
            validity,
            protocol: "swaps".into(),
            datums: Vec::new(),
            tokens: vec![
                ("ADA".into(), (vec![], vec![])),
                (
                    "T".into(),
                    (hex::decode(T_POLICY).unwrap(), b"TestToken1".to_vec()),
                ),
            ],
            refs: vec![
                ("a".into(), out_ref(&"11".repeat(32))),
                ("offer".into(), out_ref(OFFER_TX)),
            ],
            sorted_inputs: vec!["offer".into(), "a".into()],
            keys: BTreeMap::new(),
            natives: BTreeMap::new(),
            ledger: Vec::new(),
            spent: BTreeMap::new(),
        }
    }

    fn cbor(kind: Type, json: &str) -> String {
        cbor_at(
            &resolver((Some(150_000_000), Some(150_003_600))),
            kind,
            json,
        )
    }

    fn cbor_at(r: &Resolver, kind: Type, json: &str) -> String {
        let json: Json = serde_json::from_str(json).unwrap();
        let data = r
            .field(kind, Some(&LOANS_LIKE), "test", &json, "$.f")
            .unwrap_or_else(|e| panic!("{e}"));
        hex::encode(pallas_codec::minicbor::to_vec(&data).unwrap())
    }

    fn error(kind: Type, json: &str) -> String {
        let r = resolver((None, None));
        let json: Json = serde_json::from_str(json).unwrap();
        r.field(kind, Some(&LOANS_LIKE), "test", &json, "$.f")
            .unwrap_err()
            .to_string()
    }

    fn sha(parts: &[&[u8]]) -> Vec<u8> {
        let mut h = Sha256::new();
        parts.iter().for_each(|p| h.update(p));
        h.finalize().to_vec()
    }

    /// Beacon functions of the shapes loans, options and aftermarket need (their specs §4).
    const LOANS_LIKE: BeaconVariant = BeaconVariant {
        name: "test",
        functions: &[
            BeaconFn {
                name: "ask",
                usage: "ask()",
                derive: Derive::Fixed(b"Ask"),
            },
            BeaconFn {
                name: "lender",
                usage: "lender(CREDENTIAL)",
                derive: Derive::Credential(|c| match c {
                    Credential::Key(h) => [&[0u8][..], h].concat(),
                    Credential::Script(h) => [&[1u8][..], h].concat(),
                }),
            },
            BeaconFn {
                name: "loan",
                usage: "loan(UTXO)",
                derive: Derive::OutRef(|r| sha(&[&r.tx_id, r.index.to_string().as_bytes()])),
            },
            BeaconFn {
                name: "policy",
                usage: "policy(POLICY)",
                derive: Derive::Policy(|p| sha(&[&[0], p])),
            },
        ],
    };

    #[test]
    fn tuples_lists_maps_and_fractions_encode_as_lists_and_maps() {
        let asset = "9f581cc0f8644a01a6bf5db02f4afe30d604975e63dd274f1098a1738e561d4a54657374546f6b656e31ff";
        assert_eq!(cbor(Type::Asset, r#""T""#), asset);
        assert_eq!(cbor(Type::Asset, r#"["T", "T"]"#), asset);
        assert_eq!(cbor(Type::Asset, r#""ADA""#), "9f4040ff");
        assert_eq!(
            cbor(Type::Fraction, r#"{"num": 3, "den": 100}"#),
            "9f031864ff"
        );
        assert_eq!(cbor(Type::List(&Type::Int), "[1, 2]"), "9f0102ff");
        assert_eq!(cbor(Type::List(&Type::Int), "[]"), "80");
        let pairs = Type::Map(&Type::Asset, &Type::Fraction);
        assert_eq!(
            cbor(pairs, r#"[["ADA", {"num": 1, "den": 2}]]"#),
            "a19f4040ff9f0102ff"
        );
        let collateral = Type::Map(&Type::PolicyId, &Type::AssetName);
        assert_eq!(
            cbor(collateral, r#"[["T", "T"]]"#),
            format!("a1581c{T_POLICY}4a54657374546f6b656e31")
        );
        let triple = Type::Tuple(&[Type::Int, Type::Bytes, Type::Bool]);
        assert_eq!(cbor(triple, r#"[7, "ab", true]"#), "9f0741abd87a80ff");
        assert!(error(triple, "[7]").contains("expected an array of 3 elements"));
    }

    #[test]
    fn bool_option_and_sum_types_encode_as_constructors() {
        assert_eq!(cbor(Type::Bool, "false"), "d87980");
        assert_eq!(cbor(Type::Bool, "true"), "d87a80");
        assert_eq!(cbor(Type::Option(&Type::Int), "null"), "d87a80");
        assert_eq!(cbor(Type::Option(&Type::Int), "5"), "d8799f05ff");
        const PENALTY: Type = Type::Sum(&[
            Constructor {
                name: "NoPenalty",
                index: 0,
                fields: &[],
            },
            Constructor {
                name: "FixedFee",
                index: 1,
                fields: &[Field {
                    name: "fee",
                    kind: Type::Int,
                }],
            },
            Constructor {
                name: "PercentFee",
                index: 2,
                fields: &[Field {
                    name: "percent",
                    kind: Type::Fraction,
                }],
            },
        ]);
        assert_eq!(cbor(PENALTY, r#""NoPenalty""#), "d87980");
        assert_eq!(cbor(PENALTY, r#"{"FixedFee": {"fee": 2}}"#), "d87a9f02ff");
        assert_eq!(
            cbor(
                PENALTY,
                r#"{"PercentFee": {"percent": {"num": 1, "den": 10}}}"#
            ),
            "d87b9f9f010affff"
        );
        assert_eq!(
            cbor(
                Type::List(&PENALTY),
                r#"["NoPenalty", {"FixedFee": {"fee": 2}}]"#
            ),
            "9fd87980d87a9f02ffff"
        );
        let bare = error(PENALTY, r#""FixedFee""#);
        assert!(bare.contains("FixedFee has fields (fee)"), "{bare}");
        let unknown = error(PENALTY, r#""Late""#);
        assert!(
            unknown.contains(
                r#"unknown constructor "Late" in test (known: NoPenalty, FixedFee, PercentFee)"#
            ),
            "{unknown}"
        );
        assert_eq!(cbor(PENALTY, r#"{"raw": {"int": 1}}"#), "01");
    }

    #[test]
    fn credentials_addresses_and_output_references_are_fields() {
        let alice = hex::encode(*crate::keys::Key::named("alice").hash);
        assert_eq!(
            cbor(Type::Credential, r#"{"key": "alice"}"#),
            format!("d8799f581c{alice}ff")
        );
        let proxy = hex::encode(
            Deployment::of(Build::Record)
                .unwrap()
                .script("proxy")
                .unwrap()
                .hash,
        );
        assert_eq!(
            cbor(
                Type::Address,
                r#"{"payment": {"script": "proxy"}, "stake": {"key": "alice"}}"#
            ),
            format!("d8799fd87a9f581c{proxy}ffd8799fd8799fd8799f581c{alice}ffffffff")
        );
        assert_eq!(
            cbor(Type::OutRef, r#"{"utxo": "offer"}"#),
            format!("d8799fd8799f5820{OFFER_TX}ff00ff")
        );
        assert_eq!(cbor(Type::Option(&Type::OutRef), "null"), "d87a80");
        let unknown = error(Type::Address, r#"{"payment": {"key": ""}}"#);
        assert!(
            unknown.contains("$.f.payment.key: expected a key name"),
            "{unknown}"
        );
    }

    #[test]
    fn beacon_names_derive_from_credentials_output_references_policies_and_fixed_text() {
        let beacon = |text: &str| cbor(Type::Beacon, &format!("{text:?}"));
        assert_eq!(beacon("ask()"), "4341736b");
        let key = "3cefec09a27b6894e2ed9a78b9cc01f083973d7c0afb8cec8bda33fa";
        assert_eq!(
            beacon(&format!("lender(key_hash:{key})")),
            format!("581d00{key}")
        );
        let script = "12583015ca6846689dd6274271a537c7d40a6a71ce21da0be27a7117";
        assert_eq!(
            beacon(&format!("lender(script_hash:{script})")),
            format!("581d01{script}")
        );
        // The loans spec's worked Loan IDs (§4.6), by UTxO name and by reference.
        let loan_id = "d58bc66b3f3778e572797ee4d96d0f81adda164f7865c452e682cf28bcec6362";
        assert_eq!(beacon("loan(offer)"), format!("5820{loan_id}"));
        let index_12 = "49d0c5aef8723b6b51b0615ceb3521d3b76d41d5dbe3d973636596ae3e477ade";
        assert_eq!(
            beacon(&format!("loan({OFFER_TX}#12)")),
            format!("5820{index_12}")
        );
        // The aftermarket spec's policy beacon (§4.3).
        let policy = "79ef91e2c75eeb620979fbcdc8a6ffe8d79eefb16a9356510f25b5cd";
        let policy_beacon = "3d6264ff1deeb777b1f10bcde39774beee2b94d4c0769be93f0fdc24a66911cf";
        assert_eq!(
            beacon(&format!("policy({policy})")),
            format!("5820{policy_beacon}")
        );
        assert!(
            error(Type::Beacon, r#""lender(alice)""#).contains("expected a credential key:NAME")
        );
        assert!(error(Type::Beacon, r#""ask(T)""#).contains("ask takes 0 argument(s)"));
    }

    #[test]
    fn times_follow_the_validity_interval_through_the_slot_configuration() {
        let c = crate::params::Params::mainnet().unwrap().slot_config;
        let posix = |slot: u64| c.zero_time + (slot - c.zero_slot) * u64::from(c.slot_length);
        let int =
            |n: u64| hex::encode(pallas_codec::minicbor::to_vec(Data::integer(n.into())).unwrap());
        assert_eq!(cbor(Type::Time, r#"{"from": 0}"#), int(posix(150_000_000)));
        assert_eq!(
            cbor(Type::Time, r#"{"to": -1}"#),
            int(posix(150_003_600) - 1)
        );
        assert_eq!(
            cbor(Type::Time, r#"{"to": 3600000}"#),
            int(posix(150_003_600) + 3_600_000)
        );
        assert_eq!(
            cbor(Type::Time, r#"{"slot": 150000001}"#),
            int(posix(150_000_001))
        );
        assert_eq!(cbor(Type::Time, "1700000000000"), int(1_700_000_000_000));
        let missing = error(Type::Time, r#"{"to": 0}"#);
        assert!(missing.contains("needs $.tx.validity.to"), "{missing}");
        let early = error(Type::Time, r#"{"slot": 0}"#);
        assert!(
            early.contains("at or after the parameter set's zero_slot"),
            "{early}"
        );
        // Another slot configuration moves the time with the interval.
        let mut r = resolver((Some(150_000_000), None));
        r.slots.zero_time += 1000;
        assert_eq!(
            cbor_at(&r, Type::Time, r#"{"from": 0}"#),
            int(posix(150_000_000) + 1000)
        );
    }

    #[test]
    fn input_indexes_are_positions_in_the_ledger_order() {
        assert_eq!(cbor(Type::InputIndex, r#""a""#), "01");
        assert_eq!(cbor(Type::InputIndex, r#""offer""#), "00");
        assert_eq!(cbor(Type::InputIndex, "5"), "05");
        assert!(error(Type::InputIndex, r#""b""#).contains("is not a spent input"));
        let r = resolver((None, None));
        let raw = |json: &str| r.plutus(&serde_json::from_str(json).unwrap(), "$.r");
        let cbor = |data: PlutusData| hex::encode(pallas_codec::minicbor::to_vec(&data).unwrap());
        assert_eq!(cbor(raw(r#"{"input_index": "a"}"#).unwrap()), "01");
        let missing = raw(r#"{"input_index": "b"}"#).unwrap_err().to_string();
        assert!(missing.contains("$.r.input_index") && missing.contains("is not a spent input"));
    }

    #[test]
    fn raw_data_may_name_scripts_keys_utxos_assets_and_ledger_values() {
        let r = resolver((Some(150_000_000), None));
        let raw = |json: &str| {
            let data = r
                .plutus(&serde_json::from_str(json).unwrap(), "$.d")
                .unwrap();
            hex::encode(pallas_codec::minicbor::to_vec(&data).unwrap())
        };
        let deployment = Deployment::of(Build::Record).unwrap();
        let proxy = hex::encode(deployment.script("proxy").unwrap().hash);
        let alice = hex::encode(*crate::keys::Key::named("alice").hash);
        assert_eq!(
            raw(r#"{"bytes": {"script": "proxy"}}"#),
            format!("581c{proxy}")
        );
        assert_eq!(
            raw(r#"{"bytes": {"key": "alice"}}"#),
            format!("581c{alice}")
        );
        assert_eq!(
            raw(r#"{"bytes": {"tx_id": "offer"}}"#),
            format!("5820{OFFER_TX}")
        );
        assert_eq!(
            raw(r#"{"bytes": {"policy": "T"}}"#),
            format!("581c{T_POLICY}")
        );
        assert_eq!(
            raw(r#"{"bytes": {"asset_name": "T"}}"#),
            "4a54657374546f6b656e31"
        );
        let native =
            hex::encode(native_script_hash(*crate::keys::Key::named("alice").hash).unwrap());
        assert_eq!(
            raw(r#"{"bytes": {"native": "alice"}}"#),
            format!("581c{native}")
        );
        // Ledger values inside raw data take their typed forms.
        let composite = raw(
            r#"{"constructor": 0, "fields": [{"credential": {"key": "alice"}}, {"out_ref": {"utxo": "offer"}}, {"time": {"from": 1}}]}"#,
        );
        let c = crate::params::Params::mainnet().unwrap().slot_config;
        let time = c.zero_time + (150_000_000 - c.zero_slot) * u64::from(c.slot_length) + 1;
        let time = hex::encode(pallas_codec::minicbor::to_vec(Data::integer(time.into())).unwrap());
        assert_eq!(
            composite,
            format!("d8799fd8799f581c{alice}ffd8799fd8799f5820{OFFER_TX}ff00ff{time}ff")
        );
        let address = raw(r#"{"address": {"payment": {"key": "alice"}}}"#);
        assert_eq!(address, format!("d8799fd8799f581c{alice}ffd87a80ff"));
        let bad = r.plutus(
            &serde_json::from_str(r#"{"bytes": {"colour": "x"}}"#).unwrap(),
            "$.d",
        );
        let message = bad.unwrap_err().to_string();
        assert!(
            message.contains(r#"$.d.bytes: expected {"script": NAME}"#),
            "{message}"
        );
        let unknown = r.plutus(
            &serde_json::from_str(r#"{"bytes": {"tx_id": "nope"}}"#).unwrap(),
            "$.d",
        );
        assert!(
            unknown
                .unwrap_err()
                .to_string()
                .contains(r#"$.d.bytes.tx_id: unknown utxo "nope""#)
        );
    }
}
