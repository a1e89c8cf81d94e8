//! The stories the browser tests go through, one function each. Every
//! visited page goes through `Tab::page` (axe-core, landmarks, headings,
//! labels, screenshot).

use fantoccini::key::Key;
use serde_json::json;

use super::{Tab, Viewport, World};

/// Signs in on the login form (after one wrong password, whose error must be
/// announced and tied to the field).
fn sign_in(tab: &mut Tab, login: &str, password: &str) {
    tab.goto("/login");
    tab.fill("#login", login);
    tab.fill("#password", password);
    tab.follow("form.stack button[type=submit]");
}

pub fn log_in(tab: &mut Tab, world: &World) {
    // A guest asking for a member page is sent to the login form.
    tab.goto("/profile");
    assert!(tab.path().starts_with("/login"), "{}", tab.path());
    tab.page("login");

    sign_in(tab, &world.member_login, "not the password");
    assert!(tab.exists("[role=alert]#login-error"), "error announced");
    assert_eq!(tab.attr("#login", "aria-invalid").as_deref(), Some("true"));
    assert_eq!(
        tab.attr("#login", "aria-describedby").as_deref(),
        Some("login-error")
    );
    tab.page("login-error");

    sign_in(tab, &world.member_login, world.password);
    assert_eq!(tab.path(), "/");
    assert!(
        tab.text("h1").starts_with("Willkommen"),
        "{}",
        tab.text("h1")
    );
    assert_eq!(
        tab.attr("header nav a[href='/']", "aria-current")
            .as_deref(),
        Some("page")
    );
    tab.page("dashboard");
    tab.goto("/ballots");
    tab.page("ballots");
}

pub fn chair_reads_member_list(tab: &mut Tab, world: &World) {
    sign_in(tab, &world.chair_login, world.password);
    tab.page("dashboard-chair");
    tab.follow("header nav a[href='/members']");
    assert_eq!(tab.path(), "/members");
    assert_eq!(
        tab.attr("header nav a[href='/members']", "aria-current")
            .as_deref(),
        Some("page")
    );
    assert!(tab.text("[role=status]").contains("Mitglieder gefunden"));
    let rows = tab.js("return document.querySelectorAll('main tbody tr').length");
    assert!(rows.as_u64() > Some(0), "the chair sees members");
    tab.page("members");

    // Search for the demo member, open the record.
    tab.fill("#q", &world.member_login);
    tab.follow("form.search button");
    assert!(tab.text("[role=status]").starts_with("1 "));
    tab.follow("main tbody tr a");
    assert!(tab.path().starts_with("/members/"));
    tab.page("member");
}

/// The other pages a member, an officer and an administrator use, and the
/// error pages: each goes through the page checks.
pub fn look_around(tab: &mut Tab, world: &World) {
    tab.goto("/password/forgot");
    tab.page("password-forgot");
    tab.goto("/no/such/page");
    tab.page("not-found");

    sign_in(tab, &world.member_login, world.password);
    tab.follow("header nav a[href='/profile']");
    tab.page("profile");
    tab.follow("header nav a[href='/groups']");
    tab.page("groups");
    tab.follow("main a[href^='/groups/']");
    tab.page("group");
    tab.goto("/members");
    tab.page("forbidden");
    tab.goto("/");
    tab.follow("header nav button.link");
    assert!(tab.path().starts_with("/login"), "{}", tab.path());
    tab.page("logged-out");

    sign_in(tab, &world.officer_login, world.password);
    tab.goto("/ballots");
    tab.page("ballots-officer");
    tab.goto(&format!("/ballots/{}/manage", world.ballot_id));
    // The open ballot ends later: closing it now asks for a tick first.
    assert!(tab.exists("input[name=early][required]"));
    tab.page("ballot-manage");
    // A lost letter: the member is found by name, without JavaScript.
    tab.goto(&format!("/ballots/{}/manage?find=a", world.ballot_id));
    tab.page("ballot-manage-find");
    tab.goto("/ballots/new");
    tab.page("ballot-new");
    tab.follow("header nav button.link");

    sign_in(tab, "admin", world.password);
    tab.goto("/admin");
    tab.page("admin");
    tab.goto("/admin/outbox");
    tab.page("admin-outbox");
    tab.goto("/admin/audit");
    tab.page("admin-audit");
}

/// Answers the demo ballot on the open vote page: yes to question 1,
/// two topics for question 2, by clicking the labels (the large targets).
fn answer_ballot(tab: &mut Tab) {
    tab.click("label[for=q0-yes]");
    tab.click("label[for=q1-o2]");
    tab.click("label[for=q1-o3]");
}

pub fn vote_from_letter(tab: &mut Tab, world: &World) {
    let link = world.letter_link();
    tab.goto(&link);
    let code = tab.value("#code");
    assert!(!code.is_empty(), "the QR link fills in the code");
    assert_eq!(tab.text("h1"), "Mitgliederbefragung 2027");
    tab.page("vote");

    // Forgetting an answer: the error is announced and tied to the
    // question.
    tab.click("label[for=q1-o1]");
    tab.follow("form.ballot button[type=submit]");
    assert!(tab.exists(".error-summary[role=alert]"));
    assert!(tab.exists("fieldset[aria-describedby=q0-error]"));
    assert!(tab.exists("#q0-error"));
    tab.page("vote-error");

    // A typo in the code: the field is marked and described by the error.
    tab.fill("#code", &format!("{}X", &code));
    tab.click("label[for=q0-yes]");
    tab.follow("form.ballot button[type=submit]");
    assert_eq!(tab.attr("#code", "aria-invalid").as_deref(), Some("true"));
    assert!(tab
        .attr("#code", "aria-describedby")
        .unwrap_or_default()
        .contains("form-error"));
    tab.page("vote-code-error");

    tab.fill("#code", &code);
    tab.click("label[for=q1-o1]");
    answer_ballot(tab);
    tab.follow("form.ballot button[type=submit]");
    assert_eq!(tab.text("h1"), "Bitte prüfen Sie Ihre Stimme");
    tab.page("review");

    tab.follow("form[action$='/cast'] button");
    assert_eq!(tab.text("h1"), "Ihre Stimme ist abgegeben");
    let tracking = tab.text("code.tracking");
    assert!(!tracking.is_empty());
    tab.page("receipt");
    tab.print_preview("receipt");

    tab.follow("main a[href*='/check?tracking=']");
    tab.follow("form.stack button");
    assert!(
        tab.text("[role=status]")
            .starts_with("Ihre Stimme liegt in der Urne"),
        "{}",
        tab.text("main")
    );
    tab.page("check");
}

pub fn read_a_result(tab: &mut Tab, world: &World) {
    sign_in(tab, &world.member_login, world.password);
    tab.goto(&format!("/ballots/{}/result", world.result_ballot_id));
    assert!(tab.text("h1").contains("Vorstandswahl und Entlastung 2026"));
    // The chart has a text alternative, the numbers are in a table too.
    assert!(tab.exists("svg.chart[role=img] title"));
    assert!(tab.exists("main table caption"));
    // STV rounds as a table and a chart with the quota line; the missed
    // quorum in words; nothing wider than the screen.
    assert!(tab.exists("table.stages caption"));
    assert!(tab.exists("svg.chart line.chart-quota"));
    assert!(tab.text("main").contains("Quorum verfehlt: Nötig waren"));
    let overflow = tab.js("return document.documentElement.scrollWidth - window.innerWidth;");
    assert!(overflow.as_f64() <= Some(0.0), "overflow {overflow}");
    tab.page("result");
    tab.print_preview("result");
}

pub fn vote_by_keyboard_only(tab: &mut Tab, world: &World) {
    let link = world.letter_link();
    tab.goto(&link);
    // The first Tab reaches the skip link, which leads to the content.
    tab.tab_to("a.skip");
    tab.press(Key::Enter);
    tab.tab_to("#code");
    tab.tab_to("#q0-yes");
    // Arrow keys move within a radio group; Space selects.
    tab.press(Key::Down);
    tab.press(Key::Up);
    tab.press(Key::Space);
    tab.tab_to("#q1-o2");
    tab.press(Key::Space);
    tab.tab_to("#q1-o4");
    tab.press(Key::Space);
    // The focus ring as a keyboard user sees it.
    tab.screenshot("vote-keyboard-focus");
    tab.tab_to("form.ballot button[type=submit]");
    tab.navigating(|tab| tab.press(Key::Enter));
    assert_eq!(tab.text("h1"), "Bitte prüfen Sie Ihre Stimme");
    tab.page("review-keyboard");
    tab.tab_to("form[action$='/cast'] button");
    tab.navigating(|tab| tab.press(Key::Enter));
    assert_eq!(tab.text("h1"), "Ihre Stimme ist abgegeben");
    tab.page("receipt-keyboard");
}

pub fn vote_without_javascript(tab: &mut Tab, world: &World) {
    assert!(tab.viewport == Viewport::PhoneWithoutJavaScript);
    // The browser really runs no page script.
    tab.goto_url("data:text/html,<title>before</title><script>document.title='ran'</script>");
    assert_eq!(tab.js("return document.title"), json!("before"));

    let link = world.letter_link();
    tab.goto(&link);
    tab.page("vote-nojs");
    // Tab enters the radio group at its first radio; Down moves and selects.
    tab.tab_to("#q0-yes");
    tab.press(Key::Down);
    assert_eq!(
        tab.js("return document.getElementById('q0-no').checked"),
        json!(true)
    );
    tab.tab_to("#q1-o5");
    tab.press(Key::Space);
    tab.tab_to("form.ballot button[type=submit]");
    tab.navigating(|tab| tab.press(Key::Enter));
    assert_eq!(tab.text("h1"), "Bitte prüfen Sie Ihre Stimme");
    tab.page("review-nojs");
    tab.tab_to("form[action$='/cast'] button");
    tab.navigating(|tab| tab.press(Key::Enter));
    assert_eq!(tab.text("h1"), "Ihre Stimme ist abgegeben");
    tab.page("receipt-nojs");
}

pub fn switch_language(tab: &mut Tab, world: &World) {
    sign_in(tab, &world.member_login, world.password);
    assert_eq!(tab.js("return document.documentElement.lang"), json!("de"));
    tab.follow("footer a[hreflang=en]");
    assert_eq!(tab.path(), "/", "the switch returns to the same page");
    assert_eq!(tab.js("return document.documentElement.lang"), json!("en"));
    assert!(tab.text("h1").starts_with("Welcome"), "{}", tab.text("h1"));
    tab.page("dashboard-en");
    tab.goto(&format!("/vote/{}", world.ballot_id));
    tab.page("vote-en");
    tab.follow("footer a[hreflang=de]");
    assert_eq!(tab.js("return document.documentElement.lang"), json!("de"));
    assert!(tab.path().starts_with("/vote/"));
    tab.page("vote-de");
}

pub fn security_headers_and_cookies(tab: &mut Tab, world: &World) {
    sign_in(tab, &world.member_login, world.password);
    tab.page("security-dashboard");
    // Headers as the browser received them on a same-origin request.
    let headers = tab.js_async(
        "const done = arguments[arguments.length - 1];
         fetch('/', { credentials: 'same-origin' }).then(r => done({
           csp: r.headers.get('content-security-policy'),
           frame: r.headers.get('x-frame-options'),
           nosniff: r.headers.get('x-content-type-options'),
           referrer: r.headers.get('referrer-policy'),
         })).catch(e => done({ error: String(e) }));",
    );
    let csp = headers["csp"].as_str().unwrap_or_default();
    let script_src = csp
        .split(';')
        .map(str::trim)
        .find(|d| d.starts_with("script-src"))
        .unwrap_or_else(|| panic!("no script-src in {csp:?}"));
    assert_eq!(
        script_src, "script-src 'self' 'wasm-unsafe-eval'",
        "no inline script allowed; WebAssembly only from same-origin scripts"
    );
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(csp.contains("object-src 'none'"), "{csp}");
    assert_eq!(headers["frame"], json!("DENY"));
    assert_eq!(headers["nosniff"], json!("nosniff"));
    assert_eq!(headers["referrer"], json!("no-referrer"));

    // The browser enforces it: an injected inline script does not run,
    // and the violation is reported.
    let blocked = tab.js_async(
        "const done = arguments[arguments.length - 1];
         let violation = null;
         document.addEventListener('securitypolicyviolation',
           e => { violation = e.violatedDirective; });
         const s = document.createElement('script');
         s.textContent = 'window.__inlineRan = true;';
         document.body.appendChild(s);
         setTimeout(() => done({ ran: window.__inlineRan === true, violation }), 200);",
    );
    assert_eq!(blocked["ran"], json!(false), "inline script ran: {blocked}");
    assert!(
        blocked["violation"]
            .as_str()
            .is_some_and(|d| d.starts_with("script-src")),
        "{blocked}"
    );

    // No mixed content: every resource and link target on the page is
    // same-origin or relative.
    let foreign = tab.js("const origin = location.origin;
         const urls = performance.getEntriesByType('resource').map(e => e.name)
           .concat([...document.querySelectorAll('[src],[href],[action]')]
             .map(e => e.src || e.href || e.action));
         return urls.filter(u => u && !u.startsWith(origin + '/'));");
    assert_eq!(foreign, json!([]), "resources from elsewhere");

    // Cookies: Secure, HttpOnly, SameSite, invisible to scripts.
    let cookies = tab.cookies();
    assert!(
        cookies.iter().any(|c| c.name() == "votum_session"),
        "{cookies:?}"
    );
    for cookie in &cookies {
        assert_eq!(cookie.secure(), Some(true), "{cookie:?} Secure");
        assert_eq!(cookie.http_only(), Some(true), "{cookie:?} HttpOnly");
        assert!(
            matches!(
                format!("{:?}", cookie.same_site()).as_str(),
                "Some(Lax)" | "Some(Strict)"
            ),
            "{cookie:?} SameSite"
        );
    }
    assert_eq!(tab.js("return document.cookie"), json!(""));
    assert!(tab.base().starts_with("http://localhost:"));
}

/// The demo chair answers the open survey of their chapter on a phone:
/// a single choice and a scheduling poll (yes / if need be / no per date).
pub fn answer_a_survey(tab: &mut Tab, world: &World) {
    sign_in(tab, &world.chair_login, world.password);
    tab.follow("header nav a[href='/surveys']");
    assert_eq!(tab.path(), "/surveys");
    tab.page("surveys");
    tab.follow("main a[href^='/s/']");
    assert_eq!(tab.text("h1"), "Nächste Mitgliederversammlung");
    tab.page("survey");
    tab.click("label[for=q0-1]");
    tab.click("#q1-o0-yes");
    tab.click("#q1-o1-maybe");
    tab.click("#q1-o2-no");
    tab.follow("form.ballot button[type=submit]");
    assert_eq!(tab.text("h1"), "Vielen Dank");
    assert!(tab.text("[role=status]").contains("gespeichert"));
    tab.page("survey-thanks");
    tab.follow("main a[href$='/results']");
    assert!(
        tab.text("main").contains("Antworten: 1"),
        "{}",
        tab.text("main")
    );
    // Shares as on ballot results; the scheduling chart stacks "yes" and
    // "if need be", and each label stands above its bar, not in it.
    assert!(
        // (WebDriver reads the no-break space before "%" as a space.)
        tab.text("main").contains("100,0 %"),
        "{}",
        tab.text("main")
    );
    assert!(tab.exists("svg.chart rect.chart-bar-maybe"));
    let apart = tab.js(
        "return [...document.querySelectorAll('svg.chart g')].every(g => {
           const label = g.querySelector('.chart-label').getBoundingClientRect();
           const bar = g.querySelector('rect').getBoundingClientRect();
           return label.bottom <= bar.top + 1;
         });",
    );
    assert_eq!(apart, json!(true), "labels run into the bars");
    let overflow = tab.js("return document.documentElement.scrollWidth - window.innerWidth;");
    assert!(overflow.as_f64() <= Some(0.0), "overflow {overflow}");
    tab.page("survey-results");
}

/// The owner's side on a desktop: the survey's page with its links, and
/// the projector page with the large QR code.
pub fn run_a_survey(tab: &mut Tab, world: &World) {
    sign_in(tab, &world.chair_login, world.password);
    tab.goto("/surveys");
    tab.follow("main li a[href^='/surveys/']");
    tab.page("survey-manage");
    tab.follow("main a[href$='/display']");
    assert!(
        tab.exists("main img[alt]"),
        "the QR code has a text alternative"
    );
    // For a projector: no menu, the QR code centred, nothing wider than
    // the screen (a phone included).
    let layout = tab.js(
        "const img = document.querySelector('main img').getBoundingClientRect();
         return { overflow: document.documentElement.scrollWidth - window.innerWidth,
                  off_centre: Math.abs((img.left + img.right) / 2 - window.innerWidth / 2),
                  menu_links: document.querySelectorAll('header nav a').length };",
    );
    assert!(layout["overflow"].as_f64() <= Some(0.0), "{layout}");
    assert!(layout["off_centre"].as_f64() < Some(2.0), "{layout}");
    assert_eq!(
        layout["menu_links"],
        json!(1),
        "only the way back: {layout}"
    );
    tab.page("survey-display");

    // A new survey: one question with the fields of its type; another
    // question is added on request (a plain form button, no JavaScript).
    tab.goto("/surveys/new");
    assert!(tab.exists("#q0_options"));
    assert!(!tab.exists("#q0_low_label") && !tab.exists("#q1_text"));
    tab.page("survey-new");
    tab.fill("#q0_text", "Wann treffen wir uns?");
    tab.navigating(|tab| tab.click("button[name=step][value=add]"));
    assert!(tab.exists("#q1_text"));
    assert_eq!(tab.value("#q0_text"), "Wann treffen wir uns?");
    tab.page("survey-new-second-question");
}

/// The ballot encryption in the browser (`static/js/encrypt-ballot.js` and
/// the WebAssembly build of votum-crypto) on the test-only page
/// `tests/app/browser/wasm-check.html`: the browser's ballot verifies with
/// the server's `verify_ballot` byte for byte and decrypts to the marks
/// ticked; an audit passes, reveals the randomness and re-encrypts; audits
/// of a tampered ballot or of other choices fail and name the option. Also
/// measures encryption with the CPU throttled 4× (docs/benchmarks.md).
pub fn encrypt_in_the_browser(tab: &mut Tab, _world: &World) {
    use votum_crypto::elgamal::{Ciphertext, SecretKey};
    use votum_crypto::encrypted_ballot::{
        verify_ballot, ElectionParameters, EncryptedBallot, QuestionShape,
    };
    use votum_crypto::group::{Scalar, SeededScalars};
    use votum_crypto::{Code, CredentialKey};

    let key = SecretKey::generate(&mut SeededScalars::new(b"browser")).unwrap();
    // Five proposals that may all be left empty: the sixth option is "none",
    // which the script marks exactly when no box is ticked.
    let shape = QuestionShape {
        options: 6,
        min_marks: 0,
        max_marks: 3,
    };
    let params = ElectionParameters::new([5; 32], key.public(), vec![shape]).unwrap();
    let params_json = serde_json::to_string(&params).unwrap();
    let credential = CredentialKey::derive_v2(&Code::from_bytes([7; 16]), "browser").public();

    tab.goto("/static/wasm-check.html");
    tab.js(&format!(
        "const f = document.querySelector('form[data-encrypt-ballot]');
         f.dataset.election = {}; f.dataset.credential = {};",
        json!(params_json),
        json!(credential.to_base64()),
    ));
    for id in ["#o1", "#o3", "#o4"] {
        tab.click(id);
    }
    tab.click("button[type=submit]");
    tab.wait_for("[data-tracking-code]");
    // Nothing was sent: the page is the same, the fields are filled.
    assert_eq!(tab.path(), "/static/wasm-check.html");
    let ballot_json = tab.value("input[name=encrypted_ballot]");
    let tracking = tab.value("input[name=tracking_code]");
    let ballot: EncryptedBallot = serde_json::from_str(&ballot_json).unwrap();
    assert_eq!(ballot.canonical_json(), ballot_json.as_bytes());
    assert_eq!(ballot.tracking_code(), tracking);
    assert_eq!(tab.text("[data-tracking-code]"), tracking);
    let decrypt = |ballot: &EncryptedBallot| -> Vec<Option<u64>> {
        let cts = verify_ballot(&params, &credential, ballot).unwrap();
        cts[0].iter().map(|c| key.decrypt(c, 1)).collect()
    };
    assert_eq!(
        decrypt(&ballot),
        [Some(1), Some(0), Some(1), Some(1), Some(0), Some(0)]
    );
    tab.page("browser-encryption");

    // The audit: passes, reveals the randomness, encrypts anew.
    tab.click("[data-audit]");
    tab.wait_for("[data-audit-result]");
    assert_eq!(
        tab.attr("[data-audit-result]", "data-audit-result")
            .as_deref(),
        Some("ok")
    );
    assert!(tab
        .text("[data-audit-result]")
        .contains("Prüfung bestanden"));
    let revealed: serde_json::Value = serde_json::from_str(
        tab.js("return document.querySelector('[data-audit-data]').textContent;")
            .as_str()
            .unwrap(),
    )
    .unwrap();
    let fresh_json = tab.value("input[name=encrypted_ballot]");
    assert_ne!(tab.value("input[name=tracking_code]"), tracking);
    let fresh: EncryptedBallot = serde_json::from_str(&fresh_json).unwrap();
    assert_ne!(fresh, ballot, "the audited ballot must never be cast");
    assert_eq!(decrypt(&fresh), decrypt(&ballot));
    tab.page("browser-encryption-audited");

    // A cheating device: option 3's ciphertext encrypts 0 with the revealed
    // randomness. The browser's audit refuses it and names the option.
    let randomness = revealed["randomness"].to_string();
    let r: [u8; 32] = votum_crypto::base64url::decode_array(
        revealed["randomness"]["answers"][0][2].as_str().unwrap(),
    )
    .unwrap();
    let mut cheated = ballot.clone();
    cheated.answers[0].choices[2] = Ciphertext::encrypt_with(
        params.public_key(),
        0,
        &Scalar::from_canonical_bytes(r).unwrap(),
    )
    .encode();
    let cheated_json = String::from_utf8(cheated.canonical_json()).unwrap();
    let audit = |ballot: &str, choices: &str| -> serde_json::Value {
        tab.js_async(&format!(
            "const done = arguments[arguments.length - 1];
             import('/static/wasm/votum_crypto_wasm.js').then(async m => {{
               await m.default();
               done(JSON.parse(m.audit({}, {}, {}, {})));
             }}).catch(e => done({{ thrown: String(e) }}));",
            json!(params_json),
            json!(ballot),
            json!(randomness),
            json!(choices),
        ))
    };
    let marked = "[[true,false,true,true,false,false]]";
    assert_eq!(audit(&ballot_json, marked)["ok"], json!(true));
    let refused = audit(&cheated_json, marked);
    assert_eq!(refused["ok"], json!(false), "{refused}");
    assert_eq!(
        (&refused["question"], &refused["option"]),
        (&json!(0), &json!(2))
    );
    let other = audit(&ballot_json, "[[true,true,true,true,false,false]]");
    assert_eq!(other["ok"], json!(false));
    assert_eq!(other["option"], json!(1));

    // Encryption time of this 5-option ballot with the CPU throttled 4×, a
    // phone-class stand-in (reported in docs/benchmarks.md; not asserted).
    tab.cdp("Emulation.setCPUThrottlingRate", json!({ "rate": 4 }));
    let timing = tab.js_async(&format!(
        "const done = arguments[arguments.length - 1];
         import('/static/wasm/votum_crypto_wasm.js').then(async m => {{
           await m.default();
           const times = [];
           for (let i = 0; i < 7; i++) {{
             const t0 = performance.now();
             m.encrypt({}, {}, '{marked}');
             times.push(performance.now() - t0);
           }}
           times.sort((a, b) => a - b);
           done({{ median: times[3], min: times[0], max: times[6] }});
         }}).catch(e => done({{ thrown: String(e) }}));",
        json!(params_json),
        json!(credential.to_base64()),
    ));
    tab.cdp("Emulation.setCPUThrottlingRate", json!({ "rate": 1 }));
    eprintln!("browser encryption of a 5-option ballot, CPU throttled 4x: {timing} ms");
    assert!(timing["median"].is_number(), "{timing}");
}
