//! Tests of the demo population generator.

use super::*;
use std::collections::HashMap;

fn count(p: &Population, kind: DemoGroupKind) -> usize {
    p.groups.iter().filter(|g| g.kind == kind).count()
}

fn age_on_reference(birth: NaiveDate) -> Option<u32> {
    REFERENCE_DATE.years_since(birth)
}

#[test]
fn same_seed_same_output_other_seed_other_output() {
    let a = Population::new(2_000, 42);
    let b = Population::new(2_000, 42);
    let c = Population::new(2_000, 43);
    assert_eq!(a.groups, b.groups);
    let ma: Vec<DemoMember> = a.members().collect();
    let mb: Vec<DemoMember> = b.members().collect();
    let mc: Vec<DemoMember> = c.members().collect();
    assert_eq!(ma.len(), 2_000);
    assert_eq!(ma, mb);
    assert_ne!(ma, mc);
    // Iterating twice over the same population gives the same members.
    assert!(a.members().eq(ma.into_iter()));
}

#[test]
fn small_party_structure_reaches_federal_group() {
    let p = Population::new(2_000, 1);
    assert_eq!(count(&p, DemoGroupKind::Federal), 1);
    assert_eq!(count(&p, DemoGroupKind::State), 16);
    assert!(count(&p, DemoGroupKind::District) >= 16);
    assert!(count(&p, DemoGroupKind::Local) >= 16);
    let wgs = count(&p, DemoGroupKind::WorkingGroup);
    assert!((8..=14).contains(&wgs), "{wgs} working groups");
    let Some(federal) = p.groups.first() else {
        panic!("no groups")
    };
    assert_eq!(federal.kind, DemoGroupKind::Federal);
    assert!(federal.name.contains("Bundesverband"));
    for (i, g) in p.groups.iter().enumerate() {
        assert_eq!(g.index, i);
        if let Some(parent) = g.parent {
            assert!(parent < i, "parent after child: {g:?}");
        }
    }
    let kind_of = |i: usize| p.groups.get(i).map(|g| g.kind);
    for s in p.groups.iter().filter(|g| g.kind == DemoGroupKind::State) {
        assert_eq!(s.parent, Some(0));
        assert!(p
            .groups
            .iter()
            .any(|d| d.parent == Some(s.index) && d.kind == DemoGroupKind::District));
    }
    for d in p
        .groups
        .iter()
        .filter(|g| g.kind == DemoGroupKind::District)
    {
        assert_eq!(d.parent.and_then(kind_of), Some(DemoGroupKind::State));
        assert!(p.groups.iter().any(|l| l.parent == Some(d.index)));
    }
    let mut per_local: HashMap<usize, usize> = HashMap::new();
    for m in p.members() {
        assert_eq!(kind_of(m.local_group), Some(DemoGroupKind::Local));
        let mut node = Some(m.local_group);
        let mut path = Vec::new();
        while let Some(i) = node {
            path.push(kind_of(i));
            node = p.groups.get(i).and_then(|g| g.parent);
        }
        assert_eq!(
            path,
            [
                Some(DemoGroupKind::Local),
                Some(DemoGroupKind::District),
                Some(DemoGroupKind::State),
                Some(DemoGroupKind::Federal)
            ]
        );
        *per_local.entry(m.local_group).or_default() += 1;
    }
    // Every chapter has members, and sizes vary.
    assert_eq!(per_local.len(), count(&p, DemoGroupKind::Local));
    let sizes: HashSet<usize> = per_local.values().copied().collect();
    assert!(sizes.len() > 5, "chapter sizes: {sizes:?}");
}

#[test]
fn reference_size_has_about_41_members_per_chapter() {
    for (members, low, high) in [(2_000, 45, 55), (400_000, 9_500, 9_900)] {
        let p = Population::new(members, 9);
        let locals = count(&p, DemoGroupKind::Local);
        let districts = count(&p, DemoGroupKind::District);
        eprintln!(
            "{members} members: {} states, {districts} districts, {locals} chapters, {} groups",
            count(&p, DemoGroupKind::State),
            p.groups.len()
        );
        assert!((low..=high).contains(&locals), "{locals} chapters");
    }
    let tiny = Population::new(3, 1);
    assert_eq!(count(&tiny, DemoGroupKind::State), 16);
    assert_eq!(count(&tiny, DemoGroupKind::Local), 16);
    assert_eq!(tiny.members().count(), 3);
    assert_eq!(Population::new(0, 1).members().count(), 0);
}

#[test]
fn slugs_and_chapter_names_are_unique() {
    for members in [2_000, 400_000, 1_500_000] {
        let p = Population::new(members, 5);
        let mut slugs = HashSet::new();
        for g in &p.groups {
            assert!(slugs.insert(g.slug.as_str()), "duplicate slug {}", g.slug);
            assert!(!g.slug.is_empty() && !g.slug.starts_with('-') && !g.slug.ends_with('-'));
            assert!(g
                .slug
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'));
        }
        let mut names = HashSet::new();
        for g in p.groups.iter().filter(|g| g.kind == DemoGroupKind::Local) {
            assert!(names.insert((g.parent, g.name.as_str())), "{}", g.name);
        }
    }
    assert_eq!(
        slugify("Landesverband Baden-Württemberg"),
        "landesverband-baden-wuerttemberg"
    );
    assert_eq!(slugify("Weißensee (Groß) Öl"), "weissensee-gross-oel");
}

#[test]
fn membership_numbers_and_emails_are_unique() {
    let p = Population::new(50_000, 3);
    let mut previous = 0u64;
    let mut emails = HashSet::new();
    let mut with_email = 0;
    for m in p.members() {
        assert!(m.membership_number.len() >= 7);
        let Ok(number) = m.membership_number.parse::<u64>() else {
            panic!("not a number: {}", m.membership_number)
        };
        assert!(number > previous, "not ascending");
        previous = number;
        if let Some(email) = m.email {
            with_email += 1;
            let Some((local, domain)) = email.split_once('@') else {
                panic!("no @ in {email}")
            };
            assert!(["example.org", "example.net", "example.com"].contains(&domain));
            assert!(!local.is_empty());
            assert!(local
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '_'));
            assert!(emails.insert(email.clone()), "duplicate {email}");
        }
    }
    assert!(with_email > 0);
}

#[test]
fn addresses_fit_a_window_envelope_and_match_the_chapter() {
    let p = Population::new(50_000, 11);
    let mut place_of: HashMap<usize, (String, String)> = HashMap::new();
    for m in p.members() {
        for line in [
            format!("{} {}", m.first_name, m.last_name),
            format!("{} {}", m.street, m.house_number),
            format!("{} {}", m.postcode, m.city),
        ] {
            assert!(line.chars().count() <= ADDRESS_LINE_MAX, "too long: {line}");
        }
        assert_eq!(m.postcode.len(), 5);
        assert!(m.postcode.chars().all(|c| c.is_ascii_digit()));
        let place = place_of
            .entry(m.local_group)
            .or_insert_with(|| (m.postcode.clone(), m.city.clone()));
        assert_eq!(place, &(m.postcode.clone(), m.city.clone()));
        if let Some(phone) = &m.phone {
            assert!(phone.starts_with("+49 "), "{phone}");
            assert!(phone
                .chars()
                .all(|c| c.is_ascii_digit() || c == ' ' || c == '+'));
        }
    }
    // Every place of every district fits, even with a five-digit postcode.
    for state in places::STATES {
        for district in state.districts {
            assert!((1..=99).contains(&district.postal_region));
            assert!(!district.places.is_empty());
            let unique: HashSet<_> = district.places.iter().collect();
            assert_eq!(unique.len(), district.places.len(), "{}", district.name);
            for place in district.places {
                let city = district.city.unwrap_or(place);
                assert!(6 + city.chars().count() <= ADDRESS_LINE_MAX, "{city}");
            }
        }
    }
}

#[test]
fn dates_and_shares_are_plausible() {
    let p = Population::new(50_000, 17);
    let (mut email, mut phone, mut paper, mut english, mut old) = (0, 0, 0, 0, 0);
    for m in p.members() {
        let Some(age) = age_on_reference(m.birth_date) else {
            panic!("born after the reference date: {}", m.birth_date)
        };
        assert!((16..=95).contains(&age), "age {age}");
        assert!(m.join_date >= earliest_join_date(m.birth_date));
        assert!(m.join_date >= m.birth_date);
        assert!(m.join_date <= REFERENCE_DATE);
        assert!(m.email.is_some() || m.prefers_paper);
        assert!(m.language == "de" || m.language == "en");
        email += usize::from(m.email.is_some());
        phone += usize::from(m.phone.is_some());
        paper += usize::from(m.prefers_paper);
        english += usize::from(m.language == "en");
        old += usize::from(age >= 65);
    }
    let share = |n: usize| n as f64 / 50_000.0;
    eprintln!(
        "email {:.3}, phone {:.3}, paper {:.3}, english {:.3}, 65+ {:.3}",
        share(email),
        share(phone),
        share(paper),
        share(english),
        share(old)
    );
    assert!((0.76..=0.84).contains(&share(email)));
    assert!((0.57..=0.63).contains(&share(phone)));
    assert!((0.03..=0.07).contains(&share(english)));
    assert!((0.15..=0.30).contains(&share(paper)));
}

#[test]
fn name_tables_are_large_and_clean() {
    let origins = [
        &places::TURKISH,
        &places::EASTERN_EUROPEAN,
        &places::SOUTHERN_EUROPEAN,
        &places::MIDDLE_EASTERN,
    ];
    let firsts: Vec<&[&str]> = [
        places::FEMALE_BEFORE_1955,
        places::MALE_BEFORE_1955,
        places::FEMALE_1955_1974,
        places::MALE_1955_1974,
        places::FEMALE_1975_1994,
        places::MALE_1975_1994,
        places::FEMALE_FROM_1995,
        places::MALE_FROM_1995,
    ]
    .into_iter()
    .chain(origins.iter().flat_map(|o| [o.female, o.male]))
    .collect();
    let lasts: Vec<&[&str]> = std::iter::once(places::GERMAN_LAST_NAMES)
        .chain(origins.iter().map(|o| o.last))
        .collect();
    for lists in [&firsts, &lasts] {
        for list in lists.iter() {
            let unique: HashSet<_> = list.iter().collect();
            assert_eq!(unique.len(), list.len(), "duplicate in {list:?}");
            assert!(list.iter().all(|n| !ascii_fold(n).is_empty()));
        }
    }
    let distinct_first: HashSet<&str> = firsts.iter().flat_map(|l| l.iter().copied()).collect();
    let distinct_last: HashSet<&str> = lasts.iter().flat_map(|l| l.iter().copied()).collect();
    assert!(distinct_first.len() >= 200, "{}", distinct_first.len());
    assert!(distinct_last.len() >= 300, "{}", distinct_last.len());
    assert!(places::STREETS.len() >= 60);
}

/// `cargo test --release -- --ignored --nocapture streams_400k`
#[test]
#[ignore = "slow in debug builds; run in release mode"]
fn streams_400k_members() {
    let start = std::time::Instant::now();
    let p = Population::new(400_000, 2026);
    let mut n = 0usize;
    let mut checksum = 0usize;
    for m in p.members() {
        n += 1;
        checksum = checksum.wrapping_add(m.last_name.len() + m.local_group);
    }
    assert_eq!(n, 400_000);
    eprintln!(
        "streamed {n} members (checksum {checksum}) in {:?}",
        start.elapsed()
    );
}
