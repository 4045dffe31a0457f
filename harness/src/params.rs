//! Protocol parameters (a JSON file; by default `fixtures/protocol-params.json`, embedded in the
//! binary so that it works from any directory) and the
//! Conway fee rules that use them: the linear size fee, the execution-unit fee, the tiered
//! reference-script fee and the collateral percentage.
//!
//! Sources of the formulas: the Conway ledger specification (`minfee`, `txscriptfee`,
//! `tierRefScriptFee`, `feesOK` collateral check); the constants come from the parameter file.

use num_bigint::BigInt;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// A non-negative rational as the parameter file writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ratio {
    pub num: u64,
    pub den: u64,
}

/// Memory and CPU steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExUnits {
    pub mem: u64,
    pub steps: u64,
}

/// The era's time origin: slot `zero_slot` starts at POSIX millisecond `zero_time`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlotConfig {
    pub zero_time: u64,
    pub zero_slot: u64,
    pub slot_length: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProtocolVersion {
    pub major: u16,
    pub minor: u16,
}

/// Cost models by Plutus language, as ordered integer arrays.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CostModels {
    pub plutus_v1: Vec<i64>,
    pub plutus_v2: Vec<i64>,
    pub plutus_v3: Vec<i64>,
}

/// The parameters the harness needs.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    pub name: String,
    pub source: String,
    pub protocol_version: ProtocolVersion,
    pub min_fee_a: u64,
    pub min_fee_b: u64,
    pub max_tx_size: u64,
    pub max_value_size: u64,
    pub max_tx_ex_units: ExUnits,
    pub max_block_ex_units: ExUnits,
    pub price_mem: Ratio,
    pub price_steps: Ratio,
    pub min_fee_ref_script_cost_per_byte: u64,
    pub ref_script_cost_stride: u64,
    pub ref_script_cost_multiplier: Ratio,
    pub collateral_percentage: u64,
    pub max_collateral_inputs: u64,
    pub coins_per_utxo_byte: u64,
    pub key_deposit: u64,
    pub slot_config: SlotConfig,
    pub cost_models: CostModels,
}

/// Why a parameter file could not be used. `path` is the file, or [`MAINNET_NAME`] for the
/// embedded set.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum Error {
    #[error("{}: cannot read the parameter file: {source}", path.display())]
    #[diagnostic(code(harness::params::io))]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: {json_path}: {message}", path.display())]
    #[diagnostic(
        code(harness::params::invalid),
        help("the fields are those of fixtures/protocol-params.json")
    )]
    Parse {
        path: PathBuf,
        /// JSONPath of the offending value (`$` is the document).
        json_path: String,
        /// What was expected and what was found.
        message: String,
    },
    #[error("{}: {field} must be positive", path.display())]
    #[diagnostic(code(harness::params::not_positive))]
    NotPositive { path: PathBuf, field: &'static str },
}

/// The current mainnet parameters, `fixtures/protocol-params.json` as it was when the binary
/// was built: the set used when none is given.
pub const MAINNET: &str = include_str!("../../fixtures/protocol-params.json");

/// How errors name the embedded set.
pub const MAINNET_NAME: &str = "<bundled fixtures/protocol-params.json>";

impl Params {
    /// Reads and checks a parameter file.
    pub fn load(path: &Path) -> Result<Params, Error> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Params::parse(&text, path)
    }

    /// Checks the text of a parameter file; `path` names it in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Params, Error> {
        let de = &mut serde_json::Deserializer::from_str(text);
        let params: Params = serde_path_to_error::deserialize(de).map_err(|e| Error::Parse {
            path: path.to_path_buf(),
            json_path: format!("${}", e.path()),
            message: e.inner().to_string(),
        })?;
        let positive = [
            ("price_mem.den", params.price_mem.den),
            ("price_steps.den", params.price_steps.den),
            (
                "ref_script_cost_multiplier.den",
                params.ref_script_cost_multiplier.den,
            ),
            ("ref_script_cost_stride", params.ref_script_cost_stride),
            (
                "slot_config.slot_length",
                u64::from(params.slot_config.slot_length),
            ),
        ];
        if let Some((field, _)) = positive.iter().find(|(_, v)| *v == 0) {
            return Err(Error::NotPositive {
                path: path.to_path_buf(),
                field,
            });
        }
        Ok(params)
    }

    /// The default parameter set (current mainnet), embedded in the binary.
    pub fn mainnet() -> Result<Params, Error> {
        Params::parse(MAINNET, Path::new(MAINNET_NAME))
    }

    /// `ceil(price_mem * mem + price_steps * steps)`: the execution-unit part of the fee.
    pub fn script_fee(&self, units: ExUnits) -> u64 {
        let (pm, ps) = (self.price_mem, self.price_steps);
        let num =
            BigInt::from(pm.num) * units.mem * ps.den + BigInt::from(ps.num) * units.steps * pm.den;
        let den = BigInt::from(pm.den) * ps.den;
        ceil_div(num, den)
    }

    /// The tiered reference-script fee for `size` bytes of reference scripts: each stride of
    /// bytes costs `multiplier` times the price per byte of the stride before it, and the total
    /// is rounded down.
    pub fn reference_script_fee(&self, size: u64) -> u64 {
        let m = self.ref_script_cost_multiplier;
        let stride = self.ref_script_cost_stride;
        // The price per byte of the current tier is base * (m.num / m.den)^tier.
        let (mut price_num, mut price_den) = (
            BigInt::from(self.min_fee_ref_script_cost_per_byte),
            BigInt::from(1),
        );
        let (mut acc_num, mut acc_den) = (BigInt::from(0), BigInt::from(1));
        let mut left = size;
        loop {
            let bytes = left.min(stride);
            acc_num = acc_num * &price_den + &price_num * bytes * &acc_den;
            acc_den *= &price_den;
            if left < stride {
                return floor_div(acc_num, acc_den);
            }
            left -= stride;
            price_num *= m.num;
            price_den *= m.den;
        }
    }

    /// The minimum fee of a transaction of `size` bytes using `units` of execution and
    /// `reference_bytes` of reference scripts.
    pub fn min_fee(&self, size: u64, units: ExUnits, reference_bytes: u64) -> u64 {
        self.min_fee_a * size
            + self.min_fee_b
            + self.script_fee(units)
            + self.reference_script_fee(reference_bytes)
    }

    /// The collateral a transaction paying `fee` must put up: `ceil(fee * percentage / 100)`.
    pub fn collateral(&self, fee: u64) -> u64 {
        ceil_div(
            BigInt::from(fee) * self.collateral_percentage,
            BigInt::from(100),
        )
    }
}

fn ceil_div(num: BigInt, den: BigInt) -> u64 {
    let (q, r) = (&num / &den, &num % &den);
    let q = if r > BigInt::from(0) { q + 1 } else { q };
    u64::try_from(q).unwrap_or(u64::MAX)
}

fn floor_div(num: BigInt, den: BigInt) -> u64 {
    u64::try_from(num / den).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> Params {
        Params::mainnet().unwrap()
    }

    #[test]
    fn script_fee_rounds_up() {
        let p = params();
        // 577/10000 per mem unit, 721/10000000 per step (mainnet prices).
        assert_eq!(
            (p.price_mem, p.price_steps),
            (
                Ratio {
                    num: 577,
                    den: 10000
                },
                Ratio {
                    num: 721,
                    den: 10_000_000
                }
            )
        );
        assert_eq!(p.script_fee(ExUnits { mem: 1, steps: 0 }), 1);
        assert_eq!(
            p.script_fee(ExUnits {
                mem: 10000,
                steps: 10_000_000
            }),
            577 + 721
        );
        assert_eq!(
            p.script_fee(ExUnits {
                mem: 14_000_000,
                steps: 10_000_000_000
            }),
            807_800 + 721_000
        );
    }

    #[test]
    fn reference_script_fee_is_tiered() {
        let p = params();
        assert_eq!(p.reference_script_fee(0), 0);
        assert_eq!(p.reference_script_fee(1000), 15_000);
        assert_eq!(p.reference_script_fee(25_600), 384_000);
        // The second stride costs 1.2 times as much per byte: 15 * 1.2 = 18.
        assert_eq!(p.reference_script_fee(25_601), 384_018);
        assert_eq!(p.reference_script_fee(51_200), 384_000 + 460_800);
        // Third tier: 15 * 1.44 = 21.6 per byte, floored at the end.
        assert_eq!(p.reference_script_fee(51_205), 384_000 + 460_800 + 108);
    }

    #[test]
    fn min_fee_adds_every_part() {
        let p = params();
        let units = ExUnits {
            mem: 500_000,
            steps: 200_000_000,
        };
        let fee = p.min_fee(300, units, 4000);
        assert_eq!(fee, 44 * 300 + 155_381 + p.script_fee(units) + 60_000);
    }

    #[test]
    fn collateral_is_the_percentage_rounded_up() {
        let p = params();
        assert_eq!(p.collateral_percentage, 150);
        assert_eq!(p.collateral(200_001), 300_002);
        assert_eq!(p.collateral(3), 5);
    }
}
