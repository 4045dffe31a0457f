//! The property runner the loans, options and aftermarket property tests share. A check builds
//! the fixture JSON of one generated case (or `None` when it does not apply to the case); the
//! fixture is replayed as `harness replay` replays a file and must do what it expects (a
//! failing one for its rule, named by the traced scripts). Runs are deterministic (a fixed
//! ChaCha seed per suite); a failure shrinks, then prints the minimal case and its fixture to
//! save under `fixtures/<protocol>/` as a regression.

use harness::{
    deploy::Build,
    fixture, parallel,
    params::Params,
    replay::{self, Replayed},
    resolve,
};
use proptest::{
    strategy::Strategy,
    test_runner::{Config, RngAlgorithm, RngSeed, TestCaseError, TestError, TestRunner},
};
use serde_json::Value;
use std::{cell::Cell, fmt::Debug, path::Path};

/// One protocol's property tests: where failures are saved, the variable that sets how many
/// cases each property runs, and the seed.
pub struct Suite {
    /// The protocol (`fixtures/<protocol>/`, and `<protocol>_properties.json` in diagnostics).
    pub protocol: &'static str,
    /// The environment variable that overrides each property's number of cases.
    pub cases_var: &'static str,
    pub seed: u64,
}

impl Suite {
    /// `n`, unless the suite's variable gives another number.
    pub fn cases(&self, n: u32) -> u32 {
        std::env::var(self.cases_var)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(n)
    }

    /// Runs `check` over `n` cases of `strategy()` on one large-stack thread (each script is
    /// decoded once for the whole property); panics with the shrunk case when one fails, or
    /// when the check applied to no case.
    pub fn property<S: Strategy>(
        &self,
        name: &str,
        n: u32,
        strategy: impl FnOnce() -> S + Send,
        check: fn(&S::Value) -> Option<Value>,
    ) where
        S::Value: Debug,
    {
        parallel::on_large_stack(|| self.property_here(name, n, strategy(), check))
            .unwrap_or_else(|e| panic!("property `{name}`: {e}"));
    }

    fn property_here<S: Strategy>(
        &self,
        name: &str,
        n: u32,
        strategy: S,
        check: fn(&S::Value) -> Option<Value>,
    ) where
        S::Value: Debug,
    {
        let params = Params::mainnet().expect("mainnet parameters");
        let config = Config {
            cases: self.cases(n),
            failure_persistence: None,
            rng_algorithm: RngAlgorithm::ChaCha,
            rng_seed: RngSeed::Fixed(self.seed),
            max_shrink_iters: 256,
            ..Config::default()
        };
        let mut runner = TestRunner::new(config);
        let applied = Cell::new(0u32);
        let result = runner.run(&strategy, |case| {
            let Some(fixture) = check(&case) else {
                return Ok(());
            };
            applied.set(applied.get() + 1);
            let replayed = self.replay(&fixture, &params);
            if replayed.matches() {
                Ok(())
            } else {
                Err(TestCaseError::fail(format!("{:?}", replayed.actual)))
            }
        });
        println!(
            "property `{name}`: {} of {} cases applied",
            applied.get(),
            self.cases(n)
        );
        match result {
            Ok(()) => assert!(applied.get() > 0, "property `{name}`: no case applied"),
            Err(TestError::Fail(reason, case)) => {
                let fixture = check(&case).expect("the failing case applies");
                println!("minimal failing case: {case:#?}");
                println!(
                    "fixture (save under fixtures/{}/ as a regression):\n{}",
                    self.protocol,
                    serde_json::to_string_pretty(&fixture).unwrap()
                );
                panic!("property `{name}` failed: {reason}");
            }
            Err(TestError::Abort(reason)) => panic!("property `{name}` aborted: {reason}"),
        }
    }

    /// Replays fixture JSON as `harness replay` does a file.
    pub fn replay(&self, fixture: &Value, params: &Params) -> Replayed {
        let name = format!("{}_properties.json", self.protocol);
        let path = Path::new(&name);
        let text = fixture.to_string();
        let parsed = fixture::parse(&name, &text).expect("a valid fixture");
        let record = replay::deployment(Build::Record).expect("record deployment");
        let scenario =
            resolve::resolve(&parsed, path, record, &params.slot_config).expect("resolves");
        let measured = replay::settle(&scenario.tx, params, path).expect("builds");
        replay::judge(scenario, measured, params, || {
            let traced = replay::deployment(Build::Traced)?;
            let scenario = resolve::resolve(&parsed, path, traced, &params.slot_config)?;
            replay::settle(&scenario.tx, params, path)
        })
        .expect("judged")
    }
}
