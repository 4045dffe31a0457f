//! Harness speed (criterion): fixture load and resolution, transaction build, evaluation, for a
//! small scenario (one create) and a large one (ten fills), and the replay of the whole bundled
//! corpus over every core. Before the benchmarks it prints the ratio of the per-redeemer path
//! (transaction decoded, script contexts built and applied, machine run) to the machine alone,
//! for each scenario (goal: at most 1.3), and the harness's own overhead: the share of corpus
//! replay time spent outside the CEK machine.
//!
//! Everything runs on one thread with a large stack, as a `parallel` worker does, so the
//! evaluator's per-thread cache of decoded scripts holds across iterations, as in a replay.
//!
//! Script cost is not measured here: it is gated by the budget baselines (`harness budget`).
//! Run: `cargo bench -p benches`.

use criterion::{Criterion, criterion_group};
use harness::{
    deploy::{Build, Deployment},
    eval, fixture, parallel,
    params::Params,
    replay, resolve, tx,
};
use std::{
    collections::BTreeMap,
    hint::black_box,
    path::{Path, PathBuf},
    time::Instant,
};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures")
}

/// The small and the large scenario.
fn scenarios() -> [(&'static str, PathBuf); 2] {
    let one_way = fixtures().join("swaps/one_way");
    [
        ("small", one_way.join("create/create_one_token_to_ada.json")),
        (
            "large",
            one_way.join("fill/fill_ten_same_pair_swap_at.json"),
        ),
    ]
}

fn pipeline_stages(c: &mut Criterion) {
    let params = Params::mainnet().expect("bundled parameters load");
    let deployment = Deployment::of(Build::Record).expect("validators compile");
    for (size, path) in scenarios() {
        c.bench_function(&format!("load_and_resolve/{size}"), |b| {
            b.iter(|| {
                let fixture = fixture::load(&path).expect("fixture loads");
                black_box(
                    resolve::resolve(&fixture, &path, deployment, &params.slot_config)
                        .expect("fixture resolves"),
                )
            })
        });
        let scenario =
            resolve::load(&path, deployment, &params.slot_config).expect("fixture resolves");
        let settled = replay::settle(&scenario.tx, &params, &path).expect("fee settles");
        let units: BTreeMap<_, _> = settled
            .runs
            .iter()
            .map(|r| {
                (
                    r.key.clone(),
                    harness::params::ExUnits {
                        mem: r.mem,
                        steps: r.cpu,
                    },
                )
            })
            .collect();
        c.bench_function(&format!("build/{size}"), |b| {
            b.iter(|| {
                black_box(
                    tx::build(&scenario.tx, &params, settled.built.fee, &units).expect("builds"),
                )
            })
        });
        c.bench_function(&format!("evaluate/{size}"), |b| {
            b.iter(|| black_box(eval::evaluate(&settled.built, &params).expect("evaluates")))
        });
    }
}

fn corpus(c: &mut Criterion) {
    let params = Params::mainnet().expect("bundled parameters load");
    let files = replay::collect(&[fixtures()]).expect("fixtures are readable");
    let mut group = c.benchmark_group("corpus");
    group.sample_size(10);
    group.bench_function(format!("replay/{}_fixtures", files.len()), |b| {
        b.iter(|| {
            black_box(parallel::map(&files, |file| {
                replay::replay_path(file, &params).expect("fixture replays")
            }))
        })
    });
    group.finish();
}

/// Replays the corpus once and prints how much of the time the CEK machine took.
fn overhead() {
    let params = Params::mainnet().expect("bundled parameters load");
    let files = replay::collect(&[fixtures()]).expect("fixtures are readable");
    // Warm the deployments and caches first.
    for file in files.iter().take(2) {
        let _ = replay::replay_path(file, &params);
    }
    let cek_before = eval::evaluation_time();
    let start = Instant::now();
    for file in &files {
        let _ = replay::replay_path(Path::new(file), &params);
    }
    let total = start.elapsed();
    let cek = eval::evaluation_time() - cek_before;
    let share = 100.0 * (total.as_secs_f64() - cek.as_secs_f64()) / total.as_secs_f64();
    println!(
        "corpus of {} fixtures replayed in {:.3} s, {:.3} s of it evaluating scripts: harness overhead {share:.1}%",
        files.len(),
        total.as_secs_f64(),
        cek.as_secs_f64()
    );
}

/// Mean seconds per call of `work`, over enough calls to take about a second.
fn seconds_per_call(mut work: impl FnMut()) -> f64 {
    work();
    let (mut calls, start) = (0u32, Instant::now());
    while start.elapsed().as_secs_f64() < 1.0 {
        work();
        calls += 1;
    }
    start.elapsed().as_secs_f64() / f64::from(calls)
}

/// Each scenario's settled transaction and its redeemers' programs, applied to their contexts.
fn applied_scenarios(params: &Params) -> Vec<(&'static str, tx::Built, eval::Applied)> {
    let deployment = Deployment::of(Build::Record).expect("validators compile");
    scenarios()
        .into_iter()
        .map(|(size, path)| {
            let scenario =
                resolve::load(&path, deployment, &params.slot_config).expect("fixture resolves");
            let built = replay::settle(&scenario.tx, params, &path)
                .expect("fee settles")
                .built;
            let programs = eval::applied(&built, params).expect("applies");
            (size, built, programs)
        })
        .collect()
}

/// Every applied program through the machine, nothing else.
fn machine_alone(programs: &eval::Applied, params: &Params) {
    for (_, program) in programs {
        black_box(eval::run_program(program.clone(), params));
    }
}

/// Prints, per scenario, the per-redeemer path's time over the machine alone's.
fn path_over_machine() {
    let params = Params::mainnet().expect("bundled parameters load");
    for (size, built, programs) in applied_scenarios(&params) {
        let path = seconds_per_call(|| {
            black_box(eval::evaluate(&built, &params).expect("evaluates"));
        });
        let machine = seconds_per_call(|| machine_alone(&programs, &params));
        println!(
            "per-redeemer path / machine alone, {size} ({} redeemers): {:.3} ({:.3} ms / {:.3} ms)",
            programs.len(),
            path / machine,
            path * 1e3,
            machine * 1e3
        );
    }
}

fn redeemer_path(c: &mut Criterion) {
    let params = Params::mainnet().expect("bundled parameters load");
    for (size, _, programs) in applied_scenarios(&params) {
        c.bench_function(&format!("machine_alone/{size}"), |b| {
            b.iter(|| machine_alone(&programs, &params))
        });
    }
}

criterion_group!(benches, redeemer_path, pipeline_stages, corpus);

fn main() {
    parallel::on_large_stack(|| {
        path_over_machine();
        overhead();
        benches();
        Criterion::default().configure_from_args().final_summary();
    })
    .expect("the benchmarks run on a large stack");
}
