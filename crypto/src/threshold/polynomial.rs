//! Secret polynomials, Feldman commitments and Lagrange coefficients.

use crate::group::{generator, Point, Scalar, ScalarSource};
use crate::CryptoError;
use curve25519_dalek::traits::{Identity, VartimeMultiscalarMul};
use zeroize::Zeroize;

/// A trustee's secret polynomial f(x) = a_0 + a_1 x + … + a_{t−1} x^{t−1};
/// its coefficients are wiped on drop.
pub(crate) struct Polynomial {
    coefficients: Vec<Scalar>,
}

impl Drop for Polynomial {
    fn drop(&mut self) {
        self.coefficients.zeroize();
    }
}

impl Polynomial {
    /// A random polynomial with `threshold` coefficients (degree t−1).
    pub(crate) fn random(
        threshold: u32,
        source: &mut dyn ScalarSource,
    ) -> Result<Polynomial, CryptoError> {
        let coefficients = (0..threshold)
            .map(|_| source.scalar())
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Polynomial { coefficients })
    }

    /// The constant coefficient a_0, this trustee's part of the election key.
    pub(crate) fn constant(&self) -> Scalar {
        self.coefficients.first().copied().unwrap_or(Scalar::ZERO)
    }

    /// f(index), by Horner's rule.
    pub(crate) fn evaluate(&self, index: u32) -> Scalar {
        let x = Scalar::from(u64::from(index));
        self.coefficients
            .iter()
            .rev()
            .fold(Scalar::ZERO, |acc, coefficient| acc * x + coefficient)
    }

    /// The Feldman commitments C_k = G^{a_k}.
    pub(crate) fn commitments(&self) -> Vec<Point> {
        self.coefficients.iter().map(|a| generator() * a).collect()
    }
}

/// Π_k C_k^{index^k} = G^{f(index)}: what a share for `index` must match.
pub(crate) fn commitment_at(commitments: &[Point], index: u32) -> Point {
    let x = Scalar::from(u64::from(index));
    let mut power = Scalar::ONE;
    let mut powers = Vec::with_capacity(commitments.len());
    for _ in commitments {
        powers.push(power);
        power *= x;
    }
    Point::vartime_multiscalar_mul(&powers, commitments)
}

/// The verification key Y_i = G^{x_i} of trustee `index`, from every
/// trustee's commitments: Σ_j Π_k C_{j,k}^{i^k}.
pub(crate) fn verification_key<'a>(
    all_commitments: impl IntoIterator<Item = &'a [Point]>,
    index: u32,
) -> Point {
    all_commitments
        .into_iter()
        .fold(Point::identity(), |acc, commitments| {
            acc + commitment_at(commitments, index)
        })
}

/// The Lagrange coefficients at 0 of the distinct, non-zero `indices`:
/// λ_i = Π_{j ≠ i} j / (j − i). The caller guarantees distinctness.
pub(crate) fn lagrange_at_zero(indices: &[u32]) -> Vec<Scalar> {
    indices
        .iter()
        .map(|&i| {
            let xi = Scalar::from(u64::from(i));
            let (numerator, denominator) = indices.iter().filter(|&&j| j != i).fold(
                (Scalar::ONE, Scalar::ONE),
                |(num, den), &j| {
                    let xj = Scalar::from(u64::from(j));
                    (num * xj, den * (xj - xi))
                },
            );
            numerator * denominator.invert()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::group::SeededScalars;

    #[test]
    fn shares_match_commitments_and_interpolate_to_the_constant() {
        let mut source = SeededScalars::new(b"polynomial");
        let f = Polynomial::random(3, &mut source).unwrap();
        let commitments = f.commitments();
        for i in 1..=5 {
            assert_eq!(generator() * f.evaluate(i), commitment_at(&commitments, i));
        }
        assert_ne!(generator() * f.evaluate(2), commitment_at(&commitments, 3));
        for subset in [[1u32, 2, 3], [2, 4, 5], [5, 1, 3]] {
            let lambdas = lagrange_at_zero(&subset);
            let secret: Scalar = subset
                .iter()
                .zip(&lambdas)
                .map(|(&i, l)| f.evaluate(i) * l)
                .sum();
            assert_eq!(secret, f.constant());
        }
        // Two points of a degree-2 polynomial do not give the constant.
        let lambdas = lagrange_at_zero(&[1, 2]);
        let guess: Scalar = [1u32, 2]
            .iter()
            .zip(&lambdas)
            .map(|(&i, l)| f.evaluate(i) * l)
            .sum();
        assert_ne!(guess, f.constant());
    }
}
