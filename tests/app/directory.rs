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

    // Nobody is ticked in advance.
    assert!(!page.contains("value=\"101\" checked"), "{page}");

    // Bad input: 422, nothing sent, nothing logged as contacted.
    let token = app.csrf("/members/directory");
    let run_token = || {
        let (_, page) = app.get("/members/directory");
        page.split("name=\"run\" value=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("the form carries a run token")
            .to_owned()
    };
    let post = |run: &str, fields: &[(&str, &str)]| {
        let mut all = vec![("csrf", token.as_str()), ("run", run)];
        all.extend_from_slice(fields);
        app.client
            .post("/members/contact")
            .header(ContentType::Form)
            .body(encode(&all))
            .dispatch()
    };
    let run = run_token();
    let response = post(
        &run,
        &[("member", "100"), ("subject", ""), ("body", "Hallo")],
    );
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let page = response.into_string().unwrap();
    assert!(page.contains("id=\"subject-error\""));
    // What was ticked stays ticked on the refused form.
    assert!(page.contains("value=\"100\" checked"), "{page}");
    // Only a member of another chapter chosen (a forged id): refused.
    let response = post(
        &run,
        &[
            ("member", "103"),
            ("subject", "Einladung"),
            ("body", "Hallo"),
        ],
    );
    assert_eq!(response.status(), Status::UnprocessableEntity);
    // A form without its run token is refused too: it could be sent twice.
    let response = post(
        "",
        &[
            ("member", "100"),
            ("subject", "Einladung"),
            ("body", "Hallo"),
        ],
    );
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let sent: i64 = outbox::table.count().get_result(&mut *app.conn()).unwrap();
    assert_eq!(sent, 0);

    // Browsers send line breaks as CRLF; the paragraphs stay apart.
    let fields = [
        ("member", "100"),
        ("member", "101"),
        ("member", "104"),
        ("member", "103"),
        ("greet", "1"),
        ("subject", "Einladung zur Mitgliederversammlung"),
        (
            "body",
            "Wir laden herzlich ein.\r\n\r\nAm 5. Dezember um 19 Uhr.",
        ),
    ];
    let response = post(&run, &fields);
    assert_eq!(response.status(), Status::SeeOther);
    let result = response.headers().get_one("Location").unwrap().to_owned();
    assert!(result.starts_with("/members/contact/"), "{result}");
    let (status, page) = app.get(&result);
    assert_eq!(status, Status::Ok);
    assert!(page.contains("Die Nachricht ist verschickt."), "{page}");
    assert!(
        page.contains("1 E-Mail in den Postausgang gelegt, 2 Briefe"),
        "{page}"
    );
    let response = app.client.get(format!("{result}/letters.pdf")).dispatch();
    assert_eq!(response.status(), Status::Ok);
    assert_eq!(response.content_type(), Some(ContentType::PDF));
    let pdf = response.into_bytes().unwrap();
    assert_eq!(pdf_pages(&pdf), 2, "one letter each for 101 and 104");
    let text = pdf_text(&pdf);
    assert!(
        !text.contains("ein. Am 5."),
        "paragraphs run into one: {text}"
    );
    assert_eq!(text.matches("Guten Tag").count(), 2, "{text}");
    assert!(text.contains("QR-Code"), "the QR code is explained: {text}");
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

    // The same form again (a second click, a reload): nothing is sent
    // twice, and the sender is told so.
    let response = post(&run, &fields);
    assert_eq!(response.status(), Status::SeeOther);
    assert_eq!(
        response.headers().get_one("Location"),
        Some(result.as_str())
    );
    let (_, page) = app.get(&result);
    assert!(page.contains("schon verschickt"), "{page}");
    let sent: i64 = outbox::table.count().get_result(&mut *app.conn()).unwrap();
    assert_eq!(sent, 1);

    // Without the automatic greeting the chair's own stands first; "all
    // matches" contacts every match of the filter without ticking.
    let response = post(
        &run_token(),
        &[
            ("everyone", "1"),
            ("subject", "Kurz"),
            ("body", "Liebe Mitglieder,\r\n\r\nbis bald."),
        ],
    );
    assert_eq!(response.status(), Status::SeeOther);
    let second = response.headers().get_one("Location").unwrap().to_owned();
    let (_, page) = app.get(&second);
    assert!(
        page.contains("1 E-Mail in den Postausgang gelegt, 2 Briefe"),
        "{page}"
    );
    let bodies: Vec<Option<String>> = outbox::table
        .filter(outbox::subject.eq("Kurz"))
        .select(outbox::body)
        .load(&mut *app.conn())
        .unwrap();
    assert_eq!(bodies.len(), 1);
    assert!(bodies[0]
        .as_deref()
        .unwrap()
        .starts_with("Liebe Mitglieder,"));

    // The run and its letters are the sender's alone.
    app.logout();
    assert_eq!(app.login("admin", PASSWORD), Status::SeeOther);
    assert_eq!(app.get(&result).0, Status::NotFound);
    assert_eq!(
        app.get(&format!("{result}/letters.pdf")).0,
        Status::NotFound
    );
});

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
