"""The calendar page's forms: every problem of a form at once, next to its field.

The rules themselves stay in naskah.sla.calendar_settings (the CLI and the page share them); a
form only runs each of them and turns its DomainError into that field's message.
"""
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, ValidationError

from naskah.core.errors import DomainError
from naskah.sla import calendar_settings as cal_admin
from naskah.sla.calendar import WorkWeek
from naskah.workflow.engine import Step


def _check(rule, *args):
    try:
        return rule(*args)
    except DomainError as error:
        raise ValidationError(error.message) from None


class ClosureForm(FlaskForm):
    """A closure of the office (cuti bersama, libur kantor)."""
    date = StringField("Tanggal")
    label = StringField("Keterangan")
    kind = SelectField("Jenis", choices=list(cal_admin.CLOSURE_KINDS.items()), default="libur",
                       validate_choice=False)
    day = None

    def validate_date(self, field):
        self.day = _check(cal_admin.closure_day, field.data)

    def validate_label(self, field):
        field.data = _check(cal_admin.closure_label, field.data)

    def validate_kind(self, field):
        if (field.data or "libur") not in cal_admin.CLOSURE_KINDS:
            raise ValidationError("Pilih jenis libur.")
        field.data = field.data or "libur"


class WeekForm(FlaskForm):
    """The working week: open_N, start_N, end_N for Monday (0) .. Sunday (6). Each open day is
    checked on its own with WorkWeek's own Indonesian messages, then the whole week ("at least
    one working day"). After validate(): week, day_errors {day: message}, week_error."""
    week, day_errors, week_error = None, None, None

    def spans(self) -> dict[int, tuple[str, str]]:
        return {day: ((self[f"start_{day}"].data or "").strip()[:5], (self[f"end_{day}"].data or "").strip()[:5])
                for day in range(7) if self[f"open_{day}"].data}

    def rows(self, names) -> list[dict]:
        """The table as typed, to show it again with its errors."""
        return [{"day": d, "name": names[d], "open": bool(self[f"open_{d}"].data),
                 "start": (self[f"start_{d}"].data or "")[:5], "end": (self[f"end_{d}"].data or "")[:5]}
                for d in range(7)]

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        self.day_errors, self.week_error = {}, None
        spans = self.spans()
        for day, span in spans.items():
            try:
                WorkWeek({day: span})
            except ValueError as e:
                self.day_errors[day] = str(e)
        if self.day_errors:
            return False
        try:
            self.week = WorkWeek(spans)
        except ValueError as e:
            self.week_error = str(e)
            return False
        return True


for _day in range(7):
    setattr(WeekForm, f"open_{_day}", BooleanField(f"Buka hari {_day}"))
    setattr(WeekForm, f"start_{_day}", StringField(f"Jam mulai hari {_day}"))
    setattr(WeekForm, f"end_{_day}", StringField(f"Jam selesai hari {_day}"))


class RemoveClosureForm(FlaskForm):
    date = StringField("Tanggal")


class WipForm(FlaskForm):
    """One soft WIP limit per column, wip_1 .. wip_9 (empty: no limit)."""

    def limits(self) -> dict[str, int]:
        return {str(int(step)): value for step in Step
                if (value := cal_admin.wip_limit(self[f"wip_{int(step)}"].data, step)) is not None}


def _wip_validator(step):
    def validate(form, field):
        _check(cal_admin.wip_limit, field.data, step)
    return validate


for _step in Step:   # the nine fields: a class attribute each (WTForms reads them from the class)
    setattr(WipForm, f"wip_{int(_step)}", StringField(f"Batas kolom {int(_step)}", validators=[_wip_validator(_step)]))
