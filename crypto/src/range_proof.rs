//! The disjunctive Chaum-Pedersen proof that an ElGamal ciphertext encrypts
//! one of the integers lo, lo+1, …, hi, without saying which.
//!
//! This is the proof of Cramer, Damgård and Schoenmakers ("Proofs of
//! partial knowledge", 1994; Cramer, Gennaro, Schoenmakers 1997) that Helios
//! and Belenios use for each mark ("iprove") and for the number of marks of
//! a question ("overall proof"); see the Belenios specification, §4.9 to
//! §4.11. For each value i of the range the statement "(α, β·G^−i) is a
//! Diffie-Hellman pair for (G, Y)" is proved, one branch honestly and the
//! others simulated, and the branch challenges must add up to the
//! Fiat-Shamir challenge.
//!
//! One difference from Belenios, for speed: a branch keeps its commitments
//! (A_i, B_i) next to its challenge c_i and response s_i. A verifier then
//! only hashes to get the challenge and can check the two equations of every
//! branch of many ballots at once, folded by random weights into one
//! multi-scalar multiplication ([`crate::ballot_batch::verify_batch`]).
//!
//! Each branch i satisfies
//!
//! ```text
//! s_i·G = A_i + c_i·α
//! s_i·Y = B_i + c_i·(β − i·G)
//! Σ c_i = H(transcript || lo || hi || A_lo || B_lo || … || A_hi || B_hi)
//! ```

use crate::elgamal::{Ciphertext, PublicKey};
use crate::group::{
    decode_public_point, decode_scalar, encode_point, generator, Point, Scalar, ScalarSource,
    Transcript,
};
use crate::CryptoError;
use curve25519_dalek::constants::RISTRETTO_BASEPOINT_TABLE;
use curve25519_dalek::traits::{MultiscalarMul, VartimeMultiscalarMul};
use serde::{Deserialize, Serialize};

/// One branch of a range proof as published: commitments A = `a`, B = `b`,
/// challenge c = `c`, response s = `s`, each 32 bytes in base64url.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProofBranch {
    /// Commitment A_i (a point).
    #[serde(with = "crate::base64url::array")]
    pub a: [u8; 32],
    /// Commitment B_i (a point).
    #[serde(with = "crate::base64url::array")]
    pub b: [u8; 32],
    /// Challenge c_i (a scalar).
    #[serde(with = "crate::base64url::array")]
    pub c: [u8; 32],
    /// Response s_i (a scalar).
    #[serde(with = "crate::base64url::array")]
    pub s: [u8; 32],
}

/// A proof that a ciphertext encrypts a value in lo..=hi: one branch per
/// value, in increasing order. Written in JSON as the array of branches.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RangeProof {
    /// Branches for lo, lo+1, …, hi.
    pub branches: Vec<ProofBranch>,
}

/// Why a proof was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProofFault {
    /// The proof has not one branch per value of the range.
    BranchCount {
        /// hi − lo + 1.
        expected: u64,
        /// Branches present.
        found: usize,
    },
    /// A commitment is no canonical point, or the identity.
    Point,
    /// A challenge or response is not a canonical scalar (≥ ℓ or malformed).
    Scalar,
    /// The branch challenges do not add up to the transcript's challenge.
    Challenge,
    /// A verification equation does not hold.
    Equation,
}

impl std::fmt::Display for ProofFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProofFault::BranchCount { expected, found } => {
                write!(f, "{found} proof branches where {expected} are needed")
            }
            ProofFault::Point => f.write_str("a commitment is not a canonical point"),
            ProofFault::Scalar => {
                f.write_str("a challenge or response is not below the group order")
            }
            ProofFault::Challenge => {
                f.write_str("the branch challenges do not add up to the Fiat-Shamir challenge")
            }
            ProofFault::Equation => f.write_str("a proof equation does not hold"),
        }
    }
}

/// A decoded branch whose challenges were already checked against the
/// transcript; only the equations remain.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CheckedBranch {
    pub(crate) value: u64,
    pub(crate) a: Point,
    pub(crate) b: Point,
    pub(crate) c: Scalar,
    pub(crate) s: Scalar,
}

/// Appends the bounds to `transcript` (the caller has appended the
/// election, key, credential and ciphertexts already).
fn append_bounds(transcript: &mut Transcript, lo: u64, hi: u64) {
    transcript.append_u64(b"min", lo).append_u64(b"max", hi);
}

impl RangeProof {
    /// Proves that `ciphertext` = (G^r, Y^r·G^message) encrypts a value in
    /// lo..=hi. `transcript` holds the statement so far (see the module
    /// documentation of [`crate::encrypted_ballot`] for the order).
    ///
    /// Fails with [`CryptoError::Encoding`] when `message` is outside the
    /// range (no proof exists), or when the source fails.
    #[allow(clippy::too_many_arguments)]
    pub fn prove(
        mut transcript: Transcript,
        key: &PublicKey,
        ciphertext: &Ciphertext,
        r: &Scalar,
        message: u64,
        lo: u64,
        hi: u64,
        source: &mut dyn ScalarSource,
    ) -> Result<RangeProof, CryptoError> {
        if message < lo || message > hi {
            return Err(CryptoError::Encoding(
                "the message is outside the proved range",
            ));
        }
        let y = key.point();
        let g = generator();
        let mut branches =
            Vec::with_capacity(usize::try_from((hi - lo).saturating_add(1)).unwrap_or(0));
        let mut simulated_sum = Scalar::ZERO;
        let mut w = Scalar::ZERO;
        for value in lo..=hi {
            if value == message {
                w = source.scalar()?;
                let a = &w * RISTRETTO_BASEPOINT_TABLE;
                let b = y * w;
                branches.push(ProofBranch {
                    a: encode_point(&a),
                    b: encode_point(&b),
                    c: [0; 32],
                    s: [0; 32],
                });
            } else {
                let c = source.scalar()?;
                let s = source.scalar()?;
                // A = s·G − c·α, B = s·Y − c·(β − value·G), in constant
                // time so the timing of the simulated branches says nothing
                // about which branch is the real one.
                let a = Point::multiscalar_mul([s, -c], [g, ciphertext.alpha]);
                let b = Point::multiscalar_mul(
                    [s, -c, c * Scalar::from(value)],
                    [*y, ciphertext.beta, g],
                );
                simulated_sum += c;
                branches.push(ProofBranch {
                    a: encode_point(&a),
                    b: encode_point(&b),
                    c: c.to_bytes(),
                    s: s.to_bytes(),
                });
            }
        }
        append_bounds(&mut transcript, lo, hi);
        for branch in &branches {
            transcript
                .append_bytes(b"a", &branch.a)
                .append_bytes(b"b", &branch.b);
        }
        let challenge = transcript.challenge();
        let real_c = challenge - simulated_sum;
        let real_s = w + real_c * r;
        zeroize::Zeroize::zeroize(&mut w);
        let index =
            usize::try_from(message - lo).map_err(|_| CryptoError::Encoding("range too large"))?;
        let real = branches
            .get_mut(index)
            .ok_or(CryptoError::Encoding("range too large"))?;
        real.c = real_c.to_bytes();
        real.s = real_s.to_bytes();
        Ok(RangeProof { branches })
    }

    /// Decodes the proof and checks its shape and its challenges against
    /// `transcript` (hashing only, no point arithmetic beyond decoding); the
    /// equations are left to [`verify_equations`] or to a batch.
    pub(crate) fn check_challenges(
        &self,
        mut transcript: Transcript,
        lo: u64,
        hi: u64,
    ) -> Result<Vec<CheckedBranch>, ProofFault> {
        let expected = hi.saturating_sub(lo).saturating_add(1);
        if hi < lo || u64::try_from(self.branches.len()) != Ok(expected) {
            return Err(ProofFault::BranchCount {
                expected,
                found: self.branches.len(),
            });
        }
        append_bounds(&mut transcript, lo, hi);
        let mut checked = Vec::with_capacity(self.branches.len());
        let mut sum = Scalar::ZERO;
        for (value, branch) in (lo..=hi).zip(&self.branches) {
            let a = decode_public_point(&branch.a).map_err(|_| ProofFault::Point)?;
            let b = decode_public_point(&branch.b).map_err(|_| ProofFault::Point)?;
            let c = decode_scalar(&branch.c).map_err(|_| ProofFault::Scalar)?;
            let s = decode_scalar(&branch.s).map_err(|_| ProofFault::Scalar)?;
            transcript
                .append_bytes(b"a", &branch.a)
                .append_bytes(b"b", &branch.b);
            sum += c;
            checked.push(CheckedBranch { value, a, b, c, s });
        }
        if sum != transcript.challenge() {
            return Err(ProofFault::Challenge);
        }
        Ok(checked)
    }

    /// Verifies the whole proof for `ciphertext` (challenges and equations),
    /// one branch after the other.
    pub fn verify(
        &self,
        transcript: Transcript,
        key: &PublicKey,
        ciphertext: &Ciphertext,
        lo: u64,
        hi: u64,
    ) -> Result<(), ProofFault> {
        let branches = self.check_challenges(transcript, lo, hi)?;
        verify_equations(&branches, key, ciphertext)
    }
}

/// Checks the equations of decoded branches exactly (no randomness), so a
/// failure is attributed to this proof.
pub(crate) fn verify_equations(
    branches: &[CheckedBranch],
    key: &PublicKey,
    ciphertext: &Ciphertext,
) -> Result<(), ProofFault> {
    let g = generator();
    for branch in branches {
        let a =
            Point::vartime_double_scalar_mul_basepoint(&-branch.c, &ciphertext.alpha, &branch.s);
        let b = Point::vartime_multiscalar_mul(
            [branch.s, -branch.c, branch.c * Scalar::from(branch.value)],
            [*key.point(), ciphertext.beta, g],
        );
        if a != branch.a || b != branch.b {
            return Err(ProofFault::Equation);
        }
    }
    Ok(())
}
