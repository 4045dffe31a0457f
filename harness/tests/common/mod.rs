//! What the fixture-wide tests share: the bundled fixtures, and the property runner.

pub mod property;

use harness::replay;
use std::path::PathBuf;

/// The bundled fixtures directory.
pub fn fixtures_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures")
}

/// Every fixture under `fixtures/`.
pub fn fixtures() -> Vec<PathBuf> {
    let files = replay::collect(&[fixtures_root()]).expect("fixtures/ is readable");
    assert!(!files.is_empty(), "no fixture found under fixtures/");
    files
}
