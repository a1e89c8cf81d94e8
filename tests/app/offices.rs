//! Offices with terms: an admin assigns and ends them, bad input is
//! refused next to the field, and the rights end with the term.

use diesel::prelude::*;
use rocket::http::Status;
use votum::db::schema::offices;

use crate::both_backends;
use crate::support::{test_now, TestApp, PASSWORD};

fn can_reveal(app: &TestApp) -> Status {
    app.post_form("/profile", "/members/100/bank", &[]).status()
}

both_backends!(
    admin_assigns_and_ends_a_term_and_rights_follow,
    |app: TestApp| {
        app.with_org();
        votum::bank::store(
            &mut app.conn(),
            &app.sealing,
            100,
            &crate::bank::details("DE89370400440532013000"),
            None,
            test_now(),
        )
        .unwrap();
        let page = "/admin/members/101/offices";
        assert_eq!(app.login("chair-a1", PASSWORD), Status::SeeOther);
        assert_eq!(app.get(page).0, Status::Forbidden);
        app.logout();

        assert_eq!(app.login("admin", PASSWORD), Status::SeeOther);
        let held = |app: &TestApp| -> i64 {
            offices::table
                .filter(offices::member_id.eq(101))
                .count()
                .get_result(&mut *app.conn())
                .unwrap()
        };
        let response = app.post_form(
            page,
            page,
            &[
                ("group", "nowhere"),
                ("role", "treasurer"),
                ("starts_on", "2026-11-23"),
                ("ends_on", "2026-01-01"),
            ],
        );
        assert_eq!(response.status(), Status::UnprocessableEntity);
        let body = response.into_string().unwrap();
        assert!(body.contains("id=\"group-error\""), "{body}");
        assert!(body.contains("id=\"ends_on-error\""));
        // The group field suggests groups by name.
        assert!(body.contains("<option value=\"Ortsverband A1\">"), "{body}");
        assert_eq!(held(&app), 0);
        let response = app.post_form(
            page,
            page,
            &[
                // By name, as people type it (the short name works too).
                ("group", "ortsverband a1"),
                ("role", "treasurer"),
                ("starts_on", "2026-11-23"),
                ("ends_on", ""),
            ],
        );
        assert_eq!(response.status(), Status::SeeOther);
        assert_eq!(held(&app), 1);
        app.logout();

        assert_eq!(app.login("member-a1", PASSWORD), Status::SeeOther);
        assert_eq!(can_reveal(&app), Status::Ok);
        app.logout();

        // The admin ends the term today: today still counts, tomorrow not.
        assert_eq!(app.login("admin", PASSWORD), Status::SeeOther);
        let office: i64 = offices::table
            .filter(offices::member_id.eq(101))
            .select(offices::id)
            .first(&mut *app.conn())
            .unwrap();
        let end = format!("{page}/{office}/end");
        let response = app.post_form(page, &end, &[("ends_on", "2026-11-01")]);
        assert_eq!(response.status(), Status::UnprocessableEntity);
        let response = app.post_form(page, &end, &[("ends_on", "2026-11-23")]);
        assert_eq!(response.status(), Status::SeeOther);
        app.logout();
        assert_eq!(app.login("member-a1", PASSWORD), Status::SeeOther);
        assert_eq!(can_reveal(&app), Status::Ok);
        app.logout();
        app.clock.advance(chrono::Duration::days(1));
        assert_eq!(app.login("member-a1", PASSWORD), Status::SeeOther);
        assert_eq!(can_reveal(&app), Status::Forbidden);
        assert_eq!(app.get("/members").0, Status::Forbidden);
        // The member sees the ended office on the profile, and the change in
        // the history.
        let (_, profile) = app.get("/profile");
        assert!(profile.contains("beendet"), "{profile}");
        let (_, log) = app.get("/profile/log");
        assert!(log.contains("Amt übertragen") && log.contains("Amtszeit beendet"));
    }
);

both_backends!(
    group_pages_name_office_holders_by_the_rule,
    |app: TestApp| {
        use chrono::NaiveDate;
        use votum::db::models::Office;
        use votum::db::schema::consents;
        let org = app.with_org();
        // Bruno (chapter B1) chairs state B; Berta (chapter A2) chairs the
        // federal party. Nobody agreed to a public listing.
        for (id, member, group) in [
            (501, org.member_b1.id, org.state_b.id),
            (502, org.member_a2.id, org.federal.id),
        ] {
            diesel::insert_into(offices::table)
                .values(Office {
                    id,
                    member_id: member,
                    group_id: group,
                    role: "chair".into(),
                    starts_on: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
                    ends_on: None,
                })
                .execute(&mut *app.conn())
                .unwrap();
        }
        let names = |app: &TestApp, slug: &str, name: &str| -> bool {
            let (status, page) = app.get(&format!("/groups/{slug}"));
            assert_eq!(status, Status::Ok);
            page.contains(name)
        };
        // A member of A1 knows the boards of A1 and of the groups above it,
        // not those of another state.
        assert_eq!(app.login("member-a1", PASSWORD), Status::SeeOther);
        assert!(names(&app, "ov-a1", "Clara Vorsitz"));
        assert!(names(&app, "bund", "Berta Meier"));
        assert!(!names(&app, "lv-b", "Bruno Schulz"));
        assert!(names(&app, "lv-b", "Weitere 1 Amtsträger"));
        app.logout();
        // A member of B1 does not learn who chairs chapter A1.
        assert_eq!(app.login("member-b1", PASSWORD), Status::SeeOther);
        assert!(!names(&app, "ov-a1", "Clara Vorsitz"));
        assert!(names(&app, "lv-b", "Bruno Schulz"));
        app.logout();
        // Outside the party, on the public board page: consent only.
        let (_, page) = app.get("/groups/ov-a1/board");
        assert!(!page.contains("Clara Vorsitz"));
        // With her consent, Clara is named to everyone.
        diesel::insert_into(consents::table)
            .values((
                consents::member_id.eq(org.chair_a1.id),
                consents::topic.eq("public_office"),
                consents::wording_version.eq("1"),
                consents::given_at.eq(test_now()),
            ))
            .execute(&mut *app.conn())
            .unwrap();
        let (_, page) = app.get("/groups/ov-a1/board");
        assert!(page.contains("Clara Vorsitz"));
        assert_eq!(app.login("member-b1", PASSWORD), Status::SeeOther);
        assert!(names(&app, "ov-a1", "Clara Vorsitz"));
    }
);
