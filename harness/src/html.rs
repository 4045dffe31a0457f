//! `harness report`: one self-contained static page (no network, no script, charts as inline
//! SVG drawn with `plotters`). Per protocol: script sizes against the original's, capacity
//! curves, the budgets of record and their diff, the rule-coverage matrix, attacks per class and
//! the failing fixtures with their rules' text. Every figure row carries its numbers as `data-`
//! attributes, one row per line, which the tests read back.

use crate::{
    attack::{AttackReport, ClassReport},
    budget,
    capacity::{Capacity, Point},
    coverage::RuleCoverage,
    deploy::Deployment,
    params::Params,
    protocols::{self, Protocol},
    replay::Replays,
    report, rules,
    scenario::Expect,
};
use plotters::prelude::*;
use std::fmt::Write;

/// The original implementation's script sizes (`harness/rules/originals.tsv`).
const ORIGINALS: &str = include_str!("../rules/originals.tsv");

/// One action's capacity and its curve: the figures at several sizes up to the largest that
/// fits, and the first that does not.
pub struct Curve {
    /// The protocol whose action it is.
    pub protocol: &'static str,
    pub capacity: Capacity,
    pub points: Vec<Point>,
}

/// Everything the page shows.
pub struct Figures<'a> {
    pub params: &'a Params,
    pub deployment: &'a Deployment,
    pub replays: &'a [Replays],
    pub budget: &'a [budget::Line],
    pub coverage: &'a [RuleCoverage],
    pub attacks: &'a [AttackReport],
    pub curves: &'a [Curve],
}

/// The page.
pub fn page(f: &Figures) -> String {
    let mut out = String::from(HEAD);
    let _ = writeln!(out, "<h1>p2p-defi-kernel</h1>");
    let _ = writeln!(
        out,
        "<p>Parameters <code>{}</code>: limits {} mem, {} steps, {} bytes.</p>",
        esc(&f.params.name),
        f.params.max_tx_ex_units.mem,
        f.params.max_tx_ex_units.steps,
        f.params.max_tx_size
    );
    for protocol in protocols::all() {
        let _ = writeln!(out, "<section id=\"{0}\"><h2>{0}</h2>", protocol.name);
        out.push_str(&scripts(protocol, f.deployment));
        out.push_str(&capacity(protocol, f));
        out.push_str(&budgets(protocol, f));
        out.push_str(&coverage(protocol, f.coverage));
        out.push_str(&attacks(protocol, f.attacks));
        out.push_str(&failing(protocol, f.replays));
        out.push_str("</section>\n");
    }
    out.push_str("</body></html>\n");
    out
}

/// The original size of the script `name`, if the spec gives one.
pub fn original(name: &str) -> Option<usize> {
    ORIGINALS
        .lines()
        .filter(|l| !l.starts_with('#'))
        .find_map(|l| {
            let mut cols = l.split('\t');
            (cols.next() == Some(name)).then(|| cols.next()?.parse().ok())?
        })
}

fn scripts(protocol: &Protocol, deployment: &Deployment) -> String {
    let mut rows = String::new();
    let mut bars = Vec::new();
    for info in protocol.scripts {
        let Some(script) = deployment.script(info.script) else {
            continue;
        };
        let original = original(info.script);
        let _ = writeln!(
            rows,
            "<tr class=\"script\" data-script=\"{}\" data-size=\"{}\" data-original=\"{}\"><td>{}</td><td>{}</td><td>{}</td></tr>",
            info.script,
            script.size(),
            original.map_or(String::new(), |o| o.to_string()),
            info.script,
            script.size(),
            original.map_or("-".into(), |o| o.to_string())
        );
        bars.push((info.script, script.size(), original.unwrap_or(0)));
    }
    format!(
        "<h3>Script sizes (bytes): ours in blue, the original's in grey</h3>\n{}<table><tr><th>script</th><th>ours</th><th>original</th></tr>\n{rows}</table>\n",
        sizes_chart(&bars)
    )
}

fn capacity(protocol: &Protocol, f: &Figures) -> String {
    let curves: Vec<&Curve> = f
        .curves
        .iter()
        .filter(|c| c.protocol == protocol.name)
        .collect();
    if curves.is_empty() {
        return "<h3>Capacity</h3>\n<p>Not measured (<code>harness report --capacity</code>).</p>\n".into();
    }
    let mut out = String::from(
        "<h3>Capacity</h3>\n<table><tr><th>action</th><th>fits</th><th>bottleneck</th></tr>\n",
    );
    for c in &curves {
        let _ = writeln!(
            out,
            "<tr class=\"capacity\" data-action=\"{0}\" data-fits=\"{1}\" data-bottleneck=\"{2}\"><td>{0}</td><td>{1}</td><td>{2}</td></tr>",
            esc(&c.capacity.action),
            c.capacity.fits(),
            esc(&c.capacity.bottleneck())
        );
    }
    out.push_str("</table>\n");
    for c in curves {
        out.push_str(&curve_chart(c, f.params));
    }
    out
}

fn budgets(protocol: &Protocol, f: &Figures) -> String {
    let mut out = String::from(
        "<h3>Budgets of record</h3>\n<table><tr><th>fixture</th><th>outcome</th><th>mem</th><th>cpu</th><th>size</th><th>fee</th></tr>\n",
    );
    for replayed in f.replays.iter().flat_map(|r| &r.steps) {
        if replayed.scenario.protocol != protocol.name {
            continue;
        }
        let line = report::line(replayed, f.params);
        let _ = writeln!(
            out,
            "<tr class=\"budget\" data-fixture=\"{0}\" data-mem=\"{1}\" data-cpu=\"{2}\" data-size=\"{3}\" data-fee=\"{4}\"><td>{0}</td><td>{5}</td><td>{1}</td><td>{2}</td><td>{3}</td><td>{4}</td></tr>",
            esc(&line.fixture),
            line.mem,
            line.cpu,
            line.size,
            line.fee,
            esc(&report::actual_text(&line.actual))
        );
    }
    out.push_str("</table>\n<h3>Against the baselines</h3>\n");
    let fixtures = format!("fixtures/{}/", protocol.name);
    let changed: Vec<&budget::Line> = f
        .budget
        .iter()
        .filter(|l| l.subject.contains(&fixtures) && !l.change.passes())
        .collect();
    if changed.is_empty() {
        out.push_str("<p>Every figure equals its baseline.</p>\n");
        return out;
    }
    out.push_str(
        "<table><tr><th>fixture</th><th>figure</th><th>baseline</th><th>current</th></tr>\n",
    );
    for l in changed {
        let rise = matches!(
            (l.baseline.as_deref().map(str::parse::<i128>), l.current.as_deref().map(str::parse::<i128>)),
            (Some(Ok(a)), Some(Ok(b))) if b > a
        );
        let _ = writeln!(
            out,
            "<tr class=\"change{}\" data-fixture=\"{}\" data-figure=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            if rise { " rise" } else { "" },
            esc(&l.subject),
            esc(&l.figure),
            esc(&l.subject),
            esc(&l.figure),
            esc(l.baseline.as_deref().unwrap_or("-")),
            esc(l.current.as_deref().unwrap_or("-"))
        );
    }
    out.push_str("</table>\n");
    out
}

fn coverage(protocol: &Protocol, table: &[RuleCoverage]) -> String {
    let mut out = String::from(
        "<h3>Rule coverage</h3>\n<table><tr><th>rule</th><th>kind</th><th>passing</th><th>failing</th><th>summary</th></tr>\n",
    );
    for r in table
        .iter()
        .filter(|r| rules::find(r.id).is_some_and(|c| c.protocol == protocol.name))
    {
        let missing = r.missing();
        let cell = |n: usize, what: &str| {
            let class = if missing.contains(&what) {
                " class=\"missing\""
            } else {
                ""
            };
            format!("<td{class}>{n}</td>")
        };
        let _ = writeln!(
            out,
            "<tr class=\"rule\" data-rule=\"{0}\" data-passing=\"{1}\" data-failing=\"{2}\" data-complete=\"{3}\"><td>{0}</td><td>{4}</td>{5}{6}<td>{7}</td></tr>",
            r.id,
            r.passing.len(),
            r.failing.len(),
            r.complete(),
            r.kind.as_str(),
            cell(r.passing.len(), "passing"),
            cell(r.failing.len(), "failing"),
            esc(r.summary)
        );
    }
    out.push_str("</table>\n");
    out
}

fn attacks(protocol: &Protocol, reports: &[AttackReport]) -> String {
    let mine: Vec<AttackReport> = reports
        .iter()
        .filter(|r| r.protocol == protocol.name)
        .cloned()
        .collect();
    if mine.is_empty() {
        return "<h3>Attacks</h3>\n<p>None run.</p>\n".into();
    }
    let totals = crate::attack::totals(&mine);
    let mut out = format!(
        "<h3>Attacks per class ({} fixtures)</h3>\n{}",
        mine.len(),
        attacks_chart(&totals)
    );
    out.push_str(
        "<table><tr><th>class</th><th>tried</th><th>rejected</th><th>accepted</th></tr>\n",
    );
    for c in &totals {
        let accepted = c.accepted.len();
        let _ = writeln!(
            out,
            "<tr class=\"attacks{}\" data-class=\"{}\" data-tried=\"{}\" data-accepted=\"{accepted}\"><td>{}</td><td>{}</td><td>{}</td><td>{accepted}</td></tr>",
            if accepted > 0 { " rise" } else { "" },
            serde_json::to_value(c.class)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default(),
            c.tried,
            c.class.name(),
            c.tried,
            c.rejected()
        );
    }
    out.push_str("</table>\n");
    out
}

fn failing(protocol: &Protocol, replays: &[Replays]) -> String {
    let mut out = String::from(
        "<h3>Failing fixtures</h3>\n<table><tr><th>fixture</th><th>rule</th><th>rule text</th></tr>\n",
    );
    for replayed in replays.iter().flat_map(|r| &r.steps) {
        let scenario = &replayed.scenario;
        let Expect::Fail(rule) = &scenario.expect else {
            continue;
        };
        if scenario.protocol != protocol.name {
            continue;
        }
        let text = rules::find(rule).map_or("", |r| r.summary);
        let _ = writeln!(
            out,
            "<tr class=\"failing\" data-fixture=\"{0}\" data-rule=\"{1}\"><td>{0}</td><td>{1}</td><td>{2}</td></tr>",
            esc(&scenario.subject()),
            rule,
            esc(text)
        );
    }
    out.push_str("</table>\n");
    out
}

// ## Charts

/// Grouped bars: each script's size beside the original's.
fn sizes_chart(bars: &[(&str, usize, usize)]) -> String {
    let top = bars.iter().map(|b| b.1.max(b.2)).max().unwrap_or(1) as f64 * 1.15;
    svg((640, 260), |root| {
        let mut chart = ChartBuilder::on(&root)
            .margin(10)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(0f64..bars.len() as f64, 0f64..top)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(bars.len())
            .x_label_formatter(&|x| {
                bars.get(*x as usize)
                    .map_or(String::new(), |b| b.0.to_string())
            })
            .y_desc("bytes")
            .draw()?;
        for (i, (_, ours, original)) in bars.iter().enumerate() {
            let x = i as f64;
            let bar = |from: f64, to: f64, height: usize, color: RGBColor| {
                Rectangle::new([(x + from, 0.0), (x + to, height as f64)], color.filled())
            };
            chart.draw_series([
                bar(0.15, 0.45, *ours, BLUE),
                bar(0.5, 0.8, *original, RGBColor(160, 160, 160)),
            ])?;
        }
        Ok(())
    })
}

/// Shares of the limits (mem, steps, size) over the number of actions, the largest that fits
/// marked.
fn curve_chart(curve: &Curve, params: &Params) -> String {
    let share = |a: u64, b: u64| {
        if b == 0 {
            0.0
        } else {
            100.0 * a as f64 / b as f64
        }
    };
    let last = curve.points.iter().map(|p| p.n).max().unwrap_or(1) as f64;
    let series = [
        (
            "mem",
            RED,
            Box::new(|p: &Point| share(p.mem, params.max_tx_ex_units.mem))
                as Box<dyn Fn(&Point) -> f64>,
        ),
        (
            "steps",
            GREEN,
            Box::new(|p: &Point| share(p.steps, params.max_tx_ex_units.steps)),
        ),
        (
            "size",
            BLUE,
            Box::new(|p: &Point| share(p.size, params.max_tx_size)),
        ),
    ];
    let top = curve
        .points
        .iter()
        .flat_map(|p| series.iter().map(move |s| (s.2)(p)))
        .fold(110.0, f64::max);
    let chart = svg((640, 240), |root| {
        let mut chart = ChartBuilder::on(&root)
            .caption(&curve.capacity.action, ("sans-serif", 16))
            .margin(10)
            .x_label_area_size(30)
            .y_label_area_size(50)
            .build_cartesian_2d(0f64..last + 1.0, 0f64..top)?;
        chart
            .configure_mesh()
            .x_desc("actions per transaction")
            .y_desc("% of limit")
            .draw()?;
        for (name, color, value) in &series {
            chart
                .draw_series(LineSeries::new(
                    curve.points.iter().map(|p| (p.n as f64, value(p))),
                    color,
                ))?
                .label(*name)
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 15, y)], color));
        }
        let fits = curve.capacity.fits() as f64;
        chart
            .draw_series(LineSeries::new([(fits, 0.0), (fits, top)], BLACK))?
            .label(format!(
                "fits {} ({})",
                curve.capacity.fits(),
                curve.capacity.bottleneck()
            ))
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 15, y)], BLACK));
        chart.draw_series(LineSeries::new(
            [(0.0, 100.0), (last + 1.0, 100.0)],
            RGBColor(160, 160, 160),
        ))?;
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .draw()?;
        Ok(())
    });
    format!("<div class=\"curve\">{chart}</div>\n")
}

/// Attacks tried per class, and those accepted.
fn attacks_chart(totals: &[ClassReport]) -> String {
    let top = totals.iter().map(|c| c.tried).max().unwrap_or(1).max(1) as f64 * 1.15;
    svg((640, 240), |root| {
        let mut chart = ChartBuilder::on(&root)
            .margin(10)
            .x_label_area_size(40)
            .y_label_area_size(50)
            .build_cartesian_2d(0f64..totals.len() as f64, 0f64..top)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(totals.len() + 1)
            .x_label_formatter(&|x| {
                totals.get(*x as usize).map_or(String::new(), |c| {
                    c.class.name().split(' ').next().unwrap_or("").to_string()
                })
            })
            .y_desc("attacks")
            .draw()?;
        for (i, c) in totals.iter().enumerate() {
            let x = i as f64;
            chart.draw_series([
                Rectangle::new([(x + 0.15, 0.0), (x + 0.85, c.tried as f64)], BLUE.filled()),
                Rectangle::new(
                    [(x + 0.15, 0.0), (x + 0.85, c.accepted.len() as f64)],
                    RED.filled(),
                ),
            ])?;
        }
        Ok(())
    })
}

/// An SVG drawing of `size` made by `draw`, or a note that it could not be drawn.
fn svg(
    size: (u32, u32),
    draw: impl FnOnce(
        DrawingArea<SVGBackend, plotters::coord::Shift>,
    ) -> Result<(), Box<dyn std::error::Error + '_>>,
) -> String {
    let mut text = String::new();
    let drawn = {
        let root = SVGBackend::with_string(&mut text, size).into_drawing_area();
        let filled = root.fill(&WHITE).map_err(|e| e.to_string());
        filled
            .and_then(|()| draw(root.clone()).map_err(|e| e.to_string()))
            .and_then(|()| root.present().map_err(|e| e.to_string()))
    };
    match drawn {
        Ok(()) => text,
        Err(err) => format!("<p class=\"missing\">chart not drawn: {}</p>", esc(&err)),
    }
}

fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const HEAD: &str = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>p2p-defi-kernel report</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:72em}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:2px 6px;font-size:13px}td:nth-child(n+2){text-align:right}.missing,.rise td{background:#f8c8c8;color:#900}section{border-top:2px solid #333;margin-top:2em}</style></head><body>\n";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn originals_name_deployed_scripts() {
        let deployment = crate::replay::deployment(crate::deploy::Build::Record).unwrap();
        let names: Vec<&str> = ORIGINALS
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(|l| l.split('\t').next().unwrap())
            .collect();
        assert!(names.len() >= 5);
        for name in names {
            assert!(deployment.script(name).is_some(), "{name}");
            assert!(original(name).is_some_and(|n| n > 0), "{name}");
        }
        let first = ORIGINALS.lines().find(|l| !l.starts_with('#')).unwrap();
        let cols: Vec<&str> = first.split('\t').collect();
        assert_eq!(original(cols[0]), cols[1].parse().ok());
        assert_eq!(original("nothing"), None);
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc("<a href=\"x\">&</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;"
        );
    }
}
