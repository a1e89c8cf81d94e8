//! Re-issuing a lost letter without a stored member-to-credential link.
//!
//! When letters are printed, the officers receive a [`ReissueKey`] that the
//! server does not keep. Every letter credential is stored with its
//! [`ReissueKey::tag`]: an HMAC of the ballot and the member under that key.
//! Without the key the tags are random strings and link nobody; with it, the
//! officers can find (and revoke) the credential of exactly the one member
//! whose letter was lost, and nothing about anyone else.

use ring::hmac;

use super::Code;
use crate::CryptoError;

/// Domain tag of re-issue tags, so they can never equal another HMAC.
const TAG_DOMAIN: &[u8] = b"votum-reissue-v1";
/// Domain tag of the tags of credential-authority letters.
const AUTHORITY_TAG_DOMAIN: &[u8] = b"votum-reissue-authority-v1";

/// The officers' key for re-issuing letters of one letter run. It has the
/// form of a voting code (128 random bits, typed with a check character),
/// so it can be written down and typed back safely. Secret: `Debug` hides
/// it and it is wiped on drop.
#[derive(Clone)]
pub struct ReissueKey(Code);

impl ReissueKey {
    /// Draws a fresh key.
    pub fn generate() -> Result<ReissueKey, CryptoError> {
        Code::generate().map(ReissueKey)
    }

    /// The key typed back by an officer.
    pub fn parse(text: &str) -> Result<ReissueKey, super::CodeError> {
        Code::parse(text).map(ReissueKey)
    }

    /// The key as shown to the officers (the voting code's text form).
    pub fn display(&self) -> String {
        self.0.display()
    }

    /// The tag stored with the credential of `member` in `ballot_id`:
    /// HMAC-SHA256 keyed with the 16 key bytes over
    /// `b"votum-reissue-v1\0" || ballot_id || b"\0" || member (decimal)`,
    /// URL-safe base64 without padding.
    pub fn tag(&self, ballot_id: &str, member: i64) -> String {
        let key = hmac::Key::new(hmac::HMAC_SHA256, self.0.as_bytes());
        let mut ctx = hmac::Context::with_key(&key);
        ctx.update(TAG_DOMAIN);
        ctx.update(&[0]);
        ctx.update(ballot_id.as_bytes());
        ctx.update(&[0]);
        ctx.update(member.to_string().as_bytes());
        crate::base64url::encode(ctx.sign().as_ref())
    }

    /// The tag of the `n`-th replacement of `member`'s letter: `n = 0` is
    /// the first letter's [`ReissueKey::tag`]; for `n > 0`, the HMAC of the
    /// same input followed by `b"\0" || n (decimal)`. A replacement never
    /// keeps the lost letter's tag, so without the key nothing in the
    /// database says that the two credentials belong to one member.
    pub fn replacement_tag(&self, ballot_id: &str, member: i64, n: u32) -> String {
        if n == 0 {
            return self.tag(ballot_id, member);
        }
        let key = hmac::Key::new(hmac::HMAC_SHA256, self.0.as_bytes());
        let mut ctx = hmac::Context::with_key(&key);
        ctx.update(TAG_DOMAIN);
        ctx.update(&[0]);
        ctx.update(ballot_id.as_bytes());
        ctx.update(&[0]);
        ctx.update(member.to_string().as_bytes());
        ctx.update(&[0]);
        ctx.update(n.to_string().as_bytes());
        crate::base64url::encode(ctx.sign().as_ref())
    }

    /// The tag of a letter made by a credential authority (see
    /// `docs/election-record.md`, "Credential authority"): the authority
    /// knows members by membership number only, so the tag is
    /// HMAC-SHA256 keyed with the 16 key bytes over
    /// `b"votum-reissue-authority-v1\0" || ballot_id || b"\0" ||
    /// membership_number`, URL-safe base64 without padding. Each authority
    /// run draws a fresh key, so a replacement letter (made by a later run)
    /// never carries the lost letter's tag.
    pub fn authority_tag(&self, ballot_id: &str, membership_number: &str) -> String {
        let key = hmac::Key::new(hmac::HMAC_SHA256, self.0.as_bytes());
        let mut ctx = hmac::Context::with_key(&key);
        ctx.update(AUTHORITY_TAG_DOMAIN);
        ctx.update(&[0]);
        ctx.update(ballot_id.as_bytes());
        ctx.update(&[0]);
        ctx.update(membership_number.as_bytes());
        crate::base64url::encode(ctx.sign().as_ref())
    }
}

impl std::fmt::Debug for ReissueKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ReissueKey(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_depend_on_key_ballot_and_member() {
        let key = ReissueKey(Code::from_bytes([1u8; 16]));
        let other = ReissueKey(Code::from_bytes([2u8; 16]));
        let tag = key.tag("b1", 42);
        assert_eq!(tag, key.tag("b1", 42));
        assert_ne!(tag, key.tag("b1", 43));
        assert_ne!(tag, key.tag("b2", 42));
        assert_ne!(tag, other.tag("b1", 42));
        // The separator keeps ("b1", 42) apart from ("b14", 2).
        assert_ne!(key.tag("b1", 42), key.tag("b14", 2));
    }

    #[test]
    fn tag_matches_its_definition() {
        let key = ReissueKey(Code::from_bytes([3u8; 16]));
        let mac = hmac::sign(
            &hmac::Key::new(hmac::HMAC_SHA256, &[3u8; 16]),
            b"votum-reissue-v1\0ballot\x007",
        );
        assert_eq!(key.tag("ballot", 7), crate::base64url::encode(mac.as_ref()));
    }

    #[test]
    fn replacement_tags_differ_from_the_first_and_each_other() {
        let key = ReissueKey(Code::from_bytes([4u8; 16]));
        assert_eq!(key.replacement_tag("b", 1, 0), key.tag("b", 1));
        let first = key.replacement_tag("b", 1, 1);
        assert_ne!(first, key.tag("b", 1));
        assert_ne!(first, key.replacement_tag("b", 1, 2));
        assert_ne!(first, key.replacement_tag("b", 2, 1));
        let mac = hmac::sign(
            &hmac::Key::new(hmac::HMAC_SHA256, &[4u8; 16]),
            b"votum-reissue-v1\0b\x001\x001",
        );
        assert_eq!(first, crate::base64url::encode(mac.as_ref()));
    }

    #[test]
    fn typed_key_round_trips_and_debug_hides_it() {
        let key = ReissueKey::generate().unwrap();
        let shown = key.display();
        let typed = ReissueKey::parse(&shown.to_lowercase()).unwrap();
        assert_eq!(typed.tag("b", 1), key.tag("b", 1));
        assert!(!format!("{key:?}").contains(&shown));
        assert!(ReissueKey::parse("0000").is_err());
    }

    #[test]
    fn authority_tag_matches_its_definition_and_differs_from_server_tags() {
        let key = ReissueKey(Code::from_bytes([5u8; 16]));
        let mac = hmac::sign(
            &hmac::Key::new(hmac::HMAC_SHA256, &[5u8; 16]),
            b"votum-reissue-authority-v1\0b\x001000102",
        );
        assert_eq!(
            key.authority_tag("b", "1000102"),
            crate::base64url::encode(mac.as_ref())
        );
        assert_ne!(key.authority_tag("b", "7"), key.tag("b", 7));
        assert_ne!(key.authority_tag("b", "7"), key.authority_tag("b", "8"));
    }
}
