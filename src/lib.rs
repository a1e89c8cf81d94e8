//! Votum: a self-hosted member portal whose centre is secure member ballots.
//!
//! [`rocket`] builds the web app from a configuration; `main.rs` is only the
//! command line. Each feature module owns its routes, queries and views.

pub mod addresses;
pub mod admin;
pub mod app;
pub mod audit;
pub mod auth;
pub mod ballots;
pub mod bank;
pub mod cli;
pub mod clock;
pub mod config;
pub mod dates;
pub mod db;
pub mod demo;
pub mod error;
pub mod groups;
pub mod history;
pub mod home;
pub mod i18n;
pub mod logging;
pub mod login;
pub mod mail;
pub mod members;
pub mod numbers;
pub mod offices;
pub mod privacy;
pub mod ratelimit;
pub mod rights;
pub mod rotate;
pub mod selfservice;
pub mod spreadsheet;
pub mod surveys;
pub mod text;
pub mod trustee_cli;
pub mod web;

use std::sync::Arc;

use rocket::fairing::AdHoc;
use rocket::figment::Figment;
use rocket::fs::FileServer;
use rocket::http::Status;
use rocket::request::Request;
use rocket::response::Redirect;
use rocket::{catch, catchers, Build, Rocket};
use rocket_dyn_templates::Template;

use crate::app::App;
use crate::clock::{SharedClock, SystemClock};
use crate::error::{error_page, AppError};
use crate::web::ErrorReason;

/// The app with the real clock.
pub fn rocket(figment: Figment) -> Result<Rocket<Build>, AppError> {
    rocket_with(figment, Arc::new(SystemClock))
}

/// The largest upload taken, unless configured larger.
const UPLOAD_LIMIT: u64 = 128 * 1024 * 1024;

/// Raises Rocket's limit `name` to `least` bytes unless configured larger.
fn limit_at_least(figment: Figment, name: &str, least: u64) -> Figment {
    let key = format!("limits.{name}");
    match figment.extract_inner::<rocket::data::ByteUnit>(&key) {
        Ok(current) if current.as_u64() >= least => figment,
        _ => figment.merge((key, least)),
    }
}

/// The app with a given clock (tests pass a fixed one).
pub fn rocket_with(figment: Figment, clock: SharedClock) -> Result<Rocket<Build>, AppError> {
    // Before Rocket starts, so that Rocket's own logger (which prints
    // request URIs, codes included) stays out.
    logging::install(
        figment
            .extract_inner::<rocket::config::LogLevel>("log_level")
            .unwrap_or(rocket::config::LogLevel::Critical),
    );
    let settings = config::settings(&figment)?;
    let db = db::Db::open(&settings.database_url, settings.database_pool_size)?;
    let key = config::secret_key(&settings)?;
    let sealing = Arc::new(config::sealing_key(&settings)?);
    let catalogues = Arc::new(i18n::Catalogues::load().map_err(AppError::Internal)?);
    let mailer = mail::Mailer::new(&settings.smtp_url, &settings.mail_from)?;
    let figment = figment.merge(("template_dir", settings.template_dir.clone()));
    // A credential authority's public-credentials file is about 130 bytes
    // per letter elector: 48 MB for the whole party. Only that upload
    // reads multipart forms.
    let figment = limit_at_least(figment, "file", UPLOAD_LIMIT);
    let figment = limit_at_least(figment, "data-form", UPLOAD_LIMIT);
    let static_dir = settings.static_dir.clone();
    let helper_catalogues = catalogues.clone();
    Ok(rocket::custom(figment)
        .manage(App {
            db,
            clock,
            key,
            sealing,
            settings,
            catalogues,
            mailer,
        })
        .attach(Template::custom(move |engines| {
            engines.handlebars.set_strict_mode(false);
            engines.handlebars.register_helper(
                "t",
                Box::new(i18n::TranslateHelper(helper_catalogues.clone())),
            );
            engines
                .handlebars
                .register_helper("date", Box::new(dates::DateHelper { with_time: false }));
            engines
                .handlebars
                .register_helper("datetime", Box::new(dates::DateHelper { with_time: true }));
            engines
                .handlebars
                .register_helper("percent", Box::new(numbers::PercentHelper));
            engines
                .handlebars
                .register_helper("eq", Box::new(handlebars_eq));
            engines
                .handlebars
                .register_helper("concat", Box::new(handlebars_concat));
        }))
        .attach(web::SecurityHeaders)
        .attach(logging::RequestLog)
        .attach(AdHoc::on_liftoff("session purge", |rocket| {
            Box::pin(async move {
                if let Some(app) = rocket.state::<App>() {
                    let now = app.clock.now();
                    if let Err(e) = app.db.run(move |conn| auth::purge_expired(conn, now)).await {
                        log::warn!("purging sessions: {e}");
                    }
                }
            })
        }))
        .mount("/", home::routes())
        .mount("/", login::routes())
        .mount("/", groups::routes())
        .mount("/", members::routes())
        .mount("/", admin::routes())
        .mount("/", selfservice::routes())
        .mount("/", bank::routes())
        .mount("/", privacy::routes())
        .mount("/", offices::routes())
        .mount("/", ballots::vote::routes())
        .mount("/", ballots::officer::routes())
        .mount("/", ballots::postal::routes())
        .mount("/", ballots::record::routes())
        .mount("/", ballots::letters::routes())
        .mount("/", ballots::reissue::routes())
        .mount("/", ballots::authority::routes())
        .mount("/", ballots::trustees::routes())
        .attach(surveys::stage())
        .mount("/static", FileServer::from(static_dir))
        .register(
            "/",
            catchers![
                unauthorized,
                forbidden,
                not_found,
                unprocessable,
                too_many,
                server_error,
                payload_too_large
            ],
        ))
}

fn reason(req: &Request<'_>, default: &'static str) -> &'static str {
    req.local_cache(|| ErrorReason(None)).0.unwrap_or(default)
}

#[catch(401)]
fn unauthorized(req: &Request<'_>) -> Redirect {
    let next = req.uri().path().to_string();
    Redirect::to(format!(
        "/login?next={}",
        rocket::http::RawStr::new(&next).percent_encode()
    ))
}

#[catch(403)]
fn forbidden(req: &Request<'_>) -> Template {
    error_page(req, Status::Forbidden, reason(req, "error.forbidden"))
}

#[catch(404)]
fn not_found(req: &Request<'_>) -> Template {
    error_page(req, Status::NotFound, reason(req, "error.not_found"))
}

#[catch(413)]
fn payload_too_large(req: &Request<'_>) -> Template {
    error_page(
        req,
        Status::PayloadTooLarge,
        reason(req, "error.bad_request"),
    )
}

#[catch(422)]
fn unprocessable(req: &Request<'_>) -> Template {
    error_page(
        req,
        Status::UnprocessableEntity,
        reason(req, "error.bad_form"),
    )
}

#[catch(429)]
fn too_many(req: &Request<'_>) -> Template {
    error_page(
        req,
        Status::TooManyRequests,
        reason(req, "error.rate_limited"),
    )
}

#[catch(500)]
fn server_error(req: &Request<'_>) -> Template {
    error_page(req, Status::InternalServerError, "error.internal")
}

rocket_dyn_templates::handlebars::handlebars_helper!(handlebars_eq: |a: Json, b: Json| a == b);
rocket_dyn_templates::handlebars::handlebars_helper!(handlebars_concat: |*args| {
    args.iter()
        .map(|v| match v {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect::<String>()
});
