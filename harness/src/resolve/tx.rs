//! Resolution of the transaction: inputs, reference inputs, outputs, mint, withdrawals,
//! certificates, signers and the script table.

use super::*;

impl Resolver<'_> {
    // ## Transaction

    pub(super) fn tx(&mut self, f: &Fixture) -> R<TxSpec> {
        let utxos = self.utxos(f)?;
        let inputs = self.inputs(f, &utxos)?;
        let reference_inputs = self.reference_inputs(f, &utxos)?;
        let outputs = self.outputs(f)?;
        let mint = self.mint(f)?;
        let withdrawals = self.withdrawals(f)?;
        let certificates = self.certificates(f)?;
        let required_signers = self.required_signers(f)?;
        Ok(TxSpec {
            inputs,
            reference_inputs,
            outputs,
            mint,
            withdrawals,
            certificates,
            required_signers,
            valid_from: f.tx.validity.as_ref().and_then(|v| v.from),
            valid_to: f.tx.validity.as_ref().and_then(|v| v.to),
            scripts: self.scripts(),
            keys: std::mem::take(&mut self.keys),
        })
    }

    /// Every UTxO the step may use: the ledger's, then the fixture's. Each of the fixture's
    /// resolves, used or not, so mistakes in unused ones surface too.
    fn utxos(&mut self, f: &Fixture) -> R<Vec<(Utxo, Cred)>> {
        let mut utxos = self.ledger.clone();
        for (name, spec) in f.utxos.iter() {
            let path = key_path("$.utxos", name);
            let out_ref = self.utxo_ref(name, &path)?;
            let (output, payment) = self.output(
                &spec.address,
                &spec.value,
                spec.datum.as_ref(),
                spec.reference_script.as_deref(),
                &path,
            )?;
            if let Datum::Inline(data) | Datum::Hash(data) = &output.datum {
                self.datums.push((name.to_string(), data.clone()));
            }
            let name = name.to_string();
            utxos.push((
                Utxo {
                    name,
                    out_ref,
                    output,
                },
                payment,
            ));
        }
        Ok(utxos)
    }

    /// An output at `path` (a UTxO's or the transaction's), with its payment credential.
    fn output(
        &mut self,
        address: &AddressSpec,
        value: &ValueSpec,
        datum: Option<&DatumSpec>,
        reference_script: Option<&str>,
        path: &str,
    ) -> R<(Output, Cred)> {
        let (address, payment) = self.address(address, &key_path(path, "address"))?;
        let output = Output {
            address,
            value: self.value(value, &key_path(path, "value"))?,
            datum: self.datum(datum, &key_path(path, "datum"))?,
            reference_script: self.reference_script(reference_script, path)?,
        };
        Ok((output, payment))
    }

    fn inputs(&self, f: &Fixture, utxos: &[(Utxo, Cred)]) -> R<Vec<Input>> {
        let mut inputs = Vec::new();
        for (i, input) in f.tx.inputs.iter().enumerate() {
            let path = index_path("$.tx.inputs", i);
            let (utxo, payment) = find(utxos, &input.utxo).ok_or_else(|| {
                self.err(
                    &key_path(&path, "utxo"),
                    format!("unknown utxo {:?}", input.utxo),
                )
            })?;
            let what = format!("input {:?}", input.utxo);
            let redeemer = self.redeemer(input.redeemer.as_ref(), &path, payment, &what)?;
            inputs.push(Input {
                utxo: utxo.clone(),
                redeemer,
            });
        }
        Ok(inputs)
    }

    fn reference_inputs(&self, f: &Fixture, utxos: &[(Utxo, Cred)]) -> R<Vec<Utxo>> {
        let mut reference_inputs: Vec<Utxo> = Vec::new();
        for (i, name) in f.tx.reference_inputs.iter().enumerate() {
            let path = index_path("$.tx.reference_inputs", i);
            let (utxo, _) = find(utxos, name).ok_or_else(|| {
                let known: Vec<_> = utxos.iter().map(|(u, _)| u.name.as_str()).collect();
                self.err(
                    &path,
                    format!("unknown utxo {name:?} (known: {})", list(&known)),
                )
            })?;
            if reference_inputs.iter().any(|u| u.name == *name) {
                return Err(self.err(&path, format!("utxo {name:?} is referenced twice")));
            }
            reference_inputs.push(utxo.clone());
        }
        Ok(reference_inputs)
    }

    fn outputs(&mut self, f: &Fixture) -> R<Vec<TxOutput>> {
        let mut outputs = Vec::new();
        let mut change_at: Option<String> = None;
        for (i, spec) in f.tx.outputs.iter().enumerate() {
            let path = index_path("$.tx.outputs", i);
            if spec.change {
                if let Some(first) = &change_at {
                    return Err(self.err(
                        &key_path(&path, "change"),
                        format!("expected at most one change output, found a second one (the first is {first})"),
                    ));
                }
                change_at = Some(path.clone());
            }
            let (output, _) = self.output(
                &spec.address,
                &spec.value,
                spec.datum.as_ref(),
                spec.reference_script.as_deref(),
                &path,
            )?;
            outputs.push(TxOutput {
                output,
                change: spec.change,
            });
        }
        Ok(outputs)
    }

    fn required_signers(&mut self, f: &Fixture) -> R<Vec<String>> {
        let mut required_signers: Vec<String> = Vec::new();
        for (i, name) in f.tx.required_signers.iter().enumerate() {
            let path = index_path("$.tx.required_signers", i);
            let hash = self.key(name, &path)?;
            if required_signers.contains(name) {
                return Err(self.err(&path, format!("key {name:?} is a required signer twice")));
            }
            self.keys.insert(hash, name.clone());
            required_signers.push(name.clone());
        }
        Ok(required_signers)
    }

    /// The scripts the transaction may need: every deployment script and every native script
    /// the fixture names.
    fn scripts(&self) -> BTreeMap<Hash28, Script> {
        let deployed = self.deployment.scripts.iter().map(|s| {
            let script = Script::PlutusV3 {
                name: s.name.to_string(),
                bytes: s.bytes.clone(),
            };
            (s.hash, script)
        });
        let natives = self.natives.iter().map(|(hash, key)| {
            let script = Script::Signature { key: key.clone() };
            (*hash, script)
        });
        deployed.chain(natives).collect()
    }

    pub(super) fn mint(&mut self, f: &Fixture) -> R<Vec<Mint>> {
        let mut mints: Vec<(Mint, String)> = Vec::new();
        for (i, spec) in f.tx.mint.iter().enumerate() {
            let path = index_path("$.tx.mint", i);
            let policy_path = key_path(&path, "policy");
            let cred = match &spec.policy {
                Json::String(name) => self.deployed(name, &policy_path)?,
                other => {
                    let cred: CredentialSpec = self.deserialize_at(other, &policy_path)?;
                    self.credential(&cred, &policy_path)?
                }
            };
            let Credential::Script(hash) = cred.credential else {
                return Err(self.err(
                    &policy_path,
                    format!("expected a script as minting policy, found {}", cred.label),
                ));
            };
            if let Some((_, first)) = mints.iter().find(|(m, _)| m.policy == hash) {
                return Err(self.err(
                    &policy_path,
                    format!(
                        "policy {} already mints at {first}; merge the two entries",
                        cred.label
                    ),
                ));
            }
            let variant = match cred.executor {
                Executor::Deployed(name) => protocols::script(name)
                    .and_then(|s| s.beacon_variant)
                    .and_then(protocols::variant),
                _ => None,
            };
            let policy = Policy {
                hash: hash.to_vec(),
                label: cred.label.clone(),
                variant,
            };
            let mut assets: Vec<(Vec<u8>, i64)> = Vec::new();
            let assets_path = key_path(&path, "assets");
            for (name, qty) in spec.assets.iter() {
                let apath = key_path(&assets_path, name);
                let name = self.asset_name(&policy, name, &apath)?;
                let qty = i64::try_from(qty.0)
                    .ok()
                    .filter(|q| *q != 0)
                    .ok_or_else(|| {
                        self.err(
                            &apath,
                            format!("expected a non-zero 64-bit quantity, found {}", qty.0),
                        )
                    })?;
                if assets.iter().any(|(n, _)| *n == name) {
                    return Err(self.err(
                        &apath,
                        format!("asset name {} is given twice", hex::encode(&name)),
                    ));
                }
                assets.push((name, qty));
            }
            let what = format!("minting policy {}", cred.label);
            let redeemer = self.redeemer(spec.redeemer.as_ref(), &path, &cred, &what)?;
            mints.push((
                Mint {
                    policy: hash,
                    assets,
                    redeemer,
                },
                path,
            ));
        }
        Ok(mints.into_iter().map(|(m, _)| m).collect())
    }

    pub(super) fn withdrawals(&mut self, f: &Fixture) -> R<Vec<Withdrawal>> {
        let mut out: Vec<Withdrawal> = Vec::new();
        for (i, spec) in f.tx.withdrawals.iter().enumerate() {
            let path = index_path("$.tx.withdrawals", i);
            let cred = self.credential(&spec.credential, &key_path(&path, "credential"))?;
            if out.iter().any(|w| w.credential == cred.credential) {
                return Err(self.err(
                    &key_path(&path, "credential"),
                    format!("{} withdraws twice", cred.label),
                ));
            }
            let what = format!("withdrawal from {}", cred.label);
            let redeemer = self.redeemer(spec.redeemer.as_ref(), &path, &cred, &what)?;
            out.push(Withdrawal {
                credential: cred.credential,
                amount: spec.amount,
                redeemer,
            });
        }
        Ok(out)
    }

    pub(super) fn certificates(&mut self, f: &Fixture) -> R<Vec<Certificate>> {
        let mut out = Vec::new();
        for (i, spec) in f.tx.certificates.iter().enumerate() {
            let path = index_path("$.tx.certificates", i);
            out.push(self.certificate(spec, &path)?);
        }
        Ok(out)
    }

    pub(super) fn certificate(&mut self, spec: &CertificateSpec, path: &str) -> R<Certificate> {
        let forbid = |present: bool, field: &str, kind: &str| -> R<()> {
            if present {
                Err(self.err(
                    &key_path(path, field),
                    format!("unexpected field {field:?} in a {kind} certificate"),
                ))
            } else {
                Ok(())
            }
        };
        let require = |value: Option<u64>, field: &str, kind: &str| -> R<u64> {
            value.ok_or_else(|| {
                self.err(
                    path,
                    format!("missing field {field:?} of a {kind} certificate"),
                )
            })
        };
        let (field, cred_spec, kind) = match (
            &spec.register,
            &spec.unregister,
            &spec.delegate,
            &spec.register_drep,
        ) {
            (Some(c), None, None, None) => {
                forbid(spec.refund.is_some(), "refund", "register")?;
                forbid(spec.pool.is_some(), "pool", "register")?;
                (
                    "register",
                    c,
                    CertificateKind::Register {
                        deposit: require(spec.deposit, "deposit", "register")?,
                    },
                )
            }
            (None, Some(c), None, None) => {
                forbid(spec.deposit.is_some(), "deposit", "unregister")?;
                forbid(spec.pool.is_some(), "pool", "unregister")?;
                (
                    "unregister",
                    c,
                    CertificateKind::Unregister {
                        refund: require(spec.refund, "refund", "unregister")?,
                    },
                )
            }
            (None, None, Some(c), None) => {
                forbid(spec.deposit.is_some(), "deposit", "delegate")?;
                forbid(spec.refund.is_some(), "refund", "delegate")?;
                let pool_text = spec.pool.as_deref().ok_or_else(|| {
                    self.err(path, "missing field \"pool\" of a delegate certificate")
                })?;
                let pool = self.hex_array::<28>(pool_text, &key_path(path, "pool"), "a pool id")?;
                ("delegate", c, CertificateKind::Delegate { pool })
            }
            (None, None, None, Some(c)) => {
                forbid(spec.refund.is_some(), "refund", "register_drep")?;
                forbid(spec.pool.is_some(), "pool", "register_drep")?;
                (
                    "register_drep",
                    c,
                    CertificateKind::RegisterDRep {
                        deposit: require(spec.deposit, "deposit", "register_drep")?,
                    },
                )
            }
            _ => {
                return Err(self.err(
                    path,
                    "expected exactly one of \"register\", \"unregister\", \"delegate\" or \"register_drep\" in a certificate",
                ));
            }
        };
        let cred = self.credential(cred_spec, &key_path(path, field))?;
        let what = format!("{field} certificate of {}", cred.label);
        let redeemer = self.redeemer(spec.redeemer.as_ref(), path, &cred, &what)?;
        Ok(Certificate {
            credential: cred.credential,
            kind,
            redeemer,
        })
    }
}

/// The UTxO named `name`, with its payment credential.
fn find<'u>(utxos: &'u [(Utxo, Cred)], name: &str) -> Option<&'u (Utxo, Cred)> {
    utxos.iter().find(|(u, _)| u.name == name)
}
