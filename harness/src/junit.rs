//! JUnit XML, the format CI test reporters show natively (`--format junit` of replay, attack
//! and the budget gate): one `<testsuite>` per group (a protocol, an attack class, a figure),
//! one `<testcase>` per fixture, attack or budget figure, a `<failure>` for each that does not
//! do what it should.

use std::fmt::Write;

/// One test case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    /// Where it belongs (a fixture's directory).
    pub class: String,
    /// What it is (a fixture's file name and step, an attack).
    pub name: String,
    /// Why it failed, when it did.
    pub failure: Option<Failure>,
}

/// Why a case failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// One line: what was expected and what happened.
    pub message: String,
    /// The full report of the case.
    pub detail: String,
}

/// A group of cases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suite {
    pub name: String,
    pub cases: Vec<Case>,
}

impl Case {
    /// A case at `subject` (`fixtures/loans/spend/x.json#step`): its directory is the class.
    pub fn at(subject: &str, failure: Option<Failure>) -> Case {
        let (class, name) = subject.rsplit_once('/').unwrap_or(("", subject));
        Case {
            class: class.trim_start_matches('/').replace('/', "."),
            name: name.to_string(),
            failure,
        }
    }
}

/// Groups cases into suites by a key, in first-seen order.
pub fn group(cases: impl IntoIterator<Item = (String, Case)>) -> Vec<Suite> {
    let mut suites: Vec<Suite> = Vec::new();
    for (key, case) in cases {
        match suites.iter_mut().find(|s| s.name == key) {
            Some(suite) => suite.cases.push(case),
            None => suites.push(Suite {
                name: key,
                cases: vec![case],
            }),
        }
    }
    suites
}

/// The JUnit document of `suites`, named `name` (`harness replay`).
pub fn render(name: &str, suites: &[Suite]) -> String {
    let count = |s: &Suite| s.cases.len();
    let failed = |s: &Suite| s.cases.iter().filter(|c| c.failure.is_some()).count();
    let tests: usize = suites.iter().map(count).sum();
    let failures: usize = suites.iter().map(failed).sum();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"{}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">",
        escape(name)
    );
    for suite in suites {
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\">",
            escape(&suite.name),
            count(suite),
            failed(suite)
        );
        for case in &suite.cases {
            let head = format!(
                "    <testcase classname=\"{}\" name=\"{}\"",
                escape(&case.class),
                escape(&case.name)
            );
            match &case.failure {
                None => {
                    let _ = writeln!(out, "{head}/>");
                }
                Some(failure) => {
                    let _ = writeln!(
                        out,
                        "{head}>\n      <failure message=\"{}\">{}</failure>\n    </testcase>",
                        escape(&failure.message),
                        escape(&failure.detail)
                    );
                }
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// XML text and attribute escaping; characters XML 1.0 cannot hold become U+FFFD.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases_are_grouped_and_escaped() {
        let failure = Failure {
            message: "expected ok, actual fail <LOAN-X> & \"more\"".into(),
            detail: "line 1\nline\u{1b}2".into(),
        };
        let suites = group([
            ("loans".into(), Case::at("fixtures/loans/a.json", None)),
            ("swaps".into(), Case::at("b.json", None)),
            (
                "loans".into(),
                Case::at("fixtures/loans/c.json#s", Some(failure)),
            ),
        ]);
        assert_eq!(suites.len(), 2);
        assert_eq!(suites[0].cases[1].class, "fixtures.loans");
        assert_eq!(suites[0].cases[1].name, "c.json#s");
        let xml = render("harness replay", &suites);
        assert!(xml.contains("tests=\"3\" failures=\"1\""));
        assert!(xml.contains("actual fail &lt;LOAN-X&gt; &amp; &quot;more&quot;"));
        assert!(xml.contains("line 1\nline\u{fffd}2"));
        assert!(xml.contains("<testcase classname=\"\" name=\"b.json\"/>"));
    }
}
