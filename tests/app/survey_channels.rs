//! Surveys beyond the member's login: the display page's QR code, the
//! printable version and paper answers, public links answered once per
//! browser, invitations by mail and by letter, and who may create and see.

use diesel::prelude::*;
use rocket::http::Status;
use votum::db::schema::{members, outbox, survey_codes, survey_responses};

use crate::support::{TestApp, PASSWORD};
use crate::surveys::{answer, create};

crate::both_backends!(display_qr_paper_and_public_link, |app: TestApp| {
    app.with_org();
    let id = create(
        &app,
        &[
            ("audience", "link"),
            ("q0_text", "Gut?"),
            ("q0_kind", "yes_no"),
        ],
    );
    assert_eq!(app.login("chair-a1", PASSWORD), Status::SeeOther);
    let (status, page) = app.get(&format!("/surveys/{id}/display"));
    assert_eq!(status, Status::Ok);
    let src = format!("/surveys/{id}/qr.png");
    assert!(page.contains(&format!("src=\"{src}\"")));
    let link = format!("http://127.0.0.1:8000/s/{id}");
    assert!(page.contains(&link));
    let png = app.client.get(src).dispatch().into_bytes().unwrap();
    let image = image::load_from_memory(&png).unwrap().to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(image);
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1);
    assert_eq!(grids[0].decode().unwrap().1, link);

    let (status, page) = app.get(&format!("/surveys/{id}/print"));
    assert_eq!(status, Status::Ok);
    assert!(page.contains("Gut?") && page.contains(&link));

    // Paper answers entered by the owner count, marked as paper.
    let paper = format!("/surveys/{id}/paper");
    let response = app.post_form(&paper, &paper, &[("q0", "no")]);
    assert_eq!(response.status(), Status::SeeOther);
    let response = app.post_form(&paper, &paper, &[("q0", "")]);
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let (_, page) = app.get(&format!("/surveys/{id}"));
    assert!(page.contains("Antworten: 1 (davon 1 auf Papier"), "{page}");
    app.logout();

    // Anyone with the link answers once per browser.
    let (status, page) = app.get(&format!("/s/{id}"));
    assert_eq!(status, Status::Ok);
    assert!(page.contains("name=\"q0\""));
    assert_eq!(answer(&app, &id, &[("q0", "yes")]).0, Status::Ok);
    let (status, page) = answer(&app, &id, &[("q0", "yes")]);
    assert_eq!(status, Status::Conflict);
    assert!(page.contains("schon beantwortet"));
    let channels: Vec<String> = survey_responses::table
        .filter(survey_responses::survey_id.eq(&id))
        .order(survey_responses::channel)
        .select(survey_responses::channel)
        .load(&mut *app.conn())
        .unwrap();
    assert_eq!(channels, ["link", "paper"]);
    let (status, results) = app.get(&format!("/surveys/{id}/results"));
    assert_eq!(status, Status::Ok);
    assert!(results.contains("davon 1 auf Papier"));
    assert!(results.contains("1 über den öffentlichen Link"));
    assert!(results.contains("Öffentliche Umfrage"));
});

crate::both_backends!(invitations_by_mail_and_by_letter, |app: TestApp| {
    let org = app.with_org();
    diesel::update(members::table.find(org.chair_a1.id))
        .set(members::channel.eq("paper"))
        .execute(&mut *app.conn())
        .unwrap();
    let id = create(
        &app,
        &[
            ("anonymous", "on"),
            ("q0_text", "Gut?"),
            ("q0_kind", "yes_no"),
        ],
    );
    assert_eq!(app.login("chair-a1", PASSWORD), Status::SeeOther);
    let manage = format!("/surveys/{id}");
    let response = app.post_form(&manage, &format!("/surveys/{id}/invite"), &[]);
    assert_eq!(response.status(), Status::SeeOther);
    let recipients: Vec<String> = outbox::table
        .select(outbox::recipient)
        .load(&mut *app.conn())
        .unwrap();
    assert_eq!(
        recipients,
        ["1000101@example.org"],
        "online members of A1 only"
    );
    // The mail says "Sie", so it greets the whole name.
    let body: Option<String> = outbox::table
        .select(outbox::body)
        .first(&mut *app.conn())
        .unwrap();
    let body = body.unwrap_or_default();
    assert!(body.starts_with("Guten Tag Anton Müller,"), "{body}");
    // A second click mails nobody again.
    let response = app.post_form(&manage, &format!("/surveys/{id}/invite"), &[]);
    assert_eq!(response.status(), Status::SeeOther);
    let count: i64 = outbox::table.count().get_result(&mut *app.conn()).unwrap();
    assert_eq!(count, 1);

    let response = app.post_form(&manage, &format!("/surveys/{id}/letters"), &[]);
    assert_eq!(response.status(), Status::Ok);
    let pdf = response.into_bytes().unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    // Everyone on paper has a letter now: a second run has nothing to print.
    let response = app.post_form(&manage, &format!("/surveys/{id}/letters"), &[]);
    assert_eq!(response.status(), Status::SeeOther);
    let codes: Vec<Option<i64>> = survey_codes::table
        .filter(survey_codes::survey_id.eq(&id))
        .select(survey_codes::member_id)
        .load(&mut *app.conn())
        .unwrap();
    assert_eq!(codes, [None], "anonymous: the code row names nobody");
    // The letter's member cannot also answer by login.
    let (status, page) = answer(&app, &id, &[("q0", "yes")]);
    assert_eq!(status, Status::Conflict);
    assert!(page.contains("Brief mit Code"));
    app.logout();
    // The letter's QR code leads to a counted, anonymous answer, once.
    if let Some(url) = crate::letters::qr_on_page(&pdf, 1) {
        let path = url.strip_prefix("http://127.0.0.1:8000").unwrap();
        let (status, page) = app.get(path);
        assert_eq!(status, Status::Ok);
        assert!(page.contains("id=\"code\""), "the code is filled in");
        let code = rocket::http::RawStr::new(path.split_once("?code=").unwrap().1)
            .percent_decode()
            .unwrap()
            .into_owned();
        let action = format!("/s/{id}");
        let fields = [("code", code.as_str()), ("q0", "no")];
        // The member sends the reply form back instead: the owner types it
        // in with its code, which then answers once, on paper or online.
        assert_eq!(app.login("chair-a1", PASSWORD), Status::SeeOther);
        let paper = format!("/surveys/{id}/paper");
        let (_, form) = app.get(&paper);
        assert!(form.contains("Code des Antwortbogens"), "{form}");
        let response = app.post_form(&paper, &paper, &[("code", "3KXA-Ä"), ("q0", "no")]);
        assert_eq!(response.status(), Status::UnprocessableEntity);
        let response = app.post_form(&paper, &paper, &fields);
        assert_eq!(response.status(), Status::SeeOther);
        let response = app.post_form(&paper, &paper, &fields);
        assert_eq!(response.status(), Status::Conflict);
        assert!(response
            .into_string()
            .unwrap()
            .contains("schon geantwortet"));
        app.logout();
        let response = app.post_form(path, &action, &fields);
        assert_eq!(response.status(), Status::Conflict);
        assert!(response
            .into_string()
            .unwrap()
            .contains("schon geantwortet"));
        let rows: Vec<(Option<i64>, String)> = survey_responses::table
            .filter(survey_responses::survey_id.eq(&id))
            .select((survey_responses::member_id, survey_responses::channel))
            .load(&mut *app.conn())
            .unwrap();
        assert_eq!(rows, [(None, "letter".to_owned())]);
    }
});

crate::both_backends!(who_may_create_and_who_sees_results, |app: TestApp| {
    app.with_org();
    let fields = [
        ("title", "Frage der Basis"),
        ("group", "ov-a1"),
        ("audience", "group"),
        ("results", "owners"),
        ("opens_date", "2026-11-23"),
        ("opens_time", "09:00"),
        ("closes_date", "2026-11-30"),
        ("closes_time", "18:00"),
        ("q0_text", "Gut?"),
        ("q0_kind", "yes_no"),
    ];
    assert_eq!(app.login("member-a1", PASSWORD), Status::SeeOther);
    let response = app.post_form("/surveys/new", "/surveys/new", &fields);
    assert_eq!(response.status(), Status::UnprocessableEntity);
    assert!(response
        .into_string()
        .unwrap()
        .contains("keine Umfrage anlegen"));
    app.logout();
    // The chair of A1 lets the chapter's members create surveys.
    assert_eq!(app.login("chair-a1", PASSWORD), Status::SeeOther);
    let (_, page) = app.get("/surveys");
    assert!(page.contains("dürfen eigene Umfragen anlegen"));
    let response = app.post_form(
        "/surveys",
        "/surveys/policy",
        &[("group", "12"), ("allowed", "on")],
    );
    assert_eq!(response.status(), Status::SeeOther);
    app.logout();
    assert_eq!(app.login("member-a1", PASSWORD), Status::SeeOther);
    let response = app.post_form("/surveys/new", "/surveys/new", &fields);
    assert_eq!(response.status(), Status::SeeOther);
    let id = response
        .headers()
        .get_one("Location")
        .unwrap()
        .strip_prefix("/surveys/")
        .unwrap()
        .to_owned();
    // Another chapter stays closed to them.
    let mut other = fields.to_vec();
    other.retain(|(n, _)| *n != "group");
    other.push(("group", "ov-a2"));
    let response = app.post_form("/surveys/new", "/surveys/new", &other);
    assert_eq!(response.status(), Status::UnprocessableEntity);
    app.logout();
    // Results "only for the owners": the chair (board of A1) sees them, a
    // member of another chapter does not, and neither do answering members.
    assert_eq!(app.login("member-b1", PASSWORD), Status::SeeOther);
    assert_eq!(
        app.get(&format!("/surveys/{id}/results")).0,
        Status::Forbidden
    );
    assert_eq!(app.get(&format!("/surveys/{id}")).0, Status::Forbidden);
    app.logout();
    assert_eq!(app.login("chair-a1", PASSWORD), Status::SeeOther);
    assert_eq!(answer(&app, &id, &[("q0", "yes")]).0, Status::Ok);
    assert_eq!(app.get(&format!("/surveys/{id}/results")).0, Status::Ok);
    // The survey list shows it as open to the chair and as managed.
    let (_, page) = app.get("/surveys");
    assert!(page.contains(&format!("href=\"/s/{id}\"")));
    assert!(page.contains(&format!("href=\"/surveys/{id}\"")));
});
