"""Authorization matrix: every route x every role x anonymous, generated from app.url_map.

EXPECTED below is the contract: one line per endpoint. A route without a line, a line without a
route, or a view whose decorator (`roles_required` / `public`) disagrees with its line fails the
test with the endpoint's name. Then each route is called for real as anonymous and as each role:
GET routes with GET, POST-only routes with POST and an empty form.

Adding a route: add `"blueprint.view": allow("role", ...),` (or PUBLIC / SIGNED_IN). If a URL
argument is new, add a sample value to SAMPLE_ARGS.
"""
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest

from tests.factories import login

ROLES = ("sandiman", "kasi", "petugas", "pejabat", "admin")


@dataclass(frozen=True)
class Expect:
    roles: frozenset = frozenset()      # who may pass the decorator (empty with public=True)
    public: bool = False
    signed_in: bool = False             # roles_required() with no roles: any signed-in user
    domain_403: frozenset = frozenset() # allowed roles that the domain refuses for the sample data


def allow(*roles, domain_403=()):
    return Expect(roles=frozenset(roles), domain_403=frozenset(domain_403))


PUBLIC = Expect(public=True)
SIGNED_IN = Expect(roles=frozenset(ROLES), signed_in=True)

EXPECTED = {
    "static": PUBLIC,
    "healthz": PUBLIC,
    "auth.login": PUBLIC,
    "auth.logout": SIGNED_IN,
    "auth.home": SIGNED_IN,
    "auth.change_password": SIGNED_IN,
    "twofactor.verify": SIGNED_IN,
    "twofactor.setup": SIGNED_IN,
    "twofactor.start": SIGNED_IN,
    "twofactor.confirm": SIGNED_IN,
    "twofactor.regenerate": SIGNED_IN,
    "twofactor.disable": SIGNED_IN,
    "twofactor.admin_reset": allow("admin"),
    "account_sessions.index": SIGNED_IN,
    "account_sessions.end": SIGNED_IN,
    "account_sessions.admin_end": allow("admin"),
    "admin.users": allow("admin"),
    "admin.toggle_active": allow("admin"),
    "admin.reset": allow("admin"),
    "admin.change_role": allow("admin"),
    "approvals.index": allow("kasi", "pejabat"),
    "approvals.decide": allow("kasi", "pejabat"),
    "integrity.index": allow("admin"),
    "integrity.run": allow("admin"),
    "board.index": allow("sandiman", "kasi", "pejabat"),
    "board.column": allow("sandiman", "kasi", "pejabat"),
    "agenda.index": allow("sandiman", "kasi", "pejabat"),
    "agenda.print_view": allow("sandiman", "kasi", "pejabat"),
    "agenda.correct": allow("sandiman", "kasi"),
    "audit.index": allow("admin", "kasi"),
    "documents.new": allow("sandiman"),
    "documents.show": allow("sandiman", "kasi", "pejabat"),
    "documents.card": allow("sandiman", "kasi", "pejabat"),
    # The sample document has no assignee: only the kasi may read it (need-to-know).
    "documents.read": allow("sandiman", "kasi", "pejabat", domain_403={"sandiman", "pejabat"}),
    "documents.revise_open": allow("sandiman", "kasi", domain_403={"sandiman", "kasi"}),
    # The sample document waits for "report", a sandiman's step: the kasi is refused by the workflow.
    "documents.action_form": allow("sandiman", "kasi", domain_403={"kasi"}),
    "documents.action_submit": allow("sandiman", "kasi", domain_403={"kasi"}),
    "archive.disposal": allow("kasi", "sandiman"),
    "archive.loans": allow("kasi", "sandiman"),
    "archive.loans_pdf": allow("kasi", "sandiman"),
    "archive.lend": allow("kasi", "sandiman"),
    "archive.give_back": allow("kasi", "sandiman"),
    "delivery.receipt_scan": allow("kasi", "sandiman"),
    "archive.disposal_pdf": allow("kasi", "sandiman"),
    "archive.dispose": allow("kasi"),
    "archive.index": allow("kasi", "sandiman"),
    "calendar_admin.add_closure": allow("admin"),
    "calendar_admin.index": allow("admin"),
    "calendar_admin.remove_closure": allow("admin"),
    "calendar_admin.save_week": allow("admin"),
    "calendar_admin.save_wip": allow("admin"),
    "complaint_reports.index": allow("kasi", "pejabat"),
    "complaint_reports.register_csv": allow("kasi", "pejabat"),
    "complaint_reports.register_pdf": allow("kasi", "pejabat"),
    "complaints.act": allow("pejabat", "petugas"),
    "complaints.index": allow("pejabat", "petugas"),
    "complaints.new": allow("petugas"),
    "complaints.new_code": allow("petugas"),
    "complaints.show": allow("pejabat", "petugas"),
    "complaints.slip": allow("pejabat", "petugas"),
    "complaints.slip_pdf": allow("pejabat", "petugas"),
    "complaints.ticket": allow("pejabat", "petugas"),
    "complaints_public.complaint_form": PUBLIC,
    "complaints_public.sent": PUBLIC,
    "complaints_public.sent_slip": PUBLIC,       # served only to the session that sent the complaint
    "complaints_public.status": PUBLIC,
    "complaints_public.survey": PUBLIC,
    "complaints_public.survey_start": PUBLIC,
    "decryption.attachment": allow("kasi", "sandiman", domain_403={"sandiman"}),  # need-to-know: not assigned
    "decryption.resend_letter": allow("kasi", "sandiman"),
    "decryption.resend_letter_pdf": allow("kasi", "sandiman"),
    "keys.add_correspondent": allow("admin", "kasi"),
    "keys.export_cert": allow("admin", "kasi"),
    "keys.export_csr": allow("admin", "kasi"),
    "keys.generate": allow("admin", "kasi"),
    "keys.import_cert": allow("admin", "kasi"),
    "keys.import_fernet": allow("admin", "kasi"),
    "desk.disposition_sheet": allow("kasi", "sandiman"),
    "desk.reveal": allow("kasi", "sandiman"),
    "keys.import_kek": allow("admin", "kasi"),
    "keys.import_password": allow("admin", "kasi"),
    "keys.import_p12": allow("admin", "kasi"),
    "keys.index": allow("admin", "kasi"),
    "keys.retire": allow("admin", "kasi"),
    "correspondents.index": allow("admin"),
    "correspondents.merge": allow("admin"),
    "correspondents.new": allow("admin"),
    "correspondents.show": allow("admin"),
    "correspondents.update": allow("admin"),
    "intake.add": allow("admin"),
    "intake.edit": allow("admin"),
    "intake.evidence": allow("kasi", "sandiman", domain_403={"sandiman"}),  # need-to-know: not assigned
    "intake.index": allow("admin"),
    "intake.poll": allow("admin"),
    "intake.test": allow("admin"),
    "notifications.save": allow("admin"),
    "notifications.send_test": allow("admin"),
    "notifications.settings_page": allow("admin"),
    "office_settings.edit": allow("admin"),
    "printing.agenda_book": allow("kasi", "pejabat", "sandiman"),
    "printing.copy_letter": allow("kasi", "sandiman", domain_403={"sandiman"}),  # need-to-know: not assigned
    "printing.cover_letter": allow("kasi", "sandiman"),
    "printing.envelope": allow("kasi", "sandiman"),
    "printing.receipt": allow("kasi", "sandiman"),
    "reports.dashboard": allow("kasi", "pejabat"),
    "reports.monthly": allow("kasi", "pejabat"),
    "verification.check": PUBLIC,
    "verification.index": PUBLIC,
}

# URL arguments by name: a value, or a function of the World built below.
SAMPLE_ARGS = {
    "step": 2,
    "doc_id": lambda w: w.doc_id,
    "entry_id": lambda w: w.entry_id,
    "user_id": lambda w: w.target_user_id,
    "action": "report",
    "filename": "css/app.css",
    "corr_id": 1, "mb_id": 1, "session_id": 1, "approval_id": 1,
    "att_id": 1, "req_id": 1, "loan_id": 1, "row_id": 1, "complaint_id": 1, "disposal_id": 1,
    "code": "ABCDEFGHJKMNPQRS", "kind": "identitas", "fmt": "pdf",
}


@dataclass
class World:
    users: dict
    doc_id: int
    entry_id: int
    target_user_id: int


@pytest.fixture
def world(app, make):
    users = {role: make.user(role) for role in ROLES}
    doc_id = make.document(step=2, sandiman=users["sandiman"], kasi=users["kasi"])
    from naskah.extensions import db
    from naskah.models import AgendaEntry
    with app.app_context():
        entry_id = db.session.scalar(db.select(AgendaEntry.id))
    target = make.user("petugas")
    return World(users=users, doc_id=doc_id, entry_id=entry_id, target_user_id=target.id)


def url_for_rule(rule, world):
    values = {}
    for arg in rule.arguments:
        if arg not in SAMPLE_ARGS:
            pytest.fail(f"URL argument <{arg}> of {rule.endpoint} ({rule.rule}) has no sample value: "
                        f"add it to SAMPLE_ARGS in {__file__}")
        sample = SAMPLE_ARGS[arg]
        values[arg] = sample(world) if callable(sample) else sample
    return rule.build(values, append_unknown=False)[1]


def test_every_route_has_an_expectation_and_a_matching_decorator(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = sorted(endpoints - set(EXPECTED))
    assert not missing, ("routes without an authorization expectation (add a line to EXPECTED in "
                         f"tests/web/test_authz_matrix.py): {missing}")
    stale = sorted(set(EXPECTED) - endpoints)
    assert not stale, f"EXPECTED names routes that do not exist: {stale}"
    problems = []
    for endpoint in sorted(endpoints - {"static"}):
        view, expect = app.view_functions[endpoint], EXPECTED[endpoint]
        if expect.public:
            if not getattr(view, "public", False):
                problems.append(f"{endpoint}: expected @public")
            continue
        if getattr(view, "public", False):
            problems.append(f"{endpoint}: marked @public but expected {sorted(expect.roles)}")
        roles = getattr(view, "roles", None)
        if roles is None:
            problems.append(f"{endpoint}: has no @roles_required decorator")
        elif expect.signed_in and roles != set():
            problems.append(f"{endpoint}: expected roles_required() (any signed-in user), has {sorted(roles)}")
        elif not expect.signed_in and roles != set(expect.roles):
            problems.append(f"{endpoint}: decorator allows {sorted(roles)}, table says {sorted(expect.roles)}")
    assert not problems, "\n".join(problems)


def _call(client, rule, url):
    if "GET" in rule.methods:
        return "GET", client.get(url)
    return "POST", client.post(url, data={})


def _judge(endpoint, expect, who, method, response):
    status = response.status_code
    # Flask-Login's refusal: a redirect to /masuk carrying next= (sign-out also lands on /masuk).
    to_login = (status == 302 and urlsplit(response.location).path == "/masuk"
                and "next=" in urlsplit(response.location).query)
    label = f"{endpoint} {method} as {who}: {status}"
    if status >= 500:
        return f"{label} (server error)"
    if expect.public:
        return f"{label} (public page refused)" if status in (401, 403) or to_login else None
    if who == "anonymous":
        return None if to_login else f"{label} (anonymous must be sent to /masuk)"
    if who not in expect.roles:
        return None if status == 403 else f"{label} (role not allowed must get 403)"
    if to_login:
        return f"{label} (allowed role sent to /masuk)"
    if status == 403 and who not in expect.domain_403:
        return f"{label} (allowed role refused)"
    return None


def test_matrix_every_route_every_role_and_anonymous(app, world):
    failures, calls = [], 0
    rules = sorted((r for r in app.url_map.iter_rules()), key=lambda r: r.endpoint)
    for rule in rules:
        expect = EXPECTED[rule.endpoint]
        url = url_for_rule(rule, world)
        for who in ("anonymous", *ROLES):
            client = app.test_client()
            if who != "anonymous":
                login(client, world.users[who])
            method, response = _call(client, rule, url)
            calls += 1
            problem = _judge(rule.endpoint, expect, who, method, response)
            if problem:
                failures.append(problem)
    assert calls >= 6 * 25
    assert not failures, "\n".join(failures)
