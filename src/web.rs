//! What every page needs: the `Page` guard (language, signed-in user, CSRF
//! token, flash message) that renders templates with a common context, the
//! `CsrfForm` data guard that refuses forms without a valid token, and the
//! security headers.

use rocket::data::{self, Data, FromData, ToByteUnit};
use rocket::fairing::{Fairing, Info, Kind};
use rocket::form::{self, Form, FromForm, ValueField};
use rocket::http::{Cookie, CookieJar, RawStr, SameSite, Status};
use rocket::request::{FlashMessage, FromRequest, Outcome, Request};
use rocket::response::Response;
use rocket::State;
use rocket_dyn_templates::Template;
use serde_json::{json, Value};

use crate::app::App;
use crate::auth::{CurrentUser, SESSION_COOKIE};
use crate::error::AppError;
use crate::i18n::Language;

/// Cookie that anchors the CSRF token before login.
pub const PRE_SESSION_COOKIE: &str = "votum_pre";
const CSRF_PURPOSE: &str = "csrf";

/// Cookie attributes used for every cookie Votum sets.
pub fn cookie(name: &'static str, value: String, secure: bool) -> Cookie<'static> {
    Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .build()
}

/// The value the CSRF token is bound to: the session cookie, else the
/// pre-session cookie.
fn csrf_anchor(cookies: &CookieJar<'_>) -> Option<String> {
    cookies
        .get(SESSION_COOKIE)
        .or_else(|| cookies.get(PRE_SESSION_COOKIE))
        .map(|c| c.value().to_owned())
}

/// Context shared by all pages.
pub struct Page {
    pub lang: Language,
    pub user: Option<CurrentUser>,
    csrf: String,
    path: String,
    flash: Option<(String, String)>,
}

impl Page {
    /// Renders `template` with `data` plus `lang`, `csrf`, `user` and `flash`.
    pub fn render(&self, template: &'static str, data: Value) -> Template {
        let mut context = match data {
            Value::Object(map) => map,
            _ => serde_json::Map::new(),
        };
        context.insert("lang".into(), json!(self.lang.as_str()));
        context.insert("csrf".into(), json!(self.csrf));
        context.insert("path".into(), json!(self.path));
        // The first path segment, so the navigation can mark the current
        // section with aria-current.
        let section = self
            .path
            .trim_start_matches('/')
            .split(['/', '?'])
            .next()
            .unwrap_or_default();
        context.insert("section".into(), json!(section));
        if let Some(user) = &self.user {
            context.insert(
                "user".into(),
                json!({
                    "name": user.display_name,
                    "is_admin": user.is_admin,
                    "is_board": !user.board_groups.is_empty(),
                    "has_member": user.member_id.is_some(),
                }),
            );
        }
        if let Some((kind, key)) = &self.flash {
            context.insert("flash".into(), json!({"kind": kind, "key": key}));
        }
        Template::render(template, Value::Object(context))
    }

    /// A value stable for this browser and session, unguessable to others:
    /// the seed for per-voter option order.
    pub fn browser_seed(&self) -> &str {
        &self.csrf
    }

    pub fn user(&self) -> Result<&CurrentUser, AppError> {
        self.user.as_ref().ok_or(AppError::Unauthorized)
    }
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Page {
    type Error = AppError;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        let Some(app) = req.rocket().state::<App>() else {
            return Outcome::Error((
                Status::InternalServerError,
                AppError::Internal("no state".into()),
            ));
        };
        let user = CurrentUser::load(req).await.cloned();
        let cookies = req.cookies();
        let anchor = match csrf_anchor(cookies) {
            Some(anchor) => anchor,
            None => match votum_crypto::Token::generate() {
                Ok(token) => {
                    let value = token.secret.expose().to_owned();
                    cookies.add(cookie(
                        PRE_SESSION_COOKIE,
                        value.clone(),
                        app.settings.secure_cookies,
                    ));
                    value
                }
                Err(e) => return Outcome::Error((Status::InternalServerError, e.into())),
            },
        };
        let csrf = app.key.tag(CSRF_PURPOSE, &anchor);
        let flash = req
            .guard::<Option<FlashMessage<'_>>>()
            .await
            .succeeded()
            .flatten()
            .map(|f| (f.kind().to_owned(), f.message().to_owned()));
        Outcome::Success(Page {
            lang: crate::i18n::request_language(req),
            user,
            csrf,
            path: req.uri().to_string(),
            flash,
        })
    }
}

#[derive(FromForm)]
struct CsrfField {
    csrf: String,
}

/// A URL-encoded form whose `csrf` field was checked against the token
/// bound to this browser's cookie. Taking it as the data guard of a route is
/// the only way a route reads a form, so no route can forget the check.
pub struct CsrfForm<T>(pub T);

#[rocket::async_trait]
impl<'r, T> FromData<'r> for CsrfForm<T>
where
    T: for<'a> FromForm<'a> + Send + 'static,
{
    type Error = AppError;

    async fn from_data(req: &'r Request<'_>, data: Data<'r>) -> data::Outcome<'r, Self> {
        let limit = req.limits().get("form").unwrap_or_else(|| 64.kibibytes());
        let body = match data.open(limit).into_string().await {
            Ok(body) if body.is_complete() => body.into_inner(),
            Ok(_) => {
                return data::Outcome::Error((
                    Status::PayloadTooLarge,
                    AppError::BadRequest("form too large".into()),
                ))
            }
            Err(e) => {
                return data::Outcome::Error((
                    Status::BadRequest,
                    AppError::BadRequest(e.to_string()),
                ))
            }
        };
        let valid = match (req.rocket().state::<App>(), csrf_anchor(req.cookies())) {
            (Some(app), Some(anchor)) => Form::<CsrfField>::parse_encoded(RawStr::new(&body))
                .map(|f| app.key.verify(CSRF_PURPOSE, &anchor, &f.csrf))
                .unwrap_or(false),
            _ => false,
        };
        if !valid {
            req.local_cache(|| ErrorReason(Some("error.csrf")));
            return data::Outcome::Error((Status::Forbidden, AppError::Csrf));
        }
        match Form::<T>::parse_encoded(RawStr::new(&body)) {
            Ok(form) => data::Outcome::Success(CsrfForm(form)),
            Err(errors) => {
                log::info!("unparsable form: {errors}");
                req.local_cache(|| ErrorReason(Some("error.bad_form")));
                data::Outcome::Error((
                    Status::UnprocessableEntity,
                    AppError::BadRequest(errors.to_string()),
                ))
            }
        }
    }
}

/// Every field of a form as (name, value) pairs, decoded, for forms whose
/// field names depend on data (a ballot's questions, question slots).
pub struct Fields(pub Vec<(String, String)>);

#[rocket::async_trait]
impl<'r> FromForm<'r> for Fields {
    type Context = Vec<(String, String)>;

    fn init(_: form::Options) -> Self::Context {
        Vec::new()
    }

    fn push_value(ctxt: &mut Self::Context, field: ValueField<'r>) {
        ctxt.push((field.name.source().to_string(), field.value.to_string()));
    }

    async fn push_data(_: &mut Self::Context, _: form::DataField<'r, '_>) {}

    fn finalize(ctxt: Self::Context) -> form::Result<'r, Self> {
        Ok(Fields(ctxt))
    }
}

impl Fields {
    /// Fields from name/value pairs (tests, and forms built in code).
    pub fn from_pairs(pairs: &[(&str, &str)]) -> Fields {
        Fields(
            pairs
                .iter()
                .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
                .collect(),
        )
    }

    /// Every value of the field `name`, in form order (checkboxes).
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The first value of the field `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// An uploaded file from a `multipart/form-data` form with a valid CSRF
/// token: the one way a route reads an upload, so the check cannot be
/// forgotten. The form has a `csrf` field and a `file` field; the file may
/// be as large as the `file` limit (see `config`).
pub struct CsrfUpload {
    /// The file's bytes (empty when no file was chosen).
    pub file: Vec<u8>,
}

#[derive(rocket::FromForm)]
struct UploadForm<'r> {
    csrf: String,
    file: rocket::fs::TempFile<'r>,
}

#[rocket::async_trait]
impl<'r> FromData<'r> for CsrfUpload {
    type Error = AppError;

    async fn from_data(req: &'r Request<'_>, data: Data<'r>) -> data::Outcome<'r, Self> {
        use rocket::tokio::io::AsyncReadExt;
        let refuse = |status: Status, reason: &'static str, error: AppError| {
            req.local_cache(|| ErrorReason(Some(reason)));
            data::Outcome::Error((status, error))
        };
        let form = match Form::<UploadForm<'r>>::from_data(req, data).await {
            data::Outcome::Success(form) => form.into_inner(),
            data::Outcome::Error((status, errors)) => {
                log::info!("unreadable upload: {errors}");
                let status = if status == Status::PayloadTooLarge {
                    status
                } else {
                    Status::UnprocessableEntity
                };
                return refuse(
                    status,
                    "error.bad_form",
                    AppError::BadRequest(errors.to_string()),
                );
            }
            data::Outcome::Forward(f) => return data::Outcome::Forward(f),
        };
        let valid = match (req.rocket().state::<App>(), csrf_anchor(req.cookies())) {
            (Some(app), Some(anchor)) => app.key.verify(CSRF_PURPOSE, &anchor, &form.csrf),
            _ => false,
        };
        if !valid {
            return refuse(Status::Forbidden, "error.csrf", AppError::Csrf);
        }
        let mut file = Vec::new();
        if form.file.len() > 0 {
            let read = match form.file.open().await {
                Ok(mut reader) => reader.read_to_end(&mut file).await.map(|_| ()),
                Err(e) => Err(e),
            };
            if let Err(e) = read {
                return refuse(
                    Status::BadRequest,
                    "error.bad_form",
                    AppError::BadRequest(format!("upload: {e}")),
                );
            }
        }
        data::Outcome::Success(CsrfUpload { file })
    }
}

/// The message key a guard left for the error catcher.
pub struct ErrorReason(pub Option<&'static str>);

/// Security headers on every response.
pub struct SecurityHeaders;

#[rocket::async_trait]
impl Fairing for SecurityHeaders {
    fn info(&self) -> Info {
        Info {
            name: "security headers",
            kind: Kind::Response,
        }
    }

    async fn on_response<'r>(&self, _req: &'r Request<'_>, res: &mut Response<'r>) {
        // 'wasm-unsafe-eval' lets same-origin scripts compile WebAssembly
        // (the ballot encryption in static/wasm/); it allows no `eval` of
        // JavaScript and no inline script.
        res.set_raw_header(
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; \
             object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        );
        res.set_raw_header("X-Content-Type-Options", "nosniff");
        res.set_raw_header("X-Frame-Options", "DENY");
        // Ballot URLs carry codes: never leak them to another site.
        res.set_raw_header("Referrer-Policy", "no-referrer");
        res.set_raw_header(
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=()",
        );
        if res.headers().get_one("Cache-Control").is_none() {
            res.set_raw_header("Cache-Control", "no-store");
        }
    }
}

/// Helper for `State<App>` in routes.
pub type AppState<'r> = &'r State<App>;
