DROP TABLE trustees;
DROP TABLE trustee_ceremonies;
