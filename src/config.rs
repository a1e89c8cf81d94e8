//! Configuration from `votum.toml` and `VOTUM_*` environment variables,
//! layered over Rocket's defaults (address, port, limits).

use rocket::figment::providers::{Env, Format, Serialized, Toml};
use rocket::figment::Figment;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// Votum's own settings. Every key can be set in `votum.toml` or as
/// `VOTUM_<KEY>` (e.g. `VOTUM_DATABASE_URL`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Settings {
    /// `postgres://…` for PostgreSQL, otherwise a SQLite file path.
    pub database_url: String,
    /// Pool size per app instance.
    pub database_pool_size: u32,
    /// Base64 of at least 32 random bytes. Instances behind one load balancer
    /// must share it. Empty: read or create `<data_dir>/secret.key`.
    pub secret_key: String,
    /// Base64 of 32 random bytes; seals secrets at rest (ballot box keys).
    /// Empty: read or create `<data_dir>/sealing.key`. Losing it makes
    /// sealed data unreadable: back it up apart from the database.
    pub sealing_key: String,
    /// Name of the sealing key, stored with everything it seals so keys can
    /// be rotated.
    pub sealing_key_id: String,
    /// Keys retired by a rotation that still open what they sealed, as
    /// `id:base64` separated by commas or spaces. Run `votum keys rotate`
    /// after changing the current key, then remove the old one here.
    pub sealing_retired_keys: String,
    /// Where the SQLite file and the generated keys live.
    pub data_dir: String,
    /// Public base URL, used in mailed links, letters and QR codes. Not
    /// set: `http://<address>:<port>` as served.
    pub public_url: String,
    /// `smtp://host:port` to send mail; empty keeps mail in the admin outbox.
    pub smtp_url: String,
    /// Sender address for outgoing mail.
    pub mail_from: String,
    /// Mark cookies `Secure`. Keep on; browsers accept it on localhost too.
    pub secure_cookies: bool,
    /// Session lifetime in hours.
    pub session_hours: i64,
    /// Folder of Handlebars templates and of static files (CSS).
    pub template_dir: String,
    pub static_dir: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            database_url: "data/votum.sqlite".into(),
            database_pool_size: 16,
            secret_key: String::new(),
            sealing_key: String::new(),
            sealing_key_id: "k1".into(),
            sealing_retired_keys: String::new(),
            data_dir: "data".into(),
            public_url: "http://127.0.0.1:8000".into(),
            smtp_url: String::new(),
            mail_from: "Votum <noreply@localhost>".into(),
            secure_cookies: true,
            session_hours: 12,
            template_dir: resource_dir("templates"),
            static_dir: resource_dir("static"),
        }
    }
}

/// `./name` when run from a checkout or install folder, else the folder next
/// to the sources this binary was built from.
fn resource_dir(name: &str) -> String {
    if std::path::Path::new(name).is_dir() {
        name.into()
    } else {
        format!("{}/{name}", env!("CARGO_MANIFEST_DIR"))
    }
}

/// Rocket's defaults, then Votum's, then `votum.toml` (or `VOTUM_CONFIG`),
/// then `VOTUM_*` variables.
pub fn figment() -> Figment {
    let file = std::env::var("VOTUM_CONFIG").unwrap_or_else(|_| "votum.toml".into());
    let figment = Figment::from(rocket::Config::default())
        .merge(Serialized::defaults(Settings::default()))
        .merge(("ident", "Votum"))
        // "critical" keeps launch information, warnings and errors. Votum's
        // own logger (`logging`) keeps codes and tokens out of every line
        // at every level; this default only keeps the log short.
        .merge(("log_level", "critical"))
        .merge(Toml::file(&file))
        .merge(Env::prefixed("VOTUM_").ignore(&["CONFIG"]).global());
    let configured = Figment::new()
        .merge(Toml::file(&file))
        .merge(Env::prefixed("VOTUM_").ignore(&["CONFIG"]).global());
    with_served_public_url(figment, &configured)
}

/// Without a configured `public_url`, links, QR codes and mails point to
/// the address and port actually served (`port = 8080` alone must not
/// leave every link on the default port 8000). `configured` holds only
/// what the file and the environment set.
pub fn with_served_public_url(figment: Figment, configured: &Figment) -> Figment {
    if configured.find_value("public_url").is_ok() {
        return figment;
    }
    let address: std::net::IpAddr = figment
        .extract_inner("address")
        .unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST));
    let port: u16 = figment.extract_inner("port").unwrap_or(8000);
    let host = match address {
        // Served on all interfaces: this machine reaches it on localhost.
        a if a.is_unspecified() => "127.0.0.1".to_owned(),
        std::net::IpAddr::V6(a) => format!("[{a}]"),
        std::net::IpAddr::V4(a) => a.to_string(),
    };
    figment.merge(("public_url", format!("http://{host}:{port}")))
}

/// Reads the settings part of a figment with a readable error.
pub fn settings(figment: &Figment) -> Result<Settings, AppError> {
    figment
        .extract::<Settings>()
        .map_err(|e| AppError::Internal(format!("configuration: {e}")))
}

/// The configured secret key, or one kept in `<data_dir>/secret.key`
/// (created on first start with owner-only permissions).
pub fn secret_key(settings: &Settings) -> Result<votum_crypto::MacKey, AppError> {
    let encoded = key_material(settings, &settings.secret_key, "secret.key")?;
    votum_crypto::MacKey::from_base64(&encoded)
        .map_err(|e| AppError::Internal(format!("secret key: {e}")))
}

/// The sealing key, configured or kept in `<data_dir>/sealing.key`, with
/// the retired keys that still open older values.
pub fn sealing_key(settings: &Settings) -> Result<votum_crypto::seal::SealingKey, AppError> {
    let encoded = key_material(settings, &settings.sealing_key, "sealing.key")?;
    let mut key = votum_crypto::seal::SealingKey::from_base64(&settings.sealing_key_id, &encoded)
        .map_err(|e| AppError::Internal(format!("sealing key: {e}")))?;
    for entry in settings
        .sealing_retired_keys
        .split([',', ' ', '\n'])
        .filter(|e| !e.trim().is_empty())
    {
        let (id, material) = entry.trim().split_once(':').ok_or_else(|| {
            AppError::Internal("sealing_retired_keys: each entry is id:base64".into())
        })?;
        key = key
            .with_retired(id, material)
            .map_err(|e| AppError::Internal(format!("retired sealing key {id:?}: {e}")))?;
    }
    Ok(key)
}

/// Base64 key material: the configured value, else the content of
/// `<data_dir>/<file>`, made from 32 random bytes on first use.
fn key_material(settings: &Settings, configured: &str, file: &str) -> Result<String, AppError> {
    if !configured.is_empty() {
        return Ok(configured.trim().to_owned());
    }
    let path = std::path::Path::new(&settings.data_dir).join(file);
    if let Ok(stored) = std::fs::read_to_string(&path) {
        return Ok(stored.trim().to_owned());
    }
    let (_, encoded) = votum_crypto::MacKey::generate()
        .map_err(|e| AppError::Internal(format!("key generation: {e}")))?;
    let io = |e: std::io::Error| AppError::Internal(format!("{}: {e}", path.display()));
    std::fs::create_dir_all(&settings.data_dir).map_err(io)?;
    write_private(&path, &encoded).map_err(io)?;
    Ok(encoded)
}

#[cfg(unix)]
fn write_private(path: &std::path::Path, content: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(content.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &std::path::Path, content: &str) -> std::io::Result<()> {
    std::fs::write(path, content)
}

#[cfg(test)]
mod tests {
    #[test]
    fn default_log_level_keeps_codes_out_of_logs() {
        // A ballot link carries its code in the query; Rocket logs request
        // lines from level "normal" up.
        let level: String = super::figment()
            .extract_inner("log_level")
            .unwrap_or_default();
        assert_eq!(level, "critical");
    }
}

#[cfg(test)]
mod served_url_tests {
    use super::*;

    fn base() -> Figment {
        Figment::from(rocket::Config::default()).merge(Serialized::defaults(Settings::default()))
    }

    #[test]
    fn public_url_follows_the_served_port_unless_configured() {
        let set = Figment::new().merge(("port", 8123));
        let derived = with_served_public_url(base().merge(("port", 8123)), &set);
        assert_eq!(
            settings(&derived).unwrap().public_url,
            "http://127.0.0.1:8123"
        );

        let all = Figment::new()
            .merge(("address", "0.0.0.0"))
            .merge(("port", 9000));
        let derived = with_served_public_url(
            base().merge(("address", "0.0.0.0")).merge(("port", 9000)),
            &all,
        );
        assert_eq!(
            settings(&derived).unwrap().public_url,
            "http://127.0.0.1:9000"
        );

        let configured = Figment::new()
            .merge(("port", 8123))
            .merge(("public_url", "https://votum.example.org"));
        let kept = with_served_public_url(
            base()
                .merge(("port", 8123))
                .merge(("public_url", "https://votum.example.org")),
            &configured,
        );
        assert_eq!(
            settings(&kept).unwrap().public_url,
            "https://votum.example.org"
        );
    }
}
