//! The chairs' directory: filters within the own scope, and one action
//! that mails the online members of a selection and returns one PDF of
//! letters for the rest.

use diesel::prelude::*;
use rocket::http::{ContentType, Status};
use votum::db::schema::{audit_log, members, outbox};

use crate::both_backends;
use crate::support::{encode, member, TestApp, PASSWORD};

fn pdf_pages(pdf: &[u8]) -> usize {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("letters.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdfinfo")
        .arg(&path)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

both_backends!(chair_filters_and_contacts_a_selection, |app: TestApp| {
    app.with_org();
    {
        let mut conn = app.conn();
        // 101 wants paper; 104 is online but has no address: both get letters.
        diesel::update(members::table.find(101))
            .set(members::channel.eq("paper"))
            .execute(&mut *conn)
            .unwrap();
        let mut no_mail = member(104, "1000104", "Dora", "Ohnemail", 12);
        no_mail.email = None;
        votum::members::import::insert_members(&mut conn, &[no_mail]).unwrap();
    }
    assert_eq!(app.login("chair-a1", PASSWORD), Status::SeeOther);
    let (status, page) = app.get("/members/directory");
    assert_eq!(status, Status::Ok);
    assert!(page.contains("Müller, Anton") && page.contains("Ohnemail, Dora"));
    assert!(!page.contains("Schulz"), "a member of B is listed");
    let (_, page) = app.get("/members/directory?channel=paper");
    assert!(page.contains("Müller, Anton") && !page.contains("Vorsitz, Clara"));
    let (_, page) = app.get("/members/directory?role=chair");
    assert!(page.contains("Vorsitz, Clara") && !page.contains("Müller, Anton"));
    assert_eq!(app.get("/members/directory?group=21").0, Status::Forbidden);

    // Bad input: 422, nothing sent, nothing logged as contacted.
    let token = app.csrf("/members/directory");
    let post = |fields: &[(&str, &str)]| {
        let mut all = vec![("csrf", token.as_str())];
        all.extend_from_slice(fields);
        app.client
            .post("/members/contact")
            .header(ContentType::Form)
            .body(encode(&all))
            .dispatch()
    };
    let response = post(&[("member", "100"), ("subject", ""), ("body", "Hallo")]);
    assert_eq!(response.status(), Status::UnprocessableEntity);
    assert!(response
        .into_string()
        .unwrap()
        .contains("id=\"subject-error\""));
    // Only a member of another chapter chosen (a forged id): refused.
    let response = post(&[
        ("member", "103"),
        ("subject", "Einladung"),
        ("body", "Hallo"),
    ]);
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let sent: i64 = outbox::table.count().get_result(&mut *app.conn()).unwrap();
    assert_eq!(sent, 0);

    let response = post(&[
        ("member", "100"),
        ("member", "101"),
        ("member", "104"),
        ("member", "103"),
        ("subject", "Einladung zur Mitgliederversammlung"),
        (
            "body",
            "Wir laden herzlich ein.\n\nAm 5. Dezember um 19 Uhr.",
        ),
    ]);
    assert_eq!(response.status(), Status::Ok);
    assert_eq!(response.content_type(), Some(ContentType::PDF));
    let pdf = response.into_bytes().unwrap();
    assert_eq!(pdf_pages(&pdf), 2, "one letter each for 101 and 104");
    let recipients: Vec<String> = outbox::table
        .select(outbox::recipient)
        .load(&mut *app.conn())
        .unwrap();
    assert_eq!(recipients, ["1000100@example.org"]);
    let body: Option<String> = outbox::table
        .select(outbox::body)
        .first(&mut *app.conn())
        .unwrap();
    assert!(body.unwrap().starts_with("Guten Tag Clara Vorsitz,"));
    let mut contacted: Vec<Option<i64>> = audit_log::table
        .filter(audit_log::action.eq("members_contacted"))
        .select(audit_log::member_id)
        .load(&mut *app.conn())
        .unwrap();
    contacted.sort();
    assert_eq!(contacted, [Some(100), Some(101), Some(104)]);

    // Everyone online: no PDF, a page with the count.
    let response = post(&[("member", "100"), ("subject", "Kurz"), ("body", "Hallo")]);
    assert_eq!(response.status(), Status::Ok);
    assert!(response
        .into_string()
        .unwrap()
        .contains("1 E-Mails in den Postausgang gelegt, 0 Briefe"));
});
