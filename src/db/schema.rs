// Hand-kept, portable across SQLite and PostgreSQL: only types both share.

diesel::table! {
    groups (id) {
        id -> BigInt,
        parent_id -> Nullable<BigInt>,
        kind -> Text,
        name -> Text,
        slug -> Text,
    }
}

diesel::table! {
    group_tree (ancestor_id, group_id) {
        ancestor_id -> BigInt,
        group_id -> BigInt,
        depth -> Integer,
    }
}

diesel::table! {
    members (id) {
        id -> BigInt,
        membership_number -> Text,
        first_name -> Text,
        last_name -> Text,
        address_extra -> Nullable<Text>,
        street -> Text,
        house_number -> Text,
        postcode -> Text,
        city -> Text,
        country -> Text,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        birth_date -> Date,
        join_date -> Date,
        status -> Text,
        channel -> Text,
        language -> Text,
        chapter_id -> BigInt,
        sort_key -> Text,
    }
}

diesel::table! {
    group_memberships (group_id, member_id) {
        group_id -> BigInt,
        member_id -> BigInt,
        since -> Date,
    }
}

diesel::table! {
    member_scopes (group_id, sort_key, member_id) {
        group_id -> BigInt,
        sort_key -> Text,
        member_id -> BigInt,
    }
}

diesel::table! {
    offices (id) {
        id -> BigInt,
        member_id -> BigInt,
        group_id -> BigInt,
        role -> Text,
        starts_on -> Date,
        ends_on -> Nullable<Date>,
    }
}

diesel::table! {
    accounts (id) {
        id -> BigInt,
        login -> Text,
        member_id -> Nullable<BigInt>,
        password_hash -> Text,
        is_admin -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    sessions (token_digest) {
        token_digest -> Text,
        account_id -> BigInt,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    password_resets (token_digest) {
        token_digest -> Text,
        member_id -> Nullable<BigInt>,
        account_id -> Nullable<BigInt>,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    rate_limits (bucket) {
        bucket -> Text,
        window_start -> Timestamp,
        hits -> Integer,
        last_hit -> Nullable<Timestamp>,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        at -> Timestamp,
        actor_account_id -> Nullable<BigInt>,
        action -> Text,
        member_id -> Nullable<BigInt>,
        group_id -> Nullable<BigInt>,
        detail -> Text,
        ballot_id -> Nullable<Text>,
    }
}

diesel::table! {
    outbox (id) {
        id -> BigInt,
        created_at -> Timestamp,
        recipient -> Text,
        subject -> Text,
        body -> Nullable<Text>,
        sent_at -> Nullable<Timestamp>,
        error -> Nullable<Text>,
    }
}

diesel::joinable!(group_tree -> groups (group_id));
diesel::joinable!(members -> groups (chapter_id));
diesel::joinable!(offices -> members (member_id));
diesel::joinable!(offices -> groups (group_id));
diesel::joinable!(group_memberships -> members (member_id));
diesel::joinable!(member_scopes -> members (member_id));
diesel::joinable!(accounts -> members (member_id));
diesel::joinable!(sessions -> accounts (account_id));

diesel::table! {
    ballots (id) {
        id -> Text,
        group_id -> BigInt,
        title -> Text,
        description -> Text,
        cutoff_date -> Date,
        opens_at -> Timestamp,
        closes_at -> Timestamp,
        revote_allowed -> Bool,
        shuffle_options -> Bool,
        status -> Text,
        box_public_key -> Text,
        box_key_sealed -> Text,
        created_at -> Timestamp,
        portal_key_sealed -> Nullable<Text>,
        record_version -> Integer,
        election -> Nullable<Text>,
        fingerprint -> Nullable<Text>,
        lot_seed_sealed -> Nullable<Text>,
        protocol -> Text,
    }
}

diesel::table! {
    ballot_questions (ballot_id, position) {
        ballot_id -> Text,
        position -> Integer,
        definition -> Text,
    }
}

diesel::table! {
    electors (ballot_id, member_id) {
        ballot_id -> Text,
        member_id -> BigInt,
        channel -> Text,
        issued -> Bool,
    }
}

diesel::table! {
    credentials (ballot_id, public_key) {
        ballot_id -> Text,
        public_key -> Text,
        origin -> Text,
        revoked -> Bool,
        used -> Text,
        reissue_tag -> Nullable<Text>,
    }
}

diesel::table! {
    ballot_boxes (ballot_id) {
        ballot_id -> Text,
        head -> Text,
        length -> BigInt,
    }
}

diesel::table! {
    box_entries (ballot_id, position) {
        ballot_id -> Text,
        position -> BigInt,
        credential -> Text,
        choices -> Text,
        signature -> Text,
        hash -> Text,
        chain -> Text,
    }
}

diesel::joinable!(ballots -> groups (group_id));
diesel::joinable!(ballot_questions -> ballots (ballot_id));
diesel::joinable!(electors -> ballots (ballot_id));
diesel::joinable!(electors -> members (member_id));

diesel::table! {
    officer_acts (id) {
        id -> BigInt,
        ballot_id -> Text,
        act -> Text,
        member_id -> Nullable<BigInt>,
        requested_by -> BigInt,
        requested_at -> Timestamp,
        confirmed_by -> Nullable<BigInt>,
        confirmed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    ballot_results (ballot_id) {
        ballot_id -> Text,
        lot_seed -> Text,
        result -> Text,
        record -> Nullable<Text>,
    }
}

diesel::table! {
    postal_votes (ballot_id, credential) {
        ballot_id -> Text,
        credential -> Text,
        choices -> Text,
        status -> Text,
        batch -> Nullable<BigInt>,
        signature -> Nullable<Text>,
    }
}

diesel::table! {
    act_details (act_id) {
        act_id -> BigInt,
        ballot_id -> Text,
        seq -> BigInt,
        count -> Nullable<BigInt>,
    }
}

diesel::joinable!(officer_acts -> ballots (ballot_id));
diesel::joinable!(officer_acts -> members (member_id));
diesel::joinable!(ballot_results -> ballots (ballot_id));

diesel::table! {
    member_changes (id) {
        id -> BigInt,
        member_id -> BigInt,
        changed_at -> Timestamp,
        actor_account_id -> Nullable<BigInt>,
        field -> Text,
        old_value -> Nullable<Text>,
        new_value -> Nullable<Text>,
    }
}

diesel::table! {
    email_confirmations (token_digest) {
        token_digest -> Text,
        member_id -> BigInt,
        email -> Text,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    bank_accounts (member_id) {
        member_id -> BigInt,
        iban_masked -> Text,
        sealed -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    consents (member_id, topic) {
        member_id -> BigInt,
        topic -> Text,
        wording_version -> Text,
        given_at -> Timestamp,
        withdrawn_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(member_changes -> members (member_id));
diesel::joinable!(email_confirmations -> members (member_id));
diesel::joinable!(bank_accounts -> members (member_id));
diesel::joinable!(consents -> members (member_id));

diesel::table! {
    credential_imports (act_id) {
        act_id -> BigInt,
        ballot_id -> Text,
        body -> Text,
    }
}

diesel::table! {
    trustee_ceremonies (ballot_id) {
        ballot_id -> Text,
        stage -> Text,
        ceremony -> Nullable<Text>,
        keys -> Nullable<Text>,
    }
}

diesel::table! {
    trustees (id) {
        id -> BigInt,
        ballot_id -> Text,
        name -> Text,
        email -> Nullable<Text>,
        token_digest -> Text,
        position -> Integer,
        certificate -> Nullable<Text>,
        bundle -> Nullable<Text>,
        verification -> Nullable<Text>,
    }
}

diesel::table! {
    tallies (ballot_id) {
        ballot_id -> Text,
        stage -> Text,
        input -> Text,
        digest -> Text,
        ballots -> BigInt,
        counts -> Nullable<Text>,
    }
}

diesel::table! {
    tally_partials (trustee_id) {
        trustee_id -> BigInt,
        ballot_id -> Text,
        trustee_index -> Integer,
        partial -> Text,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    groups,
    group_tree,
    members,
    group_memberships,
    member_scopes,
    offices,
    accounts,
    sessions,
    password_resets,
    rate_limits,
    audit_log,
    outbox,
    ballots,
    ballot_questions,
    electors,
    credentials,
    ballot_boxes,
    box_entries,
    officer_acts,
    credential_imports,
    act_details,
    trustee_ceremonies,
    trustees,
    tallies,
    tally_partials,
    ballot_results,
    postal_votes,
    surveys,
    survey_questions,
    survey_participants,
    survey_answer_marks,
    survey_browsers,
    survey_codes,
    survey_responses,
    survey_policies,
    member_changes,
    email_confirmations,
    bank_accounts,
    consents,
);

diesel::table! {
    surveys (id) {
        id -> Text,
        group_id -> Nullable<BigInt>,
        owner_account_id -> BigInt,
        title -> Text,
        description -> Text,
        audience -> Text,
        opens_at -> Timestamp,
        closes_at -> Timestamp,
        anonymous -> Bool,
        results -> Text,
        decision -> Nullable<Text>,
        mailed_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    survey_questions (survey_id, position) {
        survey_id -> Text,
        position -> Integer,
        definition -> Text,
    }
}

diesel::table! {
    survey_participants (survey_id, member_id) {
        survey_id -> Text,
        member_id -> BigInt,
        channel -> Text,
    }
}

diesel::table! {
    survey_answer_marks (survey_id, token) {
        survey_id -> Text,
        token -> Text,
    }
}

diesel::table! {
    survey_browsers (survey_id, token_digest) {
        survey_id -> Text,
        token_digest -> Text,
    }
}

diesel::table! {
    survey_codes (survey_id, code_digest) {
        survey_id -> Text,
        code_digest -> Text,
        member_id -> Nullable<BigInt>,
        used -> Bool,
    }
}

diesel::table! {
    survey_responses (survey_id, id) {
        survey_id -> Text,
        id -> Text,
        member_id -> Nullable<BigInt>,
        channel -> Text,
        answers -> Text,
    }
}

diesel::table! {
    survey_policies (group_id) {
        group_id -> BigInt,
        members_may_create -> Bool,
    }
}

diesel::joinable!(survey_questions -> surveys (survey_id));
diesel::joinable!(survey_participants -> surveys (survey_id));
diesel::joinable!(survey_answer_marks -> surveys (survey_id));
diesel::joinable!(survey_responses -> surveys (survey_id));
diesel::joinable!(surveys -> groups (group_id));
diesel::joinable!(survey_policies -> groups (group_id));

diesel::table! {
    contact_runs (run_digest) {
        run_digest -> Text,
        account_id -> BigInt,
        sent_at -> Timestamp,
        mails -> BigInt,
        letters -> BigInt,
        letters_pdf -> Nullable<Binary>,
    }
}
