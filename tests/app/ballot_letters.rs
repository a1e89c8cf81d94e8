//! Ballot letters longer than a page: a ballot with four questions is set
//! up through the form, opened, and its letters printed, with text and QR
//! codes decoded back from the PDF; a definition whose letters could not be
//! printed is refused at set-up with a message, before anything is stored.

use diesel::prelude::*;
use rocket::http::Status;
use votum::ballots::officer::{confirm_act, request_act, Act};
use votum::db::schema::{ballots, credentials, members};

use crate::support::{test_now, TestApp, PASSWORD};

fn form(title: &str) -> Vec<(&'static str, String)> {
    vec![
        ("title", title.to_owned()),
        ("description", "Landesparteitag".into()),
        ("group", "bund".into()),
        ("cutoff", "2026-11-01".into()),
        ("opens_date", "2026-11-23".into()),
        ("opens_time", "08:00".into()),
        ("closes_date", "2026-11-30".into()),
        ("closes_time", "18:00".into()),
    ]
}

fn four_questions(options: usize) -> Vec<(&'static str, String)> {
    let list = |prefix: &str| {
        (1..=options)
            .map(|n| format!("{prefix} Kandidatin {n}"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    vec![
        ("q0_text", "Soll die Satzung geändert werden?".into()),
        ("q0_kind", "yes_no".into()),
        ("q1_text", "Wer soll den Landesvorsitz übernehmen?".into()),
        ("q1_kind", "single".into()),
        ("q1_options", list("Vorsitz")),
        ("q2_text", "Wen wählen Sie in den Landesvorstand?".into()),
        ("q2_kind", "approval".into()),
        ("q2_options", list("Vorstand")),
        ("q3_text", "Reihenfolge der Landesliste".into()),
        ("q3_kind", "stv".into()),
        ("q3_seats", "2".into()),
        ("q3_options", list("Liste")),
    ]
}

fn post(app: &TestApp, fields: &[(&str, String)]) -> (Status, Option<String>, String) {
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let response = app.post_form("/ballots/new", "/ballots/new", &refs);
    let status = response.status();
    let location = response.headers().get_one("Location").map(String::from);
    (status, location, response.into_string().unwrap_or_default())
}

fn pdf_pages(pdf: &[u8]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("letters.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is needed");
    let mut pages: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .split('\u{c}')
        .map(str::to_owned)
        .collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

crate::both_backends!(a_four_question_ballot_prints_its_letters, |app: TestApp| {
    let org = app.with_org();
    let officers = app.with_officers(&org);
    diesel::update(members::table.filter(members::id.eq_any([102, 103])))
        .set(members::channel.eq("paper"))
        .execute(&mut *app.conn())
        .unwrap();
    assert_eq!(app.login("officer-1", PASSWORD), Status::SeeOther);
    let mut fields = form("Landesparteitag 2026");
    fields.extend(four_questions(8));
    let (status, location, page) = post(&app, &fields);
    assert_eq!(status, Status::SeeOther, "{page}");
    let id = location
        .unwrap()
        .trim_start_matches("/ballots/")
        .trim_end_matches("/manage")
        .to_owned();
    {
        let mut conn = app.conn();
        let act = request_act(&mut conn, &id, Act::Open, officers[0], test_now()).unwrap();
        confirm_act(&mut conn, &app.sealing, &id, act, officers[1], test_now())
            .unwrap()
            .unwrap();
    }
    let count = |app: &TestApp| -> i64 {
        credentials::table
            .count()
            .get_result(&mut *app.conn())
            .unwrap()
    };
    let before = count(&app);
    let letters = format!("/ballots/{id}/letters");
    crate::letters::run_requested_by_officer_2(&app, &id);
    let (_, page) = app.get(&letters);
    let key = crate::support::hidden_value(&page, "key").unwrap();
    let response = app.post_form(&letters, &letters, &[("key", &key), ("noted", "on")]);
    assert_eq!(response.status(), Status::Ok);
    let pdf = response.into_bytes().unwrap();
    assert_eq!(count(&app) - before, 2, "a credential per letter");
    let pages = pdf_pages(&pdf);
    // Two members, each a letter and a slip of more than one page.
    assert!(pages.len() > 4, "{} pages", pages.len());
    // The letter is dated the day of the run and names its sender once: a
    // ballot of the whole organisation (group and organisation the same).
    assert!(pages[0].contains("23.11.2026"), "{}", pages[0]);
    let sender_lines = pages[0]
        .lines()
        .filter(|line| line.trim() == "Bundesverband")
        .count();
    assert_eq!(sender_lines, 1, "{}", pages[0]);
    // The first member's pages: letter pages, then slip pages, up to the
    // next letter (the next page with an address window's name).
    let slip_pages: Vec<usize> = pages
        .iter()
        .enumerate()
        .filter(|(_, p)| p.contains("Stimmzettel: Landesparteitag 2026"))
        .map(|(n, _)| n)
        .collect();
    let first_slip = slip_pages[0];
    let member_pages = slip_pages
        .iter()
        .zip(slip_pages.iter().skip(1))
        .find(|(a, b)| **b != **a + 1)
        .map_or(*slip_pages.last().unwrap(), |(a, _)| *a)
        + 1;
    assert!(
        first_slip >= 1 && member_pages - first_slip >= 2,
        "{slip_pages:?}"
    );
    let slip = pages[first_slip..member_pages].concat();
    for question in [
        "Soll die Satzung geändert werden?",
        "Wer soll den Landesvorsitz übernehmen?",
        "Wen wählen Sie in den Landesvorstand?",
        "Reihenfolge der Landesliste",
    ] {
        assert!(slip.contains(question), "{question}");
    }
    for n in 1..=8 {
        for prefix in ["Vorsitz", "Vorstand", "Liste"] {
            let option = format!("{prefix} Kandidatin {n}");
            assert!(slip.contains(&option), "{option}");
        }
    }
    // The letter's QR code holds the ballot URL with the code; every slip
    // page's QR code holds the same code.
    let Some(url) = crate::letters::qr_on_page(&pdf, first_slip) else {
        return;
    };
    let code = url.split_once("?code=").unwrap().1.to_owned();
    assert!(url.contains(&format!("/vote/{id}?code=")));
    for page in first_slip + 1..=member_pages {
        let on_slip = crate::letters::qr_on_page(&pdf, page).unwrap();
        assert_eq!(
            rocket::http::RawStr::new(&code).percent_decode().unwrap(),
            on_slip,
            "slip page {page}"
        );
    }
});

crate::both_backends!(
    an_unprintable_ballot_is_refused_at_set_up,
    |app: TestApp| {
        let org = app.with_org();
        app.with_officers(&org);
        assert_eq!(app.login("officer-1", PASSWORD), Status::SeeOther);
        // A character the letters' fonts do not have.
        let mut fields = form("Wahl in Łódź");
        fields.extend(four_questions(3));
        let (status, _, page) = post(&app, &fields);
        assert_eq!(status, Status::UnprocessableEntity);
        assert!(page.contains("nicht gedruckt werden kann"), "{page}");
        // A ballot whose slip would run over more pages than a letter may
        // have.
        let mut fields = form("Landesliste");
        fields.extend(four_questions(150));
        let (status, _, page) = post(&app, &fields);
        assert_eq!(status, Status::UnprocessableEntity);
        assert!(page.contains("länger als 6 Seiten"), "{page}");
        assert!(page.contains("Landesliste"), "input kept");
        let stored: i64 = ballots::table.count().get_result(&mut *app.conn()).unwrap();
        assert_eq!(stored, 0);
    }
);

crate::both_backends!(
    a_letter_that_cannot_be_printed_gets_a_message_not_a_bare_400,
    |app: TestApp| {
        use votum::db::schema::electors;
        // Bruno's street (stored before today's input rules) is too wide
        // for the envelope window even at the smallest size.
        let ballot = crate::letters::open_with_letters(&app, &[103]);
        diesel::update(members::table.find(103))
            .set(members::street.eq("Straße mit einem ganz besonders langen Namen und noch mehr"))
            .execute(&mut *app.conn())
            .unwrap();
        assert_eq!(app.login("officer-1", PASSWORD), Status::SeeOther);
        let letters = format!("/ballots/{ballot}/letters");
        crate::letters::run_requested_by_officer_2(&app, &ballot);
        let (_, page) = app.get(&letters);
        let key = crate::support::hidden_value(&page, "key").unwrap();
        let response = app.post_form(&letters, &letters, &[("key", &key), ("noted", "on")]);
        assert_eq!(response.status(), Status::SeeOther);
        let (_, page) = app.get(&letters);
        assert!(page.contains("muss in das Fenster"), "{page}");
        let issued: i64 = electors::table
            .filter(electors::ballot_id.eq(&ballot))
            .filter(electors::channel.eq("letter"))
            .filter(electors::issued.eq(true))
            .count()
            .get_result(&mut *app.conn())
            .unwrap();
        assert_eq!(issued, 0, "nothing stored");
    }
);
