//! Message catalogues: every key in both languages, every key a template
//! uses exists, and the language switch works.

use rocket::http::Status;
use votum::i18n::{Catalogues, Language};

use crate::both_backends;
use crate::support::{TestApp, PASSWORD};

#[test]
fn german_and_english_have_the_same_keys() {
    let catalogues = Catalogues::load().unwrap();
    assert_eq!(catalogues.keys(Language::De), catalogues.keys(Language::En));
}

fn template_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            template_files(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[test]
fn every_literal_key_in_templates_and_code_exists() {
    let catalogues = Catalogues::load().unwrap();
    let keys = catalogues.keys(Language::De);
    let mut files = Vec::new();
    template_files(std::path::Path::new("templates"), &mut files);
    template_files(std::path::Path::new("src"), &mut files);
    let mut missing = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let is_template = file.extension().is_some_and(|e| e == "hbs");
        for (marker, end) in [("{{t \"", '"'), ("title_key=\"", '"')] {
            if !is_template {
                continue;
            }
            for part in text.split(marker).skip(1) {
                let key = part.split(end).next().unwrap();
                if !keys.contains(&key) {
                    missing.push(format!("{}: {key}", file.display()));
                }
            }
        }
        if file.extension().is_some_and(|e| e == "rs") {
            for prefix in [
                "\"error.",
                "\"login.",
                "\"password.",
                "\"bank.",
                "\"selfservice.",
                "\"directory.",
                "\"privacy.",
                "\"offices.",
                "\"surveys.",
            ] {
                for part in text.split(prefix).skip(1) {
                    let rest = part.split('"').next().unwrap();
                    if rest
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c == '_' || c == '.')
                    {
                        let key = format!("{}{rest}", &prefix[1..]);
                        if !keys.contains(&key.as_str()) {
                            missing.push(format!("{}: {key}", file.display()));
                        }
                    }
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "keys missing from the catalogue: {missing:#?}"
    );
}

both_backends!(language_switch_to_english_and_back, |app: TestApp| {
    app.with_org();
    let (_, body) = app.get("/login");
    assert!(body.contains("<html lang=\"de\">") && body.contains("Anmelden"));
    let response = app.client.get("/lang/en?back=/login").dispatch();
    assert_eq!(response.status(), Status::SeeOther);
    assert_eq!(response.headers().get_one("Location"), Some("/login"));
    let (_, body) = app.get("/login");
    assert!(
        body.contains("<html lang=\"en\">") && body.contains("Sign in"),
        "{body}"
    );
    assert_eq!(app.login("member-a1", PASSWORD), Status::SeeOther);
    let (_, body) = app.get("/profile");
    assert!(body.contains("Who has looked at my data?"));
    app.client.get("/lang/de?back=/").dispatch();
    let (_, body) = app.get("/profile");
    assert!(body.contains("Wer hat meine Daten angesehen?"));
    assert_eq!(app.get("/lang/fr").0, Status::NotFound);
});

both_backends!(browser_language_is_the_default, |app: TestApp| {
    let response = app
        .client
        .get("/login")
        .header(rocket::http::Header::new(
            "Accept-Language",
            "en-GB,en;q=0.9,de;q=0.5",
        ))
        .dispatch();
    assert!(response
        .into_string()
        .unwrap()
        .contains("<html lang=\"en\">"));
});

both_backends!(translated_placeholders_are_escaped, |app: TestApp| {
    use diesel::prelude::*;
    use votum::db::schema::members;
    let org = app.with_org();
    diesel::update(members::table.find(org.member_a1.id))
        .set(members::first_name.eq("<script>alert(1)</script>"))
        .execute(&mut *app.conn())
        .unwrap();
    assert_eq!(app.login("member-a1", PASSWORD), Status::SeeOther);
    for path in ["/", "/profile"] {
        let (_, body) = app.get(path);
        assert!(!body.contains("<script>alert(1)"), "{path}: {body}");
        assert!(body.contains("&lt;script&gt;alert(1)"), "{path}");
    }
});

#[test]
fn no_template_renders_unescaped() {
    let mut files = Vec::new();
    template_files(std::path::Path::new("templates"), &mut files);
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(
            !text.contains("{{{"),
            "{} uses {{{{{{ }}}}}}",
            file.display()
        );
    }
}
