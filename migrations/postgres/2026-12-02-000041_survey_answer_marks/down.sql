DROP TABLE survey_answer_marks;
