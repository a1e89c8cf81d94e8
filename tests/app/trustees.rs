//! The trustees' key ceremony over HTTP: officers name three trustees and
//! a threshold, each trustee runs `votum trustee` as its own process (files
//! in its own temporary folder, passphrase from the environment) and
//! uploads one file per step through its secret link; the server checks
//! every upload, refuses bad ones with 422 and stores nothing, and at the
//! end holds the same election key the trustees' tool computes. Guessed
//! links are 404 and rate-limited; members and strangers get nothing.

use std::path::Path;
use std::process::Command;

use diesel::prelude::*;
use rocket::http::{ContentType, Status};
use votum::ballots::setup::{self, NewBallot};
use votum::ballots::trustees::ceremony::{self, CeremonyStage};
use votum::db::schema::{audit_log, trustees};

use crate::support::{test_now, unescape, TestApp, PASSWORD};

const BASE: &str = "http://127.0.0.1:8000";

/// A draft yes/no ballot of the federal group (officers "officer-1" and
/// "officer-2" exist).
pub(crate) fn draft(app: &TestApp, org: &crate::support::Org, title: &str) -> String {
    let mut conn = app.conn();
    setup::create(
        &mut conn,
        &app.sealing,
        &votum::rights::OfficerOf::by_operator(org.federal.id),
        &NewBallot {
            group_id: org.federal.id,
            title: title.into(),
            description: String::new(),
            cutoff_date: test_now().date(),
            opens_at: test_now() + chrono::Duration::hours(1),
            closes_at: test_now() + chrono::Duration::days(7),
            revote_allowed: false,
            shuffle_options: false,
            questions: vec![crate::ballot_box::yes_no()],
        },
        test_now(),
    )
    .unwrap()
}

/// Officer-1 names a trustee; returns the path of the trustee's link as
/// shown once on the page.
pub(crate) fn add_trustee(app: &TestApp, ballot: &str, name: &str) -> String {
    assert_eq!(app.login("officer-1", PASSWORD), Status::SeeOther);
    let page = format!("/ballots/{ballot}/trustees");
    let response = app.post_form(&page, &page, &[("name", name), ("email", "")]);
    assert_eq!(response.status(), Status::Ok);
    let body = response.into_string().unwrap();
    let marker = "id=\"trustee-link\">";
    let start = body.find(marker).expect("link shown") + marker.len();
    let end = body[start..].find('<').unwrap() + start;
    let link = unescape(&body[start..end]);
    app.logout();
    link.trim_start_matches(BASE).to_owned()
}

/// Officer-1 starts the ceremony with threshold `t`.
pub(crate) fn start(app: &TestApp, ballot: &str, t: &str) -> Status {
    assert_eq!(app.login("officer-1", PASSWORD), Status::SeeOther);
    let page = format!("/ballots/{ballot}/trustees");
    let status = app
        .post_form(&page, &format!("{page}/start"), &[("threshold", t)])
        .status();
    app.logout();
    status
}

/// A trustee (no session) uploads `file` as a multipart form to its link.
pub(crate) fn upload(app: &TestApp, link: &str, file: &[u8]) -> (Status, String) {
    let token = app.csrf("/login");
    let boundary = "votum-trustee-boundary-41c";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{token}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"file.json\"\r\n\
         Content-Type: application/json\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let response = app
        .client
        .post(link.to_owned())
        .header(ContentType::new("multipart", "form-data").with_params(("boundary", boundary)))
        .body(body)
        .dispatch();
    let status = response.status();
    let text = match response.headers().get_one("Location") {
        Some(location) => location.to_owned(),
        None => response.into_string().unwrap_or_default(),
    };
    (status, text)
}

/// Downloads a file from the trustee's link into `dir`.
pub(crate) fn download(app: &TestApp, link: &str, name: &str, dir: &Path) {
    let (status, body) = app.get(&format!("{link}/{name}"));
    assert_eq!(status, Status::Ok, "{link}/{name}");
    std::fs::write(dir.join(name), body).unwrap();
}

/// Runs `votum trustee ARGS` in `dir` as its own process, without database
/// or configuration; returns stdout.
pub(crate) fn trustee_cli(dir: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_votum"))
        .arg("trustee")
        .args(args)
        .current_dir(dir)
        .env("VOTUM_TRUSTEE_PASSPHRASE", "correct horse battery staple")
        .env("VOTUM_DATABASE_URL", "postgres://nobody@192.0.2.1:1/none")
        .env("VOTUM_CONFIG", dir.join("no-such-votum.toml"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "votum trustee {args:?}: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

pub(crate) fn files_named(dir: &Path, prefix: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(prefix) && n.ends_with(".json"))
        .collect();
    names.sort();
    names
}

fn stage(app: &TestApp, ballot: &str) -> CeremonyStage {
    ceremony::load(&mut app.conn(), ballot).unwrap().stage
}

fn stored_files(app: &TestApp, ballot: &str) -> usize {
    let rows: Vec<(Option<String>, Option<String>, Option<String>)> = trustees::table
        .filter(trustees::ballot_id.eq(ballot))
        .select((
            trustees::certificate,
            trustees::bundle,
            trustees::verification,
        ))
        .load(&mut *app.conn())
        .unwrap();
    rows.iter()
        .map(|(a, b, c)| [a, b, c].iter().filter(|f| f.is_some()).count())
        .sum()
}

crate::both_backends!(
    a_key_ceremony_with_three_trustee_processes,
    |app: TestApp| {
        let org = app.with_org();
        app.with_officers(&org);
        let ballot = draft(&app, &org, "Vorstandswahl");
        let names = ["Anna Beispiel", "Bernd Muster", "Clara Probe"];
        let links: Vec<String> = names
            .iter()
            .map(|n| add_trustee(&app, &ballot, n))
            .collect();
        let dirs: Vec<tempfile::TempDir> =
            names.iter().map(|_| tempfile::tempdir().unwrap()).collect();

        // Another ballot's ceremony, with one trustee, for files from elsewhere.
        let other = draft(&app, &org, "Andere Abstimmung");
        let other_link = add_trustee(&app, &other, "Dora Fremd");
        assert_eq!(start(&app, &other, "1"), Status::SeeOther);
        let other_dir = tempfile::tempdir().unwrap();
        download(&app, &other_link, "ceremony.json", other_dir.path());
        trustee_cli(
            other_dir.path(),
            &[
                "init",
                "--ceremony",
                "ceremony.json",
                "--name",
                "Dora Fremd",
                "--private",
                "private.json",
                "--out",
                "certificate.json",
            ],
        );
        let foreign_certificate = std::fs::read(other_dir.path().join("certificate.json")).unwrap();

        // Before the officers start: a page, nothing to download or upload.
        let (status, page) = app.get(&links[0]);
        assert_eq!(status, Status::Ok);
        assert!(page.contains("Vorstandswahl") && !page.contains("Andere Abstimmung"));
        assert_eq!(
            app.get(&format!("{}/ceremony.json", links[0])).0,
            Status::NotFound
        );
        assert_eq!(
            upload(&app, &links[0], b"{}").0,
            Status::UnprocessableEntity
        );

        assert_eq!(start(&app, &ballot, "0"), Status::UnprocessableEntity);
        assert_eq!(start(&app, &ballot, "4"), Status::UnprocessableEntity);
        assert_eq!(stage(&app, &ballot), CeremonyStage::Setup);
        assert_eq!(start(&app, &ballot, "2"), Status::SeeOther);
        assert_eq!(stage(&app, &ballot), CeremonyStage::Certificates);

        // Step 1: certificates.
        for ((link, dir), name) in links.iter().zip(&dirs).zip(names) {
            download(&app, link, "ceremony.json", dir.path());
            trustee_cli(
                dir.path(),
                &[
                    "init",
                    "--ceremony",
                    "ceremony.json",
                    "--name",
                    name,
                    "--private",
                    "private.json",
                    "--out",
                    "certificate.json",
                ],
            );
        }
        let certificate =
            |i: usize| std::fs::read(dirs[i].path().join("certificate.json")).unwrap();
        // Refused, nothing stored: garbage, another ballot's certificate, a
        // tampered one (the name changed after signing).
        let (status, page) = upload(&app, &links[0], b"not json at all");
        assert_eq!(status, Status::UnprocessableEntity, "{page}");
        let (status, page) = upload(&app, &links[0], &foreign_certificate);
        assert_eq!(status, Status::UnprocessableEntity);
        assert!(page.contains("another ceremony"), "{page}");
        let tampered = String::from_utf8(certificate(0))
            .unwrap()
            .replace("Anna Beispiel", "Anna Beispielx");
        let (status, page) = upload(&app, &links[0], tampered.as_bytes());
        assert_eq!(status, Status::UnprocessableEntity);
        assert!(page.contains("not signed"), "{page}");
        assert_eq!(stored_files(&app, &ballot), 0);
        // A trustee link of the other ballot does not take this ballot's file.
        assert_eq!(
            upload(&app, &other_link, &certificate(1)).0,
            Status::UnprocessableEntity
        );

        assert_eq!(upload(&app, &links[0], &certificate(0)).0, Status::SeeOther);
        // The same certificate through another trustee's link.
        assert_eq!(
            upload(&app, &links[1], &certificate(0)).0,
            Status::UnprocessableEntity
        );
        let (_, page) = app.get(&links[0]);
        assert!(page.contains("id=\"waiting\""), "{page}");
        assert_eq!(upload(&app, &links[1], &certificate(1)).0, Status::SeeOther);
        assert_eq!(upload(&app, &links[2], &certificate(2)).0, Status::SeeOther);
        assert_eq!(stage(&app, &ballot), CeremonyStage::Shares);

        // Step 2: share bundles.
        for (link, dir) in links.iter().zip(&dirs) {
            for i in 1..=3 {
                download(&app, link, &format!("certificate-{i}.json"), dir.path());
            }
            let mut args = vec!["share", "--private", "private.json", "--out", "shares.json"];
            let certificates = files_named(dir.path(), "certificate-");
            args.extend(certificates.iter().map(String::as_str));
            trustee_cli(dir.path(), &args);
        }
        // A file of the wrong step.
        let (status, page) = upload(&app, &links[0], &certificate(0));
        assert_eq!(status, Status::UnprocessableEntity);
        assert!(
            page.contains("anderen Schritt") || page.contains("another step"),
            "{page}"
        );
        let bundle = |i: usize| std::fs::read(dirs[i].path().join("shares.json")).unwrap();
        // Another trustee's bundle through my link.
        assert_eq!(
            upload(&app, &links[0], &bundle(1)).0,
            Status::UnprocessableEntity
        );
        assert_eq!(stored_files(&app, &ballot), 3);
        for (i, link) in links.iter().enumerate() {
            assert_eq!(upload(&app, link, &bundle(i)).0, Status::SeeOther);
        }
        assert_eq!(stage(&app, &ballot), CeremonyStage::Verifications);

        // Step 3: checks.
        let mut printed = Vec::new();
        for (link, dir) in links.iter().zip(&dirs) {
            for i in 1..=3 {
                download(&app, link, &format!("shares-{i}.json"), dir.path());
            }
            let mut args = vec![
                "check",
                "--private",
                "private.json",
                "--out",
                "verification.json",
            ];
            let given: Vec<String> = files_named(dir.path(), "certificate-")
                .into_iter()
                .chain(files_named(dir.path(), "shares-"))
                .collect();
            args.extend(given.iter().map(String::as_str));
            let stdout = trustee_cli(dir.path(), &args);
            let key = stdout
                .lines()
                .find_map(|l| l.strip_prefix("Election public key: "))
                .unwrap()
                .trim()
                .to_owned();
            printed.push(key);
        }
        assert!(printed.iter().all(|k| *k == printed[0]));
        let verification =
            |i: usize| std::fs::read(dirs[i].path().join("verification.json")).unwrap();
        assert_eq!(
            upload(&app, &links[1], &verification(0)).0,
            Status::UnprocessableEntity
        );
        for (i, link) in links.iter().enumerate() {
            assert_eq!(upload(&app, link, &verification(i)).0, Status::SeeOther);
        }
        assert_eq!(stage(&app, &ballot), CeremonyStage::Complete);

        // The stored key is the one every trustee's tool printed, and the keys
        // file is the one `votum trustee keys` writes from the same files.
        let keys = ceremony::election_key(&mut app.conn(), &ballot)
            .unwrap()
            .expect("ceremony complete");
        assert_eq!(ceremony::public_key_text(&keys), printed[0]);
        assert_eq!(keys.threshold, 2);
        assert_eq!(keys.trustees.len(), 3);
        let dir = dirs[0].path();
        download(&app, &links[0], "ceremony.json", dir);
        for (i, other) in dirs.iter().enumerate() {
            std::fs::copy(
                other.path().join("verification.json"),
                dir.join(format!("verification-{}.json", i + 1)),
            )
            .unwrap();
        }
        let mut args = vec![
            "keys",
            "--ceremony",
            "ceremony.json",
            "--out",
            "keys-cli.json",
        ];
        let given: Vec<String> = files_named(dir, "certificate-")
            .into_iter()
            .chain(files_named(dir, "shares-"))
            .chain(files_named(dir, "verification-"))
            .collect();
        args.extend(given.iter().map(String::as_str));
        trustee_cli(dir, &args);
        download(&app, &links[0], "keys.json", dir);
        assert_eq!(
            std::fs::read(dir.join("keys.json")).unwrap(),
            std::fs::read(dir.join("keys-cli.json")).unwrap()
        );
        assert!(ceremony::election_key(&mut app.conn(), &other)
            .unwrap()
            .is_none());

        // The officers' page shows the key; trustees have nothing to upload.
        assert_eq!(app.login("officer-2", PASSWORD), Status::SeeOther);
        let (status, page) = app.get(&format!("/ballots/{ballot}/trustees"));
        assert_eq!(status, Status::Ok);
        assert!(page.contains(&printed[0]), "{page}");
        app.logout();
        let (_, page) = app.get(&links[2]);
        assert!(page.contains(&printed[0]));
        assert_eq!(
            upload(&app, &links[2], &verification(2)).0,
            Status::UnprocessableEntity
        );

        // The audit log has a step per upload and the completion, counts only.
        let entries: Vec<(String, String)> = audit_log::table
            .filter(audit_log::ballot_id.eq(&ballot))
            .select((audit_log::action, audit_log::detail))
            .load(&mut *app.conn())
            .unwrap();
        assert!(entries.contains(&("ceremony_complete".to_owned(), "2/3".to_owned())));
        assert_eq!(
            entries
                .iter()
                .filter(|(a, _)| a == "trustee_verification")
                .count(),
            3
        );
        for link in &links {
            let token = link.trim_start_matches("/trustee/");
            assert!(entries.iter().all(|(_, d)| !d.contains(token)));
            let digest: i64 = trustees::table
                .filter(trustees::token_digest.eq(token))
                .count()
                .get_result(&mut *app.conn())
                .unwrap();
            assert_eq!(digest, 0, "the token itself is never stored");
        }

        // Removing a trustee (named by a failed check) starts again without it.
        let first: i64 = trustees::table
            .filter(trustees::ballot_id.eq(&ballot))
            .order(trustees::position.asc())
            .select(trustees::id)
            .first(&mut *app.conn())
            .unwrap();
        assert_eq!(app.login("officer-1", PASSWORD), Status::SeeOther);
        let page = format!("/ballots/{ballot}/trustees");
        let status = app
            .post_form(&page, &format!("{page}/{first}/remove"), &[])
            .status();
        assert_eq!(status, Status::SeeOther);
        app.logout();
        assert_eq!(stage(&app, &ballot), CeremonyStage::Setup);
        assert_eq!(stored_files(&app, &ballot), 0);
        assert!(ceremony::election_key(&mut app.conn(), &ballot)
            .unwrap()
            .is_none());
        assert_eq!(app.get(&links[0]).0, Status::NotFound);
        assert_eq!(start(&app, &ballot, "2"), Status::SeeOther);
        download(&app, &links[1], "ceremony.json", dirs[1].path());
    }
);

crate::both_backends!(
    trustee_links_refuse_guesses_members_and_strangers,
    |app: TestApp| {
        let org = app.with_org();
        app.with_officers(&org);
        let ballot = draft(&app, &org, "Vorstandswahl");
        let link = add_trustee(&app, &ballot, "Anna Beispiel");

        // A plain member and a stranger get neither the officers' pages nor
        // another trustee's page through them.
        for signed_in in [false, true] {
            if signed_in {
                assert_eq!(app.login("member-b1", PASSWORD), Status::SeeOther);
            }
            let (status, _) = app.get(&format!("/ballots/{ballot}/trustees"));
            assert!(
                status == Status::Forbidden || status == Status::SeeOther,
                "officers' page: {status}"
            );
            let page = format!("/ballots/{ballot}/trustees");
            let token = app.csrf("/login");
            for action in [
                page.clone(),
                format!("{page}/start"),
                format!("{page}/1/remove"),
            ] {
                let status = app
                    .client
                    .post(action.clone())
                    .header(ContentType::Form)
                    .body(crate::support::encode(&[
                        ("csrf", &token),
                        ("name", "Mallory"),
                        ("email", ""),
                        ("threshold", "1"),
                    ]))
                    .dispatch()
                    .status();
                assert!(
                    status == Status::Forbidden || status == Status::SeeOther,
                    "{action}: {status}"
                );
            }
            if signed_in {
                app.logout();
            }
        }
        let count: i64 = trustees::table
            .filter(trustees::ballot_id.eq(&ballot))
            .count()
            .get_result(&mut *app.conn())
            .unwrap();
        assert_eq!(count, 1);

        // The real link works; guessed tokens are 404, then rate-limited.
        assert_eq!(app.get(&link).0, Status::Ok);
        let mut statuses = Vec::new();
        for n in 0..25 {
            statuses.push(app.get(&format!("/trustee/guessed-token-{n}")).0);
        }
        assert!(
            statuses[..20].iter().all(|s| *s == Status::NotFound),
            "{statuses:?}"
        );
        assert!(
            statuses[20..].iter().all(|s| *s == Status::TooManyRequests),
            "{statuses:?}"
        );
        assert_eq!(app.get(&link).0, Status::TooManyRequests);
    }
);
