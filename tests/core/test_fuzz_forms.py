"""Fuzzing every POST route (forms and htmx endpoints) found in the URL map.

For each route, hypothesis builds form bodies from the real form class's field names (where
known) plus random keys, filled with wrong types, huge strings, control characters, NUL bytes,
script and SQL payloads. Every answer must be: no 5xx; no raw payload markup in the page; and
when the answer is a 4xx, no table changed its row count and the audit head did not move.
"""
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from naskah import create_app
from naskah.agenda import forms as agenda_forms
from naskah.auth import forms as auth_forms
from naskah.complaints import forms as complaint_forms
from naskah.decryption import forms as keyforms
from naskah.extensions import db
from naskah.paper.forms import DisposeForm, OfficeSettingsForm, UploadForm
from naskah.workflow import engine as workflow
from naskah.workflow import forms
from tests.conftest import make_config
from tests.factories import PASSWORD, login

MARKUP = ['<script>alert("x55")</script>', '"><img src=x onerror=alert(55)>', "<svg/onload=alert(55)>",
          "javascript:alert(55)//"]
RAW_MARKERS = ['<script>alert("x55")', "<img src=x onerror", "<svg/onload"]
SQL = ["' OR '1'='1", "1; DROP TABLE users; --", "admin'--", "\" OR 1=1 --", "%' AND 1=0 UNION SELECT 1 --"]
WEIRD = ["\x00", "\x00\x01\x02\x1b[31m", "\r\n\r\nSet-Cookie: x=1", "\u202e\u200b\ufeff", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
         "-1", "0", "99999999999999999999", "1e309", "NaN", "true", "[]", "{}", "../../etc/passwd",
         "2026-02-30", "2026-13-01T25:61", "9999-12-31T23:59", "0001-01-01"]

# Known form classes per endpoint (the fuzzer still adds random keys). New routes fuzz with
# random keys only until a line is added here.
FORM_FOR = {
    "auth.login": auth_forms.LoginForm,
    "auth.change_password": auth_forms.ChangePasswordForm,
    "documents.new": forms.ReceiveForm,
    "agenda.correct": agenda_forms.CorrectionForm,
    "admin.users": auth_forms.UserForm,
    "twofactor.verify": auth_forms.SecondFactorForm,
    "twofactor.confirm": auth_forms.SecondFactorForm,
    "twofactor.disable": auth_forms.SecondFactorForm,
    "complaints.new": complaint_forms.QuickComplaintForm,
    "complaints_public.complaint_form": complaint_forms.PublicComplaintForm,
    "complaints_public.status": complaint_forms.StatusForm,
    "complaints.act": complaint_forms.RespondForm,
    "archive.dispose": DisposeForm,
    "office_settings.edit": OfficeSettingsForm,
    "verification.check": UploadForm,
    "verification.index": UploadForm,
    "keys.import_cert": keyforms.ImportCertForm,
}
# URL arguments other than the document, action, agenda entry and user (any existing row will do).
SAMPLE_ARGS = {"complaint_id": 1, "session_id": 1, "approval_id": 1, "row_id": 1, "att_id": 1, "req_id": 1,
               "disposal_id": 1, "corr_id": 1, "mb_id": 1, "loan_id": 1,
               "kind": "identitas", "code": "ABCDEFGHJKMNPQRS", "fmt": "pdf"}
# Whom to fuzz as, when not the first role the decorator allows.
FUZZ_AS = {"auth.login": "anonymous", "twofactor.verify": "kasi-pending"}
# Rejections these routes record on purpose (failed sign-in attempts are audited and counted).
AUDITS_REJECTIONS = {"auth.login", "twofactor.verify", "twofactor.confirm", "twofactor.disable"}


def _discover():
    tmp = Path(tempfile.mkdtemp(prefix="naskah-fuzz-"))
    app = create_app(make_config(tmp))
    cases = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint):
        if "POST" not in rule.methods:
            continue
        if rule.endpoint == "documents.action_submit":
            cases += [pytest.param(rule.endpoint, t.action, id=f"{rule.endpoint}[{t.action}]")
                      for t in workflow.TRANSITIONS]
        else:
            cases.append(pytest.param(rule.endpoint, None, id=rule.endpoint))
    with app.app_context():
        db.engine.dispose()
    return cases


CASES = _discover()


def value_strategy():
    return st.one_of(
        st.text(max_size=40),
        st.sampled_from(MARKUP + SQL + WEIRD),
        st.text(alphabet=st.characters(max_codepoint=0x1f), max_size=20),
        st.binary(max_size=40).map(lambda b: b.decode("latin-1")),
        st.integers().map(str),
        st.floats(allow_nan=True).map(str),
        st.sampled_from(["A" * 5000, "Z" * 600_001, "<script>" * 2000]),
    )


def body_strategy(field_names, form_choices):
    known = {}
    for name in field_names:
        values = value_strategy()
        if form_choices.get(name):
            values = st.one_of(st.sampled_from(form_choices[name]), values)
        known[name] = values
    extra = st.dictionaries(st.text(min_size=1, max_size=12), value_strategy(), max_size=3)
    return st.tuples(st.fixed_dictionaries({}, optional=known), extra).map(lambda t: {**t[1], **t[0]})


# Server-side sessions and rate counters change on every request, refused or not.
BOOKKEEPING = {"web_sessions", "rate_counters"}


def snapshot(app):
    """Row counts of every table, the audit head, and the documents' versions."""
    with app.app_context():
        out = {}
        for table in db.metadata.sorted_tables:
            if table.name in BOOKKEEPING:
                continue
            out[table.name] = db.session.execute(text(f'SELECT count(*) FROM "{table.name}"')).scalar_one()  # nosec B608
        # A refusal is itself audited (access.denied, tests/web/test_denials.py); nothing else may be.
        out["audit_events"] = db.session.execute(text(
            "SELECT count(*) FROM audit_events WHERE action <> 'access.denied'")).scalar_one()
        out["doc_versions"] = db.session.execute(text("SELECT coalesce(sum(version), 0) FROM documents")).scalar_one()
        db.session.remove()
        return out


def assert_no_raw_markup(body: str, where: str):
    for marker in RAW_MARKERS:
        assert marker not in body, f"unescaped payload {marker!r} in {where}"


@pytest.fixture
def fuzz_world(app, make):
    users = {role: make.user(role) for role in ("sandiman", "kasi", "petugas", "pejabat", "admin")}
    target = make.user("petugas")
    return users, target


def _client_for(app, who, users):
    client = app.test_client()
    if who == "anonymous":
        return client
    if who == "kasi-pending":
        client.post("/masuk", data={"username": users["kasi"].username, "password": PASSWORD})
        return client
    login(client, users[who])
    return client


@pytest.mark.parametrize("endpoint, action", CASES)
def test_fuzz_post_route(app, make, fuzz_world, endpoint, action):
    users, target = fuzz_world
    app.config["LOGIN_MAX_FAILURES"] = 10_000  # keep fuzzing past the lockouts
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint and "POST" in r.methods)
    view = app.view_functions[endpoint]
    form_cls = FORM_FOR.get(endpoint)
    choices = {}
    if action is not None:
        t = workflow.BY_ACTION[action]
        doc_id = make.document(step=int(t.source), sandiman=users["sandiman"], kasi=users["kasi"])
        form_cls = forms.ACTION_FORMS[action]
        who = t.role.value
        choices = {"assignee_id": [str(users["sandiman"].id)], "courier_id": [str(users["sandiman"].id)],
                   "version": [str(make.get(doc_id).version)], "confirm": ["y"]}
    else:
        doc_id = make.document(step=2, sandiman=users["sandiman"], kasi=users["kasi"])
        roles = sorted(getattr(view, "roles", None) or ["sandiman"])
        who = FUZZ_AS.get(endpoint, "anonymous" if getattr(view, "public", False) else roles[0])
    field_names = []
    if form_cls is not None:
        with app.test_request_context():
            for name, field in form_cls(meta={"csrf": False})._fields.items():
                field_names.append(name)
                if getattr(field, "choices", None):
                    choices.setdefault(name, [str(c[0]) for c in field.choices])
    values = {**SAMPLE_ARGS, "doc_id": doc_id, "action": action or "respond", "entry_id": 1,
              "user_id": target.id}
    url = rule.build({a: values[a] for a in rule.arguments}, append_unknown=False)[1]
    client = _client_for(app, who, users)
    seen = {"n": 0}

    @settings(max_examples=25, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(body=body_strategy(field_names, choices), htmx=st.booleans())
    def fuzz(body, htmx):
        before = snapshot(app)
        headers = {"HX-Request": "true"} if htmx else {}
        response = client.post(url, data=body, headers=headers)
        seen["n"] += 1
        assert response.status_code < 500, (endpoint, body, response.status_code)
        assert_no_raw_markup(response.get_data(as_text=True), f"{endpoint} response")
        if 400 <= response.status_code < 500:
            after = snapshot(app)
            if endpoint in AUDITS_REJECTIONS:
                before.pop("audit_events"), after.pop("audit_events")
            assert after == before, (endpoint, response.status_code, body)

    fuzz()
    assert seen["n"] >= 10
    # Whatever was stored must come back escaped on every page that shows it.
    reader = _client_for(app, "kasi", users)
    pages = ["/papan", "/agenda/", "/audit/", f"/dokumen/{doc_id}", f"/dokumen/{doc_id}/kartu"]
    for page in pages:
        response = reader.get(page)
        assert response.status_code < 500
        assert_no_raw_markup(response.get_data(as_text=True), page)
    admin = _client_for(app, "admin", users)
    assert_no_raw_markup(admin.get("/admin/pengguna").get_data(as_text=True), "/admin/pengguna")


def test_posts_without_csrf_token_change_nothing(csrf_app, make):
    """With CSRF on (as in production), a POST without the token is refused before any change."""
    fz = make.__class__(csrf_app)
    users = {role: fz.user(role) for role in ("sandiman", "admin")}
    doc_id = fz.document(step=2, sandiman=users["sandiman"])
    before = snapshot(csrf_app)
    for rule in csrf_app.url_map.iter_rules():
        if "POST" not in rule.methods:
            continue
        values = {**SAMPLE_ARGS, "doc_id": doc_id, "action": "report", "entry_id": 1,
                  "user_id": users["sandiman"].id}
        url = rule.build({a: values[a] for a in rule.arguments}, append_unknown=False)[1]
        response = csrf_app.test_client().post(url, data={"username": users["sandiman"].username,
                                                           "password": PASSWORD})
        assert response.status_code == 400, (rule.endpoint, response.status_code)
    assert snapshot(csrf_app) == before
