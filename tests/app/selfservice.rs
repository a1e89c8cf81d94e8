//! Members keep their own data: contact changes with history, bad input
//! refused next to the field with nothing stored, a new e-mail address
//! only once confirmed from the mailed link, consents, the board page.

use diesel::prelude::*;
use rocket::http::Status;
use votum::db::models::Member;
use votum::db::schema::{consents, member_changes, members, outbox};

use crate::both_backends;
use crate::support::{hidden_value, TestApp, PASSWORD};

fn member(app: &TestApp, id: i64) -> Member {
    members::table
        .find(id)
        .select(Member::as_select())
        .first(&mut *app.conn())
        .unwrap()
}

fn contact<'a>(street: &'a str, postcode: &'a str, phone: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("address_extra", "c/o Schmidt"),
        ("street", street),
        ("house_number", "7a"),
        ("postcode", postcode),
        ("city", "Berlin"),
        ("country", "DE"),
        ("phone", phone),
        ("channel", "paper"),
        ("language", "en"),
    ]
}

both_backends!(member_edits_contact_data_with_history, |app: TestApp| {
    app.with_org();
    assert_eq!(app.login("member-a1", PASSWORD), Status::SeeOther);
    let before = member(&app, 101);
    // Bad postcode and phone: 422, errors next to their fields, nothing stored.
    let response = app.post_form(
        "/profile/edit",
        "/profile/edit",
        &contact("", "1011", "call me"),
    );
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let body = response.into_string().unwrap();
    for field in ["street", "postcode", "phone"] {
        assert!(
            body.contains(&format!("id=\"{field}-error\"")),
            "{field}: {body}"
        );
    }
    assert!(
        body.contains("value=\"call me\""),
        "the typed value is kept"
    );
    assert_eq!(member(&app, 101), before);
    let changes: i64 = member_changes::table
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(changes, 0);

    let response = app.post_form(
        "/profile/edit",
        "/profile/edit",
        &contact("Lindenweg", "10117", "+49 30 1234567"),
    );
    assert_eq!(response.status(), Status::SeeOther);
    let after = member(&app, 101);
    assert_eq!(after.street, "Lindenweg");
    assert_eq!(after.phone.as_deref(), Some("+49 30 1234567"));
    assert_eq!(after.channel, "paper");
    assert_eq!(after.language, "en");
    let fields: Vec<(String, Option<String>, Option<String>)> = member_changes::table
        .filter(member_changes::member_id.eq(101))
        .order(member_changes::field)
        .select((
            member_changes::field,
            member_changes::old_value,
            member_changes::new_value,
        ))
        .load(&mut *app.conn())
        .unwrap();
    let names: Vec<&str> = fields.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(
        names,
        [
            "address_extra",
            "channel",
            "house_number",
            "language",
            "phone",
            "postcode",
            "street"
        ]
    );
    assert!(fields.contains(&(
        "street".into(),
        Some("Hauptstraße".into()),
        Some("Lindenweg".into())
    )));
    let (_, page) = app.get("/profile/edit");
    assert!(page.contains("Hauptstraße"), "history shows the old value");
    // Offices and groups are on the profile.
    let (_, profile) = app.get("/profile");
    assert!(profile.contains("/profile/edit"));
});

both_backends!(new_email_counts_only_once_confirmed, |app: TestApp| {
    app.with_org();
    assert_eq!(app.login("member-a1", PASSWORD), Status::SeeOther);
    let response = app.post_form(
        "/profile/edit",
        "/profile/email",
        &[("email", "not-an-address")],
    );
    assert_eq!(response.status(), Status::UnprocessableEntity);
    assert!(response
        .into_string()
        .unwrap()
        .contains("id=\"email-error\""));
    let response = app.post_form(
        "/profile/edit",
        "/profile/email",
        &[("email", "Anton@Example.net")],
    );
    assert_eq!(response.status(), Status::SeeOther);
    assert_eq!(
        member(&app, 101).email.as_deref(),
        Some("1000101@example.org")
    );
    let body: Option<String> = outbox::table
        .filter(outbox::recipient.eq("anton@example.net"))
        .select(outbox::body)
        .first(&mut *app.conn())
        .unwrap();
    let body = body.unwrap();
    let link = body
        .split_whitespace()
        .find(|w| w.contains("/profile/email/confirm?token="))
        .unwrap();
    let path = &link[link.find("/profile").unwrap()..];
    let token = path.split("token=").nth(1).unwrap();
    // Opening the link only shows a button.
    let (status, page) = app.get(path);
    assert_eq!(status, Status::Ok);
    assert_eq!(hidden_value(&page, "token").as_deref(), Some(token));
    assert_eq!(
        member(&app, 101).email.as_deref(),
        Some("1000101@example.org")
    );
    let response = app.post_form(path, "/profile/email/confirm", &[("token", token)]);
    assert_eq!(response.status(), Status::SeeOther);
    assert_eq!(
        member(&app, 101).email.as_deref(),
        Some("anton@example.net")
    );
    // Single use; a made-up token changes nothing.
    let response = app.post_form(path, "/profile/email/confirm", &[("token", token)]);
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let response = app.post_form(path, "/profile/email/confirm", &[("token", "forged")]);
    assert_eq!(response.status(), Status::UnprocessableEntity);
});

both_backends!(
    consents_are_given_with_version_and_withdrawn,
    |app: TestApp| {
        let org = app.with_org();
        assert_eq!(app.login("chair-a1", PASSWORD), Status::SeeOther);
        let board = format!("/groups/{}/board", org.chapter_a1.slug);
        let (_, group_page) = app.get(&format!("/groups/{}", org.chapter_a1.slug));
        assert!(group_page.contains(&format!("href=\"{board}\"")));
        let (status, page) = app.get(&board);
        assert_eq!(status, Status::Ok);
        assert!(!page.contains("Vorsitz: Clara"), "listed without consent");
        assert!(page.contains("Weitere 1 Amtsträger/innen"));
        let response = app.post_form(
            "/profile/edit",
            "/profile/consents",
            &[("public_office", "true"), ("newsletter", "true")],
        );
        assert_eq!(response.status(), Status::SeeOther);
        let rows: Vec<(String, String, bool)> = consents::table
            .filter(consents::member_id.eq(100))
            .order(consents::topic)
            .select((
                consents::topic,
                consents::wording_version,
                consents::withdrawn_at.is_null(),
            ))
            .load(&mut *app.conn())
            .unwrap();
        assert_eq!(
            rows,
            [
                (
                    "newsletter".into(),
                    votum::selfservice::CONSENT_WORDING.into(),
                    true
                ),
                (
                    "public_office".into(),
                    votum::selfservice::CONSENT_WORDING.into(),
                    true
                )
            ]
        );
        // The board page is public and now names her.
        app.logout();
        let (status, page) = app.get(&board);
        assert_eq!(status, Status::Ok);
        assert!(page.contains("Vorsitz: Clara Vorsitz"), "{page}");
        // Withdrawn: unlisted again, the row keeps when.
        assert_eq!(app.login("chair-a1", PASSWORD), Status::SeeOther);
        let response = app.post_form(
            "/profile/edit",
            "/profile/consents",
            &[("newsletter", "true")],
        );
        assert_eq!(response.status(), Status::SeeOther);
        let (_, page) = app.get(&board);
        assert!(!page.contains("Vorsitz: Clara"));
        let withdrawn: bool = consents::table
            .find((100, "public_office"))
            .select(consents::withdrawn_at.is_not_null())
            .first(&mut *app.conn())
            .unwrap();
        assert!(withdrawn);
        let (_, edit) = app.get("/profile/edit");
        assert!(edit.contains("Widerrufen am 23.11.2026"), "{edit}");
    }
);

both_backends!(directory_lists_only_members_who_agreed, |app: TestApp| {
    app.with_org();
    assert_eq!(app.login("member-b1", PASSWORD), Status::SeeOther);
    let (status, page) = app.get("/directory");
    assert_eq!(status, Status::Ok);
    assert!(!page.contains("Müller"));
    app.logout();
    assert_eq!(app.login("member-a1", PASSWORD), Status::SeeOther);
    let response = app.post_form(
        "/profile/edit",
        "/profile/consents",
        &[("directory", "true")],
    );
    assert_eq!(response.status(), Status::SeeOther);
    app.logout();
    assert_eq!(app.login("member-b1", PASSWORD), Status::SeeOther);
    let (_, page) = app.get("/directory?q=m%C3%BCller");
    assert!(page.contains("Müller, Anton (Ortsverband A1)"), "{page}");
    assert!(
        !page.contains("1000101"),
        "the directory shows name and chapter only"
    );
    assert!(!page.contains("Vorsitz, Clara"));
    app.logout();
    assert_eq!(app.login("member-a1", PASSWORD), Status::SeeOther);
    app.post_form("/profile/edit", "/profile/consents", &[]);
    app.logout();
    assert_eq!(app.login("member-b1", PASSWORD), Status::SeeOther);
    assert!(!app.get("/directory").1.contains("Müller"));
});
