//! The `votum` binary: exit codes and messages.

use std::process::Command;

fn votum(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_votum"))
        .args(args)
        .current_dir(dir)
        .env("VOTUM_DATABASE_URL", dir.join("cli.sqlite"))
        .env("VOTUM_DATA_DIR", dir)
        .env_remove("VOTUM_CONFIG")
        .output()
        .unwrap()
}

#[test]
fn import_reports_bad_rows_with_line_numbers_and_exits_non_zero() {
    let dir = tempfile::tempdir().unwrap();
    let out = votum(dir.path(), &["migrate"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let csv = dir.path().join("members.csv");
    std::fs::write(
        &csv,
        "membership_number,first_name,last_name,street,house_number,postcode,city,birth_date,join_date,chapter\n\
         1,Ada,Lovelace,Hauptstraße,1,10115,Berlin,1815-12-10,1840-01-01,nowhere\n\
         2,,Babbage,Hauptstraße,2,10115,Berlin,1791-12-26,1840-01-01,nowhere\n",
    )
    .unwrap();
    let out = votum(dir.path(), &["members", "import", csv.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("line 2: chapter \"nowhere\""), "{stderr}");
    assert!(stderr.contains("line 3: first_name is empty"), "{stderr}");
    assert!(stderr.contains("nothing imported"), "{stderr}");
}

#[test]
fn create_user_then_refuses_a_duplicate() {
    let dir = tempfile::tempdir().unwrap();
    let run = |password: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_votum"))
            .args(["admin", "create-user", "root", "--admin"])
            .current_dir(dir.path())
            .env("VOTUM_DATABASE_URL", dir.path().join("cli.sqlite"))
            .env("VOTUM_DATA_DIR", dir.path())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(password.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let short = run("short\n");
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 10 characters"));
    let ok = run("a good long password\n");
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let again = run("a good long password\n");
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("is taken"));
}

#[test]
fn missing_file_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = votum(dir.path(), &["members", "import", "nope.csv"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope.csv"));
}

/// A record version 2 accounts for every letter run by an act of two
/// officers; `votum letters` has no second officer, so it refuses such a
/// ballot and writes nothing.
#[test]
fn letters_from_the_command_line_are_refused_for_a_version_2_ballot() {
    use diesel::prelude::*;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cli.sqlite");
    let out = votum(
        dir.path(),
        &[
            "demo",
            "--no-serve",
            "--members",
            "60",
            "--database",
            db.to_str().unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ballot: String = {
        let mut conn = diesel::SqliteConnection::establish(db.to_str().unwrap()).unwrap();
        votum::db::schema::ballots::table
            .filter(votum::db::schema::ballots::record_version.eq(2))
            .select(votum::db::schema::ballots::id)
            .first(&mut conn)
            .unwrap()
    };
    let pdf = dir.path().join("letters.pdf");
    let out = votum(
        dir.path(),
        &["letters", &ballot, "--out", pdf.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("two returning officers"), "{stderr}");
    assert!(!pdf.exists() && !dir.path().join("letters.pdf.partial").exists());
}
