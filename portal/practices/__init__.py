"""Good-practice exchange: practice records, their review, the library and comments."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from portal import navigation

bp = Blueprint("practices", __name__, url_prefix="/practices")


@bp.app_template_global("practice_labels")
def _practice_labels():
    from portal.practices.vocab import request_labels

    return request_labels()


def _reads_library(user) -> bool:
    from portal.practices.permissions import user_reads_library

    return user_reads_library(user)


navigation.add(navigation.NavEntry(_l("Practices"), "practices.library", _reads_library, 42))

from portal.accounts import services as account_services  # noqa: E402
from portal.exercises import PracticeSharing, ShareError, install_practice_sharing  # noqa: E402
from portal.practices import models, queries, services, views  # noqa: E402, F401
from portal.search.practices import register_practices  # noqa: E402


def _share_exercise(author, exercise):
    try:
        return services.from_exercise(author, exercise)
    except services.PracticeError as error:
        raise ShareError(str(error)) from error


register_practices(models.Practice, models.PracticeComment, _reads_library)
install_practice_sharing(
    PracticeSharing(
        create=_share_exercise,
        find=lambda user_id, exercise_id: queries.practice_from_exercise(
            user_id, exercise_id, reads_library=True
        ),
    )
)

if services.export_practices not in account_services.EXPORTERS:
    account_services.EXPORTERS.append(services.export_practices)
