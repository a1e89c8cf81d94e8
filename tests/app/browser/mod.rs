//! Real-browser tests: the demo portal served on a loopback port, driven in
//! Debian's headless Chromium through chromedriver (WebDriver). Voting
//! starts where a member starts: the QR code on a printed letter, decoded
//! from the letter PDF the print shop would get.
//!
//! Every page a scenario visits goes through [`Tab::page`]: axe-core checks
//! it (no serious or critical violation allowed), the landmarks and heading
//! outline are checked, and a full-page screenshot is saved to
//! `target/screenshots/<name>-<viewport>.png` with the axe report next to it
//! (`<name>-<viewport>.axe.json`); `axe-summary.txt` lists every page.
//!
//! Without chromedriver the test is skipped with a message, except under CI
//! (`CI` set) or with an explicit `VOTUM_CHROMEDRIVER`, where it fails;
//! without pdftoppm (for the letters) likewise, failing under CI.
//! `VOTUM_CHROMEDRIVER=off` skips it; `VOTUM_BROWSER_SCENARIO=text` runs
//! only the scenarios whose name contains the text.

mod harness;
mod scenarios;

pub use harness::{Tab, Viewport, World};

/// One scenario: a story a person goes through, in a fresh browser
/// session of the given viewport. Adding a scenario is adding one line
/// here and one function in `scenarios.rs`.
type Scenario = (&'static str, Viewport, fn(&mut Tab, &World));

const SCENARIOS: &[Scenario] = &[
    (
        "ballot encrypted and audited in the browser",
        Viewport::Desktop,
        scenarios::encrypt_in_the_browser,
    ),
    ("log in", Viewport::Desktop, scenarios::log_in),
    ("log in", Viewport::Phone, scenarios::log_in),
    (
        "chair reads the member list",
        Viewport::Desktop,
        scenarios::chair_reads_member_list,
    ),
    (
        "chair reads the member list",
        Viewport::Phone,
        scenarios::chair_reads_member_list,
    ),
    (
        "member votes from the letter's QR link",
        Viewport::Phone,
        scenarios::vote_from_letter,
    ),
    (
        "member votes from the letter's QR link",
        Viewport::Desktop,
        scenarios::vote_from_letter,
    ),
    ("other pages", Viewport::Phone, scenarios::look_around),
    ("other pages", Viewport::Desktop, scenarios::look_around),
    ("result page", Viewport::Phone, scenarios::read_a_result),
    ("result page", Viewport::Desktop, scenarios::read_a_result),
    (
        "keyboard-only vote",
        Viewport::Desktop,
        scenarios::vote_by_keyboard_only,
    ),
    (
        "vote with JavaScript disabled",
        Viewport::PhoneWithoutJavaScript,
        scenarios::vote_without_javascript,
    ),
    (
        "language switch",
        Viewport::Phone,
        scenarios::switch_language,
    ),
    (
        "security headers and cookies",
        Viewport::Desktop,
        scenarios::security_headers_and_cookies,
    ),
    (
        "a member answers a survey",
        Viewport::Phone,
        scenarios::answer_a_survey,
    ),
    (
        "the owner runs a survey",
        Viewport::Desktop,
        scenarios::run_a_survey,
    ),
    (
        "the owner runs a survey",
        Viewport::Phone,
        scenarios::run_a_survey,
    ),
];

#[test]
fn browser_scenarios() {
    let Some(mut world) = World::new() else {
        return;
    };
    let mut failures = Vec::new();
    // VOTUM_BROWSER_SCENARIO=text runs only the scenarios whose name holds
    // it (while working on one; CI runs all).
    let only = std::env::var("VOTUM_BROWSER_SCENARIO").unwrap_or_default();
    for (name, viewport, scenario) in SCENARIOS {
        if !name.contains(only.as_str()) {
            continue;
        }
        eprintln!("browser: {name} ({})", viewport.name());
        let started =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| world.tab(*viewport)));
        let outcome = match started {
            Ok(mut tab) => {
                let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    scenario(&mut tab, &world);
                }));
                world.record(tab.close());
                outcome
            }
            Err(panic) => Err(panic),
        };
        if let Err(panic) = outcome {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            failures.push(format!("{name} ({}): {message}", viewport.name()));
        }
    }
    let summary = world.finish();
    eprintln!("{summary}");
    assert!(
        failures.is_empty(),
        "browser scenarios failed:\n{}",
        failures.join("\n")
    );
}
