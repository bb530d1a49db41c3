# The short formats as the long ones: Oct. 1, 2026 and Oct. 1, 2026, 4 p.m.
SHORT_DATE_FORMAT = "N j, Y"
SHORT_DATETIME_FORMAT = "N j, Y, P"
