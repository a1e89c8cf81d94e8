//! Survey audiences and invitations stay within the person's scope: the
//! audiences offered and accepted on the form, the members a mail or letter
//! run reaches (re-checked at the run), plain members' runs refused, runs
//! above the size limit for party-wide roles only, and an entry in the
//! log of every member addressed.

use diesel::prelude::*;
use rocket::http::Status;
use votum::db::schema::{audit_log, members, offices, outbox, survey_codes, surveys};

use crate::support::{member, TestApp, PASSWORD};
use crate::surveys::create;

/// The text of a PDF, by pdftotext.
fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("letters.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is needed");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn new_survey_fields<'a>(group: &'a str, audience: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("title", "Frage"),
        ("group", group),
        ("audience", audience),
        ("results", "during"),
        ("opens_date", "2026-11-23"),
        ("opens_time", "09:00"),
        ("closes_date", "2026-11-30"),
        ("closes_time", "18:00"),
        ("q0_text", "Gut?"),
        ("q0_kind", "yes_no"),
    ]
}

/// Every member but the chair's own chapter-mate chooses paper, so a
/// letter run shows in its PDF whom it reached.
fn everyone_on_paper(app: &TestApp) {
    diesel::update(members::table)
        .set(members::channel.eq("paper"))
        .execute(&mut *app.conn())
        .unwrap();
}

fn contacted(app: &TestApp) -> Vec<i64> {
    let mut ids: Vec<i64> = audit_log::table
        .filter(audit_log::action.eq("members_contacted"))
        .select(audit_log::member_id.assume_not_null())
        .load(&mut *app.conn())
        .unwrap();
    ids.sort_unstable();
    ids
}

crate::both_backends!(a_chair_chooses_only_audiences_in_scope, |app: TestApp| {
    app.with_org();
    assert_eq!(app.login("chair-a1", PASSWORD), Status::SeeOther);
    let (status, page) = app.get("/surveys/new?group=ov-a1");
    assert_eq!(status, Status::Ok);
    assert!(!page.contains("value=\"all\""), "all members not offered");
    assert!(page.contains("value=\"group\"") && page.contains("value=\"link\""));
    // A forged "all members" is refused with a message at the field.
    let response = app.post_form(
        "/surveys/new",
        "/surveys/new",
        &new_survey_fields("ov-a1", "all"),
    );
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let page = response.into_string().unwrap();
    assert!(
        page.contains("Diese Zielgruppe dürfen Sie nicht wählen"),
        "{page}"
    );
    // Other chapters, and the groups above, are refused too.
    for group in ["ov-a2", "ov-b1", "kv-a", "bund"] {
        let response = app.post_form(
            "/surveys/new",
            "/surveys/new",
            &new_survey_fields(group, "group"),
        );
        assert_eq!(response.status(), Status::UnprocessableEntity, "{group}");
    }
    let count: i64 = surveys::table.count().get_result(&mut *app.conn()).unwrap();
    assert_eq!(count, 0);
    app.logout();
    // The party office may ask all members.
    assert_eq!(app.login("admin", PASSWORD), Status::SeeOther);
    let (_, page) = app.get("/surveys/new");
    assert!(page.contains("value=\"all\""));
    let response = app.post_form(
        "/surveys/new",
        "/surveys/new",
        &new_survey_fields("bund", "all"),
    );
    assert_eq!(response.status(), Status::SeeOther);
});

crate::both_backends!(
    invitations_reach_only_the_senders_subtree,
    |app: TestApp| {
        let org = app.with_org();
        everyone_on_paper(&app);
        // chair-a1's survey (group A1) made "all members", as the form
        // allowed before: its runs still reach only chapter A1.
        let id = create(&app, &[("q0_text", "Gut?"), ("q0_kind", "yes_no")]);
        diesel::update(surveys::table.find(&id))
            .set(surveys::audience.eq("all"))
            .execute(&mut *app.conn())
            .unwrap();
        assert_eq!(app.login("chair-a1", PASSWORD), Status::SeeOther);
        let manage = format!("/surveys/{id}");
        let response = app.post_form(&manage, &format!("/surveys/{id}/letters"), &[]);
        assert_eq!(response.status(), Status::Ok);
        let text = pdf_text(&response.into_bytes().unwrap());
        assert!(
            text.contains("Clara Vorsitz") && text.contains("Anton Müller"),
            "{text}"
        );
        for other in ["Berta Meier", "Bruno Schulz"] {
            assert!(!text.contains(other), "{other} is outside A1");
        }
        // The letter comes from the chapter, is dated, and its footer
        // matches a named survey.
        assert!(
            text.contains("Ortsverband A1 · Mitgliederumfrage"),
            "{text}"
        );
        assert!(!text.contains("Votum ·"), "{text}");
        assert!(text.contains("23.11.2026"), "{text}");
        assert!(text.contains("namentlich"), "{text}");
        // A reply form for members without internet: what to fill in,
        // where it goes, the code it is entered with.
        assert!(text.contains("Antwortbogen: "), "{text}");
        assert!(text.contains("Kreuzen Sie Ihre Antworten"), "{text}");
        assert!(text.contains("an Ortsverband A1"), "{text}");
        assert!(text.contains("Code dieses Bogens:"), "{text}");
        let codes: i64 = survey_codes::table
            .filter(survey_codes::survey_id.eq(&id))
            .count()
            .get_result(&mut *app.conn())
            .unwrap();
        assert_eq!(codes, 2);
        // Each member addressed, and nobody else, has it in their log.
        assert_eq!(contacted(&app), [org.chair_a1.id, org.member_a1.id]);
        app.logout();
        assert_eq!(app.login("member-a1", PASSWORD), Status::SeeOther);
        let (_, log) = app.get("/profile/log");
        assert!(
            log.contains("Angeschrieben") && log.contains("Clara Vorsitz"),
            "{log}"
        );
        app.logout();

        // Mail: everyone online again; the run reaches A1's members only.
        diesel::update(members::table)
            .set(members::channel.eq("online"))
            .execute(&mut *app.conn())
            .unwrap();
        let id = create(&app, &[("q0_text", "Gut?"), ("q0_kind", "yes_no")]);
        diesel::update(surveys::table.find(&id))
            .set(surveys::audience.eq("all"))
            .execute(&mut *app.conn())
            .unwrap();
        assert_eq!(app.login("chair-a1", PASSWORD), Status::SeeOther);
        let manage = format!("/surveys/{id}");
        let response = app.post_form(&manage, &format!("/surveys/{id}/invite"), &[]);
        assert_eq!(response.status(), Status::SeeOther);
        let mut recipients: Vec<String> = outbox::table
            .select(outbox::recipient)
            .load(&mut *app.conn())
            .unwrap();
        recipients.sort();
        assert_eq!(recipients, ["1000100@example.org", "1000101@example.org"]);
        let mail_entries: i64 = audit_log::table
            .filter(audit_log::action.eq("members_contacted"))
            .filter(audit_log::detail.eq(format!("survey {id} mail")))
            .count()
            .get_result(&mut *app.conn())
            .unwrap();
        assert_eq!(mail_entries, 2);
        app.logout();

        // An office that ended ends the runs: checked at the run, not at
        // creation. The owner keeps the survey but invites nobody.
        let id = create(&app, &[("q0_text", "Gut?"), ("q0_kind", "yes_no")]);
        diesel::update(offices::table.filter(offices::member_id.eq(org.chair_a1.id)))
            .set(offices::ends_on.eq(Some(
                crate::support::test_now().date() - chrono::Duration::days(1),
            )))
            .execute(&mut *app.conn())
            .unwrap();
        assert_eq!(app.login("chair-a1", PASSWORD), Status::SeeOther);
        let before: i64 = outbox::table.count().get_result(&mut *app.conn()).unwrap();
        let manage = format!("/surveys/{id}");
        let response = app.post_form(&manage, &format!("/surveys/{id}/invite"), &[]);
        assert_eq!(response.status(), Status::SeeOther);
        let after: i64 = outbox::table.count().get_result(&mut *app.conn()).unwrap();
        assert_eq!(before, after);
        let mailed: Option<chrono::NaiveDateTime> = surveys::table
            .find(&id)
            .select(surveys::mailed_at)
            .first(&mut *app.conn())
            .unwrap();
        assert_eq!(mailed, None, "a refused run claims nothing");
    }
);

crate::both_backends!(a_plain_member_runs_no_invitations, |app: TestApp| {
    let org = app.with_org();
    everyone_on_paper(&app);
    // The chair lets A1's members create surveys.
    assert_eq!(app.login("chair-a1", PASSWORD), Status::SeeOther);
    let response = app.post_form(
        "/surveys",
        "/surveys/policy",
        &[("group", &org.chapter_a1.id.to_string()), ("allowed", "on")],
    );
    assert_eq!(response.status(), Status::SeeOther);
    app.logout();
    assert_eq!(app.login("member-a1", PASSWORD), Status::SeeOther);
    let response = app.post_form(
        "/surveys/new",
        "/surveys/new",
        &new_survey_fields("ov-a1", "group"),
    );
    assert_eq!(response.status(), Status::SeeOther);
    let id = response
        .headers()
        .get_one("Location")
        .unwrap()
        .strip_prefix("/surveys/")
        .unwrap()
        .to_owned();
    let manage = format!("/surveys/{id}");
    let (_, page) = app.get(&manage);
    assert!(!page.contains(&format!("action=\"/surveys/{id}/letters\"")));
    assert!(page.contains("Teilen Sie den Link"), "{page}");
    for run in ["letters", "invite"] {
        let response = app.post_form(&manage, &format!("/surveys/{id}/{run}"), &[]);
        assert_eq!(response.status(), Status::SeeOther, "{run}: no PDF");
        let (_, page) = app.get(&manage);
        assert!(page.contains("Teilen Sie den Link"), "{run}: {page}");
    }
    let codes: i64 = survey_codes::table
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    let mails: i64 = outbox::table.count().get_result(&mut *app.conn()).unwrap();
    assert_eq!((codes, mails), (0, 0));
    assert!(contacted(&app).is_empty());
});

crate::both_backends!(large_runs_are_for_party_wide_roles, |app: TestApp| {
    let org = app.with_org();
    let many: Vec<_> = (0..votum::surveys::reach::LARGE_RUN)
        .map(|n| {
            let id = 10_000 + n;
            member(
                id,
                &format!("2{id:07}"),
                "Viele",
                "Mitglieder",
                org.chapter_a1.id,
            )
        })
        .collect();
    votum::members::import::insert_members(&mut app.conn(), &many).unwrap();
    let id = create(&app, &[("q0_text", "Gut?"), ("q0_kind", "yes_no")]);
    assert_eq!(app.login("chair-a1", PASSWORD), Status::SeeOther);
    let manage = format!("/surveys/{id}");
    let (_, page) = app.get(&manage);
    assert!(page.contains("mehr als 2.000 Mitglieder"), "{page}");
    let response = app.post_form(&manage, &format!("/surveys/{id}/invite"), &[]);
    assert_eq!(response.status(), Status::SeeOther);
    let mails: i64 = outbox::table.count().get_result(&mut *app.conn()).unwrap();
    assert_eq!(mails, 0);
    app.logout();
    // The party office runs it.
    assert_eq!(app.login("admin", PASSWORD), Status::SeeOther);
    let response = app.post_form(&manage, &format!("/surveys/{id}/invite"), &[]);
    assert_eq!(response.status(), Status::SeeOther);
    let mails: i64 = outbox::table.count().get_result(&mut *app.conn()).unwrap();
    assert_eq!(mails, votum::surveys::reach::LARGE_RUN + 2);
});

// `/surveys/new` reads its group from the form: `surveys::store::create`
// takes a `rights::SurveyCreatorOf` proof, made only after the check.
crate::both_backends!(
    a_forged_group_in_a_new_survey_stores_nothing,
    |app: TestApp| {
        let org = app.with_org();
        let surveys_stored =
            |app: &TestApp| -> i64 { surveys::table.count().get_result(&mut *app.conn()).unwrap() };
        assert_eq!(app.login("chair-a1", PASSWORD), Status::SeeOther);
        for forged in [&org.federal.slug, &org.state_a.slug, &org.chapter_b1.slug] {
            let response = app.post_form(
                "/surveys/new",
                "/surveys/new",
                &new_survey_fields(forged, "group"),
            );
            assert_eq!(response.status(), Status::UnprocessableEntity, "{forged}");
            let page = response.into_string().unwrap_or_default();
            assert!(
                page.contains("dürfen Sie keine Umfrage anlegen"),
                "{forged}"
            );
            assert_eq!(surveys_stored(&app), 0, "{forged}: nothing stored");
        }
        app.logout();
        // A plain member, where the board has not allowed member surveys.
        assert_eq!(app.login("member-a1", PASSWORD), Status::SeeOther);
        let response = app.post_form(
            "/surveys/new",
            "/surveys/new",
            &new_survey_fields(&org.chapter_a1.slug, "group"),
        );
        assert_eq!(response.status(), Status::UnprocessableEntity);
        assert_eq!(surveys_stored(&app), 0);
    }
);

// `/surveys/policy` reads its group from the form: `surveys::set_policy`
// takes a `rights::BoardOf` proof; another group's policy is a 403.
crate::both_backends!(
    a_forged_group_in_the_survey_policy_is_refused,
    |app: TestApp| {
        use votum::db::schema::survey_policies;
        let org = app.with_org();
        let policies = |app: &TestApp| -> i64 {
            survey_policies::table
                .count()
                .get_result(&mut *app.conn())
                .unwrap()
        };
        assert_eq!(app.login("chair-a1", PASSWORD), Status::SeeOther);
        for forged in [
            org.federal.id,
            org.state_a.id,
            org.chapter_b1.id,
            org.chapter_a2.id,
        ] {
            let response = app.post_form(
                "/surveys",
                "/surveys/policy",
                &[("group", &forged.to_string()), ("allowed", "on")],
            );
            assert_eq!(response.status(), Status::Forbidden, "{forged}");
            assert_eq!(policies(&app), 0, "{forged}: nothing stored");
        }
        app.logout();
        assert_eq!(app.login("member-a1", PASSWORD), Status::SeeOther);
        let response = app.post_form(
            "/surveys",
            "/surveys/policy",
            &[("group", &org.chapter_a1.id.to_string()), ("allowed", "on")],
        );
        assert_eq!(response.status(), Status::Forbidden);
        assert_eq!(policies(&app), 0);
    }
);
