# The short formats as the long ones: 1 octobre 2026 and 1 octobre 2026 16:00.
SHORT_DATE_FORMAT = "j F Y"
SHORT_DATETIME_FORMAT = "j F Y H:i"
