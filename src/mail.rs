//! All outgoing mail goes through here. With `smtp_url` configured it is
//! sent over SMTP and only its envelope (recipient, subject, time) is kept in
//! the outbox; without, the whole message waits in the outbox, where admins
//! read it at `/admin/outbox` and deliver it by hand.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use lettre::message::Mailbox;
use lettre::{Message, SmtpTransport, Transport};

use crate::db::models::OutboxMessage;
use crate::db::schema::outbox;
use crate::db::DbConn;
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
