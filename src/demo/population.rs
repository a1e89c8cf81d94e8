//! Deterministic demo population for `votum demo`.
//!
//! [`Population::new`] builds the association tree of a fictional German party
//! (federal party, the 16 states, districts, local chapters and working
//! groups) sized for a requested number of members, and
//! [`Population::members`] streams plausible members one by one so the demo
//! loader can insert hundreds of thousands of them in batches with flat
//! memory. Everything is derived from a seed: the same seed always yields the
//! same groups and the same members in the same order.
//!
//! The data is fake but looks real: real state, district, town and city
//! quarter names (see `super::places`), postcodes inside the state's postal
//! regions, frequency-weighted German names with a share of names of
//! families that came from elsewhere, a realistic (older) age structure, and
//! address lines that fit a DIN 5008 window envelope (at most 35 characters).
//! E-mail addresses only use the reserved domains example.org/.net/.com.

use std::collections::HashSet;

use chrono::{Datelike, Days, Months, NaiveDate};
use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::places::{
    self, District, Origin, AGE_BRACKETS, EMAIL_DOMAINS, MOBILE_PREFIXES, QUARTERS,
};

/// Members are generated as of this date: ages are computed at it and no one
/// joins after it.
const REFERENCE_DATE: NaiveDate = date(2026, 11, 1);
/// Founding date of the fictional party: the earliest possible join date.
const FOUNDING_DATE: NaiveDate = date(1952, 3, 15);
/// Average members per local chapter at the reference size (370,000 members).
const MEMBERS_PER_CHAPTER: usize = 41;
/// City chapters are bigger: a city district gets this share of the chapters
/// its population would give it, each with correspondingly more members.
const CITY_CHAPTER_SHARE: f64 = 0.6;
/// The first membership number is one above this.
const MEMBERSHIP_NUMBER_BASE: u64 = 1_000_000;
/// Maximum length of one line of a postal address (DIN 5008 window).
const ADDRESS_LINE_MAX: usize = 35;

const fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(year, month, day) {
        Some(d) => d,
        None => NaiveDate::MIN,
    }
}

/// Level of a group in the association tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DemoGroupKind {
    Federal,
    State,
    District,
    Local,
    WorkingGroup,
}

impl DemoGroupKind {
    /// Stable lowercase name, as stored by the app.
    pub fn as_str(self) -> &'static str {
        match self {
            DemoGroupKind::Federal => "federal",
            DemoGroupKind::State => "state",
            DemoGroupKind::District => "district",
            DemoGroupKind::Local => "local",
            DemoGroupKind::WorkingGroup => "working_group",
        }
    }
}

/// One group; `index` is its position in [`Population::groups`], and a
/// parent always comes before its children.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoGroup {
    pub index: usize,
    pub parent: Option<usize>,
    pub kind: DemoGroupKind,
    pub name: String,
    pub slug: String,
}

/// One generated member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoMember {
    pub membership_number: String,
    pub first_name: String,
    pub last_name: String,
    pub street: String,
    pub house_number: String,
    pub postcode: String,
    pub city: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub birth_date: NaiveDate,
    pub join_date: NaiveDate,
    pub prefers_paper: bool,
    pub language: &'static str,
    pub local_group: usize,
}

/// What a member needs to know about their local chapter.
#[derive(Debug, Clone)]
struct Chapter {
    group: usize,
    city: &'static str,
    postcode: u32,
    area_code: &'static str,
    /// Relative expected size (bigger in cities).
    size: f64,
    members: u64,
}

/// The demo party: its groups, and the recipe for its members.
#[derive(Debug, Clone)]
pub struct Population {
    pub groups: Vec<DemoGroup>,
    chapters: Vec<Chapter>,
    member_count: usize,
    seed: u64,
    names: NameTables,
}

impl Population {
    /// Groups sized for `members` members; deterministic from `seed`.
    pub fn new(members: usize, seed: u64) -> Population {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut tree = TreeBuilder::default();
        tree.push(
            None,
            DemoGroupKind::Federal,
            places::FEDERAL_NAME,
            &["bundesverband"],
        );
        let state_groups: Vec<usize> = places::STATES
            .iter()
            .map(|s| {
                let slug = slugify(s.name);
                let name = format!("Landesverband {}", s.name);
                tree.push(
                    Some(0),
                    DemoGroupKind::State,
                    &name,
                    &[format!("lv-{slug}")],
                )
            })
            .collect();

        let total_chapters =
            ((members + MEMBERS_PER_CHAPTER / 2) / MEMBERS_PER_CHAPTER).max(places::STATES.len());
        let state_weights: Vec<f64> = places::STATES
            .iter()
            .map(|s| f64::from(s.population_k))
            .collect();
        let per_state = apportion(total_chapters, &state_weights, 1);
        for ((state, &state_group), &chapters) in
            places::STATES.iter().zip(&state_groups).zip(&per_state)
        {
            // Small parties exist in the big districts first; about four
            // chapters per district until every listed district is in use.
            let used = chapters.div_ceil(4).clamp(1, state.districts.len().max(1));
            let districts: Vec<&District> = state.districts.iter().take(used).collect();
            let weights: Vec<f64> = districts
                .iter()
                .map(|d| f64::from(d.population_k) * d.city.map_or(1.0, |_| CITY_CHAPTER_SHARE))
                .collect();
            let per_district = apportion(chapters, &weights, 1);
            let state_slug = slugify(state.name);
            for (district, &count) in districts.iter().zip(&per_district) {
                tree.add_district(state_group, &state_slug, district, count, &mut rng);
            }
        }
        for topic in places::FEDERAL_WORKING_GROUPS {
            tree.push(
                Some(0),
                DemoGroupKind::WorkingGroup,
                topic,
                &[slugify(topic)],
            );
        }
        for (topic, state_name) in places::STATE_WORKING_GROUPS {
            let parent = places::STATES
                .iter()
                .position(|s| s.name == *state_name)
                .and_then(|i| state_groups.get(i).copied());
            let name = format!("{topic} {state_name}");
            tree.push(
                parent.or(Some(0)),
                DemoGroupKind::WorkingGroup,
                &name,
                &[slugify(&name)],
            );
        }

        // Chapter sizes vary log-normally around the mean; every chapter gets
        // at least one member when there are enough members to go round.
        let weights: Vec<f64> = tree
            .chapters
            .iter()
            .map(|c| c.size * (0.55 * standard_normal(&mut rng)).exp())
            .collect();
        let minimum = usize::from(members >= tree.chapters.len());
        for (chapter, count) in tree
            .chapters
            .iter_mut()
            .zip(apportion(members, &weights, minimum))
        {
            chapter.members = count as u64;
        }
        Population {
            groups: tree.groups,
            chapters: tree.chapters,
            member_count: members,
            seed,
            names: NameTables::new(),
        }
    }

    /// Members one by one, deterministic from the seed, never holding them
    /// all in memory. Membership numbers ascend; chapters are interleaved.
    pub fn members(&self) -> impl Iterator<Item = DemoMember> + '_ {
        let mut generator = MemberGenerator::new(self);
        (0..self.member_count as u64).map_while(move |i| generator.member(i))
    }
}

/// Collects groups and chapters while keeping slugs unique.
#[derive(Default)]
struct TreeBuilder {
    groups: Vec<DemoGroup>,
    chapters: Vec<Chapter>,
    slugs: HashSet<String>,
}

impl TreeBuilder {
    /// Adds a group under the first free slug of `candidates` (numbered if
    /// all are taken) and returns its index.
    fn push<S: AsRef<str>>(
        &mut self,
        parent: Option<usize>,
        kind: DemoGroupKind,
        name: &str,
        candidates: &[S],
    ) -> usize {
        let mut slug = candidates
            .iter()
            .map(|c| c.as_ref().to_owned())
            .find(|c| !self.slugs.contains(c))
            .unwrap_or_default();
        if slug.is_empty() {
            let base = candidates
                .last()
                .map(|c| c.as_ref().to_owned())
                .unwrap_or_else(|| "gruppe".to_owned());
            slug = (2..)
                .map(|n| format!("{base}-{n}"))
                .find(|c| !self.slugs.contains(c))
                .unwrap_or(base);
        }
        self.slugs.insert(slug.clone());
        let index = self.groups.len();
        self.groups.push(DemoGroup {
            index,
            parent,
            kind,
            name: name.to_owned(),
            slug,
        });
        index
    }

    /// Adds a district and `count` local chapters in its towns (or quarters).
    fn add_district(
        &mut self,
        state_group: usize,
        state_slug: &str,
        district: &District,
        count: usize,
        rng: &mut ChaCha8Rng,
    ) {
        let district_slug = slugify(district.name);
        let district_group = self.push(
            Some(state_group),
            DemoGroupKind::District,
            &format!("Kreisverband {}", district.name),
            &[
                format!("kv-{district_slug}"),
                format!("kv-{state_slug}-{district_slug}"),
            ],
        );
        let mut names_in_district = HashSet::new();
        // Towns differ in size much more than the quarters of one city.
        let exponent = district.city.map_or(0.6, |_| 0.3);
        for (place, chapter_name) in chapter_places(district.places, count, exponent, rng) {
            let mut name = chapter_name.clone();
            let mut n = 2;
            while !names_in_district.insert(name.clone()) {
                name = format!("{chapter_name} {n}");
                n += 1;
            }
            let slug = slugify(&name);
            let group = self.push(
                Some(district_group),
                DemoGroupKind::Local,
                &format!("Ortsverband {name}"),
                &[format!("ov-{slug}"), format!("ov-{district_slug}-{slug}")],
            );
            self.chapters.push(Chapter {
                group,
                city: district.city.unwrap_or(place),
                postcode: district.postal_region * 1000 + rng.random_range(1..1000),
                area_code: district.area_code,
                size: district.city.map_or(1.0, |_| 1.0 / CITY_CHAPTER_SHARE),
                members: 0,
            });
        }
    }
}

/// Picks `count` chapters among a district's places: the main place always,
/// others at random while there are enough, then several chapters per place,
/// bigger places getting more.
fn chapter_places(
    places: &'static [&'static str],
    count: usize,
    exponent: f64,
    rng: &mut ChaCha8Rng,
) -> Vec<(&'static str, String)> {
    if count <= places.len() {
        let mut others: Vec<usize> = (1..places.len()).collect();
        others.shuffle(rng);
        let mut chosen: Vec<usize> = others.into_iter().take(count.saturating_sub(1)).collect();
        if count > 0 {
            chosen.push(0);
        }
        chosen.sort_unstable();
        return chosen
            .into_iter()
            .filter_map(|i| places.get(i))
            .map(|&p| (p, p.to_owned()))
            .collect();
    }
    let weights: Vec<f64> = (0..places.len())
        .map(|i| 1.0 / ((i + 1) as f64).powf(exponent))
        .collect();
    let mut result = Vec::with_capacity(count);
    for (&place, per_place) in places.iter().zip(apportion(count, &weights, 1)) {
        // "Köln-Nord", "Köln-Süd", …; compound names are numbered instead
        // ("Schwabing-West", "Schwabing-West 2").
        let numbered = place.contains(['-', ' ', '(', '/']) || QUARTERS.contains(&place);
        for j in 0..per_place {
            let name = if per_place == 1 || (numbered && j == 0) {
                place.to_owned()
            } else if numbered {
                format!("{place} {}", j + 1)
            } else {
                let quarter = QUARTERS.get(j % QUARTERS.len()).copied().unwrap_or("Mitte");
                match j / QUARTERS.len() {
                    0 => format!("{place}-{quarter}"),
                    round => format!("{place}-{quarter} {}", round + 1),
                }
            };
            result.push((place, name));
        }
    }
    result
}

/// Splits `total` into integer parts proportional to `weights` (largest
/// remainder), each part at least `minimum` if the total allows it.
fn apportion(total: usize, weights: &[f64], minimum: usize) -> Vec<usize> {
    let minimum = if total >= minimum * weights.len() {
        minimum
    } else {
        0
    };
    let rest = total - minimum * weights.len();
    let sum: f64 = weights.iter().sum();
    if weights.is_empty() || sum <= 0.0 {
        return vec![minimum; weights.len()];
    }
    let quotas: Vec<f64> = weights.iter().map(|w| rest as f64 * w / sum).collect();
    let mut parts: Vec<usize> = quotas
        .iter()
        .map(|q| minimum + q.floor() as usize)
        .collect();
    let assigned: usize = parts.iter().sum();
    let mut by_remainder: Vec<(usize, f64)> = quotas
        .iter()
        .enumerate()
        .map(|(i, q)| (i, q - q.floor()))
        .collect();
    by_remainder.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    for (i, _) in by_remainder
        .into_iter()
        .cycle()
        .take(total.saturating_sub(assigned))
    {
        if let Some(part) = parts.get_mut(i) {
            *part += 1;
        }
    }
    parts
}

/// Picks from `(item, weight)` pairs.
fn pick<T: Copy>(items: &[(T, u32)], rng: &mut ChaCha8Rng) -> Option<T> {
    let total: u32 = items.iter().map(|i| i.1).sum();
    let mut r = rng.random_range(0..total.max(1));
    for &(item, weight) in items {
        if r < weight {
            return Some(item);
        }
        r -= weight;
    }
    None
}

/// Standard normal sample (Box–Muller).
fn standard_normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1 = 1.0 - rng.random::<f64>();
    let u2 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// A list of names with rank-based (Zipf-like) weights.
#[derive(Debug, Clone)]
struct Weighted {
    items: &'static [&'static str],
    cumulative: Vec<u32>,
}

impl Weighted {
    fn new(items: &'static [&'static str], offset: f64, exponent: f64) -> Weighted {
        let mut total = 0u32;
        let cumulative = (0..items.len())
            .map(|rank| {
                total += (1_000_000.0 / (rank as f64 + offset).powf(exponent)).max(1.0) as u32;
                total
            })
            .collect();
        Weighted { items, cumulative }
    }

    fn pick(&self, rng: &mut ChaCha8Rng) -> &'static str {
        let total = self.cumulative.last().copied().unwrap_or(0);
        if total == 0 {
            return "";
        }
        let r = rng.random_range(0..total);
        let i = self.cumulative.partition_point(|&c| c <= r);
        self.items.get(i).copied().unwrap_or("")
    }
}

#[derive(Debug, Clone)]
struct OriginTables {
    female: Weighted,
    male: Weighted,
    last: Weighted,
}

impl OriginTables {
    fn new(origin: &Origin) -> OriginTables {
        OriginTables {
            female: Weighted::new(origin.female, 3.0, 0.6),
            male: Weighted::new(origin.male, 3.0, 0.6),
            last: Weighted::new(origin.last, 3.0, 0.7),
        }
    }
}

#[derive(Debug, Clone)]
struct NameTables {
    /// German first names per birth cohort: (female, male).
    cohorts: [(Weighted, Weighted); 4],
    german_last: Weighted,
    /// Turkish, Eastern European, Southern European, Middle Eastern.
    origins: [OriginTables; 4],
    streets: Weighted,
}

impl NameTables {
    fn new() -> NameTables {
        let first = |names| Weighted::new(names, 2.0, 0.6);
        NameTables {
            cohorts: [
                (
                    first(places::FEMALE_BEFORE_1955),
                    first(places::MALE_BEFORE_1955),
                ),
                (
                    first(places::FEMALE_1955_1974),
                    first(places::MALE_1955_1974),
                ),
                (
                    first(places::FEMALE_1975_1994),
                    first(places::MALE_1975_1994),
                ),
                (
                    first(places::FEMALE_FROM_1995),
                    first(places::MALE_FROM_1995),
                ),
            ],
            german_last: Weighted::new(places::GERMAN_LAST_NAMES, 10.0, 1.0),
            origins: [
                OriginTables::new(&places::TURKISH),
                OriginTables::new(&places::EASTERN_EUROPEAN),
                OriginTables::new(&places::SOUTHERN_EUROPEAN),
                OriginTables::new(&places::MIDDLE_EASTERN),
            ],
            streets: Weighted::new(places::STREETS, 4.0, 0.9),
        }
    }

    fn german_first(&self, birth_year: i32, female: bool, rng: &mut ChaCha8Rng) -> &'static str {
        let cohort = match birth_year {
            ..1955 => 0,
            1955..1975 => 1,
            1975..1995 => 2,
            _ => 3,
        };
        match self.cohorts.get(cohort) {
            Some((f, _)) if female => f.pick(rng),
            Some((_, m)) => m.pick(rng),
            None => "",
        }
    }
}

/// Streams members: draws each member's chapter without replacement from
/// the chapter sizes (a Fenwick tree over the chapters), so chapter sizes
/// are exact while chapters and membership numbers interleave.
struct MemberGenerator<'a> {
    population: &'a Population,
    rng: ChaCha8Rng,
    /// 1-based Fenwick tree of the members still to hand out per chapter.
    tree: Vec<u64>,
    remaining: u64,
    number: u64,
    suffix_low: u64,
    suffix_offset: u64,
}

impl<'a> MemberGenerator<'a> {
    fn new(population: &'a Population) -> MemberGenerator<'a> {
        let mut tree = vec![0u64; population.chapters.len() + 1];
        for (i, chapter) in population.chapters.iter().enumerate() {
            let node = i + 1;
            if let Some(slot) = tree.get_mut(node) {
                *slot += chapter.members;
            }
            let value = tree.get(node).copied().unwrap_or(0);
            if let Some(parent) = tree.get_mut(node + (node & node.wrapping_neg())) {
                *parent += value;
            }
        }
        let mut suffix_low = 100;
        while 9 * suffix_low < population.member_count as u64 {
            suffix_low *= 10;
        }
        let mut rng = ChaCha8Rng::seed_from_u64(population.seed ^ 0x5eed_f00d_u64);
        let suffix_offset = rng.random_range(0..9 * suffix_low);
        MemberGenerator {
            population,
            rng,
            tree,
            remaining: population.chapters.iter().map(|c| c.members).sum(),
            number: MEMBERSHIP_NUMBER_BASE,
            suffix_low,
            suffix_offset,
        }
    }

    /// Removes one member from the chapter holding the `r`-th remaining
    /// member and returns that chapter's position.
    fn take_chapter(&mut self, mut r: u64) -> usize {
        let len = self.tree.len();
        let mut pos = 0;
        let mut step = len.checked_ilog2().map_or(0, |b| 1usize << b);
        while step > 0 {
            let v = self.tree.get(pos + step).copied().unwrap_or(u64::MAX);
            if v <= r {
                pos += step;
                r -= v;
            }
            step >>= 1;
        }
        let mut node = pos + 1;
        while let Some(v) = self.tree.get_mut(node) {
            *v = v.saturating_sub(1);
            node += node & node.wrapping_neg();
        }
        self.remaining = self.remaining.saturating_sub(1);
        pos
    }

    /// Unique digits for the e-mail address of member `i`: a bijection of
    /// `0..9·low` onto the numbers with the same count of digits.
    fn email_digits(&self, i: u64) -> u64 {
        let span = 9 * self.suffix_low;
        self.suffix_low + (i.wrapping_mul(7919).wrapping_add(self.suffix_offset)) % span
    }

    fn member(&mut self, i: u64) -> Option<DemoMember> {
        if self.remaining == 0 {
            return None;
        }
        let draw = self.rng.random_range(0..self.remaining);
        let chapter = self.population.chapters.get(self.take_chapter(draw))?;
        let rng = &mut self.rng;
        let names = &self.population.names;
        self.number += rng.random_range(1..=3);

        let age = sample_age(rng);
        let birth_date = birth_date_for_age(age, rng);
        let birth_year = birth_date.year();
        let female = rng.random_bool(0.43);
        let german_share = if age >= 75 { 0.96 } else { 0.85 };
        let origin = if rng.random_bool(german_share) {
            None
        } else {
            let k = pick(&[(0, 36), (1, 36), (2, 16), (3, 12)], rng).unwrap_or(0);
            names.origins.get(k)
        };
        let (first_name, mut last_name) = match origin {
            None => (
                names.german_first(birth_year, female, rng),
                names.german_last.pick(rng).to_owned(),
            ),
            Some(o) => {
                let first = if birth_year >= 1985 && rng.random_bool(0.3) {
                    names.german_first(birth_year, female, rng)
                } else if female {
                    o.female.pick(rng)
                } else {
                    o.male.pick(rng)
                };
                (first, o.last.pick(rng).to_owned())
            }
        };
        if origin.is_none() && female && age > 25 && rng.random_bool(0.05) {
            let second = names.german_last.pick(rng);
            let double = format!("{last_name}-{second}");
            if second != last_name
                && first_name.chars().count() + 1 + double.chars().count() <= ADDRESS_LINE_MAX
            {
                last_name = double;
            }
        }

        let street = names.streets.pick(rng).to_owned();
        let (low, high) =
            pick(&[((1, 30), 60), ((31, 80), 30), ((81, 180), 10)], rng).unwrap_or((1, 30));
        let mut house_number = rng.random_range(low..=high).to_string();
        if rng.random_bool(0.07) {
            house_number.extend(pick(&[('a', 6), ('b', 3), ('c', 1)], rng));
        }

        let email_probability = match age {
            ..30 => 0.97,
            30..50 => 0.93,
            50..65 => 0.84,
            65..75 => 0.70,
            75..85 => 0.52,
            _ => 0.35,
        };
        let email = if rng.random_bool(email_probability) {
            let digits = self.email_digits(i);
            Some(email_address(first_name, &last_name, digits, &mut self.rng))
        } else {
            None
        };
        let rng = &mut self.rng;
        let phone = if rng.random_bool(0.6) {
            let mobile_share = match age {
                ..40 => 0.9,
                40..65 => 0.65,
                _ => 0.35,
            };
            Some(phone_number(
                chapter.area_code,
                rng.random_bool(mobile_share),
                rng,
            ))
        } else {
            None
        };
        let paper_probability = match age {
            ..50 => 0.01,
            50..65 => 0.03,
            65..75 => 0.06,
            _ => 0.12,
        };
        let prefers_paper = email.is_none() || rng.random_bool(paper_probability);
        let english_share = if origin.is_some() { 0.15 } else { 0.035 };
        let language = if rng.random_bool(english_share) {
            "en"
        } else {
            "de"
        };

        Some(DemoMember {
            membership_number: self.number.to_string(),
            first_name: first_name.to_owned(),
            last_name,
            street,
            house_number,
            postcode: format!("{:05}", chapter.postcode),
            city: chapter.city.to_owned(),
            email,
            phone,
            join_date: join_date_for(birth_date, rng),
            birth_date,
            prefers_paper,
            language,
            local_group: chapter.group,
        })
    }
}

fn sample_age(rng: &mut ChaCha8Rng) -> u32 {
    let (low, high) = pick(&AGE_BRACKETS, rng).unwrap_or((16, 95));
    rng.random_range(low..=high)
}

/// A birth date such that the member is exactly `age` on the reference date.
fn birth_date_for_age(age: u32, rng: &mut ChaCha8Rng) -> NaiveDate {
    let latest = REFERENCE_DATE
        .checked_sub_months(Months::new(12 * age))
        .unwrap_or(REFERENCE_DATE);
    let earliest = REFERENCE_DATE
        .checked_sub_months(Months::new(12 * (age + 1)))
        .and_then(|d| d.checked_add_days(Days::new(1)))
        .unwrap_or(latest);
    let span = latest.signed_duration_since(earliest).num_days().max(0) as u64;
    earliest
        .checked_add_days(Days::new(rng.random_range(0..=span)))
        .unwrap_or(latest)
}

/// The day a member may join at the earliest: their 16th birthday, but not
/// before the party was founded.
fn earliest_join_date(birth_date: NaiveDate) -> NaiveDate {
    birth_date
        .checked_add_months(Months::new(16 * 12))
        .unwrap_or(REFERENCE_DATE)
        .max(FOUNDING_DATE)
        .min(REFERENCE_DATE)
}

/// Join dates skew towards recent years (density rising linearly).
fn join_date_for(birth_date: NaiveDate, rng: &mut ChaCha8Rng) -> NaiveDate {
    let start = earliest_join_date(birth_date);
    let span = REFERENCE_DATE
        .signed_duration_since(start)
        .num_days()
        .max(0) as f64;
    let offset = (rng.random::<f64>().sqrt() * span) as u64;
    start
        .checked_add_days(Days::new(offset))
        .unwrap_or(REFERENCE_DATE)
        .min(REFERENCE_DATE)
}

fn email_address(first: &str, last: &str, digits: u64, rng: &mut ChaCha8Rng) -> String {
    let first = ascii_fold(first);
    let last = ascii_fold(last);
    let initial = first.get(..1).unwrap_or("x");
    let local = match rng.random_range(0..10) {
        0..4 => format!("{first}.{last}"),
        4..6 => format!("{first}{last}"),
        6 => format!("{initial}.{last}"),
        7 => format!("{last}.{first}"),
        8 => format!("{first}_{last}"),
        _ => last,
    };
    let separator = if rng.random_bool(0.4) { "." } else { "" };
    let domain = pick(&EMAIL_DOMAINS, rng).unwrap_or("example.org");
    format!("{local}{separator}{digits}@{domain}")
}

/// German phone number in international format, e.g. "+49 30 1234567".
fn phone_number(area_code: &str, mobile: bool, rng: &mut ChaCha8Rng) -> String {
    let (prefix, length) = if mobile {
        let prefix = MOBILE_PREFIXES
            .get(rng.random_range(0..MOBILE_PREFIXES.len()))
            .copied()
            .unwrap_or("151");
        (prefix, rng.random_range(7..=8))
    } else {
        let length = 11usize.saturating_sub(area_code.len()).clamp(6, 8);
        (area_code, length - rng.random_range(0..=1))
    };
    let mut number = format!("+49 {prefix} ");
    for position in 0..length {
        let digit = if position == 0 {
            rng.random_range(1..=9u32)
        } else {
            rng.random_range(0..=9u32)
        };
        number.push(char::from_digit(digit, 10).unwrap_or('0'));
    }
    number
}

/// Appends the lowercase ASCII transliteration of `c` (ä → ae, ß → ss,
/// é → e, ş → s, …); returns false if `c` has none.
fn fold_char(c: char, out: &mut String) -> bool {
    let folded = match c.to_lowercase().next().unwrap_or(c) {
        c @ ('a'..='z' | '0'..='9') => {
            out.push(c);
            return true;
        }
        'ä' | 'æ' => "ae",
        'ö' | 'ø' => "oe",
        'ü' => "ue",
        'ß' => "ss",
        'á' | 'à' | 'â' | 'ã' | 'å' | 'ą' => "a",
        'é' | 'è' | 'ê' | 'ë' | 'ę' | 'ě' => "e",
        'í' | 'ì' | 'î' | 'ï' | 'ı' => "i",
        'ó' | 'ò' | 'ô' | 'õ' | 'ő' => "o",
        'ú' | 'ù' | 'û' | 'ů' | 'ű' => "u",
        'ç' | 'ć' | 'č' => "c",
        'ş' | 'ś' | 'š' => "s",
        'ž' | 'ź' | 'ż' => "z",
        'ğ' => "g",
        'ł' => "l",
        'ñ' | 'ń' => "n",
        'ř' => "r",
        'ý' => "y",
        _ => return false,
    };
    out.push_str(folded);
    true
}

/// Lowercase ASCII letters and digits only, for e-mail local parts.
fn ascii_fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        fold_char(c, &mut out);
    }
    out
}

/// URL slug: lowercase ASCII, umlauts transliterated, other runs of
/// characters replaced by one hyphen.
fn slugify(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if !fold_char(c, &mut out) && !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

#[cfg(test)]
#[path = "population_tests.rs"]
mod tests;
