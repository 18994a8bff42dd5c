"""`flask pengaduan target` and `flask pengaduan kode-survei`."""
from naskah.complaints import accesscodes, survey
from naskah.complaints import flow as complaints


def test_target_shows_and_sets(app, runner):
    result = runner.invoke(args=["pengaduan", "target"])
    assert result.exit_code == 0 and "1 hari kerja" in result.output and "10 hari kerja" in result.output
    result = runner.invoke(args=["pengaduan", "target", "--tanggapan", "2", "--penyelesaian", "14"])
    assert result.exit_code == 0 and "2 hari kerja" in result.output
    with app.app_context():
        assert complaints.target_days() == (2, 14)
    assert runner.invoke(args=["pengaduan", "target", "--tanggapan", "0"]).exit_code != 0


def test_survey_code_for_the_service(app, runner):
    result = runner.invoke(args=["pengaduan", "kode-survei", "--ref", "0001/2026"])
    code = result.output.strip()
    assert result.exit_code == 0 and accesscodes.normalize(code)
    with app.app_context():
        state, row = survey.find(code)
        assert state == "ok" and row.kind == "layanan" and row.ref == "0001/2026"
