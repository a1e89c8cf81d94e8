//! The audit log: every officer act on a ballot leaves an entry in its own
//! transaction; the admin page shows translated actions and names, not
//! codes and ids; no entry holds a code, credential or tag.

use diesel::prelude::*;
use rocket::http::Status;
use votum::db::schema::{audit_log, credentials};

use crate::lifecycle::four_eyes;
use crate::support::{TestApp, PASSWORD};

/// (action, actor, member, ballot, detail) of every entry about `ballot`.
type Row = (String, Option<i64>, Option<i64>, Option<String>, String);

fn rows(app: &TestApp, ballot: &str) -> Vec<Row> {
    audit_log::table
        .filter(audit_log::ballot_id.eq(ballot))
        .select((
            audit_log::action,
            audit_log::actor_account_id,
            audit_log::member_id,
            audit_log::ballot_id,
            audit_log::detail,
        ))
        .load(&mut *app.conn())
        .unwrap()
}

fn count(rows: &[Row], action: &str) -> usize {
    rows.iter().filter(|r| r.0 == action).count()
}

/// No audit entry holds any of `secrets` (codes, credentials, tags), in
/// any column.
fn assert_no_secret_in_audit(app: &TestApp, secrets: &[String]) {
    let all: Vec<(String, String, Option<String>)> = audit_log::table
        .select((audit_log::action, audit_log::detail, audit_log::ballot_id))
        .load(&mut *app.conn())
        .unwrap();
    for (action, detail, ballot) in &all {
        let text = format!("{action} {detail} {}", ballot.clone().unwrap_or_default());
        for secret in secrets.iter().filter(|s| s.len() >= 8) {
            assert!(!text.contains(secret.as_str()), "{action}: {detail}");
        }
    }
}

/// Every public credential and tag of `ballot`.
fn credential_texts(app: &TestApp, ballot: &str) -> Vec<String> {
    let found: Vec<(String, Option<String>)> = credentials::table
        .filter(credentials::ballot_id.eq(ballot))
        .select((credentials::public_key, credentials::reissue_tag))
        .load(&mut *app.conn())
        .unwrap();
    found
        .into_iter()
        .flat_map(|(key, tag)| std::iter::once(key).chain(tag))
        .collect()
}

struct Ballot {
    id: String,
    code: String,
}

crate::both_backends!(
    ballot_steps_and_postal_entries_are_logged_without_secrets,
    |app: TestApp| {
        let id = crate::letters::open_with_letters(&app, &[102, 103]);
        let officers: Vec<i64> = ["officer-1", "officer-2"]
            .iter()
            .map(|login| {
                votum::db::schema::accounts::table
                    .filter(votum::db::schema::accounts::login.eq(*login))
                    .select(votum::db::schema::accounts::id)
                    .first(&mut *app.conn())
                    .unwrap()
            })
            .collect();
        let (_, pdf) = crate::reissue::issue_letters(&app, &id);
        let Some(code) = crate::reissue::code_on_page(&pdf, &id, 1) else {
            eprintln!("pdftoppm missing: skipped");
            return;
        };
        let ballot = Ballot { id, code };
        // A postal slip through the page: one entry naming the officer and
        // the ballot, not the code nor a member.
        assert_eq!(app.login("officer-1", PASSWORD), Status::SeeOther);
        let page = format!("/ballots/{}/postal", ballot.id);
        let code = ballot.code.clone();
        let response = app.post_form(&page, &page, &[("code", &code), ("q0", "no")]);
        assert_eq!(response.status(), Status::Ok);
        // A refused slip (already entered) leaves no entry.
        let response = app.post_form(&page, &page, &[("code", &code), ("q0", "no")]);
        assert_eq!(response.status(), Status::UnprocessableEntity);
        app.logout();
        let found = rows(&app, &ballot.id);
        assert_eq!(count(&found, "postal_slip_entered"), 1, "{found:?}");
        let postal = found.iter().find(|r| r.0 == "postal_slip_entered").unwrap();
        assert_eq!(postal.1, Some(officers[0]));
        assert_eq!(postal.2, None, "a postal entry names no member");
        // The batch is confirmed by the second officer.
        crate::lifecycle::confirm_postal_batch(&app, &ballot.id);

        // Close, tally, publish: a request and a confirmation each.
        for act in ["close", "tally", "publish"] {
            four_eyes(&app, &ballot.id, act);
        }
        let found = rows(&app, &ballot.id);
        for action in [
            "ballot_close_requested",
            "ballot_closed",
            "ballot_tally_requested",
            "ballot_tallied",
            "ballot_publish_requested",
            "ballot_published",
        ] {
            assert_eq!(count(&found, action), 1, "{action}: {found:?}");
        }
        for row in found.iter().filter(|r| r.0.ends_with("_requested")) {
            assert_eq!(row.1, Some(officers[0]));
            assert_eq!(row.2, None);
        }
        for row in found
            .iter()
            .filter(|r| r.0.starts_with("ballot_") && !r.0.ends_with("_requested"))
        {
            assert_eq!(row.1, Some(officers[1]));
            assert_eq!(row.2, None, "an officer's act names no member");
        }

        let mut secrets = vec![code.clone(), code.replace(['-', ' '], "")];
        secrets.extend(credential_texts(&app, &ballot.id));
        assert_no_secret_in_audit(&app, &secrets);

        // The admin page: translated actions, names, readable dates.
        assert_eq!(app.login("admin", PASSWORD), Status::SeeOther);
        let (status, body) = app.get("/admin/audit");
        assert_eq!(status, Status::Ok);
        for text in [
            "Briefwahlschein erfasst",
            "Abstimmung geschlossen",
            "Ergebnis veröffentlicht",
            "Olga Wahlleitung1",
            "Olga Wahlleitung2",
            "Urabstimmung",
            "23.11.2026",
        ] {
            assert!(body.contains(text), "{text}: {body}");
        }
        for code in ["postal_slip_entered", "ballot_closed", "2026-11-23"] {
            assert!(!body.contains(code), "{code} shown raw");
        }
        app.client.get("/lang/en?back=/").dispatch();
        let (_, body) = app.get("/admin/audit");
        assert!(body.contains("Postal ballot slip entered"), "{body}");
        assert!(body.contains("Ballot closed"), "{body}");
        assert!(body.contains("23 Nov 2026"), "{body}");
    }
);

crate::both_backends!(
    letter_runs_and_reissues_are_logged_and_the_page_names_members,
    |app: TestApp| {
        // Opening (request and confirmation), a letter run, a re-issue.
        let ballot = crate::letters::open_with_letters(&app, &[102, 103]);
        let (key, _) = crate::reissue::issue_letters(&app, &ballot);
        crate::reissue::request(&app, &ballot, "1000102");
        let (status, pdf, _) = crate::reissue::confirm(&app, &ballot, &key);
        assert_eq!(status, Status::Ok);
        assert!(pdf);
        app.logout();
        let found = rows(&app, &ballot);
        assert_eq!(count(&found, "ballot_open_requested"), 1, "{found:?}");
        let opened: Vec<&Row> = found.iter().filter(|r| r.0 == "ballot_opened").collect();
        assert_eq!(opened.len(), 1);
        assert_eq!(opened[0].2, None);
        let letters: Vec<&Row> = found.iter().filter(|r| r.0 == "letters_issued").collect();
        assert_eq!(letters.len(), 1, "{found:?}");
        assert_eq!(letters[0].4, "2", "the count of letters");
        assert_eq!(letters[0].2, None);
        assert_eq!(count(&found, "reissue_requested"), 1, "{found:?}");
        assert_eq!(count(&found, "letter_reissued"), 1, "{found:?}");

        let mut secrets = credential_texts(&app, &ballot);
        secrets.push(key.clone());
        secrets.push(key.replace(['-', ' '], ""));
        assert_no_secret_in_audit(&app, &secrets);

        // The admin sees names, not ids: member, actor and ballot.
        assert_eq!(app.login("admin", PASSWORD), Status::SeeOther);
        let (_, body) = app.get("/admin/audit");
        for text in [
            "Abstimmungsbriefe erstellt",
            "Neuer Abstimmungsbrief beantragt",
            "Abstimmungsbrief neu ausgestellt",
            "Öffnen der Abstimmung beantragt",
            "Urabstimmung",
            "Olga Wahlleitung1",
        ] {
            assert!(body.contains(text), "{text}: {body}");
        }
        assert!(body.contains("1000102"), "{body}");
        assert!(!body.contains("letters_issued"));
        // The member's own entries, named.
        let (_, body) = app.get("/admin/audit?member=102");
        assert!(body.contains("Neuer Abstimmungsbrief beantragt"), "{body}");
        assert!(!body.contains(">102<"), "{body}");
    }
);
