//! Formats every Aiken source under `validators/` in place (the `aiken fmt` of this repo).
//! Run: `cargo run -p harness --example aiken_fmt`.

use std::path::PathBuf;

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../validators");
    let files = vec![
        root.join("lib").display().to_string(),
        root.join("validators").display().to_string(),
    ];
    if let Err(errors) = aiken_project::format::run(false, false, files) {
        for err in errors {
            eprintln!("{err:?}");
        }
        std::process::exit(1);
    }
}
