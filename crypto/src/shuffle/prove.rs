//! Making a shuffle and its proof.
//!
//! All randomness is drawn from the caller's [`ScalarSource`] first, in a
//! fixed order, so that [`crate::group::SeededScalars`] gives reproducible
//! test vectors; the point arithmetic then runs on all cores.
//!
//! The big sums (t_3, t_4) use variable-time multi-scalar multiplication
//! over secret scalars ω'_i. The mix runs offline on the trustee's own
//! machine, and the time of one such sum aggregates N secret scalars;
//! Verificatum and Belenios make the same choice. Every single-base product
//! with a secret (re-encryption, commitments, chain) uses constant-time
//! precomputed tables.

use super::{
    batching_challenges, batching_seed, challenge, generators, par_msm, CiphertextRows,
    Commitments, ShuffleError, ShuffleParameters, ShuffleProof,
};
use crate::elgamal::{Ciphertext, EncodedCiphertext};
use crate::group::{encode_point, Point, Scalar, ScalarSource};
use curve25519_dalek::constants::RISTRETTO_BASEPOINT_TABLE;
use curve25519_dalek::ristretto::RistrettoBasepointTable;
use rayon::prelude::*;
use zeroize::Zeroize;

/// The secret of one shuffle: the permutation (output row i is a
/// re-encryption of input row `permutation[i]`) and the re-encryption
/// randomness of every output ciphertext. Wiped on drop; a trustee must
/// never keep or reveal it, or its mix no longer hides anything.
pub struct ShuffleWitness {
    permutation: Vec<usize>,
    randomness: Vec<Scalar>,
    width: usize,
}

impl Drop for ShuffleWitness {
    fn drop(&mut self) {
        self.permutation.zeroize();
        self.randomness.zeroize();
    }
}

impl std::fmt::Debug for ShuffleWitness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ShuffleWitness(..)")
    }
}

impl ShuffleWitness {
    /// A uniformly random permutation of `rows` rows (Fisher-Yates) and
    /// fresh randomness for `rows × width` ciphertexts.
    pub fn random(
        rows: usize,
        width: usize,
        source: &mut dyn ScalarSource,
    ) -> Result<Self, ShuffleError> {
        let mut permutation: Vec<usize> = (0..rows).collect();
        for i in (1..rows).rev() {
            let j = uniform_below(i as u64 + 1, source)?;
            permutation.swap(i, j as usize);
        }
        let randomness = (0..rows * width)
            .map(|_| source.scalar())
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ShuffleWitness {
            permutation,
            randomness,
            width,
        })
    }

    /// A given permutation and randomness (`randomness[i·width + j]` for
    /// output row i, column j), for tests and test vectors. Refuses a list
    /// that is not a permutation.
    pub fn new(
        permutation: Vec<usize>,
        randomness: Vec<Scalar>,
        width: usize,
    ) -> Result<Self, ShuffleError> {
        let mut seen = vec![false; permutation.len()];
        for &p in &permutation {
            match seen.get_mut(p) {
                Some(slot) if !*slot => *slot = true,
                _ => return Err(ShuffleError::Parameters("the witness is not a permutation")),
            }
        }
        if width == 0 || randomness.len() != permutation.len() * width {
            return Err(ShuffleError::Parameters(
                "the witness needs one random scalar per output ciphertext",
            ));
        }
        Ok(ShuffleWitness {
            permutation,
            randomness,
            width,
        })
    }

    /// Output row i comes from input row `permutation()[i]`.
    pub fn permutation(&self) -> &[usize] {
        &self.permutation
    }

    /// The output: row i is input row π(i) with every ciphertext
    /// re-encrypted, (α + r·G, β + r·Y).
    pub fn apply(
        &self,
        params: &ShuffleParameters,
        input: &CiphertextRows,
    ) -> Result<CiphertextRows, ShuffleError> {
        self.fits(params, input)?;
        let width = self.width;
        let key_table = RistrettoBasepointTable::create(params.public_key().point());
        let (ciphertexts, encoded): (Vec<Ciphertext>, Vec<EncodedCiphertext>) =
            (0..self.randomness.len())
                .into_par_iter()
                .map(|index| {
                    let from = self
                        .permutation
                        .get(index / width)
                        .map(|row| row * width + index % width)
                        .and_then(|i| input.flat().get(i))
                        .copied()
                        .unwrap_or_else(Ciphertext::zero);
                    let r = self.randomness.get(index).copied().unwrap_or(Scalar::ZERO);
                    let c = Ciphertext {
                        alpha: from.alpha + mul(RISTRETTO_BASEPOINT_TABLE, &r),
                        beta: from.beta + mul(&key_table, &r),
                    };
                    (c, c.encode())
                })
                .unzip();
        Ok(CiphertextRows::from_parts(width, ciphertexts, encoded))
    }

    fn fits(&self, params: &ShuffleParameters, input: &CiphertextRows) -> Result<(), ShuffleError> {
        if self.width != params.width() || input.width() != params.width() {
            return Err(ShuffleError::Parameters(
                "the rows do not have the parameters' width",
            ));
        }
        if self.permutation.len() != input.len() {
            return Err(ShuffleError::Parameters(
                "the witness is for another number of rows",
            ));
        }
        Ok(())
    }
}

/// `scalar`·B for the base B of `table` (constant time).
fn mul(table: &RistrettoBasepointTable, scalar: &Scalar) -> Point {
    scalar * table
}

/// A uniform integer below `n` (n ≥ 1) from the source, by rejection.
fn uniform_below(n: u64, source: &mut dyn ScalarSource) -> Result<u64, ShuffleError> {
    let span = 1u128 << 64;
    let limit = span - span % u128::from(n);
    loop {
        let bytes = source.scalar()?.to_bytes();
        let mut low = [0u8; 8];
        for (to, from) in low.iter_mut().zip(bytes.iter()) {
            *to = *from;
        }
        let x = u64::from_le_bytes(low);
        if u128::from(x) < limit {
            return Ok(x % n);
        }
    }
}

/// Shuffles `input` (a fresh random permutation and re-encryption) and
/// proves it: the output rows and the proof to publish.
pub fn shuffle(
    params: &ShuffleParameters,
    input: &CiphertextRows,
    source: &mut dyn ScalarSource,
) -> Result<(CiphertextRows, ShuffleProof), ShuffleError> {
    let witness = ShuffleWitness::random(input.len(), params.width(), source)?;
    let output = witness.apply(params, input)?;
    let proof = prove(params, input, &output, &witness, source)?;
    Ok((output, proof))
}

/// The proof that `output` is `input` permuted and re-encrypted as in
/// `witness` (docs/election-record.md, S.5). Nothing checks that `output`
/// really is `witness` applied: a wrong output gives a proof that fails.
pub fn prove(
    params: &ShuffleParameters,
    input: &CiphertextRows,
    output: &CiphertextRows,
    witness: &ShuffleWitness,
    source: &mut dyn ScalarSource,
) -> Result<ShuffleProof, ShuffleError> {
    witness.fits(params, input)?;
    let n = input.len();
    let width = params.width();
    if output.len() != n || output.width() != width {
        return Err(ShuffleError::RowCount {
            expected: n,
            found: output.len(),
        });
    }
    // Randomness first, in the documented order.
    let mut draw = |count: usize| -> Result<Vec<Scalar>, ShuffleError> {
        (0..count)
            .map(|_| source.scalar().map_err(ShuffleError::from))
            .collect()
    };
    let mut r = draw(n)?; // permutation commitments, by input row
    let mut r_hat = draw(n)?; // chain
    let mut omega = draw(3)?; // ω_1, ω_2, ω_3
    let mut omega4 = draw(width)?; // ω_4 per column
    let mut omega_hat = draw(n)?;
    let mut omega_prime = draw(n)?;

    let gens = generators(params.fingerprint(), n);
    let h = gens.first().copied().unwrap_or_default();
    let hs = gens.get(1..).unwrap_or_default();
    let h_table = RistrettoBasepointTable::create(&h);
    let key_table = RistrettoBasepointTable::create(params.public_key().point());
    let g_table = &RISTRETTO_BASEPOINT_TABLE;

    // c_{π(i)} = r_{π(i)}·G + h_i: commitment j uses h at the output row
    // that input row j went to.
    let mut inverse = vec![0usize; n];
    for (i, &j) in witness.permutation.iter().enumerate() {
        if let Some(slot) = inverse.get_mut(j) {
            *slot = i;
        }
    }
    let commitments: Vec<[u8; 32]> = (0..n)
        .into_par_iter()
        .map(|j| {
            let rj = r.get(j).copied().unwrap_or(Scalar::ZERO);
            let hi = inverse
                .get(j)
                .and_then(|i| hs.get(*i))
                .copied()
                .unwrap_or_default();
            encode_point(&(mul(g_table, &rj) + hi))
        })
        .collect();
    inverse.zeroize();

    let seed = batching_seed(params, input, output, &commitments);
    let u = batching_challenges(&seed, n);
    let mut u_prime: Vec<Scalar> = witness
        .permutation
        .iter()
        .map(|&j| u.get(j).copied().unwrap_or(Scalar::ZERO))
        .collect();

    // Chain ĉ_i = r̂_i·G + u'_i·ĉ_{i−1}, ĉ_0 = h, computed in the open
    // form ĉ_i = R_i·G + U_i·h (U_i = Π u'_l, R_i = R_{i−1}·u'_i + r̂_i) so
    // every link is independent and constant-time.
    let mut prefix: Vec<(Scalar, Scalar)> = Vec::with_capacity(n + 1); // (R_{i}, U_{i}) for i = 0..=n
    prefix.push((Scalar::ZERO, Scalar::ONE));
    let (mut big_r, mut big_u) = (Scalar::ZERO, Scalar::ONE);
    for (up, rh) in u_prime.iter().zip(&r_hat) {
        big_r = big_r * up + rh;
        big_u *= up;
        prefix.push((big_r, big_u));
    }
    let chain: Vec<[u8; 32]> = prefix
        .par_iter()
        .skip(1)
        .map(|(rr, uu)| encode_point(&(mul(g_table, rr) + mul(&h_table, uu))))
        .collect();
    // t̂_i = ω̂_i·G + ω'_i·ĉ_{i−1} = (ω̂_i + ω'_i·R_{i−1})·G + (ω'_i·U_{i−1})·h.
    let t_hat: Vec<[u8; 32]> = (0..n)
        .into_par_iter()
        .map(|i| {
            let (rr, uu) = prefix
                .get(i)
                .copied()
                .unwrap_or((Scalar::ZERO, Scalar::ONE));
            let wh = omega_hat.get(i).copied().unwrap_or(Scalar::ZERO);
            let wp = omega_prime.get(i).copied().unwrap_or(Scalar::ZERO);
            encode_point(&(mul(g_table, &(wh + wp * rr)) + mul(&h_table, &(wp * uu))))
        })
        .collect();

    let [w1, w2, w3] = [0, 1, 2].map(|i| omega.get(i).copied().unwrap_or(Scalar::ZERO));
    let t1 = encode_point(&mul(g_table, &w1));
    let t2 = encode_point(&mul(g_table, &w2));
    let t3 = encode_point(&(mul(g_table, &w3) + par_msm(&omega_prime, hs)));
    let t4: Vec<EncodedCiphertext> = (0..width)
        .map(|column| {
            let (alphas, betas) = output.column(column);
            let w4 = omega4.get(column).copied().unwrap_or(Scalar::ZERO);
            let alpha = par_msm(&omega_prime, &alphas) - mul(g_table, &w4);
            let beta = par_msm(&omega_prime, &betas) - mul(&key_table, &w4);
            EncodedCiphertext {
                alpha: encode_point(&alpha),
                beta: encode_point(&beta),
            }
        })
        .collect();

    let c = challenge(
        params,
        &seed,
        &Commitments {
            chain: &chain,
            t1: &t1,
            t2: &t2,
            t3: &t3,
            t4: &t4,
            t_hat: &t_hat,
        },
    );

    // Responses.
    let r_bar: Scalar = r.iter().sum();
    let r_tilde: Scalar = r.iter().zip(&u).map(|(a, b)| a * b).sum();
    let s1 = w1 + c * r_bar;
    let s2 = w2 + c * big_r;
    let s3 = w3 + c * r_tilde;
    let s4: Vec<[u8; 32]> = (0..width)
        .map(|column| {
            let r_prime: Scalar = witness
                .randomness
                .iter()
                .skip(column)
                .step_by(width)
                .zip(&u_prime)
                .map(|(a, b)| a * b)
                .sum();
            (omega4.get(column).copied().unwrap_or(Scalar::ZERO) + c * r_prime).to_bytes()
        })
        .collect();
    let s_hat: Vec<[u8; 32]> = omega_hat
        .iter()
        .zip(&r_hat)
        .map(|(w, rh)| (w + c * rh).to_bytes())
        .collect();
    let s_prime: Vec<[u8; 32]> = omega_prime
        .iter()
        .zip(&u_prime)
        .map(|(w, up)| (w + c * up).to_bytes())
        .collect();

    for secret in [
        &mut r,
        &mut r_hat,
        &mut omega,
        &mut omega4,
        &mut omega_hat,
        &mut omega_prime,
    ] {
        secret.zeroize();
    }
    big_r.zeroize();
    // R_i and u'_i reveal the permutation and the chain's openings.
    for (rr, uu) in prefix.iter_mut() {
        rr.zeroize();
        uu.zeroize();
    }
    u_prime.zeroize();
    Ok(ShuffleProof {
        chain,
        commitments,
        s1: s1.to_bytes(),
        s2: s2.to_bytes(),
        s3: s3.to_bytes(),
        s4,
        s_hat,
        s_prime,
        t1,
        t2,
        t3,
        t4,
        t_hat,
    })
}
