//! Portal codes that the member can see again and that the database cannot
//! link to the member.
//!
//! When a ballot opens, the server draws one [`PortalKey`] for it, keeps it
//! sealed at rest, and derives every portal elector's code from it
//! ([`PortalKey::code`]). All portal credentials are stored at that moment,
//! in one transaction, in key order, so no later write pairs a member with
//! a credential: showing a member their code writes nothing. The key is
//! erased when the ballot closes; from then on nobody can recompute which
//! code belonged to whom.

use ring::hmac;
use zeroize::{Zeroize, ZeroizeOnDrop};

use super::Code;
use crate::CryptoError;

/// Domain tag of portal codes, so they can never equal another HMAC.
const CODE_DOMAIN: &[u8] = b"votum-portal-code-v1";

/// The per-ballot secret from which portal codes are derived. Secret:
/// `Debug` hides it and it is wiped on drop.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct PortalKey([u8; 32]);

impl PortalKey {
    /// Draws a fresh key from the operating system's CSPRNG.
    pub fn generate() -> Result<PortalKey, CryptoError> {
        let mut key = PortalKey([0u8; 32]);
        crate::fill_random(&mut key.0)?;
        Ok(key)
    }

    /// The key from its 32 bytes (as unsealed from storage).
    pub fn from_bytes(bytes: &[u8]) -> Result<PortalKey, CryptoError> {
        let bytes: [u8; 32] = bytes
            .try_into()
            .map_err(|_| CryptoError::InvalidKey("a portal key has 32 bytes"))?;
        Ok(PortalKey(bytes))
    }

    /// The 32 key bytes, to be sealed for storage.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The portal code of `member` in `ballot_id`: the first 16 bytes of
    /// HMAC-SHA256 keyed with the 32 key bytes over
    /// `b"votum-portal-code-v1\0" || ballot_id || b"\0" || member (decimal)`.
    pub fn code(&self, ballot_id: &str, member: i64) -> Code {
        let key = hmac::Key::new(hmac::HMAC_SHA256, &self.0);
        let mut ctx = hmac::Context::with_key(&key);
        ctx.update(CODE_DOMAIN);
        ctx.update(&[0]);
        ctx.update(ballot_id.as_bytes());
        ctx.update(&[0]);
        ctx.update(member.to_string().as_bytes());
        let tag = ctx.sign();
        let mut bytes = [0u8; 16];
        bytes.copy_from_slice(tag.as_ref().get(..16).unwrap_or(&[0u8; 16]));
        Code::from_bytes(bytes)
    }
}

impl std::fmt::Debug for PortalKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PortalKey(<redacted>)")
    }
}

/// A tag of the same form as [`super::ReissueKey::tag`] (32 bytes, URL-safe
/// base64 without padding) made of random bytes: stored with credentials
/// that nobody will look up by tag (portal credentials), so that every
/// credential row has the same shape and none stands out by an empty tag.
pub fn random_tag() -> Result<String, CryptoError> {
    let mut bytes = [0u8; 32];
    crate::fill_random(&mut bytes)?;
    Ok(crate::base64url::encode(&bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_depend_on_key_ballot_and_member() {
        let key = PortalKey([1u8; 32]);
        let other = PortalKey([2u8; 32]);
        let code = key.code("b1", 42);
        assert_eq!(code, key.code("b1", 42));
        assert_ne!(code, key.code("b1", 43));
        assert_ne!(code, key.code("b2", 42));
        assert_ne!(code, other.code("b1", 42));
        assert_ne!(key.code("b1", 42), key.code("b14", 2));
    }

    #[test]
    fn code_matches_its_definition() {
        let key = PortalKey([3u8; 32]);
        let mac = hmac::sign(
            &hmac::Key::new(hmac::HMAC_SHA256, &[3u8; 32]),
            b"votum-portal-code-v1\0ballot\x007",
        );
        assert_eq!(key.code("ballot", 7).as_bytes(), &mac.as_ref()[..16]);
    }

    #[test]
    fn key_round_trips_and_debug_hides_it() {
        let key = PortalKey::generate().unwrap();
        let back = PortalKey::from_bytes(key.as_bytes()).unwrap();
        assert_eq!(back.code("b", 1), key.code("b", 1));
        assert!(PortalKey::from_bytes(&[0u8; 31]).is_err());
        assert_eq!(format!("{key:?}"), "PortalKey(<redacted>)");
    }

    #[test]
    fn random_tags_look_like_reissue_tags() {
        let reissue = super::super::ReissueKey::generate().unwrap().tag("b", 1);
        let tag = random_tag().unwrap();
        assert_eq!(tag.len(), reissue.len());
        assert_ne!(tag, random_tag().unwrap());
    }
}
