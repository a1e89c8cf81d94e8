//! The two zero-knowledge proofs of the trustees, both Σ-protocols made
//! non-interactive by strong Fiat-Shamir ([`Transcript`]):
//!
//! * knowledge of a discrete logarithm (Schnorr): for X = G^x, commitment
//!   A = G^w, challenge c, response s = w + c·x; the verifier recomputes
//!   A = G^s · X^{−c};
//! * equality of discrete logarithms (Chaum-Pedersen, CRYPTO 1992): for
//!   Y = G^x and D = α^x, commitments A = G^w and B = α^w, response
//!   s = w + c·x; the verifier recomputes A = G^s · Y^{−c}, B = α^s · D^{−c}.
//!
//! A proof is written as (challenge, response); the verifier recomputes the
//! commitments and the challenge. This form cannot be batch-verified with a
//! random linear combination (that needs the commitments), which is fine:
//! a tally has one ciphertext per option, so a partial decryption has a few
//! dozen proofs at most, each two double-scalar multiplications.

use super::encoding;
use crate::group::{generator, Point, Scalar, ScalarSource, Transcript};
use crate::CryptoError;
use serde::{Deserialize, Serialize};

/// A proof as written in files: the challenge and the response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Proof {
    /// The Fiat-Shamir challenge c.
    #[serde(with = "encoding::scalar")]
    pub challenge: Scalar,
    /// The response s = w + c·x.
    #[serde(with = "encoding::scalar")]
    pub response: Scalar,
}

/// The labelled values hashed after the domain and before the statement
/// (the ceremony or election fingerprint, the trustee index).
pub(crate) type Context<'a> = &'a [(&'a [u8], &'a [u8])];

fn start(domain: &[u8], context: Context<'_>) -> Transcript {
    let mut transcript = Transcript::new(domain);
    for (label, bytes) in context {
        transcript.append_bytes(label, bytes);
    }
    transcript
}

fn key_challenge(
    domain: &[u8],
    context: Context<'_>,
    public: &Point,
    commitment: &Point,
) -> Scalar {
    let mut transcript = start(domain, context);
    transcript
        .append_point(b"key", public)
        .append_point(b"commitment", commitment);
    transcript.challenge()
}

/// Proves knowledge of `secret` with `public` = G^`secret`.
pub(crate) fn prove_key(
    domain: &[u8],
    context: Context<'_>,
    secret: &Scalar,
    public: &Point,
    source: &mut dyn ScalarSource,
) -> Result<Proof, CryptoError> {
    let w = source.scalar()?;
    let challenge = key_challenge(domain, context, public, &(generator() * w));
    Ok(Proof {
        challenge,
        response: w + challenge * secret,
    })
}

/// Checks a proof made by [`prove_key`].
pub(crate) fn verify_key(
    domain: &[u8],
    context: Context<'_>,
    public: &Point,
    proof: &Proof,
) -> bool {
    let commitment =
        Point::vartime_double_scalar_mul_basepoint(&(-proof.challenge), public, &proof.response);
    key_challenge(domain, context, public, &commitment) == proof.challenge
}

/// The statement of a decryption factor: Y = G^x and D = α^x.
pub(crate) struct Dleq<'a> {
    pub(crate) key: &'a Point,
    pub(crate) alpha: &'a Point,
    pub(crate) factor: &'a Point,
}

const DLEQ_DOMAIN: &[u8] = b"partial-decryption";

fn dleq_challenge(context: Context<'_>, statement: &Dleq<'_>, a: &Point, b: &Point) -> Scalar {
    let mut transcript = start(DLEQ_DOMAIN, context);
    transcript
        .append_point(b"verification-key", statement.key)
        .append_point(b"alpha", statement.alpha)
        .append_point(b"factor", statement.factor)
        .append_point(b"commitment-g", a)
        .append_point(b"commitment-alpha", b);
    transcript.challenge()
}

/// Proves log_G Y = log_α D = `secret`.
pub(crate) fn prove_dleq(
    context: Context<'_>,
    statement: &Dleq<'_>,
    secret: &Scalar,
    source: &mut dyn ScalarSource,
) -> Result<Proof, CryptoError> {
    let w = source.scalar()?;
    let challenge = dleq_challenge(
        context,
        statement,
        &(generator() * w),
        &(statement.alpha * w),
    );
    Ok(Proof {
        challenge,
        response: w + challenge * secret,
    })
}

/// Checks a proof made by [`prove_dleq`].
pub(crate) fn verify_dleq(context: Context<'_>, statement: &Dleq<'_>, proof: &Proof) -> bool {
    let minus_c = -proof.challenge;
    let a = Point::vartime_double_scalar_mul_basepoint(&minus_c, statement.key, &proof.response);
    let b = statement.alpha * proof.response + statement.factor * minus_c;
    dleq_challenge(context, statement, &a, &b) == proof.challenge
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::group::SeededScalars;

    #[test]
    fn proofs_verify_only_for_their_statement_and_context() {
        let mut source = SeededScalars::new(b"proofs");
        let x = source.scalar().unwrap();
        let y = generator() * x;
        let context: Context<'_> = &[(b"ceremony", b"one")];
        let proof = prove_key(b"k", context, &x, &y, &mut source).unwrap();
        assert!(verify_key(b"k", context, &y, &proof));
        assert!(!verify_key(b"other", context, &y, &proof));
        assert!(!verify_key(b"k", &[(b"ceremony", b"two")], &y, &proof));
        assert!(!verify_key(b"k", context, &(y + generator()), &proof));

        let alpha = generator() * source.scalar().unwrap();
        let factor = alpha * x;
        let statement = Dleq {
            key: &y,
            alpha: &alpha,
            factor: &factor,
        };
        let proof = prove_dleq(context, &statement, &x, &mut source).unwrap();
        assert!(verify_dleq(context, &statement, &proof));
        assert!(!verify_dleq(&[(b"election", b"one")], &statement, &proof));
        let wrong = factor + generator();
        let forged = Dleq {
            factor: &wrong,
            ..statement
        };
        assert!(!verify_dleq(context, &forged, &proof));
    }
}
