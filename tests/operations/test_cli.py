"""flask commands: init, user create, demo."""
from naskah.extensions import db
from naskah.models import Document, User


def test_user_create_reads_password_from_stdin(app, runner):
    result = runner.invoke(args=["user", "create", "budi", "--role", "sandiman", "--name", "Budi"],
                           input="KataSandiKuat123\n")
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.username == "budi"))
        assert user.role == "sandiman" and user.check_password("KataSandiKuat123")
    weak = runner.invoke(args=["user", "create", "ani", "--role", "kasi"], input="lemah\n")
    assert weak.exit_code != 0 and "minimal 10 karakter" in weak.output
    dup = runner.invoke(args=["user", "create", "budi", "--role", "kasi"], input="KataSandiKuat123\n")
    assert dup.exit_code != 0 and "sudah dipakai" in dup.output


def test_demo_fills_all_nine_steps(app, runner):
    result = runner.invoke(args=["demo", "--password", "DemoDemo123"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        steps = set(db.session.scalars(db.select(Document.step)))
        assert steps == set(range(1, 10))
        assert db.session.scalar(db.select(db.func.count(Document.id))) == 30
        assert {u.role for u in db.session.scalars(db.select(User))} >= {"sandiman", "kasi", "petugas", "pejabat"}
    assert "DemoDemo123" in result.output
