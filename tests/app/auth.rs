//! Login, logout, CSRF, rate limits and password reset.

use rocket::http::{ContentType, Status};

use crate::both_backends;
use crate::support::{encode, TestApp, PASSWORD};

both_backends!(login_and_logout, |app: TestApp| {
    let org = app.with_org();
    // Signed out, the dashboard sends to the login page.
    let response = app.client.get("/").dispatch();
    assert_eq!(response.status(), Status::SeeOther);
    assert_eq!(
        response.headers().get_one("Location"),
        Some("/login?next=%2F")
    );

    assert_eq!(app.login("member-a1", PASSWORD), Status::SeeOther);
    let (status, body) = app.get("/");
    assert_eq!(status, Status::Ok);
    assert!(body.contains(&org.member_a1.first_name), "{body}");
    // The session cookie has the protective attributes.
    let cookie = app.client.cookies().get("votum_session").unwrap().clone();
    assert_eq!(cookie.http_only(), Some(true));
    assert_eq!(cookie.secure(), Some(true));
    assert_eq!(cookie.same_site(), Some(rocket::http::SameSite::Lax));

    app.logout();
    let response = app.client.get("/profile").dispatch();
    assert_eq!(response.status(), Status::SeeOther);
    assert_eq!(
        response.headers().get_one("Location"),
        Some("/login?next=%2Fprofile")
    );
});

both_backends!(login_by_membership_number_and_email, |app: TestApp| {
    let org = app.with_org();
    assert_eq!(
        app.login(&org.member_a1.membership_number, PASSWORD),
        Status::SeeOther
    );
    app.logout();
    let email = org.member_a1.email.clone().unwrap().to_uppercase();
    assert_eq!(app.login(&email, PASSWORD), Status::SeeOther);
});

both_backends!(wrong_password_is_refused_with_message, |app: TestApp| {
    app.with_org();
    let response = app.post_form(
        "/login",
        "/login",
        &[("login", "member-a1"), ("password", "wrong password")],
    );
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let body = response.into_string().unwrap();
    assert!(body.contains("Anmeldung fehlgeschlagen"), "{body}");
    // The login name is kept in the form.
    assert!(body.contains("value=\"member-a1\""));
    let (status, _) = app.get("/profile");
    assert_eq!(status, Status::SeeOther);
});

both_backends!(
    forms_without_valid_csrf_token_are_refused,
    |app: TestApp| {
        app.with_org();
        // No token at all.
        let response = app
            .client
            .post("/login")
            .header(ContentType::Form)
            .body(encode(&[("login", "member-a1"), ("password", PASSWORD)]))
            .dispatch();
        assert_eq!(response.status(), Status::Forbidden);
        assert!(response
            .into_string()
            .unwrap()
            .contains("Formular ist abgelaufen"));
        // A token made for another browser.
        let other = TestApp::new(app.backend).unwrap();
        let foreign = other.csrf("/login");
        let _ = app.csrf("/login");
        let response = app
            .client
            .post("/login")
            .header(ContentType::Form)
            .body(encode(&[
                ("csrf", &foreign),
                ("login", "member-a1"),
                ("password", PASSWORD),
            ]))
            .dispatch();
        assert_eq!(response.status(), Status::Forbidden);
        assert!(app.client.cookies().get("votum_session").is_none());

        // Signed in, logout with a forged token keeps the session.
        assert_eq!(app.login("member-a1", PASSWORD), Status::SeeOther);
        let response = app
            .client
            .post("/logout")
            .header(ContentType::Form)
            .body("csrf=forged")
            .dispatch();
        assert_eq!(response.status(), Status::Forbidden);
        assert_eq!(app.get("/").0, Status::Ok);
        // The token from before login is no longer valid: it was bound to the
        // pre-session cookie.
        let stale = other.csrf("/login");
        let response = app
            .client
            .post("/profile/password")
            .header(ContentType::Form)
            .body(encode(&[
                ("csrf", &stale),
                ("current", PASSWORD),
                ("password", "x"),
                ("repeat", "x"),
            ]))
            .dispatch();
        assert_eq!(response.status(), Status::Forbidden);
    }
);

both_backends!(login_is_rate_limited_per_name, |app: TestApp| {
    app.with_org();
    for _ in 0..5 {
        assert_eq!(
            app.login("member-a1", "wrong password"),
            Status::UnprocessableEntity
        );
    }
    // Now even the right password is refused until the window passes.
    let response = app.post_form(
        "/login",
        "/login",
        &[("login", "member-a1"), ("password", PASSWORD)],
    );
    assert_eq!(response.status(), Status::TooManyRequests);
    assert!(response
        .into_string()
        .unwrap()
        .contains("Zu viele fehlgeschlagene Versuche"));
    app.clock.advance(chrono::Duration::minutes(16));
    assert_eq!(app.login("member-a1", PASSWORD), Status::SeeOther);
});

both_backends!(open_redirects_are_not_followed, |app: TestApp| {
    app.with_org();
    let response = app.post_form(
        "/login",
        "/login",
        &[
            ("login", "member-a1"),
            ("password", PASSWORD),
            ("next", "//evil.example/"),
        ],
    );
    assert_eq!(response.headers().get_one("Location"), Some("/"));
});

both_backends!(password_reset_by_mailed_link, |app: TestApp| {
    let org = app.with_org();
    // A member without an account gets one through the same link.
    let email = org.member_a2.email.clone().unwrap();
    let response = app.post_form("/password/forgot", "/password/forgot", &[("login", &email)]);
    assert_eq!(response.status(), Status::Ok);
    // Unknown names get the same answer.
    let unknown = app.post_form(
        "/password/forgot",
        "/password/forgot",
        &[("login", "nobody@example.org")],
    );
    assert_eq!(unknown.status(), Status::Ok);

    let link = latest_link(&app, &email);
    let path = link.trim_start_matches("http://127.0.0.1:8000");
    let (status, _) = app.get(path);
    assert_eq!(status, Status::Ok);
    // Too short, then mismatched: 422 with the reason; the link stays valid.
    let response = app.post_form(path, path, &[("password", "short"), ("repeat", "short")]);
    assert_eq!(response.status(), Status::UnprocessableEntity);
    assert!(response.into_string().unwrap().contains("zu kurz"));
    let response = app.post_form(
        path,
        path,
        &[
            ("password", "a long new password"),
            ("repeat", "another one!!"),
        ],
    );
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let response = app.post_form(
        path,
        path,
        &[
            ("password", "a long new password"),
            ("repeat", "a long new password"),
        ],
    );
    assert_eq!(response.status(), Status::SeeOther);
    // Used once, then dead.
    let response = app.post_form(
        "/login",
        path,
        &[
            ("password", "yet another password"),
            ("repeat", "yet another password"),
        ],
    );
    assert_eq!(response.status(), Status::NotFound);
    assert_eq!(
        app.login(&org.member_a2.membership_number, "a long new password"),
        Status::SeeOther
    );
});

/// A reset request from `address`, spelled `login`.
fn forgot_from(app: &TestApp, address: &str, login: &str) -> Status {
    let token = app.csrf("/password/forgot");
    app.client
        .post("/password/forgot")
        .remote(address.parse().unwrap())
        .header(ContentType::Form)
        .body(encode(&[("csrf", &token), ("login", login)]))
        .dispatch()
        .status()
}

both_backends!(
    password_reset_requests_are_counted_per_account,
    |app: TestApp| {
        let org = app.with_org();
        let email = org.member_a1.email.clone().unwrap();
        let number = org.member_a1.membership_number.clone();
        // Five requests from five places, each spelling the account another
        // way (login name, membership number, e-mail in any case): one count.
        let spellings = [
            "member-a1".to_owned(),
            number.clone(),
            email.clone(),
            email.to_uppercase(),
            format!("  {number} "),
        ];
        for (i, login) in spellings.iter().enumerate() {
            let address = format!("192.0.2.{}:4000", i + 1);
            assert_eq!(forgot_from(&app, &address, login), Status::Ok, "{login}");
        }
        // The sixth, from yet another place and spelling, is refused.
        assert_eq!(
            forgot_from(&app, "192.0.2.99:4000", "MEMBER-A1"),
            Status::TooManyRequests
        );
        assert_eq!(
            forgot_from(&app, "192.0.2.98:4000", &email),
            Status::TooManyRequests
        );
        // Another member is not affected.
        let other = org.member_a2.email.clone().unwrap();
        assert_eq!(forgot_from(&app, "192.0.2.97:4000", &other), Status::Ok);
        // The member's data export lists the shared bucket; erasure removes it.
        let names = votum::privacy::export::identifiers(&mut app.conn(), org.member_a1.id).unwrap();
        let buckets =
            votum::privacy::export::rate_limit_buckets(&mut app.conn(), org.member_a1.id, &names)
                .unwrap();
        assert!(
            buckets.iter().any(|b| b.starts_with("reset:account:")),
            "{buckets:?}"
        );
        app.clock.advance(chrono::Duration::minutes(61));
        assert_eq!(
            forgot_from(&app, "192.0.2.99:4000", "member-a1"),
            Status::Ok
        );
    }
);

both_backends!(password_reset_link_expires, |app: TestApp| {
    let org = app.with_org();
    let email = org.member_a1.email.clone().unwrap();
    app.post_form("/password/forgot", "/password/forgot", &[("login", &email)]);
    let link = latest_link(&app, &email);
    let path = link.trim_start_matches("http://127.0.0.1:8000");
    app.clock.advance(chrono::Duration::hours(3));
    assert_eq!(app.get(path).0, Status::NotFound);
    // The old password still works.
    assert_eq!(app.login("member-a1", PASSWORD), Status::SeeOther);
});

/// The reset link in the newest outbox message to `to`.
fn latest_link(app: &TestApp, to: &str) -> String {
    use diesel::prelude::*;
    use votum::db::schema::outbox;
    let body: Option<String> = outbox::table
        .filter(outbox::recipient.eq(to))
        .order(outbox::created_at.desc())
        .select(outbox::body)
        .first(&mut *app.conn())
        .unwrap();
    let body = body.unwrap();
    body.lines()
        .find(|l| l.contains("/password/reset/"))
        .unwrap()
        .trim()
        .to_owned()
}

both_backends!(changing_password_needs_the_current_one, |app: TestApp| {
    app.with_org();
    assert_eq!(app.login("member-a1", PASSWORD), Status::SeeOther);
    let response = app.post_form(
        "/profile",
        "/profile/password",
        &[
            ("current", "not it at all"),
            ("password", "brand new password"),
            ("repeat", "brand new password"),
        ],
    );
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let response = app.post_form(
        "/profile",
        "/profile/password",
        &[
            ("current", PASSWORD),
            ("password", "brand new password"),
            ("repeat", "brand new password"),
        ],
    );
    assert_eq!(response.status(), Status::SeeOther);
    app.logout();
    assert_eq!(
        app.login("member-a1", PASSWORD),
        Status::UnprocessableEntity
    );
    assert_eq!(
        app.login("member-a1", "brand new password"),
        Status::SeeOther
    );
});

both_backends!(security_headers_on_every_page, |app: TestApp| {
    for path in ["/login", "/does-not-exist"] {
        let response = app.client.get(path).dispatch();
        let csp = response
            .headers()
            .get_one("Content-Security-Policy")
            .unwrap();
        assert!(
            csp.contains("script-src 'self' 'wasm-unsafe-eval';")
                && csp.contains("frame-ancestors 'none'")
        );
        // WebAssembly may be compiled, JavaScript never evaluated or inlined.
        assert!(!csp.contains("unsafe-inline") && !csp.contains("'unsafe-eval'"));
        assert_eq!(
            response.headers().get_one("Referrer-Policy"),
            Some("no-referrer")
        );
        assert_eq!(
            response.headers().get_one("X-Content-Type-Options"),
            Some("nosniff")
        );
    }
});
