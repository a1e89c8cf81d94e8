//! Inputs that once gave a 500: each now gets a 4xx with a message, and
//! every redirect target a visitor can choose stays on the site.

use rocket::http::{ContentType, Status};

use crate::support::{encode, TestApp, PASSWORD};

/// Targets that are not plain local paths. `/\t/evil` becomes `//evil` in a
/// browser, which drops tabs and line breaks from URLs.
const BAD_TARGETS: [&str; 9] = [
    "/\t/x",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "//evil.example/",
    "/\\evil.example",
    "https://evil.example/",
    "/\u{1b}[31m",
    "/\u{202e}lmth.exe",
    "/ /evil",
];

fn query(value: &str) -> String {
    rocket::http::RawStr::new(value)
        .percent_encode()
        .to_string()
}

crate::both_backends!(
    redirect_targets_stay_local_and_never_fail,
    |app: TestApp| {
        app.with_org();
        for target in BAD_TARGETS {
            let response = app
                .client
                .get(format!("/lang/en?back={}", query(target)))
                .dispatch();
            assert_eq!(response.status(), Status::SeeOther, "back={target:?}");
            assert_eq!(
                response.headers().get_one("Location"),
                Some("/"),
                "back={target:?}"
            );

            let (status, page) = app.get(&format!("/login?next={}", query(target)));
            assert_eq!(status, Status::Ok, "next={target:?}");
            assert!(
                page.contains("name=\"next\" value=\"/\""),
                "next={target:?}: {page}"
            );

            let csrf = app.csrf("/login");
            let response = app
                .client
                .post("/login")
                .header(ContentType::Form)
                .body(encode(&[
                    ("csrf", &csrf),
                    ("login", "member-a1"),
                    ("password", PASSWORD),
                    ("next", target),
                ]))
                .dispatch();
            assert_eq!(response.status(), Status::SeeOther, "next={target:?}");
            assert_eq!(
                response.headers().get_one("Location"),
                Some("/"),
                "next={target:?}"
            );
            app.logout();
        }
        // The same percent-encoded by hand, as in the report.
        let response = app.client.get("/lang/en?back=%2F%09%2Fevil").dispatch();
        assert_eq!(response.headers().get_one("Location"), Some("/"));
        // A good target is still followed.
        let response = app
            .client
            .get("/lang/en?back=%2Fmembers%3Fq%3Da")
            .dispatch();
        assert_eq!(response.headers().get_one("Location"), Some("/members?q=a"));
    }
);

crate::both_backends!(
    every_act_name_on_the_request_route_gets_a_4xx_or_a_message,
    |app: TestApp| {
        let org = app.with_org();
        app.with_officers(&org);
        assert_eq!(app.login("officer-1", PASSWORD), Status::SeeOther);
        let fields = [
            ("title", "Antrag"),
            ("description", "Mitgliederentscheid"),
            ("group", "bund"),
            ("cutoff", "2026-11-01"),
            ("opens_date", "2026-11-23"),
            ("opens_time", "08:00"),
            ("closes_date", "2026-11-30"),
            ("closes_time", "18:00"),
            ("q0_text", "Soll der Antrag angenommen werden?"),
            ("q0_kind", "yes_no"),
            ("q0_quorum", "10"),
            ("q0_majority", "simple"),
        ];
        let response = app.post_form("/ballots/new", "/ballots/new", &fields);
        assert_eq!(response.status(), Status::SeeOther);
        let manage = response.headers().get_one("Location").unwrap().to_owned();
        let id = manage
            .trim_start_matches("/ballots/")
            .trim_end_matches("/manage")
            .to_owned();
        let action = format!("/ballots/{id}/request");
        for act in [
            "reissue_credential",
            "bogus",
            "",
            "OPEN",
            "open\u{0}",
            "close",
            "tally",
            "publish",
            "open",
            "open",
        ] {
            let response = app.post_form(&manage, &action, &[("act", act)]);
            let status = response.status();
            let body = response.into_string().unwrap_or_default();
            assert!(status.code < 500, "act {act:?}: {status}");
            if status.code >= 400 {
                assert!(body.contains("ungültig"), "act {act:?}: no message: {body}");
            } else {
                assert_eq!(status, Status::SeeOther, "act {act:?}");
            }
        }
        // The request route on a ballot that does not exist.
        let response = app.post_form(&manage, "/ballots/%09nope/request", &[("act", "open")]);
        assert!(response.status().code < 500);
    }
);

// Every mounted route, with junk in each path parameter, query and form
// field, signed in with many rights: never a 500.
crate::both_backends!(junk_on_every_route_is_never_a_500, |app: TestApp| {
    use rocket::http::Method;
    let org = app.with_org();
    app.with_officers(&org);
    let routes: Vec<(Method, String)> = app
        .client
        .rocket()
        .routes()
        .map(|r| (r.method, r.uri.to_string()))
        .collect();
    let junk_params = ["1", "%09x", "99999999999999999999", "-1"];
    let junk_fields: &[(&str, &str)] = &[
        ("act", "reissue_credential"),
        ("next", "/\t/x"),
        ("back", "/\t/evil"),
        ("title", "\u{1b}[2J"),
        ("group", "\u{202e}"),
        ("member", "-1"),
        ("q0_kind", "bogus"),
        ("q0_text", "x"),
        ("code", "AAAA-AAAA"),
        ("slot", "\n"),
        ("audience", "all"),
        ("role", "\u{0}"),
        ("starts_on", "2026-13-40"),
        ("ends_on", "x"),
        ("channel", "pigeon"),
        ("confirm", "x"),
        ("iban", "DE00"),
        ("login", "\u{0}"),
        ("password", "x"),
    ];
    let mut failures = Vec::new();
    for login in ["officer-1", "admin", "chair-a1"] {
        assert_eq!(app.login(login, PASSWORD), Status::SeeOther);
        let csrf = app.csrf("/");
        for (method, template) in &routes {
            if template.starts_with("/static") || template == "/logout" {
                continue;
            }
            for junk in junk_params {
                let path: String = template
                    .split('?')
                    .next()
                    .unwrap()
                    .split('/')
                    .map(|seg| if seg.starts_with('<') { junk } else { seg })
                    .collect::<Vec<_>>()
                    .join("/");
                let query = "?next=%2F%09%2Fx&back=%2F%09%2Fx&q=%00&group=-1&page=0&code=x&live=2";
                let mut fields = vec![("csrf", csrf.as_str())];
                fields.extend_from_slice(junk_fields);
                let response = app
                    .client
                    .req(*method, format!("{path}{query}"))
                    .header(ContentType::Form)
                    .body(encode(&fields))
                    .dispatch();
                if response.status().code >= 500 {
                    failures.push(format!("{login}: {method} {path} -> {}", response.status()));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
});
