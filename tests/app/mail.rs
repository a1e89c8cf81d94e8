//! Outgoing mail: through a real SMTP exchange with a local sink when SMTP
//! is configured, into the admin outbox otherwise.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::mpsc;

use rocket::http::Status;

use crate::support::{TestApp, PASSWORD};
use votum::db::Backend;

/// A minimal SMTP server that accepts one message and hands over its DATA.
fn smtp_sink() -> (u16, mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut out = stream;
        let mut say = |line: &str| out.write_all(format!("{line}\r\n").as_bytes()).unwrap();
        say("220 sink ESMTP");
        let mut data = String::new();
        let mut in_data = false;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap() == 0 {
                break;
            }
            if in_data {
                if line == ".\r\n" {
                    in_data = false;
                    say("250 queued");
                } else {
                    data.push_str(&line);
                }
                continue;
            }
            let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
            match verb.as_str() {
                "EHLO" | "HELO" => say("250 sink"),
                "MAIL" | "RCPT" | "RSET" | "NOOP" => say("250 ok"),
                "DATA" => {
                    in_data = true;
                    say("354 go ahead");
                }
                "QUIT" => {
                    say("221 bye");
                    break;
                }
                _ => say("502 unknown"),
            }
        }
        tx.send(data).unwrap();
    });
    (port, rx)
}

#[test]
fn reset_mail_goes_through_smtp() {
    let (port, received) = smtp_sink();
    let app = TestApp::with_settings(Backend::Sqlite, |s| {
        s.smtp_url = format!("smtp://127.0.0.1:{port}");
        s.mail_from = "Votum <votum@example.org>".into();
    })
    .unwrap();
    let org = app.with_org();
    let email = org.member_a1.email.clone().unwrap();
    let response = app.post_form("/password/forgot", "/password/forgot", &[("login", &email)]);
    assert_eq!(response.status(), Status::Ok);
    let data = received
        .recv_timeout(std::time::Duration::from_secs(20))
        .unwrap();
    assert!(data.contains(&format!("To: {email}")), "{data}");
    assert!(data.contains("From: Votum <votum@example.org>"));
    assert!(data.contains("/password/reset/"));
    // Sent mail keeps only its envelope in the outbox, not the link. The
    // delivery runs after the answer: wait for it to record the outcome.
    use diesel::prelude::*;
    use votum::db::schema::outbox;
    let mut row: (Option<String>, Option<chrono::NaiveDateTime>) = (None, None);
    for _ in 0..200 {
        row = outbox::table
            .select((outbox::body, outbox::sent_at))
            .first(&mut *app.conn())
            .unwrap();
        if row.1.is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(row.0, None);
    assert!(row.1.is_some());
}

/// The reset form answers before the mail server does: a member's request
/// does not wait for SMTP, so it takes no longer than an unknown name's.
#[test]
fn reset_request_does_not_wait_for_the_mail_server() {
    use diesel::prelude::*;
    use votum::db::schema::outbox;
    for backend in [Backend::Sqlite, Backend::Postgres] {
        // A mail server that accepts the connection and never says a word.
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let (hang_up, wait) = mpsc::channel::<()>();
        let silent = std::thread::spawn(move || {
            let (stream, _) = listener.accept().unwrap();
            let _ = wait.recv();
            drop(stream);
        });
        let Some(app) = TestApp::with_settings(backend, |s| {
            s.smtp_url = format!("smtp://127.0.0.1:{port}");
        }) else {
            drop(hang_up);
            continue;
        };
        let org = app.with_org();
        let email = org.member_a1.email.clone().unwrap();
        let response = app.post_form("/password/forgot", "/password/forgot", &[("login", &email)]);
        assert_eq!(response.status(), Status::Ok);
        // Answered while the server is still silent: the mail is queued,
        // neither sent nor failed.
        let (sent, error): (Option<chrono::NaiveDateTime>, Option<String>) = outbox::table
            .filter(outbox::recipient.eq(&email))
            .select((outbox::sent_at, outbox::error))
            .first(&mut *app.conn())
            .unwrap();
        assert_eq!((sent, error), (None, None));
        let unknown = app.post_form(
            "/password/forgot",
            "/password/forgot",
            &[("login", "nobody@example.org")],
        );
        assert_eq!(unknown.status(), Status::Ok);
        hang_up.send(()).unwrap();
        silent.join().unwrap();
    }
}

crate::both_backends!(
    without_smtp_mail_waits_in_the_admin_outbox,
    |app: TestApp| {
        let org = app.with_org();
        let email = org.member_b1.email.clone().unwrap();
        app.post_form("/password/forgot", "/password/forgot", &[("login", &email)]);
        assert_eq!(app.login("admin", PASSWORD), Status::SeeOther);
        let (status, body) = app.get("/admin/outbox");
        assert_eq!(status, Status::Ok);
        assert!(body.contains(&email));
        assert!(body.contains("/password/reset/"));
    }
);
