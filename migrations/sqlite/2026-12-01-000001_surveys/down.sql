DROP TABLE survey_policies;
DROP TABLE survey_responses;
DROP TABLE survey_codes;
DROP TABLE survey_browsers;
DROP TABLE survey_participants;
DROP TABLE survey_questions;
DROP TABLE surveys;
