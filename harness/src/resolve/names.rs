//! Resolution of names: addresses, credentials, keys, scripts, values, policies, asset names
//! and beacon expressions.

use super::*;

impl Resolver<'_> {
    // ## Addresses, credentials, keys, scripts

    /// The address and its payment credential.
    pub(super) fn address(&mut self, spec: &AddressSpec, path: &str) -> R<(Address, Cred)> {
        let payment = self.credential(&spec.payment, &key_path(path, "payment"))?;
        let stake = match &spec.stake {
            None => Stake::None,
            Some(StakeSpec::Pointer([slot, tx, cert])) => Stake::Pointer(*slot, *tx, *cert),
            Some(stake) => match stake.credential() {
                Some(c) => Stake::Inline(self.credential(&c, &key_path(path, "stake"))?.credential),
                None => Stake::None,
            },
        };
        Ok((
            Address {
                payment: payment.credential,
                stake,
            },
            payment,
        ))
    }

    /// `path` is the credential object's path; errors point inside it.
    pub(super) fn credential(&mut self, spec: &CredentialSpec, path: &str) -> R<Cred> {
        match spec {
            CredentialSpec::Key(name) => {
                let hash = self.key(name, &key_path(path, "key"))?;
                self.keys.insert(hash, name.clone());
                Ok(Cred {
                    credential: Credential::Key(hash),
                    executor: Executor::Key,
                    label: format!("key {name}"),
                })
            }
            CredentialSpec::Script(name) => self.deployed(name, &key_path(path, "script")),
            CredentialSpec::Native(name) => {
                let key = self.key(name, &key_path(path, "native"))?;
                let hash = native_script_hash(key).map_err(|e| {
                    self.err(
                        &key_path(path, "native"),
                        format!("cannot encode the native script: {e}"),
                    )
                })?;
                self.keys.insert(key, name.clone());
                self.natives.insert(hash, name.clone());
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
            return Ok(self.beacon(variant, &policy.label, text, path)?.to_vec());
        }
        let name = self.hex(text, path, "an asset name")?;
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
    ) -> R<[u8; 32]> {
        let Some(expr) = protocols::parse_beacon_expr(text) else {
            return Err(self.err(
                path,
                format!(
                    "bad beacon expression {text:?}: expected FUNCTION(ASSET, …), one of {}",
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
        if expr.args.len() != function.arity {
            return Err(self.err(
                path,
                format!(
                    "bad beacon expression {text:?}: {} takes {} asset(s) ({}), found {}",
                    function.name,
                    function.arity,
                    function.usage,
                    expr.args.len()
                ),
            ));
        }
        let mut args = Vec::with_capacity(expr.args.len());
        for arg in &expr.args {
            let asset = self.alias(arg).ok_or_else(|| {
                self.err(
                    path,
                    format!("unknown token alias {arg:?} (known: {})", self.aliases()),
                )
            })?;
            args.push(asset.clone());
        }
        Ok((function.derive)(&args))
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
