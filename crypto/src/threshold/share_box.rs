//! Encrypting a share to its receiver: ElGamal key encapsulation on
//! Ristretto255 (ECIES/DHIES style) with HKDF-SHA256 and ChaCha20-Poly1305
//! from `ring`.
//!
//! For the receiver's key P = G^p: the sender draws r, sends R = G^r and
//! derives the key HKDF-SHA256(salt = `b"votum-trustee-share-v2"`,
//! ikm = enc(P^r), info = enc(R) || enc(P)). Each key seals exactly one
//! share, so the nonce is twelve zero bytes. The associated data binds the
//! share to its place: `b"votum-trustee-share-v2\0"` || ceremony
//! fingerprint || roster hash || sender index (4 bytes, big-endian) ||
//! receiver index (4 bytes, big-endian). The plaintext is the share's
//! 32-byte scalar encoding.

use crate::group::{
    decode_scalar, encode_point, encode_scalar, generator, Point, Scalar, ScalarSource,
};
use crate::CryptoError;
use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, CHACHA20_POLY1305, NONCE_LEN};
use ring::hkdf;
use zeroize::Zeroizing;

const TAG: &[u8] = b"votum-trustee-share-v2";

/// Where a share belongs: the associated data of its encryption.
pub(crate) struct Place<'a> {
    pub(crate) ceremony: &'a [u8; 32],
    pub(crate) roster: &'a [u8; 32],
    pub(crate) sender: u32,
    pub(crate) receiver: u32,
}

impl Place<'_> {
    fn associated_data(&self) -> Vec<u8> {
        let mut aad = Vec::with_capacity(TAG.len() + 1 + 64 + 8);
        aad.extend_from_slice(TAG);
        aad.push(0);
        aad.extend_from_slice(self.ceremony);
        aad.extend_from_slice(self.roster);
        aad.extend_from_slice(&self.sender.to_be_bytes());
        aad.extend_from_slice(&self.receiver.to_be_bytes());
        aad
    }
}

fn aead_key(
    shared: &Point,
    ephemeral: &Point,
    receiver: &Point,
) -> Result<LessSafeKey, CryptoError> {
    let shared = Zeroizing::new(encode_point(shared));
    let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, TAG).extract(shared.as_ref());
    let (ephemeral, receiver) = (encode_point(ephemeral), encode_point(receiver));
    let info = [ephemeral.as_slice(), receiver.as_slice()];
    let okm = prk
        .expand(&info, &CHACHA20_POLY1305)
        .map_err(|_| CryptoError::InvalidKey("key derivation failed"))?;
    Ok(LessSafeKey::new(UnboundKey::from(okm)))
}

/// Encrypts `share` to `receiver`; returns the ephemeral point R and the
/// ciphertext with its tag (48 bytes).
pub(crate) fn seal(
    share: &Scalar,
    receiver: &Point,
    place: &Place<'_>,
    source: &mut dyn ScalarSource,
) -> Result<(Point, Vec<u8>), CryptoError> {
    let r = Zeroizing::new(source.scalar()?);
    let ephemeral = generator() * *r;
    let key = aead_key(&(receiver * *r), &ephemeral, receiver)?;
    let mut body = encode_scalar(share).to_vec();
    key.seal_in_place_append_tag(
        Nonce::assume_unique_for_key([0u8; NONCE_LEN]),
        Aad::from(place.associated_data()),
        &mut body,
    )
    .map_err(|_| CryptoError::InvalidKey("sealing failed"))?;
    Ok((ephemeral, body))
}

/// Opens a share sealed by [`seal`] with the receiver's secret key. `None`
/// when the ciphertext does not open at this place or holds no scalar.
pub(crate) fn open(
    ciphertext: &[u8],
    ephemeral: &Point,
    secret: &Scalar,
    place: &Place<'_>,
) -> Option<Zeroizing<Scalar>> {
    let receiver = generator() * secret;
    let key = aead_key(&(ephemeral * secret), ephemeral, &receiver).ok()?;
    let mut body = Zeroizing::new(ciphertext.to_vec());
    let plain = key
        .open_in_place(
            Nonce::assume_unique_for_key([0u8; NONCE_LEN]),
            Aad::from(place.associated_data()),
            &mut body,
        )
        .ok()?;
    decode_scalar(plain).ok().map(Zeroizing::new)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::group::SeededScalars;

    #[test]
    fn a_share_opens_only_for_its_receiver_and_place() {
        let mut source = SeededScalars::new(b"share box");
        let secret = source.scalar().unwrap();
        let receiver = generator() * secret;
        let share = source.scalar().unwrap();
        let (ceremony, roster) = ([1u8; 32], [2u8; 32]);
        let place = Place {
            ceremony: &ceremony,
            roster: &roster,
            sender: 1,
            receiver: 2,
        };
        let (ephemeral, ciphertext) = seal(&share, &receiver, &place, &mut source).unwrap();
        assert_eq!(
            *open(&ciphertext, &ephemeral, &secret, &place).unwrap(),
            share
        );
        let other = source.scalar().unwrap();
        assert!(open(&ciphertext, &ephemeral, &other, &place).is_none());
        let moved = Place { sender: 3, ..place };
        assert!(open(&ciphertext, &ephemeral, &secret, &moved).is_none());
        let mut flipped = ciphertext.clone();
        if let Some(byte) = flipped.first_mut() {
            *byte ^= 1;
        }
        assert!(open(&flipped, &ephemeral, &secret, &place).is_none());
    }
}
