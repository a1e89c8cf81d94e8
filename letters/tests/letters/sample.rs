//! A realistic letter, shared by the tests and the benchmark.

use votum_letters::Letter;

/// The letter for member number `member`: the texts are the same for
/// every member, the address, code and URL differ.
pub fn letter(member: u32) -> Letter {
    let code = code(member);
    Letter {
        recipient: vec![
            format!("Mitglied Nr. {member}"),
            format!("Musterweg {}", member % 200 + 1),
            format!("{:05} Musterstadt", 10_000 + member % 89_999),
        ],
        return_address: "Demokratische Beispielpartei · Postfach 1234 · 10115 Berlin".into(),
        sender_block: vec![
            "Demokratische Beispielpartei".into(),
            "Bundeswahlleitung".into(),
            "Postfach 1234".into(),
            "10115 Berlin".into(),
            "Telefon 030 1234567".into(),
        ],
        date: "23. November 2026".into(),
        subject: "Ihre Stimme zur Mitgliederbefragung 2026".into(),
        body: body(),
        vote_url: format!("https://portal.example.org/vote/mb2026?code={code}"),
        code,
        code_label: "Ihr Abstimmungscode:".into(),
        footer: "Datenschutz: Ihre Adresse verwenden wir nur für diese Befragung. \
                 Der Code ist nicht mit Ihrem Namen verknüpft; niemand kann sehen, wie Sie abstimmen."
            .into(),
        slip: None,
    }
}

/// A grouped code like the app's: four groups of four from an alphabet
/// without look-alike characters.
pub fn code(member: u32) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut state = u64::from(member).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03;
    let mut code = String::new();
    for index in 0..16 {
        if index > 0 && index % 4 == 0 {
            code.push('-');
        }
        state ^= state >> 29;
        state = state.wrapping_mul(0xBF58_476D_1CE4_E5B9);
        let index = usize::try_from(state % 32).unwrap_or(0);
        code.push(char::from(ALPHABET.get(index).copied().unwrap_or(b'A')));
    }
    code
}

/// Plain-language instructions of a realistic length.
pub fn body() -> Vec<String> {
    [
        "Guten Tag,",
        "der Bundesvorstand fragt alle Mitglieder nach ihrer Meinung zum neuen Grundsatzprogramm. \
         Mit diesem Brief können Sie abstimmen, auch ohne eigenen Internetzugang.",
        "So stimmen Sie ab: Öffnen Sie mit einem Smartphone die Kamera und halten Sie sie über \
         das Quadrat unten. Oder geben Sie die Adresse portal.example.org/abstimmen ein und \
         tippen Sie Ihren Abstimmungscode ab. Groß- und Kleinschreibung spielen keine Rolle.",
        "Sie können auch per Post abstimmen: Kreuzen Sie auf dem beiliegenden Stimmzettel an und \
         schicken Sie ihn im Rückumschlag bis zum 14. Dezember 2026 zurück. Das Porto zahlen wir.",
        "Jeder Code gilt nur einmal. Wer online abgestimmt hat, kann nicht zusätzlich per Post \
         abstimmen. Bewahren Sie diesen Brief bis zur Bekanntgabe des Ergebnisses auf.",
        "Fragen beantwortet die Wahlleitung unter 030 1234567 (Mo–Fr 9–16 Uhr).",
        "Mit freundlichen Grüßen",
        "Ihre Bundeswahlleitung",
    ]
    .into_iter()
    .map(String::from)
    .collect()
}
