//! The shared proxy script for [`crate::resolve`] (decision 3; loans spec §2.3, LOAN-PROXY-01;
//! options OPT-PROXY-01): one deployment script, `proxy`, with no typed datums and no beacons.
//! Its redeemer is any Data and is ignored, so fixtures write it raw (`{"raw": PLUTUS_JSON}`,
//! or plain Plutus JSON); the datum of a proxy UTxO is any datum, written raw too.

use super::{AttackHooks, CapacityHooks, Protocol, ScriptInfo};

/// The proxy protocol: the script alone.
pub const PROXY: Protocol = Protocol {
    name: "proxy",
    datums: &[],
    scripts: &[ScriptInfo {
        script: "proxy",
        // No parameter; deployed first, since the loans, options and aftermarket scripts take
        // its hash as a parameter.
        validator: "proxy.proxy",
        params: &[],
        redeemers: &[],
        beacon_variant: None,
    }],
    variants: &[],
    rules: include_str!("../../rules/proxy.tsv"),
    rule_prefixes: &["LOAN-PROXY-", "OPT-PROXY-"],
    // The proxy reads no time.
    attack: AttackHooks {
        time_rules: |_, _| Some(Vec::new()),
        ..AttackHooks::NONE
    },
    capacity: CapacityHooks::NONE,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_proxy_has_no_typed_forms() {
        assert_eq!(super::super::find("proxy").map(|p| p.name), Some("proxy"));
        let script = super::super::script("proxy").unwrap();
        assert!(script.redeemers.is_empty());
        assert!(script.beacon_variant.is_none());
        assert!(PROXY.datums.is_empty() && PROXY.variants.is_empty());
    }
}
