//! The state every request shares: database pool, clock, keys, settings,
//! message catalogues and the mailer.

use std::sync::Arc;

use crate::clock::SharedClock;
use crate::config::Settings;
use crate::db::Db;
use crate::i18n::Catalogues;
use crate::mail::Mailer;

pub struct App {
    pub db: Db,
    pub clock: SharedClock,
    pub key: votum_crypto::MacKey,
    pub sealing: Arc<votum_crypto::seal::SealingKey>,
    pub settings: Settings,
    pub catalogues: Arc<Catalogues>,
    pub mailer: Mailer,
}
