"""Forms for regions and departments."""

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Regexp

from forms import WebForm


class RegionForm(WebForm):
    """Add a region below an existing one (e.g. a township below the county)."""

    parent_id = SelectField(_l("上级区域"), coerce=int)
    name = StringField(_l("名称"), validators=[DataRequired(), Length(max=100)])
    short_name = StringField(_l("简称（用于文号）"), validators=[Length(max=10)])
    submit = SubmitField(_l("添加区域"))

    def __init__(self, *args: Any, parents: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.parent_id.choices = parents


class DepartmentForm(WebForm):
    """Add a member department of a region's joint inspections."""

    region_id = SelectField(_l("所属区域"), coerce=int)
    code = StringField(
        _l("代码"), validators=[DataRequired(), Regexp(r"^[a-z]{2,10}$", message=_l("代码为2–10个小写字母，如 mz"))]
    )
    name = StringField(_l("全称"), validators=[DataRequired(), Length(max=100)])
    kind = StringField(_l("部门类别"), validators=[DataRequired(), Length(max=20)])
    short_code = StringField(_l("文号用字"), validators=[DataRequired(), Length(max=4)])
    submit = SubmitField(_l("添加部门"))

    def __init__(self, *args: Any, regions: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.region_id.choices = regions
