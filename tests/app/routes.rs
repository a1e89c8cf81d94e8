//! Every mounted route and the guard it takes. The table below is the
//! list: the test fails when the app mounts a route the table lacks, or the
//! table names a route the app does not mount; and it checks the guards by
//! behaviour, not by name: without a session every guarded route sends the
//! browser to the login page, and a plain signed-in member (member-b1:
//! chapter B1, no office) gets 403 or 404 from every route that needs a
//! right, never a page.
//!
//! Adding a route: add its row to `ROUTES` with the guard it takes, as
//! Rocket prints it (method, path with `<params>` and `?<query>`). A route
//! that needs a right takes a guard from `votum::rights` (or `Admin`,
//! `Board`); `Public` is for pages anyone may open (login, voting by code,
//! public links). If the path has a new kind of `<param>`, teach `concrete`
//! a value for it.
//!
//! Rights about something a form names rather than the route (the group of
//! a new ballot or survey, the group of a survey policy, whom an invitation
//! run may reach) cannot be a guard. For those the domain function that
//! writes takes a proof value from `votum::rights` (`OfficerOf`,
//! `SurveyCreatorOf`, `BoardOf`, `SurveySender`) with a private field, made
//! only by the check (`rights::officer_of`, `survey_creator_of`, `board_of`,
//! `survey_sender`); such a route takes the weaker guard here (`Member`,
//! `ReturningOfficer`, `SurveyOwner`) and the proof inside. The operator's
//! constructor `by_operator` (demo data, tests) is never used in `src/`
//! outside `rights` and `demo`: `proof_values_are_made_only_by_their_check`.

use rocket::http::{ContentType, Header, Status};

use crate::both_backends;
use crate::support::{encode, hidden_value, test_now, TestApp, PASSWORD};

/// What a route demands before its handler runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Guard {
    /// Anyone, signed in or not.
    Public,
    /// A signed-in account (`CurrentUser`).
    Member,
    /// A board member or admin (`Board`); the rows they see are scoped.
    Board,
    /// An administrator (`Admin`).
    Admin,
    /// A returning officer of some group (`ReturningOfficer`).
    ReturningOfficer,
    /// A returning officer of the ballot's group or above (`Officer<BallotId>`).
    Officer,
    /// Whoever may manage the survey (`SurveyOwner<SurveyId>`).
    SurveyOwner,
    /// Treasurer of the member's chapter or above (`Treasurer<MemberId>`).
    Treasurer,
    /// Admin or board of a group the member belongs to (`ChairOf<MemberId>`).
    ChairOf,
    /// The holder of a trustee's secret link (`rights::Trustee`, the
    /// `<token>` segment; no session needed): a token that names nobody is
    /// 404, signed in or not.
    Trustee,
}

use Guard::*;

impl Guard {
    /// Whether a plain member must be refused.
    fn needs_a_right(self) -> bool {
        !matches!(self, Public | Member)
    }
}

#[rustfmt::skip]
const ROUTES: &[(&str, &str, Guard)] = &[
    // home, login, language
    ("GET",  "/", Member),
    ("GET",  "/profile", Member),
    ("POST", "/profile/password", Member),
    ("GET",  "/login?<next>", Public),
    ("POST", "/login", Public),
    ("POST", "/logout", Member),
    ("GET",  "/password/forgot", Public),
    ("POST", "/password/forgot", Public),
    ("GET",  "/password/reset/<token>", Public),
    ("POST", "/password/reset/<token>", Public),
    ("GET",  "/lang/<code>?<back>", Public),
    // groups and offices
    ("GET",  "/groups", Member),
    ("GET",  "/groups/<slug>", Member),
    ("GET",  "/groups/<slug>/board", Public),
    ("GET",  "/admin/members/<id>/offices", Admin),
    ("POST", "/admin/members/<id>/offices", Admin),
    ("POST", "/admin/members/<id>/offices/<office>/end", Admin),
    // members
    ("GET",  "/members?<q>&<group>&<page>", Board),
    ("GET",  "/members/<id>", ChairOf),
    ("GET",  "/members/export.csv?<q>&<group>&<format>", Board),
    ("GET",  "/members/directory?<query..>", Board),
    ("POST", "/members/contact", Board),
    ("GET",  "/members/contact/<run>", Board),
    ("GET",  "/members/contact/<run>/letters.pdf", Board),
    ("GET",  "/directory?<q>&<page>", Member),
    // bank details
    ("GET",  "/profile/bank", Member),
    ("POST", "/profile/bank", Member),
    ("POST", "/members/<id>/bank", Treasurer),
    // self-service and data protection
    ("GET",  "/profile/edit", Member),
    ("POST", "/profile/edit", Member),
    ("POST", "/profile/consents", Member),
    ("POST", "/profile/email", Member),
    ("GET",  "/profile/email/confirm?<token>", Public),
    ("POST", "/profile/email/confirm", Public),
    ("GET",  "/profile/export", Member),
    ("GET",  "/profile/export.json", Member),
    ("GET",  "/profile/log", Member),
    ("POST", "/profile/erasure", Member),
    ("GET",  "/admin/erasures", Admin),
    ("GET",  "/admin/members/<id>/erase", Admin),
    ("POST", "/admin/members/<id>/erase", Admin),
    // administration
    ("GET",  "/admin", Admin),
    ("GET",  "/admin/outbox", Admin),
    ("GET",  "/admin/audit?<member>", Admin),
    // ballots: officers
    ("GET",  "/ballots", Member),
    ("GET",  "/ballots/new", ReturningOfficer),
    ("POST", "/ballots/new", ReturningOfficer),
    ("GET",  "/ballots/<id>/manage?<find>", Officer),
    ("POST", "/ballots/<id>/request", Officer),
    ("POST", "/ballots/<id>/confirm/<act>", Officer),
    ("GET",  "/ballots/<id>/postal", Officer),
    ("POST", "/ballots/<id>/postal", Officer),
    ("POST", "/ballots/<id>/postal/batches/<batch>/confirm", Officer),
    ("POST", "/ballots/<id>/postal/batches/<batch>/discard", Officer),
    ("GET",  "/ballots/<id>/letters", Officer),
    ("POST", "/ballots/<id>/letters", Officer),
    ("POST", "/ballots/<id>/letters/request", Officer),
    ("POST", "/ballots/<id>/reissue", Officer),
    ("POST", "/ballots/<id>/reissue/<act>", Officer),
    ("GET",  "/ballots/<id>/authority", Officer),
    ("POST", "/ballots/<id>/electorate", Officer),
    ("POST", "/ballots/<id>/credentials", Officer),
    ("GET",  "/ballots/<id>/trustees", Officer),
    ("POST", "/ballots/<id>/trustees", Officer),
    ("POST", "/ballots/<id>/trustees/start", Officer),
    ("POST", "/ballots/<id>/trustees/<trustee>/remove", Officer),
    ("GET",  "/ballots/<id>/result", Member),
    ("GET",  "/ballots/<id>/record.json", Public),
    ("GET",  "/ballots/<id>/receipt-check", Public),
    ("POST", "/ballots/<id>/receipt-check", Public),
    // ballots: voters (by code; officers preview drafts through an
    // optional Officer<BallotId>)
    ("GET",  "/vote/<id>?<code>", Public),
    ("POST", "/vote/<id>/portal-code", Member),
    ("POST", "/vote/<id>/review", Public),
    ("POST", "/vote/<id>/cast", Public),
    ("GET",  "/vote/<id>/check?<tracking>", Public),
    ("POST", "/vote/<id>/receipt", Public),
    // trustees of a key ceremony (by their secret link)
    ("GET",  "/trustee/<token>", Trustee),
    ("GET",  "/trustee/<token>/<file>", Trustee),
    ("POST", "/trustee/<token>", Trustee),
    // surveys
    ("GET",  "/surveys", Member),
    ("GET",  "/surveys/new?<group>", Member),
    ("POST", "/surveys/new", Member),
    ("POST", "/surveys/policy", Member),
    ("GET",  "/surveys/<id>", SurveyOwner),
    ("GET",  "/surveys/<id>/paper", SurveyOwner),
    ("POST", "/surveys/<id>/paper", SurveyOwner),
    ("POST", "/surveys/<id>/decision", SurveyOwner),
    ("POST", "/surveys/<id>/invite", SurveyOwner),
    ("POST", "/surveys/<id>/letters", SurveyOwner),
    ("GET",  "/surveys/<id>/export.csv?<format>", SurveyOwner),
    ("GET",  "/surveys/<id>/export.json", SurveyOwner),
    ("GET",  "/surveys/<id>/display", SurveyOwner),
    ("GET",  "/surveys/<id>/print", SurveyOwner),
    ("GET",  "/surveys/<id>/results?<live>", Public),
    ("GET",  "/surveys/<id>/qr.png", Public),
    ("GET",  "/s/<id>?<code>", Public),
    ("POST", "/s/<id>", Public),
    // static files
    ("GET",  "/static/<path..>", Public),
];

/// The ids the requests use.
struct Ids {
    ballot: String,
    survey: String,
    member: i64,
}

/// A request path for a route's pattern: each `<param>` filled with a real
/// value, the query left off.
fn concrete(pattern: &str, ids: &Ids) -> String {
    let path = pattern.split('?').next().unwrap_or(pattern);
    path.split('/')
        .map(|segment| match segment {
            "<id>" if path.starts_with("/ballots/") || path.starts_with("/vote/") => {
                ids.ballot.clone()
            }
            "<id>" if path.starts_with("/surveys/") || path.starts_with("/s/") => {
                ids.survey.clone()
            }
            "<id>" => ids.member.to_string(),
            "<act>" | "<office>" | "<batch>" | "<trustee>" => "1".into(),
            "<file>" => "ceremony.json".into(),
            "<slug>" => "ov-a1".into(),
            "<token>" => "not-a-token".into(),
            "<run>" => "0".repeat(64),
            "<code>" => "en".into(),
            "<path..>" => "app.css".into(),
            other if other.starts_with('<') => panic!("no value for {other} in {pattern}"),
            other => other.into(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Sends the route's request with a valid CSRF token (so a refusal comes
/// from the guard, not from the form check); returns status and Location.
fn send(app: &TestApp, method: &str, path: &str, csrf: &str) -> (Status, Option<String>) {
    let response = match method {
        "GET" => app.client.get(path.to_owned()).dispatch(),
        "POST" => app
            .client
            .post(path.to_owned())
            .header(ContentType::Form)
            .header(Header::new("Accept", "text/html"))
            .body(encode(&[("csrf", csrf)]))
            .dispatch(),
        other => panic!("no request for method {other}"),
    };
    let location = response.headers().get_one("Location").map(str::to_owned);
    (response.status(), location)
}

fn csrf(app: &TestApp, page: &str) -> String {
    let (_, body) = app.get(page);
    hidden_value(&body, "csrf").unwrap_or_else(|| panic!("no csrf on {page}"))
}

both_backends!(every_route_is_listed_with_its_guard, |app: TestApp| {
    let mounted: Vec<(String, String)> = app
        .client
        .rocket()
        .routes()
        .map(|route| (route.method.as_str().to_owned(), route.uri.to_string()))
        .collect();
    let listed: Vec<(String, String)> = ROUTES
        .iter()
        .map(|(method, path, _)| ((*method).to_owned(), (*path).to_owned()))
        .collect();
    let unlisted: Vec<_> = mounted.iter().filter(|r| !listed.contains(r)).collect();
    assert!(
        unlisted.is_empty(),
        "mounted routes missing from tests/app/routes.rs (add each with its guard): {unlisted:#?}"
    );
    let unmounted: Vec<_> = listed.iter().filter(|r| !mounted.contains(r)).collect();
    assert!(
        unmounted.is_empty(),
        "rows in tests/app/routes.rs that the app does not mount: {unmounted:#?}"
    );
    let mut seen = std::collections::HashSet::new();
    for row in &listed {
        assert!(seen.insert(row), "listed twice: {row:?}");
    }
});

both_backends!(guards_refuse_strangers_and_plain_members, |app: TestApp| {
    let org = app.with_org();
    let ballot = {
        let mut conn = app.conn();
        votum::ballots::setup::create(
            &mut conn,
            &app.sealing,
            &votum::rights::OfficerOf::by_operator(org.federal.id),
            &votum::ballots::setup::NewBallot {
                group_id: org.federal.id,
                title: "Entlastung".into(),
                description: String::new(),
                cutoff_date: test_now().date(),
                opens_at: test_now() + chrono::Duration::hours(1),
                closes_at: test_now() + chrono::Duration::days(7),
                revote_allowed: false,
                shuffle_options: false,
                questions: vec![crate::ballot_box::yes_no()],
            },
            test_now(),
        )
        .unwrap()
    };
    let survey = crate::surveys::create(
        &app,
        &[("q0_text", "Welches Thema?"), ("q0_kind", "yes_no")],
    );
    let ids = Ids {
        ballot,
        survey,
        member: org.member_a1.id,
    };

    // Without a session: every guarded route sends the browser to login,
    // except a trustee's, which needs no session: a token that names
    // nobody is 404.
    let token = csrf(&app, "/login");
    for (method, pattern, guard) in ROUTES {
        if *guard == Public {
            continue;
        }
        if *guard == Trustee {
            let path = concrete(pattern, &ids);
            let (status, _) = send(&app, method, &path, &token);
            assert_eq!(
                status,
                Status::NotFound,
                "{method} {path} without a session"
            );
            continue;
        }
        let path = concrete(pattern, &ids);
        let (status, location) = send(&app, method, &path, &token);
        assert_eq!(
            status,
            Status::SeeOther,
            "{method} {path} without a session"
        );
        let location = location.unwrap_or_default();
        assert!(
            location.starts_with("/login"),
            "{method} {path} without a session went to {location:?}"
        );
    }

    // A plain member: every route that needs a right refuses.
    assert_eq!(app.login("member-b1", PASSWORD), Status::SeeOther);
    let token = csrf(&app, "/");
    for (method, pattern, guard) in ROUTES {
        if !guard.needs_a_right() {
            continue;
        }
        let path = concrete(pattern, &ids);
        let (status, _) = send(&app, method, &path, &token);
        assert!(
            status == Status::Forbidden || status == Status::NotFound,
            "{method} {path} ({guard:?}) answered a plain member with {status}"
        );
    }
});

/// `by_operator` makes a proof without a check; only the demo data (and
/// tests) may use it, never a route.
#[test]
fn proof_values_are_made_only_by_their_check() {
    fn walk(dir: &std::path::Path, found: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                let rel = path
                    .strip_prefix(env!("CARGO_MANIFEST_DIR"))
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                let allowed = rel == "src/rights.rs" || rel.starts_with("src/demo/");
                if !allowed && text.contains("by_operator(") {
                    found.push(rel);
                }
            }
        }
    }
    let mut found = Vec::new();
    walk(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut found,
    );
    assert!(found.is_empty(), "proofs made without a check in {found:?}");
}
