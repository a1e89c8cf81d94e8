-- Surveys and polls (issue 4). Answers of an anonymous survey carry no
-- member column, no timestamp and a random id; who has answered is kept
-- apart in survey_participants, written in the same transaction.

CREATE TABLE surveys (
    id TEXT PRIMARY KEY NOT NULL,
    -- The audience group; NULL when the survey is for all members or for
    -- anyone with the link.
    group_id BIGINT REFERENCES groups(id),
    owner_account_id BIGINT NOT NULL REFERENCES accounts(id),
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    audience TEXT NOT NULL CHECK (audience IN ('group', 'all', 'link')),
    opens_at TIMESTAMP NOT NULL,
    closes_at TIMESTAMP NOT NULL,
    anonymous BOOLEAN NOT NULL,
    results TEXT NOT NULL CHECK (results IN ('during', 'after', 'owners')),
    -- The chosen date of a scheduling poll, until there is a calendar.
    decision TEXT,
    -- When the e-mail invitations went out; set once, so a second click
    -- cannot mail the whole audience again.
    mailed_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX surveys_group ON surveys(group_id);

CREATE TABLE survey_questions (
    survey_id TEXT NOT NULL REFERENCES surveys(id),
    position INTEGER NOT NULL,
    -- votum::surveys::questions::Question as JSON.
    definition TEXT NOT NULL,
    PRIMARY KEY (survey_id, position)
);

-- Members who answered online or were sent a letter: exactly once per
-- member through the primary key. Nothing here says what they answered.
CREATE TABLE survey_participants (
    survey_id TEXT NOT NULL REFERENCES surveys(id),
    member_id BIGINT NOT NULL REFERENCES members(id),
    channel TEXT NOT NULL CHECK (channel IN ('portal', 'letter')),
    PRIMARY KEY (survey_id, member_id)
) WITHOUT ROWID;

-- Browsers that answered a public-link survey: the digest of their cookie.
CREATE TABLE survey_browsers (
    survey_id TEXT NOT NULL REFERENCES surveys(id),
    token_digest TEXT NOT NULL,
    PRIMARY KEY (survey_id, token_digest)
) WITHOUT ROWID;

-- One-time codes printed on letters: only a digest. member_id is set only
-- for named surveys, whose answers carry the member anyway.
CREATE TABLE survey_codes (
    survey_id TEXT NOT NULL REFERENCES surveys(id),
    code_digest TEXT NOT NULL,
    member_id BIGINT REFERENCES members(id),
    used BOOLEAN NOT NULL,
    PRIMARY KEY (survey_id, code_digest)
) WITHOUT ROWID;

-- One row per answered survey. Keyed by a random id (WITHOUT ROWID, so the
-- storage order is random, not the order of answering); no timestamp.
CREATE TABLE survey_responses (
    survey_id TEXT NOT NULL REFERENCES surveys(id),
    id TEXT NOT NULL,
    member_id BIGINT REFERENCES members(id),
    channel TEXT NOT NULL CHECK (channel IN ('portal', 'link', 'letter', 'paper')),
    -- One answer per question, as JSON.
    answers TEXT NOT NULL,
    PRIMARY KEY (survey_id, id)
) WITHOUT ROWID;
-- Named surveys: one response per member (NULLs, the anonymous rows, are
-- distinct on both backends).
CREATE UNIQUE INDEX survey_responses_member ON survey_responses(survey_id, member_id);

-- Whether plain members of a group may start surveys for it.
CREATE TABLE survey_policies (
    group_id BIGINT PRIMARY KEY NOT NULL REFERENCES groups(id),
    members_may_create BOOLEAN NOT NULL
);
