//! One error type for the app. Details go to the log; the user gets a page
//! (or JSON for API routes) in their language with the right status code.

use diesel::result::{DatabaseErrorKind, Error as DieselError};
use rocket::http::{RawStr, Status};
use rocket::request::Request;
use rocket::response::{self, Responder};
use rocket_dyn_templates::Template;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("login required")]
    Unauthorized,
    #[error("missing or invalid CSRF token")]
    Csrf,
    #[error("too many attempts")]
    RateLimited,
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("bad request: {0}")]
    BadRequest(String),
    /// A 400 whose message for the user is the catalogue entry named here
    /// (say what was wrong and what is accepted).
    #[error("bad input: {0}")]
    BadInput(&'static str),
    #[error("database: {0}")]
    Database(DieselError),
    #[error("database connection: {0}")]
    Connection(#[from] diesel::ConnectionError),
    #[error("{0}")]
    Internal(String),
}

impl From<DieselError> for AppError {
    fn from(e: DieselError) -> Self {
        match e {
            DieselError::NotFound => AppError::NotFound,
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                AppError::Conflict(info.message().to_owned())
            }
            // A CHECK or foreign key the input broke is a bad request that
            // validation missed, not a server fault: never a 500 for input.
            DieselError::DatabaseError(
                DatabaseErrorKind::CheckViolation | DatabaseErrorKind::ForeignKeyViolation,
                info,
            ) => AppError::BadRequest(info.message().to_owned()),
            // PostgreSQL refuses a NUL character in text ("invalid byte
            // sequence for encoding UTF8: 0x00"): a visitor typed it.
            DieselError::DatabaseError(_, info)
                if info.message().starts_with("invalid byte sequence") =>
            {
                AppError::BadRequest(info.message().to_owned())
            }
            other => AppError::Database(other),
        }
    }
}

impl From<votum_crypto::CryptoError> for AppError {
    fn from(e: votum_crypto::CryptoError) -> Self {
        AppError::Internal(e.to_string())
    }
}

impl AppError {
    pub fn status(&self) -> Status {
        match self {
            AppError::NotFound => Status::NotFound,
            AppError::Forbidden | AppError::Csrf => Status::Forbidden,
            AppError::Unauthorized => Status::Unauthorized,
            AppError::RateLimited => Status::TooManyRequests,
            AppError::Conflict(_) => Status::Conflict,
            AppError::BadRequest(_) | AppError::BadInput(_) => Status::BadRequest,
            AppError::Database(_) | AppError::Connection(_) | AppError::Internal(_) => {
                Status::InternalServerError
            }
        }
    }

    /// The catalogue key of the message shown to the user; never the
    /// internal detail, which may name tables or values.
    pub fn message_key(&self) -> &'static str {
        match self {
            AppError::NotFound => "error.not_found",
            AppError::Forbidden => "error.forbidden",
            AppError::Unauthorized => "error.unauthorized",
            AppError::Csrf => "error.csrf",
            AppError::RateLimited => "error.rate_limited",
            AppError::Conflict(_) => "error.conflict",
            AppError::BadRequest(_) => "error.bad_request",
            AppError::BadInput(key) => key,
            AppError::Database(_) | AppError::Connection(_) | AppError::Internal(_) => {
                "error.internal"
            }
        }
    }
}

/// Renders the error page for `status` with the message `key`.
pub fn error_page(req: &Request<'_>, status: Status, key: &str) -> Template {
    let lang = crate::i18n::request_language(req);
    Template::render(
        "error",
        serde_json::json!({
            "lang": lang.as_str(),
            "status": status.code,
            "message_key": key,
            "title_key": format!("error.title_{}", status.code),
        }),
    )
}

impl<'r> Responder<'r, 'static> for AppError {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        let status = self.status();
        if status.code >= 500 {
            log::error!("{}: {self}", crate::logging::request_label(req));
        } else {
            log::info!("{}: {self}", crate::logging::request_label(req));
        }
        if status == Status::Unauthorized {
            let next = req.uri().path().to_string();
            let target = format!("/login?next={}", RawStr::new(&next).percent_encode());
            return response::Redirect::to(target).respond_to(req);
        }
        let page = error_page(req, status, self.message_key());
        response::Response::build_from(page.respond_to(req)?)
            .status(status)
            .ok()
    }
}

pub type AppResult<T> = Result<T, AppError>;
