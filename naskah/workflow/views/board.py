"""The Kanban board: nine columns, filters, and a cheap poll for changes."""
from flask import Blueprint, request
from flask_login import current_user

from naskah.auth.guards import roles_required
from naskah.core.dbtuning import read_only
from naskah.core.templating import is_htmx_partial, render
from naskah.workflow import board as board_q

bp = Blueprint("board", __name__)
NAV = [("board.index", "Papan", {"sandiman", "kasi", "pejabat"}, 10)]
BOARD_ROLES = ("sandiman", "kasi", "pejabat")


@bp.get("/papan")
@roles_required(*BOARD_ROLES)
@read_only
def index():
    filters = board_q.Filters.from_args(request.args)
    marker = board_q.change_marker()
    if request.args.get("poll") == "1" and is_htmx_partial():
        since = request.args.get("since", "")
        if since.isdigit() and int(since) == marker:
            return "", 204  # nothing changed: htmx keeps the board as it is
    cols = board_q.columns(filters, current_user)
    return render("board/index.html", "board/_board.html", columns=cols, filters=filters, marker=marker)
