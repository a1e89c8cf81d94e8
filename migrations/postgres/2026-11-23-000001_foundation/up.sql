-- Organisation tree: federal > state > district > local, plus working groups.
CREATE TABLE groups (
    id BIGINT PRIMARY KEY NOT NULL,
    parent_id BIGINT REFERENCES groups(id),
    kind TEXT NOT NULL CHECK (kind IN ('federal', 'state', 'district', 'local', 'working_group')),
    name TEXT NOT NULL,
    slug TEXT NOT NULL UNIQUE
);
CREATE INDEX groups_parent ON groups(parent_id);

-- Closure table: one row per (ancestor, descendant), including the group
-- itself at depth 0, so "this group and everything below" is one indexed join.
CREATE TABLE group_tree (
    ancestor_id BIGINT NOT NULL REFERENCES groups(id),
    group_id BIGINT NOT NULL REFERENCES groups(id),
    depth INTEGER NOT NULL,
    PRIMARY KEY (ancestor_id, group_id)
);
CREATE INDEX group_tree_group ON group_tree(group_id);

CREATE TABLE members (
    id BIGINT PRIMARY KEY NOT NULL,
    membership_number TEXT NOT NULL UNIQUE,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    address_extra TEXT,
    street TEXT NOT NULL,
    house_number TEXT NOT NULL,
    postcode TEXT NOT NULL,
    city TEXT NOT NULL,
    country TEXT NOT NULL DEFAULT 'DE',
    email TEXT,
    phone TEXT,
    birth_date DATE NOT NULL,
    join_date DATE NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'ended')),
    channel TEXT NOT NULL CHECK (channel IN ('paper', 'online')),
    language TEXT NOT NULL CHECK (language IN ('de', 'en')),
    chapter_id BIGINT NOT NULL REFERENCES groups(id),
    -- Folded "last first" (lower case, umlauts spelt out) for sorting and
    -- indexed prefix search.
    sort_key TEXT COLLATE "C" NOT NULL
);
CREATE INDEX members_chapter_sort ON members(chapter_id, sort_key);
CREATE INDEX members_sort ON members(sort_key);
CREATE INDEX members_email ON members(email);

-- Working-group memberships (the home chapter is members.chapter_id).
CREATE TABLE group_memberships (
    group_id BIGINT NOT NULL REFERENCES groups(id),
    member_id BIGINT NOT NULL REFERENCES members(id),
    since DATE NOT NULL,
    PRIMARY KEY (group_id, member_id)
);
CREATE INDEX group_memberships_member ON group_memberships(member_id);

-- Who may see whom, materialised: one row per member and per group the
-- member belongs to directly or below (home chapter and its ancestors,
-- working groups and theirs). A chair's member list is then one ordered
-- index range, whatever the size of the subtree. Maintained by
-- members::scopes::refresh whenever members, chapters or working-group
-- memberships change.
CREATE TABLE member_scopes (
    group_id BIGINT NOT NULL REFERENCES groups(id),
    sort_key TEXT COLLATE "C" NOT NULL,
    member_id BIGINT NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, sort_key, member_id)
);
CREATE INDEX member_scopes_member ON member_scopes(member_id, group_id);

CREATE TABLE offices (
    id BIGINT PRIMARY KEY NOT NULL,
    member_id BIGINT NOT NULL REFERENCES members(id),
    group_id BIGINT NOT NULL REFERENCES groups(id),
    role TEXT NOT NULL CHECK (role IN ('chair', 'deputy_chair', 'treasurer', 'secretary', 'board_member', 'returning_officer')),
    starts_on DATE NOT NULL,
    ends_on DATE
);
CREATE INDEX offices_member ON offices(member_id);
CREATE INDEX offices_group ON offices(group_id);

CREATE TABLE accounts (
    id BIGINT PRIMARY KEY NOT NULL,
    login TEXT NOT NULL UNIQUE,
    member_id BIGINT UNIQUE REFERENCES members(id),
    password_hash TEXT NOT NULL,
    is_admin BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL
);

-- Only the SHA-256 of the cookie value is stored.
CREATE TABLE sessions (
    token_digest TEXT PRIMARY KEY NOT NULL,
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_account ON sessions(account_id);

CREATE TABLE password_resets (
    token_digest TEXT PRIMARY KEY NOT NULL,
    member_id BIGINT REFERENCES members(id),
    account_id BIGINT REFERENCES accounts(id) ON DELETE CASCADE,
    expires_at TIMESTAMP NOT NULL
);

-- Fixed-window counters for login and code-entry rate limits, kept in the
-- database so that several app instances share them.
CREATE TABLE rate_limits (
    bucket TEXT PRIMARY KEY NOT NULL,
    window_start TIMESTAMP NOT NULL,
    hits INTEGER NOT NULL
);

CREATE TABLE audit_log (
    id BIGINT PRIMARY KEY NOT NULL,
    at TIMESTAMP NOT NULL,
    actor_account_id BIGINT,
    action TEXT NOT NULL,
    member_id BIGINT,
    group_id BIGINT,
    detail TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_member ON audit_log(member_id);

CREATE TABLE outbox (
    id BIGINT PRIMARY KEY NOT NULL,
    created_at TIMESTAMP NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT,
    sent_at TIMESTAMP,
    error TEXT
);
CREATE INDEX outbox_created ON outbox(created_at);
