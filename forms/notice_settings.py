"""The form of a department's notice settings (what its 整改通知书 say, DOMAIN §15.3)."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from forms import WebForm
from inspection.notices.settings import NOTICE_TITLES, NoticeSettings


class NoticeSettingsForm(WebForm):
    """Edit one department's notice settings; the service checks them (`settings_problems`)."""

    short_code = StringField(
        _l("机关代字（文号用字）"),
        validators=[DataRequired(), Length(max=4)],
        description=_l("如“民”，文号为 五民整〔2026〕12号"),
    )
    notice_title = SelectField(_l("整改文书名称"), choices=[SelectChoice(title, title) for title in NOTICE_TITLES])
    review_body = StringField(
        _l("复议机关"), validators=[DataRequired(), Length(max=100)], description=_l("如 五寨县人民政府")
    )
    inspection_basis = TextAreaField(
        _l("检查依据"), validators=[Length(max=500)], description=_l("如《中华人民共和国消防法》第五十三条")
    )
    order_basis = TextAreaField(
        _l("责令改正依据"),
        validators=[Length(max=500)],
        description=_l("本部门责令限期改正的职权依据，印在“依据……责令限期改正”一句中"),
    )
    consequence = TextAreaField(
        _l("逾期不改的后果"), validators=[Length(max=500)], description=_l("只印在本部门发出的通知书上")
    )
    consequence_basis = TextAreaField(_l("后果的依据"), validators=[Length(max=500)])
    submit = SubmitField(_l("保存文书设置"))

    def settings(self) -> NoticeSettings:
        """Return the settings as entered."""
        return NoticeSettings(
            short_code=self.short_code.data or "",
            notice_title=self.notice_title.data or "",
            review_body=self.review_body.data or "",
            inspection_basis=self.inspection_basis.data or "",
            order_basis=self.order_basis.data or "",
            consequence=self.consequence.data or "",
            consequence_basis=self.consequence_basis.data or "",
        )
