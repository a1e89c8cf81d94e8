//! Secrets in logs and side channels: reset links, the forgotten-password
//! form, rate limits, log lines.

use diesel::prelude::*;
use rocket::http::Status;
use votum::db::schema::outbox;

use crate::support::{TestApp, PASSWORD};

/// Every reset link mailed to `to`, oldest first.
fn reset_links(app: &TestApp, to: &str) -> Vec<String> {
    let bodies: Vec<Option<String>> = outbox::table
        .filter(outbox::recipient.eq(to))
        .select(outbox::body)
        .load(&mut *app.conn())
        .unwrap();
    bodies
        .into_iter()
        .flatten()
        .filter_map(|body| {
            body.lines()
                .find(|l| l.contains("/password/reset/"))
                .map(|l| {
                    l.trim()
                        .trim_start_matches("http://127.0.0.1:8000")
                        .to_owned()
                })
        })
        .collect()
}

crate::both_backends!(a_new_reset_link_retires_the_older_ones, |app: TestApp| {
    let org = app.with_org();
    let email = org.member_a1.email.clone().unwrap();
    for _ in 0..2 {
        let response = app.post_form("/password/forgot", "/password/forgot", &[("login", &email)]);
        assert_eq!(response.status(), Status::Ok);
    }
    // The second request by membership number names the same member.
    let number = org.member_a1.membership_number.clone();
    let response = app.post_form(
        "/password/forgot",
        "/password/forgot",
        &[("login", &number)],
    );
    assert_eq!(response.status(), Status::Ok);
    let links = reset_links(&app, &email);
    assert_eq!(links.len(), 3, "{links:?}");
    let valid: Vec<&String> = links
        .iter()
        .filter(|path| app.get(path).0 == Status::Ok)
        .collect();
    assert_eq!(valid.len(), 1, "only the newest link works: {links:?}");
    let newest = valid[0].clone();
    for old in links.iter().filter(|l| **l != newest) {
        let response = app.post_form(
            "/login",
            old,
            &[
                ("password", "a long new password"),
                ("repeat", "a long new password"),
            ],
        );
        assert_eq!(
            response.status(),
            Status::NotFound,
            "old link {old} still sets a password"
        );
    }
    assert_eq!(app.login("member-a1", PASSWORD), Status::SeeOther);
    app.logout();
    let response = app.post_form(
        &newest,
        &newest,
        &[
            ("password", "a long new password"),
            ("repeat", "a long new password"),
        ],
    );
    assert_eq!(response.status(), Status::SeeOther);
    assert_eq!(
        app.login("member-a1", "a long new password"),
        Status::SeeOther
    );
});

/// A string that only this test sends.
const SECRET: &str = "QX7SECRETZK4";

crate::both_backends!(no_code_or_token_reaches_a_log, |app: TestApp| {
    use rocket::http::{ContentType, Method};
    app.with_org();
    let capture = votum::logging::capture();
    let paths = [
        format!("/vote/some-ballot?code={SECRET}"),
        format!("/vote/{SECRET}"),
        format!("/s/some-survey?code={SECRET}"),
        format!("/password/reset/{SECRET}"),
        format!("/trustee/{SECRET}"),
        format!("/trustee/{SECRET}/ceremony.json"),
        format!("/profile/email/confirm?token={SECRET}"),
        format!("/nowhere/{SECRET}?code={SECRET}"),
        format!("/{SECRET}?code={SECRET}"),
        format!("/{SECRET}{SECRET}"),
        format!("/login?next=/{SECRET}"),
        format!("/lang/en?back=/{SECRET}"),
        format!("/members/{SECRET}"),
    ];
    let run = || {
        for path in &paths {
            for method in [Method::Get, Method::Head, Method::Post, Method::Put] {
                app.client
                    .req(method, path.clone())
                    .header(ContentType::Form)
                    .body(format!("code={SECRET}&csrf={SECRET}"))
                    .dispatch();
            }
        }
    };
    run();
    assert_eq!(app.login("member-a1", PASSWORD), Status::SeeOther);
    run();
    let lines = capture.lines();
    drop(capture);
    // The capture saw the requests (Rocket's own lines and Votum's).
    assert!(
        lines
            .iter()
            .any(|l| l.contains("No matching routes for HEAD /")),
        "{lines:#?}"
    );
    assert!(
        lines.iter().any(|l| l.contains("unmatched /vote 404")),
        "{lines:#?}"
    );
    assert!(
        lines.iter().any(|l| l.contains("unmatched /… 404")),
        "{lines:#?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("GET /password/reset/<token> 404")),
        "{lines:#?}"
    );
    assert!(
        lines.iter().any(|l| l.contains("GET /trustee/<token> 404")),
        "{lines:#?}"
    );
    let leaks: Vec<&String> = lines.iter().filter(|l| l.contains(SECRET)).collect();
    assert!(leaks.is_empty(), "secrets in the log: {leaks:#?}");
});

/// Signs in from the client address `ip` (the `X-Real-IP` header a proxy
/// sets).
fn login_from(app: &TestApp, ip: &str, login: &str, password: &str) -> Status {
    use rocket::http::{ContentType, Header};
    let csrf = app.csrf("/login");
    app.client
        .post("/login")
        .header(ContentType::Form)
        .header(Header::new("X-Real-IP", ip.to_owned()))
        .body(crate::support::encode(&[
            ("csrf", &csrf),
            ("login", login),
            ("password", password),
        ]))
        .dispatch()
        .status()
}

crate::both_backends!(parallel_attempts_never_pass_a_limit, |app: TestApp| {
    use votum::ratelimit::{self, CODE_ENTRY, LOGIN_PER_ACCOUNT, LOGIN_PER_PAIR};
    // One connection per attempt: all of them wait at the barrier together.
    let db = votum::db::Db::open(&app.url, 40).unwrap();
    let now = crate::support::test_now();
    let parallel = |n: usize, attempt: &(dyn Fn(&mut votum::db::DbConn) -> bool + Sync)| {
        let barrier = std::sync::Barrier::new(n);
        std::thread::scope(|s| {
            let runs: Vec<_> = (0..n)
                .map(|_| {
                    s.spawn(|| {
                        let mut conn = db.get().unwrap();
                        barrier.wait();
                        attempt(&mut conn)
                    })
                })
                .collect();
            runs.into_iter()
                .map(|r| r.join().unwrap())
                .filter(|ok| *ok)
                .count()
        })
    };
    let passed = parallel(40, &|conn| {
        ratelimit::take(conn, now, "login-pair:x:1", LOGIN_PER_PAIR).unwrap()
    });
    assert_eq!(passed, 5, "wrong passwords checked against a limit of 5");
    let passed = parallel(40, &|conn| {
        ratelimit::take(conn, now, "code-ip:1", CODE_ENTRY).unwrap()
    });
    assert_eq!(passed, 20, "codes checked against a limit of 20");
    let passed = parallel(40, &|conn| {
        ratelimit::take_backoff(conn, now, "login-account:account:1", LOGIN_PER_ACCOUNT)
            .unwrap()
            .is_ok()
    });
    assert!((1..=5).contains(&passed), "{passed} attempts without delay");
});

crate::both_backends!(
    login_spellings_share_one_count_and_the_owner_gets_in,
    |app: TestApp| {
        let org = app.with_org();
        let number = org.member_a1.membership_number.clone();
        let email = org.member_a1.email.clone().unwrap();
        // An attacker tries five wrong passwords, spelling the login three ways.
        for name in ["member-a1", &number, &email, "MEMBER-A1", &number] {
            assert_eq!(
                login_from(&app, "203.0.113.9", name, "wrong password!"),
                Status::UnprocessableEntity
            );
        }
        // From there, even the right password is refused now, by every spelling.
        for name in ["member-a1", &number, &email] {
            assert_eq!(
                login_from(&app, "203.0.113.9", name, PASSWORD),
                Status::TooManyRequests,
                "{name}"
            );
        }
        // The owner, elsewhere, waits a moment (the clock does not move here)…
        assert_eq!(
            login_from(&app, "198.51.100.7", &email, PASSWORD),
            Status::TooManyRequests
        );
        // …and gets in a second later, not fifteen minutes.
        app.clock.advance(chrono::Duration::seconds(1));
        assert_eq!(
            login_from(&app, "198.51.100.7", &email, PASSWORD),
            Status::SeeOther
        );
        app.logout();

        // Attackers from many addresses only slow each other down: after five
        // free attempts each waits for a growing delay, at most a minute.
        for n in 0..5 {
            login_from(&app, &format!("192.0.2.{n}"), &number, "wrong password!");
        }
        let mut refused = 0;
        for n in 5..40 {
            if login_from(&app, &format!("192.0.2.{n}"), &number, "wrong password!")
                == Status::TooManyRequests
            {
                refused += 1;
            }
        }
        assert_eq!(refused, 35, "attempts ran without waiting");
        app.clock.advance(chrono::Duration::seconds(60));
        assert_eq!(
            login_from(&app, "198.51.100.7", "member-a1", PASSWORD),
            Status::SeeOther
        );
    }
);

/// Median time of `/password/forgot` for a member and for an unknown name
/// (a measurement, not a check: run by hand, figures in docs/benchmarks.md):
/// `cargo test --test app -- --ignored --nocapture forgot_timing`
#[test]
#[ignore]
fn forgot_timing() {
    use rocket::http::{ContentType, Header};
    for backend in [votum::db::Backend::Sqlite, votum::db::Backend::Postgres] {
        let Some(app) = TestApp::new(backend) else {
            continue;
        };
        let org = app.with_org();
        let email = org.member_a1.email.clone().unwrap();
        let csrf = app.csrf("/password/forgot");
        let median = |name: &str| {
            let mut times = Vec::new();
            for n in 0..201 {
                // A fresh rate-limit window for every request.
                app.clock.advance(chrono::Duration::hours(2));
                let started = std::time::Instant::now();
                let response = app
                    .client
                    .post("/password/forgot")
                    .header(ContentType::Form)
                    .header(Header::new(
                        "X-Real-IP",
                        format!("10.0.{}.{}", n / 250, n % 250),
                    ))
                    .body(crate::support::encode(&[("csrf", &csrf), ("login", name)]))
                    .dispatch();
                times.push(started.elapsed());
                assert_eq!(response.status(), Status::Ok);
            }
            times.sort();
            times[times.len() / 2]
        };
        // Interleaved runs, so that a busy machine affects both alike.
        let mut member = Vec::new();
        let mut unknown = Vec::new();
        for _ in 0..3 {
            member.push(median(&email));
            unknown.push(median("nobody@example.org"));
        }
        println!("{backend:?}: member {member:?}, unknown name {unknown:?}");
    }
}

crate::both_backends!(an_unknown_name_leaves_nothing_behind, |app: TestApp| {
    use votum::db::schema::{audit_log, password_resets};
    let org = app.with_org();
    let rows = |app: &TestApp| -> (i64, i64, i64) {
        let mut conn = app.conn();
        (
            password_resets::table
                .count()
                .get_result(&mut *conn)
                .unwrap(),
            outbox::table.count().get_result(&mut *conn).unwrap(),
            audit_log::table.count().get_result(&mut *conn).unwrap(),
        )
    };
    let before = rows(&app);
    // The decoy's rows are written like a member's, then undone.
    let response = app.post_form(
        "/password/forgot",
        "/password/forgot",
        &[("login", "nobody@example.org")],
    );
    assert_eq!(response.status(), Status::Ok);
    assert_eq!(rows(&app), before);
    // A member's stay: the link, its mail, the audit entry.
    let email = org.member_a1.email.clone().unwrap();
    let response = app.post_form("/password/forgot", "/password/forgot", &[("login", &email)]);
    assert_eq!(response.status(), Status::Ok);
    assert_eq!(rows(&app), (before.0 + 1, before.1 + 1, before.2 + 1));
});
