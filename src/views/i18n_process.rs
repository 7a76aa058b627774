//! Texts of the opening-process pages (overviews, forms, login), in nb, nn and en.

/// (key, [nb, nn, en]).
pub const TEXTS: &[(&str, [&str; 3])] = &[
    ("login", ["Logg inn", "Logg inn", "Log in"]),
    ("user_name", ["Brukernavn", "Brukarnamn", "User name"]),
    ("password", ["Passord", "Passord", "Password"]),
    ("log_out", ["Logg ut", "Logg ut", "Log out"]),
    (
        "login_failed",
        [
            "Feil brukernavn eller passord.",
            "Feil brukarnamn eller passord.",
            "Wrong user name or password.",
        ],
    ),
    ("manage", ["Forvaltning", "Forvalting", "Management"]),
    (
        "internal_overview",
        ["Intern oversikt", "Intern oversikt", "Internal overview"],
    ),
    (
        "internal_banner",
        [
            "Internt: kun for virksomhetens egne roller.",
            "Internt: berre for verksemda sine eigne roller.",
            "Internal: for the organisation's own roles only.",
        ],
    ),
    (
        "open_overview",
        ["Åpen oversikt", "Open oversikt", "Open overview"],
    ),
    (
        "open_overview_intro",
        [
            "Alle datasett virksomheten har registrert, publisert eller ikke, med status, trafikklys og prioritet.",
            "Alle datasett verksemda har registrert, publisert eller ikkje, med status, trafikklys og prioritet.",
            "Every dataset the organisation has registered, published or not, with status, traffic light and priority.",
        ],
    ),
    ("status", ["Status", "Status", "Status"]),
    (
        "traffic_light",
        ["Trafikklys", "Trafikklys", "Traffic light"],
    ),
    ("priority", ["Prioritet", "Prioritet", "Priority"]),
    (
        "proposed_priority",
        [
            "Foreslått prioritet",
            "Føreslått prioritet",
            "Proposed priority",
        ],
    ),
    ("interest", ["Interesse", "Interesse", "Interest"]),
    ("needs", ["Behov", "Behov", "Needs"]),
    (
        "data_sources",
        ["Datakilder", "Datakjelder", "Data sources"],
    ),
    ("coordination", ["Samordning", "Samordning", "Coordination"]),
    ("title", ["Tittel", "Tittel", "Title"]),
    (
        "backlog",
        ["Prioriteringsliste", "Prioriteringsliste", "Backlog"],
    ),
    (
        "backlog_intro",
        [
            "Datasett med etterspørsel og datasett som passer et samordnet datasett står først.",
            "Datasett med etterspurnad og datasett som passar eit samordna datasett står først.",
            "Datasets people ask for and datasets that match a coordination come first.",
        ],
    ),
    ("filter", ["Filtrer", "Filtrer", "Filter"]),
    ("all", ["Alle", "Alle", "All"]),
    (
        "register_dataset",
        [
            "Registrer datasett",
            "Registrer datasett",
            "Register a dataset",
        ],
    ),
    (
        "identifier",
        [
            "Identifikator (i adressen)",
            "Identifikator (i adressa)",
            "Identifier (in the address)",
        ],
    ),
    ("description", ["Beskrivelse", "Skildring", "Description"]),
    ("register", ["Registrer", "Registrer", "Register"]),
    (
        "extraction",
        ["Uttak av data", "Uttak av data", "How data is extracted"],
    ),
    ("vendor", ["Leverandør", "Leverandør", "Vendor"]),
    ("save", ["Lagre", "Lagre", "Save"]),
    ("history", ["Historikk", "Historikk", "History"]),
    ("step", ["Steg", "Steg", "Step"]),
    ("when", ["Når", "Når", "When"]),
    ("who", ["Hvem", "Kven", "Who"]),
    (
        "justification",
        ["Begrunnelse", "Grunngjeving", "Justification"],
    ),
    (
        "legal_note",
        [
            "Juridisk vurdering",
            "Juridisk vurdering",
            "Legal assessment",
        ],
    ),
    ("approval_note", ["Merknad", "Merknad", "Note"]),
    ("licence", ["Lisens", "Lisens", "Licence"]),
    (
        "business_model",
        ["Forretningsmodell", "Forretningsmodell", "Business model"],
    ),
    ("access_method", ["Tilgang", "Tilgang", "Access method"]),
    (
        "assess",
        [
            "Vurder (trafikklys)",
            "Vurder (trafikklys)",
            "Assess (traffic light)",
        ],
    ),
    (
        "propose_priority",
        [
            "Foreslå prioritet",
            "Føreslå prioritet",
            "Propose a priority",
        ],
    ),
    (
        "decide_priority",
        [
            "Bestem prioritet",
            "Bestem prioritet",
            "Decide the priority",
        ],
    ),
    (
        "approve",
        ["Godkjenn åpning", "Godkjenn opning", "Approve opening"],
    ),
    ("reject", ["Avslå åpning", "Avslå opning", "Reject opening"]),
    ("prepare", ["Klargjør", "Klargjer", "Prepare"]),
    ("publish", ["Publiser", "Publiser", "Publish"]),
    ("withdraw", ["Trekk tilbake", "Trekk tilbake", "Withdraw"]),
    (
        "link_sources",
        [
            "Koble til datakilder",
            "Kople til datakjelder",
            "Link data sources",
        ],
    ),
    (
        "next_steps",
        [
            "Neste steg du kan ta",
            "Neste steg du kan ta",
            "Next steps you can take",
        ],
    ),
    (
        "no_steps",
        [
            "Du har ingen steg å ta her nå.",
            "Du har ingen steg å ta her no.",
            "There is no step for you to take here now.",
        ],
    ),
    (
        "light_green",
        ["grønn (åpne data)", "grøn (opne data)", "green (open)"],
    ),
    (
        "light_yellow",
        [
            "gul (kan åpnes etter tilpasning)",
            "gul (kan opnast etter tilpassing)",
            "yellow (can open after adaptation)",
        ],
    ),
    (
        "light_red",
        ["rød (ikke åpent)", "raud (ikkje ope)", "red (not open)"],
    ),
    (
        "state_registered",
        ["registrert", "registrert", "registered"],
    ),
    ("state_assessed", ["vurdert", "vurdert", "assessed"]),
    (
        "state_prioritised",
        ["prioritert", "prioritert", "prioritised"],
    ),
    ("state_approved", ["godkjent", "godkjend", "approved"]),
    ("state_rejected", ["avslått", "avslått", "rejected"]),
    ("state_prepared", ["klargjort", "klargjort", "prepared"]),
    ("state_published", ["publisert", "publisert", "published"]),
    (
        "state_withdrawn",
        ["trukket tilbake", "trekt tilbake", "withdrawn"],
    ),
    (
        "register_need",
        [
            "Meld et databehov",
            "Meld eit databehov",
            "Register a data need",
        ],
    ),
    (
        "need_kind",
        [
            "Hva gjelder behovet?",
            "Kva gjeld behovet?",
            "What is the need?",
        ],
    ),
    (
        "need_new-dataset",
        ["Nytt datasett", "Nytt datasett", "A new dataset"],
    ),
    (
        "need_change",
        [
            "Endring i datasett eller API",
            "Endring i datasett eller API",
            "A change to a dataset or API",
        ],
    ),
    (
        "need_coordination",
        [
            "Nytt samordnet datasett",
            "Nytt samordna datasett",
            "A new coordinated dataset",
        ],
    ),
    (
        "need_public",
        [
            "Beskrivelsen blir offentlig. Kontaktinformasjonen ser bare virksomheten.",
            "Skildringa blir offentleg. Kontaktinformasjonen ser berre verksemda.",
            "The description is public. Only the organisation sees your contact details.",
        ],
    ),
    (
        "contact",
        [
            "E-post (valgfritt)",
            "E-post (valfritt)",
            "E-mail (optional)",
        ],
    ),
    ("send", ["Send", "Send", "Send"]),
    (
        "thanks_need",
        [
            "Takk! Behovet er registrert.",
            "Takk! Behovet er registrert.",
            "Thank you! The need is registered.",
        ],
    ),
    (
        "thanks_interest",
        [
            "Takk! Interessen er registrert.",
            "Takk! Interessa er registrert.",
            "Thank you! Your interest is registered.",
        ],
    ),
    (
        "register_interest",
        [
            "Jeg vil bruke dette datasettet",
            "Eg vil bruke dette datasettet",
            "I want to use this dataset",
        ],
    ),
    (
        "interest_intro",
        [
            "Meld interesse, så vet virksomheten at datasettet er etterspurt.",
            "Meld interesse, så veit verksemda at datasettet er etterspurt.",
            "Register your interest so the organisation knows the dataset is wanted.",
        ],
    ),
    (
        "public_needs",
        [
            "Meldte databehov",
            "Melde databehov",
            "Registered data needs",
        ],
    ),
    ("no_entries", ["Ingen ennå.", "Ingen enno.", "None yet."]),
    ("back", ["Tilbake", "Tilbake", "Back"]),
    (
        "error",
        ["Det gikk ikke", "Det gjekk ikkje", "That did not work"],
    ),
    ("organisation", ["Virksomhet", "Verksemd", "Organisation"]),
    (
        "data_source",
        ["Ny datakilde", "Ny datakjelde", "New data source"],
    ),
    ("theme", ["EU-tema", "EU-tema", "EU theme"]),
    (
        "edit_description",
        [
            "Rediger beskrivelsen",
            "Rediger skildringa",
            "Edit the description",
        ],
    ),
    (
        "edit_description_hint",
        [
            "Beskrivelsen i Turtle (DCAT-AP-NO); den kontrolleres med SHACL når du lagrer.",
            "Skildringa i Turtle (DCAT-AP-NO); ho blir kontrollert med SHACL når du lagrar.",
            "The description in Turtle (DCAT-AP-NO); it is checked with SHACL when you save.",
        ],
    ),
    (
        "people",
        [
            "Personer og roller",
            "Personar og roller",
            "People and roles",
        ],
    ),
    (
        "new_password",
        [
            "Passord (bare for en ny bruker, minst 8 tegn)",
            "Passord (berre for ein ny brukar, minst 8 teikn)",
            "Password (new users only, at least 8 characters)",
        ],
    ),
    ("roles", ["Roller", "Roller", "Roles"]),
    (
        "check_coordinations",
        [
            "Finnes det et samordnet datasett?",
            "Finst det eit samordna datasett?",
            "Is there a coordinated dataset?",
        ],
    ),
    (
        "check_coordinations_intro",
        [
            "Sjekk de samordnede datasettene før vurderingen: følger datasettet et av dem, gjenbruk beskrivelsen og API-et (dcat:inSeries).",
            "Sjekk dei samordna datasetta før vurderinga: følgjer datasettet eitt av dei, gjenbruk skildringa og API-et (dcat:inSeries).",
            "Check the coordinated datasets before assessing: if the dataset follows one, reuse its description and API (dcat:inSeries).",
        ],
    ),
];
