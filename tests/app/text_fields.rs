//! Names, addresses, titles and other texts: a sane length and no control
//! or bidirectional override characters, in the import and in every form,
//! with a message next to the field and nothing stored.

use diesel::prelude::*;
use rocket::http::Status;
use votum::db::schema::{ballots, members, surveys};

use crate::support::{test_now, TestApp, PASSWORD};

const HEADER: &str = "membership_number,first_name,last_name,address_extra,street,house_number,postcode,city,country,email,phone,birth_date,join_date,status,channel,language,chapter\n";

/// Values that must be refused in a one-line field.
fn bad_values() -> Vec<(&'static str, String)> {
    vec![
        ("1 MB", "A".repeat(1 << 20)),
        ("newline", "Anna\nBerta".into()),
        ("carriage return", "Anna\rBerta".into()),
        ("escape", "\u{1b}[31mAnna".into()),
        ("NUL", "An\u{0}na".into()),
        ("right-to-left override", "Ber\u{202E}nil".into()),
        ("isolate", "\u{2066}Berlin\u{2069}".into()),
    ]
}

/// The message of a refused text, in German or English.
fn names_the_problem(body: &str) -> bool {
    body.contains("unzulässiges Zeichen")
        || body.contains("zu lang")
        || body.contains("not allowed")
        || body.contains("too long")
}

crate::both_backends!(import_refuses_bad_names_and_addresses, |app: TestApp| {
    app.with_org();
    let count = || -> i64 { members::table.count().get_result(&mut *app.conn()).unwrap() };
    let before = count();
    for (what, value) in bad_values() {
        let quoted = format!("\"{value}\"");
        for column in ["first_name", "last_name", "street", "city", "address_extra"] {
            let mut row = vec![
                "2000001",
                "Jana",
                "Krüger",
                "",
                "Lindenweg",
                "4",
                "80331",
                "München",
                "",
                "",
                "",
                "1985-03-02",
                "2019-05-01",
                "",
                "",
                "",
                "ov-a1",
            ];
            let index = HEADER.split(',').position(|c| c == column).unwrap();
            row[index] = &quoted;
            let file = format!("{HEADER}{}\n", row.join(","));
            let report =
                votum::members::import::import(&mut app.conn(), file.as_bytes(), false, test_now())
                    .unwrap();
            assert!(!report.applied, "{what} in {column} was imported");
            let error = &report.errors[0];
            assert_eq!(error.line, 2);
            assert!(
                error.reason.starts_with(column),
                "{what} in {column}: {error}"
            );
            assert_eq!(count(), before, "{what} in {column}");
        }
    }
});

crate::both_backends!(contact_form_refuses_bad_text, |app: TestApp| {
    let org = app.with_org();
    assert_eq!(app.login("member-a1", PASSWORD), Status::SeeOther);
    let city_before: String = members::table
        .find(org.member_a1.id)
        .select(members::city)
        .first(&mut *app.conn())
        .unwrap();
    for (what, value) in bad_values().into_iter().filter(|(w, _)| *w != "1 MB") {
        for field in ["city", "street", "address_extra", "house_number"] {
            let mut fields = vec![
                ("address_extra", ""),
                ("street", "Lindenweg"),
                ("house_number", "7a"),
                ("postcode", "10117"),
                ("city", "Berlin"),
                ("country", "DE"),
                ("phone", ""),
                ("channel", "paper"),
                ("language", "de"),
            ];
            fields.retain(|(n, _)| *n != field);
            fields.push((field, &value));
            let response = app.post_form("/profile/edit", "/profile/edit", &fields);
            assert_eq!(
                response.status(),
                Status::UnprocessableEntity,
                "{what} in {field}"
            );
            let body = response.into_string().unwrap();
            assert!(
                body.contains(&format!("id=\"{field}-error\"")),
                "{what} in {field}"
            );
            assert!(names_the_problem(&body), "{what} in {field}: {body}");
        }
    }
    let long = "x".repeat(5000);
    let response = app.post_form(
        "/profile/edit",
        "/profile/edit",
        &[
            ("street", "Lindenweg"),
            ("house_number", "7a"),
            ("postcode", "10117"),
            ("city", &long),
            ("country", "DE"),
            ("channel", "paper"),
            ("language", "de"),
        ],
    );
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let city_after: String = members::table
        .find(org.member_a1.id)
        .select(members::city)
        .first(&mut *app.conn())
        .unwrap();
    assert_eq!(city_after, city_before);
});

crate::both_backends!(survey_and_ballot_set_up_refuse_bad_text, |app: TestApp| {
    let org = app.with_org();
    app.with_officers(&org);
    assert_eq!(app.login("chair-a1", PASSWORD), Status::SeeOther);
    let survey = |field: &'static str, value: &str| {
        let mut fields = vec![
            ("title", "Nächstes Treffen"),
            ("description", "Bitte bis Freitag"),
            ("group", "ov-a1"),
            ("audience", "group"),
            ("results", "during"),
            ("opens_date", "2026-11-23"),
            ("opens_time", "09:00"),
            ("closes_date", "2026-11-30"),
            ("closes_time", "18:00"),
            ("q0_text", "Welches Thema?"),
            ("q0_kind", "single"),
            ("q0_options", "Verkehr\nSchule"),
        ];
        fields.retain(|(n, _)| *n != field);
        fields.push((field, value));
        let response = app.post_form("/surveys/new", "/surveys/new", &fields);
        (
            response.status(),
            response.into_string().unwrap_or_default(),
        )
    };
    for (field, value) in [
        ("title", "Treffen\u{1b}[2J"),
        ("title", "Treffen\nmorgen"),
        ("title", &"T".repeat(2000)),
        ("description", "Bitte \u{202E}bis Freitag"),
        ("q0_text", "Welches\u{0} Thema?"),
        ("q0_options", "Verkehr\nSch\u{202E}ule"),
    ] {
        let (status, body) = survey(field, value);
        assert_eq!(status, Status::UnprocessableEntity, "{field} {value:?}");
        assert!(names_the_problem(&body), "{field}: {body}");
    }
    let stored: i64 = surveys::table.count().get_result(&mut *app.conn()).unwrap();
    assert_eq!(stored, 0);
    app.logout();

    assert_eq!(app.login("officer-1", PASSWORD), Status::SeeOther);
    let ballot = |field: &'static str, value: &str| {
        let mut fields = vec![
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
        fields.retain(|(n, _)| *n != field);
        fields.push((field, value));
        let response = app.post_form("/ballots/new", "/ballots/new", &fields);
        (
            response.status(),
            response.into_string().unwrap_or_default(),
        )
    };
    for (field, value) in [
        ("title", "Antrag\u{1b}[2J"),
        ("title", &"T".repeat(2000)),
        ("description", "Mitglieder\u{202E}entscheid"),
        ("q0_text", "Soll der Antrag\nangenommen werden?"),
    ] {
        let (status, body) = ballot(field, value);
        assert_eq!(status, Status::UnprocessableEntity, "{field} {value:?}");
        assert!(names_the_problem(&body), "{field}: {body}");
    }
    let stored: i64 = ballots::table.count().get_result(&mut *app.conn()).unwrap();
    assert_eq!(stored, 0);
});

crate::both_backends!(
    survey_text_answers_refuse_control_characters,
    |app: TestApp| {
        app.with_org();
        let id = crate::surveys::create(&app, &[("q0_text", "Anmerkungen"), ("q0_kind", "text")]);
        assert_eq!(app.login("member-a1", PASSWORD), Status::SeeOther);
        let (status, body) = crate::surveys::answer(&app, &id, &[("q0", "gut\u{1b}[2J")]);
        assert_eq!(status, Status::UnprocessableEntity);
        assert!(names_the_problem(&body), "{body}");
        // Line breaks are fine in an answer.
        let (status, body) = crate::surveys::answer(&app, &id, &[("q0", "Zeile 1\r\nZeile 2")]);
        assert_eq!(status, Status::Ok, "{body}");
    }
);
