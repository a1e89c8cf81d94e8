//! Voting letters: one per letter elector, sorted by postcode, and the QR
//! code printed on a letter, decoded back from the rendered PDF, leads to a
//! counted vote.

use std::process::Command;

use diesel::prelude::*;
use rocket::http::Status;
use votum::ballots::lifecycle::BallotStatus;
use votum::ballots::officer::{confirm_act, request_act, Act};
use votum::ballots::setup::{self, NewBallot};
use votum::db::schema::{credentials, electors, members};
use votum_ballots::question::{MajorityRule, QuestionKind, Ratio};
use votum_ballots::Question;

use crate::support::{test_now, TestApp};

/// A yes/no ballot of the federal group, opened by the two officers, with
/// `paper` members choosing letters.
pub fn open_with_letters(app: &TestApp, paper: &[i64]) -> String {
    let org = app.with_org();
    let officers = app.with_officers(&org);
    let mut conn = app.conn();
    diesel::update(members::table.filter(members::id.eq_any(paper)))
        .set(members::channel.eq("paper"))
        .execute(&mut *conn)
        .unwrap();
    let id = setup::create(
        &mut conn,
        &app.sealing,
        &votum::rights::OfficerOf::by_operator(org.federal.id),
        &NewBallot {
            group_id: org.federal.id,
            title: "Urabstimmung".into(),
            description: String::new(),
            cutoff_date: test_now().date(),
            opens_at: test_now() - chrono::Duration::hours(1),
            closes_at: test_now() + chrono::Duration::days(7),
            revote_allowed: false,
            shuffle_options: false,
            questions: vec![Question {
                text: "Zustimmung?".into(),
                kind: QuestionKind::YesNoAbstain {
                    quorum: Ratio::ZERO,
                    majority: MajorityRule::Simple,
                },
            }],
        },
        test_now(),
    )
    .unwrap();
    // Tests the signed protocol, as a ballot created before "encrypted".
    votum::ballots::protocol::keep_signed(&mut conn, &id).unwrap();
    let act = request_act(&mut conn, &id, Act::Open, officers[0], test_now()).unwrap();
    confirm_act(&mut conn, &app.sealing, &id, act, officers[1], test_now())
        .unwrap()
        .unwrap();
    id
}

/// Officer 2 requests a letter run, so officer 1 can confirm it on the
/// letters page (and gets the letters).
pub fn run_requested_by_officer_2(app: &TestApp, ballot: &str) {
    use votum::db::schema::accounts;
    let mut conn = app.conn();
    let officer: i64 = accounts::table
        .filter(accounts::login.eq("officer-2"))
        .select(accounts::id)
        .first(&mut *conn)
        .unwrap();
    request_act(
        &mut conn,
        ballot,
        Act::IssueCredentials,
        officer,
        crate::support::test_now(),
    )
    .unwrap();
}

fn issue(app: &TestApp, ballot: &str) -> (votum::ballots::letters::Issued, Vec<u8>) {
    let catalogues = votum::i18n::Catalogues::load().unwrap();
    let mut pdf = Vec::new();
    let key = votum_crypto::credential::ReissueKey::generate().unwrap();
    let issued = votum::ballots::letters::issue(
        &mut app.conn(),
        &catalogues,
        "http://127.0.0.1:8000",
        ballot,
        &key,
        None,
        crate::support::test_now(),
        &mut pdf,
    )
    .unwrap();
    (issued, pdf)
}

/// Renders page `page` of the PDF and decodes its QR code.
pub fn qr_on_page(pdf: &[u8], page: usize) -> Option<String> {
    if Command::new("pdftoppm").arg("-v").output().is_err() {
        assert!(
            std::env::var("CI").is_err(),
            "pdftoppm (poppler-utils) is required under CI"
        );
        eprintln!(
            "skipping the QR decode: pdftoppm (Debian package poppler-utils) is not installed"
        );
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("letters.pdf");
    std::fs::write(&file, pdf).unwrap();
    // rqrr misses the finder patterns of about one symbol in 150 at
    // 150 dpi (checked: the same page decodes at 300 dpi, the resolution
    // letters are printed at); the higher resolution is only the fallback
    // because it is four times the pixels.
    for dpi in ["150", "300"] {
        let prefix = dir.path().join(format!("page{dpi}"));
        let status = Command::new("pdftoppm")
            .args([
                "-r",
                dpi,
                "-png",
                "-f",
                &page.to_string(),
                "-l",
                &page.to_string(),
            ])
            .arg(&file)
            .arg(&prefix)
            .status()
            .unwrap();
        assert!(status.success());
        let png = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| {
                p.extension().is_some_and(|e| e == "png")
                    && p.file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with(&format!("page{dpi}")))
            })
            .unwrap();
        let image = image::open(png).unwrap().to_luma8();
        let mut prepared = rqrr::PreparedImage::prepare(image);
        let grids = prepared.detect_grids();
        assert!(grids.len() <= 1, "one QR code per letter");
        if let Some(grid) = grids.first() {
            return Some(grid.decode().unwrap().1);
        }
    }
    panic!("no QR code found on page {page}, not even at 300 dpi");
}

crate::both_backends!(a_letters_qr_code_leads_to_a_counted_vote, |app: TestApp| {
    // member-b1 (103) and member-a2 (102) chose paper.
    let ballot = open_with_letters(&app, &[102, 103]);
    let (issued, pdf) = issue(&app, &ballot);
    assert_eq!(issued.letters, 2);
    assert!(pdf.starts_with(b"%PDF-"));
    // Issued once: a second run finds nobody left.
    assert_eq!(issue(&app, &ballot).0.letters, 0);
    let (letter_electors, issued_electors, stored): (i64, i64, i64) = {
        let mut conn = app.conn();
        let letter: i64 = electors::table
            .filter(electors::ballot_id.eq(&ballot))
            .filter(electors::channel.eq("letter"))
            .count()
            .get_result(&mut *conn)
            .unwrap();
        let issued: i64 = electors::table
            .filter(electors::ballot_id.eq(&ballot))
            .filter(electors::issued.eq(true))
            .count()
            .get_result(&mut *conn)
            .unwrap();
        let stored: i64 = credentials::table
            .filter(credentials::ballot_id.eq(&ballot))
            .count()
            .get_result(&mut *conn)
            .unwrap();
        (letter, issued, stored)
    };
    // Four portal electors were issued when the ballot opened, two letter
    // electors now.
    assert_eq!((letter_electors, issued_electors, stored), (2, 6, 6));

    let Some(url) = qr_on_page(&pdf, 1) else {
        return;
    };
    let prefix = format!("http://127.0.0.1:8000/vote/{ballot}?code=");
    assert!(url.starts_with(&prefix), "{url}");
    let code = rocket::http::RawStr::new(&url[prefix.len()..])
        .percent_decode()
        .unwrap()
        .into_owned();
    // The postal voting slip behind the letter carries the same code, as
    // text and as a QR code for the officers' scanner.
    assert_eq!(qr_on_page(&pdf, 2), Some(code.clone()));
    let path = url.trim_start_matches("http://127.0.0.1:8000");
    let (status, page) = app.get(path);
    assert_eq!(status, Status::Ok);
    assert!(page.contains("Zustimmung?"));
    let response = app.post_form(
        path,
        &format!("/vote/{ballot}/cast"),
        &[("code", &code), ("q0", "yes")],
    );
    assert_eq!(response.status(), Status::Ok);
    assert!(response
        .into_string()
        .unwrap()
        .contains("Ihre Stimme ist abgegeben"));
    let used: i64 = credentials::table
        .filter(credentials::ballot_id.eq(&ballot))
        .filter(credentials::used.eq("online"))
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(used, 1);
});

crate::both_backends!(letters_need_an_open_ballot, |app: TestApp| {
    let ballot = open_with_letters(&app, &[103]);
    let mut conn = app.conn();
    setup::set_status(&mut conn, &ballot, BallotStatus::Closed).unwrap();
    let catalogues = votum::i18n::Catalogues::load().unwrap();
    let mut pdf = Vec::new();
    let key = votum_crypto::credential::ReissueKey::generate().unwrap();
    let refused = votum::ballots::letters::issue(
        &mut conn,
        &catalogues,
        "http://x",
        &ballot,
        &key,
        None,
        crate::support::test_now(),
        &mut pdf,
    );
    assert!(matches!(
        refused,
        Err(votum::error::AppError::BadRequest(_))
    ));
    let issued: i64 = electors::table
        .filter(electors::ballot_id.eq(&ballot))
        .filter(electors::channel.eq("letter"))
        .filter(electors::issued.eq(true))
        .count()
        .get_result(&mut *conn)
        .unwrap();
    assert_eq!(issued, 0);
});

crate::both_backends!(officers_download_letters_members_may_not, |app: TestApp| {
    use crate::support::PASSWORD;
    let ballot = open_with_letters(&app, &[102, 103]);
    let manage = format!("/ballots/{ballot}/manage");
    assert_eq!(app.login("member-a1", PASSWORD), Status::SeeOther);
    let response = app.post_form("/", &format!("/ballots/{ballot}/letters"), &[]);
    assert_eq!(response.status(), Status::Forbidden);
    app.logout();
    assert_eq!(app.login("officer-1", PASSWORD), Status::SeeOther);
    let (_, page) = app.get(&manage);
    assert!(
        page.contains("2 Stimmberechtigte bekommen ihren Code per Brief"),
        "{page}"
    );
    let letters = format!("/ballots/{ballot}/letters");
    run_requested_by_officer_2(&app, &ballot);
    let (status, page) = app.get(&letters);
    assert_eq!(status, Status::Ok);
    let key = crate::support::hidden_value(&page, "key").unwrap();
    assert!(
        page.contains(&key.replace('=', "&#x3D;")),
        "the key is shown to write down"
    );
    // Without confirming that the key is written down, nothing is issued.
    let response = app.post_form(&letters, &letters, &[("key", &key)]);
    assert_eq!(response.status(), Status::SeeOther);
    let (_, page) = app.get(&letters);
    assert!(page.contains("notiert haben"), "{page}");
    let response = app.post_form(&letters, &letters, &[("key", &key), ("noted", "on")]);
    assert_eq!(response.status(), Status::Ok);
    assert_eq!(
        response.content_type(),
        Some(rocket::http::ContentType::PDF)
    );
    assert!(response
        .headers()
        .get_one("Content-Disposition")
        .unwrap()
        .starts_with("attachment"));
    assert!(response.into_bytes().unwrap().starts_with(b"%PDF-"));
    let (_, page) = app.get(&manage);
    assert!(
        page.contains("<dt>Ausgegebene Zugänge</dt><dd>6</dd>"),
        "{page}"
    );
});
