//! The credential authority: the officers export the electorate, the
//! authority (`votum credentials`, a separate process without database or
//! configuration) makes the letters and public credentials, two officers
//! import them; members vote with the codes decoded from the PDF, a lost
//! letter is replaced through the authority, and the record verifies with
//! `origin: "authority"` credentials. The server's database and log never
//! hold a code. Every bad file is refused with 422 and nothing stored.

use std::path::{Path, PathBuf};
use std::process::Command;

use diesel::prelude::*;
use rocket::http::{ContentType, Status};
use votum::ballots::officer::{confirm_act, request_act, Act};
use votum::ballots::setup::{self, NewBallot};
use votum::db::schema::{audit_log, credentials, electors, members, officer_acts};
use votum_ballots::authority::{PublicCredentialsFile, ELECTORATE_FORMAT};
use votum_ballots::question::{MajorityRule, QuestionKind, Ratio};
use votum_ballots::Question;
use votum_crypto::credential::{Code, PublicCredential};

use crate::letters::qr_on_page;
use crate::support::{test_now, TestApp, PASSWORD};

const BASE: &str = "http://127.0.0.1:8000";

/// A draft yes/no ballot of the federal group in which members 100, 102
/// and 103 get letters; returns its id and the officers' account ids.
fn draft(app: &TestApp) -> (String, [i64; 2]) {
    let org = app.with_org();
    let officers = app.with_officers(&org);
    let mut conn = app.conn();
    diesel::update(members::table.filter(members::id.eq_any([100, 102, 103])))
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
    (id, officers)
}

/// Officer `login` downloads the electorate file through the page.
fn export(app: &TestApp, ballot: &str, login: &str) -> (Status, Vec<u8>) {
    assert_eq!(app.login(login, PASSWORD), Status::SeeOther);
    let page = format!("/ballots/{ballot}/authority");
    let response = app.post_form(&page, &format!("/ballots/{ballot}/electorate"), &[]);
    let status = response.status();
    let body = response.into_bytes().unwrap_or_default();
    app.logout();
    (status, body)
}

/// Officer `login` uploads `file` as a multipart form; returns the status
/// and the page (or the redirect target).
fn upload(app: &TestApp, ballot: &str, login: &str, file: &[u8]) -> (Status, String) {
    assert_eq!(app.login(login, PASSWORD), Status::SeeOther);
    let token = app.csrf(&format!("/ballots/{ballot}/authority"));
    let boundary = "votum-test-boundary-7f3a";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{token}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"public.json\"\r\n\
         Content-Type: application/json\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let response = app
        .client
        .post(format!("/ballots/{ballot}/credentials"))
        .header(ContentType::new("multipart", "form-data").with_params(("boundary", boundary)))
        .body(body)
        .dispatch();
    let status = response.status();
    let text = match response.headers().get_one("Location") {
        Some(location) => location.to_owned(),
        None => response.into_string().unwrap_or_default(),
    };
    app.logout();
    (status, text)
}

/// Runs the authority as its own process, in an empty directory, with a
/// database setting that leads nowhere and a configuration file that does
/// not exist: it must need neither.
fn authority(electorate: &[u8]) -> (tempfile::TempDir, PathBuf, PathBuf, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("electorate.json");
    std::fs::write(&input, electorate).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_votum"))
        .args(["credentials", "electorate.json", "--out", "for-delivery"])
        .current_dir(dir.path())
        .env("VOTUM_DATABASE_URL", "postgres://nobody@192.0.2.1:1/none")
        .env("VOTUM_CONFIG", dir.path().join("no-such-votum.toml"))
        .env("VOTUM_SEALING_KEY", "not a key")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let delivery = dir.path().join("for-delivery");
    let mut names: Vec<String> = std::fs::read_dir(&delivery)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    // Three files and nothing else: no code list beside the PDF.
    assert_eq!(names.len(), 3, "{names:?}");
    let pdf = names.iter().find(|n| n.ends_with(".pdf")).unwrap();
    let public = names.iter().find(|n| n.starts_with("public-")).unwrap();
    let key_file = names.iter().find(|n| n.starts_with("reissue-key")).unwrap();
    let key_text = std::fs::read_to_string(delivery.join(key_file)).unwrap();
    let key = key_text
        .lines()
        .find_map(|l| l.strip_prefix("key: "))
        .unwrap()
        .to_owned();
    (dir, delivery.join(pdf), delivery.join(public), key, stdout)
}

/// The code in the QR code of page `page`.
fn code_on(pdf: &Path, ballot: &str, page: usize) -> Option<String> {
    let url = qr_on_page(&std::fs::read(pdf).unwrap(), page)?;
    let prefix = format!("{BASE}/vote/{ballot}?code=");
    assert!(url.starts_with(&prefix), "{url}");
    Some(
        rocket::http::RawStr::new(&url[prefix.len()..])
            .percent_decode()
            .unwrap()
            .into_owned(),
    )
}

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

fn count_credentials(app: &TestApp, ballot: &str) -> i64 {
    credentials::table
        .filter(credentials::ballot_id.eq(ballot))
        .count()
        .get_result(&mut *app.conn())
        .unwrap()
}

fn pending_acts(app: &TestApp, ballot: &str) -> i64 {
    officer_acts::table
        .filter(officer_acts::ballot_id.eq(ballot))
        .filter(officer_acts::confirmed_by.is_null())
        .count()
        .get_result(&mut *app.conn())
        .unwrap()
}

/// Every text the database holds, row by row.
fn database_text(app: &TestApp) -> Vec<String> {
    #[derive(QueryableByName)]
    struct Text {
        #[diesel(sql_type = diesel::sql_types::Text)]
        t: String,
    }
    match app.backend {
        votum::db::Backend::Sqlite => {
            // The files themselves, WAL included: nothing escapes a scan
            // of the bytes.
            let mut all = Vec::new();
            for suffix in ["", "-wal", "-journal"] {
                if let Ok(bytes) = std::fs::read(format!("{}{suffix}", app.url)) {
                    all.push(String::from_utf8_lossy(&bytes).into_owned());
                    all.push(votum_crypto::hex(&bytes));
                }
            }
            all
        }
        votum::db::Backend::Postgres => {
            let mut conn = app.conn();
            let tables: Vec<Text> = diesel::sql_query(
                "SELECT table_name::text AS t FROM information_schema.tables \
                 WHERE table_schema = current_schema()",
            )
            .load(&mut *conn)
            .unwrap();
            tables
                .iter()
                .flat_map(|table| {
                    diesel::sql_query(format!(
                        "SELECT row_to_json(r)::text AS t FROM \"{}\" r",
                        table.t
                    ))
                    .load::<Text>(&mut *conn)
                    .unwrap()
                    .into_iter()
                    .map(|row| row.t)
                })
                .collect()
        }
    }
}

/// The forms a code could be stored in.
fn forms_of(code: &str) -> Vec<String> {
    let parsed = Code::parse(code).unwrap();
    vec![
        code.to_owned(),
        code.replace('-', ""),
        votum_crypto::hex(parsed.as_bytes()),
        votum_crypto::base64url::encode(parsed.as_bytes()),
    ]
}

crate::both_backends!(
    a_credential_authority_makes_the_letters_apart_from_the_server,
    |app: TestApp| {
        let capture = votum::logging::capture();
        let (ballot, officers) = draft(&app);

        // In set-up, the export lists whom opening will make letter
        // electors: membership number, address lines and language only.
        let (status, electorate) = export(&app, &ballot, "officer-1");
        assert_eq!(status, Status::Ok);
        let value: serde_json::Value = serde_json::from_slice(&electorate).unwrap();
        assert_eq!(value["format"], ELECTORATE_FORMAT);
        assert_eq!(value["vote_page"], format!("{BASE}/vote/{ballot}"));
        let entries = value["entries"].as_array().unwrap();
        assert_eq!(entries.len(), 3);
        for entry in entries {
            let keys: Vec<&String> = entry.as_object().unwrap().keys().collect();
            assert_eq!(keys, ["address", "language", "membership_number"]);
        }
        let numbers: Vec<String> = entries
            .iter()
            .map(|e| e["membership_number"].as_str().unwrap().to_owned())
            .collect();
        let text = String::from_utf8_lossy(&electorate);
        assert!(!text.contains('@'), "no e-mail address: {text}");
        // Canonical: what the file says is what the bytes are.
        assert_eq!(
            votum_ballots::authority::ElectorateFile::from_json(&electorate)
                .unwrap()
                .to_canonical_json(),
            electorate
        );
        let exported: Vec<String> = audit_log::table
            .filter(audit_log::action.eq("electorate_exported"))
            .select(audit_log::detail)
            .load(&mut *app.conn())
            .unwrap();
        assert_eq!(exported, ["3"]);

        // Opening freezes the same three as letter electors.
        {
            let mut conn = app.conn();
            let act = request_act(&mut conn, &ballot, Act::Open, officers[0], test_now()).unwrap();
            confirm_act(
                &mut conn,
                &app.sealing,
                &ballot,
                act,
                officers[1],
                test_now(),
            )
            .unwrap()
            .unwrap();
        }
        let portal = count_credentials(&app, &ballot);

        // The authority runs apart, and says which file goes where.
        let (_dir, pdf, public_path, key, stdout) = authority(&electorate);
        for said in [
            "print shop",
            "upload",
            "returning officers",
            "Made 3 letters",
        ] {
            assert!(stdout.contains(said), "{stdout}");
        }
        let public = std::fs::read(&public_path).unwrap();
        let file = PublicCredentialsFile::from_json(&public).unwrap();
        assert_eq!(file.credentials.len(), 3);

        // Bad files: 422, a message, nothing stored, nothing staged.
        let refused = |bytes: &[u8], says: &str| {
            let (status, page) = upload(&app, &ballot, "officer-1", bytes);
            assert_eq!(status, Status::UnprocessableEntity, "{page}");
            assert!(page.contains(says), "{says}: {page}");
            assert_eq!(count_credentials(&app, &ballot), portal);
            assert_eq!(pending_acts(&app, &ballot), 0);
        };
        let altered = |change: &dyn Fn(&mut PublicCredentialsFile)| {
            let mut copy = file.clone();
            change(&mut copy);
            copy.to_canonical_json()
        };
        refused(
            &altered(&|f| f.ballot_id = "0123456789abcdef0123".into()),
            "für eine andere Abstimmung",
        );
        refused(
            &altered(&|f| f.definition_hash = "0".repeat(64)),
            "andere Fassung dieser Abstimmung",
        );
        refused(
            &altered(&|f| f.credentials[1].credential = f.credentials[0].credential),
            "doppelt",
        );
        refused(
            &altered(&|f| {
                // y = p: a non-canonical encoding of a point.
                let mut p = [0xffu8; 32];
                p[0] = 0xed;
                p[31] = 0x7f;
                f.credentials[0].credential = PublicCredential(p);
                f.credentials.sort_by_key(|c| c.credential);
            }),
            "kein gültiger öffentlicher Schlüssel",
        );
        refused(
            &altered(&|f| {
                let mut extra = f.credentials[0].clone();
                extra.credential = votum_crypto::credential::CredentialKey::derive(
                    &Code::generate().unwrap(),
                    &f.ballot_id,
                )
                .public();
                extra.reissue_tag = votum_crypto::base64url::encode(&[7u8; 32]);
                f.credentials.push(extra);
                f.credentials.sort_by_key(|c| c.credential);
            }),
            "4 Zugangsdaten, es warten aber 3",
        );
        refused(
            b"{\"format\":\"votum-electorate\"}",
            "keine Datei mit öffentlichen",
        );
        refused(b"", "Bitte wählen Sie eine Datei");
        refused(&electorate, "keine Datei mit öffentlichen");

        // One officer stages the file; the same officer cannot confirm it.
        let (status, location) = upload(&app, &ballot, "officer-1", &public);
        assert_eq!(status, Status::SeeOther, "{location}");
        assert_eq!(count_credentials(&app, &ballot), portal);
        let act = app.pending_act(&ballot);
        let manage = format!("/ballots/{ballot}/manage");
        assert_eq!(app.login("officer-1", PASSWORD), Status::SeeOther);
        let (_, page) = app.get(&manage);
        assert!(
            page.contains("Zugangsdaten der Codestelle einspielen"),
            "{page}"
        );
        app.post_form(&manage, &format!("/ballots/{ballot}/confirm/{act}"), &[]);
        let (_, page) = app.get(&manage);
        assert!(page.contains("selbst beantragt"), "{page}");
        app.logout();
        assert_eq!(count_credentials(&app, &ballot), portal);
        // A second file while one waits is refused too.
        let (status, page) = upload(&app, &ballot, "officer-2", &public);
        assert_eq!(status, Status::UnprocessableEntity);
        assert!(page.contains("wartet schon auf Bestätigung"), "{page}");

        // The second officer confirms: stored as the authority's, electors
        // issued, an act in the record.
        assert_eq!(app.login("officer-2", PASSWORD), Status::SeeOther);
        app.post_form(&manage, &format!("/ballots/{ballot}/confirm/{act}"), &[]);
        let (_, page) = app.get(&manage);
        assert!(page.contains("Der Schritt ist bestätigt"), "{page}");
        app.logout();
        let origins: Vec<String> = credentials::table
            .filter(credentials::ballot_id.eq(&ballot))
            .filter(credentials::origin.eq("authority"))
            .select(credentials::public_key)
            .load(&mut *app.conn())
            .unwrap();
        let mut expected: Vec<String> = file
            .credentials
            .iter()
            .map(|c| c.credential.to_base64())
            .collect();
        expected.sort();
        let mut origins = origins;
        origins.sort();
        assert_eq!(origins, expected);
        let waiting: i64 = electors::table
            .filter(electors::ballot_id.eq(&ballot))
            .filter(electors::issued.eq(false))
            .count()
            .get_result(&mut *app.conn())
            .unwrap();
        assert_eq!(waiting, 0);
        // The same file again: nobody waits any more.
        let (status, _) = upload(&app, &ballot, "officer-1", &public);
        assert_eq!(status, Status::UnprocessableEntity);

        // Letters and their slips: two pages each, in electorate order.
        let codes: Vec<Option<String>> =
            (0..3).map(|i| code_on(&pdf, &ballot, 2 * i + 1)).collect();
        let mut all_codes: Vec<String> = codes.iter().flatten().cloned().collect();

        // A lost letter (the third) is revoked by two officers with the
        // authority's key and replaced by the authority.
        let lost = &numbers[2];
        crate::reissue::request(&app, &ballot, lost);
        let act = app.pending_act(&ballot);
        assert_eq!(app.login("officer-2", PASSWORD), Status::SeeOther);
        let response = app.post_form(
            &manage,
            &format!("/ballots/{ballot}/reissue/{act}"),
            &[("key", &key)],
        );
        assert_eq!(response.status(), Status::SeeOther);
        let (_, page) = app.get(&manage);
        assert!(
            page.contains("Den neuen Brief erstellt die Codestelle"),
            "{page}"
        );
        app.logout();
        let (status, one) = export(&app, &ballot, "officer-1");
        assert_eq!(status, Status::Ok);
        let one: serde_json::Value = serde_json::from_slice(&one).unwrap();
        assert_eq!(one["entries"].as_array().unwrap().len(), 1);
        assert_eq!(one["entries"][0]["membership_number"], lost.as_str());
        let (_dir2, new_pdf, new_public, new_key, _) = authority(one.to_string().as_bytes());
        assert_ne!(new_key, key);
        let (status, _) = upload(
            &app,
            &ballot,
            "officer-1",
            &std::fs::read(&new_public).unwrap(),
        );
        assert_eq!(status, Status::SeeOther);
        let act = app.pending_act(&ballot);
        assert_eq!(app.login("officer-2", PASSWORD), Status::SeeOther);
        app.post_form(&manage, &format!("/ballots/{ballot}/confirm/{act}"), &[]);
        app.logout();
        let (_, issued, active) =
            votum::ballots::officer::counts(&mut app.conn(), &ballot).unwrap();
        assert_eq!(issued, active);

        if let (Some(first), Some(second), Some(old), Some(new)) = (
            codes[0].clone(),
            codes[1].clone(),
            codes[2].clone(),
            code_on(&new_pdf, &ballot, 1),
        ) {
            all_codes.push(new.clone());
            for code in [&first, &second, &new] {
                let (status, page) = cast(&app, &ballot, code);
                assert_eq!(status, Status::Ok, "{page}");
                assert!(page.contains("Ihre Stimme ist abgegeben"), "{page}");
            }
            let (_, page) = cast(&app, &ballot, &old);
            assert!(page.contains("Dieser Code wurde ersetzt"), "{page}");
        }

        // Close, count, publish; the record verifies.
        for act in ["close", "tally", "publish"] {
            crate::lifecycle::four_eyes(&app, &ballot, act);
        }
        let (status, record) = app.get(&format!("/ballots/{ballot}/record.json"));
        assert_eq!(status, Status::Ok);
        let parsed = votum_ballots::record::v2::Record::from_json(record.as_bytes()).unwrap();
        votum_ballots::record::v2::verify(&parsed).unwrap();
        let authority_credentials = parsed
            .credentials
            .iter()
            .filter(|c| c.origin == votum_ballots::record::CredentialOrigin::Authority)
            .count();
        assert_eq!(authority_credentials, 4);
        assert_eq!(parsed.credentials.iter().filter(|c| c.revoked).count(), 1);
        let imports = parsed
            .officer_acts
            .iter()
            .filter(|a| a.act == votum_ballots::record::v2::ActKind::ImportCredentials)
            .count();
        assert_eq!(imports, 2);
        if all_codes.len() == 4 {
            assert_eq!(parsed.ballots.len(), 3);
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("record.json");
        std::fs::write(&path, &record).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_votum"))
            .args(["verify", path.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );

        // No code in the database or the log, in any form.
        let stored = database_text(&app);
        let lines = capture.lines();
        drop(capture);
        for code in &all_codes {
            for form in forms_of(code) {
                assert!(
                    !stored.iter().any(|t| t.contains(&form)),
                    "a code is in the database"
                );
                assert!(
                    !lines.iter().any(|l| l.contains(&form)),
                    "a code is in the log"
                );
            }
        }
    }
);

crate::both_backends!(
    the_authority_refuses_a_bad_electorate_file_and_writes_nothing,
    |app: TestApp| {
        let (ballot, _) = draft(&app);
        let (_, electorate) = export(&app, &ballot, "officer-1");
        let mut value: serde_json::Value = serde_json::from_slice(&electorate).unwrap();
        value["ballot"]["title"] = "Eine andere Frage".into();
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("e.json"), value.to_string()).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_votum"))
            .args(["credentials", "e.json", "--out", "out"])
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(!out.status.success());
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("altered"),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let written = std::fs::read_dir(dir.path().join("out"))
            .map(|d| d.count())
            .unwrap_or(0);
        assert_eq!(written, 0);
    }
);
