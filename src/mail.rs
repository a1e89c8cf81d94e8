//! All outgoing mail goes through here. With `smtp_url` configured it is
//! sent over SMTP and only its envelope (recipient, subject, time) is kept in
//! the outbox; without, the whole message waits in the outbox, where admins
//! read it at `/admin/outbox` and deliver it by hand.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use lettre::message::Mailbox;
use lettre::{Message, SmtpTransport, Transport};

use crate::clock::SharedClock;
use crate::db::models::OutboxMessage;
use crate::db::schema::outbox;
use crate::db::{Db, DbConn};
use crate::error::{AppError, AppResult};

#[derive(Clone)]
pub struct Mailer {
    from: Mailbox,
    smtp: Option<SmtpTransport>,
}

/// One message to send.
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

impl Mailer {
    pub fn new(smtp_url: &str, from: &str) -> AppResult<Mailer> {
        let from: Mailbox = from
            .parse()
            .map_err(|e| AppError::Internal(format!("mail_from {from:?}: {e}")))?;
        let smtp = if smtp_url.is_empty() {
            None
        } else {
            Some(
                SmtpTransport::from_url(smtp_url)
                    .map_err(|e| AppError::Internal(format!("smtp_url: {e}")))?
                    .build(),
            )
        };
        Ok(Mailer { from, smtp })
    }

    /// Sends or queues `mail`. A failed SMTP delivery is recorded in the
    /// outbox with its error (and the body, so an admin can resend it).
    pub fn send(&self, conn: &mut DbConn, now: NaiveDateTime, mail: Mail) -> AppResult<()> {
        let mut row = OutboxMessage {
            id: votum_crypto::random_id()?,
            created_at: now,
            recipient: mail.to.clone(),
            subject: mail.subject.clone(),
            body: Some(mail.body.clone()),
            sent_at: None,
            error: None,
        };
        if let Some(smtp) = &self.smtp {
            match self.deliver(smtp, mail) {
                Ok(()) => {
                    row.sent_at = Some(now);
                    row.body = None;
                }
                Err(e) => {
                    log::warn!("SMTP delivery failed: {e}");
                    row.error = Some(e);
                }
            }
        }
        diesel::insert_into(outbox::table)
            .values(row)
            .execute(conn)?;
        Ok(())
    }

    /// Stores `mail` in the outbox and returns its delivery, to be started
    /// once the transaction that stored it has committed. The request does
    /// not wait for the mail server: a reset request answers in the same
    /// time whether or not a mail goes out.
    pub fn queue(&self, conn: &mut DbConn, now: NaiveDateTime, mail: Mail) -> AppResult<Delivery> {
        let id = votum_crypto::random_id()?;
        diesel::insert_into(outbox::table)
            .values(OutboxMessage {
                id,
                created_at: now,
                recipient: mail.to.clone(),
                subject: mail.subject.clone(),
                body: Some(mail.body.clone()),
                sent_at: None,
                error: None,
            })
            .execute(conn)?;
        Ok(Delivery {
            id,
            mail,
            mailer: self.clone(),
        })
    }

    fn deliver(&self, smtp: &SmtpTransport, mail: Mail) -> Result<(), String> {
        let to: Mailbox = mail.to.parse().map_err(|e| format!("recipient: {e}"))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject)
            .body(mail.body)
            .map_err(|e| e.to_string())?;
        smtp.send(&message).map(|_| ()).map_err(|e| e.to_string())
    }
}

/// The newest outbox entries, for admins.
pub fn outbox_page(conn: &mut DbConn, limit: i64) -> AppResult<Vec<OutboxMessage>> {
    Ok(outbox::table
        .order(outbox::created_at.desc())
        .limit(limit)
        .select(OutboxMessage::as_select())
        .load(conn)?)
}

/// A mail stored in the outbox by [`Mailer::queue`], not yet delivered.
pub struct Delivery {
    id: i64,
    mail: Mail,
    mailer: Mailer,
}

impl Delivery {
    /// Delivers over SMTP on a thread of its own and records the outcome in
    /// the outbox row (as [`Mailer::send`] does); without SMTP the mail
    /// simply waits in the outbox. Call after the row is committed.
    pub fn start(self, db: Db, clock: SharedClock) {
        let Some(smtp) = self.mailer.smtp.clone() else {
            return;
        };
        let spawned = std::thread::Builder::new()
            .name("mail delivery".into())
            .spawn(move || {
                let outcome = self.mailer.deliver(&smtp, self.mail);
                let now = clock.now();
                let row = outbox::table.find(self.id);
                let stored = db.get().and_then(|mut conn| {
                    let update = match &outcome {
                        Ok(()) => diesel::update(row)
                            .set((
                                outbox::sent_at.eq(Some(now)),
                                outbox::body.eq(None::<String>),
                            ))
                            .execute(&mut *conn),
                        Err(e) => diesel::update(row)
                            .set(outbox::error.eq(Some(e.clone())))
                            .execute(&mut *conn),
                    };
                    update.map_err(AppError::from)
                });
                if let Err(e) = &outcome {
                    log::warn!("SMTP delivery failed: {e}");
                }
                if let Err(e) = stored {
                    log::error!("recording a mail delivery: {e}");
                }
            });
        if let Err(e) = spawned {
            log::error!("starting mail delivery: {e}");
        }
    }
}
