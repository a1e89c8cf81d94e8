-- "Has answered" for anonymous surveys: a keyed tag of survey and member
-- (HMAC-SHA256 under the server's secret key), no member column. The tag
-- and the answer are written in one transaction; without the key, the tag
-- names nobody, so that transaction pairs nobody with an answer.
-- survey_participants keeps the members sent a letter, and those who
-- answered a named survey.
CREATE TABLE survey_answer_marks (
    survey_id TEXT NOT NULL REFERENCES surveys(id),
    token TEXT NOT NULL,
    PRIMARY KEY (survey_id, token)
);
