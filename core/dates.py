"""Calendar arithmetic without a dependency: months and years that end on a shorter month clamp to its last day."""

import calendar
import datetime


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: datetime.date, years: int) -> datetime.date:
    return add_months(day, 12 * years)


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    """Completed years on `day` (someone born on 29 February turns a year older on 1 March in common years)."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))
