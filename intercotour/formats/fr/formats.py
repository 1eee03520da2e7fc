# French date and time formats as on the printed programme: "jeudi 7 décembre 2023", "8h30".
DATE_FORMAT = "l j F Y"
SHORT_DATE_FORMAT = "d/m/Y"
TIME_FORMAT = r"G\hi"
DATETIME_FORMAT = r"l j F Y \à G\hi"
