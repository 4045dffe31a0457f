//! The rule catalogue: every spec rule ID with its enforcers, its kind and a one-line summary,
//! read from `harness/rules/<protocol>.tsv`. [`crate::resolve`] checks that fixtures cite only
//! catalogued rules; coverage reports use [`Kind`] to know which rules need a failing fixture.
//!
//! File format, one rule per line, tab-separated (`#` starts a comment line):
//! `ID  ENFORCERS  KIND  SUMMARY  [via: ID…]  [deviation: …]`, where ENFORCERS are the spec's
//! brackets joined by commas (`MINT,WDRL`, `—` for informative rules) and KIND is `script`,
//! `permit`, `info`, `ledger` or `off`. The files are generated from the spec by grep (see
//! `fixtures/README.md`).
//!
//! `via:` names the checks through which a rule is enforced when it restates another rule in
//! another context (SWAP-OW-UPDATE-02 is the beacon output check, SWAP-OW-CREATE-02…14, run by
//! the withdraw handler): a fixture that must fail for such a rule fails when the traced scripts
//! name the rule or one of its `via` checks.

use std::sync::OnceLock;

/// What kind of fixtures a rule needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// Some script checks it: it needs a passing and a failing fixture.
    Script,
    /// A script rule that only permits something (anyone may fill; a field is not inspected):
    /// no check can fail because of it, so it needs a passing fixture only.
    Permit,
    /// Informative (`[—]`): it needs a passing fixture only.
    Info,
    /// Only the ledger enforces it (`[LEDGER]`).
    Ledger,
    /// An off-chain convention (`[OFF]`).
    Off,
}

impl Kind {
    /// The word the catalogue uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Script => "script",
            Kind::Permit => "permit",
            Kind::Info => "info",
            Kind::Ledger => "ledger",
            Kind::Off => "off",
        }
    }

    fn parse(word: &str) -> Option<Kind> {
        match word {
            "script" => Some(Kind::Script),
            "permit" => Some(Kind::Permit),
            "info" => Some(Kind::Info),
            "ledger" => Some(Kind::Ledger),
            "off" => Some(Kind::Off),
            _ => None,
        }
    }
}

/// One catalogued rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// The spec's rule ID (`SWAP-OW-EXEC-09`).
    pub id: &'static str,
    /// The protocol whose catalogue lists it (`swaps`).
    pub protocol: &'static str,
    /// The enforcers as the spec writes them, without brackets (`["MINT", "WDRL"]`).
    pub enforcers: Vec<&'static str>,
    /// What fixtures it needs.
    pub kind: Kind,
    /// One line, at most 120 characters.
    pub summary: &'static str,
    /// Where the project deviates from the spec, without the `deviation: ` prefix.
    pub deviation: Option<&'static str>,
    /// The checks (rule IDs) through which this rule is enforced, when it has no check of its own.
    pub via: Vec<&'static str>,
}

/// A malformed catalogue line (a bug in the catalogue, caught by this module's tests).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
#[error("harness/rules/{protocol}.tsv:{line}: {message}")]
#[diagnostic(code(harness::rules::malformed))]
pub struct ParseError {
    /// The catalogue's protocol.
    pub protocol: &'static str,
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// The catalogue files: protocol name and contents, one per protocol
/// ([`crate::protocols::Protocol::rules`]).
fn files() -> impl Iterator<Item = (&'static str, &'static str)> {
    crate::protocols::all().iter().map(|p| (p.name, p.rules))
}

/// Enforcers that mean a script checks the rule.
const SCRIPT_ENFORCERS: &[&str] = &["SPEND", "MINT", "WDRL", "OBS", "PUBLISH", "BEACON", "ALL"];

/// Longest allowed summary, in characters.
pub const MAX_SUMMARY: usize = 120;

/// Parses one catalogue file strictly: every non-comment line must be a well-formed rule.
pub fn parse(protocol: &'static str, text: &'static str) -> Result<Vec<Rule>, ParseError> {
    let mut rules: Vec<Rule> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let err = |message: String| ParseError {
            protocol,
            line: n + 1,
            message,
        };
        let rule = parse_line(protocol, line).map_err(err)?;
        if rules.iter().any(|r| r.id == rule.id) {
            return Err(err(format!("rule {} listed twice", rule.id)));
        }
        rules.push(rule);
    }
    Ok(rules)
}

fn parse_line(protocol: &'static str, line: &'static str) -> Result<Rule, String> {
    let cols: Vec<&'static str> = line.split('\t').collect();
    let [id, enforcers, kind, summary, rest @ ..] = cols.as_slice() else {
        return Err(format!(
            "expected 4 to 6 tab-separated columns, found {}",
            cols.len()
        ));
    };
    let mut deviation = None;
    let mut via = Vec::new();
    for column in rest {
        if let Some(d) = column.strip_prefix("deviation: ") {
            deviation = Some(d);
        } else if let Some(ids) = column.strip_prefix("via: ") {
            via = ids.split(' ').collect();
        } else {
            return Err(format!(
                "extra columns must start with \"via: \" or \"deviation: \", found {column:?}"
            ));
        }
    }
    let id_ok = id.split('-').count() >= 3
        && id.split('-').all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        });
    if !id_ok {
        return Err(format!(
            "expected a rule ID like SWAP-OW-EXEC-09, found {id:?}"
        ));
    }
    let enforcers: Vec<&'static str> = enforcers.split(',').collect();
    if enforcers.iter().any(|e| e.is_empty()) {
        return Err(format!("{id}: empty enforcer in {enforcers:?}"));
    }
    let kind = Kind::parse(kind).ok_or_else(|| {
        format!("{id}: expected kind script, permit, info, ledger or off, found {kind:?}")
    })?;
    if summary.trim().is_empty() || summary.chars().count() > MAX_SUMMARY {
        return Err(format!(
            "{id}: summary must be 1 to {MAX_SUMMARY} characters, found {}",
            summary.chars().count()
        ));
    }
    if !via.is_empty() && kind != Kind::Script {
        return Err(format!(
            "{id}: only script rules are enforced via other checks"
        ));
    }
    Ok(Rule {
        id,
        protocol,
        enforcers,
        kind,
        summary,
        deviation,
        via,
    })
}

/// The kind the enforcers imply: any script enforcer makes a `script` rule.
pub fn kind_of(enforcers: &[&str]) -> Option<Kind> {
    if enforcers.iter().any(|e| SCRIPT_ENFORCERS.contains(e)) {
        Some(Kind::Script)
    } else {
        match enforcers {
            ["—"] => Some(Kind::Info),
            ["LEDGER"] => Some(Kind::Ledger),
            ["OFF"] => Some(Kind::Off),
            _ => None,
        }
    }
}

/// Every catalogued rule of every protocol, parsed once. A malformed line is dropped here (and
/// fails the unit tests); nothing panics.
pub fn catalogue() -> &'static [Rule] {
    static CATALOGUE: OnceLock<Vec<Rule>> = OnceLock::new();
    CATALOGUE.get_or_init(|| {
        files()
            .flat_map(|(protocol, text)| {
                text.lines()
                    .filter(|l| !l.is_empty() && !l.starts_with('#'))
                    .filter_map(move |l| parse_line(protocol, l).ok())
            })
            .collect()
    })
}

/// The rule with this ID.
pub fn find(id: &str) -> Option<&'static Rule> {
    catalogue().iter().find(|r| r.id == id)
}

/// The protocols that have a catalogue.
pub fn protocols() -> impl Iterator<Item = &'static str> {
    files().map(|(p, _)| p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalogue_parses_strictly() {
        for (protocol, text) in files() {
            let strict = parse(protocol, text).unwrap();
            let lenient: Vec<_> = catalogue()
                .iter()
                .filter(|r| r.protocol == protocol)
                .cloned()
                .collect();
            assert_eq!(strict, lenient);
        }
    }

    #[test]
    fn kinds_follow_enforcers() {
        for rule in catalogue() {
            // A permissive rule is a script rule that nothing can fail for.
            let kind = if rule.kind == Kind::Permit {
                Kind::Script
            } else {
                rule.kind
            };
            assert_eq!(kind_of(&rule.enforcers), Some(kind), "{}", rule.id);
        }
    }

    #[test]
    fn via_names_catalogued_checks() {
        for rule in catalogue() {
            for id in &rule.via {
                let check =
                    find(id).unwrap_or_else(|| panic!("{}: via {id} is not catalogued", rule.id));
                assert_eq!(check.kind, Kind::Script, "{}: via {id}", rule.id);
                assert!(
                    check.via.is_empty(),
                    "{}: via {id}, itself enforced via others",
                    rule.id
                );
            }
        }
    }

    #[test]
    fn swaps_catalogue_has_every_spec_rule() {
        let swaps: Vec<_> = catalogue()
            .iter()
            .filter(|r| r.protocol == "swaps")
            .collect();
        assert_eq!(swaps.len(), 92);
        let count = |k: Kind| swaps.iter().filter(|r| r.kind == k).count();
        let kinds = [
            Kind::Script,
            Kind::Permit,
            Kind::Info,
            Kind::Ledger,
            Kind::Off,
        ];
        assert_eq!(kinds.map(count), [78, 6, 4, 3, 1]);
        // When the spec sits beside the repository (as in CI), the IDs must be exactly its IDs.
        let spec = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/specs/cardano-swaps.md"
        );
        if let Ok(text) = std::fs::read_to_string(spec) {
            let mut spec_ids: Vec<&str> = text
                .lines()
                .filter(|l| l.starts_with("SWAP-"))
                .filter_map(|l| l.split(' ').next())
                .collect();
            spec_ids.sort_unstable();
            spec_ids.dedup();
            let mut ours: Vec<&str> = swaps.iter().map(|r| r.id).collect();
            ours.sort_unstable();
            assert_eq!(ours, spec_ids);
        }
    }

    #[test]
    fn swaps_deviations_are_the_readme_decisions() {
        let deviating: Vec<_> = catalogue()
            .iter()
            .filter(|r| r.protocol == "swaps" && r.deviation.is_some())
            .map(|r| r.id)
            .collect();
        assert_eq!(
            deviating,
            [
                "SWAP-COM-06",
                "SWAP-OW-CREATE-04",
                "SWAP-OW-EXEC-06",
                "SWAP-TW-CREATE-04",
                "SWAP-V3-02"
            ]
        );
    }

    #[test]
    fn find_returns_the_rule() {
        let rule = find("SWAP-OW-EXEC-09").unwrap();
        assert_eq!(rule.enforcers, ["SPEND"]);
        assert_eq!(rule.kind, Kind::Script);
        assert_eq!(find("SWAP-COM-08").map(|r| r.kind), Some(Kind::Ledger));
        assert_eq!(
            find("SWAP-OW-OWNER-04").map(|r| r.enforcers.clone()),
            Some(vec!["—"])
        );
        assert!(find("SWAP-OW-EXEC-99").is_none());
        assert_eq!(protocols().take(2).collect::<Vec<_>>(), ["proxy", "swaps"]);
    }

    #[test]
    fn malformed_lines_are_reported() {
        let cases = [
            ("SWAP-X-01\tSPEND\tscript", "expected 4 to 6"),
            (
                "SWAP-X-01\tSPEND\tinfo\ts\tvia: SWAP-X-02",
                "only script rules",
            ),
            ("swap-x-01\tSPEND\tscript\ts", "expected a rule ID"),
            ("SWAP-X-01\tSPEND\tmaybe\ts", "expected kind"),
            ("SWAP-X-01\tSPEND\tscript\t", "summary must be"),
            (
                "SWAP-X-01\tSPEND\tscript\ts\tnote",
                "\"via: \" or \"deviation: \"",
            ),
            (
                "SWAP-X-01\tSPEND\tscript\ts\nSWAP-X-01\tSPEND\tscript\ts",
                "listed twice",
            ),
        ];
        for (text, expected) in cases {
            let err = parse("test", text).unwrap_err();
            assert!(err.to_string().contains(expected), "{text:?}: {err}");
        }
        let long: &'static str =
            Box::leak(format!("SWAP-X-01\tSPEND\tscript\t{}", "x".repeat(121)).into_boxed_str());
        assert!(parse("test", long).is_err());
    }
}
