//! The browser test's world: a demo portal served on a loopback port,
//! chromedriver, one browser session per scenario, and the checks every
//! visited page goes through.

use std::fmt::Write as _;
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use rocket::figment::providers::Serialized;
use rocket::figment::Figment;
use rocket::tokio::runtime::Runtime;
use serde_json::{json, Value as Json};

use votum::config::Settings;

const AXE: &str = include_str!("axe.min.js");

/// The two screens the portal is made for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Viewport {
    /// A phone, 390×844 CSS pixels, touch, as when scanning a letter.
    Phone,
    /// The phone with JavaScript switched off in the browser.
    PhoneWithoutJavaScript,
    /// A desktop window, 1280×800.
    Desktop,
}

impl Viewport {
    pub fn name(self) -> &'static str {
        match self {
            Viewport::Phone => "390x844",
            Viewport::PhoneWithoutJavaScript => "390x844-nojs",
            Viewport::Desktop => "1280x800",
        }
    }

    fn javascript(self) -> bool {
        self != Viewport::PhoneWithoutJavaScript
    }

    fn capabilities(self, binary: Option<&str>) -> serde_json::Map<String, Json> {
        let mut args = vec![
            "--headless=new",
            "--no-sandbox",
            "--disable-dev-shm-usage",
            "--disable-gpu",
            "--hide-scrollbars",
            "--lang=de-DE",
            "--no-first-run",
            "--disable-extensions",
        ];
        let mut prefs = json!({ "intl.accept_languages": "de-DE,de" });
        let mut options = json!({});
        match self {
            Viewport::Desktop => {
                args.push("--window-size=1280,800");
                args.push("--force-device-scale-factor=1");
            }
            Viewport::Phone | Viewport::PhoneWithoutJavaScript => {
                options["mobileEmulation"] = json!({
                    "deviceMetrics": {
                        "width": 390, "height": 844, "pixelRatio": 2.0,
                        "mobile": true, "touch": true
                    }
                });
            }
        }
        if !self.javascript() {
            prefs["profile.managed_default_content_settings.javascript"] = json!(2);
        }
        options["args"] = json!(args);
        options["prefs"] = prefs;
        if let Some(binary) = binary {
            options["binary"] = json!(binary);
        }
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("chrome"));
        caps.insert("goog:chromeOptions".into(), options);
        caps
    }
}

/// What axe found on one page.
pub struct PageReport {
    page: String,
    viewport: &'static str,
    counts: [usize; 4],
    rules: Vec<String>,
    passes: usize,
    checked: bool,
}

/// The portal, chromedriver and the data scenarios use.
pub struct World {
    runtime: Runtime,
    base: String,
    driver_url: String,
    driver: Child,
    binary: Option<String>,
    shutdown: rocket::Shutdown,
    /// Demo logins: a plain member and the chair of that member's chapter.
    pub member_login: String,
    pub chair_login: String,
    /// A returning officer of the whole party.
    pub officer_login: String,
    pub password: &'static str,
    /// The open demo ballot.
    pub ballot_id: String,
    /// A ballot voted on, tallied and published, for its result page.
    pub result_ballot_id: String,
    letter_links: Mutex<Vec<String>>,
    shots: PathBuf,
    reports: Vec<PageReport>,
    _dir: tempfile::TempDir,
}

/// Copies a directory tree (the static files).
fn copy_dir(from: impl AsRef<std::path::Path>, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap()
}

fn wait_for_port(port: u16, what: &str) {
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{what} did not listen on port {port}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// chromedriver from `VOTUM_CHROMEDRIVER` or the PATH; `None` skips the
/// test, which CI and an explicit setting turn into a failure.
fn chromedriver() -> Option<String> {
    let explicit = std::env::var("VOTUM_CHROMEDRIVER").ok();
    if explicit.as_deref() == Some("off") {
        return None;
    }
    let found = match &explicit {
        Some(path) => std::path::Path::new(path).is_file().then(|| path.clone()),
        None => std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|dir| dir.join("chromedriver"))
                .find(|p| p.is_file())
                .map(|p| p.display().to_string())
        }),
    };
    match found {
        Some(path) => Some(path),
        None if explicit.is_some() || std::env::var("CI").is_ok() => panic!(
            "chromedriver is required for the browser tests \
             (apt-get install chromium chromium-driver)"
        ),
        None => {
            eprintln!(
                "skipping the browser tests: no chromedriver on the PATH \
                 (apt-get install chromium chromium-driver, or set VOTUM_CHROMEDRIVER)"
            );
            None
        }
    }
}

/// Where screenshots and axe reports go: `target/screenshots`.
fn screenshot_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("screenshots")
}

impl World {
    /// The demo organisation served on a free loopback port, and
    /// chromedriver; `None` when the browser tests are skipped here.
    pub fn new() -> Option<World> {
        let driver_path = chromedriver()?;
        let binary = std::env::var("VOTUM_CHROMIUM").ok().or_else(|| {
            std::path::Path::new("/usr/bin/chromium")
                .is_file()
                .then(|| "/usr/bin/chromium".to_owned())
        });
        let dir = tempfile::tempdir().unwrap();
        let url = dir.path().join("votum.sqlite").display().to_string();
        let (sealing, sealing_b64) = votum_crypto::seal::SealingKey::generate("k1").unwrap();
        let logins = votum::demo::create(&url, 300, 2026, &sealing).unwrap();
        let login = |role: &str| {
            logins
                .iter()
                .find(|l| l.role == role)
                .map(|l| l.login.clone())
                .unwrap()
        };
        let port = free_port();
        let public_url = format!("http://localhost:{port}");
        let (ballot_id, letter_links) = letter_links(&url, &public_url)?;
        let result_ballot_id = published_ballot(
            &url,
            &sealing,
            [&login("returning officer"), &login("second officer")],
        );

        // The shipped static files plus the test-only page that drives the
        // browser encryption (no production route serves it).
        let static_dir = dir.path().join("static");
        copy_dir(&Settings::default().static_dir, &static_dir);
        std::fs::copy(
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/app/browser/wasm-check.html"
            ),
            static_dir.join("wasm-check.html"),
        )
        .unwrap();
        let settings = Settings {
            database_url: url.clone(),
            sealing_key: sealing_b64,
            database_pool_size: 4,
            data_dir: dir.path().display().to_string(),
            static_dir: static_dir.display().to_string(),
            public_url: public_url.clone(),
            ..Settings::default()
        };
        let figment = Figment::from(rocket::Config::debug_default())
            .merge(Serialized::defaults(settings))
            .merge(("address", "127.0.0.1"))
            .merge(("port", port))
            .merge(("log_level", "off"))
            .merge(("secret_key", votum_crypto::MacKey::generate().unwrap().1));
        let runtime = rocket::tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let rocket = runtime
            .block_on(votum::rocket(figment).unwrap().ignite())
            .unwrap();
        let shutdown = rocket.shutdown();
        runtime.spawn(rocket.launch());
        wait_for_port(port, "the portal");

        let driver_port = free_port();
        let driver = Command::new(&driver_path)
            .arg(format!("--port={driver_port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("starting {driver_path}: {e}"));
        wait_for_port(driver_port, "chromedriver");

        let shots = screenshot_dir();
        let _ = std::fs::remove_dir_all(&shots);
        std::fs::create_dir_all(&shots).unwrap();
        Some(World {
            runtime,
            // Chromium treats localhost as a secure context: the portal's
            // Secure cookies work over plain HTTP here.
            base: public_url,
            driver_url: format!("http://127.0.0.1:{driver_port}/"),
            driver,
            binary,
            shutdown,
            member_login: login("member"),
            chair_login: login("chair"),
            officer_login: login("returning officer"),
            password: votum::demo::DEMO_PASSWORD,
            ballot_id,
            result_ballot_id,
            letter_links: Mutex::new(letter_links),
            shots,
            reports: Vec::new(),
            _dir: dir,
        })
    }

    /// A fresh browser session (no cookies) with the given viewport.
    pub fn tab(&self, viewport: Viewport) -> Tab {
        let caps = viewport.capabilities(self.binary.as_deref());
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = self
            .runtime
            .block_on(
                ClientBuilder::new(connector)
                    .capabilities(caps)
                    .connect(&self.driver_url),
            )
            .unwrap_or_else(|e| panic!("starting a Chromium session: {e}"));
        Tab {
            client,
            runtime: self.runtime.handle().clone(),
            base: self.base.clone(),
            viewport,
            shots: self.shots.clone(),
            reports: Vec::new(),
        }
    }

    /// The QR link of an unused voting letter (path and query), as read
    /// from the printed letter.
    pub fn letter_link(&self) -> String {
        self.letter_links.lock().unwrap().pop().unwrap()
    }

    pub fn record(&mut self, reports: Vec<PageReport>) {
        self.reports.extend(reports);
    }

    /// Writes `axe-summary.txt` and returns it.
    pub fn finish(&mut self) -> String {
        let mut summary = String::from(
            "axe-core results (violations by impact: critical serious moderate minor)\n",
        );
        for r in &self.reports {
            let [critical, serious, moderate, minor] = r.counts;
            let _ = writeln!(
                summary,
                "{:<34} {:<13} {}",
                r.page,
                r.viewport,
                if r.checked {
                    format!(
                        "{critical} {serious} {moderate} {minor}  ({} rules passed){}{}",
                        r.passes,
                        if r.rules.is_empty() { "" } else { "  " },
                        r.rules.join(", ")
                    )
                } else {
                    "not run (JavaScript disabled)".into()
                }
            );
        }
        let _ = writeln!(summary, "screenshots: {}", self.shots.display());
        std::fs::write(self.shots.join("axe-summary.txt"), &summary).unwrap();
        summary
    }
}

impl Drop for World {
    fn drop(&mut self) {
        self.shutdown.clone().notify();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Voting letters for the open demo ballot, made as for the print shop
/// (`ballots::letters::issue`), and the QR links read back from the first
/// rendered letter pages: what a member's phone camera would open. Returns the
/// ballot id and the links, or `None` without pdftoppm (poppler-utils)
/// outside CI.
fn letter_links(url: &str, public_url: &str) -> Option<(String, Vec<String>)> {
    use diesel::prelude::*;
    use votum::db::schema::ballots;
    let db = votum::db::Db::open(url, 1).unwrap();
    let mut conn = db.get().unwrap();
    let id: String = ballots::table
        .select(ballots::id)
        .first(&mut *conn)
        .unwrap();
    let catalogues = votum::i18n::Catalogues::load().unwrap();
    let mut pdf = Vec::new();
    let key = votum_crypto::credential::ReissueKey::generate().unwrap();
    let issued = votum::ballots::letters::issue(
        &mut conn,
        &catalogues,
        public_url,
        &id,
        &key,
        None,
        crate::support::test_now(),
        &mut pdf,
    )
    .unwrap();
    assert!(
        issued.letters >= 6,
        "the demo has members who vote by letter"
    );
    if Command::new("pdftoppm").arg("-v").output().is_err() {
        assert!(
            std::env::var("CI").is_err(),
            "pdftoppm (poppler-utils) is required under CI"
        );
        eprintln!("skipping the browser tests: pdftoppm (poppler-utils) is not installed");
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("letters.pdf");
    std::fs::write(&file, &pdf).unwrap();
    let status = Command::new("pdftoppm")
        .args(["-r", "150", "-png", "-f", "1", "-l", "12"])
        .arg(&file)
        .arg(dir.path().join("page"))
        .status()
        .unwrap();
    assert!(status.success(), "pdftoppm");
    let mut pages: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .collect();
    pages.sort();
    let links: Vec<String> = pages
        .iter()
        .filter_map(|page| {
            let image = image::open(page).unwrap().to_luma8();
            let mut prepared = rqrr::PreparedImage::prepare(image);
            let grids = prepared.detect_grids();
            grids.first().and_then(|g| g.decode().ok()).map(|(_, c)| c)
        })
        // Every letter is followed by its postal voting slip, whose QR code
        // holds only the code; the phone opens the letter's link.
        .filter(|content| content.starts_with("http"))
        .map(|link| {
            link.strip_prefix(public_url)
                .unwrap_or_else(|| panic!("{link} is not on {public_url}"))
                .to_owned()
        })
        .collect();
    assert!(links.len() >= 4, "QR codes on the first letters: {links:?}");
    Some((id, links))
}

/// A small ballot of the demo party that went the whole way: opened by the
/// two demo officers, voted on through the ballot box, closed, tallied and
/// published. Returns its id.
fn published_ballot(
    url: &str,
    sealing: &votum_crypto::seal::SealingKey,
    officers: [&str; 2],
) -> String {
    use diesel::prelude::*;
    use votum::ballots::ballot_box::{cast, cast_text, SignedBallot};
    use votum::ballots::officer::{confirm_act, request_act, Act};
    use votum::ballots::setup::{self, NewBallot, Origin};
    use votum::db::schema::{accounts, ballots};
    use votum_ballots::question::{BallotOption, MajorityRule, OptionId, QuestionKind, Ratio};
    use votum_ballots::{Choice, Question, SingleVote, YesNoVote};
    use votum_crypto::credential::{Code, CredentialKey};
    let db = votum::db::Db::open(url, 1).unwrap();
    let mut conn = db.get().unwrap();
    let conn = &mut *conn;
    let group_id: i64 = ballots::table
        .select(ballots::group_id)
        .first(conn)
        .unwrap();
    let [first, second] = officers.map(|login| {
        accounts::table
            .filter(accounts::login.eq(login))
            .select(accounts::id)
            .first::<i64>(conn)
            .unwrap()
    });
    let now = chrono::Utc::now().naive_utc();
    let id = setup::create(
        conn,
        sealing,
        &votum::rights::OfficerOf::by_operator(group_id),
        &NewBallot {
            group_id,
            title: "Vorstandswahl und Entlastung 2026".into(),
            description: String::new(),
            cutoff_date: now.date(),
            opens_at: now - chrono::Duration::hours(2),
            closes_at: now + chrono::Duration::days(1),
            revote_allowed: false,
            shuffle_options: false,
            questions: vec![
                Question {
                    text: "Soll der Vorstand entlastet werden?".into(),
                    // A quorum the six votes miss: the page says by how much.
                    kind: QuestionKind::YesNoAbstain {
                        quorum: Ratio::new(1, 10).unwrap(),
                        majority: MajorityRule::Simple,
                    },
                },
                Question {
                    text: "Wer soll den Vorsitz übernehmen?".into(),
                    kind: QuestionKind::SingleChoice {
                        options: ["Petra Lange", "Jonas Weber", "Aylin Demir"]
                            .iter()
                            .zip(1u32..)
                            .map(|(name, n)| BallotOption::new(n, *name))
                            .collect(),
                        runoff: false,
                    },
                },
                Question {
                    text: "Wer soll in den Beirat (2 Sitze)?".into(),
                    kind: QuestionKind::RankedStv {
                        options: ["Nina Roth", "Omar Said", "Paula Klein"]
                            .iter()
                            .zip(1u32..)
                            .map(|(name, n)| BallotOption::new(n, *name))
                            .collect(),
                        seats: 2,
                    },
                },
            ],
        },
        now,
    )
    .unwrap();
    let act = |conn: &mut votum::db::DbConn, kind: Act| {
        let pending = request_act(conn, &id, kind, first, now).unwrap();
        let done = confirm_act(conn, sealing, &id, pending, second, now).unwrap();
        assert!(done.is_ok(), "officer act {}", kind.as_str());
    };
    act(conn, Act::Open);
    let votes = [
        (YesNoVote::Yes, SingleVote::For(OptionId(1))),
        (YesNoVote::Yes, SingleVote::For(OptionId(2))),
        (YesNoVote::Yes, SingleVote::For(OptionId(1))),
        (YesNoVote::No, SingleVote::For(OptionId(3))),
        (YesNoVote::Abstain, SingleVote::For(OptionId(1))),
        (YesNoVote::Yes, SingleVote::Abstain),
    ];
    let keys: Vec<CredentialKey> = votes
        .iter()
        .map(|_| CredentialKey::derive(&Code::generate().unwrap(), &id))
        .collect();
    let public: Vec<_> = keys.iter().map(CredentialKey::public).collect();
    setup::add_credentials(conn, &id, &public, Origin::Server).unwrap();
    // STV: four first preferences for Nina Roth, over the quota of three,
    // so her surplus moves on: the page shows the rounds.
    let rankings = [[1, 2], [1, 3], [1, 2], [2, 3], [1, 3], [3, 2]];
    for ((key, (yes_no, single)), ranking) in keys.iter().zip(votes).zip(rankings) {
        let ranked = Choice::Ranked(ranking.iter().map(|&n| OptionId(n)).collect());
        let choices_json =
            cast_text(&[Choice::YesNo(yes_no), Choice::Single(single), ranked]).unwrap();
        let credential = key.public();
        // Signed as the app signs for the ballot's protocol (record v1 or v2).
        let message = votum::ballots::protocol::Protocol::of(conn, &id)
            .unwrap()
            .cast_message(&id, &credential, &choices_json);
        let ballot = SignedBallot {
            ballot_id: id.clone(),
            credential,
            choices_json,
            signature: key.sign(&message),
        };
        assert!(matches!(cast(conn, sealing, now, &ballot), Ok(Ok(_))));
    }
    act(conn, Act::Close);
    act(conn, Act::Tally);
    act(conn, Act::Publish);
    id
}

/// One browser session. Its methods wait for the browser and panic with a
/// readable message when something is not as a person would find it.
pub struct Tab {
    client: Client,
    runtime: rocket::tokio::runtime::Handle,
    base: String,
    pub viewport: Viewport,
    shots: PathBuf,
    reports: Vec<PageReport>,
}

/// chromedriver's passthrough to the DevTools protocol.
#[derive(Debug)]
struct Cdp {
    cmd: &'static str,
    params: Json,
}

impl fantoccini::wd::WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (
            http::Method::POST,
            Some(json!({ "cmd": self.cmd, "params": self.params }).to_string()),
        )
    }
}

impl Tab {
    fn block<T>(&self, future: impl std::future::Future<Output = T>) -> T {
        self.runtime.block_on(future)
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    pub fn goto(&mut self, path: &str) {
        let url = format!("{}{path}", self.base);
        self.block(self.client.goto(&url))
            .unwrap_or_else(|e| panic!("opening {path}: {e}"));
    }

    /// Opens a URL outside the portal (a `data:` page).
    pub fn goto_url(&mut self, url: &str) {
        self.block(self.client.goto(url))
            .unwrap_or_else(|e| panic!("opening {url}: {e}"));
    }

    /// Path and query of the page shown.
    pub fn path(&self) -> String {
        let url = self.block(self.client.current_url()).unwrap();
        match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        }
    }

    pub fn find(&self, css: &str) -> Element {
        self.block(self.client.find(Locator::Css(css)))
            .unwrap_or_else(|e| panic!("no {css} on {}: {e}", self.path()))
    }

    pub fn exists(&self, css: &str) -> bool {
        !self
            .block(self.client.find_all(Locator::Css(css)))
            .unwrap_or_default()
            .is_empty()
    }

    pub fn click(&self, css: &str) {
        let element = self.find(css);
        self.block(element.click())
            .unwrap_or_else(|e| panic!("clicking {css}: {e}"));
    }

    /// Does `action` and waits until it has led to a new page.
    pub fn navigating(&self, action: impl FnOnce(&Self)) {
        self.js("window.__votumOldPage = true;");
        action(self);
        let started = Instant::now();
        loop {
            let state = self.block(self.client.execute(
                "return window.__votumOldPage === true ? 'old' : document.readyState;",
                vec![],
            ));
            if state.ok() == Some(json!("complete")) {
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(15),
                "no new page after an action on {}",
                self.path()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Clicks a link or button that leads to a new page, and waits for it.
    pub fn follow(&self, css: &str) {
        self.navigating(|tab| tab.click(css));
    }

    pub fn fill(&self, css: &str, text: &str) {
        let element = self.find(css);
        self.block(async {
            element.clear().await?;
            element.send_keys(text).await
        })
        .unwrap_or_else(|e| panic!("typing into {css}: {e}"));
    }

    pub fn text(&self, css: &str) -> String {
        let element = self.find(css);
        self.block(element.text()).unwrap()
    }

    pub fn attr(&self, css: &str, name: &str) -> Option<String> {
        let element = self.find(css);
        self.block(element.attr(name)).unwrap()
    }

    pub fn value(&self, css: &str) -> String {
        let element = self.find(css);
        self.block(element.prop("value"))
            .unwrap()
            .unwrap_or_default()
    }

    /// Runs `script` in the page (WebDriver's channel, not subject to the
    /// page's CSP) and returns its result.
    pub fn js(&self, script: &str) -> Json {
        self.block(self.client.execute(script, vec![]))
            .unwrap_or_else(|e| panic!("script on {}: {e}", self.path()))
    }

    pub fn js_async(&self, script: &str) -> Json {
        self.block(self.client.execute_async(script, vec![]))
            .unwrap_or_else(|e| panic!("script on {}: {e}", self.path()))
    }

    /// A DevTools protocol command through chromedriver's passthrough.
    pub fn cdp(&self, cmd: &'static str, params: Json) -> Json {
        self.block(self.client.issue_cmd(Cdp { cmd, params }))
            .unwrap_or_else(|e| panic!("{cmd}: {e}"))
    }

    /// Waits (up to 15 s) until an element matching `css` is on the page.
    pub fn wait_for(&self, css: &str) {
        let started = Instant::now();
        while !self.exists(css) {
            assert!(
                started.elapsed() < Duration::from_secs(15),
                "no {css} on {} after 15 s",
                self.path()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn cookies(&self) -> Vec<fantoccini::cookies::Cookie<'static>> {
        self.block(self.client.get_all_cookies()).unwrap()
    }

    /// Presses and releases one key on whatever has the focus.
    pub fn press(&self, key: Key) {
        let key: char = key.into();
        let actions = KeyActions::new("keyboard".into())
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key });
        self.block(self.client.perform_actions(actions))
            .unwrap_or_else(|e| panic!("pressing a key: {e}"));
    }

    /// Presses Tab until the element matching `css` has the focus, and
    /// checks that the focus is visible there.
    pub fn tab_to(&self, css: &str) {
        let script = format!(
            "const a = document.activeElement; return !!a && a.matches({});",
            json!(css)
        );
        for _ in 0..80 {
            self.press(Key::Tab);
            if self.js(&script) == json!(true) {
                let outline = self.js("const s = getComputedStyle(document.activeElement); \
                     return [s.outlineStyle, s.outlineWidth, \
                             document.activeElement.matches(':focus-visible')];");
                assert!(
                    outline[0] != json!("none")
                        && outline[1] != json!("0px")
                        && outline[2] == json!(true),
                    "the focus on {css} is not visible: {outline}"
                );
                return;
            }
        }
        panic!("Tab never reached {css} on {}", self.path());
    }

    /// Waits until the page has loaded.
    fn settle(&self) {
        let started = Instant::now();
        while self.js("return document.readyState") != json!("complete") {
            assert!(started.elapsed() < Duration::from_secs(15), "page load");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The checks for every page a person sees: structure, axe-core, a
    /// screenshot. `name` names the files.
    pub fn page(&mut self, name: &str) {
        self.settle();
        self.check_structure();
        let report = if self.viewport.javascript() {
            self.axe(name)
        } else {
            PageReport {
                page: name.to_owned(),
                viewport: self.viewport.name(),
                counts: [0; 4],
                rules: Vec::new(),
                passes: 0,
                checked: false,
            }
        };
        self.screenshot(name);
        let [critical, serious, ..] = report.counts;
        let failed = critical + serious > 0;
        let detail = report.rules.join("\n  ");
        self.reports.push(report);
        assert!(
            !failed,
            "axe: serious or critical violations on {name} ({}), see {}:\n  {detail}",
            self.viewport.name(),
            self.shots
                .join(format!("{name}-{}.axe.json", self.viewport.name()))
                .display()
        );
    }

    /// Landmarks, one h1, headings without skipped levels, a language and
    /// a title, no inline script.
    fn check_structure(&self) {
        let found = self.js(
            "const levels = [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')]
                 .map(h => Number(h.tagName.substring(1)));
             return {
               lang: document.documentElement.lang,
               title: document.title,
               levels,
               main: document.querySelectorAll('main').length,
               banner: document.querySelectorAll('body > header').length,
               nav: document.querySelectorAll('nav').length,
               footer: document.querySelectorAll('body > footer').length,
               inline_scripts: [...document.scripts].filter(s => !s.src).length,
               handlers: [...document.querySelectorAll('*')]
                 .filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length,
               unlabelled: [...document.querySelectorAll('input, select, textarea')]
                 .filter(e => e.type !== 'hidden' && e.labels.length === 0
                     && !e.getAttribute('aria-label')).map(e => e.name),
             };",
        );
        let page = self.path();
        assert!(
            matches!(found["lang"].as_str(), Some("de" | "en")),
            "{page}: html lang {}",
            found["lang"]
        );
        assert!(
            found["title"].as_str().is_some_and(|t| !t.is_empty()),
            "{page}: no title"
        );
        let levels: Vec<u64> = found["levels"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Json::as_u64)
            .collect();
        assert_eq!(
            levels.iter().filter(|l| **l == 1).count(),
            1,
            "{page}: one h1, found headings {levels:?}"
        );
        assert_eq!(levels.first(), Some(&1), "{page}: the h1 comes first");
        for pair in levels.windows(2) {
            if let [a, b] = pair {
                assert!(*b <= a + 1, "{page}: heading levels skip: {levels:?}");
            }
        }
        for (landmark, want) in [("main", 1), ("banner", 1), ("footer", 1)] {
            assert_eq!(found[landmark], json!(want), "{page}: {landmark} landmark");
        }
        assert!(
            found["nav"].as_u64() >= Some(1),
            "{page}: navigation landmark"
        );
        assert_eq!(found["inline_scripts"], json!(0), "{page}: inline script");
        assert_eq!(found["handlers"], json!(0), "{page}: inline event handler");
        assert_eq!(
            found["unlabelled"],
            json!([]),
            "{page}: form fields without a label"
        );
    }

    fn axe(&self, name: &str) -> PageReport {
        self.js(&format!("{AXE}\n;return typeof axe;"));
        let result = self.js_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { resultTypes: ['violations'] })
               .then(r => done({
                 url: r.url,
                 testEngine: r.testEngine,
                 testEnvironment: r.testEnvironment,
                 violations: r.violations,
                 passes: r.passes.map(p => p.id),
                 incomplete: r.incomplete.map(i => ({ id: i.id, impact: i.impact,
                   nodes: i.nodes.map(n => n.target) })),
               }))
               .catch(e => done({ error: String(e) }));",
        );
        assert!(result.get("error").is_none(), "axe failed: {result}");
        let path = self
            .shots
            .join(format!("{name}-{}.axe.json", self.viewport.name()));
        std::fs::write(&path, serde_json::to_vec_pretty(&result).unwrap()).unwrap();
        let mut counts = [0; 4];
        let mut rules = Vec::new();
        for v in result["violations"].as_array().into_iter().flatten() {
            let impact = v["impact"].as_str().unwrap_or("minor");
            let slot = ["critical", "serious", "moderate", "minor"]
                .iter()
                .position(|i| *i == impact)
                .unwrap_or(3);
            if let Some(c) = counts.get_mut(slot) {
                *c += 1;
            }
            let targets: Vec<String> = v["nodes"]
                .as_array()
                .into_iter()
                .flatten()
                .take(3)
                .map(|n| n["target"].to_string())
                .collect();
            rules.push(format!(
                "{impact} {}: {} at {}",
                v["id"].as_str().unwrap_or_default(),
                v["help"].as_str().unwrap_or_default(),
                targets.join(" ")
            ));
        }
        PageReport {
            page: name.to_owned(),
            viewport: self.viewport.name(),
            counts,
            rules,
            passes: result["passes"].as_array().map_or(0, Vec::len),
            checked: true,
        }
    }

    /// A full-page PNG: `target/screenshots/<name>-<viewport>.png`.
    pub fn screenshot(&self, name: &str) {
        use base64::Engine;
        let size = self.js("return [document.documentElement.scrollWidth, \
                     document.documentElement.scrollHeight];");
        let params = json!({
            "format": "png",
            "captureBeyondViewport": true,
            "clip": { "x": 0, "y": 0, "width": size[0], "height": size[1], "scale": 1 },
        });
        let shot = self
            .block(self.client.issue_cmd(Cdp {
                cmd: "Page.captureScreenshot",
                params,
            }))
            .unwrap_or_else(|e| panic!("screenshot of {name}: {e}"));
        let png = base64::engine::general_purpose::STANDARD
            .decode(shot["data"].as_str().unwrap_or_default())
            .unwrap();
        let path = self
            .shots
            .join(format!("{name}-{}.png", self.viewport.name()));
        std::fs::write(path, png).unwrap();
    }

    /// The page as printed (print media): checks that navigation, footer
    /// and forms are left off paper, and saves
    /// `target/screenshots/<name>-print-<viewport>.png`.
    pub fn print_preview(&self, name: &str) {
        let media = |media: &str| {
            self.block(self.client.issue_cmd(Cdp {
                cmd: "Emulation.setEmulatedMedia",
                params: json!({ "media": media }),
            }))
            .unwrap_or_else(|e| panic!("print media: {e}"));
        };
        media("print");
        let shown = self.js(
            "return [...document.querySelectorAll('header.site, footer.site, main form')]
                 .filter(e => getComputedStyle(e).display !== 'none')
                 .map(e => e.tagName);",
        );
        assert_eq!(shown, json!([]), "on paper only the content");
        self.screenshot(&format!("{name}-print"));
        media("");
    }

    /// Ends the session; returns what axe found on its pages.
    pub fn close(self) -> Vec<PageReport> {
        let Tab {
            client,
            runtime,
            reports,
            ..
        } = self;
        let _ = runtime.block_on(client.close());
        reports
    }
}
