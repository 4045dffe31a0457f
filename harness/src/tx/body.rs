//! The transaction body: the parts the builder computed, and the rest as the spec has it.

use super::{
    Error,
    collateral::Collateral,
    encode::{mint_field, reward_account, tx_input},
    purposes::Mint,
};
use crate::{
    keys::Key,
    scenario::{Input, TxSpec, Withdrawal},
};
use pallas_codec::utils::{NonEmptyKeyValuePairs, NonEmptySet, Set};
use pallas_primitives::conway::{self, TransactionOutput};

/// The parts of the body the builder computes.
pub(super) struct Parts<'a> {
    /// The spent inputs in ledger order.
    pub inputs: &'a [&'a Input],
    pub outputs: Vec<TransactionOutput>,
    pub fee: u64,
    pub certificates: Vec<conway::Certificate>,
    /// The withdrawals in ledger order.
    pub withdrawals: &'a [&'a Withdrawal],
    pub mint: &'a Mint,
    pub collateral: Option<&'a Collateral>,
}

/// The body, without its script data hash.
pub(super) fn body(spec: &TxSpec, parts: Parts) -> Result<conway::TransactionBody, Error> {
    let inputs = parts.inputs.iter().map(|i| tx_input(i.utxo.out_ref));
    let withdrawals = parts.withdrawals.iter();
    let collateral = parts.collateral;
    Ok(conway::TransactionBody {
        inputs: Set::from(inputs.collect::<Vec<_>>()),
        outputs: parts.outputs,
        fee: parts.fee,
        ttl: spec.valid_to,
        certificates: NonEmptySet::from_vec(parts.certificates),
        withdrawals: NonEmptyKeyValuePairs::from_vec(
            withdrawals
                .map(|w| (reward_account(w.credential), w.amount))
                .collect(),
        ),
        auxiliary_data_hash: None,
        validity_interval_start: spec.valid_from,
        mint: mint_field(parts.mint),
        script_data_hash: None,
        collateral: collateral.and_then(|c| NonEmptySet::from_vec(vec![c.input()])),
        required_signers: NonEmptySet::from_vec(
            spec.required_signers
                .iter()
                .map(|n| Key::named(n).hash)
                .collect(),
        ),
        network_id: None,
        collateral_return: collateral.map(Collateral::return_output).transpose()?,
        total_collateral: collateral.map(|c| c.amount),
        reference_inputs: NonEmptySet::from_vec(
            spec.reference_inputs
                .iter()
                .map(|u| tx_input(u.out_ref))
                .collect(),
        ),
        voting_procedures: None,
        proposal_procedures: None,
        treasury_value: None,
        donation: None,
    })
}
