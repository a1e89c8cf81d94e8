//! Admin pages.

use rocket::http::Status;

use crate::both_backends;
use crate::support::{TestApp, PASSWORD};

both_backends!(admin_sees_figures, |app: TestApp| {
    app.with_org();
    assert_eq!(app.login("admin", PASSWORD), Status::SeeOther);
    let (status, body) = app.get("/admin");
    assert_eq!(status, Status::Ok);
    // 4 members, 8 groups, 4 accounts.
    assert!(
        body.contains("<dd>4</dd>") && body.contains("<dd>8</dd>"),
        "{body}"
    );
    assert_eq!(app.get("/admin/audit").0, Status::Ok);
});

both_backends!(signed_out_visitors_are_sent_to_login, |app: TestApp| {
    for path in ["/admin", "/members", "/groups", "/profile"] {
        let response = app.client.get(path).dispatch();
        assert_eq!(response.status(), Status::SeeOther, "{path}");
        let location = response.headers().get_one("Location").unwrap().to_owned();
        assert!(location.starts_with("/login?next="), "{path}: {location}");
    }
});
