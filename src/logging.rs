//! Votum's logger: no voting code, token or reset link reaches a log line,
//! whatever the method, route or log level.
//!
//! Rocket logs request lines with the full URI (`No matching routes for
//! HEAD /vote/<id>?code=…` even at its "critical" level), and its generated
//! route code logs guard failures. Votum therefore installs its own logger
//! before Rocket starts (Rocket then keeps out), and:
//!
//! - prints Rocket's launch report as it is (configuration and route
//!   templates, no request data);
//! - prints Votum's own lines as they are: they name requests only through
//!   [`request_label`] (method and route template, never the raw URI);
//! - scrubs every other line (Rocket's request handling, generated route
//!   code): paths, queries and `name=value` lose their content; below
//!   "warning" those lines are never printed (Rocket's debug lines quote
//!   form fields, Handlebars' quote template values).
//!
//! Requests are logged by [`RequestLog`]: method, route template (or
//! "unmatched" and the first path segment if a mounted route begins with
//! it), status and duration.

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use log::{Level, LevelFilter, Log, Metadata, Record};
use rocket::fairing::{Fairing, Info, Kind};
use rocket::request::Request;
use rocket::response::Response;
use rocket::Data;

/// The configured level, as `LevelFilter as usize`.
static LEVEL: AtomicUsize = AtomicUsize::new(LevelFilter::Warn as usize);

/// Sinks of tests that read the log (see [`capture`]).
static CAPTURES: Mutex<Vec<Arc<Mutex<Vec<String>>>>> = Mutex::new(Vec::new());

static LOGGER: VotumLogger = VotumLogger;

/// Installs the logger (once per process) and sets its level from Rocket's
/// `log_level` ("off", "critical", "normal", "debug").
pub fn install(level: rocket::config::LogLevel) {
    let filter = match level {
        rocket::config::LogLevel::Off => LevelFilter::Off,
        rocket::config::LogLevel::Critical => LevelFilter::Warn,
        rocket::config::LogLevel::Normal => LevelFilter::Info,
        rocket::config::LogLevel::Debug => LevelFilter::Trace,
    };
    LEVEL.store(filter as usize, Ordering::Relaxed);
    // Fails when already installed (a second app in the same process, as in
    // the tests): the level above still applies.
    let _ = log::set_logger(&LOGGER);
    refresh_max_level();
}

fn level() -> LevelFilter {
    match LEVEL.load(Ordering::Relaxed) {
        0 => LevelFilter::Off,
        1 => LevelFilter::Error,
        2 => LevelFilter::Warn,
        3 => LevelFilter::Info,
        4 => LevelFilter::Debug,
        _ => LevelFilter::Trace,
    }
}

fn capturing() -> bool {
    !CAPTURES
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .is_empty()
}

fn refresh_max_level() {
    log::set_max_level(if capturing() {
        LevelFilter::Trace
    } else if level() == LevelFilter::Off {
        LevelFilter::Off
    } else {
        // Rocket's launch report is logged at "warn" and shown at every
        // level but "off".
        level().max(LevelFilter::Warn)
    });
}

/// Every line logged while the returned guard lives, as printed, at every
/// level (for tests that check what reaches a log).
pub fn capture() -> Capture {
    let sink = Arc::new(Mutex::new(Vec::new()));
    CAPTURES
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(sink.clone());
    refresh_max_level();
    Capture { sink }
}

/// A running [`capture`].
pub struct Capture {
    sink: Arc<Mutex<Vec<String>>>,
}

impl Capture {
    /// The lines captured so far.
    pub fn lines(&self) -> Vec<String> {
        self.sink
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        CAPTURES
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|s| !Arc::ptr_eq(s, &self.sink));
        refresh_max_level();
    }
}

struct VotumLogger;

/// Where a record comes from, which decides how much of it is printed.
#[derive(PartialEq)]
enum Source {
    Launch,
    Votum,
    Other,
}

fn source(record: &Record<'_>) -> Source {
    let target = record.target();
    if target.contains("rocket::launch") {
        Source::Launch
    } else if record.module_path().is_some_and(|m| m.starts_with("votum"))
        // Rocket's generated route code logs from Votum's modules, with a
        // target ending in "_"; Votum's own lines never do.
        && !target.ends_with('_')
    {
        Source::Votum
    } else {
        Source::Other
    }
}

impl Log for VotumLogger {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        capturing() || metadata.level() <= level() || metadata.target().contains("rocket::launch")
    }

    fn log(&self, record: &Record<'_>) {
        let source = source(record);
        // Lines of other crates below "warning" (Rocket's form fields,
        // template values) may quote what a visitor sent: never printed.
        let visible = |level: LevelFilter| match source {
            Source::Launch => level != LevelFilter::Off,
            Source::Votum => record.level() <= level,
            Source::Other => {
                let noisy = record.module_path().is_some_and(|m| {
                    ["hyper", "rustls", "r2d2", "h2"]
                        .iter()
                        .any(|p| m.starts_with(p))
                });
                record.level() <= level && record.level() <= Level::Warn && !noisy
            }
        };
        let shown = visible(level());
        // A capture records what the most verbose level would print.
        let capture = capturing() && visible(LevelFilter::Trace);
        if !shown && !capture {
            return;
        }
        let message = record.args().to_string();
        let message = match source {
            Source::Launch | Source::Votum => message,
            Source::Other => scrub(&message),
        };
        let prefix = match (record.level(), record.target().ends_with('_')) {
            (_, true) => "   >> ",
            (_, false) if source == Source::Launch => "",
            (Level::Error, false) => "Error: ",
            (Level::Warn, false) => "Warning: ",
            _ => "",
        };
        let line = format!("{prefix}{message}");
        if capture {
            for sink in CAPTURES
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .iter()
            {
                sink.lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(line.clone());
            }
        }
        if shown {
            let _ = writeln!(std::io::stdout().lock(), "{line}");
        }
    }

    fn flush(&self) {
        let _ = std::io::stdout().lock().flush();
    }
}

/// `text` with every path, query and `name=value` emptied: `No matching
/// routes for HEAD /vote/x?code=ABC.` becomes `No matching routes for HEAD
/// /…`. A word is a run without
/// white space or terminal escape codes (Rocket colours the URI).
pub fn scrub(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    for c in text.chars() {
        if c.is_whitespace() || c == '\u{1b}' {
            out.push_str(&scrub_word(&word));
            word.clear();
            out.push(c);
        } else {
            word.push(c);
        }
    }
    out.push_str(&scrub_word(&word));
    out
}

fn scrub_word(word: &str) -> String {
    let Some(start) = word.find(['/', '?', '=', '&', '%']) else {
        return word.to_owned();
    };
    let (before, rest) = word.split_at(start);
    match rest.chars().next() {
        Some('/') if rest.len() == 1 => format!("{before}/"),
        Some(sep) => format!("{before}{sep}…"),
        None => before.to_owned(),
    }
}

/// A first path segment as it may be logged: one that begins a mounted
/// route (`vote`, `password`), else `…`, since a secret could sit there too.
fn known_segment<'a>(req: &Request<'_>, segment: &'a str) -> &'a str {
    let known = req.rocket().routes().any(|route| {
        route
            .uri
            .path()
            .trim_start_matches('/')
            .split('/')
            .next()
            .is_some_and(|first| first == segment && !first.starts_with('<'))
    });
    if known {
        segment
    } else {
        "…"
    }
}

/// How a request is named in a log line: its method and the template of
/// the route that answered (`GET /vote/<id>?<code>`), or `unmatched` and
/// the first path segment. Never the URI itself, which may carry a code.
pub fn request_label(req: &Request<'_>) -> String {
    match req.route() {
        Some(route) => format!("{} {}", req.method(), route.uri),
        None => {
            let first = req
                .uri()
                .path()
                .segments()
                .next()
                .map_or("", |segment| known_segment(req, segment));
            format!("{} unmatched /{first}", req.method())
        }
    }
}

/// Logs one line per request at "info" ("normal" level): [`request_label`],
/// status and duration.
pub struct RequestLog;

/// When the request came in, kept in the request's local cache.
struct Started(Option<Instant>);

#[rocket::async_trait]
impl Fairing for RequestLog {
    fn info(&self) -> Info {
        Info {
            name: "request log",
            kind: Kind::Request | Kind::Response,
        }
    }

    async fn on_request(&self, req: &mut Request<'_>, _: &mut Data<'_>) {
        req.local_cache(|| Started(Some(Instant::now())));
    }

    async fn on_response<'r>(&self, req: &'r Request<'_>, res: &mut Response<'r>) {
        let took = req
            .local_cache(|| Started(None))
            .0
            .map(|t| t.elapsed().as_millis())
            .unwrap_or_default();
        log::info!("{} {} {took} ms", request_label(req), res.status().code);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrub_removes_paths_and_values() {
        let cases = [
            (
                "No matching routes for HEAD /vote/abc?code=SECRET.",
                "No matching routes for HEAD /…",
            ),
            ("GET /s/x?code=SECRET", "GET /…"),
            ("GET /password/reset/SECRET", "GET /…"),
            ("GET /profile/email/confirm?token=SECRET:", "GET /…"),
            ("GET /?code=SECRET", "GET /…"),
            ("GET / 200", "GET / 200"),
            ("GET /SECRET", "GET /…"),
            (
                "GET \u{1b}[34m/vote/x?code=SECRET\u{1b}[0m",
                "GET \u{1b}[34m/…\u{1b}[0m",
            ),
            ("field code=SECRET", "field code=…"),
            ("value %53ECRET", "value %…"),
            ("Catcher failed. Using 500.", "Catcher failed. Using 500."),
        ];
        for (input, expected) in cases {
            assert_eq!(scrub(input), expected, "{input:?}");
        }
    }
}
