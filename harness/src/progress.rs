//! Progress of a long run on standard error, which reports never use: a bar redrawn in place
//! when standard error is a terminal; otherwise (CI logs) a plain line every few seconds, and
//! none at all for a run that ends before the first, so quick runs and tests print nothing.

use std::{
    io::{IsTerminal, Write},
    sync::{
        Mutex,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

/// How often a terminal bar is redrawn.
const REDRAW: Duration = Duration::from_millis(100);
/// How often a plain line is printed, and how long a run goes before its first one.
const LINE: Duration = Duration::from_secs(10);
/// The bar's width in characters.
const WIDTH: usize = 30;

/// One run's progress: `total` items of what `label` names (`replay: fixtures`).
pub struct Progress {
    label: String,
    total: usize,
    done: AtomicUsize,
    started: Instant,
    /// When it last printed, if it did.
    printed: Mutex<Option<Instant>>,
    terminal: bool,
}

impl Progress {
    /// A run of `total` items, shown on a terminal or as plain lines.
    pub fn new(label: &str, total: usize) -> Progress {
        Progress::shown(label, total, std::io::stderr().is_terminal())
    }

    fn shown(label: &str, total: usize, terminal: bool) -> Progress {
        Progress {
            label: label.to_string(),
            total,
            done: AtomicUsize::new(0),
            started: Instant::now(),
            printed: Mutex::new(None),
            terminal,
        }
    }

    /// One more item done; prints when it is time to.
    pub fn tick(&self) {
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        let now = Instant::now();
        let Ok(mut printed) = self.printed.lock() else {
            return;
        };
        let due = match *printed {
            None if self.terminal => true,
            None => now.duration_since(self.started) >= LINE,
            Some(last) => now.duration_since(last) >= if self.terminal { REDRAW } else { LINE },
        };
        if due {
            *printed = Some(now);
            eprint(&self.line(done, now));
        }
    }

    /// The run is over: a terminal bar is cleared, a plain log gets its last line.
    pub fn finish(&self) {
        let printed = self.printed.lock().map(|p| p.is_some()).unwrap_or(false);
        if self.terminal {
            eprint("\r\x1b[2K");
        } else if printed {
            let done = self.done.load(Ordering::Relaxed);
            eprint(&self.line(done, Instant::now()));
        }
    }

    /// What is printed after `done` items at `now`.
    fn line(&self, done: usize, now: Instant) -> String {
        let seconds = now.duration_since(self.started).as_secs();
        let percent = (100 * done).checked_div(self.total).unwrap_or(100);
        if self.terminal {
            let filled = (WIDTH * done).checked_div(self.total).unwrap_or(WIDTH);
            format!(
                "\r{} [{}{}] {done}/{} {seconds} s",
                self.label,
                "#".repeat(filled),
                ".".repeat(WIDTH - filled),
                self.total
            )
        } else {
            format!(
                "{}: {done}/{} ({percent}%), {seconds} s\n",
                self.label, self.total
            )
        }
    }
}

fn eprint(text: &str) {
    let mut stderr = std::io::stderr().lock();
    let _ = stderr.write_all(text.as_bytes());
    let _ = stderr.flush();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_lines_say_how_far_and_how_long() {
        let progress = Progress::shown("replay: fixtures", 8, false);
        let started = progress.started;
        assert_eq!(
            progress.line(2, started + Duration::from_secs(12)),
            "replay: fixtures: 2/8 (25%), 12 s\n"
        );
    }

    #[test]
    fn a_terminal_bar_fills_with_the_items_done() {
        let progress = Progress::shown("attack", 3, true);
        let line = progress.line(3, progress.started);
        assert!(line.starts_with("\rattack ["), "{line}");
        assert!(
            line.contains(&"#".repeat(WIDTH)) && line.ends_with("3/3 0 s"),
            "{line}"
        );
        assert_eq!(
            Progress::shown("x", 0, true)
                .line(0, progress.started)
                .matches('#')
                .count(),
            WIDTH
        );
    }

    #[test]
    fn a_quick_plain_run_prints_nothing() {
        let progress = Progress::shown("replay", 2, false);
        progress.tick();
        progress.tick();
        assert!(progress.printed.lock().unwrap().is_none());
    }
}
