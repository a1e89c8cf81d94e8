//! Name and place tables for the `votum demo` population (see `population.rs`).
//!
//! Everything here is static data: the 16 German states with their population,
//! a selection of real districts (Kreise, kreisfreie Städte, Berlin/Hamburg
//! Bezirke) with their postal region, telephone area code and real towns or
//! city quarters, plus first names, last names, street names and working-group
//! topics. Lists are ordered roughly by size or frequency; the generator turns
//! the order into weights.

/// A German state (Land).
pub struct State {
    pub name: &'static str,
    /// Inhabitants in thousands (2023, rounded).
    pub population_k: u32,
    pub districts: &'static [District],
}

/// A district (Kreis, kreisfreie Stadt or city Bezirk) and the places in it.
pub struct District {
    pub name: &'static str,
    /// Inhabitants in thousands (rounded).
    pub population_k: u32,
    /// First two digits of the postcodes used in this district.
    pub postal_region: u32,
    /// Telephone area code without the leading zero.
    pub area_code: &'static str,
    /// Set when `places` are quarters of one city (the postal city name).
    pub city: Option<&'static str>,
    /// Real municipalities (or city quarters), largest first.
    pub places: &'static [&'static str],
}

const fn d(
    name: &'static str,
    population_k: u32,
    postal_region: u32,
    area_code: &'static str,
    places: &'static [&'static str],
) -> District {
    District {
        name,
        population_k,
        postal_region,
        area_code,
        city: None,
        places,
    }
}

const fn c(
    name: &'static str,
    population_k: u32,
    postal_region: u32,
    area_code: &'static str,
    city: &'static str,
    places: &'static [&'static str],
) -> District {
    District {
        name,
        population_k,
        postal_region,
        area_code,
        city: Some(city),
        places,
    }
}

/// Chapter name suffixes used when a town has more than one chapter.
pub const QUARTERS: [&str; 9] = [
    "Mitte", "Nord", "Süd", "Ost", "West", "Nordost", "Nordwest", "Südost", "Südwest",
];

/// German mobile network prefixes (without the leading zero).
pub const MOBILE_PREFIXES: [&str; 16] = [
    "151", "152", "155", "157", "159", "160", "162", "163", "170", "171", "172", "173", "175",
    "176", "177", "179",
];

/// Reserved example domains only, with weights.
pub const EMAIL_DOMAINS: [(&str, u32); 3] = [
    ("example.org", 40),
    ("example.com", 35),
    ("example.net", 25),
];

/// Age brackets (inclusive) and their share in per cent: party members skew old.
pub const AGE_BRACKETS: [((u32, u32), u32); 8] = [
    ((16, 24), 8),
    ((25, 34), 11),
    ((35, 44), 12),
    ((45, 54), 14),
    ((55, 64), 20),
    ((65, 74), 19),
    ((75, 84), 12),
    ((85, 95), 4),
];

pub const FEDERAL_NAME: &str = "Demokratische Beispielpartei (Bundesverband)";

#[rustfmt::skip]
pub const STATES: &[State] = &[
    State { name: "Baden-Württemberg", population_k: 11280, districts: &[
        c("Stuttgart", 630, 70, "711", "Stuttgart", &["Mitte", "Bad Cannstatt", "Vaihingen", "Feuerbach", "Zuffenhausen", "Degerloch", "Möhringen", "Weilimdorf", "Untertürkheim", "Botnang", "Heslach", "Sillenbuch"]),
        d("Rhein-Neckar-Kreis", 550, 69, "6221", &["Sinsheim", "Weinheim", "Leimen", "Wiesloch", "Schwetzingen", "Hockenheim", "Eppelheim", "Walldorf", "Schriesheim", "Ladenburg", "Hemsbach", "Neckargemünd"]),
        d("Ludwigsburg", 550, 71, "7141", &["Ludwigsburg", "Bietigheim-Bissingen", "Kornwestheim", "Vaihingen an der Enz", "Remseck am Neckar", "Ditzingen", "Marbach am Neckar", "Sachsenheim", "Freiberg am Neckar", "Gerlingen", "Asperg", "Möglingen"]),
        d("Esslingen", 540, 73, "711", &["Esslingen am Neckar", "Filderstadt", "Nürtingen", "Kirchheim unter Teck", "Leinfelden-Echterdingen", "Ostfildern", "Wendlingen am Neckar", "Plochingen", "Wernau", "Denkendorf", "Aichwald", "Neuhausen auf den Fildern"]),
        d("Karlsruhe-Land", 450, 76, "7251", &["Bruchsal", "Ettlingen", "Bretten", "Stutensee", "Rheinstetten", "Waghäusel", "Philippsburg", "Pfinztal", "Graben-Neudorf", "Eggenstein-Leopoldshafen", "Kraichtal", "Weingarten (Baden)"]),
        d("Ortenaukreis", 435, 77, "781", &["Offenburg", "Lahr", "Achern", "Kehl", "Oberkirch", "Haslach im Kinzigtal", "Gengenbach", "Wolfach", "Hausach", "Rheinau", "Ettenheim", "Willstätt"]),
        d("Rems-Murr-Kreis", 430, 71, "7151", &["Waiblingen", "Schorndorf", "Fellbach", "Winnenden", "Backnang", "Weinstadt", "Murrhardt", "Welzheim", "Kernen im Remstal", "Leutenbach", "Schwaikheim"]),
        d("Böblingen", 395, 71, "7031", &["Böblingen", "Sindelfingen", "Leonberg", "Herrenberg", "Renningen", "Weil der Stadt", "Holzgerlingen", "Ehningen", "Gärtringen", "Magstadt"]),
        d("Heilbronn-Land", 350, 74, "7131", &["Neckarsulm", "Eppingen", "Bad Rappenau", "Weinsberg", "Lauffen am Neckar", "Brackenheim", "Bad Friedrichshall", "Möckmühl", "Leingarten", "Schwaigern", "Obersulm"]),
        c("Mannheim", 315, 68, "621", "Mannheim", &["Innenstadt", "Neckarstadt-West", "Neckarstadt-Ost", "Lindenhof", "Neckarau", "Käfertal", "Feudenheim", "Sandhofen", "Seckenheim", "Schwetzingerstadt", "Waldhof", "Rheinau"]),
        c("Karlsruhe", 306, 76, "721", "Karlsruhe", &["Innenstadt", "Südstadt", "Weststadt", "Oststadt", "Mühlburg", "Durlach", "Neureut", "Daxlanden", "Rüppurr", "Knielingen", "Waldstadt"]),
        d("Konstanz", 290, 78, "7531", &["Konstanz", "Singen", "Radolfzell am Bodensee", "Allensbach", "Stockach", "Engen", "Reichenau", "Gottmadingen", "Rielasingen-Worblingen", "Tengen"]),
        d("Reutlingen", 290, 72, "7121", &["Reutlingen", "Metzingen", "Pfullingen", "Eningen unter Achalm", "Dettingen an der Erms", "Münsingen", "Bad Urach", "Lichtenstein", "Wannweil", "Sonnenbühl"]),
        d("Ravensburg", 290, 88, "751", &["Ravensburg", "Weingarten", "Wangen im Allgäu", "Leutkirch im Allgäu", "Bad Waldsee", "Isny im Allgäu", "Baienfurt", "Baindt", "Bad Wurzach", "Aulendorf"]),
        c("Freiburg im Breisgau", 236, 79, "761", "Freiburg im Breisgau", &["Altstadt", "Wiehre", "Herdern", "Stühlinger", "Haslach", "Weingarten", "Zähringen", "Littenweiler", "St. Georgen", "Rieselfeld", "Vauban", "Landwasser"]),
        d("Tübingen", 230, 72, "7071", &["Tübingen", "Rottenburg am Neckar", "Mössingen", "Ammerbuch", "Kusterdingen", "Dußlingen", "Ofterdingen", "Nehren", "Kirchentellinsfurt"]),
        d("Bodenseekreis", 220, 88, "7541", &["Friedrichshafen", "Überlingen", "Markdorf", "Meckenbeuren", "Tettnang", "Meersburg", "Immenstaad am Bodensee", "Kressbronn am Bodensee", "Salem", "Langenargen"]),
        c("Heidelberg", 160, 69, "6221", "Heidelberg", &["Altstadt", "Bergheim", "Weststadt", "Südstadt", "Handschuhsheim", "Neuenheim", "Rohrbach", "Kirchheim", "Wieblingen", "Pfaffengrund", "Ziegelhausen"]),
        c("Heilbronn", 128, 74, "7131", "Heilbronn", &["Innenstadt", "Böckingen", "Sontheim", "Neckargartach", "Frankenbach", "Biberach", "Horkheim", "Kirchhausen", "Klingenberg"]),
        c("Ulm", 127, 89, "731", "Ulm", &["Mitte", "Weststadt", "Oststadt", "Söflingen", "Wiblingen", "Eselsberg", "Böfingen", "Jungingen", "Einsingen"]),
        d("Ostalbkreis", 315, 73, "7361", &["Aalen", "Schwäbisch Gmünd", "Ellwangen (Jagst)", "Bopfingen", "Lorch", "Heubach", "Oberkochen", "Neresheim", "Mutlangen", "Hüttlingen"]),
        d("Enzkreis", 325, 75, "7231", &["Pforzheim", "Mühlacker", "Königsbach-Stein", "Neuenbürg", "Niefern-Öschelbronn", "Remchingen", "Birkenfeld", "Keltern", "Maulbronn", "Ispringen"]),
        d("Rastatt", 290, 76, "7222", &["Rastatt", "Baden-Baden", "Gaggenau", "Bühl", "Gernsbach", "Kuppenheim", "Durmersheim", "Bietigheim", "Ötigheim", "Iffezheim"]),
        d("Breisgau-Hochschwarzwald", 265, 79, "7633", &["Bad Krozingen", "Müllheim im Markgräflerland", "Breisach am Rhein", "Titisee-Neustadt", "Staufen im Breisgau", "Gundelfingen", "Kirchzarten", "Umkirch", "Heitersheim", "Neuenburg am Rhein"]),
        d("Göppingen", 260, 73, "7161", &["Göppingen", "Geislingen an der Steige", "Eislingen/Fils", "Donzdorf", "Uhingen", "Ebersbach an der Fils", "Süßen", "Salach", "Bad Boll", "Heiningen"]),
        d("Lörrach", 230, 79, "7621", &["Lörrach", "Weil am Rhein", "Rheinfelden (Baden)", "Schopfheim", "Grenzach-Wyhlen", "Steinen", "Zell im Wiesental", "Kandern", "Efringen-Kirchen", "Todtnau"]),
        d("Schwarzwald-Baar-Kreis", 215, 78, "7721", &["Villingen-Schwenningen", "Donaueschingen", "St. Georgen im Schwarzwald", "Bad Dürrheim", "Furtwangen im Schwarzwald", "Blumberg", "Hüfingen", "Triberg im Schwarzwald", "Königsfeld im Schwarzwald", "Brigachtal"]),
        d("Biberach", 205, 88, "7351", &["Biberach an der Riß", "Laupheim", "Riedlingen", "Bad Schussenried", "Ochsenhausen", "Bad Buchau", "Schwendi", "Erolzheim", "Ummendorf", "Warthausen"]),
        d("Alb-Donau-Kreis", 200, 89, "7391", &["Ehingen (Donau)", "Blaubeuren", "Laichingen", "Langenau", "Schelklingen", "Munderkingen", "Dornstadt", "Blaustein", "Erbach", "Merklingen"]),
        d("Zollernalbkreis", 190, 72, "7433", &["Balingen", "Albstadt", "Hechingen", "Meßstetten", "Burladingen", "Rosenfeld", "Haigerloch", "Bisingen", "Geislingen", "Schömberg"]),
    ]},
    State { name: "Bayern", population_k: 13370, districts: &[
        c("München", 1510, 80, "89", "München", &["Altstadt-Lehel", "Maxvorstadt", "Schwabing-West", "Au-Haidhausen", "Sendling", "Neuhausen-Nymphenburg", "Bogenhausen", "Ramersdorf-Perlach", "Pasing-Obermenzing", "Ludwigsvorstadt-Isarvorstadt", "Sendling-Westpark", "Schwanthalerhöhe", "Moosach", "Milbertshofen-Am Hart", "Schwabing-Freimann", "Berg am Laim", "Trudering-Riem", "Obergiesing-Fasangarten", "Untergiesing-Harlaching", "Thalkirchen", "Hadern", "Laim", "Aubing-Lochhausen", "Allach-Untermenzing", "Feldmoching-Hasenbergl"]),
        c("Nürnberg", 530, 90, "911", "Nürnberg", &["Altstadt", "Gostenhof", "St. Johannis", "St. Leonhard", "Südstadt", "Galgenhof", "Langwasser", "Gibitzenhof", "Mögeldorf", "Eibach", "Ziegelstein", "Schweinau", "Wöhrd", "Thon", "Katzwang", "Fischbach"]),
        d("München-Land", 350, 85, "89", &["Unterschleißheim", "Unterhaching", "Ottobrunn", "Garching bei München", "Ismaning", "Haar", "Oberschleißheim", "Grünwald", "Pullach im Isartal", "Neubiberg", "Putzbrunn", "Taufkirchen", "Planegg", "Gräfelfing"]),
        c("Augsburg", 300, 86, "821", "Augsburg", &["Innenstadt", "Göggingen", "Haunstetten", "Lechhausen", "Oberhausen", "Pfersee", "Hochzoll", "Kriegshaber", "Bärenkeller", "Firnhaberau", "Hochfeld", "Universitätsviertel", "Inningen"]),
        d("Rosenheim", 325, 83, "8031", &["Rosenheim", "Bad Aibling", "Kolbermoor", "Wasserburg am Inn", "Prien am Chiemsee", "Brannenburg", "Raubling", "Bad Endorf", "Bruckmühl", "Stephanskirchen", "Feldkirchen-Westerham", "Oberaudorf", "Rohrdorf"]),
        d("Augsburg-Land", 260, 86, "821", &["Königsbrunn", "Neusäß", "Gersthofen", "Stadtbergen", "Bobingen", "Schwabmünchen", "Meitingen", "Diedorf", "Zusmarshausen", "Dinkelscherben"]),
        d("Passau", 246, 94, "851", &["Passau", "Vilshofen an der Donau", "Pocking", "Hauzenberg", "Tittling", "Fürstenzell", "Ruhstorf an der Rott", "Bad Griesbach im Rottal", "Hutthurm", "Salzweg", "Neuhaus am Inn", "Thyrnau"]),
        d("Aschaffenburg", 246, 63, "6021", &["Aschaffenburg", "Alzenau", "Goldbach", "Hösbach", "Großostheim", "Kleinostheim", "Karlstein am Main", "Mainaschaff", "Stockstadt am Main", "Haibach"]),
        d("Landshut", 233, 84, "871", &["Landshut", "Ergolding", "Rottenburg an der Laaber", "Vilsbiburg", "Essenbach", "Ergoldsbach", "Altdorf", "Kumhausen", "Geisenhausen", "Pfeffenhausen"]),
        d("Oberallgäu", 230, 87, "831", &["Kempten", "Sonthofen", "Immenstadt im Allgäu", "Oberstdorf", "Sulzberg", "Dietmannsried", "Waltenhofen", "Altusried", "Burgberg im Allgäu", "Fischen im Allgäu"]),
        d("Bamberg", 225, 96, "951", &["Bamberg", "Hallstadt", "Hirschaid", "Scheßlitz", "Memmelsdorf", "Strullendorf", "Baunach", "Burgebrach", "Stegaurach", "Bischberg"]),
        d("Regensburg-Land", 195, 93, "9401", &["Neutraubling", "Regenstauf", "Lappersdorf", "Obertraubling", "Pentling", "Nittendorf", "Wörth an der Donau", "Hemau", "Sinzing", "Barbing"]),
        d("Bayreuth", 178, 95, "921", &["Bayreuth", "Pegnitz", "Bindlach", "Creußen", "Eckersdorf", "Hollfeld", "Gefrees", "Weidenberg", "Speichersdorf", "Bad Berneck im Fichtelgebirge"]),
        c("Regensburg", 155, 93, "941", "Regensburg", &["Innenstadt", "Kumpfmühl", "Westenviertel", "Ostenviertel", "Galgenberg", "Burgweinting", "Stadtamhof", "Steinweg", "Reinhausen", "Prüfening", "Königswiesen"]),
        c("Ingolstadt", 140, 85, "841", "Ingolstadt", &["Altstadt", "Nordbahnhof", "Friedrichshofen", "Gerolfing", "Haunwöhr", "Hundszell", "Mailing", "Oberhaunstadt", "Ringsee", "Unsernherrn", "Zuchering", "Etting"]),
        d("Starnberg", 137, 82, "8151", &["Starnberg", "Gauting", "Herrsching am Ammersee", "Tutzing", "Pöcking", "Berg", "Wörthsee", "Gilching", "Krailling", "Feldafing", "Seefeld", "Andechs"]),
        c("Fürth", 130, 90, "911", "Fürth", &["Innenstadt", "Südstadt", "Poppenreuth", "Stadeln", "Vach", "Burgfarrnbach", "Dambach", "Hardhöhe", "Ronhof", "Unterfarrnbach"]),
        c("Würzburg", 127, 97, "931", "Würzburg", &["Altstadt", "Sanderau", "Frauenland", "Zellerau", "Grombühl", "Heidingsfeld", "Lengfeld", "Versbach", "Heuchelhof", "Dürrbachtal"]),
        c("Erlangen", 115, 91, "9131", "Erlangen", &["Innenstadt", "Bruck", "Büchenbach", "Eltersdorf", "Frauenaurach", "Tennenlohe", "Dechsendorf", "Kosbach", "Sieglitzhof", "Röthelheimpark"]),
        d("Garmisch-Partenkirchen", 88, 82, "8821", &["Garmisch-Partenkirchen", "Murnau am Staffelsee", "Oberammergau", "Mittenwald", "Grainau", "Oberau", "Uffing am Staffelsee", "Krün", "Farchant"]),
        d("Fürstenfeldbruck", 220, 82, "8141", &["Fürstenfeldbruck", "Germering", "Puchheim", "Olching", "Gröbenzell", "Maisach", "Eichenau", "Emmering", "Mammendorf", "Grafrath"]),
        d("Freising", 180, 85, "8161", &["Freising", "Moosburg an der Isar", "Neufahrn bei Freising", "Eching", "Hallbergmoos", "Au in der Hallertau", "Allershausen", "Nandlstadt", "Zolling", "Marzling"]),
        d("Neu-Ulm", 180, 89, "731", &["Neu-Ulm", "Senden", "Illertissen", "Weißenhorn", "Vöhringen", "Elchingen", "Nersingen", "Pfaffenhofen an der Roth", "Bellenberg", "Altenstadt"]),
        d("Traunstein", 180, 83, "861", &["Traunstein", "Traunreut", "Trostberg", "Ruhpolding", "Siegsdorf", "Grassau", "Übersee", "Bergen", "Inzell", "Reit im Winkl", "Tittmoning"]),
        d("Nürnberger Land", 172, 91, "9123", &["Lauf an der Pegnitz", "Röthenbach an der Pegnitz", "Hersbruck", "Altdorf bei Nürnberg", "Schwaig bei Nürnberg", "Schnaittach", "Feucht", "Burgthann", "Neunkirchen am Sand", "Leinburg"]),
        d("Schweinfurt", 165, 97, "9721", &["Schweinfurt", "Gerolzhofen", "Werneck", "Schonungen", "Niederwerrn", "Grafenrheinfeld", "Gochsheim", "Bergrheinfeld", "Poppenhausen", "Sennfeld"]),
        d("Würzburg-Land", 162, 97, "931", &["Veitshöchheim", "Höchberg", "Ochsenfurt", "Gerbrunn", "Rimpar", "Randersacker", "Zell am Main", "Estenfeld", "Kist", "Eibelstadt"]),
        d("Dachau", 155, 85, "8131", &["Dachau", "Karlsfeld", "Markt Indersdorf", "Odelzhausen", "Bergkirchen", "Röhrmoos", "Haimhausen", "Petershausen", "Hebertshausen", "Schwabhausen"]),
        d("Ebersberg", 145, 85, "8092", &["Vaterstetten", "Poing", "Ebersberg", "Grafing bei München", "Markt Schwaben", "Kirchseeon", "Zorneding", "Glonn", "Anzing", "Aßling"]),
        d("Amberg-Sulzbach", 145, 92, "9621", &["Amberg", "Sulzbach-Rosenberg", "Vilseck", "Hirschau", "Auerbach in der Oberpfalz", "Schnaittenbach", "Hahnbach", "Ursensollen"]),
        d("Erding", 140, 85, "8122", &["Erding", "Dorfen", "Taufkirchen (Vils)", "Isen", "Wartenberg", "Oberding", "Moosinning", "Forstern", "Lengdorf", "Fraunberg"]),
        d("Erlangen-Höchstadt", 138, 91, "9132", &["Herzogenaurach", "Höchstadt an der Aisch", "Baiersdorf", "Eckental", "Heroldsberg", "Uttenreuth", "Möhrendorf", "Adelsdorf", "Hemhofen", "Spardorf"]),
        d("Weilheim-Schongau", 137, 82, "881", &["Weilheim in Oberbayern", "Penzberg", "Schongau", "Peißenberg", "Peiting", "Polling", "Huglfing", "Iffeldorf", "Bernried am Starnberger See"]),
        d("Bad Tölz-Wolfratshausen", 128, 83, "8041", &["Geretsried", "Bad Tölz", "Wolfratshausen", "Lenggries", "Bad Heilbrunn", "Kochel am See", "Icking", "Münsing", "Benediktbeuern", "Königsdorf"]),
        d("Deggendorf", 125, 94, "991", &["Deggendorf", "Plattling", "Osterhofen", "Hengersberg", "Metten", "Niederalteich", "Stephansposching", "Iggensbach"]),
        d("Landsberg am Lech", 125, 86, "8191", &["Landsberg am Lech", "Kaufering", "Dießen am Ammersee", "Schondorf am Ammersee", "Utting am Ammersee", "Denklingen", "Igling", "Fuchstal"]),
        d("Miesbach", 100, 83, "8025", &["Holzkirchen", "Miesbach", "Tegernsee", "Bad Wiessee", "Schliersee", "Hausham", "Gmund am Tegernsee", "Rottach-Egern", "Otterfing", "Fischbachau"]),
    ]},
    State { name: "Berlin", population_k: 3760, districts: &[
        c("Pankow", 410, 13, "30", "Berlin", &["Prenzlauer Berg", "Pankow", "Weißensee", "Heinersdorf", "Buch", "Französisch Buchholz", "Niederschönhausen", "Rosenthal", "Karow", "Blankenburg"]),
        c("Mitte", 390, 10, "30", "Berlin", &["Mitte", "Moabit", "Wedding", "Gesundbrunnen", "Tiergarten", "Hansaviertel"]),
        c("Tempelhof-Schöneberg", 350, 12, "30", "Berlin", &["Schöneberg", "Friedenau", "Tempelhof", "Mariendorf", "Marienfelde", "Lichtenrade"]),
        c("Charlottenburg-Wilmersdorf", 340, 10, "30", "Berlin", &["Charlottenburg", "Wilmersdorf", "Westend", "Halensee", "Grunewald", "Schmargendorf", "Charlottenburg-Nord"]),
        c("Neukölln", 330, 12, "30", "Berlin", &["Neukölln", "Britz", "Buckow", "Rudow", "Gropiusstadt"]),
        c("Steglitz-Zehlendorf", 310, 14, "30", "Berlin", &["Steglitz", "Lichterfelde", "Lankwitz", "Zehlendorf", "Dahlem", "Nikolassee", "Wannsee"]),
        c("Lichtenberg", 300, 10, "30", "Berlin", &["Lichtenberg", "Friedrichsfelde", "Karlshorst", "Rummelsburg", "Fennpfuhl", "Alt-Hohenschönhausen", "Neu-Hohenschönhausen", "Falkenberg", "Malchow", "Wartenberg"]),
        c("Friedrichshain-Kreuzberg", 290, 10, "30", "Berlin", &["Friedrichshain", "Kreuzberg", "Boxhagener Kiez", "Graefekiez", "Bergmannkiez", "Wrangelkiez"]),
        c("Treptow-Köpenick", 290, 12, "30", "Berlin", &["Köpenick", "Alt-Treptow", "Adlershof", "Johannisthal", "Baumschulenweg", "Niederschöneweide", "Oberschöneweide", "Friedrichshagen", "Grünau", "Müggelheim", "Rahnsdorf", "Plänterwald"]),
        c("Marzahn-Hellersdorf", 290, 12, "30", "Berlin", &["Marzahn", "Hellersdorf", "Biesdorf", "Kaulsdorf", "Mahlsdorf"]),
        c("Reinickendorf", 265, 13, "30", "Berlin", &["Reinickendorf", "Tegel", "Wittenau", "Hermsdorf", "Frohnau", "Heiligensee", "Konradshöhe", "Lübars", "Waidmannslust", "Märkisches Viertel", "Borsigwalde"]),
        c("Spandau", 250, 13, "30", "Berlin", &["Spandau", "Haselhorst", "Siemensstadt", "Staaken", "Gatow", "Kladow", "Hakenfelde", "Falkenhagener Feld", "Wilhelmstadt"]),
    ]},
    State { name: "Brandenburg", population_k: 2570, districts: &[
        d("Potsdam-Mittelmark", 220, 14, "33841", &["Werder (Havel)", "Teltow", "Kleinmachnow", "Stahnsdorf", "Michendorf", "Beelitz", "Bad Belzig", "Schwielowsee", "Nuthetal", "Treuenbrietzen", "Groß Kreutz"]),
        d("Oberhavel", 215, 16, "3301", &["Oranienburg", "Hennigsdorf", "Velten", "Hohen Neuendorf", "Birkenwerder", "Glienicke/Nordbahn", "Mühlenbecker Land", "Gransee", "Zehdenick", "Fürstenberg/Havel", "Kremmen", "Leegebruch"]),
        d("Märkisch-Oderland", 195, 15, "3341", &["Strausberg", "Neuenhagen bei Berlin", "Hoppegarten", "Fredersdorf-Vogelsdorf", "Petershagen/Eggersdorf", "Seelow", "Bad Freienwalde (Oder)", "Müncheberg", "Rüdersdorf bei Berlin", "Altlandsberg"]),
        c("Potsdam", 185, 14, "331", "Potsdam", &["Innenstadt", "Babelsberg", "Potsdam West", "Bornstedt", "Drewitz", "Waldstadt", "Zentrum Ost", "Golm", "Eiche", "Schlaatz", "Kirchsteigfeld"]),
        d("Barnim", 185, 16, "3334", &["Eberswalde", "Bernau bei Berlin", "Panketal", "Wandlitz", "Ahrensfelde", "Werneuchen", "Joachimsthal", "Biesenthal", "Schorfheide"]),
        d("Oder-Spree", 180, 15, "3361", &["Fürstenwalde/Spree", "Eisenhüttenstadt", "Erkner", "Beeskow", "Schöneiche bei Berlin", "Storkow (Mark)", "Bad Saarow", "Woltersdorf", "Grünheide (Mark)", "Friedland"]),
        d("Dahme-Spreewald", 175, 15, "3375", &["Königs Wusterhausen", "Lübben (Spreewald)", "Luckau", "Schönefeld", "Eichwalde", "Zeuthen", "Schulzendorf", "Mittenwalde", "Wildau", "Heidesee"]),
        d("Teltow-Fläming", 170, 14, "3371", &["Ludwigsfelde", "Luckenwalde", "Zossen", "Blankenfelde-Mahlow", "Rangsdorf", "Jüterbog", "Trebbin", "Großbeeren", "Am Mellensee", "Baruth/Mark"]),
        d("Havelland", 165, 14, "3321", &["Falkensee", "Nauen", "Rathenow", "Premnitz", "Dallgow-Döberitz", "Ketzin/Havel", "Wustermark", "Brieselang", "Schönwalde-Glien", "Friesack"]),
        c("Cottbus", 98, 3, "355", "Cottbus", &["Mitte", "Sandow", "Ströbitz", "Sachsendorf", "Schmellwitz", "Madlow", "Spremberger Vorstadt", "Brunschwig", "Branitz"]),
    ]},
    State { name: "Bremen", population_k: 680, districts: &[
        c("Bremen", 567, 28, "421", "Bremen", &["Mitte", "Neustadt", "Östliche Vorstadt", "Schwachhausen", "Findorff", "Walle", "Gröpelingen", "Vegesack", "Blumenthal", "Burglesum", "Horn-Lehe", "Oberneuland", "Osterholz", "Hemelingen", "Obervieland", "Huchting", "Woltmershausen", "Vahr", "Borgfeld"]),
        c("Bremerhaven", 115, 27, "471", "Bremerhaven", &["Mitte", "Geestemünde", "Lehe", "Leherheide", "Wulsdorf", "Schiffdorferdamm", "Surheide", "Weddewarden", "Fischereihafen"]),
    ]},
    State { name: "Hamburg", population_k: 1890, districts: &[
        c("Wandsbek", 450, 22, "40", "Hamburg", &["Wandsbek", "Rahlstedt", "Bramfeld", "Eilbek", "Marienthal", "Jenfeld", "Tonndorf", "Farmsen-Berne", "Steilshoop", "Wellingsbüttel", "Sasel", "Poppenbüttel", "Hummelsbüttel", "Bergstedt", "Volksdorf"]),
        c("Hamburg-Nord", 320, 22, "40", "Hamburg", &["Eppendorf", "Winterhude", "Barmbek-Nord", "Barmbek-Süd", "Hoheluft-Ost", "Uhlenhorst", "Hohenfelde", "Dulsberg", "Fuhlsbüttel", "Langenhorn", "Ohlsdorf", "Alsterdorf", "Groß Borstel"]),
        c("Hamburg-Mitte", 310, 20, "40", "Hamburg", &["St. Pauli", "St. Georg", "Hamm", "Horn", "Billstedt", "Wilhelmsburg", "Veddel", "HafenCity", "Neustadt", "Rothenburgsort", "Borgfelde"]),
        c("Altona", 280, 22, "40", "Hamburg", &["Ottensen", "Altona-Altstadt", "Altona-Nord", "Bahrenfeld", "Groß Flottbek", "Othmarschen", "Lurup", "Osdorf", "Nienstedten", "Blankenese", "Iserbrook", "Sülldorf", "Rissen"]),
        c("Eimsbüttel", 270, 20, "40", "Hamburg", &["Eimsbüttel", "Rotherbaum", "Harvestehude", "Hoheluft-West", "Lokstedt", "Niendorf", "Schnelsen", "Eidelstedt", "Stellingen"]),
        c("Harburg", 170, 21, "40", "Hamburg", &["Harburg", "Heimfeld", "Wilstorf", "Eißendorf", "Marmstorf", "Neugraben-Fischbek", "Hausbruch", "Sinstorf", "Rönneburg", "Neuland"]),
        c("Bergedorf", 130, 21, "40", "Hamburg", &["Bergedorf", "Lohbrügge", "Neuallermöhe", "Curslack", "Kirchwerder", "Billwerder", "Allermöhe", "Altengamme"]),
    ]},
    State { name: "Hessen", population_k: 6390, districts: &[
        c("Frankfurt am Main", 775, 60, "69", "Frankfurt am Main", &["Innenstadt", "Bornheim", "Nordend", "Ostend", "Westend", "Sachsenhausen", "Bockenheim", "Gallus", "Höchst", "Niederrad", "Fechenheim", "Bergen-Enkheim", "Preungesheim", "Eschersheim", "Rödelheim", "Nied", "Griesheim", "Praunheim", "Bonames", "Seckbach"]),
        d("Main-Kinzig-Kreis", 420, 63, "6181", &["Hanau", "Maintal", "Gelnhausen", "Bruchköbel", "Nidderau", "Schlüchtern", "Langenselbold", "Erlensee", "Großkrotzenburg", "Rodenbach", "Bad Orb", "Wächtersbach"]),
        d("Offenbach-Land", 360, 63, "6074", &["Dreieich", "Rodgau", "Neu-Isenburg", "Langen (Hessen)", "Dietzenbach", "Mühlheim am Main", "Seligenstadt", "Heusenstamm", "Obertshausen", "Hainburg", "Egelsbach", "Rödermark"]),
        d("Wetteraukreis", 310, 61, "6031", &["Friedberg (Hessen)", "Bad Vilbel", "Bad Nauheim", "Büdingen", "Karben", "Butzbach", "Nidda", "Rosbach vor der Höhe", "Florstadt", "Echzell", "Altenstadt"]),
        c("Wiesbaden", 283, 65, "611", "Wiesbaden", &["Mitte", "Westend", "Rheingauviertel", "Biebrich", "Schierstein", "Dotzheim", "Sonnenberg", "Bierstadt", "Erbenheim", "Kastel", "Kostheim", "Klarenthal", "Frauenstein", "Nordenstadt"]),
        d("Gießen", 270, 35, "641", &["Gießen", "Pohlheim", "Lich", "Hungen", "Laubach", "Linden", "Lollar", "Grünberg", "Buseck", "Wettenberg", "Heuchelheim"]),
        d("Bergstraße", 270, 64, "6251", &["Bensheim", "Viernheim", "Heppenheim", "Lampertheim", "Bürstadt", "Lorsch", "Zwingenberg", "Biblis", "Lautertal", "Birkenau", "Fürth"]),
        d("Marburg-Biedenkopf", 245, 35, "6421", &["Marburg", "Stadtallendorf", "Kirchhain", "Biedenkopf", "Gladenbach", "Cölbe", "Wetter (Hessen)", "Neustadt (Hessen)", "Ebsdorfergrund", "Lahntal"]),
        d("Main-Taunus-Kreis", 240, 65, "6192", &["Hofheim am Taunus", "Bad Soden am Taunus", "Eschborn", "Hattersheim am Main", "Flörsheim am Main", "Kelkheim (Taunus)", "Hochheim am Main", "Schwalbach am Taunus", "Sulzbach (Taunus)", "Liederbach am Taunus", "Eppstein", "Kriftel"]),
        d("Hochtaunuskreis", 237, 61, "6172", &["Bad Homburg vor der Höhe", "Oberursel (Taunus)", "Friedrichsdorf", "Königstein im Taunus", "Kronberg im Taunus", "Usingen", "Neu-Anspach", "Steinbach (Taunus)", "Glashütten", "Weilrod"]),
        d("Fulda", 223, 36, "661", &["Fulda", "Künzell", "Petersberg", "Hünfeld", "Neuhof", "Eichenzell", "Gersfeld (Rhön)", "Großenlüder", "Flieden", "Tann (Rhön)"]),
        c("Kassel", 202, 34, "561", "Kassel", &["Mitte", "Vorderer Westen", "Wehlheiden", "Bad Wilhelmshöhe", "Kirchditmold", "Rothenditmold", "Nord-Holland", "Wesertor", "Fasanenhof", "Bettenhausen", "Waldau", "Niederzwehren", "Oberzwehren", "Harleshausen"]),
        c("Darmstadt", 160, 64, "6151", "Darmstadt", &["Mitte", "Bessungen", "Eberstadt", "Arheilgen", "Kranichstein", "Wixhausen", "Martinsviertel", "Johannesviertel"]),
        c("Offenbach am Main", 131, 63, "69", "Offenbach am Main", &["Innenstadt", "Bieber", "Bürgel", "Rumpenheim", "Lauterborn", "Tempelsee", "Waldheim", "Nordend", "Buchhügel"]),
        d("Darmstadt-Dieburg", 300, 64, "6071", &["Griesheim", "Pfungstadt", "Weiterstadt", "Dieburg", "Groß-Umstadt", "Babenhausen", "Ober-Ramstadt", "Seeheim-Jugenheim", "Roßdorf", "Münster (Hessen)"]),
        d("Groß-Gerau", 280, 64, "6152", &["Rüsselsheim am Main", "Mörfelden-Walldorf", "Groß-Gerau", "Raunheim", "Kelsterbach", "Ginsheim-Gustavsburg", "Riedstadt", "Gernsheim", "Bischofsheim", "Nauheim"]),
        d("Lahn-Dill-Kreis", 255, 35, "6441", &["Wetzlar", "Herborn", "Dillenburg", "Haiger", "Solms", "Aßlar", "Braunfels", "Leun", "Ehringshausen", "Hüttenberg"]),
        d("Kassel-Land", 237, 34, "561", &["Baunatal", "Vellmar", "Hofgeismar", "Wolfhagen", "Fuldatal", "Kaufungen", "Lohfelden", "Ahnatal", "Schauenburg", "Grebenstein"]),
        d("Rheingau-Taunus-Kreis", 187, 65, "6124", &["Taunusstein", "Idstein", "Bad Schwalbach", "Geisenheim", "Eltville am Rhein", "Rüdesheim am Rhein", "Oestrich-Winkel", "Niedernhausen", "Hünstetten", "Aarbergen"]),
        d("Schwalm-Eder-Kreis", 180, 34, "5681", &["Schwalmstadt", "Melsungen", "Homberg (Efze)", "Fritzlar", "Borken (Hessen)", "Felsberg", "Gudensberg", "Spangenberg", "Neukirchen", "Edermünde"]),
        d("Limburg-Weilburg", 175, 65, "6431", &["Limburg an der Lahn", "Weilburg", "Bad Camberg", "Hadamar", "Runkel", "Villmar", "Hünfelden", "Elz", "Brechen", "Merenberg"]),
    ]},
    State { name: "Mecklenburg-Vorpommern", population_k: 1630, districts: &[
        d("Mecklenburgische Seenplatte", 260, 17, "395", &["Neubrandenburg", "Waren (Müritz)", "Neustrelitz", "Demmin", "Malchin", "Röbel/Müritz", "Friedland", "Burg Stargard", "Altentreptow", "Penzlin", "Stavenhagen"]),
        d("Vorpommern-Greifswald", 235, 17, "3834", &["Greifswald", "Anklam", "Pasewalk", "Wolgast", "Ueckermünde", "Heringsdorf", "Lubmin", "Torgelow", "Gützkow", "Loitz", "Strasburg"]),
        d("Vorpommern-Rügen", 225, 18, "3831", &["Stralsund", "Bergen auf Rügen", "Grimmen", "Ribnitz-Damgarten", "Barth", "Sassnitz", "Binz", "Putbus", "Zingst", "Richtenberg"]),
        d("Landkreis Rostock", 215, 18, "3843", &["Güstrow", "Bad Doberan", "Teterow", "Kühlungsborn", "Sanitz", "Laage", "Kröpelin", "Schwaan", "Tessin", "Graal-Müritz", "Satow"]),
        c("Rostock", 210, 18, "381", "Rostock", &["Stadtmitte", "Kröpeliner-Tor-Vorstadt", "Südstadt", "Reutershagen", "Lütten Klein", "Evershagen", "Lichtenhagen", "Groß Klein", "Schmarl", "Dierkow", "Toitenwinkel", "Gehlsdorf", "Warnemünde", "Brinckmansdorf"]),
        d("Ludwigslust-Parchim", 210, 19, "3874", &["Ludwigslust", "Parchim", "Hagenow", "Boizenburg/Elbe", "Lübz", "Crivitz", "Plau am See", "Grabow", "Sternberg", "Dömitz"]),
        d("Nordwestmecklenburg", 158, 23, "3841", &["Wismar", "Grevesmühlen", "Gadebusch", "Rehna", "Neukloster", "Klütz", "Dassow", "Schönberg", "Lützow", "Insel Poel"]),
        c("Schwerin", 96, 19, "385", "Schwerin", &["Altstadt", "Schelfstadt", "Paulsstadt", "Feldstadt", "Weststadt", "Lankow", "Neu Zippendorf", "Mueßer Holz", "Krebsförden", "Großer Dreesch", "Werdervorstadt", "Görries"]),
    ]},
    State { name: "Niedersachsen", population_k: 8140, districts: &[
        d("Hannover-Land", 620, 30, "5131", &["Langenhagen", "Garbsen", "Lehrte", "Laatzen", "Neustadt am Rübenberge", "Burgdorf", "Hemmingen", "Isernhagen", "Seelze", "Wunstorf", "Springe", "Burgwedel", "Barsinghausen", "Gehrden", "Ronnenberg", "Sehnde", "Uetze", "Wedemark", "Pattensen", "Wennigsen"]),
        c("Hannover", 545, 30, "511", "Hannover", &["Mitte", "Vahrenwald-List", "Linden-Limmer", "Südstadt-Bult", "Bothfeld-Vahrenheide", "Buchholz-Kleefeld", "Misburg-Anderten", "Kirchrode-Bemerode-Wülferode", "Döhren-Wülfel", "Ricklingen", "Ahlem-Badenstedt-Davenstedt", "Herrenhausen-Stöcken", "Nord"]),
        d("Osnabrück-Land", 360, 49, "5401", &["Georgsmarienhütte", "Melle", "Bramsche", "Wallenhorst", "Bad Iburg", "Quakenbrück", "Belm", "Hasbergen", "Bissendorf", "Bad Essen", "Ostercappeln", "Bohmte"]),
        d("Emsland", 335, 49, "5931", &["Lingen (Ems)", "Meppen", "Papenburg", "Haren (Ems)", "Haselünne", "Werlte", "Sögel", "Emsbüren", "Salzbergen", "Spelle", "Geeste", "Twist"]),
        d("Göttingen", 325, 37, "551", &["Göttingen", "Hann. Münden", "Duderstadt", "Osterode am Harz", "Bovenden", "Rosdorf", "Herzberg am Harz", "Bad Lauterberg im Harz", "Friedland", "Gleichen", "Adelebsen"]),
        d("Hildesheim", 275, 31, "5121", &["Hildesheim", "Sarstedt", "Alfeld (Leine)", "Bad Salzdetfurth", "Gronau (Leine)", "Elze", "Algermissen", "Giesen", "Harsum", "Nordstemmen", "Diekholzen", "Holle"]),
        d("Harburg-Land", 260, 21, "4181", &["Buchholz in der Nordheide", "Winsen (Luhe)", "Seevetal", "Neu Wulmstorf", "Rosengarten", "Tostedt", "Stelle", "Jesteburg", "Salzhausen", "Hollenstedt"]),
        c("Braunschweig", 250, 38, "531", "Braunschweig", &["Innenstadt", "Östliches Ringgebiet", "Westliches Ringgebiet", "Weststadt", "Heidberg-Melverode", "Lehndorf-Watenbüttel", "Wabe-Schunter-Beberbach", "Nordstadt", "Südstadt-Rautheim-Mascherode", "Querum", "Stöckheim", "Broitzem"]),
        d("Stade", 205, 21, "4141", &["Stade", "Buxtehude", "Jork", "Harsefeld", "Drochtersen", "Apensen", "Fredenbeck", "Himmelpforten", "Horneburg"]),
        d("Cuxhaven", 200, 27, "4721", &["Cuxhaven", "Geestland", "Hemmoor", "Otterndorf", "Schiffdorf", "Loxstedt", "Beverstedt", "Hagen im Bremischen", "Wurster Nordseeküste", "Cadenberge"]),
        d("Aurich", 190, 26, "4941", &["Aurich", "Norden", "Wiesmoor", "Norderney", "Ihlow", "Großefehn", "Südbrookmerland", "Hage", "Krummhörn", "Dornum", "Juist", "Baltrum"]),
        d("Lüneburg", 185, 21, "4131", &["Lüneburg", "Adendorf", "Bardowick", "Reppenstedt", "Bleckede", "Dahlenburg", "Amelinghausen", "Scharnebeck", "Embsen"]),
        d("Celle", 180, 29, "5141", &["Celle", "Bergen", "Wietze", "Winsen (Aller)", "Südheide", "Faßberg", "Lachendorf", "Hambühren", "Wathlingen", "Eschede"]),
        c("Oldenburg", 172, 26, "441", "Oldenburg", &["Innenstadt", "Bürgerfelde", "Donnerschwee", "Osternburg", "Kreyenbrück", "Eversten", "Bloherfelde", "Ofenerdiek", "Ohmstede", "Nadorst", "Haarentor", "Etzhorn"]),
        c("Osnabrück", 167, 49, "541", "Osnabrück", &["Innenstadt", "Westerberg", "Weststadt", "Wüste", "Schinkel", "Sonnenhügel", "Dodesheide", "Hafen", "Eversburg", "Atter", "Hellern", "Voxtrup", "Kalkhügel", "Sutthausen"]),
        c("Wolfsburg", 125, 38, "5361", "Wolfsburg", &["Stadtmitte", "Detmerode", "Westhagen", "Fallersleben", "Vorsfelde", "Hehlingen", "Nordstadt", "Sandkamp", "Ehmen", "Almke-Neindorf", "Hattorf-Heiligendorf", "Brackstedt"]),
        d("Diepholz", 220, 28, "5441", &["Weyhe", "Stuhr", "Syke", "Diepholz", "Sulingen", "Bassum", "Twistringen", "Barnstorf", "Lemförde", "Bruchhausen-Vilsen"]),
        d("Gifhorn", 180, 38, "5371", &["Gifhorn", "Wittingen", "Meinersen", "Sassenburg", "Wesendorf", "Isenbüttel", "Hankensbüttel", "Boldecker Land", "Brome", "Papenteich"]),
        d("Leer", 175, 26, "491", &["Leer (Ostfriesland)", "Weener", "Borkum", "Westoverledingen", "Moormerland", "Uplengen", "Rhauderfehn", "Ostrhauderfehn", "Jemgum", "Bunde"]),
        d("Cloppenburg", 175, 49, "4471", &["Cloppenburg", "Friesoythe", "Löningen", "Garrel", "Emstek", "Bösel", "Cappeln (Oldenburg)", "Lastrup", "Essen (Oldenburg)", "Molbergen"]),
        d("Rotenburg (Wümme)", 165, 27, "4261", &["Rotenburg (Wümme)", "Bremervörde", "Zeven", "Scheeßel", "Visselhövede", "Sottrum", "Gnarrenburg", "Tarmstedt"]),
        d("Schaumburg", 157, 31, "5721", &["Stadthagen", "Bückeburg", "Rinteln", "Obernkirchen", "Bad Nenndorf", "Rodenberg", "Sachsenhagen", "Lindhorst", "Auetal"]),
        d("Hameln-Pyrmont", 150, 31, "5151", &["Hameln", "Bad Pyrmont", "Bad Münder am Deister", "Hessisch Oldendorf", "Emmerthal", "Aerzen", "Coppenbrügge", "Salzhemmendorf"]),
        d("Vechta", 145, 49, "4441", &["Vechta", "Lohne (Oldenburg)", "Damme", "Dinklage", "Visbek", "Steinfeld (Oldenburg)", "Bakum", "Holdorf", "Neuenkirchen-Vörden", "Goldenstedt"]),
        d("Verden", 140, 27, "4231", &["Achim", "Verden (Aller)", "Ottersberg", "Oyten", "Langwedel", "Kirchlinteln", "Dörverden", "Thedinghausen"]),
        d("Grafschaft Bentheim", 140, 48, "5921", &["Nordhorn", "Bad Bentheim", "Schüttorf", "Neuenhaus", "Uelsen", "Emlichheim", "Wietmarschen"]),
        d("Heidekreis", 140, 29, "5191", &["Walsrode", "Soltau", "Munster", "Schneverdingen", "Bad Fallingbostel", "Bispingen", "Wietzendorf", "Neuenkirchen"]),
        d("Peine", 135, 31, "5171", &["Peine", "Ilsede", "Edemissen", "Lengede", "Vechelde", "Wendeburg", "Hohenhameln"]),
        d("Goslar", 135, 38, "5321", &["Goslar", "Bad Harzburg", "Seesen", "Langelsheim", "Braunlage", "Clausthal-Zellerfeld", "Liebenburg", "Lutter am Barenberge"]),
        d("Oldenburg-Land", 133, 27, "4431", &["Ganderkesee", "Wildeshausen", "Hude (Oldenburg)", "Hatten", "Wardenburg", "Harpstedt", "Großenkneten", "Dötlingen"]),
        d("Ammerland", 127, 26, "4488", &["Bad Zwischenahn", "Westerstede", "Edewecht", "Rastede", "Wiefelstede", "Apen"]),
        d("Nienburg/Weser", 122, 31, "5021", &["Nienburg/Weser", "Hoya", "Stolzenau", "Rehburg-Loccum", "Steimbke", "Uchte", "Liebenau", "Marklohe"]),
        d("Wolfenbüttel", 120, 38, "5331", &["Wolfenbüttel", "Schöppenstedt", "Cremlingen", "Sickte", "Schladen-Werla", "Baddeckenstedt", "Oderwald", "Elm-Asse"]),
        d("Uelzen", 93, 29, "581", &["Uelzen", "Bad Bevensen", "Ebstorf", "Suderburg", "Bienenbüttel", "Rosche"]),
        c("Wilhelmshaven", 76, 26, "4421", "Wilhelmshaven", &["Innenstadt", "Heppens", "Bant", "Fedderwardergroden", "Altengroden", "Voslapp", "Siebethsburg", "Neuende", "Aldenburg"]),
    ]},
    State { name: "Nordrhein-Westfalen", population_k: 18140, districts: &[
        c("Köln", 1085, 50, "221", "Köln", &["Innenstadt", "Ehrenfeld", "Nippes", "Lindenthal", "Rodenkirchen", "Kalk", "Mülheim", "Porz", "Chorweiler", "Sülz", "Deutz", "Zollstock", "Bayenthal", "Longerich", "Dellbrück", "Bickendorf", "Bocklemünd", "Weiden", "Rondorf", "Humboldt-Gremberg", "Belgisches Viertel", "Agnesviertel", "Südstadt"]),
        c("Düsseldorf", 620, 40, "211", "Düsseldorf", &["Altstadt", "Pempelfort", "Derendorf", "Bilk", "Oberbilk", "Flingern", "Gerresheim", "Benrath", "Kaiserswerth", "Unterrath", "Eller", "Wersten", "Oberkassel", "Heerdt", "Garath", "Carlstadt", "Rath", "Hassels", "Lierenfeld"]),
        d("Recklinghausen", 615, 45, "2361", &["Recklinghausen", "Marl", "Dorsten", "Gladbeck", "Castrop-Rauxel", "Herten", "Haltern am See", "Datteln", "Oer-Erkenschwick", "Waltrop"]),
        d("Rhein-Sieg-Kreis", 605, 53, "2241", &["Troisdorf", "Sankt Augustin", "Siegburg", "Bornheim", "Hennef (Sieg)", "Niederkassel", "Königswinter", "Meckenheim", "Rheinbach", "Lohmar", "Much", "Bad Honnef", "Alfter", "Wachtberg", "Swisttal", "Eitorf"]),
        c("Dortmund", 590, 44, "231", "Dortmund", &["Innenstadt-Nord", "Innenstadt-Ost", "Innenstadt-West", "Eving", "Scharnhorst", "Brackel", "Aplerbeck", "Hörde", "Hombruch", "Lütgendortmund", "Huckarde", "Mengede"]),
        c("Essen", 585, 45, "201", "Essen", &["Stadtkern", "Rüttenscheid", "Frohnhausen", "Holsterhausen", "Altenessen", "Steele", "Kray", "Werden", "Kettwig", "Borbeck", "Katernberg", "Bredeney", "Huttrop", "Karnap", "Überruhr", "Frintrop"]),
        d("Aachen", 560, 52, "241", &["Aachen", "Stolberg", "Eschweiler", "Herzogenrath", "Würselen", "Alsdorf", "Baesweiler", "Monschau", "Simmerath", "Roetgen"]),
        c("Duisburg", 500, 47, "203", "Duisburg", &["Mitte", "Meiderich", "Hamborn", "Walsum", "Homberg", "Rheinhausen", "Neudorf", "Marxloh", "Ruhrort", "Wanheimerort", "Hochfeld", "Buchholz", "Rumeln-Kaldenhausen"]),
        d("Mettmann", 485, 40, "2104", &["Ratingen", "Velbert", "Langenfeld", "Hilden", "Mettmann", "Monheim am Rhein", "Heiligenhaus", "Erkrath", "Haan", "Wülfrath"]),
        d("Rhein-Erft-Kreis", 475, 50, "2233", &["Kerpen", "Bergheim", "Hürth", "Erftstadt", "Frechen", "Wesseling", "Brühl", "Pulheim", "Bedburg", "Elsdorf"]),
        d("Wesel", 460, 46, "281", &["Moers", "Wesel", "Dinslaken", "Kamp-Lintfort", "Voerde", "Rheinberg", "Neukirchen-Vluyn", "Hamminkeln", "Xanten", "Schermbeck", "Hünxe"]),
        d("Steinfurt", 450, 48, "2551", &["Rheine", "Ibbenbüren", "Greven", "Emsdetten", "Steinfurt", "Ochtrup", "Lengerich", "Hörstel", "Neuenkirchen", "Mettingen", "Tecklenburg"]),
        d("Unna", 395, 59, "2303", &["Lünen", "Unna", "Kamen", "Schwerte", "Bergkamen", "Selm", "Werne", "Fröndenberg", "Holzwickede", "Bönen"]),
        d("Gütersloh", 370, 33, "5241", &["Gütersloh", "Rheda-Wiedenbrück", "Verl", "Harsewinkel", "Halle (Westf.)", "Schloß Holte-Stukenbrock", "Versmold", "Rietberg", "Steinhagen", "Werther (Westf.)"]),
        c("Bochum", 365, 44, "234", "Bochum", &["Innenstadt", "Wattenscheid", "Ehrenfeld", "Grumme", "Langendreer", "Linden", "Dahlhausen", "Weitmar", "Querenburg", "Gerthe", "Hofstede", "Riemke", "Laer", "Wiemelhausen"]),
        c("Wuppertal", 355, 42, "202", "Wuppertal", &["Elberfeld", "Barmen", "Vohwinkel", "Cronenberg", "Ronsdorf", "Langerfeld-Beyenburg", "Oberbarmen", "Uellendahl-Katernberg", "Heckinghausen", "Elberfeld-West"]),
        c("Bielefeld", 335, 33, "521", "Bielefeld", &["Mitte", "Schildesche", "Gadderbaum", "Brackwede", "Dornberg", "Jöllenbeck", "Heepen", "Stieghorst", "Sennestadt", "Senne"]),
        c("Bonn", 335, 53, "228", "Bonn", &["Zentrum", "Beuel", "Bad Godesberg", "Hardtberg", "Poppelsdorf", "Endenich", "Kessenich", "Dottendorf", "Duisdorf", "Tannenbusch", "Dransdorf", "Auerberg", "Nordstadt"]),
        c("Münster", 320, 48, "251", "Münster", &["Mitte", "Kreuzviertel", "Hiltrup", "Gievenbeck", "Kinderhaus", "Coerde", "Wolbeck", "Angelmodde", "Roxel", "Nienberge", "Handorf", "Mauritz", "Geist", "Aaseestadt"]),
        d("Paderborn", 310, 33, "5251", &["Paderborn", "Delbrück", "Salzkotten", "Büren", "Bad Lippspringe", "Hövelhof", "Altenbeken", "Bad Wünnenberg", "Borchen", "Lichtenau"]),
        d("Siegen-Wittgenstein", 275, 57, "271", &["Siegen", "Kreuztal", "Netphen", "Hilchenbach", "Bad Berleburg", "Bad Laasphe", "Freudenberg", "Burbach", "Wilnsdorf", "Neunkirchen"]),
        c("Mönchengladbach", 265, 41, "2161", "Mönchengladbach", &["Altstadt", "Rheydt", "Odenkirchen", "Giesenkirchen", "Rheindahlen", "Neuwerk", "Hardt", "Wickrath", "Eicken", "Holt", "Lürrip", "Windberg"]),
        c("Gelsenkirchen", 265, 45, "209", "Gelsenkirchen", &["Altstadt", "Buer", "Erle", "Horst", "Schalke", "Ückendorf", "Hassel", "Bismarck", "Resse", "Rotthausen", "Scholven", "Feldmark"]),
        d("Rhein-Kreis Neuss", 450, 41, "2131", &["Neuss", "Grevenbroich", "Dormagen", "Meerbusch", "Kaarst", "Korschenbroich", "Jüchen", "Rommerskirchen"]),
        d("Märkischer Kreis", 405, 58, "2351", &["Iserlohn", "Lüdenscheid", "Menden (Sauerland)", "Hemer", "Plettenberg", "Werdohl", "Altena", "Halver", "Meinerzhagen", "Kierspe", "Balve", "Neuenrade"]),
        d("Borken", 375, 46, "2861", &["Bocholt", "Borken", "Ahaus", "Gronau (Westf.)", "Stadtlohn", "Vreden", "Rhede", "Isselburg", "Gescher", "Heiden", "Reken", "Velen"]),
        d("Lippe", 345, 32, "5231", &["Detmold", "Bad Salzuflen", "Lemgo", "Lage", "Blomberg", "Horn-Bad Meinberg", "Oerlinghausen", "Leopoldshöhe", "Kalletal", "Extertal", "Barntrup"]),
        d("Ennepe-Ruhr-Kreis", 320, 58, "2336", &["Witten", "Hattingen", "Schwelm", "Gevelsberg", "Sprockhövel", "Ennepetal", "Herdecke", "Wetter (Ruhr)", "Breckerfeld"]),
        d("Kleve", 315, 47, "2821", &["Kleve", "Emmerich am Rhein", "Geldern", "Goch", "Kevelaer", "Straelen", "Kalkar", "Rees", "Weeze", "Uedem", "Kranenburg", "Issum"]),
        d("Minden-Lübbecke", 310, 32, "571", &["Minden", "Bad Oeynhausen", "Porta Westfalica", "Lübbecke", "Espelkamp", "Petershagen", "Hille", "Rahden", "Preußisch Oldendorf", "Stemwede"]),
        d("Soest", 305, 59, "2921", &["Lippstadt", "Soest", "Werl", "Geseke", "Warstein", "Erwitte", "Rüthen", "Bad Sassendorf", "Anröchte", "Ense"]),
        d("Viersen", 300, 41, "2162", &["Viersen", "Nettetal", "Willich", "Kempen", "Tönisvorst", "Schwalmtal", "Brüggen", "Niederkrüchten", "Grefrath"]),
        d("Rheinisch-Bergischer Kreis", 285, 51, "2202", &["Bergisch Gladbach", "Wermelskirchen", "Leichlingen", "Burscheid", "Overath", "Rösrath", "Odenthal", "Kürten"]),
        d("Warendorf", 280, 48, "2581", &["Ahlen", "Warendorf", "Oelde", "Beckum", "Ennigerloh", "Everswinkel", "Sendenhorst", "Telgte", "Drensteinfurt", "Sassenberg"]),
        d("Oberbergischer Kreis", 270, 51, "2261", &["Gummersbach", "Wiehl", "Radevormwald", "Wipperfürth", "Waldbröl", "Bergneustadt", "Hückeswagen", "Engelskirchen", "Lindlar", "Nümbrecht"]),
        d("Düren", 265, 52, "2421", &["Düren", "Jülich", "Kreuzau", "Linnich", "Nideggen", "Heimbach", "Langerwehe", "Niederzier", "Merzenich", "Vettweiß"]),
        d("Hochsauerlandkreis", 260, 59, "291", &["Arnsberg", "Meschede", "Sundern (Sauerland)", "Brilon", "Schmallenberg", "Marsberg", "Winterberg", "Olsberg", "Medebach", "Bestwig"]),
        d("Herford", 250, 32, "5221", &["Herford", "Bünde", "Löhne", "Enger", "Spenge", "Vlotho", "Hiddenhausen", "Kirchlengern", "Rödinghausen"]),
        c("Krefeld", 227, 47, "2151", "Krefeld", &["Stadtmitte", "Cracau", "Dießem", "Uerdingen", "Fischeln", "Bockum", "Oppum", "Linn", "Hüls", "Traar", "Verberg", "Inrath"]),
        d("Coesfeld", 220, 48, "2541", &["Dülmen", "Coesfeld", "Lüdinghausen", "Senden", "Nottuln", "Billerbeck", "Havixbeck", "Olfen", "Ascheberg", "Rosendahl"]),
        c("Oberhausen", 210, 46, "208", "Oberhausen", &["Alt-Oberhausen", "Sterkrade", "Osterfeld", "Schmachtendorf", "Holten", "Königshardt", "Lirich"]),
        d("Euskirchen", 195, 53, "2251", &["Euskirchen", "Mechernich", "Zülpich", "Bad Münstereifel", "Schleiden", "Weilerswist", "Kall", "Hellenthal", "Blankenheim", "Nettersheim"]),
        c("Hagen", 190, 58, "2331", "Hagen", &["Mitte", "Haspe", "Hohenlimburg", "Eilpe", "Vorhalle", "Boele", "Dahl", "Emst", "Wehringhausen", "Altenhagen"]),
        c("Hamm", 180, 59, "2381", "Hamm", &["Mitte", "Bockum-Hövel", "Heessen", "Uentrop", "Rhynern", "Pelkum", "Herringen"]),
        c("Mülheim an der Ruhr", 170, 45, "208", "Mülheim an der Ruhr", &["Altstadt", "Broich", "Saarn", "Speldorf", "Styrum", "Dümpten", "Heißen", "Menden-Holthausen", "Selbeck"]),
        c("Leverkusen", 165, 51, "214", "Leverkusen", &["Wiesdorf", "Opladen", "Schlebusch", "Manfort", "Rheindorf", "Hitdorf", "Quettingen", "Lützenkirchen", "Bergisch Neukirchen", "Steinbüchel"]),
    ]},
    State { name: "Rheinland-Pfalz", population_k: 4160, districts: &[
        c("Mainz", 220, 55, "6131", "Mainz", &["Altstadt", "Neustadt", "Oberstadt", "Hartenberg-Münchfeld", "Gonsenheim", "Bretzenheim", "Finthen", "Mombach", "Weisenau", "Laubenheim", "Hechtsheim", "Ebersheim", "Drais", "Lerchenberg", "Marienborn"]),
        d("Mainz-Bingen", 215, 55, "6132", &["Ingelheim am Rhein", "Bingen am Rhein", "Nieder-Olm", "Budenheim", "Nierstein", "Oppenheim", "Gau-Algesheim", "Bodenheim", "Sprendlingen", "Stadecken-Elsheim"]),
        d("Mayen-Koblenz", 215, 56, "2651", &["Andernach", "Mayen", "Bendorf", "Vallendar", "Weißenthurm", "Mülheim-Kärlich", "Polch", "Kobern-Gondorf", "Mendig", "Bassenheim"]),
        d("Kaiserslautern", 205, 67, "631", &["Kaiserslautern", "Landstuhl", "Ramstein-Miesenbach", "Otterbach", "Enkenbach-Alsenborn", "Weilerbach", "Otterberg", "Hochspeyer", "Kindsbach", "Bruchmühlbach-Miesau"]),
        d("Westerwaldkreis", 205, 56, "2602", &["Montabaur", "Westerburg", "Höhr-Grenzhausen", "Ransbach-Baumbach", "Bad Marienberg", "Hachenburg", "Wirges", "Selters (Westerwald)", "Rennerod", "Wallmerod"]),
        c("Ludwigshafen am Rhein", 172, 67, "621", "Ludwigshafen am Rhein", &["Mitte", "Hemshof", "Friesenheim", "Oggersheim", "Mundenheim", "Gartenstadt", "Rheingönheim", "Maudach", "Ruchheim", "Oppau", "Edigheim", "Pfingstweide"]),
        d("Rhein-Pfalz-Kreis", 155, 67, "6233", &["Schifferstadt", "Limburgerhof", "Bobenheim-Roxheim", "Mutterstadt", "Böhl-Iggelheim", "Dudenhofen", "Altrip", "Römerberg", "Waldsee", "Neuhofen"]),
        d("Trier-Saarburg", 150, 54, "6501", &["Konz", "Saarburg", "Schweich", "Hermeskeil", "Trierweiler", "Kell am See", "Waldrach", "Igel", "Longuich"]),
        d("Bad Dürkheim", 133, 67, "6322", &["Haßloch", "Bad Dürkheim", "Grünstadt", "Deidesheim", "Wachenheim an der Weinstraße", "Lambrecht (Pfalz)", "Freinsheim", "Weisenheim am Berg", "Carlsberg"]),
        c("Koblenz", 115, 56, "261", "Koblenz", &["Altstadt", "Ehrenbreitstein", "Metternich", "Lützel", "Güls", "Karthause", "Moselweiß", "Horchheim", "Pfaffendorf", "Rauental", "Wallersheim"]),
        c("Trier", 111, 54, "651", "Trier", &["Mitte-Gartenfeld", "Ehrang-Quint", "Pfalzel", "Kürenz", "Olewig", "Heiligkreuz", "Tarforst", "Feyen-Weismark", "Euren", "Zewen", "West-Pallien"]),
        d("Südliche Weinstraße", 190, 76, "6341", &["Landau in der Pfalz", "Edenkoben", "Bad Bergzabern", "Herxheim bei Landau/Pfalz", "Annweiler am Trifels", "Offenbach an der Queich", "Maikammer", "Klingenmünster"]),
        d("Neuwied", 185, 56, "2631", &["Neuwied", "Linz am Rhein", "Bad Hönningen", "Dierdorf", "Unkel", "Asbach", "Rengsdorf", "Puderbach"]),
        d("Ahrweiler", 130, 53, "2641", &["Bad Neuenahr-Ahrweiler", "Remagen", "Sinzig", "Grafschaft", "Adenau", "Altenahr", "Bad Breisig"]),
        d("Alzey-Worms", 130, 55, "6731", &["Alzey", "Wörrstadt", "Osthofen", "Eich", "Flonheim", "Westhofen", "Gau-Odernheim"]),
    ]},
    State { name: "Saarland", population_k: 990, districts: &[
        d("Saarbrücken", 330, 66, "681", &["Saarbrücken", "Völklingen", "Sulzbach/Saar", "Püttlingen", "Friedrichsthal", "Heusweiler", "Riegelsberg", "Kleinblittersdorf", "Großrosseln", "Quierschied"]),
        d("Saarlouis", 195, 66, "6831", &["Saarlouis", "Dillingen/Saar", "Lebach", "Saarwellingen", "Wadgassen", "Schwalbach", "Bous", "Überherrn", "Rehlingen-Siersburg", "Ensdorf", "Wallerfangen", "Nalbach"]),
        d("Saarpfalz-Kreis", 142, 66, "6841", &["Homburg", "St. Ingbert", "Blieskastel", "Bexbach", "Kirkel", "Mandelbachtal", "Gersheim"]),
        d("Neunkirchen", 130, 66, "6821", &["Neunkirchen", "Ottweiler", "Spiesen-Elversberg", "Illingen", "Merchweiler", "Schiffweiler", "Eppelborn"]),
        d("Merzig-Wadern", 103, 66, "6861", &["Merzig", "Wadern", "Losheim am See", "Mettlach", "Beckingen", "Perl", "Weiskirchen"]),
        d("St. Wendel", 87, 66, "6851", &["St. Wendel", "Nohfelden", "Tholey", "Freisen", "Marpingen", "Namborn", "Nonnweiler", "Oberthal"]),
    ]},
    State { name: "Sachsen", population_k: 4090, districts: &[
        c("Leipzig", 620, 4, "341", "Leipzig", &["Zentrum", "Südvorstadt", "Connewitz", "Plagwitz", "Lindenau", "Gohlis", "Eutritzsch", "Reudnitz-Thonberg", "Stötteritz", "Grünau", "Paunsdorf", "Schönefeld", "Möckern", "Probstheida", "Leutzsch", "Anger-Crottendorf", "Mockau", "Lößnig"]),
        c("Dresden", 565, 1, "351", "Dresden", &["Altstadt", "Neustadt", "Pieschen", "Klotzsche", "Loschwitz", "Blasewitz", "Leuben", "Prohlis", "Plauen", "Cotta", "Striesen", "Johannstadt", "Gorbitz", "Löbtau", "Laubegast", "Hellerau"]),
        d("Erzgebirgskreis", 330, 9, "3733", &["Annaberg-Buchholz", "Aue-Bad Schlema", "Marienberg", "Stollberg", "Schwarzenberg", "Zschopau", "Olbernhau", "Lößnitz", "Oberwiesenthal", "Thalheim", "Eibenstock"]),
        d("Zwickau", 310, 8, "375", &["Zwickau", "Crimmitschau", "Werdau", "Limbach-Oberfrohna", "Glauchau", "Meerane", "Hohenstein-Ernstthal", "Wilkau-Haßlau", "Lichtenstein", "Kirchberg"]),
        d("Mittelsachsen", 300, 9, "3731", &["Freiberg", "Döbeln", "Mittweida", "Flöha", "Frankenberg", "Hainichen", "Rochlitz", "Brand-Erbisdorf", "Oederan", "Burgstädt", "Waldheim", "Penig"]),
        d("Bautzen", 295, 2, "3591", &["Bautzen", "Hoyerswerda", "Kamenz", "Radeberg", "Bischofswerda", "Wilthen", "Großröhrsdorf", "Pulsnitz", "Ottendorf-Okrilla", "Wittichenau"]),
        d("Landkreis Leipzig", 260, 4, "3433", &["Borna", "Markkleeberg", "Grimma", "Markranstädt", "Wurzen", "Taucha", "Zwenkau", "Brandis", "Naunhof", "Böhlen", "Groitzsch", "Bad Lausick"]),
        d("Görlitz", 250, 2, "3581", &["Görlitz", "Zittau", "Löbau", "Weißwasser", "Niesky", "Ebersbach-Neugersdorf", "Herrnhut", "Oybin", "Rothenburg", "Bad Muskau"]),
        c("Chemnitz", 245, 9, "371", "Chemnitz", &["Zentrum", "Kaßberg", "Sonnenberg", "Schloßchemnitz", "Kappel", "Helbersdorf", "Markersdorf", "Bernsdorf", "Gablenz", "Hilbersdorf", "Siegmar", "Rabenstein"]),
        d("Sächsische Schweiz-Osterzgebirge", 245, 1, "3501", &["Pirna", "Freital", "Dippoldiswalde", "Heidenau", "Sebnitz", "Neustadt in Sachsen", "Bad Schandau", "Altenberg", "Wilsdruff", "Glashütte", "Königstein", "Rabenau"]),
        d("Meißen", 240, 1, "3521", &["Radebeul", "Riesa", "Meißen", "Coswig", "Großenhain", "Moritzburg", "Weinböhla", "Radeburg", "Nossen", "Gröditz"]),
        d("Vogtlandkreis", 220, 8, "3741", &["Plauen", "Reichenbach im Vogtland", "Auerbach", "Oelsnitz", "Falkenstein", "Rodewisch", "Markneukirchen", "Klingenthal", "Adorf", "Bad Elster"]),
        d("Nordsachsen", 195, 4, "3421", &["Delitzsch", "Torgau", "Eilenburg", "Schkeuditz", "Oschatz", "Bad Düben", "Dahlen", "Mügeln", "Belgern-Schildau", "Rackwitz"]),
    ]},
    State { name: "Sachsen-Anhalt", population_k: 2190, districts: &[
        c("Halle (Saale)", 240, 6, "345", "Halle (Saale)", &["Altstadt", "Paulusviertel", "Giebichenstein", "Kröllwitz", "Südliche Innenstadt", "Neustadt", "Silberhöhe", "Heide-Nord", "Trotha", "Ammendorf", "Dölau", "Büschdorf"]),
        c("Magdeburg", 240, 39, "391", "Magdeburg", &["Altstadt", "Stadtfeld Ost", "Stadtfeld West", "Sudenburg", "Buckau", "Leipziger Straße", "Neue Neustadt", "Alte Neustadt", "Neustädter Feld", "Kannenstieg", "Reform", "Ottersleben", "Cracau", "Rothensee"]),
        d("Harz", 210, 38, "3941", &["Halberstadt", "Wernigerode", "Quedlinburg", "Blankenburg (Harz)", "Thale", "Ilsenburg (Harz)", "Oberharz am Brocken", "Osterwieck", "Ballenstedt", "Harzgerode"]),
        d("Salzlandkreis", 185, 39, "3471", &["Bernburg (Saale)", "Schönebeck (Elbe)", "Aschersleben", "Staßfurt", "Calbe (Saale)", "Könnern", "Hecklingen", "Nienburg (Saale)", "Egeln", "Barby"]),
        d("Saalekreis", 180, 6, "3461", &["Merseburg", "Leuna", "Querfurt", "Bad Lauchstädt", "Landsberg", "Schkopau", "Bad Dürrenberg", "Braunsbedra", "Mücheln", "Wettin-Löbejün", "Teutschenthal"]),
        d("Burgenlandkreis", 178, 6, "3443", &["Weißenfels", "Naumburg (Saale)", "Zeitz", "Hohenmölsen", "Nebra (Unstrut)", "Freyburg (Unstrut)", "Teuchern", "Lützen", "Bad Bibra", "Elsteraue"]),
        d("Börde", 170, 39, "3904", &["Haldensleben", "Oschersleben (Bode)", "Wolmirstedt", "Wanzleben-Börde", "Barleben", "Niedere Börde", "Hohe Börde", "Sülzetal", "Oebisfelde-Weferlingen", "Calvörde"]),
        d("Anhalt-Bitterfeld", 155, 6, "3493", &["Bitterfeld-Wolfen", "Köthen (Anhalt)", "Zerbst/Anhalt", "Sandersdorf-Brehna", "Raguhn-Jeßnitz", "Aken (Elbe)", "Zörbig", "Südliches Anhalt", "Muldestausee"]),
        d("Stendal", 110, 39, "3931", &["Stendal", "Tangermünde", "Osterburg (Altmark)", "Havelberg", "Tangerhütte", "Bismark (Altmark)", "Seehausen (Altmark)", "Arneburg"]),
        c("Dessau-Roßlau", 75, 6, "340", "Dessau-Roßlau", &["Innenstadt", "Roßlau", "Ziebigk", "Törten", "Siedlung", "Kochstedt", "Alten", "Mosigkau", "Waldersee", "Großkühnau"]),
    ]},
    State { name: "Schleswig-Holstein", population_k: 2950, districts: &[
        d("Pinneberg", 320, 25, "4101", &["Elmshorn", "Pinneberg", "Wedel", "Quickborn", "Uetersen", "Halstenbek", "Schenefeld", "Rellingen", "Tornesch", "Barmstedt", "Appen", "Holm"]),
        d("Segeberg", 280, 23, "4551", &["Norderstedt", "Bad Segeberg", "Kaltenkirchen", "Henstedt-Ulzburg", "Bad Bramstedt", "Wahlstedt", "Trappenkamp", "Ellerau", "Boostedt", "Leezen"]),
        d("Rendsburg-Eckernförde", 275, 24, "4331", &["Rendsburg", "Eckernförde", "Büdelsdorf", "Kronshagen", "Altenholz", "Gettorf", "Nortorf", "Hohenwestedt", "Molfsee", "Flintbek", "Felde"]),
        d("Stormarn", 250, 22, "4102", &["Ahrensburg", "Bad Oldesloe", "Reinbek", "Glinde", "Bargteheide", "Reinfeld (Holstein)", "Barsbüttel", "Trittau", "Großhansdorf", "Oststeinbek"]),
        c("Kiel", 248, 24, "431", "Kiel", &["Altstadt", "Vorstadt", "Exerzierplatz", "Damperhof", "Brunswik", "Düsternbrook", "Blücherplatz", "Wik", "Ravensberg", "Schreventeich", "Gaarden", "Elmschenhagen", "Mettenhof", "Holtenau", "Suchsdorf", "Friedrichsort"]),
        c("Lübeck", 218, 23, "451", "Lübeck", &["Innenstadt", "St. Jürgen", "St. Lorenz Nord", "St. Lorenz Süd", "St. Gertrud", "Moisling", "Buntekuh", "Kücknitz", "Travemünde", "Schlutup"]),
        d("Schleswig-Flensburg", 205, 24, "4621", &["Schleswig", "Kappeln", "Harrislee", "Glücksburg (Ostsee)", "Handewitt", "Tarp", "Mittelangeln", "Süderbrarup", "Sörup", "Silberstedt"]),
        d("Ostholstein", 200, 23, "4521", &["Bad Schwartau", "Eutin", "Neustadt in Holstein", "Oldenburg in Holstein", "Fehmarn", "Timmendorfer Strand", "Scharbeutz", "Stockelsdorf", "Ratekau", "Heiligenhafen", "Malente"]),
        d("Nordfriesland", 168, 25, "4841", &["Husum", "Niebüll", "Sylt", "Wyk auf Föhr", "Tönning", "Bredstedt", "Friedrichstadt", "Garding", "St. Peter-Ording", "Leck"]),
        d("Dithmarschen", 133, 25, "481", &["Heide", "Meldorf", "Brunsbüttel", "Büsum", "Wesselburen", "Marne", "Albersdorf", "Burg (Dithmarschen)", "Hemmingstedt"]),
        c("Flensburg", 92, 24, "461", "Flensburg", &["Altstadt", "Neustadt", "Nordstadt", "Westliche Höhe", "Friesischer Berg", "Weiche", "Südstadt", "Sandberg", "Jürgensby", "Fruerlund", "Mürwik", "Engelsby", "Tarup"]),
        d("Herzogtum Lauenburg", 200, 21, "4541", &["Geesthacht", "Ratzeburg", "Mölln", "Schwarzenbek", "Lauenburg/Elbe", "Wentorf bei Hamburg", "Büchen", "Berkenthin"]),
        d("Steinburg", 132, 25, "4821", &["Itzehoe", "Glückstadt", "Kellinghusen", "Wilster", "Krempe", "Hohenlockstedt"]),
        d("Plön", 130, 24, "4522", &["Preetz", "Plön", "Lütjenburg", "Schönberg (Holstein)", "Heikendorf", "Laboe", "Schwentinental"]),
    ]},
    State { name: "Thüringen", population_k: 2130, districts: &[
        c("Erfurt", 215, 99, "361", "Erfurt", &["Altstadt", "Löbervorstadt", "Brühlervorstadt", "Krämpfervorstadt", "Johannesvorstadt", "Andreasvorstadt", "Herrenberg", "Rieth", "Roter Berg", "Moskauer Platz", "Daberstedt", "Melchendorf", "Ilversgehofen", "Marbach"]),
        d("Wartburgkreis", 158, 99, "3691", &["Eisenach", "Bad Salzungen", "Ruhla", "Gerstungen", "Treffurt", "Barchfeld-Immelborn", "Vacha", "Wutha-Farnroda", "Geisa", "Dermbach"]),
        d("Weimar", 145, 99, "3643", &["Weimar", "Apolda", "Bad Berka", "Blankenhain", "Bad Sulza", "Kranichfeld", "Magdala", "Mellingen", "Ilmtal-Weinstraße", "Grammetal"]),
        d("Gotha", 133, 99, "3621", &["Gotha", "Waltershausen", "Ohrdruf", "Friedrichroda", "Tambach-Dietharz", "Bad Tabarz", "Georgenthal", "Nesse-Apfelstädt", "Drei Gleichen", "Sonneborn"]),
        d("Schmalkalden-Meiningen", 123, 98, "3693", &["Meiningen", "Schmalkalden", "Zella-Mehlis", "Steinbach-Hallenberg", "Wasungen", "Breitungen/Werra", "Floh-Seligenthal", "Brotterode-Trusetal"]),
        c("Jena", 111, 7, "3641", "Jena", &["Zentrum", "Lobeda", "Winzerla", "Wenigenjena", "Zwätzen", "Ammerbach", "Burgau", "Göschwitz", "Löbstedt", "Drackendorf"]),
        d("Ilm-Kreis", 105, 98, "3628", &["Arnstadt", "Ilmenau", "Stadtilm", "Großbreitenbach", "Plaue", "Geratal", "Amt Wachsenburg"]),
        d("Saalfeld-Rudolstadt", 103, 7, "3671", &["Saalfeld/Saale", "Rudolstadt", "Bad Blankenburg", "Königsee", "Uhlstädt-Kirchhasel", "Kaulsdorf", "Leutenberg", "Lehesten"]),
        c("Gera", 93, 7, "365", "Gera", &["Innenstadt", "Lusan", "Bieblach", "Untermhaus", "Debschwitz", "Langenberg", "Zwötzen", "Pforten", "Ostviertel", "Leumnitz"]),
        d("Nordhausen", 82, 99, "3631", &["Nordhausen", "Ellrich", "Bleicherode", "Heringen/Helme", "Sollstedt", "Werther", "Harztor", "Hohenstein"]),
    ]},
];

/// Working groups of the federal party.
pub const FEDERAL_WORKING_GROUPS: &[&str] = &[
    "AG Digitales",
    "AG Umwelt und Klima",
    "AG Senioren",
    "AG Frauen",
    "AG Bildung und Wissenschaft",
    "AG Gesundheit und Pflege",
    "AG Wirtschaft und Arbeit",
    "AG Europa und Internationales",
    "AG Migration und Integration",
    "AG Verkehr und Mobilität",
];

/// Working groups of big state associations: (topic, state name).
pub const STATE_WORKING_GROUPS: &[(&str, &str)] = &[
    ("AG Digitales", "Nordrhein-Westfalen"),
    ("AG Landwirtschaft", "Bayern"),
    ("AG Umwelt und Klima", "Baden-Württemberg"),
];

// First names by birth cohort and gender, most frequent first.
#[rustfmt::skip]
pub const FEMALE_BEFORE_1955: &[&str] = &["Ursula", "Helga", "Gisela", "Monika", "Renate", "Ingrid", "Karin", "Erika", "Brigitte", "Christa", "Elke", "Hannelore", "Gertrud", "Marianne", "Waltraud", "Edith", "Inge", "Ilse", "Rosemarie", "Margret", "Hildegard", "Irmgard", "Anneliese", "Elisabeth", "Doris"];
#[rustfmt::skip]
pub const MALE_BEFORE_1955: &[&str] = &["Hans", "Peter", "Klaus", "Wolfgang", "Jürgen", "Dieter", "Manfred", "Günter", "Horst", "Gerhard", "Werner", "Heinz", "Helmut", "Rolf", "Karl-Heinz", "Bernd", "Rainer", "Hans-Jürgen", "Walter", "Friedrich", "Siegfried", "Egon", "Lothar", "Reinhard", "Uwe"];
#[rustfmt::skip]
pub const FEMALE_1955_1974: &[&str] = &["Sabine", "Petra", "Andrea", "Claudia", "Susanne", "Birgit", "Martina", "Gabriele", "Angelika", "Heike", "Stefanie", "Kerstin", "Anja", "Silke", "Cornelia", "Ute", "Simone", "Barbara", "Christine", "Manuela", "Bettina", "Beate", "Tanja", "Katja", "Marion"];
#[rustfmt::skip]
pub const MALE_1955_1974: &[&str] = &["Thomas", "Michael", "Andreas", "Stefan", "Frank", "Markus", "Jörg", "Ralf", "Matthias", "Dirk", "Martin", "Carsten", "Holger", "Torsten", "Jens", "Oliver", "Olaf", "Volker", "Christoph", "Alexander", "Thorsten", "Joachim", "Harald", "Axel", "Ulrich"];
#[rustfmt::skip]
pub const FEMALE_1975_1994: &[&str] = &["Julia", "Katharina", "Christina", "Sandra", "Nicole", "Melanie", "Stephanie", "Jennifer", "Sarah", "Anna", "Lisa", "Laura", "Katrin", "Nadine", "Daniela", "Jessica", "Vanessa", "Janina", "Franziska", "Nina", "Kathrin", "Miriam", "Sina", "Carolin", "Judith"];
#[rustfmt::skip]
pub const MALE_1975_1994: &[&str] = &["Christian", "Daniel", "Sebastian", "Alexander", "Tobias", "Florian", "Jan", "Philipp", "Dennis", "Patrick", "Marcel", "Benjamin", "Tim", "Kevin", "Sven", "David", "Dominik", "Johannes", "Simon", "Mario", "Marco", "Fabian", "Maximilian", "Felix", "Björn"];
#[rustfmt::skip]
pub const FEMALE_FROM_1995: &[&str] = &["Lea", "Hannah", "Sophie", "Emma", "Mia", "Lena", "Marie", "Anna", "Leonie", "Lara", "Emily", "Johanna", "Clara", "Amelie", "Charlotte", "Luisa", "Jana", "Paula", "Greta", "Nele", "Ida", "Maja", "Lina", "Frieda", "Ella"];
#[rustfmt::skip]
pub const MALE_FROM_1995: &[&str] = &["Lukas", "Leon", "Jonas", "Finn", "Paul", "Luca", "Noah", "Elias", "Ben", "Felix", "Max", "Niklas", "Moritz", "Julian", "Jakob", "Tom", "Henry", "Emil", "Anton", "Theo", "Jannik", "Linus", "Luis", "Nils", "Mats"];

/// Names for members whose family came from elsewhere: (female, male, last).
pub struct Origin {
    pub female: &'static [&'static str],
    pub male: &'static [&'static str],
    pub last: &'static [&'static str],
}

#[rustfmt::skip]
pub const TURKISH: Origin = Origin {
    female: &["Ayşe", "Fatma", "Elif", "Zeynep", "Emine", "Hatice", "Merve", "Derya", "Esra", "Aylin", "Selin", "Büşra"],
    male: &["Mehmet", "Ahmet", "Mustafa", "Ali", "Hüseyin", "Murat", "Emre", "Can", "Burak", "Yusuf", "Serkan", "Kemal"],
    last: &["Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Yıldırım", "Öztürk", "Aydın", "Özdemir", "Arslan", "Doğan", "Kılıç", "Aslan", "Çetin", "Kara", "Koç", "Kurt", "Özkan", "Polat"],
};

#[rustfmt::skip]
pub const EASTERN_EUROPEAN: Origin = Origin {
    female: &["Natalia", "Olga", "Tatjana", "Irina", "Katarzyna", "Agnieszka", "Swetlana", "Jelena", "Marta", "Anastasia", "Ivana", "Dorota"],
    male: &["Sergej", "Dmitri", "Alexej", "Andrzej", "Piotr", "Tomasz", "Krzysztof", "Marek", "Igor", "Nikolai", "Dragan", "Milan"],
    last: &["Nowak", "Kowalski", "Wiśniewski", "Lewandowski", "Kamiński", "Zieliński", "Wójcik", "Kowalczyk", "Szymański", "Iwanow", "Petrow", "Smirnow", "Popow", "Kusnezow", "Horvat", "Kovačević", "Petrović", "Jovanović", "Novak", "Popescu", "Ionescu", "Dvořák", "Novotný", "Kovács", "Nagy"],
};

#[rustfmt::skip]
pub const SOUTHERN_EUROPEAN: Origin = Origin {
    female: &["Maria", "Giulia", "Francesca", "Chiara", "Eleni", "Sofia", "Ana", "Carmen", "Rosa", "Lucia"],
    male: &["Giuseppe", "Marco", "Antonio", "Francesco", "Giorgos", "Dimitrios", "Nikos", "José", "Manuel", "Alessandro", "Paolo", "Luca"],
    last: &["Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco", "Papadopoulos", "Georgiou", "Nikolaidis", "Papadakis", "García", "Fernández", "Martínez", "Silva", "Santos", "Pereira", "Ferreira"],
};

#[rustfmt::skip]
pub const MIDDLE_EASTERN: Origin = Origin {
    female: &["Fatima", "Leila", "Amira", "Yasmin", "Mariam", "Nour", "Sara", "Rania"],
    male: &["Mohammed", "Ahmad", "Omar", "Amir", "Karim", "Hassan", "Samir", "Khaled", "Tarek"],
    last: &["Al-Hassan", "Haddad", "Khalil", "Nasser", "Saleh", "Mansour", "Ibrahim", "Hussein", "Ahmadi", "Hosseini", "Karimi", "Rahimi"],
};

/// German last names, most frequent first.
#[rustfmt::skip]
pub const GERMAN_LAST_NAMES: &[&str] = &[
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
    "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann",
    "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt", "Werner", "Schmitz", "Krause", "Meier",
    "Lehmann", "Schmid", "Schulze", "Maier", "Köhler", "Herrmann", "König", "Walter", "Mayer", "Huber",
    "Kaiser", "Fuchs", "Peters", "Lang", "Scholz", "Möller", "Weiß", "Jung", "Hahn", "Schubert",
    "Vogel", "Friedrich", "Keller", "Günther", "Frank", "Berger", "Winkler", "Roth", "Beck", "Lorenz",
    "Baumann", "Franke", "Albrecht", "Schuster", "Simon", "Ludwig", "Böhm", "Winter", "Kraus", "Martin",
    "Schumacher", "Krämer", "Vogt", "Stein", "Jäger", "Otto", "Sommer", "Groß", "Seidel", "Heinrich",
    "Brandt", "Haas", "Schreiber", "Graf", "Schulte", "Dietrich", "Ziegler", "Kuhn", "Kühn", "Pohl",
    "Engel", "Horn", "Busch", "Bergmann", "Thomas", "Voigt", "Sauer", "Arnold", "Wolff", "Pfeiffer",
    "Ernst", "Franz", "Hübner", "Lindner", "Brinkmann", "Jansen", "Schenk", "Hesse", "Beyer", "Kraft",
    "Lenz", "Fiedler", "Wilhelm", "Böttcher", "Kremer", "Thiel", "Marx", "Schütz", "Bock", "Sander",
    "Schindler", "Haase", "Dietz", "Schilling", "Kramer", "Götz", "Reuter", "Ebert", "Kurz", "Nagel",
    "Hermann", "Moser", "Schramm", "Paul", "Ritter", "Haupt", "Riedel", "Schröter", "Wendt", "Köster",
    "Heinz", "Brenner", "Walther", "Krebs", "Bayer", "Hartung", "Ackermann", "Bode", "Stahl", "Zimmer",
    "Kessler", "Brand", "Kunz", "Frey", "Ott", "Rausch", "Schott", "Dörr", "Petersen", "Hansen",
    "Thomsen", "Jensen", "Christiansen", "Nielsen", "Claussen", "Lorenzen", "Carstensen", "Janssen", "Bender", "Wittmann",
    "Seifert", "Vetter", "Rieger", "Weise", "Brandl", "Ulrich", "Baier", "Heller", "Schade", "Hein",
    "Kolb", "Büttner", "Pieper", "Förster", "Wegner", "Kirchner", "Adam", "Kaufmann", "Keil", "Michel",
    "Strauß", "Lutz", "Bachmann", "Hering", "Schwab", "Hauser", "Bühler", "Stark", "Eckert", "Brunner",
    "Scherer", "Gärtner", "Sturm", "Kretschmer", "Seidl", "Winkelmann", "Rothe", "Lehner", "Buchholz", "Mertens",
    "Reinhardt", "Thiele", "Dittrich", "Fritz", "Fink", "Gerlach", "Grimm", "Barth", "Kunze", "Schirmer",
    "Jakob", "Hoppe", "Decker", "Stephan", "Mann", "Raab", "Pietsch", "Hagen", "Kluge", "Witt",
    "Geiger", "Steiner", "Hammer", "Berg", "Blum", "Rose", "Heinze", "Schweizer", "Hofer", "Mayr",
    "Wimmer", "Hiller", "Binder", "Weigel", "Reichert", "Trautmann", "Hartwig", "Korn", "Ahrens", "Wenzel",
    "Göbel", "Heinemann", "Brückner", "Wolters", "Bernhardt", "Heinrichs", "Schlegel", "Jacobs", "Schönfeld", "Engelhardt",
    "Fröhlich", "Beckmann", "Wirth", "Jahn", "Stoll", "Siebert", "Kühne", "Gebhardt", "Menzel", "Langer",
    "Rudolph", "Dreher", "Schütte", "Timm", "Pape", "Hinz", "Krieger", "Maurer", "Martens", "Lauer",
    "Nickel", "Ruf", "Bürger", "Reimann", "Hempel", "Unger", "Löffler", "Schumann", "Behrens", "Kopp",
    "Doll", "Brauer", "Bischoff", "Schön", "Geißler", "Lindemann", "Harms", "Meißner", "Vollmer", "Reinhold",
    "Marquardt", "Mai", "Hauck", "Seitz", "Böhme", "Knoll", "Reich", "Brandes", "Henning", "Tiedemann",
    "Hinrichs", "Evers", "Behrendt", "Voß", "Dreyer", "Wulf", "Jürgens", "Oswald", "Springer", "Wiegand",
];

/// Common German street names, most frequent first.
#[rustfmt::skip]
pub const STREETS: &[&str] = &[
    "Hauptstraße", "Schulstraße", "Gartenstraße", "Bahnhofstraße", "Dorfstraße", "Bergstraße", "Birkenweg",
    "Lindenstraße", "Kirchstraße", "Waldstraße", "Ringstraße", "Schillerstraße", "Goethestraße", "Wiesenweg",
    "Am Sportplatz", "Jahnstraße", "Mühlenweg", "Friedhofstraße", "Feldstraße", "Wiesenstraße", "Rosenstraße",
    "Am Markt", "Lindenweg", "Tulpenweg", "Ahornweg", "Amselweg", "Buchenweg", "Eichenweg", "Fliederweg",
    "Blumenstraße", "Mozartstraße", "Beethovenstraße", "Talstraße", "Wilhelmstraße", "Poststraße",
    "Mittelstraße", "Kirchweg", "Am Bach", "Breslauer Straße", "Königsberger Straße", "Parkstraße",
    "Neue Straße", "Grüner Weg", "Industriestraße", "Uhlandstraße", "Bismarckstraße", "Kastanienweg",
    "Erlenweg", "Drosselweg", "Finkenweg", "Schlossstraße", "Burgstraße", "Marktplatz", "Rathausstraße",
    "Hölderlinweg", "Eichendorffstraße", "Lessingstraße", "Heinestraße", "Kantstraße",
    "Friedrich-Ebert-Straße", "Konrad-Adenauer-Straße", "Geschwister-Scholl-Straße", "Karl-Marx-Straße",
    "Bahnhofsplatz", "Kastanienallee", "Lindenallee", "Am Rathaus", "Am Anger", "Sonnenweg",
    "Brunnenstraße", "Hohe Straße", "Mühlstraße", "Mühlenstraße", "Klosterstraße", "Weinbergstraße",
    "Auf dem Berg", "Im Winkel", "Sudetenstraße", "Danziger Straße", "Stettiner Straße", "Rheinstraße",
    "Hafenstraße", "Kiefernweg", "Tannenweg", "Sophie-Scholl-Platz",
];
