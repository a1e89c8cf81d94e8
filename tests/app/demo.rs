//! `votum demo` on both backends: a plausible organisation, and every
//! printed login works with the rights it claims.

use rocket::http::Status;
use votum::db::Backend;

use crate::support::TestApp;

fn demo_logins_work(backend: Backend) {
    let mut logins = Vec::new();
    let Some(app) = TestApp::build(
        backend,
        |_| {},
        |url, sealing| logins = votum::demo::create(url, 400, 7, sealing).unwrap(),
    ) else {
        return;
    };
    let roles: Vec<&str> = logins.iter().map(|l| l.role).collect();
    assert_eq!(
        roles,
        [
            "member",
            "chair",
            "returning officer",
            "second officer",
            "admin"
        ]
    );
    // The shapes of the organisation.
    use diesel::prelude::*;
    use votum::db::schema::{groups, members, offices};
    let mut conn = app.conn();
    let count: i64 = members::table.count().get_result(&mut *conn).unwrap();
    assert_eq!(count, 400);
    let states: i64 = groups::table
        .filter(groups::kind.eq("state"))
        .count()
        .get_result(&mut *conn)
        .unwrap();
    assert_eq!(states, 16);
    let officers: i64 = offices::table
        .filter(offices::role.eq("returning_officer"))
        .count()
        .get_result(&mut *conn)
        .unwrap();
    assert_eq!(officers, 2, "two returning officers for four-eyes acts");
    drop(conn);

    for login in &logins {
        assert_eq!(
            app.login(&login.login, login.password),
            Status::SeeOther,
            "{}",
            login.role
        );
        let (status, _) = app.get("/");
        assert_eq!(status, Status::Ok, "{}", login.role);
        let members_status = app.get("/members").0;
        let admin_status = app.get("/admin").0;
        match login.role {
            "member" | "returning officer" | "second officer" => {
                assert_eq!(members_status, Status::Forbidden, "{}", login.role);
                assert_eq!(admin_status, Status::Forbidden);
            }
            "chair" => {
                let (_, body) = app.get("/members");
                assert!(body.contains("Mitglieder gefunden"));
                // The demo member is in the chair's chapter.
                let member = &logins[0].login;
                let (_, found) = app.get(&format!("/members?q={member}"));
                assert!(found.contains("1 Mitglied gefunden"), "{found}");
                assert_eq!(admin_status, Status::Forbidden);
            }
            "admin" => {
                assert_eq!(members_status, Status::Ok);
                assert_eq!(admin_status, Status::Ok);
            }
            other => panic!("unexpected role {other}"),
        }
        app.logout();
    }
    // The demo member finds the open demo ballot, gets a code and votes.
    // The demo opened it on the real clock.
    app.clock
        .advance(chrono::Utc::now().naive_utc() - crate::support::test_now());
    assert_eq!(
        app.login(&logins[0].login, logins[0].password),
        Status::SeeOther
    );
    let (_, list) = app.get("/ballots");
    let start = list
        .find("href=\"/vote/")
        .expect("the demo ballot is listed")
        + 6;
    let path = list[start..start + list[start..].find('"').unwrap()].to_owned();
    let response = app.post_form(&path, &format!("{path}/portal-code"), &[]);
    assert_eq!(response.status(), Status::Ok);
    let page = response.into_string().unwrap();
    let code = crate::support::tracking_code(&page);
    let response = app.post_form(
        &path,
        &format!("{path}/cast"),
        &[("code", &code), ("q0", "yes"), ("q1", "2")],
    );
    assert_eq!(response.status(), Status::Ok);
    assert!(response
        .into_string()
        .unwrap()
        .contains("Ihre Stimme ist abgegeben"));
}

#[test]
fn demo_logins_work_on_sqlite() {
    demo_logins_work(Backend::Sqlite);
}

#[test]
fn demo_logins_work_on_postgres() {
    demo_logins_work(Backend::Postgres);
}

#[test]
fn demo_is_deterministic_in_its_people() {
    let names = |seed| {
        let dir = tempfile::tempdir().unwrap();
        let url = dir.path().join("demo.sqlite").display().to_string();
        let sealing = votum_crypto::seal::SealingKey::generate("demo").unwrap().0;
        votum::demo::create(&url, 50, seed, &sealing).unwrap();
        use diesel::prelude::*;
        use votum::db::schema::members;
        let mut conn = votum::db::connect(&url).unwrap();
        members::table
            .order(members::membership_number)
            .select((members::membership_number, members::last_name))
            .load::<(String, String)>(&mut conn)
            .unwrap()
    };
    assert_eq!(names(1), names(1));
    assert_ne!(names(1), names(2));
}
