"""Date and time formats for the portal's English, as the Baltic Sea region writes them.

Django's English is American: it reads 10/03/2027 as 3 October. Staff across the region write
the day first (10.03.2027, 10/03/2027) or ISO 8601 (2027-03-10); every one of those means
10 March here, and the month-first reading is gone. Forms show and propose ISO, which nobody
misreads. Times are on the 24-hour clock, also with a dot (14.30).
"""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
FIRST_DAY_OF_WEEK = 1  # Monday

# The first of each list is how a form shows a value.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y"]
TIME_INPUT_FORMATS = ["%H:%M", "%H:%M:%S", "%H.%M"]
DATETIME_INPUT_FORMATS = [
    f"{date} {time}" for date in DATE_INPUT_FORMATS for time in TIME_INPUT_FORMATS
]
