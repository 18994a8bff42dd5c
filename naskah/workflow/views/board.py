"""The Kanban board: nine paged columns, filters, "tampilkan N lagi", and a poll that refreshes
only the columns that changed."""
from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from flask_login import current_user

from naskah.auth.guards import roles_required
from naskah.core.dbtuning import read_only
from naskah.core.templating import is_htmx_partial, layout_data, render
from naskah.workflow import board as board_q
from naskah.workflow import cardcache
from naskah.workflow.engine import Step

bp = Blueprint("board", __name__)
NAV = [("board.index", "Papan", {"sandiman", "kasi", "pejabat"}, 10)]
BOARD_ROLES = ("sandiman", "kasi", "pejabat")


@bp.get("/papan")
@roles_required(*BOARD_ROLES)
@read_only
def index():
    filters = board_q.Filters.from_args(request.args)
    shown = board_q.shown_from_args(request.args)
    marker = board_q.change_marker()
    polling = request.args.get("poll") == "1" and is_htmx_partial()
    if polling:
        since = request.args.get("since", "")
        if since.isdigit() and int(since) == marker:
            return "", 204  # nothing changed: htmx keeps the board as it is
    # The user itself, not the proxy: every card's transition checks read its role and id.
    cols = board_q.columns(filters, current_user._get_current_object(), shown=shown, load=False)
    known = request.args.get("sig", "").split(".")
    poll = _poll_url(filters, shown, marker, cols)
    if polling and len(known) == len(cols):
        changed = [c for c, sig in zip(cols, known, strict=True) if c.signature != sig]
        board_q.fill(changed, marker)
        return render_template("board/_poll.html", columns=changed, poll_url=poll, marker=marker, oob=True,
                               **layout_data())  # the waiting badge, out of band
    board_q.fill(cols, marker)
    return render("board/index.html", "board/_board.html", columns=cols, filters=filters, marker=marker,
                  poll_url=poll, **layout_data())  # the partial updates the waiting badge out of band


@bp.get("/papan/kolom/<int:step>")
@roles_required(*BOARD_ROLES)
@read_only
def column(step):
    """The next page of one column, in place of its "tampilkan N lagi" link (htmx); without
    JavaScript the link is a plain one to the board with that column grown instead."""
    if step not in {int(s) for s in Step}:
        abort(404)
    filters = board_q.Filters.from_args(request.args)
    offset, after = request.args.get("offset", "0"), request.args.get("after", "")
    offset = int(offset) if offset.isdigit() else 0
    if not is_htmx_partial():
        return redirect(url_for(".index", **filters.as_args(), **{f"s{step}": offset + board_q.page_size()})
                        + f"#col-{step}")
    col = board_q.columns(filters, current_user._get_current_object(), steps=[Step(step)], offset=offset,
                          after=int(after) if after.isdigit() else None)[0]
    return render_template("board/_column_page.html", col=col)


def _poll_url(filters, shown, marker, cols) -> str:
    sig = ".".join(c.signature for c in cols)
    extra = {f"s{k}": v for k, v in shown.items()}
    return url_for(".index", poll=1, since=marker, sig=sig, **filters.as_args(), **extra)


@bp.app_template_global()
def card_urls():
    """The request's URL patterns for cards and columns (built once: naskah.workflow.board.CardUrls)."""
    urls = g.get("naskah_card_urls")
    if urls is None:
        urls = g.naskah_card_urls = board_q.CardUrls(board_q.Filters.from_args(request.args),
                                                     board_q.shown_from_args(request.args))
    return urls


# A board card's HTML, remembered by everything it shows (naskah.workflow.cardcache).
bp.add_app_template_global(cardcache.card, "board_card")
