//! The chair's view: only the own chapter and below, on every route; every
//! view of another member's data is in the audit log and in that member's
//! own "who looked at my data".

use rocket::http::Status;

use crate::both_backends;
use crate::support::{test_now, TestApp, PASSWORD};

both_backends!(chair_reads_own_chapter, |app: TestApp| {
    let org = app.with_org();
    assert_eq!(app.login("chair-a1", PASSWORD), Status::SeeOther);
    let (status, body) = app.get("/members");
    assert_eq!(status, Status::Ok);
    assert!(body.contains("Müller, Anton"), "{body}");
    assert!(body.contains("Vorsitz, Clara"));
    assert!(
        !body.contains("Schulz"),
        "a member of another state is listed"
    );
    assert!(
        !body.contains("Meier"),
        "a member of a sibling chapter is listed"
    );

    let (status, body) = app.get(&format!("/members/{}", org.member_a1.id));
    assert_eq!(status, Status::Ok);
    assert!(body.contains(&org.member_a1.membership_number));
    assert!(body.contains("Hauptstraße 1"));
});

both_backends!(chair_of_a_gets_nothing_of_b_on_any_route, |app: TestApp| {
    let org = app.with_org();
    assert_eq!(app.login("chair-a1", PASSWORD), Status::SeeOther);
    let b = &org.member_b1;
    // Detail.
    let (status, body) = app.get(&format!("/members/{}", b.id));
    assert_eq!(status, Status::NotFound);
    assert!(!body.contains(&b.last_name));
    // List filtered to B's chapter or state.
    for group in [
        org.chapter_b1.id,
        org.state_b.id,
        org.federal.id,
        org.state_a.id,
        org.chapter_a2.id,
    ] {
        let (status, body) = app.get(&format!("/members?group={group}"));
        assert_eq!(status, Status::Forbidden, "list of group {group}");
        assert!(!body.contains(&b.last_name));
    }
    // Search by name and by number.
    for q in [
        b.last_name.as_str(),
        b.membership_number.as_str(),
        "Bruno Schulz",
    ] {
        let (status, body) = app.get(&format!(
            "/members?q={}",
            rocket::http::RawStr::new(q).percent_encode()
        ));
        assert_eq!(status, Status::Ok);
        assert!(
            !body.contains(&format!("/members/{}", b.id)),
            "search {q:?} found a member of B"
        );
        assert!(body.contains("0 Mitglieder gefunden"), "{body}");
    }
    // Export.
    let (status, csv) = app.get("/members/export.csv");
    assert_eq!(status, Status::Ok);
    assert!(csv.contains(&org.member_a1.membership_number));
    assert!(!csv.contains(&b.membership_number));
    for group in [org.chapter_b1.id, org.state_b.id] {
        let (status, csv) = app.get(&format!("/members/export.csv?group={group}"));
        assert_eq!(status, Status::Forbidden);
        assert!(!csv.contains(&b.membership_number));
    }
    // The group page of B shows no member list link.
    let (status, body) = app.get(&format!("/groups/{}", org.chapter_b1.slug));
    assert_eq!(status, Status::Ok);
    assert!(!body.contains("/members?group="));
});

both_backends!(plain_member_sees_no_one_else, |app: TestApp| {
    let org = app.with_org();
    assert_eq!(app.login("member-a1", PASSWORD), Status::SeeOther);
    for path in [
        "/members".to_owned(),
        format!("/members/{}", org.chair_a1.id),
        "/members/export.csv".to_owned(),
        "/admin".to_owned(),
        "/admin/outbox".to_owned(),
    ] {
        let (status, body) = app.get(&path);
        assert_eq!(status, Status::Forbidden, "{path}");
        assert!(body.contains("Kein Zugriff"), "{path}: {body}");
    }
    // Their own data is on the profile.
    let (status, body) = app.get("/profile");
    assert_eq!(status, Status::Ok);
    assert!(body.contains(&org.member_a1.membership_number));
});

both_backends!(expired_office_gives_no_access, |app: TestApp| {
    use diesel::prelude::*;
    use votum::db::schema::offices;
    let org = app.with_org();
    diesel::update(offices::table.filter(offices::member_id.eq(org.chair_a1.id)))
        .set(offices::ends_on.eq(Some(chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap())))
        .execute(&mut *app.conn())
        .unwrap();
    assert_eq!(app.login("chair-a1", PASSWORD), Status::SeeOther);
    assert_eq!(app.get("/members").0, Status::Forbidden);
    assert_eq!(
        app.get(&format!("/members/{}", org.member_a1.id)).0,
        Status::Forbidden
    );
});

both_backends!(
    state_chair_sees_whole_subtree_and_working_group_members,
    |app: TestApp| {
        use diesel::prelude::*;
        use votum::db::models::{GroupMembership, Office};
        use votum::db::schema::offices;
        let org = app.with_org();
        // member-b1 chairs the working group; member-a2 is in it.
        let mut conn = app.conn();
        diesel::insert_into(offices::table)
            .values(Office {
                id: 501,
                member_id: org.member_b1.id,
                group_id: org.working_group.id,
                role: "chair".into(),
                starts_on: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
                ends_on: None,
            })
            .execute(&mut *conn)
            .unwrap();
        votum::members::import::join_groups(
            &mut conn,
            &[GroupMembership {
                group_id: org.working_group.id,
                member_id: org.member_a2.id,
                since: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            }],
        )
        .unwrap();
        drop(conn);
        assert_eq!(app.login("member-b1", PASSWORD), Status::SeeOther);
        let (status, body) = app.get("/members");
        assert_eq!(status, Status::Ok);
        assert!(body.contains("Meier, Berta"), "{body}");
        assert!(!body.contains("Müller"));
        assert_eq!(
            app.get(&format!("/members/{}", org.member_a2.id)).0,
            Status::Ok
        );
        assert_eq!(
            app.get(&format!("/members/{}", org.member_a1.id)).0,
            Status::NotFound
        );
    }
);

both_backends!(search_finds_by_name_parts_and_number, |app: TestApp| {
    let org = app.with_org();
    assert_eq!(app.login("admin", PASSWORD), Status::SeeOther);
    for q in [
        "mueller",
        "MÜLL",
        "müller ant",
        "anton müller",
        "Müller Anton",
        "1000101",
    ] {
        let (status, body) = app.get(&format!(
            "/members?q={}",
            rocket::http::RawStr::new(q).percent_encode()
        ));
        assert_eq!(status, Status::Ok);
        assert!(body.contains("1 Mitglied gefunden"), "search {q:?}: {body}");
        assert!(body.contains(&org.member_a1.membership_number));
    }
    let (_, body) = app.get("/members?q=zzz");
    assert!(body.contains("0 Mitglieder gefunden"));
});

both_backends!(list_pages_through_a_chapter, |app: TestApp| {
    let org = app.with_org();
    let many: Vec<_> = (0..120)
        .map(|i| {
            crate::support::member(
                10_000 + i,
                &format!("2{i:06}"),
                "Person",
                &format!("Nummer{i:03}"),
                org.chapter_a1.id,
            )
        })
        .collect();
    votum::members::import::insert_members(&mut app.conn(), &many).unwrap();
    assert_eq!(app.login("chair-a1", PASSWORD), Status::SeeOther);
    let (_, first) = app.get("/members");
    assert!(
        first.contains("122 Mitglieder gefunden – Seite 1 von 3"),
        "{first}"
    );
    assert!(first.contains("rel=\"next\""));
    let (_, third) = app.get("/members?page=3");
    assert!(third.contains("Seite 3 von 3"));
    assert!(third.contains("Vorsitz, Clara"));
    assert!(!third.contains("rel=\"next\""));
});

both_backends!(
    chair_views_are_audited_and_shown_to_the_member,
    |app: TestApp| {
        let org = app.with_org();
        assert_eq!(app.login("chair-a1", PASSWORD), Status::SeeOther);
        assert_eq!(
            app.get(&format!("/members/{}", org.member_a1.id)).0,
            Status::Ok
        );
        app.logout();
        assert_eq!(app.login("member-a1", PASSWORD), Status::SeeOther);
        let (_, body) = app.get("/profile");
        assert!(body.contains("Clara Vorsitz"), "{body}");
        assert!(body.contains("23.11.2026 10:00"));
        app.logout();
        assert_eq!(app.login("admin", PASSWORD), Status::SeeOther);
        let (status, body) = app.get("/admin/audit");
        assert_eq!(status, Status::Ok);
        assert!(body.contains("Mitgliedsakte angesehen"), "{body}");
        assert!(!body.contains("member_viewed"));
        assert!(body.contains("Anton Müller (1000101)"), "{body}");
    }
);

both_backends!(export_is_valid_csv_of_the_scope, |app: TestApp| {
    let org = app.with_org();
    assert_eq!(app.login("admin", PASSWORD), Status::SeeOther);
    let (status, body) = app.get("/members/export.csv?format=machine");
    assert_eq!(status, Status::Ok);
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header, votum::members::CSV_HEADER);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 4);
    let anton = rows
        .iter()
        .find(|r| &r[0] == org.member_a1.membership_number.as_str())
        .unwrap();
    assert_eq!(&anton[2], "Müller");
    assert_eq!(&anton[16], "ov-a1");
});

both_backends!(
    unknown_pages_and_members_give_the_404_page,
    |app: TestApp| {
        app.with_org();
        assert_eq!(app.login("admin", PASSWORD), Status::SeeOther);
        for path in ["/nope", "/members/999999", "/groups/nope"] {
            let (status, body) = app.get(path);
            assert_eq!(status, Status::NotFound, "{path}");
            assert!(body.contains("Nicht gefunden"), "{path}");
        }
    }
);

both_backends!(
    moving_a_member_to_another_chapter_moves_who_sees_them,
    |app: TestApp| {
        let org = app.with_org();
        let m = &org.member_a1;
        let row = format!(
        "membership_number,first_name,last_name,street,house_number,postcode,city,birth_date,join_date,email,chapter\n\
         {},{},{},Hauptstraße,1,10115,Berlin,1970-05-01,2000-01-01,{},{}\n",
        m.membership_number,
        m.first_name,
        m.last_name,
        m.email.clone().unwrap(),
        org.chapter_b1.slug
    );
        let report =
            votum::members::import::import(&mut app.conn(), row.as_bytes(), false, test_now())
                .unwrap();
        assert_eq!(report.updated, 1, "{report:?}");
        // The move is in the member's history.
        let changes = votum::history::of_member(&mut app.conn(), m.id, 10).unwrap();
        let fields: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, ["chapter"]);
        assert_eq!(app.login("chair-a1", PASSWORD), Status::SeeOther);
        assert_eq!(app.get(&format!("/members/{}", m.id)).0, Status::NotFound);
        let (_, body) = app.get("/members");
        assert!(!body.contains(&format!("/members/{}", m.id)));
    }
);
