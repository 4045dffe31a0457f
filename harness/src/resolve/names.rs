//! Resolution of names: addresses, credentials, keys, scripts, values, policies, asset names
//! and beacon expressions.

use super::*;

impl Resolver<'_> {
    // ## Addresses, credentials, keys, scripts

    /// The address and its payment credential; the keys and native scripts it names are
    /// recorded, so the builder can sign for them.
    pub(super) fn address(&mut self, spec: &AddressSpec, path: &str) -> R<(Address, Cred)> {
        let resolved = self.address_of(spec, path)?;
        self.record(&spec.payment);
        if let Some(stake) = spec.stake.as_ref().and_then(StakeSpec::credential) {
            self.record(&stake);
        }
        Ok(resolved)
    }

    /// The address and its payment credential, recording nothing (as a datum field).
    pub(super) fn address_of(&self, spec: &AddressSpec, path: &str) -> R<(Address, Cred)> {
        let payment = self.credential_of(&spec.payment, &key_path(path, "payment"))?;
        let stake = match &spec.stake {
            None => Stake::None,
            Some(StakeSpec::Pointer([slot, tx, cert])) => Stake::Pointer(*slot, *tx, *cert),
            Some(stake) => match stake.credential() {
                Some(c) => {
                    Stake::Inline(self.credential_of(&c, &key_path(path, "stake"))?.credential)
                }
                None => Stake::None,
            },
        };
        let address = Address {
            payment: payment.credential,
            stake,
        };
        Ok((address, payment))
    }

    /// A credential the transaction exercises: resolved, and its key or native script recorded.
    /// `path` is the credential object's path; errors point inside it.
    pub(super) fn credential(&mut self, spec: &CredentialSpec, path: &str) -> R<Cred> {
        let cred = self.credential_of(spec, path)?;
        self.record(spec);
        Ok(cred)
    }

    /// Records the key, and the native script, that `spec` names (it resolved already).
    fn record(&mut self, spec: &CredentialSpec) {
        if let CredentialSpec::Key(name) | CredentialSpec::Native(name) = spec {
            let key = *Key::named(name).hash;
            self.keys.insert(key, name.clone());
            if let (CredentialSpec::Native(_), Ok(hash)) = (spec, native_script_hash(key)) {
                self.natives.insert(hash, name.clone());
            }
        }
    }

    /// A credential, recording nothing.
    pub(super) fn credential_of(&self, spec: &CredentialSpec, path: &str) -> R<Cred> {
        match spec {
            CredentialSpec::Key(name) => Ok(Cred {
                credential: Credential::Key(self.key(name, &key_path(path, "key"))?),
                executor: Executor::Key,
                label: format!("key {name}"),
            }),
            CredentialSpec::Script(name) => self.deployed(name, &key_path(path, "script")),
            CredentialSpec::Native(name) => {
                let key = self.key(name, &key_path(path, "native"))?;
                let hash = native_script_hash(key).map_err(|e| {
                    self.err(
                        &key_path(path, "native"),
                        format!("cannot encode the native script: {e}"),
                    )
                })?;
                Ok(Cred {
                    credential: Credential::Script(hash),
                    executor: Executor::Native,
                    label: format!("native script of key {name}"),
                })
            }
            CredentialSpec::KeyHash(text) => {
                let hash = self.hex_array::<28>(text, &key_path(path, "key_hash"), "a key hash")?;
                let label = match self.keys.get(&hash) {
                    Some(name) => format!("key {name}"),
                    None => format!("key hash {text}"),
                };
                Ok(Cred {
                    credential: Credential::Key(hash),
                    executor: Executor::Key,
                    label,
                })
            }
            CredentialSpec::ScriptHash(text) => {
                let hash =
                    self.hex_array::<28>(text, &key_path(path, "script_hash"), "a script hash")?;
                if let Some(s) = self.deployment.scripts.iter().find(|s| s.hash == hash) {
                    return self.deployed(s.name, path);
                }
                Ok(Cred {
                    credential: Credential::Script(hash),
                    executor: Executor::Unknown,
                    label: format!("script hash {text}"),
                })
            }
        }
    }

    /// A deployment script as a credential.
    pub(super) fn deployed(&self, name: &str, path: &str) -> R<Cred> {
        let script = self
            .deployment
            .script(name)
            .ok_or_else(|| self.unknown_script(name, path))?;
        Ok(Cred {
            credential: Credential::Script(script.hash),
            executor: Executor::Deployed(script.name),
            label: format!("script {}", script.name),
        })
    }

    pub(super) fn unknown_script(&self, name: &str, path: &str) -> Error {
        self.err(
            path,
            format!("unknown script {name:?} (known: {})", self.script_names()),
        )
    }

    pub(super) fn script_names(&self) -> String {
        let mut names: Vec<_> = self.deployment.scripts.iter().map(|s| s.name).collect();
        names.sort_unstable();
        list(&names)
    }

    pub(super) fn key(&self, name: &str, path: &str) -> R<Hash28> {
        if name.is_empty() {
            return Err(self.err(path, "expected a key name, found an empty string"));
        }
        Ok(*Key::named(name).hash)
    }

    pub(super) fn reference_script(&self, name: Option<&str>, parent: &str) -> R<Option<Script>> {
        let Some(name) = name else { return Ok(None) };
        let script = self
            .deployment
            .script(name)
            .ok_or_else(|| self.unknown_script(name, &key_path(parent, "reference_script")))?;
        Ok(Some(Script::PlutusV3 {
            name: script.name.to_string(),
            bytes: script.bytes.clone(),
        }))
    }

    // ## Values, policies, asset names, beacons

    pub(super) fn value(&self, spec: &ValueSpec, path: &str) -> R<Value> {
        let mut value = Value::default();
        let mut lovelace_at: Option<String> = None;
        for (key, qty) in spec.iter() {
            let kpath = key_path(path, key);
            let asset = if key == "lovelace" || key == "ADA" {
                None
            } else if let Some((policy, name)) = key.split_once(':') {
                let policy = self.policy(policy, &kpath)?;
                Some((policy.hash.clone(), self.asset_name(&policy, name, &kpath)?))
            } else {
                match self.alias(key) {
                    Some(asset) => Some(asset.clone()),
                    None => {
                        return Err(self.err(
                            &kpath,
                            format!(
                                "unknown token alias {key:?} (known: {}); a value key is \"lovelace\", a token alias or \"POLICY:NAME\"",
                                self.aliases()
                            ),
                        ));
                    }
                }
            };
            let qty = u64::try_from(qty.0)
                .ok()
                .filter(|q| *q > 0)
                .ok_or_else(|| {
                    self.err(
                        &kpath,
                        format!(
                            "expected a positive quantity (1 to 2^64-1), found {}",
                            qty.0
                        ),
                    )
                })?;
            match asset {
                None => {
                    if let Some(first) = &lovelace_at {
                        return Err(
                            self.err(&kpath, format!("lovelace is already given at {first}"))
                        );
                    }
                    lovelace_at = Some(kpath);
                    value.lovelace = qty;
                }
                Some(asset) => {
                    if value.assets.insert(asset.clone(), qty).is_some() {
                        return Err(self.err(
                            &kpath,
                            format!(
                                "asset {}.{} is given twice",
                                hex::encode(&asset.0),
                                hex::encode(&asset.1)
                            ),
                        ));
                    }
                }
            }
        }
        Ok(value)
    }

    /// A policy written as a deployment script name or 56 hex digits.
    pub(super) fn policy(&self, text: &str, path: &str) -> R<Policy> {
        if let Some(script) = self.deployment.script(text) {
            let variant = protocols::script(script.name)
                .and_then(|s| s.beacon_variant)
                .and_then(protocols::variant);
            return Ok(Policy {
                hash: script.hash.to_vec(),
                label: script.name.to_string(),
                variant,
            });
        }
        if is_lower_hex(text) && !text.is_empty() {
            let hash = self.hex_array::<28>(text, path, "a policy id")?;
            return Ok(Policy {
                hash: hash.to_vec(),
                label: text.to_string(),
                variant: None,
            });
        }
        Err(self.err(
            path,
            format!(
                "unknown script {text:?} (known: {}); a policy is a script name or 56 hex digits",
                self.script_names()
            ),
        ))
    }

    /// An asset name under `policy`: hex, or a beacon expression of the policy's variant.
    pub(super) fn asset_name(&self, policy: &Policy, text: &str, path: &str) -> R<Vec<u8>> {
        if text.contains('(') {
            let Some(variant) = policy.variant else {
                return Err(self.err(
                    path,
                    format!("{} is not a beacon policy, so {text:?} cannot be a beacon expression (write the asset name as hex)", policy.label),
                ));
            };
            let name = self.beacon(variant, &policy.label, text, path)?;
            return self.short_name(name, path);
        }
        let name = self.hex(text, path, "an asset name")?;
        self.short_name(name, path)
    }

    /// An asset name of at most 32 bytes.
    fn short_name(&self, name: Vec<u8>, path: &str) -> R<Vec<u8>> {
        if name.len() > 32 {
            return Err(self.err(
                path,
                format!(
                    "expected an asset name of at most 32 bytes, found {} bytes",
                    name.len()
                ),
            ));
        }
        Ok(name)
    }

    /// Evaluates a beacon expression such as `pair(T,ADA)`.
    pub(super) fn beacon(
        &self,
        variant: &BeaconVariant,
        owner: &str,
        text: &str,
        path: &str,
    ) -> R<Vec<u8>> {
        let Some(expr) = protocols::parse_beacon_expr(text) else {
            return Err(self.err(
                path,
                format!(
                    "bad beacon expression {text:?}: expected FUNCTION(ARG, …), one of {}",
                    variant.usages()
                ),
            ));
        };
        let Some(function) = variant.function(expr.function) else {
            return Err(self.err(
                path,
                format!(
                    "unknown beacon function {:?} for {owner} (known: {})",
                    expr.function,
                    variant.usages()
                ),
            ));
        };
        let arity = function.derive.arity();
        if expr.args.len() != arity {
            return Err(self.err(
                path,
                format!(
                    "bad beacon expression {text:?}: {} takes {arity} argument(s) ({}), found {}",
                    function.name,
                    function.usage,
                    expr.args.len()
                ),
            ));
        }
        let asset = |arg: &str| {
            self.alias(arg).ok_or_else(|| {
                self.err(
                    path,
                    format!("unknown token alias {arg:?} (known: {})", self.aliases()),
                )
            })
        };
        let args = &expr.args;
        Ok(match function.derive {
            Derive::Fixed(name) => name.to_vec(),
            Derive::Asset(derive) => derive(asset(args[0])?),
            Derive::AssetPair(derive) => derive(asset(args[0])?, asset(args[1])?),
            Derive::Credential(derive) => derive(&self.credential_text(args[0], path)?),
            Derive::OutRef(derive) => derive(&self.out_ref_text(args[0], path)?),
            Derive::Policy(derive) => derive(&self.policy_id(args[0], path)?),
        })
    }

    /// A credential written `key:NAME`, `script:NAME`, `native:NAME`, `key_hash:HEX` or
    /// `script_hash:HEX` (a beacon argument).
    fn credential_text(&self, text: &str, path: &str) -> R<Credential> {
        let spec = match text.split_once(':') {
            Some(("key", name)) => CredentialSpec::Key(name.to_string()),
            Some(("script", name)) => CredentialSpec::Script(name.to_string()),
            Some(("native", name)) => CredentialSpec::Native(name.to_string()),
            Some(("key_hash", hex)) => CredentialSpec::KeyHash(hex.to_string()),
            Some(("script_hash", hex)) => CredentialSpec::ScriptHash(hex.to_string()),
            _ => {
                return Err(self.err(
                    path,
                    format!("expected a credential key:NAME, script:NAME, native:NAME, key_hash:HEX or script_hash:HEX, found {text:?}"),
                ));
            }
        };
        Ok(self.credential_of(&spec, path)?.credential)
    }

    /// An output reference written as a UTxO name or `<64 hex>#<index>`.
    pub(super) fn out_ref_text(&self, text: &str, path: &str) -> R<OutRef> {
        if text.contains('#') {
            self.out_ref(text, path)
        } else {
            self.utxo_ref(text, path).or_else(|err| {
                // A chain's earlier step may have spent it: its reference still names it.
                self.spent_refs.get(text).copied().ok_or(err)
            })
        }
    }

    /// A policy id written as a script name, a token alias (its policy), `ADA` (empty) or hex.
    pub(super) fn policy_id(&self, text: &str, path: &str) -> R<Vec<u8>> {
        if let Some(asset) = self.alias(text) {
            Ok(asset.0.clone())
        } else if let Some(script) = self.deployment.script(text) {
            Ok(script.hash.to_vec())
        } else if is_lower_hex(text) {
            self.hex(text, path, "a policy id")
        } else {
            Err(self.err(
                path,
                format!(
                    "expected a script name ({}), token alias ({}) or lowercase hex, found {text:?}",
                    self.script_names(),
                    self.aliases()
                ),
            ))
        }
    }

    pub(super) fn alias(&self, name: &str) -> Option<&AssetClass> {
        self.tokens
            .iter()
            .find(|(a, _)| a == name)
            .map(|(_, asset)| asset)
    }

    pub(super) fn aliases(&self) -> String {
        self.tokens
            .iter()
            .map(|(a, _)| a.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}
