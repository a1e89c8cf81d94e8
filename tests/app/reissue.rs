//! Lost letters: two officers revoke a letter's code with the re-issue key
//! and issue a new letter; the old code stops working, the new one votes,
//! a used letter is never replaced, and the record verifies with the
//! revocation in it.

use diesel::prelude::*;
use rocket::http::Status;
use votum::ballots::officer::{confirm_act, request_act, Act};
use votum::db::schema::{audit_log, credentials};

use crate::letters::{open_with_letters, qr_on_page};
use crate::support::{hidden_value, test_now, TestApp, PASSWORD};

const BASE: &str = "http://127.0.0.1:8000";

/// Officer 1 issues the letters through the pages; returns the re-issue
/// key shown and the PDF.
pub(crate) fn issue_letters(app: &TestApp, ballot: &str) -> (String, Vec<u8>) {
    let letters = format!("/ballots/{ballot}/letters");
    // Officer 1 requests the run; officer 2 confirms it and gets the PDF.
    assert_eq!(app.login("officer-1", PASSWORD), Status::SeeOther);
    let response = app.post_form(&letters, &format!("{letters}/request"), &[]);
    assert_eq!(response.status(), Status::SeeOther);
    let (_, page) = app.get(&letters);
    assert!(
        page.contains("Sie haben den Briefdruck beantragt"),
        "{page}"
    );
    let someone = votum_crypto::credential::ReissueKey::generate()
        .unwrap()
        .display();
    let response = app.post_form(&letters, &letters, &[("key", &someone), ("noted", "on")]);
    assert_eq!(
        response.status(),
        Status::SeeOther,
        "the requester cannot confirm"
    );
    app.logout();
    assert_eq!(app.login("officer-2", PASSWORD), Status::SeeOther);
    let (_, page) = app.get(&letters);
    let key = hidden_value(&page, "key").unwrap();
    let response = app.post_form(&letters, &letters, &[("key", &key), ("noted", "on")]);
    assert_eq!(response.status(), Status::Ok);
    let pdf = response.into_bytes().unwrap();
    app.logout();
    (key, pdf)
}

/// The voting code in the QR code on page `page`, if pdftoppm is here.
pub(crate) fn code_on_page(pdf: &[u8], ballot: &str, page: usize) -> Option<String> {
    let url = qr_on_page(pdf, page)?;
    let prefix = format!("{BASE}/vote/{ballot}?code=");
    assert!(url.starts_with(&prefix), "{url}");
    Some(
        rocket::http::RawStr::new(&url[prefix.len()..])
            .percent_decode()
            .unwrap()
            .into_owned(),
    )
}

/// Casts "yes" with `code`; returns the status and page.
fn cast(app: &TestApp, ballot: &str, code: &str) -> (Status, String) {
    let page = format!("/vote/{ballot}");
    let response = app.post_form(
        &page,
        &format!("/vote/{ballot}/cast"),
        &[("code", code), ("q0", "yes")],
    );
    (
        response.status(),
        response.into_string().unwrap_or_default(),
    )
}

fn revoked_and_total(app: &TestApp, ballot: &str) -> (i64, i64) {
    let mut conn = app.conn();
    let total = credentials::table
        .filter(credentials::ballot_id.eq(ballot))
        .count()
        .get_result(&mut *conn)
        .unwrap();
    let revoked = credentials::table
        .filter(credentials::ballot_id.eq(ballot))
        .filter(credentials::revoked.eq(true))
        .count()
        .get_result(&mut *conn)
        .unwrap();
    (revoked, total)
}

/// Officer 1 requests a new letter for `number`; returns the flash page.
pub(crate) fn request(app: &TestApp, ballot: &str, number: &str) -> String {
    let manage = format!("/ballots/{ballot}/manage");
    assert_eq!(app.login("officer-1", PASSWORD), Status::SeeOther);
    let response = app.post_form(
        &manage,
        &format!("/ballots/{ballot}/reissue"),
        &[("member", number)],
    );
    assert_eq!(response.status(), Status::SeeOther);
    let (_, page) = app.get(&manage);
    app.logout();
    page
}

/// Officer 2 confirms the pending re-issue with `key`; returns the status,
/// whether a PDF came back, and the body. Officer 2 stays logged in.
pub(crate) fn confirm(app: &TestApp, ballot: &str, key: &str) -> (Status, bool, Vec<u8>) {
    let act = app.pending_act(ballot);
    let manage = format!("/ballots/{ballot}/manage");
    assert_eq!(app.login("officer-2", PASSWORD), Status::SeeOther);
    let (_, page) = app.get(&manage);
    assert!(
        page.contains("1000102") || page.contains("1000103"),
        "{page}"
    );
    let response = app.post_form(
        &manage,
        &format!("/ballots/{ballot}/reissue/{act}"),
        &[("key", key)],
    );
    let pdf = response.content_type() == Some(rocket::http::ContentType::PDF);
    (
        response.status(),
        pdf,
        response.into_bytes().unwrap_or_default(),
    )
}

crate::both_backends!(a_lost_letter_is_revoked_and_replaced, |app: TestApp| {
    // member-a2 (102, number 1000102) and member-b1 (103) get letters.
    let ballot = open_with_letters(&app, &[102, 103]);
    let (key, first_run) = issue_letters(&app, &ballot);
    // Two letters and the four portal electors' credentials.
    assert_eq!(revoked_and_total(&app, &ballot), (0, 6));

    // The officer finds the member by name, without a number and without
    // JavaScript: the search lists letter electors only ("Meier" has a
    // letter, "Müller" votes online), each with its own request button.
    assert_eq!(app.login("officer-1", PASSWORD), Status::SeeOther);
    let (_, page) = app.get(&format!("/ballots/{ballot}/manage?find=meier"));
    assert!(page.contains("Berta Meier, Nr. 1000102"), "{page}");
    assert!(page.contains("name=\"member\" value=\"1000102\""), "{page}");
    let (_, page) = app.get(&format!("/ballots/{ballot}/manage?find=Berta%20Meier"));
    assert!(page.contains("Berta Meier, Nr. 1000102"), "{page}");
    let (_, page) = app.get(&format!("/ballots/{ballot}/manage?find=M%C3%BCller"));
    assert!(page.contains("Kein Mitglied mit Brief passt"), "{page}");
    app.logout();

    // Only letter electors can be re-issued.
    let page = request(&app, &ballot, "1000101");
    assert!(page.contains("niemand einen Brief"), "{page}");
    let page = request(&app, &ballot, "1000102");
    assert!(page.contains("Der Schritt ist beantragt"), "{page}");

    // The requesting officer cannot confirm; a wrong key changes nothing.
    let act = app.pending_act(&ballot);
    assert_eq!(app.login("officer-1", PASSWORD), Status::SeeOther);
    let manage = format!("/ballots/{ballot}/manage");
    let response = app.post_form(
        &manage,
        &format!("/ballots/{ballot}/reissue/{act}"),
        &[("key", &key)],
    );
    assert_eq!(response.status(), Status::SeeOther);
    app.logout();
    let wrong = votum_crypto::credential::ReissueKey::generate()
        .unwrap()
        .display();
    assert_eq!(confirm(&app, &ballot, &wrong).0, Status::SeeOther);
    let (_, page) = app.get(&manage);
    assert!(page.contains("passt zu keinem unbenutzten Brief"), "{page}");
    assert_eq!(confirm(&app, &ballot, "not a key").0, Status::SeeOther);
    let (_, page) = app.get(&manage);
    assert!(page.contains("unvollständig oder vertippt"), "{page}");
    // The general confirm button of other acts cannot confirm a re-issue.
    let response = app.post_form(&manage, &format!("/ballots/{ballot}/confirm/{act}"), &[]);
    assert_eq!(response.status(), Status::SeeOther);
    let (_, page) = app.get(&manage);
    assert!(
        page.contains("Schlüssel für verlorene Briefe, im Feld"),
        "{page}"
    );
    app.logout();
    assert_eq!(revoked_and_total(&app, &ballot), (0, 6));

    // The right key revokes the old credential and returns one new letter.
    let (status, is_pdf, new_letter) = confirm(&app, &ballot, &key);
    assert_eq!((status, is_pdf), (Status::Ok, true));
    assert!(new_letter.starts_with(b"%PDF-"));
    app.logout();
    assert_eq!(revoked_and_total(&app, &ballot), (1, 7));
    let logged: i64 = audit_log::table
        .filter(audit_log::action.eq("letter_reissued"))
        .filter(audit_log::member_id.eq(102))
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(logged, 1);
    // Electors issued and active credentials still agree.
    let (_, issued, active) = votum::ballots::officer::counts(&mut app.conn(), &ballot).unwrap();
    assert_eq!(issued, active);
    // Every credential row has the same shape: a tag, none twice, so the
    // replacement does not keep the lost letter's tag (nothing without the
    // key says that the two belong to one member) and portal credentials
    // do not stand out by an empty one.
    {
        use votum::db::schema::credentials;
        let tags: Vec<Option<String>> = credentials::table
            .filter(credentials::ballot_id.eq(&ballot))
            .select(credentials::reissue_tag)
            .load(&mut *app.conn())
            .unwrap();
        assert!(tags.len() > 3, "portal credentials exist: {tags:?}");
        let mut distinct: Vec<&String> = tags.iter().flatten().collect();
        assert_eq!(distinct.len(), tags.len(), "every credential has a tag");
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), tags.len(), "no tag twice: {tags:?}");
        assert!(tags.iter().flatten().all(|t| t.len() == 43), "{tags:?}");
    }

    let (Some(new_code), Some(old_a), Some(old_b)) = (
        code_on_page(&new_letter, &ballot, 1),
        code_on_page(&first_run, &ballot, 1),
        // Each letter is followed by its postal voting slip.
        code_on_page(&first_run, &ballot, 3),
    ) else {
        return;
    };
    // Of the two first-run codes, exactly one (102's) is refused as
    // replaced; the other (103's) still votes.
    let outcomes = [cast(&app, &ballot, &old_a), cast(&app, &ballot, &old_b)];
    let replaced = outcomes
        .iter()
        .filter(|(_, page)| page.contains("Dieser Code wurde ersetzt"))
        .count();
    let counted = outcomes
        .iter()
        .filter(|(status, page)| {
            *status == Status::Ok && page.contains("Ihre Stimme ist abgegeben")
        })
        .count();
    assert_eq!((replaced, counted), (1, 1), "{outcomes:?}");
    let (status, page) = cast(&app, &ballot, &new_code);
    assert_eq!(status, Status::Ok, "{page}");

    // 103's letter was used: it is never replaced, and nothing changes.
    request(&app, &ballot, "1000103");
    assert_eq!(confirm(&app, &ballot, &key).0, Status::SeeOther);
    let (_, page) = app.get(&manage);
    assert!(page.contains("schon abgestimmt"), "{page}");
    app.logout();
    assert_eq!(revoked_and_total(&app, &ballot), (1, 7));

    // The record counts two votes and verifies with one revocation and one
    // re-issue act.
    let mut conn = app.conn();
    let officers: Vec<i64> = votum::db::schema::accounts::table
        .filter(votum::db::schema::accounts::login.eq_any(["officer-1", "officer-2"]))
        .order(votum::db::schema::accounts::login)
        .select(votum::db::schema::accounts::id)
        .load(&mut *conn)
        .unwrap();
    // The refused re-issue request for 103 is still pending; it does not
    // block closing.
    for act in [Act::Close, Act::Tally, Act::Publish] {
        let id = request_act(&mut conn, &ballot, act, officers[0], test_now()).unwrap();
        confirm_act(
            &mut conn,
            &app.sealing,
            &ballot,
            id,
            officers[1],
            test_now(),
        )
        .unwrap()
        .unwrap();
    }
    if app.backend == votum::db::Backend::Postgres {
        // Closing rewrote the credential rows: one transaction id for all,
        // shared with no elector row or officer act.
        #[derive(QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let mut count = |sql: &str| {
            diesel::sql_query(sql)
                .bind::<diesel::sql_types::Text, _>(&ballot)
                .get_result::<Count>(&mut *conn)
                .unwrap()
                .n
        };
        assert_eq!(
            count("SELECT COUNT(DISTINCT xmin::text) AS n FROM credentials WHERE ballot_id = $1"),
            1
        );
        for (table, about_members) in [
            ("electors", "TRUE"),
            ("officer_acts", "t.member_id IS NOT NULL"),
        ] {
            let shared = count(&format!(
                "SELECT COUNT(*) AS n FROM credentials c JOIN {table} t \
                 ON t.xmin::text = c.xmin::text WHERE c.ballot_id = $1 AND {about_members}"
            ));
            assert_eq!(shared, 0, "{table}");
        }
    }
    let record: String = votum::db::schema::ballot_results::table
        .find(&ballot)
        .select(votum::db::schema::ballot_results::record.assume_not_null())
        .first(&mut *conn)
        .unwrap();
    let record = votum_ballots::record::v2::Record::from_json(record.as_bytes()).unwrap();
    votum_ballots::record::v2::verify(&record).unwrap();
    assert_eq!(record.ballots.len(), 2);
    assert_eq!(record.credentials.iter().filter(|c| c.revoked).count(), 1);
});
