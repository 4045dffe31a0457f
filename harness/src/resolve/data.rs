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

    /// Raw Plutus JSON, or a typed form `{"ow_swap_datum": {FIELDS}}`.
    pub(super) fn datum_data(&self, json: &Json, path: &str) -> R<PlutusData> {
        if let Some((key, fields)) = single_entry(json)
            && !PLUTUS_KEYS.contains(&key)
        {
            let Some(datum) = protocols::datum_type(key) else {
                return Err(self.err(
                    &key_path(path, key),
                    format!(
                        "unknown datum type {key:?} (known: {}); raw Plutus JSON has one of the keys {}",
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

    pub(super) fn redeemer_data(
        &self,
        json: &Json,
        path: &str,
        script: Option<&str>,
        label: &str,
    ) -> R<PlutusData> {
        let (name, fields) = match json {
            Json::String(name) => (name.as_str(), None),
            Json::Object(_) => match single_entry(json) {
                Some((key, fields)) if !PLUTUS_KEYS.contains(&key) => (key, Some(fields)),
                _ => return self.plutus(json, path),
            },
            other => {
                return Err(self.err(
                    path,
                    format!(
                        "expected a redeemer constructor name, {{\"Name\": {{FIELDS}}}} or raw Plutus JSON, found {}",
                        found(other)
                    ),
                ));
            }
        };
        let constructors: &[Constructor] = match script {
            None => {
                return Err(self.err(
                    path,
                    format!("typed redeemer {name:?} needs a deployment script, but {label} is not one (write raw Plutus JSON)"),
                ));
            }
            Some(script) => match protocols::script(script) {
                Some(info) => info.redeemers,
                None => {
                    return Err(self.err(
                        path,
                        format!("script {script} has no typed redeemers (write raw Plutus JSON), found {name:?}"),
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
                    "unknown redeemer constructor {name:?} for {label} (known: {})",
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
                        "redeemer {name} has fields ({}): write {{\"{name}\": {{…}}}}, found the bare name",
                        names.join(", ")
                    ),
                ))
            }
            Some(fields) => self.fields(constructor, name, None, fields, &key_path(path, name)),
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

    pub(super) fn field(
        &self,
        kind: FieldKind,
        variant: Option<&BeaconVariant>,
        owner: &str,
        json: &Json,
        path: &str,
    ) -> R<PlutusData> {
        if let Some(("raw", raw)) = single_entry(json) {
            return self.plutus(raw, &key_path(path, "raw"));
        }
        let string = |what: &str| -> R<&str> {
            json.as_str().ok_or_else(|| {
                self.err(
                    path,
                    format!(
                        "expected {what} (or {{\"raw\": PLUTUS_JSON}}), found {}",
                        found(json)
                    ),
                )
            })
        };
        match kind {
            FieldKind::PolicyId => {
                let text = string("a script name, token alias, \"ADA\" or hex")?;
                let bytes = if let Some(asset) = self.alias(text) {
                    asset.0.clone()
                } else if let Some(script) = self.deployment.script(text) {
                    script.hash.to_vec()
                } else if is_lower_hex(text) {
                    self.hex(text, path, "a policy id")?
                } else {
                    return Err(self.err(
                        path,
                        format!(
                            "expected a script name ({}), token alias ({}) or lowercase hex, found {text:?}",
                            self.script_names(),
                            self.aliases()
                        ),
                    ));
                };
                Ok(Data::bytestring(bytes))
            }
            FieldKind::AssetName => {
                let text = string("a token alias, \"ADA\" or hex")?;
                let bytes = match self.alias(text) {
                    Some(asset) => asset.1.clone(),
                    None if is_lower_hex(text) => self.hex(text, path, "an asset name")?,
                    None => {
                        return Err(self.err(
                            path,
                            format!(
                                "unknown token alias {text:?} (known: {}), and not lowercase hex",
                                self.aliases()
                            ),
                        ));
                    }
                };
                Ok(Data::bytestring(bytes))
            }
            FieldKind::Beacon => {
                let text = string("a beacon expression or hex")?;
                if text.contains('(') {
                    let Some(variant) = variant else {
                        return Err(self.err(
                            path,
                            format!("{owner} has no beacon variant: write the name as hex"),
                        ));
                    };
                    Ok(Data::bytestring(
                        self.beacon(variant, owner, text, path)?.to_vec(),
                    ))
                } else {
                    Ok(Data::bytestring(self.hex(text, path, "a beacon name")?))
                }
            }
            FieldKind::Rational => {
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
                let mut parts = Vec::with_capacity(2);
                for part in ["num", "den"] {
                    let value = object.get(part).ok_or_else(|| {
                        self.err(path, format!("missing field {part:?} of a rational"))
                    })?;
                    parts.push(Data::integer(self.integer(value, &key_path(path, part))?));
                }
                Ok(Data::constr(0, parts))
            }
            FieldKind::PrevInput => {
                let out_ref = match single_entry(json) {
                    _ if json.is_null() => return Ok(Data::constr(1, Vec::new())),
                    Some(("utxo", Json::String(name))) => {
                        self.utxo_ref(name, &key_path(path, "utxo"))?
                    }
                    Some(("ref", Json::String(text))) => {
                        self.out_ref(text, &key_path(path, "ref"))?
                    }
                    _ => {
                        return Err(self.err(
                            path,
                            format!(
                                "expected null, {{\"utxo\": NAME}}, {{\"ref\": \"<64 hex>#<index>\"}} or {{\"raw\": PLUTUS_JSON}}, found {}",
                                found(json)
                            ),
                        ));
                    }
                };
                Ok(prev_input(&out_ref))
            }
            FieldKind::Int | FieldKind::OutputIndex => Ok(Data::integer(self.integer(json, path)?)),
            FieldKind::InputIndex => {
                if let Json::String(name) = json
                    && !is_decimal(name)
                {
                    let position = self
                        .sorted_inputs
                        .iter()
                        .position(|n| n == name)
                        .ok_or_else(|| {
                            self.err(
                                path,
                                format!(
                                    "utxo {name:?} is not a spent input (inputs: {})",
                                    list(&self.sorted_inputs)
                                ),
                            )
                        })?;
                    return Ok(Data::integer(BigInt::from(position)));
                }
                Ok(Data::integer(self.integer(json, path)?))
            }
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
                format!("expected a hex string, found {}", found(other)),
            )),
            ("list" | "map", other) => {
                Err(self.err(&inner, format!("expected an array, found {}", found(other))))
            }
            _ => Err(self.err(path, format!("{expected}, found {}", found(json)))),
        }
    }
}

/// `prev_input = Some(out_ref)` in the Plutus V2 layout (spec SWAP-V3-03):
/// `Constr 0 [Constr 0 [Constr 0 [B tx_id], I index]]`.
pub fn prev_input(out_ref: &OutRef) -> PlutusData {
    let tx_id = Data::constr(0, vec![Data::bytestring(out_ref.tx_id.to_vec())]);
    let reference = Data::constr(0, vec![tx_id, Data::integer(BigInt::from(out_ref.index))]);
    Data::constr(0, vec![reference])
}
